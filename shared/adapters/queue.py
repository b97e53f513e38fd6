"""The dispatch queue: Cloud Tasks in production, an in-process sender locally.

Both deliver `POST /api/tasks/dispatch {"jobId"}` with retries; the dispatch function is idempotent, so a
duplicate delivery is harmless.
"""

import hashlib
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol
from urllib.parse import urlsplit

import requests

from shared.log import fields, get_logger

log = get_logger("queue")


class DispatchQueue(Protocol):
    def enqueue_dispatch(self, job_id: str, generation: int = 0) -> None: ...


def dispatch_audience(dispatch_url: str) -> str:
    """The OIDC audience the dispatch function accepts: its service's origin. Cloud Run checks a token's
    audience against the receiving service's URL, so it must not be the caller's own audience (the sweep
    re-enqueues too), nor carry the path."""
    parts = urlsplit(dispatch_url)
    return f"{parts.scheme}://{parts.netloc}"


class CloudTasksQueue:
    """Named tasks (a hash of the job id and a generation) so a repeated enqueue is deduplicated."""

    DISPATCH_DEADLINE_SEC = 60

    def __init__(self, queue_path: str, dispatch_url: str, service_account: str):
        from google.cloud import tasks_v2  # imported here: only the functions that enqueue pay for it

        self._tasks = tasks_v2
        self.client = tasks_v2.CloudTasksClient()
        self.queue_path, self.dispatch_url = queue_path, dispatch_url
        self.service_account, self.audience = service_account, dispatch_audience(dispatch_url)

    def task_request(self, job_id: str, generation: int = 0) -> dict:
        digest = hashlib.sha256(f"{job_id}:{generation}".encode()).hexdigest()[:40]
        return {
            "name": f"{self.queue_path}/tasks/dispatch-{digest}",
            "http_request": {
                "http_method": self._tasks.HttpMethod.POST,
                "url": self.dispatch_url,
                "headers": {"Content-Type": "application/json"},
                "body": json.dumps({"jobId": job_id}).encode(),
                "oidc_token": {"service_account_email": self.service_account, "audience": self.audience},
            },
            "dispatch_deadline": {"seconds": self.DISPATCH_DEADLINE_SEC},
        }

    def enqueue_dispatch(self, job_id: str, generation: int = 0) -> None:
        from google.api_core.exceptions import AlreadyExists

        try:
            self.client.create_task(request={"parent": self.queue_path, "task": self.task_request(job_id, generation)})
        except AlreadyExists:
            log.info("dispatch task already queued", extra=fields(jobId=job_id))


class LocalQueue:
    """POSTs the dispatch function from background threads, retrying like Cloud Tasks would."""

    def __init__(self, dispatch_url: str, secret: str, attempts: int = 5, backoff_sec: float = 1.0):
        self.dispatch_url, self.secret = dispatch_url, secret
        self.attempts, self.backoff_sec = attempts, backoff_sec
        self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="local-queue")
        self._lock = threading.Lock()

    def enqueue_dispatch(self, job_id: str, generation: int = 0) -> None:
        self._pool.submit(self._deliver, job_id)

    def _deliver(self, job_id: str) -> None:
        for attempt in range(1, self.attempts + 1):
            try:
                response = requests.post(
                    self.dispatch_url,
                    json={"jobId": job_id},
                    headers={"Authorization": f"Bearer {self.secret}"},
                    timeout=30,
                )
                if response.status_code < 500:
                    return
                log.warning("dispatch answered %s", response.status_code, extra=fields(jobId=job_id))
            except requests.RequestException as exc:
                log.warning("dispatch not delivered: %s", exc, extra=fields(jobId=job_id, attempt=attempt))
            time.sleep(self.backoff_sec * attempt)
        log.error("dispatch gave up; the sweep will retry", extra=fields(jobId=job_id))
