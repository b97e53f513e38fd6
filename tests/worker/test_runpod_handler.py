"""The async RunPod entry point driven by the RunPod SDK's own job runner: results, OOM, stop signals."""

import asyncio
import json
import logging
import threading
import time

import pytest
import torch
from runpod.serverless.modules import rp_job

from worker import handler as handler_module


@pytest.fixture
def progress(monkeypatch):
    """Progress updates the handler would send to RunPod, collected instead of posted."""
    updates = []
    monkeypatch.setattr(handler_module, "runpod_sink", lambda job: updates.append)
    return updates


def test_sdk_runs_the_handler_and_returns_the_output(worker_env, make_job, progress):
    job = make_job()
    result = asyncio.run(rp_job.run_job(handler_module.handler, job))
    assert "error" not in result, result
    assert result["output"]["videoKey"] == job["input"]["output"]["videoKey"]
    assert result["output"]["frames"] == 121
    assert "stopPod" not in result
    assert progress[0]["stage"] == "loading" and progress[-1]["stage"] == "uploading"


def test_gpu_out_of_memory_fails_the_job_and_refreshes_the_worker(worker_env, make_job, progress, monkeypatch):
    generator = handler_module.get_generator()

    def out_of_memory(*args, **kwargs):
        raise torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")

    monkeypatch.setattr(generator.transformer, "forward", out_of_memory)
    result = asyncio.run(rp_job.run_job(handler_module.handler, make_job()))
    assert json.loads(result["error"])["code"] == "out_of_memory"
    # The SDK turns refresh_worker into stopPod: RunPod replaces this worker after the job.
    assert result["stopPod"] is True
    assert "refresh_worker" not in result.get("output", {})


def test_stop_signal_stops_the_render_at_the_next_step(worker_env, make_job, monkeypatch, s3, caplog):
    updates, denoising, cancel_sent = [], threading.Event(), threading.Event()

    def sink(payload):
        updates.append(payload)
        if payload["stage"] == "denoising" and not denoising.is_set():
            denoising.set()
            cancel_sent.wait(10)  # hold the render here until RunPod's stop has been delivered

    monkeypatch.setattr(handler_module, "runpod_sink", lambda job: sink)
    job = make_job(durationSec=15)

    async def run_then_stop():
        # What the SDK does on a stop signal: cancel the task running the job.
        task = asyncio.create_task(rp_job.run_job(handler_module.handler, job))
        while not denoising.is_set():
            await asyncio.sleep(0.01)
        task.cancel()
        await asyncio.sleep(0)
        cancel_sent.set()
        with pytest.raises(asyncio.CancelledError):
            await task

    with caplog.at_level(logging.WARNING, logger="worker.handler"):
        asyncio.run(run_then_stop())
    seen = len(updates)
    time.sleep(0.3)
    assert len(updates) == seen  # the render had already let go when the cancellation came through
    stages = [update["stage"] for update in updates]
    assert stages.count("denoising") == 1  # 3 segments x 2 steps were due; it stopped after the first
    assert "decoding" not in stages and "muxing" not in stages
    keys = {item["Key"] for item in s3.list_objects_v2(Bucket="worker-test-outputs").get("Contents", [])}
    assert job["input"]["output"]["videoKey"] not in keys
    assert any("stopped by RunPod" in record.getMessage() for record in caplog.records)
