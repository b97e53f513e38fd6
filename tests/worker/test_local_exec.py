"""`python -m worker.local_exec`: the protocol the local GPU runner speaks (stdin job → JSON lines)."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.worker.conftest import BUCKET

REPO_ROOT = Path(__file__).resolve().parents[2]


def start(**env_overrides) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "worker.local_exec"],
        cwd=REPO_ROOT,
        env={**os.environ, **env_overrides},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def run(job) -> tuple[int, str, str]:
    process = start()
    stdout, stderr = process.communicate(job if isinstance(job, str) else json.dumps(job), timeout=120)
    return process.returncode, stdout, stderr


def test_success_streams_progress_then_one_result(worker_env, make_job, s3):
    returncode, stdout, stderr = run(make_job(durationSec=10))
    assert returncode == 0, stderr
    messages = [json.loads(line) for line in stdout.splitlines()]  # every stdout line is protocol JSON
    assert [m["type"] for m in messages[:-1]] == ["progress"] * (len(messages) - 1)
    stages = [m["data"]["stage"] for m in messages[:-1]]
    assert stages[0] == "loading" and stages[-1] == "uploading"
    result = messages[-1]
    assert result["type"] == "result" and result["output"]["frames"] == 241
    s3.head_object(Bucket=BUCKET, Key=result["output"]["videoKey"])


def test_failure_is_a_result_with_an_error_string(worker_env, make_job):
    returncode, stdout, _ = run(make_job(durationSec=3))
    assert returncode == 0
    last = json.loads(stdout.splitlines()[-1])
    assert last["type"] == "result" and json.loads(last["error"])["code"] == "invalid_input"


def test_broken_json_on_stdin(worker_env):
    returncode, stdout, _ = run("{not json")
    assert returncode == 0
    assert json.loads(json.loads(stdout)["error"])["code"] == "invalid_input"


def test_sigterm_cancels_the_running_job(worker_env, make_job):
    # 320x176: long enough (three decodes of a few seconds) to be caught mid-render.
    process = start(WAN_RENDER_DIVISOR="4")
    process.stdin.write(json.dumps(make_job(durationSec=15)))
    process.stdin.close()
    stages = []
    for line in process.stdout:
        message = json.loads(line)
        assert message["type"] == "progress", message
        stages.append(message["data"]["stage"])
        if message["data"]["stage"] == "denoising":
            break
    signalled = time.monotonic()
    process.send_signal(signal.SIGTERM)
    rest = [json.loads(line) for line in process.stdout]
    process.wait(timeout=60)
    assert process.returncode == 0
    assert rest[-1]["type"] == "result", rest
    assert json.loads(rest[-1]["error"])["code"] == "canceled"
    later = [m["data"]["stage"] for m in rest[:-1]]
    assert "muxing" not in later and "uploading" not in later
    # It stopped within one decode, not after rendering all three segments.
    assert later.count("denoising") <= 1
    assert time.monotonic() - signalled < 30
