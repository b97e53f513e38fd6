"""Local exec protocol: one RunPod job on stdin → JSON lines on stdout; SIGTERM cancels.

    {"type": "progress", "data": {...}}   zero or more times
    {"type": "result", "output": {...}}   or {"type": "result", "error": "<json string>"}, exactly once

Logs go to stderr. The exit status is 0 whether the job succeeded or failed.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import sys
import threading

from worker import logs
from worker.errors import InvalidInput


def _protocol_stream():
    """Keep the real stdout for protocol lines and send fd 1 to stderr, so stray prints can't corrupt it."""
    stream = os.fdopen(os.dup(sys.stdout.fileno()), "w", buffering=1, encoding="utf-8")
    sys.stdout.flush()
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    sys.stdout = sys.stderr
    return stream


def main() -> int:
    logs.configure(sys.stderr)
    out = _protocol_stream()
    lock = threading.Lock()

    def emit(message: dict) -> None:
        with lock:
            out.write(json.dumps(message) + "\n")
            out.flush()

    canceled = threading.Event()

    def on_signal(signum, _frame) -> None:
        logging.getLogger(__name__).warning("signal %s received: canceling the job", signum)
        canceled.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    try:
        job = json.loads(sys.stdin.read())
    except ValueError as exc:
        emit({"type": "result", "error": InvalidInput(f"The job is not valid JSON: {exc}.").to_output()["error"]})
        return 0

    from worker.handler import run_job  # after the signal handlers: loading can be canceled too

    result = run_job(
        job,
        sink=lambda payload: emit({"type": "progress", "data": payload}),
        should_cancel=canceled.is_set,
        progress_interval_sec=0.25,
    )
    if "error" in result:
        emit({"type": "result", "error": result["error"]})
    else:
        emit({"type": "result", "output": result})
    return 0


if __name__ == "__main__":
    sys.exit(main())
