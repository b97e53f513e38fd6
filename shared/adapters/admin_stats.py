"""The admin overview's figures, from Firestore count/sum aggregations (no documents are read), and the
last 24 hours' timings from one bounded query that reads a few fields of each recent job.

Aggregations are independent round trips, so a batch of them runs on a few threads at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from google.cloud import firestore

from shared.adapters import firestore_db
from shared.config import Settings
from shared.domain import responses
from shared.domain.job_stats import JobTiming, recent_job_stats
from shared.domain.jobs import SETTLED, JobStatus
from shared.domain.payments import GRANTED_STATUSES
from shared.domain.pricing import PLAN_DEFINITIONS, gpu_cost_minor
from shared.services.catalog import exchange

SETTLED_STATES = [status.value for status in SETTLED]
GRANTED_PAYMENTS = [status.value for status in GRANTED_STATUSES]
DAYS = 14
TOPUP_ROW = ("topup", "Top-ups")
PARALLEL_QUERIES = 8
RECENT_WINDOW = dt.timedelta(hours=24)
# The timings read one small document per job; past this many jobs a day the newest stand for the window.
RECENT_JOBS_CAP = 5000
TIMING_FIELDS = ["status", "createdAt", "startedAt", "finishedAt", "attempt"]

# {alias: ("count", None) or ("sum", field)}
Aggregations = dict[str, tuple[str, str | None]]
Key = TypeVar("Key", bound=Hashable)


def aggregate(query, **aggregations: tuple[str, str | None]) -> dict:
    """Run count/sum aggregations in one round trip: aggregations = {alias: ("count"|"sum", field)}."""
    aggregation = None
    for alias, (kind, field) in aggregations.items():
        base = aggregation or query
        aggregation = base.count(alias=alias) if kind == "count" else base.sum(field, alias=alias)
    if aggregation is None:
        raise ValueError("aggregate needs at least one aggregation")
    results = aggregation.get()
    return {result.alias: result.value or 0 for result in results[0]}


def aggregate_all(batch: Mapping[Key, tuple[Any, Aggregations]]) -> dict[Key, dict]:
    """{key: (query, {alias: (kind, field)})} → {key: {alias: value}}, the queries run concurrently."""
    with ThreadPoolExecutor(PARALLEL_QUERIES) as pool:
        futures = {key: pool.submit(aggregate, query, **aggregations) for key, (query, aggregations) in batch.items()}
        return {key: future.result() for key, future in futures.items()}


def _where(query, field: str, op: str, value):
    return query.where(filter=firestore.FieldFilter(field, op, value))


def day_starts(now: dt.datetime, days: int = DAYS) -> list[dt.datetime]:
    """Midnight (UTC) of each of the last `days` days, today included, oldest first."""
    today = now.astimezone(dt.UTC).date()
    return [dt.datetime.combine(today - dt.timedelta(days=back), dt.time(), dt.UTC) for back in range(days - 1, -1, -1)]


def jobs_per_day(db: firestore.Client, now: dt.datetime, days: int = DAYS) -> list[responses.DayCount]:
    """Jobs created on each of the last `days` UTC days (today included), oldest first, and how many failed."""
    starts = day_starts(now, days)
    batch: dict[tuple[Any, str], tuple[Any, Aggregations]] = {}
    for start in starts:
        end = start + dt.timedelta(days=1)
        created = _where(_where(firestore_db.jobs(db), "createdAt", ">=", start), "createdAt", "<", end)
        batch[(start, "total")] = (created, {"n": ("count", None)})
        batch[(start, "failed")] = (_where(created, "status", "==", JobStatus.FAILED.value), {"n": ("count", None)})
    counts = aggregate_all(batch)
    return [
        responses.DayCount(
            date=start.date().isoformat(),
            total=int(counts[(start, "total")]["n"]),
            failed=int(counts[(start, "failed")]["n"]),
        )
        for start in starts
    ]


def refusals_per_day(db: firestore.Client, now: dt.datetime, days: int = DAYS) -> list[responses.ModerationDay]:
    """Content-policy refusals on each of the last `days` UTC days, oldest first."""
    starts = day_starts(now, days)
    events = firestore_db.moderation_events(db)
    batch: dict[dt.datetime, tuple[Any, Aggregations]] = {
        start: (
            _where(_where(events, "at", ">=", start), "at", "<", start + dt.timedelta(days=1)),
            {"n": ("count", None)},
        )
        for start in starts
    }
    counts = aggregate_all(batch)
    return [responses.ModerationDay(day=start.date().isoformat(), refusals=int(counts[start]["n"])) for start in starts]


def revenue(db: firestore.Client, settings: Settings) -> list[responses.RevenueRow]:
    """Per plan and for top-ups: subscribers, money taken, and the GPU time (and its cost) of the plan's users.

    Money counts payments whose credits were granted, in the current settlement currency. GPU time counts
    settled jobs by the plan their creator was on when the job was created.
    """
    currency = settings.payment_currency
    granted = _where(_where(firestore_db.payments(db), "status", "in", GRANTED_PAYMENTS), "currency", "==", currency)
    batch: dict[tuple[Any, str], tuple[Any, Aggregations]] = {}
    for plan in PLAN_DEFINITIONS:
        batch[(plan.id, "users")] = (_where(firestore_db.users(db), "plan", "==", plan.id), {"n": ("count", None)})
        batch[(plan.id, "money")] = (_where(granted, "planId", "==", plan.id), {"n": ("sum", "amountMinor")})
        settled = _where(_where(firestore_db.jobs(db), "plan", "==", plan.id), "status", "in", SETTLED_STATES)
        batch[(plan.id, "gpu")] = (settled, {"n": ("sum", "gpuSeconds")})
    batch[(TOPUP_ROW[0], "money")] = (_where(granted, "purpose", "==", "topup"), {"n": ("sum", "amountMinor")})
    figures = aggregate_all(batch)

    rows = []
    for plan_id, name in [(plan.id, plan.name) for plan in PLAN_DEFINITIONS] + [TOPUP_ROW]:
        gpu_seconds = float(figures.get((plan_id, "gpu"), {"n": 0})["n"])
        rows.append(
            responses.RevenueRow(
                planId=plan_id,
                name=name,
                subscribers=int(figures.get((plan_id, "users"), {"n": 0})["n"]),
                revenueMinor=int(figures[(plan_id, "money")]["n"]),
                gpuSeconds=round(gpu_seconds, 1),
                gpuCostMinor=gpu_cost_minor(gpu_seconds, settings.gpu_cost_per_second_usd, exchange(settings)),
                currency=currency,
            )
        )
    return rows


def last_24h(db: firestore.Client, now: dt.datetime, cap: int = RECENT_JOBS_CAP) -> responses.RecentJobStats:
    """Success rate, render time, queue wait and retries of the jobs created in the last 24 hours: one query
    on createdAt (its single-field index), newest first, reading only the timing fields of at most `cap`."""
    query = (
        _where(firestore_db.jobs(db), "createdAt", ">=", now - RECENT_WINDOW)
        .order_by("createdAt", direction=firestore.Query.DESCENDING)
        .select(TIMING_FIELDS)
        .limit(cap + 1)  # one more than is used tells whether the window held more
    )
    timings = []
    for snap in query.stream():
        data = snap.to_dict() or {}
        timings.append(
            JobTiming(
                status=data.get("status", ""),
                created_at=data["createdAt"],
                started_at=data.get("startedAt"),
                finished_at=data.get("finishedAt"),
                attempt=int(data.get("attempt") or 1),  # written by the retry of a lost render; absent before
            )
        )
    return recent_job_stats(timings[:cap], capped=len(timings) > cap)
