"""A user's balance and ledger, and grants applied exactly once."""

from __future__ import annotations

from shared.domain import credits, responses
from shared.domain.clock import utcnow
from shared.domain.credits import Account, GrantKind
from shared.services.ports import Store, Transaction
from shared.services.views import balance_view, entry_view


class CreditService:
    def __init__(self, store: Store):
        self.store = store

    def balance(self, uid: str, email: str | None = None) -> responses.Balance:
        """The balance. The first call registers the account (so admins can find a new user by email);
        later calls write only when the caller's email has changed."""
        return balance_view(self.store.register(uid, email))

    def ledger_page(self, uid: str, limit: int, cursor: str | None) -> responses.LedgerPage:
        entries, next_cursor = self.store.ledger_page(uid, limit, cursor)
        return responses.LedgerPage(entries=[entry_view(entry) for entry in entries], nextCursor=next_cursor)

    def grant(
        self,
        uid: str,
        entry_id: str,
        kind: GrantKind,
        amount: int,
        *,
        payment_id: str | None = None,
        reason: str | None = None,
        admin_uid: str | None = None,
    ) -> tuple[Account, bool]:
        """Apply a grant once: a repeat with the same entry id changes nothing. Returns (account, applied)."""

        def callback(tx: Transaction) -> tuple[Account, bool]:
            seen = tx.entry(uid, entry_id) is not None
            account = tx.account(uid)
            if seen:
                return account, False
            entry = credits.grant(
                account, entry_id, kind, amount, utcnow(), payment_id=payment_id, reason=reason, admin_uid=admin_uid
            )
            tx.record(account, entry)
            return account, True

        return self.store.run(callback)
