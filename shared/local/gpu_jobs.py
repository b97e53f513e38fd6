"""The job side of the local GPU runner: a FIFO queue run one job at a time in a subprocess.

The subprocess speaks the local exec protocol (`python -m worker.local_exec`): one RunPod job JSON on
stdin; JSON lines on stdout, `{"type": "progress", "data": ...}` zero or more times, then one
`{"type": "result", "output": ...}` or `{"type": "result", "error": "..."}`. SIGTERM cancels it.

Statuses, timings and the webhook body follow RunPod's serverless API, so the functions cannot tell
this runner from RunPod.
"""

import json
import logging
import os
import signal
import subprocess
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import requests

from shared.local.watchdog import signal_group

log = logging.getLogger("cineweave.gpu_runner")
RENDER_NICENESS = 10

IN_QUEUE, IN_PROGRESS = "IN_QUEUE", "IN_PROGRESS"
COMPLETED, FAILED, CANCELLED, TIMED_OUT = "COMPLETED", "FAILED", "CANCELLED", "TIMED_OUT"
TERMINAL = frozenset({COMPLETED, FAILED, CANCELLED, TIMED_OUT})
DEFAULT_EXECUTION_TIMEOUT_MS = 600_000  # RunPod's default


def _ms(seconds: float) -> int:
    return round(seconds * 1000)


@dataclass
class RunnerJob:
    id: str
    input: dict
    webhook: str | None
    execution_timeout_s: float
    submitted_at: float = field(default_factory=time.monotonic)
    status: str = IN_QUEUE
    started_at: float | None = None
    finished_at: float | None = None
    output: Any = None  # latest progress payload while running, the result once COMPLETED
    error: str | None = None
    stop_reason: str | None = None  # CANCELLED or TIMED_OUT when the runner ended the process
    process: subprocess.Popen | None = field(default=None, repr=False)
    kill_timer: threading.Timer | None = field(default=None, repr=False)

    def view(self) -> dict:
        """The /status body, which is also the webhook body."""
        now = time.monotonic()
        started = self.started_at if self.started_at is not None else (self.finished_at or now)
        body: dict[str, Any] = {
            "id": self.id,
            "status": self.status,
            "delayTime": _ms(started - self.submitted_at),
            "executionTime": _ms((self.finished_at or now) - started) if self.started_at is not None else 0,
        }
        if self.output is not None and self.status in (IN_PROGRESS, COMPLETED):
            body["output"] = self.output
        if self.error is not None:
            body["error"] = self.error
        return body


def _internal_error(message: str) -> str:
    # Same shape as the worker's own errors: a JSON string with a code and a message.
    return json.dumps({"code": "internal", "message": message})


class JobRunner:
    def __init__(
        self,
        exec_command: list[str],
        *,
        cwd: str | None = None,
        env: dict[str, str] | None = None,
        webhook_tries: int = 3,
        webhook_retry_delay_s: float = 1.0,
        kill_grace_s: float = 5.0,
        retention_s: float = 1800.0,  # RunPod keeps results 30 minutes
    ):
        self.exec_command = exec_command
        self.cwd = cwd
        self.env = env
        self.webhook_tries = webhook_tries
        self.webhook_retry_delay_s = webhook_retry_delay_s
        self.kill_grace_s = kill_grace_s
        self.retention_s = retention_s
        self._jobs: dict[str, RunnerJob] = {}
        self._queue: deque[RunnerJob] = deque()
        self._lock = threading.Condition()
        self._closing = False
        self._thread = threading.Thread(target=self._work, name="gpu-runner-jobs", daemon=True)
        self._thread.start()

    # ---- the HTTP side calls these --------------------------------------------------------------

    def submit(self, job_input: dict, webhook: str | None, execution_timeout_ms: float | None) -> RunnerJob:
        timeout_ms = execution_timeout_ms or DEFAULT_EXECUTION_TIMEOUT_MS
        job = RunnerJob(
            id=f"local-{uuid.uuid4()}", input=job_input, webhook=webhook, execution_timeout_s=timeout_ms / 1000
        )
        with self._lock:
            self._purge_expired()
            self._jobs[job.id] = job
            self._queue.append(job)
            self._lock.notify_all()
        log.info("job %s queued (timeout %.0f s)", job.id, job.execution_timeout_s)
        return job

    def status(self, job_id: str) -> dict | None:
        with self._lock:
            self._purge_expired()
            job = self._jobs.get(job_id)
            return job.view() if job else None

    def cancel(self, job_id: str) -> dict | None:
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None:
                return None
            if job.status == IN_QUEUE:
                self._finish_locked(job, CANCELLED)
            elif job.status == IN_PROGRESS and job.stop_reason is None:
                job.stop_reason = CANCELLED
                if job.process is not None:
                    self._terminate(job)
            # A running job is CANCELLED as soon as its process is told to stop; a finished one keeps its status.
            status = CANCELLED if job.stop_reason == CANCELLED else job.status
            return {"id": job.id, "status": status}

    def health(self) -> dict:
        with self._lock:
            counts = dict.fromkeys((IN_QUEUE, IN_PROGRESS, COMPLETED, FAILED), 0)
            for job in self._jobs.values():
                if job.status in counts:
                    counts[job.status] += 1
            running = counts[IN_PROGRESS]
        return {
            "jobs": {
                "completed": counts[COMPLETED],
                "failed": counts[FAILED],
                "inProgress": running,
                "inQueue": counts[IN_QUEUE],
                "retried": 0,
            },
            "workers": {"idle": 1 - running, "running": running},
        }

    def close(self) -> None:
        """Stop taking jobs and end the one running, if any."""
        with self._lock:
            self._closing = True
            for job in self._jobs.values():
                if job.process is not None and job.process.poll() is None:
                    job.stop_reason = job.stop_reason or CANCELLED
                    self._terminate(job)
            self._lock.notify_all()
        self._thread.join(timeout=self.kill_grace_s + 5)

    # ---- the job thread ----------------------------------------------------------------------------

    def _work(self) -> None:
        while True:
            with self._lock:
                while not self._queue and not self._closing:
                    self._lock.wait()
                if self._closing:
                    return
                job = self._queue.popleft()
                if job.status != IN_QUEUE:  # canceled while waiting
                    continue
                job.status = IN_PROGRESS
                job.started_at = time.monotonic()
            try:
                self._execute(job)
            except Exception as exc:  # a runner bug must not stop the queue
                log.exception("job %s: runner error", job.id)
                with self._lock:
                    if job.status == IN_PROGRESS:
                        self._finish_locked(job, FAILED, error=_internal_error(f"local runner error: {exc}"))

    def _execute(self, job: RunnerJob) -> None:
        log.info("job %s started: %s", job.id, " ".join(self.exec_command))
        process = subprocess.Popen(
            self.exec_command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=None,
            cwd=self.cwd,
            env=self.env,
            text=True,
            start_new_session=True,
        )
        assert process.stdin is not None and process.stdout is not None  # both are pipes
        _lower_priority(process.pid)
        with self._lock:
            job.process = process
            if job.stop_reason is not None:  # canceled between dequeue and spawn
                self._terminate(job)
        result: dict = {}
        reader = threading.Thread(target=self._read_messages, args=(job, process, result), daemon=True)
        reader.start()
        try:
            process.stdin.write(json.dumps({"id": job.id, "input": job.input}))
            process.stdin.close()
        except BrokenPipeError:  # it died at once; its exit code tells the rest
            pass
        try:
            process.wait(timeout=job.execution_timeout_s)
        except subprocess.TimeoutExpired:
            with self._lock:
                job.stop_reason = job.stop_reason or TIMED_OUT
                self._terminate(job)
            process.wait()
        with self._lock:
            if job.kill_timer is not None:
                job.kill_timer.cancel()
        # Whatever the worker started (ffmpeg) goes with it; this also closes its copies of stdout.
        signal_group(process.pid, signal.SIGKILL)
        reader.join(timeout=10)
        with self._lock:
            job.process = None
            self._settle_locked(job, result, process.returncode)

    def _read_messages(self, job: RunnerJob, process: subprocess.Popen, result: dict) -> None:
        assert process.stdout is not None  # a pipe
        for line in process.stdout:
            line = line.strip()
            if not line:
                continue
            try:
                message = json.loads(line)
            except ValueError:
                log.info("job %s stdout: %s", job.id, line)
                continue
            if message.get("type") == "progress":
                with self._lock:
                    if job.status == IN_PROGRESS:
                        job.output = message.get("data")
            elif message.get("type") == "result":
                result.clear()
                result.update(message)

    def _settle_locked(self, job: RunnerJob, result: dict, returncode: int) -> None:
        if job.stop_reason is not None:
            self._finish_locked(job, job.stop_reason)
        elif "error" in result:
            self._finish_locked(job, FAILED, error=str(result["error"]))
        elif "output" in result:
            self._finish_locked(job, COMPLETED, output=result["output"])
        else:
            self._finish_locked(
                job, FAILED, error=_internal_error(f"worker process exited with code {returncode} without a result")
            )

    def _finish_locked(self, job: RunnerJob, status: str, *, output: Any = None, error: str | None = None) -> None:
        job.status = status
        job.output = output
        job.error = error
        job.finished_at = time.monotonic()
        body = job.view()
        log.info("job %s %s after %d ms", job.id, status, body["executionTime"])
        if job.webhook:
            threading.Thread(target=self._send_webhook, args=(job.webhook, body), daemon=True).start()

    def _send_webhook(self, url: str, body: dict) -> None:
        for attempt in range(1, self.webhook_tries + 1):
            try:
                response = requests.post(url, json=body, timeout=30)
                if response.ok:
                    return
                reason = f"HTTP {response.status_code}"
            except requests.RequestException as exc:
                reason = str(exc)
            log.warning("webhook for job %s, try %d of %d failed: %s", body["id"], attempt, self.webhook_tries, reason)
            if attempt < self.webhook_tries:
                time.sleep(self.webhook_retry_delay_s)

    def _terminate(self, job: RunnerJob) -> None:
        """SIGTERM the job's process group now, SIGKILL it if it is still there after the grace period."""
        process = job.process
        if job.kill_timer is not None or process is None:  # already being stopped, or nothing to stop
            return
        signal_group(process.pid, signal.SIGTERM)
        job.kill_timer = threading.Timer(self.kill_grace_s, signal_group, args=(process.pid, signal.SIGKILL))
        job.kill_timer.daemon = True
        job.kill_timer.start()

    def _purge_expired(self) -> None:
        cutoff = time.monotonic() - self.retention_s
        for job_id in [j.id for j in self._jobs.values() if j.finished_at is not None and j.finished_at < cutoff]:
            del self._jobs[job_id]


def _lower_priority(pid: int) -> None:
    """On a developer's machine the render shares the CPUs with the API and the emulators, where in production
    it has a GPU machine to itself: it runs at a lower priority, so that it does not slow the API's answers.
    Set before the worker has loaded torch, so its threads and ffmpeg inherit it."""
    try:
        os.setpriority(os.PRIO_PROCESS, pid, RENDER_NICENESS)
    except (OSError, AttributeError):  # the process already ended, or a platform without priorities
        pass
