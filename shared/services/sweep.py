"""The periodic sweep (Cloud Scheduler): re-send lost dispatches, reconcile jobs the webhook never
settled, fail and refund what is past its deadline, expire videos after 24 h, and enqueue again the outgoing
webhook events whose enqueue was lost."""

from __future__ import annotations

import collections
import datetime as dt

from shared.domain.clock import utcnow
from shared.domain.jobs import Job, JobStatus
from shared.log import fields, get_logger
from shared.services.lifecycle import JobLifecycle
from shared.services.ports import DispatchQueue, ObjectStorage, Store, Transaction
from shared.services.webhooks import requeue_due

log = get_logger("sweep")

REDISPATCH_AFTER = dt.timedelta(minutes=1)
QUEUED_TIMEOUT = dt.timedelta(minutes=30)
BATCH = 200


class Sweeper:
    def __init__(self, store: Store, lifecycle: JobLifecycle, queue: DispatchQueue, objects: ObjectStorage):
        self.store, self.lifecycle, self.queue, self.objects = store, lifecycle, queue, objects

    def run(self) -> dict[str, int]:
        counts: collections.Counter[str] = collections.Counter()
        now = utcnow()
        for job in self.store.jobs_with_status([JobStatus.QUEUED], BATCH):
            counts[f"queued_{self._queued(job, now)}"] += 1
        for job in self.store.jobs_with_status([JobStatus.DISPATCHED, JobStatus.RUNNING], BATCH):
            try:
                outcome = self.lifecycle.reconcile(job, enforce_deadline=True)
            except Exception:
                log.exception("reconcile failed", extra=fields(jobId=job.id))
                outcome = "error"
            counts[f"active_{outcome}"] += 1
        counts["expired"] = self._expire(now)
        requeued = requeue_due(self.store, self.queue, now, BATCH)  # webhook events whose enqueue was lost
        if requeued:
            counts["webhooks_requeued"] = requeued
        log.info("sweep finished", extra=fields(**counts))
        return dict(counts)

    def _queued(self, job: Job, now: dt.datetime) -> str:
        age = now - job.in_queue_since  # a retried job queues afresh
        if age > QUEUED_TIMEOUT:
            return "failed" if self.lifecycle.fail(job.id, "not_started") else "unchanged"
        lease = job.dispatch_lease_until
        if age > REDISPATCH_AFTER and not (lease and lease > now):
            self.queue.enqueue_dispatch(job.id, generation=int(now.timestamp()) // 600)
            return "redispatched"
        return "waiting"

    def _expire(self, now: dt.datetime) -> int:
        expired = 0
        for job in self.store.videos_expired_by(now, BATCH):
            self.objects.delete([job.video_key, job.poster_key])
            if self._mark_expired(job.id):
                expired += 1
        return expired

    def _mark_expired(self, job_id: str) -> bool:
        def callback(tx: Transaction) -> bool:
            job = tx.job(job_id)
            expired = job.expire(utcnow()) if job else None
            if expired is not None:
                tx.save_job(expired)
            return expired is not None

        return self.store.run(callback)
