"""What the services need from the outside world: storage as two small protocols, then object storage,
the dispatch queue and the GPU backend.

`Transaction` is one atomic unit of work: read everything first, then stage writes; nothing is written
unless the whole callback returns. Firestore re-runs the callback when a transaction is contended, so a
callback must not have side effects beyond the transaction (no queue, GPU or storage calls: those come after
`Store.run` returns). `Store` runs transactions and answers the plain reads.

The Firestore implementation is `shared.adapters.firestore`; the in-memory one backs the fast tests.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar

from shared.domain.api_keys import ApiKey
from shared.domain.credits import Account, LedgerEntry
from shared.domain.jobs import Job, JobStatus
from shared.domain.moderation import ImageVerdict, Refusal
from shared.domain.payments import Payment, Subscription
from shared.domain.webhooks import SigningSecrets, WebhookTarget

T = TypeVar("T")


class Transaction(Protocol):
    # reads
    def account(self, uid: str) -> Account: ...
    def entry(self, uid: str, entry_id: str) -> LedgerEntry | None: ...
    def job(self, job_id: str) -> Job | None: ...
    def subscription(self, uid: str) -> Subscription: ...
    def payment(self, payment_id: str) -> Payment | None: ...
    def event_seen(self, event_id: str) -> bool:
        """A webhook event with this id was already applied."""
        ...

    # staged writes
    def record(self, account: Account, entry: LedgerEntry) -> None:
        """A balance move: the account's new balance and the ledger entry that explains it."""
        ...

    def save_job(self, job: Job) -> None: ...
    def save_subscription(self, uid: str, subscription: Subscription) -> None: ...
    def save_plan(self, uid: str, plan: str | None, renews_at: dt.datetime | None, subscription: Subscription) -> None:
        """The user's plan, the end of its paid period and the subscription, together."""
        ...

    def save_payment(self, payment: Payment) -> None: ...
    def record_event(self, event_id: str, record: dict[str, Any]) -> None:
        """Mark a webhook event applied, with what it did."""
        ...


class Store(Protocol):
    def run(self, callback: Callable[[Transaction], T]) -> T:
        """Run `callback` as one transaction; contention that outlives the retries raises `errors.Busy`."""
        ...

    # accounts
    def account(self, uid: str) -> Account: ...
    def register(self, uid: str, email: str | None) -> Account:
        """The account, created empty on first sight; a changed email is remembered."""
        ...

    def ledger_page(self, uid: str, limit: int, cursor: str | None) -> tuple[list[LedgerEntry], str | None]:
        """Newest first, with the cursor of the next page (None on the last one)."""
        ...

    def remember_email(self, uid: str, email: str) -> None:
        """Where renewals, which run without the user's token, address the user."""
        ...

    # subscriptions and payments
    def subscription(self, uid: str) -> Subscription: ...
    def renewals_due(self, now: dt.datetime) -> list[tuple[Account, Subscription]]:
        """Users whose paid period ended at or before `now`."""
        ...

    def note_renewal(self, uid: str, subscription: Subscription) -> None:
        """Record a renewal just asked for (its pending payment and status), leaving the rest as it is."""
        ...

    def user_with_mandate(self, mandate_id: str) -> str | None: ...
    def payment(self, payment_id: str) -> Payment | None: ...
    def payment_for_provider_id(self, provider_payment_id: str) -> Payment | None: ...

    # jobs
    def job(self, job_id: str) -> Job | None: ...
    def user_jobs(self, uid: str, limit: int, cursor: str | None) -> tuple[list[Job], str | None]:
        """Newest first."""
        ...

    def queue_position(self, job: Job) -> int:
        """1 + the number of jobs waiting for a GPU that were created before this one."""
        ...

    def jobs_with_status(self, statuses: Sequence[JobStatus], limit: int) -> list[Job]: ...
    def videos_expired_by(self, now: dt.datetime, limit: int) -> list[Job]:
        """Done jobs whose video expires at or before `now`."""
        ...

    def webhooks_due(self, now: dt.datetime, limit: int) -> list[Job]:
        """Jobs with webhook events whose enqueue looks lost: `webhookDueAt` at or before `now`."""
        ...


class ModerationRecords(Protocol):
    """Refusals (the audit trail and the per-user hourly count) and the verdicts kept with uploads."""

    def refusals_since(self, uid: str, window_start: dt.datetime) -> int:
        """The user's refusals counted in the window that starts at `window_start`."""
        ...

    def record_refusal(self, refusal: Refusal, window_start: dt.datetime) -> int:
        """Keep the refusal and count it in the window, in one transaction; a repeat of the same id is not
        counted again. Answers the window's count."""
        ...

    def image_verdict(self, image_key: str) -> ImageVerdict | None: ...
    def save_image_verdict(self, verdict: ImageVerdict) -> None: ...


class ApiKeyStore(Protocol):
    def add(self, key: ApiKey, max_keys: int) -> None:
        """Keep the key; `errors.Conflict` when the user holds `max_keys` already."""
        ...

    def owned_by(self, uid: str) -> list[ApiKey]:
        """Newest first."""
        ...

    def by_hash(self, hash_: str) -> ApiKey | None: ...
    def revoke(self, uid: str, key_id: str) -> bool:
        """Delete the user's key; False when there is none by that id."""
        ...

    def touch(self, key: ApiKey, now: dt.datetime) -> None:
        """Note a use (lastUsedAt)."""
        ...


# -- the other outside services -------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class StoredObject:
    key: str
    size: int
    content_type: str | None
    etag: str = ""  # names the bytes: a new upload under the same key has another


class ObjectStorage(Protocol):
    def upload_url(self, key: str, content_type: str, size_bytes: int, expires_sec: int) -> str: ...
    def download_url(
        self, key: str, expires_sec: int, filename: str | None = None, attachment: bool = False
    ) -> str: ...
    def stat(self, key: str) -> StoredObject | None: ...
    def read(self, key: str, max_bytes: int) -> bytes:
        """The object's bytes; an object larger than `max_bytes` is refused with `errors.TooLarge`."""
        ...

    def delete(self, keys: list[str]) -> None: ...


class ModerationUnavailable(Exception):
    """A moderation API did not answer (after its retry), so the content could not be checked."""


class TextModerator(Protocol):
    def moderate(self, text: str) -> dict[str, float]:
        """Confidence per moderation category, 0..1; `ModerationUnavailable` when the API fails."""
        ...


class ImageModerator(Protocol):
    def safe_search(self, image: bytes, image_url: Callable[[], str]) -> dict[str, str]:
        """SafeSearch likelihood names per field (adult, violence, racy...). `image_url` gives a short-lived
        URL of the same image, for images too big to send inline. `ModerationUnavailable` when the API fails."""
        ...


class DispatchQueue(Protocol):
    def enqueue_dispatch(self, job_id: str, generation: int = 0) -> None: ...
    def enqueue_webhook(self, job_id: str, event: str) -> None:
        """Deliver the job's event to its webhook URL (POST /api/tasks/webhook), retried until it is accepted;
        the same job and event enqueued twice is one task."""
        ...


class JobUnknown(Exception):
    """The GPU backend has no record of the job: never started, purged (RunPod keeps results 30 min) or lost."""


TERMINAL_BACKEND_STATES = frozenset({"COMPLETED", "FAILED", "CANCELLED", "TIMED_OUT"})


@dataclasses.dataclass(frozen=True)
class BackendJob:
    """What the GPU backend says of one execution."""

    id: str
    status: str  # IN_QUEUE | IN_PROGRESS | COMPLETED | FAILED | CANCELLED | TIMED_OUT
    output: object = None
    error: object = None
    delay_ms: int | None = None
    execution_ms: int | None = None

    @property
    def terminal(self) -> bool:
        return self.status in TERMINAL_BACKEND_STATES


class GpuBackend(Protocol):
    def run(self, job_input: dict[str, Any], webhook_url: str, execution_timeout_sec: int, ttl_sec: int) -> str:
        """Start an execution; answers the backend's id for it."""
        ...

    def status(self, backend_id: str) -> BackendJob: ...
    def cancel(self, backend_id: str) -> None: ...


class JobTokens(Protocol):
    """The per-job token a GPU backend's webhook URL carries (the backend does not sign its webhooks)."""

    def issue(self, job_id: str, ttl_sec: int) -> str: ...
    def job_id(self, token: str | None) -> str:
        """The job the token names; `errors.Unauthenticated` when it is missing, forged or expired."""
        ...


# -- outgoing webhooks ----------------------------------------------------------------------------------------
class UrlGuard(Protocol):
    def vet(self, url: str) -> WebhookTarget:
        """The URL with the addresses its host resolves to, all allowed; `errors.InvalidArgument` (field
        webhookUrl) when it is not, `webhooks.UnresolvedHost` when the host does not resolve."""
        ...


class WebhookSendFailed(Exception):
    """No HTTP answer from the receiver: refused, reset, timed out, a TLS failure."""


class WebhookSender(Protocol):
    def send(
        self, target: WebhookTarget, message_id: str, timestamp: dt.datetime, body: str, secrets: Sequence[str]
    ) -> int:
        """POST the body signed with each secret (Standard Webhooks headers) to one of the target's vetted
        addresses, never following a redirect; answers the HTTP status, or raises `WebhookSendFailed`."""
        ...


class WebhookSecretStore(Protocol):
    """Each user's signing secrets (`webhookSecrets/{uid}`), which no client can read."""

    def get_or_create(self, uid: str, candidate: str, now: dt.datetime) -> SigningSecrets:
        """The user's secrets; the first call keeps `candidate` as the secret."""
        ...

    def rotate(self, uid: str, new: str, now: dt.datetime) -> SigningSecrets:
        """`new` becomes the secret; the one it replaces keeps signing for a while."""
        ...
