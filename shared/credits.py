"""The credit ledger: every balance change is one ledger entry with a deterministic id, staged in the same
transaction as the balance it moves (DESIGN.md §6).

Amounts are whole credits. grant/topup are positive, adjust is signed, and reserve/settle/refund carry the
positive number of credits they move between `credits` (spendable), `reserved` and spent.
"""

import dataclasses
import datetime as dt

from google.api_core.exceptions import AlreadyExists
from google.cloud import firestore

from shared import errors, store
from shared.models import utcnow

GRANT_KINDS = ("grant", "topup", "adjust")


@dataclasses.dataclass
class Account:
    uid: str
    credits: int = 0
    reserved: int = 0
    active_jobs: int = 0
    plan: str | None = None
    renews_at: dt.datetime | None = None
    email: str | None = None  # as the ID token last showed it; kept for the admin console and renewals
    exists: bool = False

    @classmethod
    def from_snapshot(cls, uid: str, snap) -> "Account":
        if not snap.exists:
            return cls(uid=uid)
        data = snap.to_dict()
        return cls(
            uid=uid,
            credits=int(data.get("credits", 0)),
            reserved=int(data.get("reserved", 0)),
            active_jobs=int(data.get("activeJobs", 0)),
            plan=data.get("plan"),
            renews_at=data.get("renewsAt"),
            email=data.get("email"),
            exists=True,
        )

    def fields(self) -> dict:
        fields = {"credits": self.credits, "reserved": self.reserved, "activeJobs": self.active_jobs}
        if self.email:
            fields["email"] = self.email
        return fields

    def view(self) -> dict:
        return {
            "credits": self.credits,
            "reserved": self.reserved,
            "plan": self.plan,
            "renewsAt": self.renews_at.isoformat() if self.renews_at else None,
        }


class Ledger:
    """Stages balance moves on a transaction. Read everything first: Firestore wants reads before writes."""

    def __init__(self, db: firestore.Client, tx: firestore.Transaction):
        self.db, self.tx = db, tx

    def account(self, uid: str, email: str | None = None) -> Account:
        """The user's balance; a known `email` (from their ID token) is written with the next balance move."""
        account = Account.from_snapshot(uid, store.users(self.db).document(uid).get(transaction=self.tx))
        account.email = email or account.email
        return account

    def has_entry(self, uid: str, entry_id: str) -> bool:
        return store.ledger(self.db, uid).document(entry_id).get(transaction=self.tx).exists

    def _write(self, account: Account, entry_id: str, kind: str, amount: int, **refs) -> None:
        now = utcnow()
        user_fields = account.fields() | {"updatedAt": now}
        if not account.exists:
            user_fields["createdAt"] = now
            account.exists = True
        self.tx.set(store.users(self.db).document(account.uid), user_fields, merge=True)
        entry = {"kind": kind, "amount": amount, "createdAt": now}
        entry.update({key: value for key, value in refs.items() if value is not None})
        self.tx.set(store.ledger(self.db, account.uid).document(entry_id), entry)

    def reserve(self, account: Account, job_id: str, amount: int, max_active_jobs: int) -> None:
        if account.active_jobs >= max_active_jobs:
            raise errors.TooManyActiveJobs(
                f"You already have {account.active_jobs} unfinished videos; wait for one to finish."
            )
        if account.credits < amount:
            raise errors.InsufficientCredits(
                f"This video costs {amount} credit{'s' if amount != 1 else ''}; you have {account.credits}."
            )
        account.credits -= amount
        account.reserved += amount
        account.active_jobs += 1
        self._write(account, f"reserve:{job_id}", "reserve", amount, jobId=job_id)

    def settle(self, account: Account, job_id: str, amount: int) -> None:
        account.reserved -= amount
        account.active_jobs -= 1
        self._write(account, f"settle:{job_id}", "settle", amount, jobId=job_id)

    def refund(self, account: Account, job_id: str, amount: int, reason: str) -> None:
        account.reserved -= amount
        account.credits += amount
        account.active_jobs -= 1
        self._write(account, f"refund:{job_id}", "refund", amount, jobId=job_id, reason=reason)

    def grant(self, account: Account, entry_id: str, kind: str, amount: int, **refs) -> None:
        """Add (or, for an adjustment, remove) spendable credits; never below zero."""
        if kind not in GRANT_KINDS:
            raise ValueError(f"not a grant kind: {kind}")
        if account.credits + amount < 0:
            raise errors.Conflict(f"The balance is {account.credits}; it cannot go below zero.")
        account.credits += amount
        self._write(account, entry_id, kind, amount, **refs)


def entry_view(doc) -> dict:
    data = doc.to_dict()
    view = {"id": doc.id, "kind": data["kind"], "amount": data["amount"], "createdAt": data["createdAt"].isoformat()}
    for key in ("jobId", "paymentId", "reason"):
        if data.get(key) is not None:
            view[key] = data[key]
    return view


class CreditService:
    def __init__(self, db: firestore.Client):
        self.db = db

    def balance(self, uid: str, email: str | None = None) -> dict:
        """The balance. The first call registers the account (so admins can find a new user by email);
        later calls write only when the caller's email has changed."""
        ref = store.users(self.db).document(uid)
        account = Account.from_snapshot(uid, ref.get())
        if not account.exists:
            now = utcnow()
            try:
                ref.create(account.fields() | {"email": email, "createdAt": now, "updatedAt": now})
            except AlreadyExists:  # registered by a concurrent call or a grant in the meantime
                return self.balance(uid, email)
        elif email and account.email != email:
            ref.set({"email": email}, merge=True)
        return account.view()

    def ledger_page(self, uid: str, limit: int, cursor: str | None) -> dict:
        collection = store.ledger(self.db, uid)
        query = collection.order_by("createdAt", direction=firestore.Query.DESCENDING)
        docs, next_cursor = store.page(query, collection, limit, cursor)
        return {"entries": [entry_view(doc) for doc in docs], "nextCursor": next_cursor}

    def grant(self, uid: str, entry_id: str, kind: str, amount: int, **refs) -> tuple[Account, bool]:
        """Apply a grant once: a repeat with the same entry id changes nothing. Returns (account, applied)."""

        def callback(tx):
            ledger = Ledger(self.db, tx)
            if ledger.has_entry(uid, entry_id):
                return ledger.account(uid), False
            account = ledger.account(uid)
            ledger.grant(account, entry_id, kind, amount, **refs)
            return account, True

        return store.run_transaction(self.db, callback)
