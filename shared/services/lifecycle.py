"""The backend side of a job: dispatch to the GPU, apply what the GPU reports, and reconcile what got stuck.

Every transition is a compare-and-set in a transaction (the state machine in `shared.domain.jobs`), so a
late, repeated or out-of-order event is a no-op, and a job is settled or refunded exactly once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from shared.config import Settings
from shared.domain import credits, errors
from shared.domain.clock import utcnow
from shared.domain.jobs import (
    BACKEND_QUEUE_ALLOWANCE,
    MAX_DISPATCH_ATTEMPTS,
    Job,
    execution_timeout_sec,
    failure,
)
from shared.domain.retries import Decision, final_failure, retry_or_refund
from shared.log import fields, get_logger, job_scoped
from shared.log_events import LogEvent
from shared.services.backend_reports import backend_error, completion_fields
from shared.services.ports import (
    BackendJob,
    DispatchQueue,
    GpuBackend,
    JobTokens,
    JobUnknown,
    ObjectStorage,
    Store,
    Transaction,
)
from shared.services.webhooks import announce

log = get_logger("lifecycle")

INPUT_TTL_SEC = 3600
PROGRESS_REFRESH = dt.timedelta(seconds=3)
MAX_REMEMBERED_ASKS = 10_000  # jobs; forgotten all at once past this, which costs one early ask each


def _refund(tx: Transaction, job: Job, reason: str, now: dt.datetime) -> None:
    """The job's reservation back to its owner's balance, in the transaction that fails it."""
    account = tx.account(job.user_id)
    tx.record(account, credits.refund(account, job.id, job.credits, reason, now))


class JobLifecycle:
    def __init__(
        self,
        store: Store,
        settings: Settings,
        objects: ObjectStorage,
        gpu: GpuBackend,
        tokens: JobTokens,
        queue: DispatchQueue | None = None,  # for webhook deliveries; without it the sweep enqueues them
    ):
        self.store, self.settings, self.objects, self.gpu, self.tokens = store, settings, objects, gpu, tokens
        self.queue = queue
        # When this process last asked the backend about a job a viewer polls: a job waiting in the backend's
        # queue records nothing on its document, and without this every view of it would ask again.
        self._asked_at: dict[str, dt.datetime] = {}

    # -- transitions --------------------------------------------------------------------------------------
    def fail(self, job_id: str, code: str, message: str | None = None) -> bool:
        """Any unfinished state → failed, with a refund. False when the job had already finished."""
        error = failure(code, message)

        def callback(tx: Transaction) -> Job | None:
            job = tx.job(job_id)
            if job is None:
                return None
            now = utcnow()
            failed = job.fail(error, now)
            if failed is None:
                return None
            _refund(tx, job, error["code"], now)
            tx.save_job(failed)
            return failed

        failed = self.store.run(callback)
        if failed is not None:
            self._failed(failed)
        return failed is not None

    def _failed(self, job: Job) -> None:
        code = (job.error or {}).get("code")
        log.info(
            "job failed and refunded",
            extra=fields(event=LogEvent.JOB_FAILED, jobId=job.id, uid=job.user_id, code=code, attempt=job.attempt),
        )
        announce(self.queue, job, "job.failed")

    def end_execution(self, job_id: str, backend_id: str, error: dict[str, str]) -> str:
        """The GPU backend ended or lost this execution without a video: "retried" when the loss was the
        infrastructure's and an attempt is left (shared/domain/retries.py), else "failed" with a refund.
        "unchanged" when the job has moved on (finished, or already on another execution)."""

        def callback(tx: Transaction) -> tuple[Decision, Job] | None:
            job = tx.job(job_id)
            if job is None or not job.runs_on(backend_id):
                return None
            now = utcnow()
            decision = retry_or_refund(job, error["code"])
            loss = {**error, "backendId": backend_id}
            moved = job.retry(loss, now) if decision == Decision.RETRY else job.fail(final_failure(job, error), now)
            if moved is None:  # not reached: a job on the GPU can always fail
                return None
            if decision == Decision.REFUND:
                _refund(tx, job, error["code"], now)
            tx.save_job(moved)
            return decision, moved

        ended = self.store.run(callback)
        if ended is None:
            return "unchanged"
        decision, job = ended
        if decision == Decision.REFUND:
            self._failed(job)
            return "failed"
        log.warning(
            "job lost by the GPU backend; dispatching it again",
            extra=fields(event=LogEvent.JOB_RETRIED, jobId=job_id, code=error["code"], attempt=job.attempt),
        )
        if self.queue is not None:  # else the sweep dispatches it, as any queued job whose dispatch was lost
            try:
                self.queue.enqueue_dispatch(job_id, generation=job.attempt)
            except Exception:
                log.warning("retry dispatch not enqueued; the sweep will", exc_info=True, extra=fields(jobId=job_id))
        return "retried"

    def complete(self, job_id: str, backend_id: str, output: dict[str, Any]) -> bool:
        """dispatched/running → done, settling the reservation once."""
        ttl = dt.timedelta(hours=self.settings.video_ttl_hours)

        def callback(tx: Transaction) -> Job | None:
            job = tx.job(job_id)
            if job is None:
                return None
            now = utcnow()
            done = job.complete(backend_id, output, now, ttl)
            if done is None:
                return None
            account = tx.account(job.user_id)
            tx.record(account, credits.settle(account, job_id, job.credits, now))
            tx.save_job(done)
            return done

        done = self.store.run(callback)
        if done is not None:
            log.info("job completed", extra=fields(event=LogEvent.JOB_COMPLETED, **completion_fields(done)))
            announce(self.queue, done, "job.completed")
        return done is not None

    def progress(self, job_id: str, backend_id: str, report: object) -> None:
        """Record the worker's latest progress; dispatched → running on the first report."""
        reported = report if isinstance(report, dict) else {}

        def callback(tx: Transaction) -> Job | None:
            job = tx.job(job_id)
            moved = job.record_progress(backend_id, reported, utcnow()) if job else None
            if moved is not None:
                tx.save_job(moved)
            return moved if job and moved and job.status != moved.status else None

        started = self.store.run(callback)
        if started is not None:
            announce(self.queue, started, "job.running")

    # -- dispatch -----------------------------------------------------------------------------------------
    def dispatch(self, job_id: str) -> str:
        now = utcnow()

        def take_lease(tx: Transaction) -> Job | None:
            job = tx.job(job_id)
            leased = job.take_dispatch_lease(now) if job else None
            if leased is not None:
                tx.save_job(leased)
            return leased

        job = self.store.run(take_lease)
        if job is None:
            return "skipped"
        timeout = execution_timeout_sec(job.duration_sec)
        try:
            backend_id = self.gpu.run(
                self.worker_input(job),
                self.webhook_url(job_id, timeout),
                execution_timeout_sec=timeout,
                ttl_sec=int(BACKEND_QUEUE_ALLOWANCE.total_seconds()) + timeout,
            )
        except errors.Unavailable:
            if job.dispatch_attempts >= MAX_DISPATCH_ATTEMPTS:
                log.error(
                    "GPU backend unreachable on every dispatch attempt",
                    extra=fields(
                        event=LogEvent.DISPATCH_RETRIES_EXHAUSTED, jobId=job_id, attempts=job.dispatch_attempts
                    ),
                )
                self.fail(job_id, "dispatch_failed")
                return "failed"
            self._release_lease(job_id)
            raise
        except RuntimeError as exc:
            log.error("GPU backend refused the job: %s", exc, extra=fields(jobId=job_id))
            self.fail(job_id, "dispatch_failed")
            return "failed"

        def mark_dispatched(tx: Transaction) -> bool:
            current = tx.job(job_id)
            dispatched = current.mark_dispatched(backend_id, utcnow()) if current else None
            if dispatched is not None:
                tx.save_job(dispatched)
            return dispatched is not None

        if self.store.run(mark_dispatched):
            log.info("job dispatched", extra=fields(jobId=job_id, backendId=backend_id))
            return "dispatched"
        self.gpu.cancel(backend_id)  # canceled while we were starting it
        return "skipped"

    def _release_lease(self, job_id: str) -> None:
        def callback(tx: Transaction) -> None:
            job = tx.job(job_id)
            if job is not None:
                tx.save_job(job.release_dispatch_lease())

        self.store.run(callback)

    def worker_input(self, job: Job) -> dict[str, Any]:
        """The worker contract's input. No secrets: RunPod echoes the input back in its webhook."""
        job_input: dict[str, Any] = {
            "jobId": job.id,
            "prompt": job.prompt,
            "negativePrompt": job.negative_prompt or "",
            "durationSec": job.duration_sec,
            "seed": job.seed,
            "width": job.width,
            "height": job.height,
            "fps": job.fps,
            "output": {"bucket": self.settings.s3_bucket, "videoKey": job.video_key, "posterKey": job.poster_key},
        }
        if job.image_key:
            job_input["imageUrl"] = self.objects.download_url(job.image_key, INPUT_TTL_SEC)
        return job_input

    def webhook_url(self, job_id: str, timeout_sec: int) -> str:
        ttl = timeout_sec + int(BACKEND_QUEUE_ALLOWANCE.total_seconds()) + 3600
        token = self.tokens.issue(job_id, ttl)
        return f"{self.settings.public_base_url.rstrip('/')}/api/webhooks/runpod?token={token}"

    # -- what the GPU reports -----------------------------------------------------------------------------
    def apply(self, job: Job, remote: BackendJob) -> str:
        backend_id = job.backend_id or ""
        if remote.status == "COMPLETED":
            output = remote.output if isinstance(remote.output, dict) else {}
            if output.get("videoKey") != job.video_key or self.objects.stat(job.video_key) is None:
                self.fail(job.id, "bad_output")
                return "failed"
            return "done" if self.complete(job.id, backend_id, output) else "unchanged"
        if remote.terminal:
            return self.end_execution(job.id, backend_id, backend_error(remote))
        if remote.status == "IN_PROGRESS":
            self.progress(job.id, backend_id, remote.output)
            return "running"
        return "waiting"

    @job_scoped  # the RunPod webhook and the sweep log under the trace of the job's create
    def reconcile(self, job: Job, *, enforce_deadline: bool) -> str:
        """Ask the GPU backend what became of a dispatched job and apply it."""
        now = utcnow()
        late = enforce_deadline and job.deadline_at is not None and now > job.deadline_at
        if late:
            log.warning("job past its deadline", extra=fields(event=LogEvent.JOB_OVERDUE, jobId=job.id))
        backend_id = job.backend_id or ""
        try:
            remote = self.gpu.status(backend_id)
        except JobUnknown:
            return self.end_execution(job.id, backend_id, failure("lost"))
        except errors.Unavailable:
            if late:
                return "failed" if self.fail(job.id, "timed_out") else "unchanged"
            return "unreachable"
        outcome = self.apply(job, remote)
        if late and not remote.terminal:
            try:
                self.gpu.cancel(backend_id)
            except errors.Unavailable:
                pass
            return "failed" if self.fail(job.id, "timed_out") else "unchanged"
        return outcome

    def on_webhook(self, token: str | None, body: dict[str, Any]) -> str:
        """The body proves nothing (RunPod does not sign it): the token names the job, /status decides."""
        job_id = self.tokens.job_id(token)
        job = self.store.job(job_id)
        if job is None:
            raise errors.NotFound("No such job.")
        if body.get("id") and body["id"] == (job.retried_for or {}).get("backendId"):
            return "unchanged"  # the execution that was lost and replaced: its word no longer counts
        if body.get("id") and body["id"] != job.backend_id:
            raise errors.Forbidden("This webhook does not belong to the job's current execution.")
        if not job.on_gpu:
            return "unchanged"
        return self.reconcile(job, enforce_deadline=False)

    def refresh(self, job: Job) -> Job:
        """Fresh progress for a viewer, at most every few seconds per job; failures only log."""
        if not job.on_gpu:
            return job
        now = utcnow()
        looked = [at for at in (job.progress_checked_at, job.dispatched_at, self._asked_at.get(job.id)) if at]
        if looked and now - max(looked) < PROGRESS_REFRESH:
            return job
        if len(self._asked_at) >= MAX_REMEMBERED_ASKS:
            self._asked_at.clear()
        self._asked_at[job.id] = now
        try:
            outcome = self.reconcile(job, enforce_deadline=False)
        except errors.CineWeaveError as exc:
            log.info("progress refresh skipped: %s", exc.message, extra=fields(jobId=job.id))
            return job
        if outcome in ("waiting", "unreachable"):  # nothing was written
            return job
        return self.store.job(job.id) or job
