"""In-memory stand-ins behind the service ports, for the fast tier.

`MemoryStore` implements `shared.services.ports.Store` over plain dicts. A transaction reads copies and
stages its writes; they are applied together when the callback returns, under one lock, so transactions are
serializable. With `rerun=True` every callback runs twice and the first run's writes are thrown away, as when
Firestore retries a contended transaction: a callback with side effects outside the transaction shows up.
"""

from __future__ import annotations

import base64
import copy
import dataclasses
import datetime as dt
import hashlib
import threading
import uuid
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from shared.domain import errors
from shared.domain.credits import Account, LedgerEntry
from shared.domain.jobs import QUEUED_STATES, Job, JobStatus
from shared.domain.payments import Payment, Subscription
from shared.services.ports import BackendJob, JobUnknown, StoredObject

T = TypeVar("T")


def _cursor(item_id: str) -> str:
    return base64.urlsafe_b64encode(item_id.encode()).decode()


def _page(items: list[Any], limit: int, cursor: str | None) -> tuple[list[Any], str | None]:
    ids = [item.id for item in items]
    start = 0
    if cursor:
        try:
            start = ids.index(base64.urlsafe_b64decode(cursor.encode()).decode()) + 1
        except ValueError:
            raise errors.InvalidArgument("cursor is not valid.", field="cursor") from None
    chunk = items[start : start + limit]
    more = start + limit < len(items)
    return chunk, (_cursor(chunk[-1].id) if more and chunk else None)


@dataclasses.dataclass
class MemoryState:
    accounts: dict[str, Account] = dataclasses.field(default_factory=dict)
    ledgers: dict[str, dict[str, LedgerEntry]] = dataclasses.field(default_factory=dict)
    jobs: dict[str, Job] = dataclasses.field(default_factory=dict)
    subscriptions: dict[str, Subscription] = dataclasses.field(default_factory=dict)
    payments: dict[str, Payment] = dataclasses.field(default_factory=dict)
    events: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)


class MemoryTransaction:
    def __init__(self, state: MemoryState):
        self.state = state
        self.writes: list[Callable[[MemoryState], None]] = []

    def _reads_first(self) -> None:
        if self.writes:
            raise AssertionError("a read after a write: Firestore transactions read everything first")

    def account(self, uid: str) -> Account:
        self._reads_first()
        found = self.state.accounts.get(uid)
        return copy.deepcopy(found) if found else Account(uid=uid)

    def entry(self, uid: str, entry_id: str) -> LedgerEntry | None:
        self._reads_first()
        return self.state.ledgers.get(uid, {}).get(entry_id)

    def job(self, job_id: str) -> Job | None:
        self._reads_first()
        found = self.state.jobs.get(job_id)
        return found.model_copy(deep=True) if found else None

    def subscription(self, uid: str) -> Subscription:
        self._reads_first()
        return self.state.subscriptions.get(uid, Subscription()).model_copy(deep=True)

    def payment(self, payment_id: str) -> Payment | None:
        self._reads_first()
        found = self.state.payments.get(payment_id)
        return found.model_copy(deep=True) if found else None

    def event_seen(self, event_id: str) -> bool:
        self._reads_first()
        return event_id in self.state.events

    def record(self, account: Account, entry: LedgerEntry) -> None:
        saved = dataclasses.replace(account, exists=True)
        account.exists = True

        def write(state: MemoryState) -> None:
            # A balance move writes the balance and the email; the plan fields are save_plan's.
            current = state.accounts.get(saved.uid)
            if current is not None:
                saved.plan, saved.renews_at = current.plan, current.renews_at
            state.accounts[saved.uid] = saved
            state.ledgers.setdefault(saved.uid, {})[entry.id] = entry

        self.writes.append(write)

    def save_job(self, job: Job) -> None:
        saved = job.model_copy(deep=True)
        self.writes.append(lambda state: state.jobs.__setitem__(saved.id, saved))

    def save_subscription(self, uid: str, subscription: Subscription) -> None:
        saved = subscription.model_copy(deep=True)
        self.writes.append(lambda state: state.subscriptions.__setitem__(uid, saved))

    def save_plan(self, uid: str, plan: str | None, renews_at: dt.datetime | None, subscription: Subscription) -> None:
        saved = subscription.model_copy(deep=True)

        def write(state: MemoryState) -> None:
            account = state.accounts.setdefault(uid, Account(uid=uid, exists=True))
            account.plan, account.renews_at = plan, renews_at
            state.subscriptions[uid] = saved

        self.writes.append(write)

    def save_payment(self, payment: Payment) -> None:
        saved = payment.model_copy(deep=True)
        self.writes.append(lambda state: state.payments.__setitem__(saved.id, saved))

    def record_event(self, event_id: str, record: dict[str, Any]) -> None:
        self.writes.append(lambda state: state.events.__setitem__(event_id, dict(record)))


class MemoryStore:
    def __init__(self, *, rerun: bool = False):
        self.state = MemoryState()
        self.rerun = rerun
        self.transactions = 0
        self._lock = threading.RLock()

    def run(self, callback: Callable[[MemoryTransaction], T]) -> T:
        with self._lock:
            if self.rerun:
                callback(MemoryTransaction(self.state))  # a first attempt whose writes are lost
            tx = MemoryTransaction(self.state)
            result = callback(tx)
            for write in tx.writes:
                write(self.state)
            self.transactions += 1
            return result

    # -- accounts -----------------------------------------------------------------------------------------
    def account(self, uid: str) -> Account:
        found = self.state.accounts.get(uid)
        return copy.deepcopy(found) if found else Account(uid=uid)

    def register(self, uid: str, email: str | None) -> Account:
        with self._lock:
            account = self.state.accounts.setdefault(uid, Account(uid=uid, exists=True))
            if email:
                account.email = email
            return copy.deepcopy(account)

    def ledger_page(self, uid: str, limit: int, cursor: str | None) -> tuple[list[LedgerEntry], str | None]:
        entries = sorted(self.state.ledgers.get(uid, {}).values(), key=lambda e: e.created_at, reverse=True)
        return _page(entries, limit, cursor)

    def remember_email(self, uid: str, email: str) -> None:
        with self._lock:
            self.state.accounts.setdefault(uid, Account(uid=uid, exists=True)).email = email

    # -- subscriptions and payments -----------------------------------------------------------------------
    def subscription(self, uid: str) -> Subscription:
        return self.state.subscriptions.get(uid, Subscription()).model_copy(deep=True)

    def renewals_due(self, now: dt.datetime) -> list[tuple[Account, Subscription]]:
        due = [a for a in self.state.accounts.values() if a.renews_at is not None and a.renews_at <= now]
        return [(copy.deepcopy(account), self.subscription(account.uid)) for account in due]

    def note_renewal(self, uid: str, subscription: Subscription) -> None:
        with self._lock:
            current = self.state.subscriptions.get(uid, Subscription())
            self.state.subscriptions[uid] = current.model_copy(
                update={"pending_renewal": subscription.pending_renewal, "status": subscription.status}
            )

    def user_with_mandate(self, mandate_id: str) -> str | None:
        return next((uid for uid, s in self.state.subscriptions.items() if s.mandate_id == mandate_id), None)

    def payment(self, payment_id: str) -> Payment | None:
        found = self.state.payments.get(payment_id)
        return found.model_copy(deep=True) if found else None

    def payment_for_provider_id(self, provider_payment_id: str) -> Payment | None:
        found = (p for p in self.state.payments.values() if p.provider_payment_id == provider_payment_id)
        return next(found, None)

    # -- jobs ---------------------------------------------------------------------------------------------
    def job(self, job_id: str) -> Job | None:
        found = self.state.jobs.get(job_id)
        return found.model_copy(deep=True) if found else None

    def user_jobs(self, uid: str, limit: int, cursor: str | None) -> tuple[list[Job], str | None]:
        jobs = sorted((j for j in self.state.jobs.values() if j.user_id == uid), key=lambda j: j.created_at)
        return _page(jobs[::-1], limit, cursor)

    def queue_position(self, job: Job) -> int:
        waiting = [j for j in self.state.jobs.values() if j.status in QUEUED_STATES]
        return 1 + sum(1 for j in waiting if j.created_at < job.created_at)

    def jobs_with_status(self, statuses: Sequence[JobStatus], limit: int) -> list[Job]:
        return [j.model_copy(deep=True) for j in self.state.jobs.values() if j.status in statuses][:limit]

    def videos_expired_by(self, now: dt.datetime, limit: int) -> list[Job]:
        done = [j for j in self.state.jobs.values() if j.status == JobStatus.DONE]
        return [j.model_copy(deep=True) for j in done if j.expires_at and j.expires_at <= now][:limit]

    def webhooks_due(self, now: dt.datetime, limit: int) -> list[Job]:
        due = [j for j in self.state.jobs.values() if j.webhook_due_at and j.webhook_due_at <= now]
        return [j.model_copy(deep=True) for j in due][:limit]


class MemoryObjects:
    """Object storage: keys that exist, their bytes, and URLs that name them."""

    def __init__(self) -> None:
        self.objects: dict[str, StoredObject] = {}
        self.data: dict[str, bytes] = {}

    def put(self, key: str, size: int = 100, content_type: str | None = "image/png", data: bytes = b"") -> None:
        self.data[key] = data
        etag = hashlib.md5(data + str(size).encode()).hexdigest()
        self.objects[key] = StoredObject(key, len(data) or size, content_type, etag)

    def read(self, key: str, max_bytes: int) -> bytes:
        if len(self.data[key]) > max_bytes:
            raise errors.TooLarge(f"The object is larger than {max_bytes} bytes.")
        return self.data[key]

    def upload_url(self, key: str, content_type: str, size_bytes: int, expires_sec: int) -> str:
        return f"memory://put/{key}?type={content_type}&size={size_bytes}&ttl={expires_sec}"

    def download_url(self, key: str, expires_sec: int, filename: str | None = None, attachment: bool = False) -> str:
        return f"memory://get/{key}?ttl={expires_sec}&attachment={attachment}"

    def stat(self, key: str) -> StoredObject | None:
        return self.objects.get(key)

    def delete(self, keys: list[str]) -> None:
        for key in keys:
            self.objects.pop(key, None)


class RecordingQueue:
    def __init__(self) -> None:
        self.job_ids: list[str] = []
        self.webhooks: list[tuple[str, str]] = []  # (job id, event)

    def enqueue_dispatch(self, job_id: str, generation: int = 0) -> None:
        self.job_ids.append(job_id)

    def enqueue_webhook(self, job_id: str, event: str) -> None:
        self.webhooks.append((job_id, event))


class ScriptedGpu:
    """The GPU backend as a table of executions: tests set what /status answers for each."""

    def __init__(self) -> None:
        self.executions: dict[str, BackendJob] = {}
        self.inputs: dict[str, dict[str, Any]] = {}
        self.canceled: list[str] = []

    def run(self, job_input: dict[str, Any], webhook_url: str, execution_timeout_sec: int, ttl_sec: int) -> str:
        backend_id = f"exec-{uuid.uuid4().hex[:12]}"
        self.executions[backend_id] = BackendJob(backend_id, "IN_QUEUE")
        self.inputs[backend_id] = job_input
        return backend_id

    def status(self, backend_id: str) -> BackendJob:
        if backend_id not in self.executions:
            raise JobUnknown(backend_id)
        return self.executions[backend_id]

    def cancel(self, backend_id: str) -> None:
        self.canceled.append(backend_id)

    def report(self, backend_id: str, status: str, output: object = None, error: object = None) -> None:
        self.executions[backend_id] = BackendJob(backend_id, status, output=output, error=error)

    def forget(self, backend_id: str) -> None:
        self.executions.pop(backend_id, None)


@dataclasses.dataclass(frozen=True)
class ProviderPayment:
    id: str
    status: str
    resource_token: str | None = "token"


class RecordingPaymentProvider:
    """The payment provider: records each create (once per idempotency key, as TrueLayer does)."""

    def __init__(self) -> None:
        self.created: dict[str, dict[str, Any]] = {}

    def create_payment(self, *, idempotency_key: str, **request: Any) -> ProviderPayment:
        self.created.setdefault(idempotency_key, request)
        return ProviderPayment(f"tl-{idempotency_key}", "authorization_required")

    def hosted_payment_page_url(self, payment: ProviderPayment, return_uri: str) -> str:
        return f"memory://pay/{payment.id}?return={return_uri}"
