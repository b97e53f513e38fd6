"""What the GPU backend's reports mean for a job: the error a finished execution carries, and the figures a
completed render's log line gives the metrics."""

from __future__ import annotations

import json
from typing import Any

from shared.domain.jobs import Job, failure
from shared.services.ports import BackendJob


def backend_error(remote: BackendJob) -> dict[str, str]:
    """The worker reports errors as a JSON string {code, message}; anything else is kept as text."""
    if remote.status == "TIMED_OUT":
        return failure("timed_out")
    if remote.status == "CANCELLED":
        return failure("canceled_by_backend")
    raw = remote.error
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            pass
    if isinstance(raw, dict) and raw.get("code"):
        return {"code": str(raw["code"])[:64], "message": str(raw.get("message", ""))[:500]}
    return {"code": "worker_error", "message": str(raw or "The GPU worker failed.")[:500]}


def completion_fields(job: Job) -> dict[str, Any]:
    """What a finished render's log line carries for the metrics: GPU time, render time and queue wait."""
    values: dict[str, Any] = {"jobId": job.id, "uid": job.user_id, "attempt": job.attempt}
    values["gpuSeconds"] = job.gpu_seconds
    if job.started_at and job.finished_at:
        values["renderSec"] = round((job.finished_at - job.started_at).total_seconds(), 3)
        values["queueWaitSec"] = round((job.started_at - job.in_queue_since).total_seconds(), 3)
    return values
