"""tests.bench.cold_start measures every function: its requests come from the route table, one per file in
functions/, each sent to a path its function serves, with the credentials that path takes."""

import pathlib

from werkzeug.routing import Map, Rule

from shared.routes import ROUTES
from tests.bench.cold_start import requests_for

FUNCTIONS_DIR = pathlib.Path(__file__).resolve().parents[2] / "functions"
USER, ADMIN, SECRET = {"idToken": "user-token"}, {"idToken": "admin-token"}, "task-secret"


def test_there_is_a_request_for_every_function_file():
    calls = requests_for(USER, ADMIN, SECRET)
    files = {path.stem for path in FUNCTIONS_DIR.glob("*.py") if path.stem != "__init__"}
    assert set(calls) == files
    assert {"subscribe", "truelayer_webhook", "renew", "developer"} <= set(calls)  # the ones a hand list missed


def test_each_request_reaches_its_own_function_with_the_right_credentials():
    routes = Map([Rule(r.rule, methods=list(r.methods), endpoint=r.function) for r in ROUTES]).bind("localhost")
    for function, (method, path, headers, body) in requests_for(USER, ADMIN, SECRET).items():
        served_by, _ = routes.match(path.split("?")[0], method=method)
        assert served_by == function, path
        token = headers.get("Authorization", "").removeprefix("Bearer ")
        if path.startswith("/api/tasks/"):
            assert token == SECRET, path
        elif path.startswith("/api/admin/"):
            assert token == "admin-token", path
        elif path in ("/api/healthz", "/api/plans") or path.startswith("/api/webhooks/"):
            assert not token, path
        else:
            assert token == "user-token", path
        if method == "POST" and function in ("create_job", "create_upload", "subscribe", "dispatch_job"):
            assert body, f"{path} needs a body to get past validation"
