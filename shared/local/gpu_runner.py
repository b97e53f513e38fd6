"""The local GPU runner: RunPod's serverless HTTP API in front of `python -m worker.local_exec`.

    python -m shared.local.gpu_runner --port 8091 [--exec "python -m worker.local_exec"]

Routes (any endpoint id; any non-empty API key):
    POST /v2/{endpoint}/run             {"input", "webhook"?, "policy"?: {"executionTimeout": ms}} -> {"id", "status"}
    GET|POST /v2/{endpoint}/status/{id} -> {"id", "status", "output"?, "error"?, "delayTime", "executionTime"}
    POST /v2/{endpoint}/cancel/{id}     -> {"id", "status"}
    GET /v2/{endpoint}/health           -> {"jobs": {...}, "workers": {...}}
A webhook goes out for every job that reaches a terminal status, CANCELLED and TIMED_OUT included.
"""

import argparse
import json
import logging
import shlex
import sys
import threading

from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.serving import BaseWSGIServer, make_server
from werkzeug.wrappers import Request, Response

from shared.local import settings
from shared.local.gpu_jobs import IN_QUEUE, JobRunner
from shared.local.processes import serve_until_stopped

log = logging.getLogger("cineweave.gpu_runner")

DEFAULT_EXEC_COMMAND = [sys.executable, "-m", "worker.local_exec"]

URLS = Map(
    [
        Rule("/v2/<endpoint>/run", methods=["POST"], endpoint="run"),
        Rule("/v2/<endpoint>/status/<job_id>", methods=["GET", "POST"], endpoint="status"),
        Rule("/v2/<endpoint>/cancel/<job_id>", methods=["POST"], endpoint="cancel"),
        Rule("/v2/<endpoint>/health", methods=["GET"], endpoint="health"),
    ]
)


def _json(body: dict, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json")


class GpuRunnerApp:
    """WSGI app over a JobRunner."""

    def __init__(self, runner: JobRunner):
        self.runner = runner

    def __call__(self, environ, start_response):
        request = Request(environ)
        try:
            response = self._dispatch(request)
        except HTTPException as exc:
            response = _json({"error": exc.description or exc.name}, exc.code or 500)
        return response(environ, start_response)

    def _dispatch(self, request: Request) -> Response:
        try:
            endpoint, args = URLS.bind_to_environ(request.environ).match()
        except NotFound:
            return _json({"error": "not found"}, 404)
        except MethodNotAllowed:
            return _json({"error": "method not allowed"}, 405)
        if not _api_key(request):
            return _json({"error": "Unauthorized: missing API key"}, 401)
        if endpoint == "run":
            return self._run(request)
        if endpoint == "health":
            return _json(self.runner.health())
        view = self.runner.status(args["job_id"]) if endpoint == "status" else self.runner.cancel(args["job_id"])
        if view is None:
            return _json({"error": "request does not exist"}, 404)
        return _json(view)

    def _run(self, request: Request) -> Response:
        body = request.get_json(silent=True)
        if not isinstance(body, dict) or not isinstance(body.get("input"), dict):
            return _json({"error": "body must be a JSON object with an 'input' object"}, 400)
        policy = body.get("policy") or {}
        timeout_ms = policy.get("executionTimeout") if isinstance(policy, dict) else None
        if timeout_ms is not None and (not isinstance(timeout_ms, (int, float)) or timeout_ms <= 0):
            return _json({"error": "policy.executionTimeout must be a positive number of milliseconds"}, 400)
        job = self.runner.submit(body["input"], body.get("webhook"), timeout_ms)
        # Accepted means queued, even if the job thread has already picked it up.
        return _json({"id": job.id, "status": IN_QUEUE})


def _api_key(request: Request) -> str:
    """RunPod takes the key as `Bearer <key>` or bare; locally any non-empty key will do."""
    header = request.headers.get("Authorization", "").strip()
    return header.removeprefix("Bearer").strip()


def start_in_thread(runner: JobRunner, host: str = settings.HOST, port: int = 0) -> tuple[BaseWSGIServer, str]:
    """Serve `runner` from a background thread; returns the server and its /v2 base URL.

    Stop it with `server.shutdown()` and then `runner.close()`.
    """
    server = make_server(host, port, GpuRunnerApp(runner), threaded=True)
    threading.Thread(target=server.serve_forever, name="gpu-runner-http", daemon=True).start()
    return server, f"http://{host}:{server.server_port}/v2"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default=settings.HOST)
    parser.add_argument("--port", type=int, default=settings.DEV_GPU_RUNNER_PORT)
    parser.add_argument(
        "--exec",
        dest="exec_command",
        default=shlex.join(DEFAULT_EXEC_COMMAND),
        help="command that runs one job (local exec protocol)",
    )
    parser.add_argument(
        "--webhook-retry-delay", type=float, default=1.0, help="seconds between webhook tries (RunPod waits 10 s)"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s gpu-runner %(levelname)s %(message)s")

    runner = JobRunner(
        shlex.split(args.exec_command), cwd=str(settings.REPO_ROOT), webhook_retry_delay_s=args.webhook_retry_delay
    )
    server = make_server(args.host, args.port, GpuRunnerApp(runner), threaded=True)
    log.info("listening on http://%s:%d/v2, running jobs with: %s", args.host, args.port, args.exec_command)
    # SIGTERM (from the stack) must also end the running job, which lives in its own process group.
    serve_until_stopped(server, runner.close)


if __name__ == "__main__":
    main()
