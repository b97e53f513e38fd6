"""The Firestore implementation of the storage port (`shared.services.ports`), keeping the documents'
shapes: `users/{uid}` with its `ledger` and `subscription`, `jobs/{jobId}`, `payments/{paymentId}` and
`webhookEvents/{eventId}`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from google.api_core.exceptions import AlreadyExists
from google.cloud import firestore

from shared.adapters import firestore_db
from shared.adapters.waiting_line import WaitingLine
from shared.domain.clock import utcnow
from shared.domain.credits import Account, LedgerEntry
from shared.domain.jobs import QUEUED_STATES, Job, JobStatus
from shared.domain.payments import Payment, Subscription

T = TypeVar("T")


def account_from(uid: str, data: dict[str, Any] | None) -> Account:
    if data is None:
        return Account(uid=uid)
    return Account(
        uid=uid,
        credits=int(data.get("credits", 0)),
        reserved=int(data.get("reserved", 0)),
        active_jobs=int(data.get("activeJobs", 0)),
        plan=data.get("plan"),
        renews_at=data.get("renewsAt"),
        email=data.get("email"),
        exists=True,
        create_window_start=data.get("createWindowStart"),
        creates_in_window=int(data.get("createsInWindow", 0)),
    )


def balance_fields(account: Account) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "credits": account.credits,
        "reserved": account.reserved,
        "activeJobs": account.active_jobs,
    }
    if account.email:
        fields["email"] = account.email
    if account.create_window_start is not None:
        fields["createWindowStart"] = account.create_window_start
        fields["createsInWindow"] = account.creates_in_window
    return fields


def entry_document(entry: LedgerEntry) -> dict[str, Any]:
    document: dict[str, Any] = {"kind": entry.kind, "amount": entry.amount, "createdAt": entry.created_at}
    refs = {"jobId": entry.job_id, "paymentId": entry.payment_id, "reason": entry.reason, "adminUid": entry.admin_uid}
    document.update({key: value for key, value in refs.items() if value is not None})
    return document


def entry_from(entry_id: str, data: dict[str, Any]) -> LedgerEntry:
    return LedgerEntry(
        id=entry_id,
        kind=data["kind"],
        amount=data["amount"],
        created_at=data["createdAt"],
        job_id=data.get("jobId"),
        payment_id=data.get("paymentId"),
        reason=data.get("reason"),
        admin_uid=data.get("adminUid"),
    )


def job_from(snap: Any) -> Job:
    return Job.from_document(snap.id, snap.to_dict())


def payment_from(snap: Any) -> Payment:
    return Payment.from_document(snap.id, snap.to_dict())


def subscription_from(snap: Any) -> Subscription:
    return Subscription.from_document((snap.to_dict() or {}).get("subscription") if snap.exists else None)


class FirestoreTransaction:
    """Reads through the transaction and stages writes on it (Firestore wants every read before a write)."""

    def __init__(self, db: firestore.Client, tx: firestore.Transaction):
        self.db, self.tx = db, tx

    def account(self, uid: str) -> Account:
        snap = firestore_db.users(self.db).document(uid).get(transaction=self.tx)
        return account_from(uid, snap.to_dict() if snap.exists else None)

    def entry(self, uid: str, entry_id: str) -> LedgerEntry | None:
        snap = firestore_db.ledger(self.db, uid).document(entry_id).get(transaction=self.tx)
        return entry_from(entry_id, snap.to_dict()) if snap.exists else None

    def job(self, job_id: str) -> Job | None:
        snap = firestore_db.jobs(self.db).document(job_id).get(transaction=self.tx)
        return job_from(snap) if snap.exists else None

    def subscription(self, uid: str) -> Subscription:
        return subscription_from(firestore_db.users(self.db).document(uid).get(transaction=self.tx))

    def payment(self, payment_id: str) -> Payment | None:
        snap = firestore_db.payments(self.db).document(payment_id).get(transaction=self.tx)
        return payment_from(snap) if snap.exists else None

    def event_seen(self, event_id: str) -> bool:
        return bool(firestore_db.webhook_events(self.db).document(event_id).get(transaction=self.tx).exists)

    def record(self, account: Account, entry: LedgerEntry) -> None:
        user_fields = balance_fields(account) | {"updatedAt": entry.created_at}
        if not account.exists:
            user_fields["createdAt"] = entry.created_at
            account.exists = True
        self.tx.set(firestore_db.users(self.db).document(account.uid), user_fields, merge=True)
        self.tx.set(firestore_db.ledger(self.db, account.uid).document(entry.id), entry_document(entry))

    def save_job(self, job: Job) -> None:
        self.tx.set(firestore_db.jobs(self.db).document(job.id), job.document())

    def save_subscription(self, uid: str, subscription: Subscription) -> None:
        user = firestore_db.users(self.db).document(uid)
        self.tx.set(user, {"subscription": subscription.document()}, merge=True)

    def save_plan(self, uid: str, plan: str | None, renews_at: dt.datetime | None, subscription: Subscription) -> None:
        fields = {"plan": plan, "renewsAt": renews_at, "subscription": subscription.document()}
        self.tx.set(firestore_db.users(self.db).document(uid), fields, merge=True)

    def save_payment(self, payment: Payment) -> None:
        self.tx.set(firestore_db.payments(self.db).document(payment.id), payment.document())

    def record_event(self, event_id: str, record: dict[str, Any]) -> None:
        self.tx.set(firestore_db.webhook_events(self.db).document(event_id), record)


class FirestoreStore:
    def __init__(self, db: firestore.Client):
        self.db = db
        self._waiting_line = WaitingLine(self._front_of_line, self._waiting_before)

    def run(self, callback: Callable[[FirestoreTransaction], T]) -> T:
        return firestore_db.run_transaction(self.db, lambda tx: callback(FirestoreTransaction(self.db, tx)))

    # -- accounts -----------------------------------------------------------------------------------------
    def account(self, uid: str) -> Account:
        snap = firestore_db.users(self.db).document(uid).get()
        return account_from(uid, snap.to_dict() if snap.exists else None)

    def register(self, uid: str, email: str | None) -> Account:
        ref = firestore_db.users(self.db).document(uid)
        account = self.account(uid)
        if not account.exists:
            now = utcnow()
            try:
                ref.create(balance_fields(account) | {"email": email, "createdAt": now, "updatedAt": now})
            except AlreadyExists:  # registered by a concurrent call or a grant in the meantime
                return self.register(uid, email)
            account.email, account.exists = email, True
        elif email and account.email != email:
            ref.set({"email": email}, merge=True)
            account.email = email
        return account

    def ledger_page(self, uid: str, limit: int, cursor: str | None) -> tuple[list[LedgerEntry], str | None]:
        collection = firestore_db.ledger(self.db, uid)
        query = collection.order_by("createdAt", direction=firestore.Query.DESCENDING)
        docs, next_cursor = firestore_db.page(query, collection, limit, cursor)
        return [entry_from(doc.id, doc.to_dict()) for doc in docs], next_cursor

    def remember_email(self, uid: str, email: str) -> None:
        firestore_db.users(self.db).document(uid).set({"email": email}, merge=True)

    # -- subscriptions and payments -----------------------------------------------------------------------
    def subscription(self, uid: str) -> Subscription:
        return subscription_from(firestore_db.users(self.db).document(uid).get())

    def renewals_due(self, now: dt.datetime) -> list[tuple[Account, Subscription]]:
        query = firestore_db.users(self.db).where(filter=firestore.FieldFilter("renewsAt", "<=", now))
        return [(account_from(snap.id, snap.to_dict()), subscription_from(snap)) for snap in query.stream()]

    def note_renewal(self, uid: str, subscription: Subscription) -> None:
        # A merge of just these fields: the user document was read before the payment provider was called.
        fields = subscription.model_dump(by_alias=True, include={"pending_renewal", "status"})
        firestore_db.users(self.db).document(uid).set({"subscription": fields}, merge=True)

    def user_with_mandate(self, mandate_id: str) -> str | None:
        query = firestore_db.users(self.db).where(
            filter=firestore.FieldFilter("subscription.mandateId", "==", mandate_id)
        )
        found = query.limit(1).get()
        return found[0].id if found else None

    def payment(self, payment_id: str) -> Payment | None:
        snap = firestore_db.payments(self.db).document(payment_id).get()
        return payment_from(snap) if snap.exists else None

    def payment_for_provider_id(self, provider_payment_id: str) -> Payment | None:
        query = firestore_db.payments(self.db).where(
            filter=firestore.FieldFilter("providerPaymentId", "==", provider_payment_id)
        )
        found = query.limit(1).get()
        return payment_from(found[0]) if found else None

    # -- jobs ---------------------------------------------------------------------------------------------
    def job(self, job_id: str) -> Job | None:
        snap = firestore_db.jobs(self.db).document(job_id).get()
        return job_from(snap) if snap.exists else None

    def user_jobs(self, uid: str, limit: int, cursor: str | None) -> tuple[list[Job], str | None]:
        collection = firestore_db.jobs(self.db)
        query = collection.where(filter=firestore.FieldFilter("userId", "==", uid)).order_by(
            "createdAt", direction=firestore.Query.DESCENDING
        )
        docs, next_cursor = firestore_db.page(query, collection, limit, cursor)
        return [job_from(doc) for doc in docs], next_cursor

    def queue_position(self, job: Job) -> int:
        return self._waiting_line.position(job.created_at)

    def _waiting(self):
        waiting = [status.value for status in QUEUED_STATES]
        return firestore_db.jobs(self.db).where(filter=firestore.FieldFilter("status", "in", waiting))

    def _front_of_line(self, size: int) -> list[dt.datetime]:
        query = self._waiting().order_by("createdAt").select(["createdAt"]).limit(size)
        return [snap.get("createdAt") for snap in query.stream()]

    def _waiting_before(self, created_at: dt.datetime) -> int:
        ahead = self._waiting().where(filter=firestore.FieldFilter("createdAt", "<", created_at)).count().get()
        return int(ahead[0][0].value)

    def jobs_with_status(self, statuses: Sequence[JobStatus], limit: int) -> list[Job]:
        values = [JobStatus(status).value for status in statuses]
        query = firestore_db.jobs(self.db).where(filter=firestore.FieldFilter("status", "in", values))
        return [job_from(snap) for snap in query.limit(limit).stream()]

    def videos_expired_by(self, now: dt.datetime, limit: int) -> list[Job]:
        query = (
            firestore_db.jobs(self.db)
            .where(filter=firestore.FieldFilter("status", "==", JobStatus.DONE.value))
            .where(filter=firestore.FieldFilter("expiresAt", "<=", now))
            .limit(limit)
        )
        return [job_from(snap) for snap in query.stream()]

    def webhooks_due(self, now: dt.datetime, limit: int) -> list[Job]:
        # One field, one range: the automatic single-field index serves it. Null (nothing pending) never matches.
        query = firestore_db.jobs(self.db).where(filter=firestore.FieldFilter("webhookDueAt", "<=", now)).limit(limit)
        return [job_from(snap) for snap in query.stream()]
