"""What a creator does with jobs: create (reserving credits), read, list and cancel."""

import hashlib
import json
import secrets
import uuid

from google.cloud import firestore

from shared import errors, store
from shared.config import Settings
from shared.credits import Ledger
from shared.gpu import RunPodClient
from shared.job_views import job_view
from shared.log import fields, get_logger
from shared.models import (
    CLIP_SIZES,
    FPS,
    IDEMPOTENCY_KEY,
    MAX_SEED,
    UNFINISHED,
    CreateJobRequest,
    JobStatus,
    credits_for,
    utcnow,
)
from shared.queue import DispatchQueue
from shared.storage import ObjectStore, poster_key, video_key

log = get_logger("jobs")
QUEUED_STATES = [JobStatus.QUEUED.value, JobStatus.DISPATCHED.value]


def _request_hash(request: CreateJobRequest) -> str:
    return hashlib.sha256(json.dumps(request.model_dump(), sort_keys=True).encode()).hexdigest()


def _job_id(uid: str, idempotency_key: str | None) -> str:
    if idempotency_key is None:
        return uuid.uuid4().hex
    # Deterministic per (user, key): a retried create lands on the same document.
    return hashlib.sha256(f"{uid}\0{idempotency_key}".encode()).hexdigest()[:32]


class JobService:
    def __init__(
        self, db: firestore.Client, settings: Settings, objects: ObjectStore, queue: DispatchQueue, gpu: RunPodClient
    ):
        self.db, self.settings, self.objects, self.queue, self.gpu = db, settings, objects, queue, gpu

    # -- create -------------------------------------------------------------------------------------
    def check_create(self, uid: str, request: CreateJobRequest, idempotency_key: str | None) -> None:
        if idempotency_key is not None and not IDEMPOTENCY_KEY.match(idempotency_key):
            raise errors.InvalidArgument(
                "Idempotency-Key must be 1-200 letters, digits or . _ : -", field="Idempotency-Key"
            )
        if len(request.prompt) > self.settings.prompt_max_chars:
            raise errors.InvalidArgument(
                f"prompt is longer than {self.settings.prompt_max_chars} characters.", field="prompt"
            )
        if request.negativePrompt and len(request.negativePrompt) > self.settings.prompt_max_chars:
            raise errors.InvalidArgument(
                f"negativePrompt is longer than {self.settings.prompt_max_chars} characters.", field="negativePrompt"
            )
        if request.imageKey is not None:
            if not request.imageKey.startswith(f"uploads/{uid}/") or self.objects.stat(request.imageKey) is None:
                raise errors.InvalidArgument("imageKey does not name an image you uploaded.", field="imageKey")

    def create(
        self, uid: str, request: CreateJobRequest, idempotency_key: str | None = None, email: str | None = None
    ) -> dict:
        self.check_create(uid, request, idempotency_key)
        job_id = _job_id(uid, idempotency_key)
        request_hash = _request_hash(request)
        seed = request.seed if request.seed is not None else secrets.randbelow(MAX_SEED + 1)
        cost = credits_for(request.durationSec)
        width, height = CLIP_SIZES[request.aspectRatio]
        job_ref = store.jobs(self.db).document(job_id)

        def callback(tx):
            existing = job_ref.get(transaction=tx)
            if existing.exists:
                data = existing.to_dict()
                if data["userId"] != uid or data.get("requestHash") != request_hash:
                    raise errors.Conflict("This Idempotency-Key was already used for a different request.")
                return data["createAnswer"], data["status"]
            ledger = Ledger(self.db, tx)
            account = ledger.account(uid, email)
            ledger.reserve(account, job_id, cost, self.settings.max_active_jobs)
            answer = {
                "jobId": job_id,
                "status": JobStatus.QUEUED.value,
                "creditsReserved": cost,
                "creditsRemaining": account.credits,
            }
            now = utcnow()
            tx.set(
                job_ref,
                {
                    "userId": uid,
                    "plan": account.plan,  # the plan when created, so the admin console can attribute GPU cost
                    "status": JobStatus.QUEUED.value,
                    "stage": "queued",
                    "progress": 0.0,
                    "prompt": request.prompt,
                    "negativePrompt": request.negativePrompt,
                    "imageKey": request.imageKey,
                    "durationSec": request.durationSec,
                    "aspectRatio": request.aspectRatio,
                    "width": width,
                    "height": height,
                    "fps": FPS,
                    "seed": seed,
                    "credits": cost,
                    "refunded": False,
                    "requestHash": request_hash,
                    "idempotent": idempotency_key is not None,
                    "createAnswer": answer,
                    "videoKey": video_key(uid, job_id),
                    "posterKey": poster_key(uid, job_id),
                    "dispatchAttempts": 0,
                    "createdAt": now,
                    "updatedAt": now,
                },
            )
            return answer, JobStatus.QUEUED.value

        answer, status = store.run_transaction(self.db, callback)
        if status == JobStatus.QUEUED.value:
            # After commit: a lost enqueue leaves a queued job that the sweep re-enqueues.
            try:
                self.queue.enqueue_dispatch(job_id)
            except Exception:
                log.exception("enqueue failed; the sweep will retry", extra=fields(jobId=job_id))
        return answer

    # -- read ---------------------------------------------------------------------------------------
    def owned(self, uid: str, job_id: str) -> dict:
        snap = store.jobs(self.db).document(job_id).get()
        if not snap.exists or snap.get("userId") != uid:
            raise errors.NotFound("No such video.")
        return snap.to_dict()

    def queue_position(self, data: dict) -> int | None:
        if data["status"] not in QUEUED_STATES:
            return None
        ahead = (
            store.jobs(self.db)
            .where(filter=firestore.FieldFilter("status", "in", QUEUED_STATES))
            .where(filter=firestore.FieldFilter("createdAt", "<", data["createdAt"]))
            .count()
            .get()
        )
        return int(ahead[0][0].value) + 1

    def view(self, job_id: str, data: dict) -> dict:
        return job_view(job_id, data, self.objects, self.queue_position(data))

    def get(self, uid: str, job_id: str) -> dict:
        return self.view(job_id, self.owned(uid, job_id))

    def list(self, uid: str, limit: int, cursor: str | None) -> dict:
        collection = store.jobs(self.db)
        query = collection.where(filter=firestore.FieldFilter("userId", "==", uid)).order_by(
            "createdAt", direction=firestore.Query.DESCENDING
        )
        docs, next_cursor = store.page(query, collection, limit, cursor)
        return {"jobs": [job_view(doc.id, doc.to_dict(), self.objects) for doc in docs], "nextCursor": next_cursor}

    # -- cancel -------------------------------------------------------------------------------------
    def cancel(self, uid: str, job_id: str) -> dict:
        job_ref = store.jobs(self.db).document(job_id)

        def callback(tx):
            snap = job_ref.get(transaction=tx)
            if not snap.exists or snap.get("userId") != uid:
                raise errors.NotFound("No such video.")
            data = snap.to_dict()
            if data["status"] == JobStatus.CANCELED.value:
                return data, False
            if JobStatus(data["status"]) not in UNFINISHED:
                raise errors.Conflict(f"This video is already {data['status']}; it can't be canceled.")
            ledger = Ledger(self.db, tx)
            account = ledger.account(uid)
            ledger.refund(account, job_id, data["credits"], reason="canceled")
            changes = {
                "status": JobStatus.CANCELED.value,
                "stage": "canceled",
                "refunded": True,
                "finishedAt": utcnow(),
                "updatedAt": utcnow(),
            }
            tx.update(job_ref, changes)
            return data | changes, True

        data, changed = store.run_transaction(self.db, callback)
        if changed and data.get("backendId"):
            try:
                self.gpu.cancel(data["backendId"])
            except Exception:
                log.warning("GPU cancel failed; the job is canceled and refunded anyway", extra=fields(jobId=job_id))
        return job_view(job_id, data, self.objects)
