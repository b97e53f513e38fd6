"""Outgoing webhooks: the signing secret a developer verifies with, and the delivery of a job's events.

A move to running, done, failed or canceled notes its event on the job in the move's own transaction
(`Job._raise_webhook`); after the commit, `announce` enqueues its delivery. The queue (Cloud Tasks) calls
`POST /api/tasks/webhook`, which `deliver`s: the URL is checked again, the job view is signed and POSTed, and
the attempt is recorded on the job. Anything but a 2xx answers 503, so the queue retries with its backoff under
the same webhook-id. An enqueue that was lost leaves the event pending, and the sweep enqueues it again
(`requeue_due`): each event is delivered at least once.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

from shared.domain import errors, responses, webhooks
from shared.domain.clock import utcnow
from shared.domain.jobs import Job
from shared.domain.webhooks import WebhookEvent
from shared.log import fields, get_logger
from shared.services.ports import (
    DispatchQueue,
    Store,
    Transaction,
    UrlGuard,
    WebhookSecretStore,
    WebhookSender,
    WebhookSendFailed,
)

log = get_logger("webhooks")


def announce(queue: DispatchQueue | None, job: Job, event: str) -> None:
    """After the commit of a move: enqueue the event's delivery if the move raised it. A failed enqueue only
    logs; the event stays pending on the job and the sweep enqueues it again."""
    if queue is None or event not in (job.webhook_pending or {}):
        return
    try:
        queue.enqueue_webhook(job.id, event)
    except Exception:
        log.exception("webhook enqueue failed; the sweep will retry", extra=fields(jobId=job.id, event=event))


def requeue_due(store: Store, queue: DispatchQueue, now: dt.datetime, limit: int) -> int:
    """The sweep's part: enqueue again the events that no attempt was recorded for in time. Answers how many."""
    requeued = 0
    for due in store.webhooks_due(now, limit):

        def callback(tx: Transaction, job_id: str = due.id) -> Job | None:
            job = tx.job(job_id)
            if job is None or not job.webhook_due_at or job.webhook_due_at > now:
                return None
            later = job.requeue_webhooks(now)
            tx.save_job(later)
            return later

        job = store.run(callback)
        if job is None:
            continue
        for event in sorted(job.webhook_pending or {}):
            announce(queue, job, event)
            requeued += 1
    return requeued


class WebhookService:
    def __init__(
        self,
        store: Store,
        secrets: WebhookSecretStore,
        guard: UrlGuard,
        sender: WebhookSender,
        view: Callable[[Job], responses.JobView],
    ):
        self.store, self.secrets, self.guard, self.sender, self.view = store, secrets, guard, sender, view

    # -- the signing secret -------------------------------------------------------------------------------
    def secret(self, uid: str) -> responses.WebhookSecret:
        secrets = self.secrets.get_or_create(uid, webhooks.new_signing_secret(), utcnow())
        return responses.WebhookSecret(secret=secrets.current)

    def rotate(self, uid: str) -> responses.WebhookSecret:
        secrets = self.secrets.rotate(uid, webhooks.new_signing_secret(), utcnow())
        log.info("webhook secret rotated", extra=fields(uid=uid))
        return responses.WebhookSecret(secret=secrets.current)

    # -- delivery -----------------------------------------------------------------------------------------
    def deliver(self, job_id: str, event: str) -> str:
        """One attempt. Answers delivered, skipped (no such job or subscription) or refused (the URL no longer
        passes the guard: not retried); raises `errors.Unavailable` so the queue retries anything else."""
        job = self.store.job(job_id)
        if job is None or not job.webhook_url or event not in (job.webhook_events or ()):
            return "skipped"
        now = utcnow()
        try:
            target = self.guard.vet(job.webhook_url)
        except webhooks.UnresolvedHost:
            self._record(job_id, event, None, "the host did not resolve", now)
            raise errors.Unavailable("The webhook URL's host did not resolve.", retry_after=60) from None
        except errors.InvalidArgument as exc:
            self._record(job_id, event, None, f"refused: {exc.message}", now)
            log.warning("webhook URL refused at delivery", extra=fields(jobId=job_id, event=event))
            return "refused"
        data = self.view(job).model_dump(mode="json", exclude_unset=True)
        body = json.dumps(webhooks.event_body(event, job.webhook_event_at(event), data), separators=(",", ":"))
        signing = self.secrets.get_or_create(job.user_id, webhooks.new_signing_secret(), now).signing(now)
        status: int | None = None
        error: str | None = None
        try:
            status = self.sender.send(target, webhooks.message_id(job_id, event), now, body, signing)
        except WebhookSendFailed as exc:
            error = str(exc)
        accepted = webhooks.delivered(status)
        if not accepted and error is None:
            error = f"answered {status}"
        self._record(job_id, event, status, error, now)
        if not accepted:
            log.info("webhook not accepted", extra=fields(jobId=job_id, event=event, status=status, error=error))
            raise errors.Unavailable("The webhook receiver did not accept the delivery.", retry_after=30)
        return "delivered"

    def _record(self, job_id: str, event: str, status: int | None, error: str | None, now: dt.datetime) -> None:
        def callback(tx: Transaction) -> None:
            job = tx.job(job_id)
            if job is not None:
                tx.save_job(job.record_webhook_attempt(event, status, error, now))

        self.store.run(callback)


# -- at create ------------------------------------------------------------------------------------------------
def check_subscription(guard: UrlGuard | None, url: str | None, events: list[WebhookEvent] | None) -> None:
    """A create's webhook: the URL must pass the guard (400 naming webhookUrl), and events need a URL. Without
    a guard (a service built without one) no webhook is taken."""
    if url is None:
        if events is not None:
            raise errors.InvalidArgument("webhookEvents needs a webhookUrl to send them to.", field="webhookEvents")
        return
    if guard is None:
        raise errors.InvalidArgument("Webhooks are not available here.", field="webhookUrl")
    guard.vet(url)
