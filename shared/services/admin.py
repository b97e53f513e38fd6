"""The admin console's data: totals, job and user tables, and manual credit adjustments."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

from google.cloud import firestore

from shared.adapters import admin_stats, firestore_db
from shared.adapters.admin_stats import aggregate
from shared.adapters.firestore import job_from
from shared.config import Settings
from shared.domain import credits, responses
from shared.domain.clock import utcnow
from shared.domain.jobs import SETTLED, JobStatus
from shared.domain.pricing import gpu_cost_usd
from shared.services.credits import CreditService
from shared.services.views import iso, job_view


class AdminService:
    def __init__(
        self,
        db: firestore.Client,
        credits: CreditService,
        settings: Settings,
        clock: Callable[[], dt.datetime] = utcnow,
    ):
        self.db, self.credits, self.settings, self.clock = db, credits, settings, clock

    def overview(self) -> responses.AdminOverview:
        jobs = firestore_db.jobs(self.db)
        by_status = {}
        for status in JobStatus:
            query = jobs.where(filter=firestore.FieldFilter("status", "==", status.value))
            by_status[status.value] = int(aggregate(query, n=("count", None))["n"])
        settled = aggregate(
            jobs.where(filter=firestore.FieldFilter("status", "in", [status.value for status in SETTLED])),
            credits=("sum", "credits"),
            gpu=("sum", "gpuSeconds"),
        )
        finished = by_status["done"] + by_status["expired"] + by_status["failed"]
        gpu_seconds = float(settled["gpu"])
        return responses.AdminOverview(
            users=int(aggregate(firestore_db.users(self.db), n=("count", None))["n"]),
            jobsByStatus=by_status,
            failureRatio=round(by_status["failed"] / finished, 4) if finished else 0.0,
            creditsBurned=int(settled["credits"]),
            gpuSeconds=round(gpu_seconds, 1),
            gpuCostUsd=gpu_cost_usd(gpu_seconds, self.settings.gpu_cost_per_second_usd),
            jobsPerDay=admin_stats.jobs_per_day(self.db, self.clock()),
            revenue=admin_stats.revenue(self.db, self.settings),
            last24h=admin_stats.last_24h(self.db, self.clock()),
        )

    def jobs(self, status: str | None, limit: int, cursor: str | None, user_id: str | None = None) -> responses.JobList:
        collection = firestore_db.jobs(self.db)
        query = collection
        if user_id:
            query = query.where(filter=firestore.FieldFilter("userId", "==", user_id))
        if status:
            query = query.where(filter=firestore.FieldFilter("status", "==", status))
        query = query.order_by("createdAt", direction=firestore.Query.DESCENDING)
        docs, next_cursor = firestore_db.page(query, collection, limit, cursor)
        rows = []
        for doc in docs:
            job = job_from(doc)
            row = job_view(job)
            row.userId = job.user_id
            rows.append(row)
        return responses.JobList(jobs=rows, nextCursor=next_cursor)

    def users(self, limit: int, cursor: str | None, email: str | None = None) -> responses.AdminUserPage:
        collection = firestore_db.users(self.db)
        query = collection.order_by("__name__")
        if email:
            query = query.where(filter=firestore.FieldFilter("email", "==", email))
        docs, next_cursor = firestore_db.page(query, collection, limit, cursor)
        rows = []
        for doc in docs:
            data = doc.to_dict()
            rows.append(
                responses.AdminUser(
                    uid=doc.id,
                    email=data.get("email"),
                    credits=data.get("credits", 0),
                    reserved=data.get("reserved", 0),
                    activeJobs=data.get("activeJobs", 0),
                    plan=data.get("plan"),
                    createdAt=iso(data.get("createdAt")),
                )
            )
        return responses.AdminUserPage(users=rows, nextCursor=next_cursor)

    def moderation(self, limit: int, cursor: str | None) -> responses.ModerationPage:
        """Refusals per day, and the refusals themselves, newest first."""
        collection = firestore_db.moderation_events(self.db)
        query = collection.order_by("at", direction=firestore.Query.DESCENDING)
        docs, next_cursor = firestore_db.page(query, collection, limit, cursor)
        rows = []
        for doc in docs:
            data = doc.to_dict()
            rows.append(
                responses.ModerationRefusal(
                    id=doc.id,
                    uid=data.get("uid", ""),
                    email=data.get("email"),
                    field=data.get("field", ""),
                    categories=list(data.get("categories", [])),
                    check=data.get("check", ""),
                    at=iso(data.get("at")),
                )
            )
        return responses.ModerationPage(
            perDay=admin_stats.refusals_per_day(self.db, self.clock()), refusals=rows, nextCursor=next_cursor
        )

    def adjust(
        self, admin_uid: str, uid: str, delta: int, reason: str, idempotency_key: str | None
    ) -> responses.CreditsAfterAdjustment:
        # With a key, a retried adjustment lands on the same ledger entry; without one each call is new.
        entry_id = credits.adjustment_entry_id(admin_uid, uid, idempotency_key or uuid.uuid4().hex)
        account, _ = self.credits.grant(uid, entry_id, "adjust", delta, reason=reason, admin_uid=admin_uid)
        return responses.CreditsAfterAdjustment(credits=account.credits)
