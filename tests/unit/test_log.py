"""shared.log: the trace read from a request's headers, what a line carries, and the per-request binding."""

import threading

import pytest

from shared import log
from shared.log import SPAN, TRACE, Trace
from tests.log_lines import LogLines

TRACE_ID = "105445aa7843bc8bf206b12000100000"
logger = log.get_logger("test")


@pytest.fixture
def lines(monkeypatch):
    monkeypatch.setenv("GOOGLE_CLOUD_PROJECT", "cw-prod")
    with LogLines() as captured:
        yield captured


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"X-Cloud-Trace-Context": f"{TRACE_ID}/1;o=1"}, Trace(TRACE_ID, "0000000000000001", True)),
        ({"X-Cloud-Trace-Context": f"{TRACE_ID.upper()}/18446744073709551615;o=0"}, Trace(TRACE_ID, "f" * 16, False)),
        ({"X-Cloud-Trace-Context": TRACE_ID}, Trace(TRACE_ID, None, True)),
        ({"X-Cloud-Trace-Context": f"{TRACE_ID}/0;o=1"}, Trace(TRACE_ID, None, True)),
        ({"traceparent": f"00-{TRACE_ID}-00f067aa0ba902b7-01"}, Trace(TRACE_ID, "00f067aa0ba902b7", True)),
        ({"traceparent": f"00-{TRACE_ID}-00f067aa0ba902b7-00"}, Trace(TRACE_ID, "00f067aa0ba902b7", False)),
        # Both: Google's own header is the one Cloud Logging correlates by.
        (
            {"X-Cloud-Trace-Context": f"{TRACE_ID}/2;o=1", "traceparent": f"00-{'a' * 32}-00f067aa0ba902b7-01"},
            Trace(TRACE_ID, "0000000000000002", True),
        ),
        ({}, None),
        ({"X-Cloud-Trace-Context": "not-a-trace"}, None),
        ({"X-Cloud-Trace-Context": f"{'0' * 32}/1;o=1"}, None),
        ({"X-Cloud-Trace-Context": f"{TRACE_ID[:-1]}/1;o=1"}, None),
        ({"traceparent": f"ff-{TRACE_ID}-00f067aa0ba902b7-01"}, None),
        ({"traceparent": f"00-{'0' * 32}-00f067aa0ba902b7-01"}, None),
        ({"traceparent": f"00-{TRACE_ID}-{'0' * 16}-01"}, None),
        ({"traceparent": f"00-{TRACE_ID}-00f067aa0ba902b7"}, None),
    ],
)
def test_the_trace_is_read_from_either_header_and_anything_unreadable_is_no_trace(headers, expected):
    assert Trace.from_headers(headers) == expected


def test_the_headers_carried_on_name_the_same_trace_and_span_in_both_forms():
    trace = Trace(TRACE_ID, "00f067aa0ba902b7", False)
    carried = trace.headers()
    assert carried == {
        "X-Cloud-Trace-Context": f"{TRACE_ID}/{int('00f067aa0ba902b7', 16)};o=0",
        "traceparent": f"00-{TRACE_ID}-00f067aa0ba902b7-00",
    }
    for name, value in carried.items():
        assert Trace.from_headers({name: value}) == trace
    # A trace known without its span (a job's, stored at create) goes on with a span of our own.
    fresh = Trace.from_headers({"traceparent": Trace(TRACE_ID).headers()["traceparent"]})
    assert fresh is not None and fresh.trace_id == TRACE_ID and fresh.span_id


def test_a_request_scope_puts_its_trace_and_ids_on_every_line_and_clears_them_after(lines):
    with log.request_scope({"X-Cloud-Trace-Context": f"{TRACE_ID}/1;o=1"}):
        logger.info("before the user is known")
        log.bind(uid="u-1", jobId=None)
        logger.warning("served", extra=log.fields(jobId="j-1", status=503))
        assert log.trace_headers()["X-Cloud-Trace-Context"] == f"{TRACE_ID}/1;o=1"
    logger.info("after")
    before, served, after = lines.lines
    assert before == {
        "severity": "INFO",
        "message": "before the user is known",
        "logger": "cineweave.test",
        TRACE: f"projects/cw-prod/traces/{TRACE_ID}",
        SPAN: "0000000000000001",
    }
    assert served == {**before, "severity": "WARNING", "message": "served", "uid": "u-1", "jobId": "j-1", "status": 503}
    assert after == {"severity": "INFO", "message": "after", "logger": "cineweave.test"}
    assert log.trace_headers() == {}


def test_a_new_request_on_the_same_thread_starts_with_nothing_bound(lines):
    with log.request_scope({"X-Cloud-Trace-Context": f"{TRACE_ID}/1;o=1"}):
        log.bind(uid="u-1", paymentId="p-1")
    with log.request_scope({}):
        logger.info("next request")
    assert lines.lines == [{"severity": "INFO", "message": "next request", "logger": "cineweave.test"}]


def test_a_scope_binds_for_its_block_and_gives_back_what_was_bound(lines):
    with log.request_scope({"traceparent": f"00-{TRACE_ID}-00f067aa0ba902b7-01"}):
        log.bind(uid="u-1")
        with log.scope(Trace("b" * 32), jobId="j-1", uid="u-2"):
            logger.info("inner")
        logger.info("outer")
    inner, outer = lines.lines
    assert (inner[TRACE], inner.get(SPAN), inner["jobId"], inner["uid"]) == (
        f"projects/cw-prod/traces/{'b' * 32}",
        None,
        "j-1",
        "u-2",
    )
    assert (outer[TRACE], outer[SPAN], outer["uid"], "jobId" in outer) == (
        f"projects/cw-prod/traces/{TRACE_ID}",
        "00f067aa0ba902b7",
        "u-1",
        False,
    )


class StoredJob:
    def __init__(self, job_id, trace):
        self.id, self.trace = job_id, trace


class Reconciler:
    @log.job_scoped
    def reconcile(self, job, *, late: bool) -> str:
        logger.info("reconciled", extra=log.fields(late=late))
        return "done"


def test_work_on_a_job_logs_under_the_trace_of_its_create_then_the_callers_again(lines):
    with log.request_scope({"X-Cloud-Trace-Context": f"{'c' * 32}/7;o=1"}):
        assert Reconciler().reconcile(StoredJob("j-1", TRACE_ID), late=True) == "done"
        Reconciler().reconcile(StoredJob("j-2", None), late=False)  # made before jobs kept their trace
        logger.info("sweep finished")
    traced, untraced, finished = lines.lines
    assert (traced[TRACE], traced.get(SPAN), traced["jobId"], traced["late"]) == (
        f"projects/cw-prod/traces/{TRACE_ID}",
        None,
        "j-1",
        True,
    )
    assert (untraced[TRACE], untraced["jobId"]) == (f"projects/cw-prod/traces/{'c' * 32}", "j-2")
    assert finished[TRACE] == f"projects/cw-prod/traces/{'c' * 32}" and "jobId" not in finished


def test_what_one_thread_binds_is_not_on_another_threads_lines(lines):
    bound, release = threading.Event(), threading.Event()

    def serve():
        with log.request_scope({"X-Cloud-Trace-Context": f"{TRACE_ID}/1;o=1"}):
            log.bind(uid="u-1")
            bound.set()
            release.wait(5)

    thread = threading.Thread(target=serve)
    thread.start()
    assert bound.wait(5)
    logger.info("elsewhere")
    release.set()
    thread.join(5)
    assert lines.lines == [{"severity": "INFO", "message": "elsewhere", "logger": "cineweave.test"}]


def test_without_a_project_in_the_environment_the_settings_default_names_it(monkeypatch, lines):
    from shared.config import Settings

    monkeypatch.delenv("GOOGLE_CLOUD_PROJECT")
    with log.request_scope({"X-Cloud-Trace-Context": TRACE_ID}):
        logger.info("local")
    assert lines.lines[0][TRACE] == f"projects/{Settings().project_id}/traces/{TRACE_ID}"


def test_the_local_queue_carries_the_enqueuers_trace_to_the_tasks_it_posts(monkeypatch):
    from shared.adapters import queue as queue_adapter

    posted = []

    class Answer:
        status_code = 200

    def post(url, **kwargs):
        posted.append((url, kwargs["headers"]))
        return Answer()

    monkeypatch.setattr(queue_adapter.requests, "post", post)
    local = queue_adapter.LocalQueue("http://127.0.0.1:8080/api/tasks/dispatch", "s")
    with log.request_scope({"X-Cloud-Trace-Context": f"{TRACE_ID}/1;o=1"}):
        local.enqueue_dispatch("job-1")
        local.enqueue_webhook("job-1", "job.completed")
    local.enqueue_dispatch("job-2")  # enqueued with no trace: none carried
    local._pool.shutdown(wait=True)
    carried = {"X-Cloud-Trace-Context": f"{TRACE_ID}/1;o=1", "traceparent": f"00-{TRACE_ID}-0000000000000001-01"}
    assert sorted(posted, key=lambda call: (call[0], len(call[1]))) == [
        ("http://127.0.0.1:8080/api/tasks/dispatch", {"Authorization": "Bearer s"}),
        ("http://127.0.0.1:8080/api/tasks/dispatch", {"Authorization": "Bearer s", **carried}),
        ("http://127.0.0.1:8080/api/tasks/webhook", {"Authorization": "Bearer s", **carried}),
    ]


def test_a_5xx_that_a_view_answers_itself_is_logged_once_with_the_event(lines):
    import flask

    from shared.http import Endpoint

    endpoint = Endpoint("health")

    @endpoint.route("/api/healthz")
    def unhealthy(request):
        return flask.Response('{"ok": false, "problems": ["RUNPOD_API_KEY"]}', 503, mimetype="application/json")

    with flask.Flask(__name__).test_request_context("/api/healthz", headers={"X-Cloud-Trace-Context": TRACE_ID}):
        assert endpoint(flask.request).status_code == 503
    [line] = lines.lines
    assert (line["event"], line["status"], line["code"], line["function"], line[TRACE]) == (
        "server_error",
        503,
        None,
        "health",
        f"projects/cw-prod/traces/{TRACE_ID}",
    )
