"""A scripted stand-in for RunPod's hosted queue API (`/v2/{endpoint}/run|status|cancel`), speaking its
documented wire format, so tests decide what each job's status is."""

import json
import threading
import uuid

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response


class FakeRunPod:
    def __init__(self, api_key: str = "test-runpod-key"):
        self.api_key = api_key
        self.jobs: dict[str, dict] = {}
        self.runs: list[dict] = []  # every /run body, in order
        self.cancels: list[str] = []
        self.fail_runs = 0  # answer this many /run calls with 503
        self._lock = threading.Lock()
        self._server = make_server("127.0.0.1", 0, self._app, threaded=True)
        self.base = f"http://127.0.0.1:{self._server.server_port}/v2"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def close(self):
        """Stop answering: later calls see a refused connection, like a backend that is down."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def set(self, backend_id: str, status: str, output=None, error=None) -> None:
        with self._lock:
            self.jobs[backend_id] |= {"status": status, "output": output, "error": error}

    def forget(self, backend_id: str) -> None:
        with self._lock:
            self.jobs.pop(backend_id, None)

    @Request.application
    def _app(self, request: Request) -> Response:
        if request.headers.get("Authorization") != f"Bearer {self.api_key}":
            return self._json({"error": "Unauthorized"}, 401)
        parts = request.path.strip("/").split("/")  # v2, endpoint, op[, id]
        op = parts[2] if len(parts) > 2 else ""
        with self._lock:
            if op == "run" and request.method == "POST":
                if self.fail_runs > 0:
                    self.fail_runs -= 1
                    return self._json({"error": "busy"}, 503)
                body = request.get_json()
                backend_id = f"rp-{uuid.uuid4().hex[:12]}"
                self.runs.append(body | {"id": backend_id})
                self.jobs[backend_id] = {"status": "IN_QUEUE", "output": None, "error": None, "input": body["input"]}
                return self._json({"id": backend_id, "status": "IN_QUEUE"})
            job = self.jobs.get(parts[3]) if len(parts) > 3 else None
            if job is None:
                return self._json({"error": "request does not exist"}, 404)
            if op == "cancel" and request.method == "POST":
                self.cancels.append(parts[3])
                if job["status"] in ("IN_QUEUE", "IN_PROGRESS"):
                    job["status"] = "CANCELLED"
                return self._json({"id": parts[3], "status": job["status"]})
            if op == "status":
                body = {"id": parts[3], "status": job["status"], "delayTime": 120, "executionTime": 900}
                for key in ("output", "error"):
                    if job[key] is not None:
                        body[key] = job[key]
                return self._json(body)
        return self._json({"error": "not found"}, 404)

    @staticmethod
    def _json(body, status=200):
        return Response(json.dumps(body), status, content_type="application/json")
