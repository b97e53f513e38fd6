"""The backend side of a job: dispatch to the GPU, apply what the GPU reports, and sweep what got stuck.

Every transition is a compare-and-set in a transaction, so a late, repeated or out-of-order event is a
no-op, and a job is settled or refunded exactly once (DESIGN.md §6).
"""

import datetime as dt
import json

from google.cloud import firestore

from shared import errors, store
from shared.auth import WebhookTokens
from shared.config import Settings
from shared.credits import Ledger
from shared.gpu import BackendJob, JobUnknown, RunPodClient
from shared.log import fields, get_logger
from shared.models import ON_GPU, UNFINISHED, JobStatus, execution_timeout_sec, utcnow
from shared.storage import ObjectStore

log = get_logger("lifecycle")

MAX_DISPATCH_ATTEMPTS = 5
DISPATCH_LEASE = dt.timedelta(seconds=90)
BACKEND_QUEUE_ALLOWANCE = dt.timedelta(minutes=10)  # RunPod queue wait before execution starts
INPUT_TTL_SEC = 3600
PROGRESS_REFRESH = dt.timedelta(seconds=3)

FAILURE_MESSAGES = {
    "timed_out": "The render ran past its time limit.",
    "lost": "The GPU worker lost track of this render.",
    "dispatch_failed": "The render could not be started on a GPU.",
    "not_started": "No GPU picked up this render in time.",
    "bad_output": "The render finished without a usable video.",
    "canceled_by_backend": "The GPU service stopped this render.",
}


def backend_error(remote: BackendJob) -> dict:
    """The worker reports errors as a JSON string {code, message}; anything else is kept as text."""
    if remote.status == "TIMED_OUT":
        return {"code": "timed_out", "message": FAILURE_MESSAGES["timed_out"]}
    if remote.status == "CANCELLED":
        return {"code": "canceled_by_backend", "message": FAILURE_MESSAGES["canceled_by_backend"]}
    raw = remote.error
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            pass
    if isinstance(raw, dict) and raw.get("code"):
        return {"code": str(raw["code"])[:64], "message": str(raw.get("message", ""))[:500]}
    return {"code": "worker_error", "message": str(raw or "The GPU worker failed.")[:500]}


class JobLifecycle:
    def __init__(
        self, db: firestore.Client, settings: Settings, objects: ObjectStore, gpu: RunPodClient, tokens: WebhookTokens
    ):
        self.db, self.settings, self.objects, self.gpu, self.tokens = db, settings, objects, gpu, tokens

    def _ref(self, job_id: str):
        return store.jobs(self.db).document(job_id)

    # -- transitions ----------------------------------------------------------------------------------
    def fail(self, job_id: str, code: str, message: str | None = None) -> bool:
        """Any unfinished state → failed, with a refund. False when the job had already finished."""
        error = {"code": code, "message": message or FAILURE_MESSAGES.get(code, "The render failed.")}

        def callback(tx):
            snap = self._ref(job_id).get(transaction=tx)
            if not snap.exists or JobStatus(snap.get("status")) not in UNFINISHED:
                return False
            data = snap.to_dict()
            ledger = Ledger(self.db, tx)
            account = ledger.account(data["userId"])
            ledger.refund(account, job_id, data["credits"], reason=error["code"])
            now = utcnow()
            tx.update(
                self._ref(job_id),
                {
                    "status": JobStatus.FAILED.value,
                    "stage": "failed",
                    "error": error,
                    "refunded": True,
                    "finishedAt": now,
                    "updatedAt": now,
                },
            )
            return True

        changed = store.run_transaction(self.db, callback)
        if changed:
            log.info("job failed and refunded", extra=fields(jobId=job_id, code=code))
        return changed

    def complete(self, job_id: str, backend_id: str, output: dict) -> bool:
        """dispatched/running → done, settling the reservation once."""

        def callback(tx):
            snap = self._ref(job_id).get(transaction=tx)
            if not snap.exists or JobStatus(snap.get("status")) not in ON_GPU or snap.get("backendId") != backend_id:
                return False
            data = snap.to_dict()
            ledger = Ledger(self.db, tx)
            account = ledger.account(data["userId"])
            ledger.settle(account, job_id, data["credits"])
            now = utcnow()
            tx.update(
                self._ref(job_id),
                {
                    "status": JobStatus.DONE.value,
                    "stage": "done",
                    "progress": 1.0,
                    "etaSec": None,
                    "width": output.get("width", data["width"]),
                    "height": output.get("height", data["height"]),
                    "fps": output.get("fps", data["fps"]),
                    "frames": output.get("frames"),
                    "timings": output.get("timings"),
                    "gpuSeconds": output.get("gpuSeconds"),
                    "startedAt": data.get("startedAt") or now,
                    "finishedAt": now,
                    "expiresAt": now + dt.timedelta(hours=self.settings.video_ttl_hours),
                    "updatedAt": now,
                },
            )
            return True

        return store.run_transaction(self.db, callback)

    def progress(self, job_id: str, backend_id: str, report: object) -> None:
        """Record the worker's latest progress; dispatched → running on the first report."""
        report = report if isinstance(report, dict) else {}

        def callback(tx):
            snap = self._ref(job_id).get(transaction=tx)
            if not snap.exists or JobStatus(snap.get("status")) not in ON_GPU or snap.get("backendId") != backend_id:
                return
            data, now = snap.to_dict(), utcnow()
            changes = {"progressCheckedAt": now}
            if data["status"] == JobStatus.DISPATCHED.value:
                changes |= {"status": JobStatus.RUNNING.value, "startedAt": now, "stage": "starting"}
            if isinstance(report.get("stage"), str):
                changes["stage"] = report["stage"][:32]
            if isinstance(report.get("progress"), (int, float)):
                changes["progress"] = max(data.get("progress", 0.0), min(1.0, float(report["progress"])))
            if isinstance(report.get("etaSec"), (int, float)):
                changes["etaSec"] = int(report["etaSec"])
            tx.update(self._ref(job_id), changes)

        store.run_transaction(self.db, callback)

    # -- dispatch -------------------------------------------------------------------------------------
    def dispatch(self, job_id: str) -> str:
        now = utcnow()

        def take_lease(tx):
            snap = self._ref(job_id).get(transaction=tx)
            if not snap.exists:
                return None
            data = snap.to_dict()
            if data["status"] != JobStatus.QUEUED.value:
                return None
            lease = data.get("dispatchLeaseUntil")
            if lease and lease > now:
                raise errors.Unavailable("Another dispatch of this job is under way.", retry_after=30)
            attempts = data.get("dispatchAttempts", 0) + 1
            tx.update(self._ref(job_id), {"dispatchLeaseUntil": now + DISPATCH_LEASE, "dispatchAttempts": attempts})
            return data | {"dispatchAttempts": attempts}

        data = store.run_transaction(self.db, take_lease)
        if data is None:
            return "skipped"
        timeout = execution_timeout_sec(data["durationSec"])
        try:
            backend_id = self.gpu.run(
                self.worker_input(job_id, data),
                self.webhook_url(job_id, timeout),
                execution_timeout_sec=timeout,
                ttl_sec=int(BACKEND_QUEUE_ALLOWANCE.total_seconds()) + timeout,
            )
        except errors.Unavailable:
            if data["dispatchAttempts"] >= MAX_DISPATCH_ATTEMPTS:
                self.fail(job_id, "dispatch_failed")
                return "failed"
            self._ref(job_id).update({"dispatchLeaseUntil": None})
            raise
        except RuntimeError as exc:
            log.error("GPU backend refused the job: %s", exc, extra=fields(jobId=job_id))
            self.fail(job_id, "dispatch_failed")
            return "failed"

        def mark_dispatched(tx):
            snap = self._ref(job_id).get(transaction=tx)
            if not snap.exists or snap.get("status") != JobStatus.QUEUED.value:
                return False
            sent = utcnow()
            tx.update(
                self._ref(job_id),
                {
                    "status": JobStatus.DISPATCHED.value,
                    "stage": "waiting_for_gpu",
                    "backendId": backend_id,
                    "dispatchedAt": sent,
                    "deadlineAt": sent + BACKEND_QUEUE_ALLOWANCE + dt.timedelta(seconds=timeout),
                    "dispatchLeaseUntil": None,
                    "updatedAt": sent,
                },
            )
            return True

        if store.run_transaction(self.db, mark_dispatched):
            log.info("job dispatched", extra=fields(jobId=job_id, backendId=backend_id))
            return "dispatched"
        self.gpu.cancel(backend_id)  # canceled while we were starting it
        return "skipped"

    def worker_input(self, job_id: str, data: dict) -> dict:
        """DESIGN.md §7. No secrets: RunPod echoes the input back in its webhook."""
        job_input = {
            "jobId": job_id,
            "prompt": data["prompt"],
            "negativePrompt": data.get("negativePrompt") or "",
            "durationSec": data["durationSec"],
            "seed": data["seed"],
            "width": data["width"],
            "height": data["height"],
            "fps": data["fps"],
            "output": {"bucket": self.settings.s3_bucket, "videoKey": data["videoKey"], "posterKey": data["posterKey"]},
        }
        if data.get("imageKey"):
            job_input["imageUrl"] = self.objects.download_url(data["imageKey"], INPUT_TTL_SEC)
        return job_input

    def webhook_url(self, job_id: str, timeout_sec: int) -> str:
        ttl = timeout_sec + int(BACKEND_QUEUE_ALLOWANCE.total_seconds()) + 3600
        token = self.tokens.issue(job_id, ttl)
        return f"{self.settings.public_base_url.rstrip('/')}/api/webhooks/runpod?token={token}"

    # -- what the GPU reports -------------------------------------------------------------------------
    def apply(self, job_id: str, data: dict, remote: BackendJob) -> str:
        backend_id = data["backendId"]
        if remote.status == "COMPLETED":
            output = remote.output if isinstance(remote.output, dict) else {}
            if output.get("videoKey") != data["videoKey"] or self.objects.stat(data["videoKey"]) is None:
                self.fail(job_id, "bad_output")
                return "failed"
            return "done" if self.complete(job_id, backend_id, output) else "unchanged"
        if remote.terminal:
            error = backend_error(remote)
            return "failed" if self.fail(job_id, error["code"], error["message"]) else "unchanged"
        if remote.status == "IN_PROGRESS":
            self.progress(job_id, backend_id, remote.output)
            return "running"
        return "waiting"

    def reconcile(self, job_id: str, data: dict, *, enforce_deadline: bool) -> str:
        """Ask the GPU backend what became of a dispatched job and apply it."""
        now = utcnow()
        late = enforce_deadline and data.get("deadlineAt") is not None and now > data["deadlineAt"]
        try:
            remote = self.gpu.status(data["backendId"])
        except JobUnknown:
            return "failed" if self.fail(job_id, "lost") else "unchanged"
        except errors.Unavailable:
            if late:
                return "failed" if self.fail(job_id, "timed_out") else "unchanged"
            return "unreachable"
        outcome = self.apply(job_id, data, remote)
        if late and not remote.terminal:
            try:
                self.gpu.cancel(data["backendId"])
            except errors.Unavailable:
                pass
            return "failed" if self.fail(job_id, "timed_out") else "unchanged"
        return outcome

    def on_webhook(self, token: str | None, body: dict) -> str:
        """The body proves nothing (RunPod does not sign it): the token names the job, /status decides."""
        job_id = self.tokens.job_id(token)
        snap = self._ref(job_id).get()
        if not snap.exists:
            raise errors.NotFound("No such job.")
        data = snap.to_dict()
        if body.get("id") and body["id"] != data.get("backendId"):
            raise errors.Forbidden("This webhook does not belong to the job's current execution.")
        if JobStatus(data["status"]) not in ON_GPU:
            return "unchanged"
        return self.reconcile(job_id, data, enforce_deadline=False)

    def refresh(self, job_id: str, data: dict) -> dict:
        """Fresh progress for a viewer, at most every few seconds per job; failures only log."""
        checked = data.get("progressCheckedAt") or data.get("dispatchedAt")
        if JobStatus(data["status"]) not in ON_GPU or (checked and utcnow() - checked < PROGRESS_REFRESH):
            return data
        try:
            self.reconcile(job_id, data, enforce_deadline=False)
        except errors.CineWeaveError as exc:
            log.info("progress refresh skipped: %s", exc.message, extra=fields(jobId=job_id))
            return data
        return self._ref(job_id).get().to_dict()
