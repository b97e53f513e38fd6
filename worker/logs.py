"""The worker's logs: one JSON object a line (severity, message, logger, fields), as the functions write theirs.

The image holds only the contract of shared/ (tests/worker/test_image.py), so the worker has this small formatter
of its own. `log_timings` writes the one line per rendered job that says where its seconds went.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from typing import IO, Any

log = logging.getLogger("worker.timings")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {"severity": record.levelname, "message": record.getMessage(), "logger": record.name}
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def configure(stream: IO[str] | None = None) -> None:
    """JSON lines on `stream` (stdout by default) for every logger of the process, at LOG_LEVEL (INFO)."""
    handler = logging.StreamHandler(stream or sys.stdout)
    handler.setFormatter(JsonFormatter())
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"), handlers=[handler], force=True)


def fields(**values: Any) -> dict[str, Any]:
    return {"fields": values}


def log_timings(job_id: str, output: dict[str, Any]) -> None:
    """One line per rendered job: its id, length, frames, each stage's seconds (`stages`) and the total."""
    stages = {name: seconds for name, seconds in output["timings"].items() if name != "total"}
    log.info(
        "job timings",
        extra=fields(
            jobId=job_id,
            durationSec=output["durationSec"],
            frames=output["frames"],
            width=output["width"],
            height=output["height"],
            stages=stages,
            totalSec=output["timings"]["total"],
        ),
    )
