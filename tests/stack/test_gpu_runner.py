"""The local GPU runner against a stand-in exec script that speaks the local exec protocol."""

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from shared.local.gpu_jobs import JobRunner
from shared.local.gpu_runner import start_in_thread
from shared.local.processes import free_port

STAND_IN = Path(__file__).with_name("stand_in_exec.py")
AUTH = {"Authorization": "Bearer local"}
REPO_ROOT = Path(__file__).resolve().parents[2]


class WebhookReceiver:
    """Records the webhook POSTs; answers 500 to the first `failures` of them."""

    def __init__(self, failures: int = 0):
        self.failures = failures
        self.calls: list[dict] = []
        self.received = threading.Event()
        self.server = make_server("127.0.0.1", 0, self._app, threaded=True)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook?token=abc"

    def _app(self, environ, start_response):
        request = Request(environ)
        self.calls.append({"query": request.args.to_dict(), "body": request.get_json()})
        if len(self.calls) <= self.failures:
            return Response("try later", status=500)(environ, start_response)
        self.received.set()
        return Response("{}", mimetype="application/json")(environ, start_response)


@pytest.fixture
def runner():
    jobs = JobRunner([sys.executable, str(STAND_IN)], webhook_retry_delay_s=0.1, kill_grace_s=2)
    server, base = start_in_thread(jobs)
    yield base + "/ep"
    server.shutdown()
    jobs.close()


@pytest.fixture
def webhook():
    receiver = WebhookReceiver()
    yield receiver
    receiver.server.shutdown()


def submit(base: str, job_input: dict, webhook: str | None = None, timeout_ms: int | None = None) -> str:
    body = {"input": job_input}
    if webhook:
        body["webhook"] = webhook
    if timeout_ms:
        body["policy"] = {"executionTimeout": timeout_ms}
    answer = requests.post(f"{base}/run", json=body, headers=AUTH, timeout=5)
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "IN_QUEUE"
    return answer.json()["id"]


def status(base: str, job_id: str) -> dict:
    return requests.get(f"{base}/status/{job_id}", headers=AUTH, timeout=5).json()


def wait_for(base: str, job_id: str, wanted: set[str], timeout_s: float = 20) -> dict:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        view = status(base, job_id)
        if view["status"] in wanted:
            return view
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} never reached {wanted}; last {view}")


def test_job_reports_progress_then_completes_and_posts_the_webhook(runner, webhook):
    job_id = submit(runner, {"jobId": "j1", "steps": 6, "stepSec": 0.3}, webhook.url)

    running = wait_for(runner, job_id, {"IN_PROGRESS"})
    deadline = time.monotonic() + 10
    while "output" not in running and time.monotonic() < deadline:
        running = status(runner, job_id)
    assert running["status"] == "IN_PROGRESS"
    assert running["output"]["stage"] == "denoising" and 0 < running["output"]["progress"] < 1

    done = wait_for(runner, job_id, {"COMPLETED", "FAILED"})
    assert done["status"] == "COMPLETED"
    assert done["output"] == {"videoKey": f"videos/{job_id}.mp4", "jobId": "j1", "steps": 6}
    assert done["executionTime"] >= 6 * 300 - 50 and done["delayTime"] >= 0

    assert webhook.received.wait(10)
    assert webhook.calls[0]["query"] == {"token": "abc"}
    assert webhook.calls[0]["body"] == done  # the webhook body is the final /status body


def test_jobs_run_one_at_a_time_in_order(runner):
    first = submit(runner, {"steps": 20, "stepSec": 0.1})
    second = submit(runner, {"steps": 1})
    wait_for(runner, first, {"IN_PROGRESS"})
    assert status(runner, second)["status"] == "IN_QUEUE"
    assert requests.get(f"{runner}/health", headers=AUTH, timeout=5).json()["jobs"]["inQueue"] == 1
    assert wait_for(runner, second, {"COMPLETED"})["status"] == "COMPLETED"
    assert status(runner, first)["status"] == "COMPLETED"
    # Canceling a finished job changes nothing.
    assert requests.post(f"{runner}/cancel/{first}", headers=AUTH, timeout=5).json()["status"] == "COMPLETED"
    assert status(runner, first)["status"] == "COMPLETED"


def test_cancel_stops_the_running_process(runner, webhook):
    job_id = submit(runner, {"mode": "hang"}, webhook.url)
    wait_for(runner, job_id, {"IN_PROGRESS"})
    started = time.monotonic()

    answer = requests.post(f"{runner}/cancel/{job_id}", headers=AUTH, timeout=5)
    assert answer.status_code == 200 and answer.json() == {"id": job_id, "status": "CANCELLED"}

    view = wait_for(runner, job_id, {"CANCELLED", "FAILED", "COMPLETED"}, timeout_s=10)
    assert view["status"] == "CANCELLED"
    assert time.monotonic() - started < 5  # SIGTERM, not the job's own end an hour later
    assert webhook.received.wait(10) and webhook.calls[-1]["body"]["status"] == "CANCELLED"
    # The next job runs: the queue is not stuck behind the canceled one.
    assert wait_for(runner, submit(runner, {"steps": 1}), {"COMPLETED"})["status"] == "COMPLETED"


def test_the_render_runs_at_a_lower_priority_than_the_api(runner):
    import psutil

    from shared.local.gpu_jobs import RENDER_NICENESS

    job_id = submit(runner, {"mode": "hang"})
    wait_for(runner, job_id, {"IN_PROGRESS"})
    renders = [
        child for child in psutil.Process().children(recursive=True) if STAND_IN.name in " ".join(child.cmdline())
    ]
    assert [render.nice() for render in renders] == [os.nice(0) + RENDER_NICENESS]
    requests.post(f"{runner}/cancel/{job_id}", headers=AUTH, timeout=5)


def test_cancel_of_a_queued_job_never_runs_it(runner):
    blocker = submit(runner, {"mode": "hang"})
    queued = submit(runner, {"steps": 1})
    wait_for(runner, blocker, {"IN_PROGRESS"})
    assert requests.post(f"{runner}/cancel/{queued}", headers=AUTH, timeout=5).json() == {
        "id": queued,
        "status": "CANCELLED",
    }
    requests.post(f"{runner}/cancel/{blocker}", headers=AUTH, timeout=5)
    wait_for(runner, blocker, {"CANCELLED"})
    view = status(runner, queued)
    assert view["status"] == "CANCELLED" and view["executionTime"] == 0 and "output" not in view


def test_execution_timeout_ends_the_job_as_timed_out(runner, webhook):
    job_id = submit(runner, {"mode": "hang"}, webhook.url, timeout_ms=1000)
    view = wait_for(runner, job_id, {"TIMED_OUT", "FAILED", "COMPLETED", "CANCELLED"})
    assert view["status"] == "TIMED_OUT"
    assert 900 <= view["executionTime"] < 5000
    assert webhook.received.wait(10) and webhook.calls[-1]["body"]["status"] == "TIMED_OUT"


def test_worker_errors_and_crashes_are_failed_jobs(runner):
    failed = wait_for(runner, submit(runner, {"mode": "fail"}), {"FAILED", "COMPLETED"})
    assert failed["status"] == "FAILED"
    assert json.loads(failed["error"]) == {"code": "invalid_input", "message": "stand-in failure"}

    crashed = wait_for(runner, submit(runner, {"mode": "crash"}), {"FAILED", "COMPLETED"})
    assert crashed["status"] == "FAILED"
    assert json.loads(crashed["error"])["code"] == "internal"
    assert "code 3" in json.loads(crashed["error"])["message"]


def test_webhook_is_tried_three_times():
    receiver = WebhookReceiver(failures=2)
    jobs = JobRunner([sys.executable, str(STAND_IN)], webhook_retry_delay_s=0.1)
    server, base = start_in_thread(jobs)
    try:
        submit(base + "/ep", {"steps": 1}, receiver.url)
        assert receiver.received.wait(10)
        assert len(receiver.calls) == 3
        assert receiver.calls[0]["body"] == receiver.calls[2]["body"]
    finally:
        server.shutdown()
        jobs.close()
        receiver.server.shutdown()


def test_unknown_ids_bad_requests_and_missing_keys(runner):
    for method, path in (("GET", "/status/nope"), ("POST", "/cancel/nope")):
        answer = requests.request(method, f"{runner}{path}", headers=AUTH, timeout=5)
        assert answer.status_code == 404
        assert answer.json() == {"error": "request does not exist"}
    assert requests.post(f"{runner}/run", json={"prompt": "no input"}, headers=AUTH, timeout=5).status_code == 400
    assert requests.post(f"{runner}/run", json={"input": {}}, timeout=5).status_code == 401
    assert requests.get(f"{runner}/status/x", headers={"Authorization": "Bearer "}, timeout=5).status_code == 401


def test_module_runs_as_a_process_without_torch_and_stops_on_sigterm():
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    process = subprocess.Popen(
        [
            sys.executable,
            "-X",
            "importtime",
            "-m",
            "shared.local.gpu_runner",
            "--port",
            str(port),
            "--exec",
            f"{sys.executable} {STAND_IN}",
        ],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}/v2/local"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if requests.get(f"{base}/health", headers=AUTH, timeout=1).ok:
                    break
            except requests.ConnectionError:
                assert time.monotonic() < deadline and process.poll() is None, process.stderr.read()
                time.sleep(0.1)
        assert wait_for(base, submit(base, {"steps": 1}), {"COMPLETED"})["status"] == "COMPLETED"
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=15)
    assert process.returncode == 0
    imported = {line.split("|")[-1].strip() for line in stderr.splitlines() if line.startswith("import time:")}
    assert "shared.local.gpu_jobs" in imported  # the runner did start (it runs as __main__)
    assert not {"torch", "diffusers", "runpod"} & imported
