"""Figures over a window of recent jobs for the admin console: success rate, render time, queue wait and
retries, computed from a few timestamps per job."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from shared.domain import responses
from shared.domain.jobs import JobStatus

SUCCEEDED = frozenset({JobStatus.DONE.value, JobStatus.EXPIRED.value})  # expired: done, and its video since deleted
FINISHED = SUCCEEDED | {JobStatus.FAILED.value}  # a cancel says nothing about the service, so it is left out


class JobTiming(NamedTuple):
    status: str
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    attempt: int = 1


def percentile(values: Sequence[float], q: float) -> float | None:
    """The nearest-rank q-th percentile (0 < q ≤ 100): the smallest value with at least q % of the values at
    or below it, so the answer is always one of the values; None when there are none."""
    if not 0 < q <= 100:
        raise ValueError(f"percentile q must be in (0, 100], not {q}")
    if not values:
        return None
    ordered = sorted(values)
    return ordered[math.ceil(q / 100 * len(ordered)) - 1]


def _seconds(start: dt.datetime | None, end: dt.datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return max(0.0, (end - start).total_seconds())


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def recent_job_stats(jobs: Iterable[JobTiming], capped: bool = False) -> responses.RecentJobStats:
    """Success rate over the finished jobs; render time (startedAt → finishedAt) of the ones that succeeded;
    queue wait (createdAt → startedAt) of every job that started; retries: jobs dispatched more than once."""
    jobs = list(jobs)
    finished = [job for job in jobs if job.status in FINISHED]
    succeeded = [job for job in finished if job.status in SUCCEEDED]
    renders = [s for job in succeeded if (s := _seconds(job.started_at, job.finished_at)) is not None]
    waits = [s for job in jobs if (s := _seconds(job.created_at, job.started_at)) is not None]
    return responses.RecentJobStats(
        jobs=len(jobs),
        finished=len(finished),
        successRate=round(len(succeeded) / len(finished), 4) if finished else None,
        renderSecP50=_rounded(percentile(renders, 50)),
        renderSecP95=_rounded(percentile(renders, 95)),
        queueWaitSecP50=_rounded(percentile(waits, 50)),
        queueWaitSecP95=_rounded(percentile(waits, 95)),
        retries=sum(1 for job in jobs if job.attempt > 1),
        capped=capped,
    )
