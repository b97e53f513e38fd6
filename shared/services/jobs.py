"""What a creator does with jobs: create (reserving credits), read, list and cancel."""

from __future__ import annotations

import hashlib
import json
import secrets
import uuid

from shared.config import Settings
from shared.domain import credits, errors, rate_limits, responses
from shared.domain.clock import utcnow
from shared.domain.contract import CLIP_SIZES, FPS, MAX_SEED
from shared.domain.jobs import QUEUED_STATES, Job, JobStatus
from shared.domain.objects import poster_key, upload_prefix, video_key
from shared.domain.requests import IDEMPOTENCY_KEY, CreateJobRequest
from shared.domain.webhooks import subscription as webhook_subscription
from shared.log import bind, current_trace, fields, get_logger
from shared.services.moderation import ModerationService
from shared.services.ports import (
    DispatchQueue,
    GpuBackend,
    ObjectStorage,
    Store,
    StoredObject,
    Transaction,
    UrlGuard,
)
from shared.services.views import job_links, job_view
from shared.services.webhooks import announce, check_subscription

log = get_logger("jobs")


def request_hash(request: CreateJobRequest) -> str:
    fields = request.model_dump()
    for name in ("webhookUrl", "webhookEvents"):  # added later: left out when unset, so older hashes still match
        if fields[name] is None:
            del fields[name]
    return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()


def new_job_id(uid: str, idempotency_key: str | None) -> str:
    if idempotency_key is None:
        return uuid.uuid4().hex
    # Deterministic per (user, key): a retried create lands on the same document.
    return hashlib.sha256(f"{uid}\0{idempotency_key}".encode()).hexdigest()[:32]


class JobService:
    def __init__(
        self,
        store: Store,
        settings: Settings,
        objects: ObjectStorage,
        queue: DispatchQueue,
        gpu: GpuBackend,
        moderation: ModerationService,
        url_guard: UrlGuard | None = None,  # vets webhook URLs; without one, a create with a webhook is refused
    ):
        self.store, self.settings, self.objects, self.queue, self.gpu = store, settings, objects, queue, gpu
        self.moderation = moderation
        self.url_guard = url_guard

    # -- create -------------------------------------------------------------------------------------------
    def check_create(self, uid: str, request: CreateJobRequest, idempotency_key: str | None) -> StoredObject | None:
        """Refuse what no job can be made from; answers the start image as stored, when there is one."""
        if idempotency_key is not None and not IDEMPOTENCY_KEY.match(idempotency_key):
            raise errors.InvalidArgument(
                "Idempotency-Key must be 1-200 letters, digits or . _ : -", field="Idempotency-Key"
            )
        image = None
        if request.imageKey is not None:
            image = self.objects.stat(request.imageKey) if request.imageKey.startswith(upload_prefix(uid)) else None
            if image is None:
                raise errors.InvalidArgument("imageKey does not name an image you uploaded.", field="imageKey")
        check_subscription(self.url_guard, request.webhookUrl, request.webhookEvents)
        return image

    def create(
        self, uid: str, request: CreateJobRequest, idempotency_key: str | None = None, email: str | None = None
    ) -> responses.JobCreated:
        return self.submit(uid, request, idempotency_key, email)[0]

    def submit(
        self, uid: str, request: CreateJobRequest, idempotency_key: str | None = None, email: str | None = None
    ) -> tuple[responses.JobCreated, rate_limits.Quota]:
        """Create the job; answers it with the user's create quota (the RateLimit-* headers)."""
        image = self.check_create(uid, request, idempotency_key)
        job_id = new_job_id(uid, idempotency_key)
        bind(jobId=job_id)
        trace = current_trace()
        # Screened before the transaction: refused content reserves nothing. A retried create of a job that
        # exists was screened when it was made.
        replay = idempotency_key is not None and self.store.job(job_id) is not None
        unchecked = [] if replay else self.moderation.screen(uid, email, request, job_id, image)
        fingerprint = request_hash(request)
        seed = request.seed if request.seed is not None else secrets.randbelow(MAX_SEED + 1)
        cost = credits.credits_for(request.durationSec)
        width, height = CLIP_SIZES[request.aspectRatio]

        limit = self.settings.rate_limit_creates_per_minute

        def callback(tx: Transaction) -> tuple[responses.JobCreated, str, rate_limits.Quota]:
            existing = tx.job(job_id)
            account = tx.account(uid)
            now = utcnow()
            if existing is not None:
                if existing.user_id != uid or existing.request_hash != fingerprint:
                    raise errors.Conflict("This Idempotency-Key was already used for a different request.")
                answer = responses.JobCreated.model_validate(existing.create_answer)
                return answer, existing.status, rate_limits.quota(account, now, limit)
            account.email = email or account.email
            quota = rate_limits.count_create(account, now, limit)  # a refusal here writes nothing
            entry = credits.reserve(account, job_id, cost, now, self.settings.max_active_jobs)
            answer = responses.JobCreated(
                jobId=job_id,
                status=JobStatus.QUEUED,
                creditsReserved=cost,
                creditsRemaining=account.credits,
                urls=job_links(self.settings.public_base_url, job_id),
            )
            job = Job(
                id=job_id,
                user_id=uid,
                plan=account.plan,  # the plan when created, so the admin console can attribute GPU cost
                status=JobStatus.QUEUED,
                stage="queued",
                progress=0.0,
                prompt=request.prompt,
                negative_prompt=request.negativePrompt,
                image_key=request.imageKey,
                duration_sec=request.durationSec,
                aspect_ratio=request.aspectRatio,
                width=width,
                height=height,
                fps=FPS,
                seed=seed,
                credits=cost,
                refunded=False,
                request_hash=fingerprint,
                idempotent=idempotency_key is not None,
                create_answer=answer.model_dump(),
                video_key=video_key(uid, job_id),
                poster_key=poster_key(uid, job_id),
                **({"moderation_unchecked": unchecked} if unchecked else {}),
                **webhook_subscription(request.webhookUrl, request.webhookEvents),
                dispatch_attempts=0,
                # What acts on the job later (the RunPod webhook, the sweep) logs under the create's trace.
                **({"trace": trace.trace_id} if trace else {}),
                created_at=now,
                updated_at=now,
            )
            tx.record(account, entry)
            tx.save_job(job)
            return answer, JobStatus.QUEUED, quota

        answer, status, quota = self.store.run(callback)
        if status == JobStatus.QUEUED:
            # After commit: a lost enqueue leaves a queued job that the sweep re-enqueues.
            try:
                self.queue.enqueue_dispatch(job_id)
            except Exception:
                log.exception("enqueue failed; the sweep will retry", extra=fields(jobId=job_id))
        return answer, quota

    # -- read ---------------------------------------------------------------------------------------------
    def owned(self, uid: str, job_id: str) -> Job:
        job = self.store.job(job_id)
        if job is None or job.user_id != uid:
            raise errors.NotFound("No such video.")
        return job

    def view(self, job: Job) -> responses.JobView:
        position = self.store.queue_position(job) if job.status in QUEUED_STATES else None
        return job_view(job, self.objects, position, self.settings.public_base_url)

    def list(self, uid: str, limit: int, cursor: str | None) -> responses.JobList:
        jobs, next_cursor = self.store.user_jobs(uid, limit, cursor)
        base = self.settings.public_base_url
        return responses.JobList(
            jobs=[job_view(job, self.objects, base_url=base) for job in jobs], nextCursor=next_cursor
        )

    # -- cancel -------------------------------------------------------------------------------------------
    def cancel(self, uid: str, job_id: str) -> responses.JobView:
        def callback(tx: Transaction) -> tuple[Job, bool]:
            job = tx.job(job_id)
            if job is None or job.user_id != uid:
                raise errors.NotFound("No such video.")
            if job.status == JobStatus.CANCELED:
                return job, False
            account = tx.account(uid)
            now = utcnow()
            canceled = job.cancel(now)
            tx.record(account, credits.refund(account, job_id, job.credits, "canceled", now))
            tx.save_job(canceled)
            return canceled, True

        job, changed = self.store.run(callback)
        if changed:
            announce(self.queue, job, "job.canceled")
        if changed and job.backend_id:
            try:
                self.gpu.cancel(job.backend_id)
            except Exception:
                log.warning("GPU cancel failed; the job is canceled and refunded anyway", extra=fields(jobId=job_id))
        return job_view(job, self.objects, base_url=self.settings.public_base_url)
