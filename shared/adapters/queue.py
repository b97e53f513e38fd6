"""The dispatch queue: Cloud Tasks in production, an in-process sender locally.

Both deliver `POST /api/tasks/dispatch {"jobId"}` with retries; the dispatch function is idempotent, so a
duplicate delivery is harmless. Webhook deliveries, `POST /api/tasks/webhook {"jobId", "event"}` to the same
function, go on a queue of their own (WEBHOOK_TASKS_QUEUE), whose retries last a day and whose rate a slow
receiver cannot take from the dispatches. Each task carries the trace of the request that enqueued it
(`X-Cloud-Trace-Context` and `traceparent`), so the function that runs it logs under the same trace.
"""

import hashlib
import json
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol
from urllib.parse import urlsplit

import requests

from shared.log import fields, get_logger, trace_headers

log = get_logger("queue")


class DispatchQueue(Protocol):
    def enqueue_dispatch(self, job_id: str, generation: int = 0) -> None: ...
    def enqueue_webhook(self, job_id: str, event: str) -> None: ...


def webhook_task_url(dispatch_url: str) -> str:
    """The dispatch function serves the webhook task too, on its own path."""
    parts = urlsplit(dispatch_url)
    return f"{parts.scheme}://{parts.netloc}/api/tasks/webhook"


def dispatch_audience(dispatch_url: str) -> str:
    """The OIDC audience the dispatch function accepts: its service's origin. Cloud Run checks a token's
    audience against the receiving service's URL, so it must not be the caller's own audience (the sweep
    re-enqueues too), nor carry the path."""
    parts = urlsplit(dispatch_url)
    return f"{parts.scheme}://{parts.netloc}"


class CloudTasksQueue:
    """Named tasks (a hash of the job id and a generation) so a repeated enqueue is deduplicated."""

    DISPATCH_DEADLINE_SEC = 60
    WEBHOOK_DEADLINE_SEC = 30  # the receiver has 10 s; the rest is reading the job and recording the attempt

    def __init__(self, queue_path: str, dispatch_url: str, service_account: str, webhook_queue_path: str | None = None):
        from google.cloud import tasks_v2  # imported here: only the functions that enqueue pay for it

        self._tasks = tasks_v2
        self.client = tasks_v2.CloudTasksClient()
        self.queue_path, self.dispatch_url = queue_path, dispatch_url
        self.service_account, self.audience = service_account, dispatch_audience(dispatch_url)
        self.webhook_queue_path = webhook_queue_path

    def task_request(self, job_id: str, generation: int = 0) -> dict:
        digest = hashlib.sha256(f"{job_id}:{generation}".encode()).hexdigest()[:40]
        return {
            "name": f"{self.queue_path}/tasks/dispatch-{digest}",
            "http_request": {
                "http_method": self._tasks.HttpMethod.POST,
                "url": self.dispatch_url,
                "headers": {"Content-Type": "application/json", **trace_headers()},
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

    def webhook_task_request(self, job_id: str, event: str) -> dict:
        # Named by job and event: an event enqueued again (the sweep) while its task waits or retries is one task.
        digest = hashlib.sha256(f"{job_id}:{event}".encode()).hexdigest()[:40]
        return {
            "name": f"{self.webhook_queue_path}/tasks/webhook-{digest}",
            "http_request": {
                "http_method": self._tasks.HttpMethod.POST,
                "url": webhook_task_url(self.dispatch_url),
                "headers": {"Content-Type": "application/json", **trace_headers()},
                "body": json.dumps({"jobId": job_id, "event": event}).encode(),
                "oidc_token": {"service_account_email": self.service_account, "audience": self.audience},
            },
            "dispatch_deadline": {"seconds": self.WEBHOOK_DEADLINE_SEC},
        }

    def enqueue_webhook(self, job_id: str, event: str) -> None:
        from google.api_core.exceptions import AlreadyExists

        if not self.webhook_queue_path:
            raise RuntimeError("WEBHOOK_TASKS_QUEUE is not set; webhook deliveries cannot be enqueued")
        try:
            self.client.create_task(
                request={"parent": self.webhook_queue_path, "task": self.webhook_task_request(job_id, event)}
            )
        except AlreadyExists:
            log.info("webhook task already queued", extra=fields(jobId=job_id, event=event))


class LocalQueue:
    """POSTs the dispatch function from background threads, retrying like Cloud Tasks would. A webhook delivery
    is tried `webhook_attempts` times, waiting twice as long each time (2, 4, 8... s): about a minute in all."""

    # Set by the local stack as it stops (stop_deliveries): a waiting retry ends at once and nothing more is sent.
    # The job stays queued, or its event pending, and the sweep sends it again on the next run.
    stopping = threading.Event()

    @classmethod
    def stop_deliveries(cls) -> None:
        cls.stopping.set()

    def __init__(
        self,
        dispatch_url: str,
        secret: str,
        attempts: int = 5,
        backoff_sec: float = 1.0,
        webhook_attempts: int = 6,
        webhook_backoff_sec: float = 2.0,
    ):
        self.dispatch_url, self.secret = dispatch_url, secret
        self.attempts, self.backoff_sec = attempts, backoff_sec
        self.webhook_attempts, self.webhook_backoff_sec = webhook_attempts, webhook_backoff_sec
        self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="local-queue")
        self._lock = threading.Lock()

    def enqueue_dispatch(self, job_id: str, generation: int = 0) -> None:
        self._pool.submit(self._deliver, job_id, trace_headers())  # read here: the pool's threads have no trace

    def _deliver(self, job_id: str, trace: dict[str, str] | None = None) -> None:
        self._post(
            "dispatch",
            self.dispatch_url,
            {"jobId": job_id},
            trace,
            self.attempts,
            lambda attempt: self.backoff_sec * attempt,
            fields(jobId=job_id),
        )

    def enqueue_webhook(self, job_id: str, event: str) -> None:
        self._pool.submit(self._deliver_webhook, job_id, event, trace_headers())

    def _deliver_webhook(self, job_id: str, event: str, trace: dict[str, str] | None = None) -> None:
        self._post(
            "webhook task",
            webhook_task_url(self.dispatch_url),
            {"jobId": job_id, "event": event},
            trace,
            self.webhook_attempts,
            lambda attempt: self.webhook_backoff_sec * 2 ** (attempt - 1),
            fields(jobId=job_id, event=event),
        )

    def _post(
        self,
        task: str,
        url: str,
        payload: dict[str, str],
        trace: dict[str, str] | None,
        attempts: int,
        delay_sec: Callable[[int], float],
        context: dict,
    ) -> None:
        """What Cloud Tasks does for a task: post it until it answers below 500, waiting `delay_sec(attempt)`
        between attempts; a stop of the local stack ends the waiting and sends nothing more."""
        for attempt in range(1, attempts + 1):
            if self.stopping.is_set():
                log.info("%s not sent: the local stack is stopping", task, extra=context)
                return
            try:
                response = requests.post(
                    url, json=payload, headers={"Authorization": f"Bearer {self.secret}", **(trace or {})}, timeout=30
                )
                if response.status_code < 500:
                    return
                log.info("%s answered %s", task, response.status_code, extra=context)
            except requests.RequestException as exc:
                log.warning("%s not delivered: %s", task, exc, extra=context)
            if attempt < attempts:
                self.stopping.wait(delay_sec(attempt))
        log.error("%s gave up after %s attempts", task, attempts, extra=context)
