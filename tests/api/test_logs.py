"""Logs and traces through the functions: a request's trace on its lines, carried on by the tasks it enqueues and
kept with the job for the RunPod webhook; 5xx answers logged with their event; payment lines with paymentId."""

import json

import pytest

from shared.log import SPAN, TRACE
from shared.log_events import LogEvent
from tests.api.flow import create_job, finish_on_gpu, internal_headers, webhook
from tests.api.payment_flow import deliver
from tests.log_lines import LogLines
from tests.webhook_receiver import WebhookReceiver

TRACE_ID = "105445aa7843bc8bf206b12000100000"
PROJECT = "cw-logs-test"


def trace_of(trace_id: str) -> str:
    return f"projects/{PROJECT}/traces/{trace_id}"


@pytest.fixture
def logs(monkeypatch):
    monkeypatch.setenv("GOOGLE_CLOUD_PROJECT", PROJECT)
    with LogLines() as captured:
        yield captured


class RecordingTasksClient:
    """Cloud Tasks' client, standing in: keeps each create_task request."""

    def __init__(self):
        self.requests: list[dict] = []

    def create_task(self, request: dict) -> None:
        self.requests.append(request)

    def tasks(self, path: str) -> list[dict]:
        return [r["task"]["http_request"] for r in self.requests if r["task"]["http_request"]["url"].endswith(path)]


@pytest.fixture
def cloud_tasks(services):
    """The real Cloud Tasks adapter wired into the services, with a client that records instead of sending."""
    from google.cloud import tasks_v2

    from shared.adapters.queue import CloudTasksQueue

    queue = CloudTasksQueue.__new__(CloudTasksQueue)
    queue._tasks, queue.client = tasks_v2, RecordingTasksClient()
    queue.queue_path, queue.webhook_queue_path = (
        "projects/p/locations/l/queues/dispatch",
        "projects/p/locations/l/queues/w",
    )
    queue.dispatch_url, queue.service_account, queue.audience = "https://d.example/api/tasks/dispatch", "t@p.iam", "aud"
    services.queue = queue
    for name in ("jobs", "lifecycle", "sweeper"):
        services.__dict__.pop(name, None)  # built with the queue they were given
    return queue.client


@pytest.fixture
def receiver():
    server = WebhookReceiver()
    yield server
    server.close()


def test_a_traced_create_is_followed_through_dispatch_and_the_runpod_webhook(
    api, services, runpod, make_user, cloud_tasks, receiver, logs
):
    user = make_user(credits=5)
    traced = {"X-Cloud-Trace-Context": f"{TRACE_ID}/1;o=1"}
    answer = api.post(
        "/api/jobs/create",
        user,
        json={"prompt": "a red kite", "durationSec": 5, "webhookUrl": receiver.url},
        headers=traced,
    )
    assert answer.status_code == 201, answer.json
    job_id = answer.json["jobId"]
    assert services.store.job(job_id).trace == TRACE_ID

    [task] = cloud_tasks.tasks("/api/tasks/dispatch")
    assert json.loads(task["body"]) == {"jobId": job_id}
    assert task["headers"]["X-Cloud-Trace-Context"] == f"{TRACE_ID}/1;o=1"
    assert task["headers"]["traceparent"] == f"00-{TRACE_ID}-0000000000000001-01"

    # Cloud Tasks delivers the task with its headers: the dispatch function logs under the create's trace.
    dispatched = api.post(
        "/api/tasks/dispatch", data=task["body"], headers=task["headers"] | internal_headers(services)
    )
    assert dispatched.json["outcome"] == "dispatched", dispatched.json
    [line] = logs.with_message("job dispatched")
    assert (line[TRACE], line[SPAN], line["jobId"]) == (trace_of(TRACE_ID), "0000000000000001", job_id)

    # RunPod's webhook comes with a trace of its own (or none): what it does to the job logs under the job's.
    run = runpod.runs[-1]
    finish_on_gpu(services, runpod, run)
    assert webhook(api, run).json["outcome"] == "done"
    [completed] = [line for line in logs.lines if line.get("event") == LogEvent.JOB_COMPLETED]
    assert (completed[TRACE], completed["jobId"]) == (trace_of(TRACE_ID), job_id)
    # ...and so does the webhook delivery it enqueues.
    [delivery] = cloud_tasks.tasks("/api/tasks/webhook")
    assert json.loads(delivery["body"]) == {"jobId": job_id, "event": "job.completed"}
    assert delivery["headers"]["X-Cloud-Trace-Context"].startswith(f"{TRACE_ID}/")
    assert delivery["headers"]["traceparent"].startswith(f"00-{TRACE_ID}-")


def test_a_traceparent_names_the_trace_and_span_of_the_lines(api, services, runpod, make_user, logs):
    user = make_user(credits=5)
    job_id = create_job(api, user)
    headers = {"traceparent": f"00-{'a' * 32}-00f067aa0ba902b7-01"} | internal_headers(services)
    assert api.post("/api/tasks/dispatch", json={"jobId": job_id}, headers=headers).status_code == 200
    [line] = logs.with_message("job dispatched")
    assert (line[TRACE], line[SPAN], line["jobId"]) == (trace_of("a" * 32), "00f067aa0ba902b7", job_id)


def test_without_a_trace_header_lines_carry_no_trace(api, services, runpod, make_user, logs):
    user = make_user(credits=5)
    job_id = create_job(api, user)
    assert services.store.job(job_id).trace is None
    assert (
        api.post("/api/tasks/dispatch", json={"jobId": job_id}, headers=internal_headers(services)).status_code == 200
    )
    [line] = logs.with_message("job dispatched")
    assert line["jobId"] == job_id and TRACE not in line and SPAN not in line
    assert services.queue.job_ids == [job_id]  # the recording queue: nothing else changed


def test_a_503_is_logged_once_with_the_server_error_event_status_code_and_trace(api, services, make_user, logs):
    services.settings = services.settings.model_copy(update={"truelayer_signing_private_key": ""})
    user = make_user()
    answer = api.post(
        "/api/topup",
        user,
        json={"credits": 50},
        headers={"Idempotency-Key": "k-1", "X-Cloud-Trace-Context": f"{TRACE_ID}/5;o=1"},
    )
    assert answer.status_code == 503, answer.json
    [line] = [line for line in logs.lines if line.get("event") == LogEvent.SERVER_ERROR]
    assert (line["severity"], line["status"], line["code"], line["function"]) == (
        "WARNING",
        503,
        "unavailable",
        "subscribe",
    )
    assert (line[TRACE], line["uid"]) == (trace_of(TRACE_ID), user.uid)


def test_an_unexpected_failure_is_a_500_logged_with_its_traceback_and_the_event(
    api, services, make_user, monkeypatch, logs
):
    user = make_user()

    def broken(*args, **kwargs):
        raise RuntimeError("the ledger is on fire")

    monkeypatch.setattr(services.credits, "balance", broken)
    answer = api.get("/api/credits", user, headers={"X-Cloud-Trace-Context": TRACE_ID})
    assert answer.status_code == 500 and answer.json["error"]["code"] == "internal"
    [line] = [line for line in logs.lines if line.get("event") == LogEvent.SERVER_ERROR]
    assert (line["severity"], line["status"], line["code"], line["path"]) == ("ERROR", 500, "internal", "/api/credits")
    assert "the ledger is on fire" in line["exception"] and "the ledger is on fire" not in answer.get_data(as_text=True)
    assert (line[TRACE], line["uid"]) == (trace_of(TRACE_ID), user.uid)


def test_a_4xx_logs_no_server_error(api, services, make_user, logs):
    assert api.get("/api/credits").status_code == 401
    assert api.get("/api/jobs/no-such-job", make_user()).status_code == 404
    assert not [line for line in logs.lines if line.get("event") == LogEvent.SERVER_ERROR]


def test_payment_webhook_lines_carry_the_payment_and_its_user(api, services, make_user, truelayer, logs):
    user = make_user()
    started = api.post("/api/subscribe", user, json={"planId": "starter"})
    assert started.status_code == 201, started.json
    executed, _ = truelayer.pay(started.json["redirectUrl"])
    assert deliver(api, executed).json["effect"] == "granted"
    [line] = logs.with_message("TrueLayer payment event: granted")
    assert (line["paymentId"], line["uid"], line["type"]) == (started.json["paymentId"], user.uid, "payment_executed")
    assert line["logger"] == "cineweave.payment_events"
