"""Pieces of `python -m shared.local.stack`: the supervised GPU runner and the periodic sweep."""

import os
import signal
import threading
import time

import requests
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from shared.local.gpu_supervisor import SupervisedGpuRunner
from shared.local.processes import free_port
from shared.local.stack import sweep_forever


def test_gpu_runner_that_dies_is_started_again(tmp_path):
    runner = SupervisedGpuRunner(free_port(), env={**os.environ}, log_path=tmp_path / "gpu-runner.log")
    runner.start()
    try:
        first_pid = runner.process.pid
        os.kill(first_pid, signal.SIGKILL)
        deadline = time.monotonic() + 20
        while runner.process.pid == first_pid or not runner.process.running():
            assert time.monotonic() < deadline, "the runner was not restarted"
            time.sleep(0.1)
        health = requests.get(f"{runner.url}/local/health", headers={"Authorization": "Bearer k"}, timeout=10)
        assert health.json()["workers"] == {"idle": 1, "running": 0}
    finally:
        runner.stop()
    assert not runner.process.running()
    assert "listening on" in (tmp_path / "gpu-runner.log").read_text()  # both runs logged to the same file


def test_sweep_posts_the_sweep_function_with_the_internal_secret():
    calls = []

    def app(environ, start_response):
        request = Request(environ)
        calls.append((request.method, request.path, request.headers.get("Authorization")))
        return Response('{"counts": {}}', mimetype="application/json")(environ, start_response)

    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    stop = threading.Event()
    sweeper = threading.Thread(
        target=sweep_forever, args=(f"http://127.0.0.1:{server.server_port}", "s3cret", stop, 0.05)
    )
    sweeper.start()
    try:
        deadline = time.monotonic() + 10
        while len(calls) < 4 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        sweeper.join(5)
        server.shutdown()
    assert (
        calls[:4] == [("POST", "/api/tasks/sweep", "Bearer s3cret"), ("POST", "/api/tasks/renew", "Bearer s3cret")] * 2
    )


def test_stopping_the_local_queue_ends_waiting_dispatch_retries_at_once():
    from shared.adapters.queue import LocalQueue

    posts = []

    def unavailable(environ, start_response):
        posts.append(Request(environ).get_json()["jobId"])
        return Response('{"error": {}}', status=503, mimetype="application/json")(environ, start_response)

    server = make_server("127.0.0.1", 0, unavailable, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    local = LocalQueue(f"http://127.0.0.1:{server.server_port}/api/tasks/dispatch", "s", backoff_sec=3)
    local.stopping = threading.Event()  # this queue's own: the class-wide one belongs to the stack
    try:
        for job_id in ("job-1", "job-2", "job-3", "job-4", "job-5", "job-6"):
            local.enqueue_dispatch(job_id)
        deadline = time.monotonic() + 10
        while len(posts) < 4 and time.monotonic() < deadline:  # four threads, each now waiting 3 s to retry
            time.sleep(0.05)
        local.stopping.set()
        local._pool.shutdown(wait=False)
        workers = list(local._pool._threads)  # the interpreter joins these at exit
        deadline = time.monotonic() + 1
        for worker in workers:
            worker.join(timeout=max(0.0, deadline - time.monotonic()))
    finally:
        server.shutdown()
    assert not [worker for worker in workers if worker.is_alive()], "a delivery still waits to retry"
    assert sorted(posts) == ["job-1", "job-2", "job-3", "job-4"]  # no retry, and the two waiting never sent
