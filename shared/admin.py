"""The admin console's data: totals, job and user tables, and manual credit adjustments."""

import hashlib
import uuid

from google.cloud import firestore

from shared import admin_stats, store
from shared.admin_stats import SETTLED, aggregate
from shared.config import Settings
from shared.credits import CreditService
from shared.job_views import job_view
from shared.models import JobStatus, utcnow


class AdminService:
    def __init__(self, db: firestore.Client, credits: CreditService, settings: Settings, clock=utcnow):
        self.db, self.credits, self.settings, self.clock = db, credits, settings, clock

    def overview(self) -> dict:
        jobs = store.jobs(self.db)
        by_status = {}
        for status in JobStatus:
            query = jobs.where(filter=firestore.FieldFilter("status", "==", status.value))
            by_status[status.value] = int(aggregate(query, n=("count", None))["n"])
        settled = aggregate(
            jobs.where(filter=firestore.FieldFilter("status", "in", SETTLED)),
            credits=("sum", "credits"),
            gpu=("sum", "gpuSeconds"),
        )
        finished = by_status["done"] + by_status["expired"] + by_status["failed"]
        gpu_seconds = float(settled["gpu"])
        return {
            "users": int(aggregate(store.users(self.db), n=("count", None))["n"]),
            "jobsByStatus": by_status,
            "failureRatio": round(by_status["failed"] / finished, 4) if finished else 0.0,
            "creditsBurned": int(settled["credits"]),
            "gpuSeconds": round(gpu_seconds, 1),
            "gpuCostUsd": admin_stats.gpu_cost_usd(gpu_seconds, self.settings),
            "jobsPerDay": admin_stats.jobs_per_day(self.db, self.clock()),
            "revenue": admin_stats.revenue(self.db, self.settings),
        }

    def jobs(self, status: str | None, limit: int, cursor: str | None, user_id: str | None = None) -> dict:
        collection = store.jobs(self.db)
        query = collection
        if user_id:
            query = query.where(filter=firestore.FieldFilter("userId", "==", user_id))
        if status:
            query = query.where(filter=firestore.FieldFilter("status", "==", status))
        query = query.order_by("createdAt", direction=firestore.Query.DESCENDING)
        docs, next_cursor = store.page(query, collection, limit, cursor)
        rows = [job_view(doc.id, doc.to_dict()) | {"userId": doc.get("userId")} for doc in docs]
        return {"jobs": rows, "nextCursor": next_cursor}

    def users(self, limit: int, cursor: str | None, email: str | None = None) -> dict:
        collection = store.users(self.db)
        query = collection.order_by("__name__")
        if email:
            query = query.where(filter=firestore.FieldFilter("email", "==", email))
        docs, next_cursor = store.page(query, collection, limit, cursor)
        rows = []
        for doc in docs:
            data = doc.to_dict()
            rows.append(
                {
                    "uid": doc.id,
                    "email": data.get("email"),
                    "credits": data.get("credits", 0),
                    "reserved": data.get("reserved", 0),
                    "activeJobs": data.get("activeJobs", 0),
                    "plan": data.get("plan"),
                    "createdAt": data["createdAt"].isoformat() if data.get("createdAt") else None,
                }
            )
        return {"users": rows, "nextCursor": next_cursor}

    def adjust(self, admin_uid: str, uid: str, delta: int, reason: str, idempotency_key: str | None) -> dict:
        # With a key, a retried adjustment lands on the same ledger entry; without one each call is new.
        seed = f"{admin_uid}\0{uid}\0{idempotency_key}" if idempotency_key else uuid.uuid4().hex
        entry_id = "adjust:" + hashlib.sha256(seed.encode()).hexdigest()[:32]
        account, _ = self.credits.grant(uid, entry_id, "adjust", delta, reason=reason, adminUid=admin_uid)
        return {"credits": account.credits}
