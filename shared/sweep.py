"""The periodic sweep (Cloud Scheduler): re-send lost dispatches, reconcile jobs the webhook never
settled, fail and refund what is past its deadline, and expire videos after 24 h."""

import collections
import datetime as dt

from google.cloud import firestore

from shared import store
from shared.lifecycle import JobLifecycle
from shared.log import fields, get_logger
from shared.models import JobStatus, utcnow
from shared.queue import DispatchQueue
from shared.storage import ObjectStore

log = get_logger("sweep")

REDISPATCH_AFTER = dt.timedelta(minutes=1)
QUEUED_TIMEOUT = dt.timedelta(minutes=30)
BATCH = 200


class Sweeper:
    def __init__(self, db: firestore.Client, lifecycle: JobLifecycle, queue: DispatchQueue, objects: ObjectStore):
        self.db, self.lifecycle, self.queue, self.objects = db, lifecycle, queue, objects

    def _with_status(self, *statuses: JobStatus):
        values = [status.value for status in statuses]
        query = store.jobs(self.db).where(filter=firestore.FieldFilter("status", "in", values))
        return list(query.limit(BATCH).stream())

    def run(self) -> dict:
        counts = collections.Counter()
        now = utcnow()
        for snap in self._with_status(JobStatus.QUEUED):
            counts[f"queued_{self._queued(snap.id, snap.to_dict(), now)}"] += 1
        for snap in self._with_status(JobStatus.DISPATCHED, JobStatus.RUNNING):
            try:
                outcome = self.lifecycle.reconcile(snap.id, snap.to_dict(), enforce_deadline=True)
            except Exception:
                log.exception("reconcile failed", extra=fields(jobId=snap.id))
                outcome = "error"
            counts[f"active_{outcome}"] += 1
        counts["expired"] = self._expire(now)
        log.info("sweep finished", extra=fields(**counts))
        return dict(counts)

    def _queued(self, job_id: str, data: dict, now: dt.datetime) -> str:
        age = now - data["createdAt"]
        if age > QUEUED_TIMEOUT:
            return "failed" if self.lifecycle.fail(job_id, "not_started") else "unchanged"
        lease = data.get("dispatchLeaseUntil")
        if age > REDISPATCH_AFTER and not (lease and lease > now):
            self.queue.enqueue_dispatch(job_id, generation=int(now.timestamp()) // 600)
            return "redispatched"
        return "waiting"

    def _expire(self, now: dt.datetime) -> int:
        query = (
            store.jobs(self.db)
            .where(filter=firestore.FieldFilter("status", "==", JobStatus.DONE.value))
            .where(filter=firestore.FieldFilter("expiresAt", "<=", now))
            .limit(BATCH)
        )
        expired = 0
        for snap in query.stream():
            data = snap.to_dict()
            self.objects.delete([data["videoKey"], data["posterKey"]])
            if self._mark_expired(snap.id):
                expired += 1
        return expired

    def _mark_expired(self, job_id: str) -> bool:
        ref = store.jobs(self.db).document(job_id)

        def callback(tx):
            snap = ref.get(transaction=tx)
            if not snap.exists or snap.get("status") != JobStatus.DONE.value:
                return False
            tx.update(ref, {"status": JobStatus.EXPIRED.value, "stage": "expired", "updatedAt": utcnow()})
            return True

        return store.run_transaction(self.db, callback)
