"""Small HTTP servers for the payment tests: a webhook receiver that records deliveries, and a JWKS host
that counts fetches and can change its key set (key rotation)."""

import json
import threading
import time
from dataclasses import dataclass

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response


@dataclass(frozen=True)
class Delivery:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def event(self) -> dict:
        return json.loads(self.body)


class _Server:
    def __init__(self):
        self._lock = threading.Lock()
        self._server = make_server("127.0.0.1", 0, self._app, threaded=True)
        self.base_url = f"http://127.0.0.1:{self._server.server_port}"
        # A short poll interval keeps shutdown (once a test) quick.
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _app(self, environ, start_response):
        return self.handle(Request(environ))(environ, start_response)


class WebhookReceiver(_Server):
    """Records every POST; answers `fail_statuses` first (one per delivery try), then 200."""

    def __init__(self):
        self.deliveries: list[Delivery] = []
        self.fail_statuses: list[int] = []
        super().__init__()

    def handle(self, request: Request) -> Response:
        with self._lock:
            self.deliveries.append(
                Delivery(request.method, request.path, dict(request.headers.items()), request.get_data())
            )
            status = self.fail_statuses.pop(0) if self.fail_statuses else 200
        return Response("", status)

    def wait_for(self, count: int, timeout_s: float = 3.0) -> list[Delivery]:
        deadline = time.monotonic() + timeout_s
        while len(self.deliveries) < count and time.monotonic() < deadline:
            time.sleep(0.01)
        return list(self.deliveries)


class JwksHost(_Server):
    """Serves `jwks` at /.well-known/jwks; `fetches` counts the GETs; `status` other than 200 fails them."""

    def __init__(self, jwks: dict):
        self.jwks = jwks
        self.fetches = 0
        self.status = 200
        super().__init__()

    @property
    def jwks_url(self) -> str:
        return f"{self.base_url}/.well-known/jwks"

    def handle(self, request: Request) -> Response:
        if request.path != "/.well-known/jwks":
            return Response("", 404)
        with self._lock:
            self.fetches += 1
            return Response(json.dumps(self.jwks), self.status, content_type="application/json")
