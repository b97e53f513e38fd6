"""One local HTTP server for the whole API and the web app, standing in for the load balancer's URL map.

`/api/...` goes to the function that shared/routes.py names, run by functions-framework exactly as in
the cloud (the full path is passed on; each function re-matches its own sub-paths). `/app-config.json` is
the web app's runtime configuration, built from the environment the functions see. Anything else is
served from frontend/dist/ when the web app is built, or answered with a short page that says how to
sign in.
"""

import html
import json
import logging
import os
import threading
from collections.abc import Mapping
from pathlib import Path

from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.serving import BaseWSGIServer, make_server
from werkzeug.utils import send_from_directory
from werkzeug.wrappers import Request, Response

from shared.local import settings
from shared.local.auth_emulator import sign_in_instructions
from shared.routes import ROUTES

FUNCTIONS_DIR = settings.REPO_ROOT / "functions"
APP_CONFIG_PATH = "/app-config.json"
log = logging.getLogger("cineweave.router")


def app_config(environ: Mapping[str, str]) -> dict:
    """The web app's runtime configuration: which Firebase project, which emulators, which sign-in buttons."""
    project = environ.get("GOOGLE_CLOUD_PROJECT") or settings.PROJECT_ID
    config = {
        "firebase": {"apiKey": settings.FAKE_API_KEY, "authDomain": f"{project}.firebaseapp.com", "projectId": project},
        "googleSignIn": environ.get("CINEWEAVE_GOOGLE_SIGN_IN") == "1",
        "environment": "local",
    }
    emulators: dict[str, object] = {}
    if environ.get("FIREBASE_AUTH_EMULATOR_HOST"):
        emulators["auth"] = "http://" + environ["FIREBASE_AUTH_EMULATOR_HOST"]
    if environ.get("FIRESTORE_EMULATOR_HOST"):
        host, _, port = environ["FIRESTORE_EMULATOR_HOST"].rpartition(":")
        emulators["firestore"] = {"host": host.strip("[]"), "port": int(port)}
    if emulators:
        config["emulators"] = emulators
    return config


def _error(status: int, code: str, message: str, headers: dict | None = None) -> Response:
    body = json.dumps({"error": {"code": code, "message": message}})
    return Response(body, status=status, mimetype="application/json", headers=headers)


class LocalRouter:
    """WSGI app: `/api/...` → function apps (built on first use), everything else → the web app."""

    def __init__(
        self,
        functions_dir: Path = FUNCTIONS_DIR,
        frontend_dist: Path = settings.FRONTEND_DIST,
        environ: Mapping[str, str] | None = None,
    ):
        self.functions_dir = functions_dir
        self.frontend_dist = frontend_dist
        self.environ = os.environ if environ is None else environ  # read per request: what the functions see
        self._url_map = Map(
            [Rule(r.rule, methods=list(r.methods), endpoint=r.function) for r in ROUTES],
            strict_slashes=False,
            merge_slashes=False,  # as the functions match: `/api//healthz` names no route, it is no redirect
        )
        self._apps: dict[str, object] = {}
        self._apps_lock = threading.Lock()

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path == "/api" or path.startswith("/api/"):
            return self._api(environ, start_response)
        if path == APP_CONFIG_PATH:  # before the static files: a built app's own copy never wins
            return self._app_config(Request(environ))(environ, start_response)
        return self._static(Request(environ))(environ, start_response)

    def function_app(self, name: str):
        with self._apps_lock:  # one import per function, even under concurrent first requests
            if name not in self._apps:
                self._apps[name] = self._load_function_app(name)
            return self._apps[name]

    def _load_function_app(self, name: str):
        # Imported here: functions_framework pulls in Flask and friends, which the static pages do not need.
        import functions_framework

        source = self.functions_dir / f"{name}.py"
        if not source.is_file():
            raise FileNotFoundError(source)
        return functions_framework.create_app(target=name, source=str(source))

    def _api(self, environ, start_response):
        try:
            function, _ = self._url_map.bind_to_environ(environ).match()
        except MethodNotAllowed as exc:
            allowed = ", ".join(sorted(exc.valid_methods or []))
            response = _error(
                405,
                "method_not_allowed",
                f"{environ['REQUEST_METHOD']} is not allowed here; use {allowed}.",
                {"Allow": allowed},
            )
            return response(environ, start_response)
        except (NotFound, HTTPException):  # a redirect among them: an odd path is no route, as in production
            response = _error(404, "not_found", f"No API route matches {environ.get('PATH_INFO')}.")
            return response(environ, start_response)
        try:
            app = self.function_app(function)
        except FileNotFoundError:
            response = _error(404, "not_found", f"The {function} function is not available (functions/{function}.py).")
            return response(environ, start_response)
        except Exception:
            # Not cached: the next request tries again, so a fixed source file is picked up.
            log.exception("loading function %s failed", function)
            response = _error(500, "internal", f"The {function} function failed to load; see the server log.")
            return response(environ, start_response)
        return app(environ, start_response)

    def _app_config(self, request: Request) -> Response:
        if request.method not in ("GET", "HEAD"):
            return _error(405, "method_not_allowed", "Only GET and HEAD are served here.", {"Allow": "GET, HEAD"})
        return Response(
            json.dumps(app_config(self.environ)), mimetype="application/json", headers={"Cache-Control": "no-store"}
        )

    def _static(self, request: Request) -> Response:
        if request.method not in ("GET", "HEAD"):
            return _error(405, "method_not_allowed", "Only GET and HEAD are served here.", {"Allow": "GET, HEAD"})
        index = self.frontend_dist / "index.html"
        if not index.is_file():
            return Response(_not_built_page(request.host_url.rstrip("/")), mimetype="text/html")
        path = request.path.lstrip("/")
        try:
            return send_from_directory(self.frontend_dist, path or "index.html", request.environ)
        except NotFound:
            # Client-side routes (/jobs/123) are the single-page app's to resolve.
            return send_from_directory(self.frontend_dist, "index.html", request.environ)


def _not_built_page(base_url: str) -> str:
    auth_host = os.environ.get("FIREBASE_AUTH_EMULATOR_HOST", f"{settings.HOST}:9099")
    base = html.escape(base_url)
    return f"""<!doctype html>
<html><head><meta charset="utf-8"><title>CineWeave (local)</title></head>
<body style="font-family: sans-serif; max-width: 52em; margin: 2em auto">
<h1>CineWeave API is up</h1>
<p>The web app is not built (no <code>frontend/dist/</code>). The API answers under
<a href="{base}/api/healthz"><code>{base}/api</code></a>. Sign in through the local Auth emulator:</p>
<pre>{html.escape(sign_in_instructions(auth_host, base_url))}</pre>
</body></html>
"""


def start_in_thread(
    host: str = settings.HOST, port: int = 0, router: LocalRouter | None = None
) -> tuple[BaseWSGIServer, str]:
    """Serve the router from a background thread; returns the server and its base URL. Stop: `server.shutdown()`."""
    server = make_server(host, port, router or LocalRouter(), threaded=True)
    threading.Thread(target=server.serve_forever, name="api-router", daemon=True).start()
    return server, f"http://{host}:{server.server_port}"
