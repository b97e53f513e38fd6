"""The admin console's data: totals, job and user tables, and manual credit adjustments."""

import hashlib
import uuid

from google.cloud import firestore

from shared import store
from shared.credits import CreditService
from shared.job_views import job_view
from shared.models import JobStatus

SETTLED = [JobStatus.DONE.value, JobStatus.EXPIRED.value]


def _aggregate(query, **aggregations) -> dict:
    """Run count/sum aggregations in one round trip: aggregations = {alias: ("count"|"sum", field)}."""
    aggregation = None
    for alias, (kind, field) in aggregations.items():
        base = aggregation or query
        aggregation = base.count(alias=alias) if kind == "count" else base.sum(field, alias=alias)
    results = aggregation.get()
    return {result.alias: result.value or 0 for result in results[0]}


class AdminService:
    def __init__(self, db: firestore.Client, credits: CreditService):
        self.db, self.credits = db, credits

    def overview(self) -> dict:
        jobs = store.jobs(self.db)
        by_status = {}
        for status in JobStatus:
            query = jobs.where(filter=firestore.FieldFilter("status", "==", status.value))
            by_status[status.value] = int(_aggregate(query, n=("count", None))["n"])
        settled = _aggregate(
            jobs.where(filter=firestore.FieldFilter("status", "in", SETTLED)),
            credits=("sum", "credits"),
            gpu=("sum", "gpuSeconds"),
        )
        finished = by_status["done"] + by_status["expired"] + by_status["failed"]
        return {
            "users": int(_aggregate(store.users(self.db), n=("count", None))["n"]),
            "jobsByStatus": by_status,
            "failureRatio": round(by_status["failed"] / finished, 4) if finished else 0.0,
            "creditsBurned": int(settled["credits"]),
            "gpuSeconds": round(float(settled["gpu"]), 1),
        }

    def jobs(self, status: str | None, limit: int, cursor: str | None) -> dict:
        collection = store.jobs(self.db)
        query = collection
        if status:
            query = query.where(filter=firestore.FieldFilter("status", "==", status))
        query = query.order_by("createdAt", direction=firestore.Query.DESCENDING)
        docs, next_cursor = store.page(query, collection, limit, cursor)
        rows = [job_view(doc.id, doc.to_dict()) | {"userId": doc.get("userId")} for doc in docs]
        return {"jobs": rows, "nextCursor": next_cursor}

    def users(self, limit: int, cursor: str | None) -> dict:
        collection = store.users(self.db)
        docs, next_cursor = store.page(collection.order_by("__name__"), collection, limit, cursor)
        rows = []
        for doc in docs:
            data = doc.to_dict()
            rows.append({
                "uid": doc.id,
                "credits": data.get("credits", 0),
                "reserved": data.get("reserved", 0),
                "activeJobs": data.get("activeJobs", 0),
                "plan": data.get("plan"),
                "createdAt": data["createdAt"].isoformat() if data.get("createdAt") else None,
            })
        return {"users": rows, "nextCursor": next_cursor}

    def adjust(self, admin_uid: str, uid: str, delta: int, reason: str, idempotency_key: str | None) -> dict:
        # With a key, a retried adjustment lands on the same ledger entry; without one each call is new.
        seed = f"{admin_uid}\0{uid}\0{idempotency_key}" if idempotency_key else uuid.uuid4().hex
        entry_id = "adjust:" + hashlib.sha256(seed.encode()).hexdigest()[:32]
        account, _ = self.credits.grant(uid, entry_id, "adjust", delta, reason=reason, adminUid=admin_uid)
        return {"credits": account.credits}
