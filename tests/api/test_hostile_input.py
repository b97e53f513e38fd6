"""Hostile input on every public route: odd path parameters, query strings, headers and bodies never get a
5xx (other than 503 busy/unavailable) and never an HTML page; every refusal is the JSON error body.

Each route in shared/routes.py gets a bounded hypothesis run, seeded by the route so CI sees the same input
every time, sent through functions-framework's test client as a signed-in user, an admin, an internal caller
or nobody. CINEWEAVE_HOSTILE_EXAMPLES raises the number of examples per route for a longer local search.
The explicit cases further down are requests that used to answer 500 or an HTML page.
"""

import zlib

import flask
import pytest
from hypothesis import given, seed
from werkzeug import exceptions
from werkzeug.routing import RequestRedirect

from shared.http import Endpoint
from tests.api.hostile import (
    ADMIN_UID,
    HOSTILE,
    JOB_ID,
    ROUTE_PARAMS,
    UID,
    VALID_BODIES,
    check_answer,
    cursor_of,
    deep,
    failure,
    hostile_requests,
)

# -- the callers ----------------------------------------------------------------------------------------------


@pytest.fixture
def callers(api, make_user, services):
    """Headers per caller, and the values that stand in for UID, ADMIN_UID and JOB_ID."""
    user = make_user(credits=40)
    admin = make_user(admin=True)
    created = api.post("/api/jobs/create", user, json=VALID_BODIES["/api/jobs/create"])
    assert created.status_code == 201, created.get_data()
    return {
        "user": user.headers,
        "admin": admin.headers,
        "internal": {"Authorization": f"Bearer {services.settings.internal_task_secret}"},
        "nobody": {},
        "stand-ins": {UID: user.uid, ADMIN_UID: admin.uid, JOB_ID: created.get_json()["jobId"]},
    }


def send(api, function: str, request: dict, callers: dict):
    path, data = request["path"], request["body"]
    for stand_in, value in callers["stand-ins"].items():
        path = path.replace(stand_in, value)
        data = data.replace(stand_in.encode(), value.encode()) if data else data
    headers = callers[request["caller"]] | request["headers"]
    return api.clients[function].open(path, method=request["method"], headers=headers, data=data)


# -- the property ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("route", ROUTE_PARAMS)
def test_hostile_requests_get_json_answers_below_500(api, callers, route):
    # One hypothesis run per route, seeded by the route so each sees different input, the same on every run.
    # The fixtures (emulators emptied, users and a job made) are shared by the run's examples.
    @HOSTILE
    @seed(zlib.crc32(route.rule.encode()))
    @given(hostile=hostile_requests(route))
    def run(hostile):
        response = send(api, route.function, hostile, callers)
        check_answer(response, hostile["method"])

    run()


# -- the requests that used to answer 500 ---------------------------------------------------------------------
# Each group is one test (the fixtures cost more than the requests); a failure lists every case that failed.

ODD_PATHS = [
    ("GET", "/api/jobs/..", "get_job", "user"),
    ("GET", "/api/payments/..", "subscribe", "user"),
    ("POST", "/api/jobs/%2e%2e%2f/cancel", "cancel_job", "user"),
    ("POST", "/api/admin/users/%2e%2e%2f/credits", "admin", "admin"),
    ("GET", "/api/jobs/.", "get_job", "user"),
    ("GET", "/api/jobs/%2E%2E", "get_job", "user"),
    ("GET", "/api/jobs/__x__", "get_job", "user"),
    ("GET", "/api/payments/__reserved__", "subscribe", "user"),
    ("GET", "/api/jobs/" + "a" * 1501, "get_job", "user"),
    ("GET", "/api/jobs/" + "%C3%A9" * 751, "get_job", "user"),
    ("GET", "/api/jobs/%FF%FE", "get_job", "user"),
    ("GET", "/api/jobs/a%00b", "get_job", "user"),
    ("GET", "/api/jobs/..%2F..", "get_job", "user"),
    ("GET", "/api/jobs/%0A", "get_job", "user"),  # Flask's own rule takes no newline: its 404 was an HTML page
    ("GET", "/api/payments/a%0Ab", "subscribe", "user"),
    ("PUT", "/api/jobs/%0A/cancel", "cancel_job", "user"),
    ("GET", "/api/healthz%0A", "health", "nobody"),
    ("POST", "/api/jobs/../cancel", "cancel_job", "user"),
    ("POST", "/api/jobs/__x__/cancel", "cancel_job", "user"),
    ("POST", "/api/jobs//cancel", "cancel_job", "user"),
    ("POST", "/api/admin/users/../credits", "admin", "admin"),
    ("POST", "/api/admin/users/%2e%2e/credits", "admin", "admin"),
    ("POST", "/api/admin/users/__x__/credits", "admin", "admin"),
]

DEEP_ARRAY = deep(30000, "array")
DEEP_OBJECT = deep(12000, "object")
BODY_PATHS = [
    ("/api/subscribe", "subscribe"),
    ("/api/topup", "subscribe"),
    ("/api/jobs/create", "create_job"),
    ("/api/uploads", "create_upload"),
    ("/api/admin/users/someone/credits", "admin"),
]
UNREADABLE_BODIES = {
    "deep-array": DEEP_ARRAY,
    "deep-object": DEEP_OBJECT,
    "deep-in-a-field": deep(5000, "nested"),
    "deeper-than-32": deep(40, "object"),
    "not-utf8": b'{"planId": "\xff"}',
    "utf16": '{"planId": "basic"}'.encode("utf-16"),
    "truncated": b'{"planId": "basic"',
    "array": b"[]",
    "null": b"null",
    "empty": b"",
    "lone-surrogate": b'{"planId": "\\ud800", "credits": 5, "delta": 5, "reason": "\\udfff"}',
    "nan": b'{"credits": NaN, "delta": NaN}',
    "infinity": b'{"credits": Infinity, "delta": -Infinity}',
    "overflowing-float": b'{"credits": 1e999, "delta": 1e999}',
    "too-many-digits": b'{"credits": ' + b"9" * 5000 + b"}",
    "beyond-53-bits": b'{"credits": 9007199254740992, "delta": 9223372036854775807, "reason": "hostile"}',
}

CURSOR_PATHS = [
    ("/api/jobs", "create_job", "user"),
    ("/api/credits/ledger", "credits", "user"),
    ("/api/admin/jobs", "admin", "admin"),
    ("/api/admin/users", "admin", "admin"),
]
ODD_CURSORS = [cursor_of(raw) for raw in (b"..", b".", b"__x__", b"____", b"a/b", b"x" * 1501, b"\xff", b"a\x00")]
ODD_CURSORS += ["=", "!!", "Li4=", "%E9"]


def test_ids_firestore_cannot_take_are_not_found(api, callers):
    failures = []
    for method, path, function, caller in ODD_PATHS:
        body = b'{"delta": 5, "reason": "hostile id"}' if method == "POST" else None
        response = api.clients[function].open(path, method=method, headers=callers[caller], data=body)
        failures += failure(f"{method} {path[:80]}", response, method, 404, "not_found")
    assert not failures, "\n".join(failures)


def test_unreadable_bodies_are_invalid_arguments_before_anything_else(api, callers):
    # /api/subscribe and /api/topup answer 503 while payments are not configured: the body is read first.
    failures = []
    for path, function in BODY_PATHS:
        caller = callers["admin" if function == "admin" else "user"]
        for name, payload in UNREADABLE_BODIES.items():
            headers = caller | {"Content-Type": "application/json"}
            response = api.clients[function].open(path, method="POST", headers=headers, data=payload)
            failures += failure(f"POST {path} {name}", response, "POST", 400, "invalid_argument")
    assert not failures, "\n".join(failures)


def test_internal_and_webhook_routes_refuse_unreadable_bodies_as_json(api, callers):
    failures = []
    for path, function in [
        ("/api/tasks/dispatch", "dispatch_job"),
        ("/api/tasks/webhook", "dispatch_job"),
        ("/api/tasks/sweep", "sweep"),
        ("/api/tasks/renew", "renew"),
        ("/api/webhooks/truelayer", "truelayer_webhook"),
        ("/api/webhooks/runpod?token=x", "runpod_webhook"),
    ]:
        for caller in ("internal", "nobody"):
            for name, payload in UNREADABLE_BODIES.items():
                response = api.clients[function].open(path, method="POST", headers=callers[caller], data=payload)
                failures += failure(f"POST {path} {caller} {name}", response, "POST")
    assert not failures, "\n".join(failures)


def test_cursors_naming_ids_firestore_cannot_take_are_invalid(api, callers):
    failures = []
    for path, function, caller in CURSOR_PATHS:
        for cursor in ODD_CURSORS:
            response = api.clients[function].open(f"{path}?cursor={cursor}", method="GET", headers=callers[caller])
            problem = failure(f"GET {path}?cursor={cursor[:40]}", response, "GET", 400, "invalid_argument")
            if not problem and response.get_json()["error"].get("field") != "cursor":
                problem = [f"GET {path}?cursor={cursor[:40]}: the error names {response.get_json()['error']}"]
            failures += problem
    assert not failures, "\n".join(failures)


def test_dispatch_refuses_job_ids_firestore_cannot_take(api, callers):
    failures = []
    for job_id in [".", "..", "__x__", "a/b", "j" * 1501]:
        response = api.clients["dispatch_job"].open(
            "/api/tasks/dispatch", method="POST", headers=callers["internal"], json={"jobId": job_id}
        )
        failures += failure(
            f"POST /api/tasks/dispatch jobId={job_id[:20]!r}", response, "POST", 400, "invalid_argument"
        )
    assert not failures, "\n".join(failures)


def test_what_werkzeug_raises_in_a_view_is_answered_as_json():
    app = flask.Flask(__name__)
    cases = [
        (exceptions.BadRequest(), 400, "invalid_argument"),
        (exceptions.RequestEntityTooLarge(), 413, "too_large"),
        (exceptions.UnsupportedMediaType(), 415, "unsupported_media_type"),
        (exceptions.RequestTimeout(), 408, "request_timeout"),
        (exceptions.RequestHeaderFieldsTooLarge(), 431, "request_header_fields_too_large"),
        (RequestRedirect("http://localhost/api/healthz"), 404, "not_found"),
        (exceptions.InternalServerError(), 500, "internal"),
        (RecursionError("maximum recursion depth exceeded"), 400, "invalid_argument"),
    ]
    for raised, status, code in cases:
        endpoint = Endpoint("health")

        @endpoint.route("/api/healthz")
        def view(request, raised=raised):
            raise raised

        with app.test_request_context("/api/healthz"):
            response = endpoint(flask.request)
        assert response.status_code == status, raised
        assert response.headers["Content-Type"] == "application/json"
        assert response.get_json()["error"]["code"] == code, raised


def test_flask_refusals_outside_the_endpoint_are_json_too():
    # functions-framework imports the function module inside the app's context; so does this test.
    app = flask.Flask(__name__)
    with app.app_context():
        Endpoint("health")

    @app.route("/crash")
    def crash():
        raise RuntimeError("outside any Endpoint")

    client = app.test_client()
    missing = client.get("/nowhere")
    assert missing.status_code == 404
    assert missing.headers["Content-Type"] == "application/json"
    assert missing.get_json()["error"] == {"code": "not_found", "message": "No such API path: /nowhere"}
    crashed = client.get("/crash")
    assert crashed.status_code == 500
    assert crashed.headers["Content-Type"] == "application/json"
    assert crashed.headers["X-Google-Status"] == "crash"
    assert crashed.get_json()["error"]["code"] == "internal"
    assert b"outside any Endpoint" not in crashed.get_data()
