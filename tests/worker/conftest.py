"""Fixtures of the worker suite: a tiny Wan generator, a moto S3 server on a free port, job builders."""

from __future__ import annotations

import socket
import uuid

import pytest

BUCKET = "worker-test-outputs"
# Handler jobs ask for 1280x704 like production; a divisor of 20 renders them at 64x32 on the tiny
# model, keeping the real frame counts (121 / 241 / 361) at a fraction of a second per segment.
TEST_RENDER_DIVISOR = "20"


@pytest.fixture(scope="session")
def generator():
    """One tiny-preset VideoGenerator for the session (the real diffusers Wan classes)."""
    from worker.pipeline import load_generator

    return load_generator("tiny")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def moto_endpoint():
    """A real moto S3 server on a free port, with the test bucket created."""
    import boto3
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    boto3.client(
        "s3", endpoint_url=endpoint, aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1"
    ).create_bucket(Bucket=BUCKET)
    yield endpoint
    server.stop()


@pytest.fixture
def worker_env(monkeypatch, moto_endpoint):
    """Environment of a worker process: tiny preset at test size, S3 pointed at moto."""
    env = {
        "WAN_PRESET": "tiny",
        "WAN_RENDER_DIVISOR": TEST_RENDER_DIVISOR,
        "S3_ENDPOINT_URL": moto_endpoint,
        "S3_ACCESS_KEY_ID": "test",
        "S3_SECRET_ACCESS_KEY": "test",
        "S3_REGION": "auto",
    }
    for key in ("WAN_STEPS", "WAN_DEVICE", "WAN_WEIGHTS_DIR"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env


@pytest.fixture
def s3(moto_endpoint):
    from worker.storage import s3_client_from_env

    return s3_client_from_env(
        {"S3_ENDPOINT_URL": moto_endpoint, "S3_ACCESS_KEY_ID": "test", "S3_SECRET_ACCESS_KEY": "test"}
    )


@pytest.fixture
def make_job():
    """Factory for a RunPod job {"id", "input"} with unique output keys; keyword args override input fields."""

    def make(**overrides) -> dict:
        job_id = f"job-{uuid.uuid4().hex[:10]}"
        payload = {
            "jobId": job_id,
            "prompt": "a red kite above a windy beach",
            "negativePrompt": "",
            "durationSec": 5,
            "seed": 1234,
            "width": 1280,
            "height": 704,
            "fps": 24,
            "output": {"bucket": BUCKET, "videoKey": f"videos/{job_id}.mp4", "posterKey": f"posters/{job_id}.jpg"},
        }
        payload.update(overrides)
        return {"id": f"rp-{job_id}", "input": payload}

    return make
