"""A job and its state machine.

queued → dispatched → running → done → expired, and any unfinished state → failed or canceled. A job the
GPU backend lost goes back from dispatched or running to queued, once (shared/domain/retries.py). Every move
is checked against one table, so a late or repeated event finds the move not allowed and changes nothing.
Each transition returns a new `Job`, or None when the event no longer applies.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from shared.domain import errors, webhooks
from shared.domain.contract import SECONDS_PER_CREDIT
from shared.domain.records import StoredRecord


class JobStatus(enum.StrEnum):
    QUEUED = "queued"
    DISPATCHED = "dispatched"
    RUNNING = "running"
    DONE = "done"
    EXPIRED = "expired"
    FAILED = "failed"
    CANCELED = "canceled"


UNFINISHED = frozenset({JobStatus.QUEUED, JobStatus.DISPATCHED, JobStatus.RUNNING})
ON_GPU = frozenset({JobStatus.DISPATCHED, JobStatus.RUNNING})
SETTLED = frozenset({JobStatus.DONE, JobStatus.EXPIRED})  # charged: the reservation was settled
REFUNDED = frozenset({JobStatus.FAILED, JobStatus.CANCELED})  # the reservation went back to the balance
QUEUED_STATES = (JobStatus.QUEUED, JobStatus.DISPATCHED)  # waiting for a GPU, counted in queue positions

# The only moves a job can make.
TRANSITIONS: dict[JobStatus, frozenset[JobStatus]] = {
    JobStatus.QUEUED: frozenset({JobStatus.DISPATCHED, JobStatus.FAILED, JobStatus.CANCELED}),
    JobStatus.DISPATCHED: frozenset(
        {JobStatus.RUNNING, JobStatus.DONE, JobStatus.FAILED, JobStatus.CANCELED, JobStatus.QUEUED}
    ),
    JobStatus.RUNNING: frozenset({JobStatus.DONE, JobStatus.FAILED, JobStatus.CANCELED, JobStatus.QUEUED}),
    JobStatus.DONE: frozenset({JobStatus.EXPIRED}),
    JobStatus.EXPIRED: frozenset(),
    JobStatus.FAILED: frozenset(),
    JobStatus.CANCELED: frozenset(),
}

DISPATCH_LEASE = dt.timedelta(seconds=90)
BACKEND_QUEUE_ALLOWANCE = dt.timedelta(minutes=10)  # RunPod queue wait before execution starts
MAX_DISPATCH_ATTEMPTS = 5

FAILURE_MESSAGES = {
    "timed_out": "The render ran past its time limit.",
    "lost": "The GPU worker lost track of this render.",
    "dispatch_failed": "The render could not be started on a GPU.",
    "not_started": "No GPU picked up this render in time.",
    "bad_output": "The render finished without a usable video.",
    "canceled_by_backend": "The GPU service stopped this render.",
}


def can_move(current: JobStatus | str, new: JobStatus) -> bool:
    return new in TRANSITIONS[JobStatus(current)]


def execution_timeout_sec(duration_sec: int) -> int:
    """RunPod's executionTimeout for a clip: model load plus a generous budget per 5 s segment."""
    return 240 + 120 * (duration_sec // SECONDS_PER_CREDIT)


def failure(code: str, message: str | None = None) -> dict[str, str]:
    return {"code": code, "message": message or FAILURE_MESSAGES.get(code, "The render failed.")}


class Job(StoredRecord):
    """A job as stored in `jobs/{jobId}`."""

    id: str
    user_id: str
    status: JobStatus
    prompt: str
    duration_sec: int
    seed: int
    credits: int
    plan: str | None = None
    stage: str | None = None
    progress: float = 0.0
    negative_prompt: str | None = None
    image_key: str | None = None
    aspect_ratio: str | None = None
    width: int | None = None
    height: int | None = None
    fps: int | None = None
    refunded: bool = False
    request_hash: str | None = None
    idempotent: bool = False
    create_answer: dict[str, Any] | None = None
    video_key: str = ""
    poster_key: str = ""
    attempt: int = 1  # renders started: 2 after a retry (shared/domain/retries.py)
    retried_for: dict[str, str] | None = None  # the loss that made the retry
    dispatch_attempts: int = 0  # of the current attempt
    dispatch_lease_until: dt.datetime | None = None
    backend_id: str | None = None
    created_at: dt.datetime
    queued_at: dt.datetime | None = None  # when it last (re)entered the queue; created_at before a retry
    updated_at: dt.datetime | None = None
    dispatched_at: dt.datetime | None = None
    deadline_at: dt.datetime | None = None
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    expires_at: dt.datetime | None = None
    progress_checked_at: dt.datetime | None = None
    eta_sec: int | None = None
    error: dict[str, str] | None = None
    frames: int | None = None
    timings: dict[str, Any] | None = None
    gpu_seconds: float | None = None
    moderation_unchecked: list[str] | None = None  # fields let through unchecked while moderation was down
    trace: str | None = None  # the trace id of the create request (shared/log.py): later lines about the job use it
    # Outgoing webhooks (shared/domain/webhooks.py): where and what to send; the events raised with no attempt
    # recorded yet (an outbox the sweep drains), when the sweep should look, and the attempts so far.
    webhook_url: str | None = None
    webhook_events: list[str] | None = None
    webhook_pending: dict[str, dt.datetime] | None = None
    webhook_due_at: dt.datetime | None = None
    webhook_attempts: dict[str, int] | None = None
    webhook_deliveries: list[dict[str, Any]] | None = None  # newest first: event, attempt, statusCode, error, at

    @classmethod
    def from_document(cls, job_id: str, data: dict[str, Any]) -> Job:
        return cls.model_validate({**data, "id": job_id})

    # -- reading ------------------------------------------------------------------------------------------
    @property
    def unfinished(self) -> bool:
        return self.status in UNFINISHED

    @property
    def on_gpu(self) -> bool:
        return self.status in ON_GPU

    def runs_on(self, backend_id: str) -> bool:
        """The job is on the GPU under this execution (not an earlier, replaced one)."""
        return self.on_gpu and self.backend_id == backend_id

    # -- moving -------------------------------------------------------------------------------------------
    def _move(self, status: JobStatus, **changes: Any) -> Job:
        if not can_move(self.status, status):
            raise errors.Conflict(f"A {self.status} video can't become {status}.")
        return self._with(status=status, **changes)._raise_webhook(status, changes.get("updated_at"))

    def _raise_webhook(self, status: JobStatus, now: dt.datetime | None) -> Job:
        """Note the event of reaching `status` in the same write as the move, when the creator subscribed to it;
        the service enqueues its delivery after the commit."""
        event = webhooks.EVENT_FOR_STATUS.get(status)
        if event is None or now is None or not self.webhook_url or event not in (self.webhook_events or ()):
            return self
        pending = {**(self.webhook_pending or {}), event: now}
        return self._with(webhook_pending=pending, webhook_due_at=webhooks.due_at(pending))

    def cancel(self, now: dt.datetime) -> Job:
        if not self.unfinished:
            raise errors.Conflict(f"This video is already {self.status}; it can't be canceled.")
        return self._move(JobStatus.CANCELED, stage="canceled", refunded=True, finished_at=now, updated_at=now)

    def fail(self, error: dict[str, str], now: dt.datetime) -> Job | None:
        if not self.unfinished:
            return None
        return self._move(JobStatus.FAILED, stage="failed", error=error, refunded=True, finished_at=now, updated_at=now)

    def complete(
        self, backend_id: str, output: dict[str, Any], now: dt.datetime, video_ttl: dt.timedelta
    ) -> Job | None:
        if not self.runs_on(backend_id):
            return None
        return self._move(
            JobStatus.DONE,
            stage="done",
            progress=1.0,
            eta_sec=None,
            width=output.get("width", self.width),
            height=output.get("height", self.height),
            fps=output.get("fps", self.fps),
            frames=output.get("frames"),
            timings=output.get("timings"),
            gpu_seconds=output.get("gpuSeconds"),
            started_at=self.started_at or now,
            finished_at=now,
            expires_at=now + video_ttl,
            updated_at=now,
        )

    def record_progress(self, backend_id: str, report: dict[str, Any], now: dt.datetime) -> Job | None:
        """The worker's latest progress; the first report moves dispatched → running. Progress never goes back."""
        if not self.runs_on(backend_id):
            return None
        changes: dict[str, Any] = {"progress_checked_at": now}
        job = self
        if self.status == JobStatus.DISPATCHED:
            job = self._move(JobStatus.RUNNING, started_at=now, stage="starting", updated_at=now)
        if isinstance(report.get("stage"), str):
            changes["stage"] = report["stage"][:32]
        reported = report.get("progress")
        if isinstance(reported, int | float) and not isinstance(reported, bool):
            changes["progress"] = max(self.progress, min(1.0, float(reported)))
        eta = report.get("etaSec")
        if isinstance(eta, int | float) and not isinstance(eta, bool):
            changes["eta_sec"] = int(eta)
        return job._with(**changes)

    def take_dispatch_lease(self, now: dt.datetime) -> Job | None:
        """One dispatcher at a time: a queued job is leased for a while; None when it is no longer queued."""
        if self.status != JobStatus.QUEUED:
            return None
        if self.dispatch_lease_until and self.dispatch_lease_until > now:
            raise errors.Unavailable("Another dispatch of this job is under way.", retry_after=30)
        return self._with(dispatch_lease_until=now + DISPATCH_LEASE, dispatch_attempts=self.dispatch_attempts + 1)

    def release_dispatch_lease(self) -> Job:
        return self._with(dispatch_lease_until=None)

    def mark_dispatched(self, backend_id: str, now: dt.datetime) -> Job | None:
        if self.status != JobStatus.QUEUED:
            return None
        timeout = dt.timedelta(seconds=execution_timeout_sec(self.duration_sec))
        return self._move(
            JobStatus.DISPATCHED,
            stage="waiting_for_gpu",
            backend_id=backend_id,
            dispatched_at=now,
            deadline_at=now + BACKEND_QUEUE_ALLOWANCE + timeout,
            dispatch_lease_until=None,
            updated_at=now,
        )

    def retry(self, loss: dict[str, str], now: dt.datetime) -> Job:
        """Back to the queue for a new execution of the same input and seed; the reservation stays as it is."""
        return self._move(
            JobStatus.QUEUED,
            stage="retrying",
            attempt=self.attempt + 1,
            retried_for=loss,
            progress=0.0,
            eta_sec=None,
            backend_id=None,
            dispatch_attempts=0,
            dispatch_lease_until=None,
            dispatched_at=None,
            deadline_at=None,
            started_at=None,
            progress_checked_at=None,
            queued_at=now,
            updated_at=now,
        )

    @property
    def in_queue_since(self) -> dt.datetime:
        return self.queued_at or self.created_at

    def expire(self, now: dt.datetime) -> Job | None:
        if self.status != JobStatus.DONE:
            return None
        return self._move(JobStatus.EXPIRED, stage="expired", updated_at=now)

    # -- outgoing webhooks --------------------------------------------------------------------------------
    def webhook_event_at(self, event: str) -> dt.datetime:
        """When the event happened: the start for job.running, the finish for the others."""
        at = self.started_at if event == "job.running" else self.finished_at
        return at or self.updated_at or self.created_at

    def record_webhook_attempt(self, event: str, status_code: int | None, error: str | None, now: dt.datetime) -> Job:
        """One delivery attempt: counted per event, kept among the last few, and the event leaves the outbox
        (the queue retries from here on)."""
        attempts = {**(self.webhook_attempts or {})}
        attempts[event] = attempts.get(event, 0) + 1
        delivery = {"event": event, "attempt": attempts[event], "statusCode": status_code, "error": error, "at": now}
        pending = {name: at for name, at in (self.webhook_pending or {}).items() if name != event}
        return self._with(
            webhook_attempts=attempts,
            webhook_deliveries=[delivery, *(self.webhook_deliveries or [])][: webhooks.KEPT_DELIVERIES],
            webhook_pending=pending,
            webhook_due_at=webhooks.due_at(pending),
        )

    def requeue_webhooks(self, now: dt.datetime) -> Job:
        """The sweep enqueues the pending events again: those raised within GIVE_UP_AFTER stay pending and are
        looked at again after REQUEUE_EVERY; older ones are dropped."""
        pending = {name: at for name, at in (self.webhook_pending or {}).items() if now - at < webhooks.GIVE_UP_AFTER}
        return self._with(webhook_pending=pending, webhook_due_at=now + webhooks.REQUEUE_EVERY if pending else None)
