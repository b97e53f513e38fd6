"""A webhook receiver on 127.0.0.1 for the tests: keeps every request it gets and answers the statuses the test
scripts (200 once the script runs out)."""

import dataclasses
import threading

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response


@dataclasses.dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: str


class WebhookReceiver:
    def __init__(self, *statuses: int):
        self.statuses = list(statuses)
        self.received: list[Received] = []
        self._lock = threading.Lock()
        self._server = make_server("127.0.0.1", 0, self._app, threaded=True)
        self.port = self._server.server_port
        self.url = f"http://127.0.0.1:{self.port}/hooks/cineweave"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    @Request.application
    def _app(self, request: Request) -> Response:
        with self._lock:
            self.received.append(
                Received(request.full_path.rstrip("?"), dict(request.headers), request.get_data(as_text=True))
            )
            status = self.statuses.pop(0) if self.statuses else 200
        headers = {"Location": "http://127.0.0.1:9/elsewhere"} if 300 <= status < 400 else {}
        return Response("", status=status, headers=headers)
