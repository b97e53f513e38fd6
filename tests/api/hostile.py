"""What the hostile-input tests send and how they judge the answer: hypothesis strategies for odd path
parameters, query strings, headers and bodies per route, and the checks every answer must pass."""

import base64
import json
import os
import re
import urllib.parse

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from shared.routes import ROUTES

EXAMPLES = int(os.environ.get("CINEWEAVE_HOSTILE_EXAMPLES", "60"))
SNAKE_CASE = re.compile(r"[a-z][a-z0-9]*(_[a-z0-9]+)*")
RETRYABLE = {"busy", "unavailable"}
MAX_BODY = 64 * 1024
PARAM = re.compile(r"<(?:\w+:)?(\w+)>")

HOSTILE = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)


# -- what comes back ------------------------------------------------------------------------------------------


def check_answer(response, method: str = "GET") -> None:
    status = response.status_code
    content_type = response.headers.get("Content-Type", "")
    data = response.get_data()
    described = f"{method} -> {status} {content_type} {data[:300]!r}"
    assert b"<html" not in data.lower() and b"<!doctype" not in data.lower(), described
    assert content_type.startswith("application/json"), described
    if method == "HEAD":
        return
    body = json.loads(data)
    if status >= 400:
        error = body.get("error") if isinstance(body, dict) else None
        assert isinstance(error, dict), described
        assert isinstance(error.get("code"), str) and SNAKE_CASE.fullmatch(error["code"]), described
        assert isinstance(error.get("message"), str) and error["message"], described
        if "field" in error:
            assert isinstance(error["field"], str) and error["field"], described
    if status >= 500:
        assert status == 503 and body["error"]["code"] in RETRYABLE, described


def error_code(response) -> str:
    return response.get_json()["error"]["code"]


# -- what goes out --------------------------------------------------------------------------------------------


def encode_all(raw: bytes) -> str:
    return "".join(f"%{byte:02X}" for byte in raw)


def encode_some(raw: bytes) -> str:
    return urllib.parse.quote_from_bytes(raw, safe="")


ODD_IDS = [
    "",
    ".",
    "..",
    "...",
    "./",
    "../",
    "a/b",
    "/",
    "__x__",
    "__",
    "____",
    "__.*__",
    "__name__",
    " ",
    "\t",
    "\x00",
    "\n",
    "a\nb",
    "\r\n",
    "\x7f",
    "\ufffd",
    "é",
    "😀",
    "%2e%2e%2f",
    "a" * 1500,
    "a" * 1501,
    "é" * 751,
    "x" * 5000,
    "null",
    "undefined",
    "${jndi:x}",
    "<script>",
    "'; DROP TABLE jobs; --",
]
ODD_ID_BYTES = [value.encode() for value in ODD_IDS] + [b"\xff", b"\xc0\xaf", b"\xed\xa0\x80", b"a\x80b", b"\xfe\xff"]


def cursor_of(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


id_bytes = st.one_of(
    st.sampled_from(ODD_ID_BYTES),
    st.binary(max_size=40),
    st.text(max_size=40).map(lambda text: text.encode("utf-8", "surrogatepass")),
)
# Stand-ins replaced when the request is sent: the user's uid, the admin's uid, a job of the user's.
UID, ADMIN_UID, JOB_ID = "@@uid@@", "@@admin@@", "@@job@@"
plain_id = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_", min_size=1, max_size=40)
path_param = st.one_of(
    id_bytes.map(encode_all),
    id_bytes.map(encode_some),
    st.sampled_from([".", "..", "__x__", UID, ADMIN_UID, JOB_ID]),
    plain_id,
)

query_value = st.one_of(
    st.sampled_from(
        ["", "0", "-1", "1", "201", "1e3", "1.5", "0x10", " 5", "9" * 400, "NaN", "true", "[]", "queued", "QUEUED"]
    ),
    id_bytes.map(cursor_of),  # cursors that decode to odd ids
    st.sampled_from(["Li4", "Lg", "X194X18", "YS9i", "====", "!!", "Li4=", "%", "%zz"]),
    id_bytes.map(encode_some),
)
QUERY_NAMES = ["limit", "cursor", "status", "userId", "email", "token", "planId", "jobId", "uid", "x", ""]
query_pairs = st.lists(st.tuples(st.sampled_from(QUERY_NAMES), query_value), max_size=4).map(
    lambda pairs: "&".join(f"{name}={value}" if name else value for name, value in pairs)
)
query_junk = st.text(
    alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E, exclude_characters="#"), max_size=30
)
query_string = st.one_of(st.just(""), query_pairs, query_junk)

header_text = st.text(
    alphabet=st.characters(min_codepoint=0x01, max_codepoint=0xFF, exclude_characters="\r\n"), max_size=60
)
authorization = st.one_of(
    st.sampled_from(
        ["", "Bearer", "Bearer ", "bearer x", "Bearer x.y.z", "Bearer ..", "Basic dXNlcjpwYXNz", "Bearer a.b", "Token"]
    ),
    header_text,
    header_text.map(lambda junk: f"Bearer {junk}"),
    st.just("Bearer " + "e30." * 2),  # {}.{}.
)
content_type = st.sampled_from(
    [
        "application/json",
        "application/json; charset=utf-8",
        "application/json; charset=utf-16",
        "application/json; charset=latin-1",
        "text/plain",
        "text/html",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "multipart/form-data",
        "application/octet-stream",
        "",
        ";;;",
        "application/json; charset=\x00",
    ]
)
headers = st.fixed_dictionaries(
    {},
    optional={
        "Idempotency-Key": st.one_of(header_text, plain_id),
        "Content-Type": content_type,
        "X-Cloud-Trace-Context": header_text,
        "Function-Execution-Id": header_text,
        "Tl-Signature": header_text,
        "X-Tl-Webhook-Timestamp": header_text,
        "Accept": st.sampled_from(["text/html", "*/*", "application/json", "\x01"]),
        "Content-Encoding": st.sampled_from(["gzip", "br", "identity", "x"]),
    },
)

FIELD_NAMES = [
    "prompt",
    "negativePrompt",
    "imageKey",
    "durationSec",
    "seed",
    "aspectRatio",
    "contentType",
    "sizeBytes",
    "delta",
    "reason",
    "planId",
    "credits",
    "jobId",
    "id",
    "status",
    "type",
    "event_id",
    "payment_id",
    "output",
    "__proto__",
    "",
]
hostile_text = st.one_of(
    st.text(max_size=30), st.sampled_from(ODD_IDS), id_bytes.map(lambda raw: raw.decode("latin-1"))
)
scalars = st.one_of(
    hostile_text,
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.sampled_from([2**31, 2**53 - 1, 2**53, -(2**53) + 1, 2**63 - 1, -(2**63), 2**64]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
    st.sampled_from([".", "..", "__x__", "a/b", "x" * 2000, "", " ", "\x00", "basic", "16:9", "image/png", 5, 10, 0]),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(FIELD_NAMES), hostile_text), inner, max_size=5),
    ),
    max_leaves=12,
)
json_objects = st.dictionaries(st.sampled_from(FIELD_NAMES), json_values, max_size=6)


def deep(depth: int, kind: str) -> bytes:
    if kind == "array":
        return b"[" * depth + b"]" * depth
    if kind == "object":
        return b'{"":' * depth + b"1" + b"}" * depth
    return b'{"planId":' + b"[" * depth + b"]" * depth + b"}"


class Raw(bytes):
    """A body that hypothesis reports by its first bytes and its size, not all of it."""

    def _repr_pretty_(self, printer, cycle):
        printer.text(repr(bytes(self)) if len(self) <= 80 else f"Raw({bytes(self[:60])!r} ... {len(self)} bytes)")


RAW_BODIES = [
    b"",
    b"null",
    b"[]",
    b'""',
    b"0",
    b"{",
    b"}",
    b"{}}",
    b"{'a': 1}",
    b"NaN",
    b'{"credits": NaN}',
    b'{"credits": Infinity}',
    b'{"credits": -Infinity}',
    b'{"credits": 1e999999}',
    b'{"delta": 1e400, "reason": "hostile"}',
    b'{"credits": ' + b"9" * 5000 + b"}",
    b'{"delta": ' + b"9" * 4000 + b', "reason": "hostile"}',
    b'{"delta": 99999999999999999999999, "reason": "hostile"}',
    b'{"delta": -99999999999999999999999, "reason": "hostile"}',
    b'{"credits": 99999999999999999999999}',
    b'{"sizeBytes": 99999999999999999999999, "contentType": "image/png"}',
    b'{"seed": 99999999999999999999999, "prompt": "x", "durationSec": 5}',
    b'{"planId": "\xff"}',
    b'{"planId": "\xed\xa0\x80"}',
    b'{"planId": "\\ud800"}',
    b'{"prompt": "\\udfff", "durationSec": 5}',
    b'{"reason": "\\ud800\\ud800", "delta": 1}',
    b'{"jobId": "\\ud800"}',
    b'{"jobId": ".."}',
    b'{"jobId": "."}',
    b'{"jobId": "__x__"}',
    b'{"jobId": "a/b"}',
    b'{"jobId": "' + b"j" * 1600 + b'"}',
    b'{"planId": "a", "planId": "b"}',
    b"\xef\xbb\xbf{}",
    b"\xff\xfe{\x00}\x00",
    '{"planId": "basic"}'.encode("utf-16"),
    b"\x00" * 16,
    b"\x1f\x8b\x08\x00",  # a gzip header
    b"--x\r\nContent-Disposition: form-data; name=a\r\n\r\nb\r\n--x--\r\n",
    b"a=b&c=d",
    b" " * 1000,
    deep(30000, "array"),
    deep(12000, "object"),
    deep(5000, "nested"),
    deep(999, "array"),
    deep(500, "object"),
    deep(64, "array"),
    deep(25, "object"),
    b"[" * (MAX_BODY + 10),
]
body = st.one_of(
    st.none(),
    st.sampled_from(RAW_BODIES).map(Raw),
    json_objects.map(lambda value: json.dumps(value).encode()),
    json_values.map(lambda value: json.dumps(value).encode()),
    st.binary(max_size=200),
    st.integers(min_value=20, max_value=30000).map(lambda depth: Raw(deep(depth, "array"))),
)

ROUTE_PARAMS = [pytest.param(route, id=f"{'/'.join(route.methods)} {route.rule}") for route in ROUTES]
OTHER_METHODS = ["PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "TRACE", "PROPFIND"]
CALLERS = ["user", "admin", "internal", "nobody"]
# A body each route accepts, for near misses that get past the parsing into the view.
VALID_BODIES = {
    "/api/jobs/create": {"prompt": "A fox crossing a snowy field", "durationSec": 5},
    "/api/uploads": {"contentType": "image/png", "sizeBytes": 1024},
    "/api/subscribe": {"planId": "starter"},
    "/api/topup": {"credits": 100},
    "/api/admin/users/<uid>/credits": {"delta": 5, "reason": "hostile input test"},
    "/api/tasks/dispatch": {"jobId": JOB_ID},
    "/api/tasks/webhook": {"jobId": JOB_ID, "event": "job.completed"},
}


def near_misses(template: dict):
    fields = sorted(template)
    value = st.one_of(st.sampled_from(ODD_IDS), hostile_text, json_values)
    changed = st.tuples(st.sampled_from(fields), value).map(lambda change: template | {change[0]: change[1]})
    return st.one_of(
        changed,
        changed,
        st.just(template),
        st.sampled_from(fields).map(lambda gone: {name: value for name, value in template.items() if name != gone}),
        st.tuples(st.sampled_from(FIELD_NAMES), json_values).map(lambda extra: {extra[0]: extra[1]} | template),
    ).map(lambda value: json.dumps(value).encode())


def natural_caller(route) -> str:
    if route.rule.startswith("/api/tasks/"):
        return "internal"
    return "admin" if route.rule.startswith("/api/admin/") else "user"


@st.composite
def hostile_requests(draw, route):
    params = {name: draw(path_param) for name in PARAM.findall(route.rule)}
    path = PARAM.sub(lambda match: params[match.group(1)], route.rule)
    query = draw(query_string)
    method = draw(st.sampled_from(route.methods)) if draw(st.integers(0, 7)) else draw(st.sampled_from(OTHER_METHODS))
    request_headers = draw(headers)
    if draw(st.integers(0, 4)) == 0:  # now and then a junk Authorization instead of the caller's
        request_headers["Authorization"] = draw(authorization)
    template = VALID_BODIES.get(route.rule)
    return {
        "method": method,
        "path": path + (f"?{query}" if query else ""),
        "caller": draw(st.sampled_from([natural_caller(route)] * 3 + CALLERS)),
        "headers": request_headers,
        "body": draw(st.one_of(near_misses(template), near_misses(template), body) if template else body),
    }


def failure(label: str, response, method: str, status: int | None = None, code: str | None = None) -> list[str]:
    """[] when the answer is right, else one line saying what came back."""
    try:
        check_answer(response, method)
        if status is not None:
            assert response.status_code == status
            assert error_code(response) == code
    except (AssertionError, ValueError):
        return [f"{label}: {response.status_code} {response.get_data()[:160]!r}"]
    return []
