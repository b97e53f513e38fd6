"""The local stack stops cleanly and, with --keep, keeps its data: three runs of `python -m shared.local.stack`.

1. --keep: a user with credits, an object and a burst of requests (20 plan reads, and creates whose dispatches
   hang on the GPU runner, stopped with SIGSTOP, for the local queue to retry), then ONE SIGTERM to the group.
2. No --keep: a clean start (none of it is there); SIGTERM, and a second SIGTERM 0.5 s later.
3. --keep again: the user signs in with the same password, the credits, the object and the queued jobs are
   back; Ctrl-C twice.
Each stop: every port of the stack free, and every process it started gone, within 20 s of the first signal.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil
import pytest
import requests

from shared.local import settings
from shared.local.auth_emulator import AuthEmulatorError, set_custom_claims, sign_in, sign_up
from shared.local.emulators import s3_client
from shared.local.processes import port_is_free

pytestmark = pytest.mark.e2e

API = f"http://{settings.HOST}:{settings.DEV_API_PORT}"
AUTH = f"{settings.HOST}:{settings.DEV_EMULATOR_PORTS.auth}"
FIRESTORE = f"{settings.HOST}:{settings.DEV_EMULATOR_PORTS.firestore}"
S3 = f"http://{settings.HOST}:{settings.DEV_EMULATOR_PORTS.s3}"
PORTS = (
    settings.DEV_API_PORT,
    settings.DEV_GPU_RUNNER_PORT,
    settings.DEV_TRUELAYER_PORT,
    settings.DEV_LANGUAGE_PORT,
    settings.DEV_VISION_PORT,
    *vars(settings.DEV_EMULATOR_PORTS).values(),
)
STOP_WITHIN_S = 20
KEPT_KEY = "kept/check.txt"
PASSWORD = "secret-pass-1"


class Stack:
    """`python -m shared.local.stack` in a process group of its own, as a shell runs `make run`."""

    def __init__(self, log_path: Path, keep_dir: Path | None = None):
        self.log_path = log_path
        env = {k: v for k, v in os.environ.items() if not k.startswith(("FIRESTORE_", "FIREBASE_", "S3_", "PUBLIC_"))}
        keep = ["--keep", str(keep_dir)] if keep_dir else []
        with open(log_path, "w") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "shared.local.stack", *keep],
                cwd=settings.REPO_ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                env=env,
            )
        deadline = time.monotonic() + 180
        while not self._up():
            if self.process.poll() is not None:
                pytest.fail(f"the local stack exited early:\n{self.output()}")
            if time.monotonic() > deadline:
                self.__exit__()
                pytest.fail(f"the local stack did not come up in 180 s:\n{self.output()}")
            time.sleep(0.5)

    def __enter__(self) -> "Stack":
        return self

    def __exit__(self, *_) -> None:
        """Whatever happened in the test, the stack does not outlive it (the dev ports are shared)."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()  # its watchdog ends the children
                self.process.wait()

    def _up(self) -> bool:
        try:
            return requests.get(f"{API}/api/healthz", timeout=2).ok
        except requests.RequestException:
            return False

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self, *signals: tuple[float, int]) -> tuple[float, int]:
        """Send each (delay, signal) to the group; answers the seconds from the first signal until every port is
        free and every process the stack started is gone (failing past STOP_WITHIN_S), and how many signals
        reached the stack while it ran."""
        started_by_it = [psutil.Process(self.process.pid), *psutil.Process(self.process.pid).children(recursive=True)]
        began, delivered = time.monotonic(), 0
        for delay, sig in signals:
            time.sleep(delay)
            try:
                os.killpg(self.process.pid, sig)
                delivered += self.process.poll() is None
            except ProcessLookupError:  # already stopped: the group is gone
                pass
        while True:
            taken = [port for port in PORTS if not port_is_free(settings.HOST, port)]
            alive = [p for p in started_by_it if _alive(p)]
            if self.process.poll() is not None and not taken and not alive:
                break
            if time.monotonic() - began > STOP_WITHIN_S:
                pytest.fail(f"after {STOP_WITHIN_S} s: ports {taken} taken, {alive} alive\n{self.output()[-3000:]}")
            time.sleep(0.1)
        seconds = time.monotonic() - began
        assert self.process.returncode == 0, self.output()
        assert "stopped." in self.output()
        print(f"stopped in {seconds:.1f} s after {[signal.Signals(sig).name for _, sig in signals][:delivered]}")
        return seconds, delivered


def _alive(process: psutil.Process) -> bool:
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE  # is_running() checks the pid's age
    except psutil.NoSuchProcess:
        return False


def _call(method: str, path: str, user: dict, **kwargs) -> requests.Response:
    return requests.request(
        method, f"{API}{path}", headers={"Authorization": f"Bearer {user['idToken']}"}, timeout=30, **kwargs
    )


def _listening_on(port: int) -> psutil.Process:
    for connection in psutil.net_connections(kind="tcp"):
        if connection.laddr.port == port and connection.status == psutil.CONN_LISTEN:
            return psutil.Process(connection.pid)
    raise AssertionError(f"nothing is listening on {port}")


@pytest.fixture(scope="module")
def first_run(tmp_path_factory):
    """Run 1 (--keep): what the later runs look for, and how long the stop took."""
    scratch = tmp_path_factory.mktemp("stack-stop")
    keep_dir = scratch / "keep"
    with Stack(scratch / "run1.log", keep_dir) as stack:
        email = f"kept-{uuid.uuid4().hex[:8]}@example.com"
        creator = sign_up(AUTH, email, PASSWORD)
        admin_email = f"admin-{uuid.uuid4().hex[:8]}@example.com"
        admin = sign_up(AUTH, admin_email, PASSWORD)
        set_custom_claims(AUTH, admin["uid"], {"admin": True})
        admin = sign_in(AUTH, admin_email, PASSWORD)
        granted = _call(
            "POST", f"/api/admin/users/{creator['uid']}/credits", admin, json={"delta": 10, "reason": "test"}
        )
        assert granted.status_code == 200, granted.text
        s3_client(S3).put_object(Bucket=settings.BUCKET, Key=KEPT_KEY, Body=b"kept", ContentType="text/plain")

        _listening_on(settings.DEV_GPU_RUNNER_PORT).suspend()  # SIGSTOP: each dispatch now times out and waits to retry
        with ThreadPoolExecutor(24) as pool:
            plans = [pool.submit(requests.get, f"{API}/api/plans", timeout=30) for _ in range(20)]
            creates = [
                pool.submit(_call, "POST", "/api/jobs", creator, json={"prompt": f"pending {n}", "durationSec": 5})
                for n in range(3)
            ]
            assert {future.result().status_code for future in plans} == {200}
            job_ids = [future.result().json()["jobId"] for future in creates]
        balance = _call("GET", "/api/credits", creator).json()
        seconds, _ = stack.stop((0, signal.SIGTERM))
    return {
        "keep_dir": keep_dir,
        "scratch": scratch,
        "email": email,
        "uid": creator["uid"],
        "balance": balance,
        "job_ids": job_ids,
        "stop_seconds": seconds,
        "output": stack.output(),
    }


def test_one_sigterm_to_the_group_after_a_burst_stops_everything_within_20_s(first_run):
    assert first_run["stop_seconds"] < STOP_WITHIN_S  # Stack.stop() has also seen every port free, every process gone
    assert first_run["output"].count("stopping the local stack") == 1
    assert (first_run["keep_dir"] / "auth" / "firebase-export-metadata.json").is_file()


def test_without_keep_the_stack_starts_clean_and_a_second_sigterm_does_not_cut_the_stop_short(first_run):
    with Stack(first_run["scratch"] / "run2.log") as stack:
        _starts_clean(first_run)
        _, delivered = stack.stop((0, signal.SIGTERM), (0.5, signal.SIGTERM))
        assert delivered == 1 or "SIGTERM: still stopping" in stack.output()


def _starts_clean(first_run) -> None:
    with pytest.raises(AuthEmulatorError, match="EMAIL_NOT_FOUND"):
        sign_in(AUTH, first_run["email"], PASSWORD)
    document = requests.get(
        f"http://{FIRESTORE}/v1/projects/{settings.PROJECT_ID}/databases/(default)/documents/users/{first_run['uid']}",
        headers={"Authorization": "Bearer owner"},
        timeout=10,
    )
    assert document.status_code == 404
    with pytest.raises(s3_client(S3).exceptions.NoSuchKey):
        s3_client(S3).get_object(Bucket=settings.BUCKET, Key=KEPT_KEY)


def test_keep_brings_back_users_documents_objects_and_queued_jobs_and_ctrl_c_twice_stops_it(first_run):
    with Stack(first_run["scratch"] / "run3.log", first_run["keep_dir"]) as stack:
        creator = sign_in(AUTH, first_run["email"], PASSWORD)
        assert creator["uid"] == first_run["uid"]
        assert _call("GET", "/api/credits", creator).json() == first_run["balance"]
        for job_id in first_run["job_ids"]:  # never dispatched: still queued, for the sweep to send again
            assert _call("GET", f"/api/jobs/{job_id}", creator).json()["status"] == "queued"
        kept = s3_client(S3).get_object(Bucket=settings.BUCKET, Key=KEPT_KEY)
        assert (kept["Body"].read(), kept["ContentType"]) == (b"kept", "text/plain")
        _, delivered = stack.stop((0, signal.SIGINT), (0.3, signal.SIGINT))
        assert delivered == 1 or "SIGINT: still stopping" in stack.output()
