"""End to end on the local stack exactly as `make run` starts it: a creator's first clip, a GPU runner killed
mid-job whose job is retried and charged once, a paid plan, a script that works with an API key alone and
gets a signed webhook, and content refused (or a moderation API down) without a charge."""

import os
import signal
import subprocess
import sys
import time
import urllib.parse

import psutil
import pytest
import requests
from standardwebhooks import Webhook

from shared.local import settings
from tests.e2e.journey import Journey
from tests.webhook_receiver import WebhookReceiver

pytestmark = pytest.mark.e2e

API = f"http://{settings.HOST}:{settings.DEV_API_PORT}"
AUTH = f"{settings.HOST}:{settings.DEV_EMULATOR_PORTS.auth}"


@pytest.fixture(scope="module")
def stack():
    process = subprocess.Popen(
        [sys.executable, "-m", "shared.local.stack"],
        cwd=settings.REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        env={
            **{
                key: value
                for key, value in os.environ.items()
                if not key.startswith(("FIRESTORE_", "FIREBASE_", "S3_", "PUBLIC_"))
            },
            "MODERATION_BLOCKLIST_TERMS": "dragonfruit",  # as `MODERATION_BLOCKLIST_TERMS=dragonfruit make run`
        },
    )
    deadline = time.monotonic() + 180
    while True:
        if process.poll() is not None:
            pytest.fail(f"the local stack exited early:\n{process.stdout.read()}")
        try:
            if requests.get(f"{API}/api/healthz", timeout=2).ok:
                break
        except requests.ConnectionError:
            pass
        assert time.monotonic() < deadline, "the local stack did not come up in 180 s"
        time.sleep(0.5)
    yield process
    process.send_signal(signal.SIGINT)  # what Ctrl-C does
    output, _ = process.communicate(timeout=60)
    assert process.returncode == 0, output
    assert "stopped." in output
    for port in (
        settings.DEV_API_PORT,
        settings.DEV_GPU_RUNNER_PORT,
        settings.DEV_TRUELAYER_PORT,
        settings.DEV_LANGUAGE_PORT,
        settings.DEV_VISION_PORT,
        *vars(settings.DEV_EMULATOR_PORTS).values(),
    ):
        with pytest.raises(requests.ConnectionError):
            requests.get(f"http://{settings.HOST}:{port}/", timeout=2)


def test_first_clip_from_sign_up_to_download(stack):
    result = Journey(API, AUTH, log=lambda line: None).run(timeout_sec=150)
    view, probe = result["view"], result["probe"]
    assert probe == {"frames": 121, "fps": 24.0, "width": view["width"], "height": view["height"], "codec": "h264"}
    assert (view["width"], view["height"]) == (640, 352)  # the tiny preset renders 1280x704 at half size
    assert result["posterBytes"] > 0 and result["videoBytes"] > 10_000
    assert result["balance"]["credits"] == 2 and result["balance"]["reserved"] == 0
    assert sorted(result["ledger"]) == ["adjust", "reserve", "settle"]
    assert any(stage.startswith("running/") for stage in result["stages"]), result["stages"]


def _listening_on(port: int) -> psutil.Process:
    for connection in psutil.net_connections(kind="tcp"):
        if connection.laddr.port == port and connection.status == psutil.CONN_LISTEN:
            return psutil.Process(connection.pid)
    raise AssertionError(f"nothing is listening on {port}")


def _gpu_runner() -> psutil.Process:
    return _listening_on(settings.DEV_GPU_RUNNER_PORT)


def test_killed_gpu_runner_leaves_a_job_that_is_retried_and_charged_once(stack):
    journey = Journey(API, AUTH, log=lambda line: None)
    creator, admin = journey._user(admin=False), journey._user(admin=True)
    journey.call("POST", f"/api/admin/users/{creator['uid']}/credits", admin, json={"delta": 1, "reason": "test"})
    job_id = journey.call("POST", "/api/jobs/create", creator, json={"prompt": "resilient", "durationSec": 5}).json()[
        "jobId"
    ]
    deadline = time.monotonic() + 60
    while journey.call("GET", f"/api/jobs/{job_id}", creator).json()["status"] != "running":
        assert time.monotonic() < deadline, "the job never started running"
        time.sleep(0.3)

    runner = _gpu_runner()
    for process in [*runner.children(recursive=True), runner]:
        process.kill()  # the runner and the render it was doing, as a crash would

    secret = settings.local_env()["INTERNAL_TASK_SECRET"]
    deadline = time.monotonic() + 180
    while True:  # the restarted runner has never heard of the job: the next look retries it
        requests.post(f"{API}/api/tasks/sweep", headers={"Authorization": f"Bearer {secret}"}, timeout=60)
        view = journey.call("GET", f"/api/jobs/{job_id}", creator).json()
        if view["status"] in ("done", "failed") or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert (view["status"], view["attempt"], view["creditsUsed"]) == ("done", 2, 1), view
    entries = journey.call("GET", "/api/credits/ledger", creator).json()["entries"]
    assert sorted(entry["kind"] for entry in entries if entry.get("jobId") == job_id) == ["reserve", "settle"]
    assert journey.call("GET", "/api/credits", creator).json() == {
        "credits": 0,
        "reserved": 0,
        "plan": None,
        "renewsAt": None,
    }


def test_buying_creator_on_the_pay_page_grants_250_credits_once(stack):
    journey = Journey(API, AUTH, log=lambda line: None)
    creator = journey._user(admin=False)
    started = journey.call("POST", "/api/subscribe", creator, json={"planId": "creator"}).json()
    # TrueLayer's hosted page takes its parameters after '#'; a browser script reads them, requests can't.
    page = requests.get(started["redirectUrl"].replace("#", "?", 1), timeout=10)
    assert page.status_code == 200 and "Pay now" in page.text
    params = {k: v[0] for k, v in urllib.parse.parse_qs(urllib.parse.urlsplit(started["redirectUrl"]).fragment).items()}
    standin = f"http://{settings.HOST}:{settings.DEV_TRUELAYER_PORT}"
    paid = requests.post(
        f"{standin}/hpp/{params['payment_id']}/pay",
        allow_redirects=False,
        timeout=30,
        data={"resource_token": params["resource_token"], "return_uri": params["return_uri"]},
    )
    assert paid.status_code == 303 and paid.headers["Location"].startswith(f"{API}/account?paymentId=")

    balance = journey.call("GET", "/api/credits", creator).json()
    assert balance["credits"] == 250 and balance["plan"] == "creator"
    entries = journey.call("GET", "/api/credits/ledger", creator).json()["entries"]
    assert [(e["kind"], e["amount"], e.get("paymentId")) for e in entries] == [("grant", 250, started["paymentId"])]

    # Replaying the webhooks exactly as they were sent (what `curl` would do) changes nothing.
    sent = requests.get(f"{standin}/test/webhooks", timeout=10).json()["webhooks"]
    ours = [hook for hook in sent if started["paymentId"] in hook["body"]]
    assert len(ours) == 2
    for hook in ours:
        replay = requests.post(hook["url"], data=hook["body"].encode(), headers=hook["headers"], timeout=10)
        assert replay.status_code == 200 and replay.json()["effect"] == "duplicate"
    assert journey.call("GET", "/api/credits", creator).json() == balance


def test_a_script_with_only_an_api_key_gets_its_clip_and_one_signed_webhook(stack):
    journey = Journey(API, AUTH, log=lambda line: None)
    creator, admin = journey._user(admin=False), journey._user(admin=True)
    journey.call("POST", f"/api/admin/users/{creator['uid']}/credits", admin, json={"delta": 1, "reason": "test"})
    key = journey.call("POST", "/api/keys", creator, json={"name": "script"}).json()["key"]
    secret = journey.call("GET", "/api/webhooks/secret", creator).json()["secret"]
    receiver = WebhookReceiver(500)  # the first delivery fails: the retry must carry the same webhook-id
    bearer = {"Authorization": f"Bearer {key}"}
    try:
        body = {"prompt": "a red kite", "durationSec": 5, "webhookUrl": receiver.url}
        created = requests.post(f"{API}/api/jobs", headers=bearer, json=body, timeout=30)
        assert created.status_code == 201, created.text
        job_url = created.json()["urls"]["self"]
        deadline = time.monotonic() + 150
        while (view := requests.get(job_url, headers=bearer, timeout=30).json())["status"] != "done":
            assert view["status"] in ("queued", "dispatched", "running") and time.monotonic() < deadline, view
            time.sleep(1)
        video = requests.get(view["downloadUrl"], timeout=30)
        assert video.ok and video.content[4:8] == b"ftyp" and len(video.content) > 10_000

        deadline = time.monotonic() + 60
        while len(receiver.received) < 2:  # the failed attempt, then the one that is answered 200
            assert time.monotonic() < deadline, receiver.received
            time.sleep(0.5)
        events = [Webhook(secret).verify(hit.body, hit.headers) for hit in receiver.received]
        assert {event["type"] for event in events} == {"job.completed"}
        assert {hit.headers["Webhook-Id"] for hit in receiver.received} == {f"{view['jobId']}:job.completed"}
        assert events[-1]["data"]["status"] == "done"
    finally:
        receiver.close()
    assert journey.call("DELETE", f"/api/keys/{created_key_id(journey, creator)}", creator).status_code == 204
    assert requests.get(job_url, headers=bearer, timeout=30).status_code == 401


def created_key_id(journey: Journey, creator: dict) -> str:
    (listed,) = journey.call("GET", "/api/keys", creator).json()["keys"]
    return listed["id"]


# Last in the module: it stops the Natural Language stand-in, which the stack does not restart.
def test_refused_prompts_charge_nothing_and_a_stopped_text_api_fails_closed(stack):
    journey = Journey(API, AUTH, log=lambda line: None)
    creator, admin = journey._user(admin=False), journey._user(admin=True)
    journey.call("POST", f"/api/admin/users/{creator['uid']}/credits", admin, json={"delta": 2, "reason": "test"})

    def create(prompt: str) -> requests.Response:
        return journey.call("POST", "/api/jobs/create", creator, json={"prompt": prompt, "durationSec": 5})

    def unchanged() -> None:
        assert journey.call("GET", "/api/credits", creator).json()["credits"] == 2
        entries = journey.call("GET", "/api/credits/ledger", creator).json()["entries"]
        assert [entry["kind"] for entry in entries] == ["adjust"]

    blocked = create("a DrAg0n-fruit floating in space")
    assert blocked.status_code == 422, blocked.text
    assert blocked.json()["error"] | {"message": ""} == {
        "code": "content_policy",
        "field": "prompt",
        "categories": ["Blocked term"],
        "message": "",
    }
    flagged = create("a duel at dawn [[flag:Violent]]")
    assert flagged.status_code == 422 and flagged.json()["error"]["categories"] == ["Violent"]
    unchanged()

    _listening_on(settings.DEV_LANGUAGE_PORT).kill()
    down = create("a red kite over the sea")
    assert down.status_code == 503 and down.json()["error"]["code"] == "unavailable", down.text
    assert int(down.headers["Retry-After"]) > 0
    unchanged()
