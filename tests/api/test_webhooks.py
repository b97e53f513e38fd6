"""Outgoing webhooks through the functions: a bad webhookUrl at create, a real receiver on 127.0.0.1 that
verifies each delivery with standardwebhooks, retries under one webhook-id, rotation, and the job's attempts."""

import datetime as dt
import json

import pytest
from standardwebhooks import Webhook

from shared.adapters.webhook_sender import PinnedSender
from shared.domain.webhooks import WebhookTarget
from tests.api.flow import create_job, dispatch, finish_on_gpu, internal_headers, job, webhook
from tests.webhook_receiver import WebhookReceiver


@pytest.fixture
def receiver():
    server = WebhookReceiver()
    yield server
    server.close()


def deliver(api, services, job_id, event):
    return api.post("/api/tasks/webhook", json={"jobId": job_id, "event": event}, headers=internal_headers(services))


def secret(api, user) -> str:
    answer = api.get("/api/webhooks/secret", user)
    assert answer.status_code == 200, answer.json
    return answer.json["secret"]


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/hook",
        "http://192.168.1.1/hook",
        "http://[fe80::1]/hook",
        "file:///etc/passwd",
        "gopher://127.0.0.1:6379/_INFO",
        "http://user:pass@127.0.0.1:8123/hook",
    ],
)
def test_create_refuses_a_webhook_url_that_points_inside(api, services, make_user, url):
    user = make_user(credits=5)
    answer = api.post("/api/jobs", user, json={"prompt": "a red kite", "durationSec": 5, "webhookUrl": url})
    assert answer.status_code == 400, answer.json
    assert answer.json["error"]["code"] == "invalid_argument" and answer.json["error"]["field"] == "webhookUrl"
    assert api.get("/api/credits", user).json["credits"] == 5 and services.queue.job_ids == []


def test_a_completed_job_is_delivered_signed_and_retried_under_one_id(api, services, runpod, make_user, receiver):
    user = make_user(credits=5)
    receiver.statuses = [500]
    job_id = create_job(api, user, webhookUrl=receiver.url)
    assert job(api, user, job_id).get("webhookDeliveries") is None
    assert dispatch(api, services, job_id).json["outcome"] == "dispatched"
    run = runpod.runs[-1]
    finish_on_gpu(services, runpod, run)
    assert webhook(api, run).json["outcome"] == "done"
    assert services.queue.webhooks == [(job_id, "job.completed")]  # enqueued by the GPU's webhook, after commit

    first = deliver(api, services, job_id, "job.completed")
    assert first.status_code == 503 and first.json["error"]["code"] == "unavailable"  # the queue retries
    again = deliver(api, services, job_id, "job.completed")
    assert again.status_code == 200 and again.json == {"jobId": job_id, "outcome": "delivered"}

    key = secret(api, user)
    assert [r.headers["Webhook-Id"] for r in receiver.received] == [f"{job_id}:job.completed"] * 2
    for received in receiver.received:
        assert received.path == "/hooks/cineweave" and received.headers["Content-Type"] == "application/json"
        body = Webhook(key).verify(received.body, received.headers)
        assert body["type"] == "job.completed" and body["data"]["jobId"] == job_id
        assert body["data"]["status"] == "done" and body["data"]["videoUrl"]
    attempts = job(api, user, job_id)["webhookDeliveries"]
    assert [(a["event"], a["attempt"], a["statusCode"], a["error"]) for a in attempts] == [
        ("job.completed", 2, 200, None),
        ("job.completed", 1, 500, "answered 500"),
    ]


def test_after_a_rotation_a_delivery_verifies_with_the_old_and_the_new_secret(api, services, make_user, receiver):
    user = make_user(credits=5)
    old = secret(api, user)
    rotated = api.post("/api/webhooks/secret/rotate", user)
    assert rotated.status_code == 200
    new = rotated.json["secret"]
    assert new != old and new.startswith("whsec_") and secret(api, user) == new

    job_id = create_job(api, user, webhookUrl=receiver.url, webhookEvents=["job.canceled"])
    assert api.post(f"/api/jobs/{job_id}/cancel", user).status_code == 200
    assert services.queue.webhooks == [(job_id, "job.canceled")]
    assert deliver(api, services, job_id, "job.canceled").json["outcome"] == "delivered"
    (received,) = receiver.received
    assert len(received.headers["Webhook-Signature"].split(" ")) == 2
    for key in (old, new):
        assert Webhook(key).verify(received.body, received.headers)["type"] == "job.canceled"


def test_only_subscribed_events_are_enqueued_and_the_task_is_internal(api, services, runpod, make_user, receiver):
    user = make_user(credits=5)
    job_id = create_job(api, user, webhookUrl=receiver.url)
    assert dispatch(api, services, job_id).json["outcome"] == "dispatched"
    run = runpod.runs[-1]
    runpod.set(run["id"], "IN_PROGRESS", output={"progress": 0.5})
    assert webhook(api, run).json["outcome"] == "running"
    assert services.queue.webhooks == []  # job.running is not among the default events
    assert deliver(api, services, job_id, "job.running").json["outcome"] == "skipped" and receiver.received == []
    task = {"jobId": job_id, "event": "job.completed"}
    assert api.post("/api/tasks/webhook", json=task).status_code == 401
    assert api.post("/api/tasks/webhook", user, json=task).status_code == 401
    bad = api.post(
        "/api/tasks/webhook", json={"jobId": job_id, "event": "job.exploded"}, headers=internal_headers(services)
    )
    assert bad.status_code == 400 and bad.json["error"]["field"] == "event"


def test_the_sender_connects_to_the_vetted_address_and_follows_no_redirect(receiver):
    receiver.statuses = [302]
    target = WebhookTarget(
        url=f"http://hooks.example.test:{receiver.port}/in",
        scheme="http",
        host="hooks.example.test",  # never resolved: the connection goes to the vetted address
        port=receiver.port,
        path="/in?team=7",
        addresses=("127.0.0.1",),
    )
    status = PinnedSender().send(
        target, "job-1:job.failed", dt.datetime.now(dt.UTC), json.dumps({"a": 1}), ["whsec_" + "A" * 44]
    )
    assert status == 302
    (received,) = receiver.received
    assert received.headers["Host"] == f"hooks.example.test:{receiver.port}" and received.path == "/in?team=7"
    assert len(receiver.received) == 1  # the Location was not followed
