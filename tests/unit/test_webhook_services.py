"""Outgoing webhooks over the in-memory store: subscribing at create, events enqueued after the commit of
their move, delivery (signed, retried under one webhook-id, recorded on the job), the secret's rotation and
the sweep's re-enqueue of lost events."""

from __future__ import annotations

import base64
import datetime as dt
import json
import socket

import pytest
from standardwebhooks import Webhook

from shared.adapters import queue as queue_adapter
from shared.adapters.url_guard import ResolvingUrlGuard
from shared.adapters.webhook_sender import signed_headers
from shared.domain import errors, webhooks
from shared.domain.requests import CreateJobRequest
from shared.services.webhooks import WebhookService
from tests.unit.fakes import RecordingQueue
from tests.unit.invariants import check_ledger
from tests.unit.webhook_fakes import MemoryWebhookSecrets, RecordingSender, fake_dns

URL = "https://hooks.example.com/cineweave"
DNS = {"hooks.example.com": ["93.184.215.14"]}
REQUEST = CreateJobRequest(prompt="a red kite", durationSec=5, seed=7, webhookUrl=URL)


@pytest.fixture(autouse=True)
def dns(monkeypatch):
    table = dict(DNS)
    monkeypatch.setattr(socket, "getaddrinfo", fake_dns(table))
    return table


@pytest.fixture
def funded(app):
    app.credits.grant("u1", "grant:u1:test", "grant", 20, reason="test")
    yield app
    check_ledger(app.store)


def service(app, sender, secrets=None):
    return WebhookService(
        app.store, secrets or MemoryWebhookSecrets(), ResolvingUrlGuard("production"), sender, view=app.jobs.view
    )


def on_gpu(app, request=REQUEST) -> str:
    job_id = app.jobs.create("u1", request).jobId
    assert app.lifecycle.dispatch(job_id) == "dispatched"
    return job_id


def report(app, job_id, status, output=None, error=None):
    job = app.store.job(job_id)
    app.gpu.report(job.backend_id, status, output=output, error=error)
    return app.lifecycle.reconcile(job, enforce_deadline=False)


def complete(app, job_id):
    job = app.store.job(job_id)
    app.objects.put(job.video_key, content_type="video/mp4")
    assert report(app, job_id, "COMPLETED", {"videoKey": job.video_key}) == "done"


# -- at create ------------------------------------------------------------------------------------------------
def test_create_keeps_the_url_and_the_terminal_events_by_default(funded):
    job = funded.store.job(funded.jobs.create("u1", REQUEST).jobId)
    assert job.webhook_url == URL and job.webhook_events == ["job.completed", "job.failed", "job.canceled"]
    assert job.document()["webhookUrl"] == URL  # stored camelCase, like every job field
    chosen = REQUEST.model_copy(update={"webhookEvents": ["job.running"]})
    assert funded.store.job(funded.jobs.create("u1", chosen).jobId).webhook_events == ["job.running"]
    plain = funded.store.job(funded.jobs.create("u1", REQUEST.model_copy(update={"webhookUrl": None})).jobId)
    assert "webhookUrl" not in plain.document() and "webhookEvents" not in plain.document()


@pytest.mark.parametrize("url", ["https://10.0.0.1/hook", "http://hooks.example.com/x", "https://nowhere.example/"])
def test_create_refuses_a_bad_webhook_url_before_anything_is_reserved(funded, url):
    funded.jobs.url_guard = ResolvingUrlGuard("production")
    with pytest.raises(errors.InvalidArgument) as refused:
        funded.jobs.create("u1", REQUEST.model_copy(update={"webhookUrl": url}))
    assert refused.value.field == "webhookUrl"
    assert funded.store.account("u1").credits == 20 and not funded.store.state.jobs and not funded.text.calls


def test_events_without_a_url_are_refused(funded):
    with pytest.raises(errors.InvalidArgument) as refused:
        funded.jobs.create("u1", REQUEST.model_copy(update={"webhookUrl": None, "webhookEvents": ["job.failed"]}))
    assert refused.value.field == "webhookEvents"


# -- raising and enqueueing -----------------------------------------------------------------------------------
class CommitCheckingQueue(RecordingQueue):
    """Fails a test that enqueues before the move that raised the event is stored."""

    def __init__(self, store):
        super().__init__()
        self.store = store

    def enqueue_webhook(self, job_id: str, event: str) -> None:
        stored = self.store.state.jobs[job_id]
        assert event in (stored.webhook_pending or {}), f"{event} enqueued before its move was committed"
        super().enqueue_webhook(job_id, event)


@pytest.fixture
def checked(funded):
    queue = CommitCheckingQueue(funded.store)
    funded.lifecycle.queue = funded.jobs.queue = queue
    return funded, queue


def test_each_subscribed_move_enqueues_its_event_once_after_commit(checked):
    app, queue = checked
    job_id = on_gpu(app, REQUEST.model_copy(update={"webhookEvents": ["job.running", "job.completed"]}))
    assert queue.webhooks == []  # queued and dispatched are no events
    report(app, job_id, "IN_PROGRESS", {"progress": 0.2})
    report(app, job_id, "IN_PROGRESS", {"progress": 0.6})  # only the first report is the move to running
    assert queue.webhooks == [(job_id, "job.running")]
    complete(app, job_id)
    assert report(app, job_id, "COMPLETED", {"videoKey": app.store.job(job_id).video_key}) == "unchanged"
    assert queue.webhooks == [(job_id, "job.running"), (job_id, "job.completed")]


def test_unsubscribed_events_and_jobs_without_a_webhook_enqueue_nothing(checked):
    app, queue = checked
    job_id = on_gpu(app)
    report(app, job_id, "IN_PROGRESS", {"progress": 0.2})  # job.running is not among the default events
    assert report(app, job_id, "FAILED", error='{"code": "out_of_memory", "message": "too big"}') == "failed"
    plain = on_gpu(app, REQUEST.model_copy(update={"webhookUrl": None}))
    app.jobs.cancel("u1", plain)
    assert queue.webhooks == [(job_id, "job.failed")]
    assert app.store.job(plain).webhook_pending is None


def test_cancel_and_the_sweeps_failures_enqueue_their_events(checked):
    app, queue = checked
    canceled = app.jobs.create("u1", REQUEST).jobId
    app.jobs.cancel("u1", canceled)
    app.jobs.cancel("u1", canceled)  # a repeat is a no-op
    undispatched = app.jobs.create("u1", REQUEST).jobId
    old = app.store.state.jobs[undispatched]
    app.store.state.jobs[undispatched] = old.model_copy(update={"created_at": old.created_at - dt.timedelta(hours=1)})
    assert app.sweeper.run()["queued_failed"] == 1
    assert queue.webhooks == [(canceled, "job.canceled"), (undispatched, "job.failed")]


# -- delivery -------------------------------------------------------------------------------------------------
def test_a_delivery_is_signed_retried_under_one_id_and_recorded(funded):
    job_id = on_gpu(funded)
    complete(funded, job_id)
    sender, secrets = RecordingSender(500, 204), MemoryWebhookSecrets()
    hooks = service(funded, sender, secrets)
    with pytest.raises(errors.Unavailable):
        hooks.deliver(job_id, "job.completed")
    assert hooks.deliver(job_id, "job.completed") == "delivered"

    first, second = sender.sent
    assert first.message_id == second.message_id == f"{job_id}:job.completed"
    assert first.target.addresses == ("93.184.215.14",) and first.target.host == "hooks.example.com"
    body = json.loads(second.body)
    assert body["type"] == "job.completed" and body["data"]["jobId"] == job_id and body["data"]["status"] == "done"
    assert body["timestamp"] == funded.store.job(job_id).finished_at.isoformat()
    secret = hooks.secret("u1").secret
    headers = signed_headers(second.secrets, second.message_id, second.timestamp, second.body)
    assert Webhook(secret).verify(second.body, headers) == body

    job = funded.store.job(job_id)
    assert job.webhook_pending == {} and job.webhook_due_at is None
    view = funded.jobs.view(job).webhookDeliveries
    assert [(d.event, d.attempt, d.statusCode, d.error) for d in view] == [
        ("job.completed", 2, 204, None),
        ("job.completed", 1, 500, "answered 500"),
    ]


def test_no_answer_is_recorded_and_retried(funded):
    job_id = on_gpu(funded)
    funded.jobs.cancel("u1", job_id)
    hooks = service(funded, RecordingSender("connection refused or unreachable"))
    with pytest.raises(errors.Unavailable):
        hooks.deliver(job_id, "job.canceled")
    (attempt,) = funded.jobs.view(funded.store.job(job_id)).webhookDeliveries
    assert (attempt.statusCode, attempt.error) == (None, "connection refused or unreachable")


def test_a_url_that_now_points_inside_is_refused_at_delivery_and_not_retried(funded, dns):
    job_id = funded.jobs.create("u1", REQUEST).jobId
    funded.jobs.cancel("u1", job_id)
    dns["hooks.example.com"] = ["10.0.0.5"]  # DNS changed after the create
    sender = RecordingSender()
    assert service(funded, sender).deliver(job_id, "job.canceled") == "refused"
    assert sender.sent == []
    (attempt,) = funded.store.job(job_id).webhook_deliveries
    assert attempt["error"].startswith("refused: webhookUrl points at a private address")


def test_events_not_subscribed_and_unknown_jobs_are_skipped(funded):
    job_id = funded.jobs.create("u1", REQUEST).jobId
    sender = RecordingSender()
    assert service(funded, sender).deliver(job_id, "job.running") == "skipped"
    assert service(funded, sender).deliver("no-such-job", "job.failed") == "skipped" and sender.sent == []


def test_only_the_last_attempts_are_kept_and_every_one_is_counted(funded):
    job_id = funded.jobs.create("u1", REQUEST).jobId
    funded.jobs.cancel("u1", job_id)
    hooks = service(funded, RecordingSender(*[503] * 12))
    for _ in range(12):
        with pytest.raises(errors.Unavailable):
            hooks.deliver(job_id, "job.canceled")
    job = funded.store.job(job_id)
    assert len(job.webhook_deliveries) == webhooks.KEPT_DELIVERIES and job.webhook_attempts == {"job.canceled": 12}
    assert [d["attempt"] for d in job.webhook_deliveries] == list(range(12, 2, -1))


# -- the signing secret -------------------------------------------------------------------------------------
def test_the_secret_is_a_standard_webhooks_secret_made_once(funded):
    hooks = service(funded, RecordingSender())
    secret = hooks.secret("u1").secret
    assert secret.startswith("whsec_") and len(base64.b64decode(secret.removeprefix("whsec_"))) == 32
    assert hooks.secret("u1").secret == secret and hooks.secret("u2").secret != secret


def test_after_a_rotation_both_secrets_sign_for_a_day(funded):
    job_id = funded.jobs.create("u1", REQUEST).jobId
    funded.jobs.cancel("u1", job_id)
    sender, secrets = RecordingSender(), MemoryWebhookSecrets()
    hooks = service(funded, sender, secrets)
    old = hooks.secret("u1").secret
    new = hooks.rotate("u1").secret
    assert new != old and hooks.secret("u1").secret == new
    hooks.deliver(job_id, "job.canceled")
    (sent,) = sender.sent
    assert sent.secrets == (new, old)
    headers = signed_headers(sent.secrets, sent.message_id, sent.timestamp, sent.body)
    assert len(headers["webhook-signature"].split(" ")) == 2
    for secret in (old, new):
        Webhook(secret).verify(sent.body, headers)
    later = secrets.secrets["u1"].signing(sent.timestamp + webhooks.ROTATION_OVERLAP)
    assert later == (new,)


# -- the sweep's outbox ---------------------------------------------------------------------------------------
class DownQueue(RecordingQueue):
    def enqueue_webhook(self, job_id: str, event: str) -> None:
        raise ConnectionError("Cloud Tasks is unreachable")


def backdate(app, job_id, by):
    job = app.store.state.jobs[job_id]
    pending = {event: at - by for event, at in job.webhook_pending.items()}
    app.store.state.jobs[job_id] = job.model_copy(
        update={"webhook_pending": pending, "webhook_due_at": webhooks.due_at(pending)}
    )


def test_the_sweep_enqueues_again_what_was_lost_until_an_attempt_is_recorded(funded):
    funded.jobs.queue = DownQueue()
    job_id = funded.jobs.create("u1", REQUEST).jobId
    funded.jobs.cancel("u1", job_id)  # the enqueue fails: only logged, the event stays pending
    assert "job.canceled" in funded.store.job(job_id).webhook_pending
    assert "webhooks_requeued" not in funded.sweeper.run()  # within the grace period the queue may be slow
    backdate(funded, job_id, dt.timedelta(minutes=10))
    assert funded.sweeper.run()["webhooks_requeued"] == 1
    assert funded.queue.webhooks == [(job_id, "job.canceled")]
    assert "webhooks_requeued" not in funded.sweeper.run()  # looked at again only after REQUEUE_EVERY
    with pytest.raises(errors.Unavailable):
        service(funded, RecordingSender(503)).deliver(job_id, "job.canceled")
    assert funded.store.job(job_id).webhook_due_at is None  # from the first attempt on, the queue retries


def test_the_sweep_forgets_events_a_day_old(funded):
    funded.jobs.queue = DownQueue()
    job_id = funded.jobs.create("u1", REQUEST).jobId
    funded.jobs.cancel("u1", job_id)
    backdate(funded, job_id, webhooks.GIVE_UP_AFTER + dt.timedelta(minutes=1))
    assert "webhooks_requeued" not in funded.sweeper.run()
    job = funded.store.job(job_id)
    assert job.webhook_pending == {} and job.webhook_due_at is None and funded.queue.webhooks == []


# -- the local queue ------------------------------------------------------------------------------------------
class Answer:
    def __init__(self, status_code):
        self.status_code = status_code


def test_the_local_queue_retries_a_webhook_task_with_backoff_then_gives_up(monkeypatch):
    calls = []
    answers = [503, 503, 200]

    def post(url, **kwargs):
        calls.append((url, kwargs["json"]))
        return Answer(answers.pop(0) if answers else 503)

    monkeypatch.setattr(queue_adapter.requests, "post", post)
    local = queue_adapter.LocalQueue("http://127.0.0.1:8080/api/tasks/dispatch", "s", webhook_backoff_sec=0)
    local._deliver_webhook("job-1", "job.completed")
    assert calls == [("http://127.0.0.1:8080/api/tasks/webhook", {"jobId": "job-1", "event": "job.completed"})] * 3
    calls.clear()
    local._deliver_webhook("job-2", "job.failed")
    assert len(calls) == local.webhook_attempts
