"""Retry or refund: what becomes of a render the GPU backend ended without a video.

A loss that says nothing about the job itself (the backend forgot the execution, a worker died or was shut
down, the backend timed it out or dropped it) is rendered once more, with the same job id and seed, so the
user gets the clip they paid for. A failure the job brought on itself (input the worker refused, out of
memory at that size, an unusable result) would fail again, so it is refunded at once. The sweep and the
webhook both reach this rule through `JobLifecycle.end_execution`.
"""

from __future__ import annotations

import enum

from shared.domain.jobs import Job

MAX_RENDER_ATTEMPTS = 2  # the first render and one retry

# Codes of the worker contract and of the backend's own verdicts (shared.services.backend_reports.backend_error).
INFRASTRUCTURE_FAILURES = frozenset(
    {
        "lost",  # /status answers 404: a restarted runner, or the backend's retention passed
        "timed_out",  # the backend's TIMED_OUT: the execution ran out of time on a stalled worker
        "canceled_by_backend",  # CANCELLED without our asking: the request expired in the backend's queue
        "canceled",  # the worker was told to stop (a scale-down or a preempted machine)
        "worker_error",  # the worker died without reporting a code
    }
)


class Decision(enum.StrEnum):
    RETRY = "retry"
    REFUND = "refund"


def retry_or_refund(job: Job, code: str) -> Decision:
    """RETRY when the job is on the GPU, the loss was the infrastructure's and an attempt is left."""
    if job.on_gpu and code in INFRASTRUCTURE_FAILURES and job.attempt < MAX_RENDER_ATTEMPTS:
        return Decision.RETRY
    return Decision.REFUND


def final_failure(job: Job, error: dict[str, str]) -> dict[str, str]:
    """The error the user sees when the render is refunded; it says so when a retry was made."""
    if job.attempt <= 1:
        return error
    return {**error, "message": f"{error['message']} It was retried once, and the retry failed too."}
