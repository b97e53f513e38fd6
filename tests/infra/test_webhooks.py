"""Outgoing webhooks: a Cloud Tasks queue of their own, retried with exponential backoff for hours, known to every
function as WEBHOOK_TASKS_QUEUE, and enqueued on only by the roles whose functions raise job events."""

from __future__ import annotations

import ast
import itertools
import re

from shared.adapters.queue import CloudTasksQueue, dispatch_audience, webhook_task_url
from shared.routes import ROUTES
from tests.infra.facts import (
    builds_settings,
    entry_points,
    function_map,
    internal_functions,
    lb_function,
    platform,
    raises_job_events,
    settings_env_names,
)
from tests.infra.hcl import REPO_ROOT, all_tf_files

ENQUEUER = "roles/cloudtasks.enqueuer"
HOUR = 3600


def webhooks_queue() -> dict:
    return platform().resource("google_cloud_tasks_queue", "webhooks")


def seconds(duration: str) -> int:
    found = re.fullmatch(r"([0-9]+)s", duration)
    assert found, duration
    return int(found.group(1))


def attempt_times(retry: dict) -> list[int]:
    """When Cloud Tasks attempts a task that keeps failing, in seconds after the first attempt.

    The interval starts at min_backoff, doubles max_doublings times, then grows linearly by the last doubled
    step, capped at max_backoff; the retries stop only once the task has been attempted max_attempts times
    and max_retry_duration has passed since the first attempt.
    """
    low, high = seconds(retry["min_backoff"]), seconds(retry["max_backoff"])
    doublings, attempts, limit = retry["max_doublings"], retry["max_attempts"], seconds(retry["max_retry_duration"])
    times, interval, retries = [0], low, 0
    while True:
        step = min(interval, high)
        if len(times) >= attempts and times[-1] + step > limit:
            return times
        times.append(times[-1] + step)
        retries += 1
        interval = interval * 2 if retries < doublings + 1 else interval + low * 2**doublings


def test_the_webhooks_queue_is_its_own_next_to_the_dispatch_queue():
    queue = webhooks_queue()
    dispatch = platform().resource("google_cloud_tasks_queue", "dispatch")
    assert queue["name"] == "${var.name_prefix}-webhooks" != dispatch["name"]
    assert queue["location"] == dispatch["location"] == "${var.region}"
    assert queue["depends_on"] == ["${google_project_service.this}"]
    assert queue["stackdriver_logging_config"][0]["sampling_ratio"] == 1.0
    assert platform().outputs["webhook_tasks_queue"]["value"] == "${google_cloud_tasks_queue.webhooks.id}"


def test_the_webhooks_queue_has_its_own_rate_limits():
    (limits,) = webhooks_queue()["rate_limits"]
    assert limits == {
        "max_dispatches_per_second": "${var.webhook_queue_max_dispatches_per_second}",
        "max_concurrent_dispatches": "${var.webhook_queue_max_concurrent_dispatches}",
    }
    variables = platform().variables
    assert 0 < variables["webhook_queue_max_dispatches_per_second"]["default"] <= 500
    concurrent = variables["webhook_queue_max_concurrent_dispatches"]["default"]
    # Deliveries run on the dispatch function: slow receivers must leave room there for the dispatches.
    dispatcher = function_map()["dispatch_job"]
    assert 1 <= concurrent < dispatcher["max_instances"] * dispatcher["concurrency"]
    for name in ("webhook_queue_max_dispatches_per_second", "webhook_queue_max_concurrent_dispatches"):
        assert variables[name].get("validation"), name


def test_a_failing_delivery_backs_off_from_seconds_to_an_hour_and_is_retried_for_a_day():
    (retry,) = webhooks_queue()["retry_config"]
    assert retry == {
        "max_attempts": 12,
        "max_retry_duration": "86400s",  # as long as GIVE_UP_AFTER in shared/domain/webhooks.py
        "min_backoff": "10s",
        "max_backoff": "3600s",
        "max_doublings": 8,
    }
    times = attempt_times(retry)
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    assert gaps[:9] == [10, 20, 40, 80, 160, 320, 640, 1280, 2560]  # doubling from 10 s
    assert set(gaps[9:]) == {HOUR}  # then hourly
    assert len(times) >= retry["max_attempts"]
    assert 23 * HOUR <= times[-1] <= 24 * HOUR  # the last attempt, some 23.4 hours after the first
    assert len(times) == 32


def test_the_backoff_model_matches_cloud_tasks_documented_example():
    # https://cloud.google.com/tasks/docs/reference/rest/v2/projects.locations.queues#retryconfig
    example = {
        "min_backoff": "10s",
        "max_backoff": "300s",
        "max_doublings": 3,
        "max_attempts": 9,
        "max_retry_duration": "0s",
    }
    times = attempt_times(example)
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    assert gaps == [10, 20, 40, 80, 160, 240, 300, 300]


# -- who enqueues deliveries ---------------------------------------------------------------------------------


def webhook_enqueue_sites() -> set[tuple[str, str]]:
    """(file, Class.method or function) of shared/ that call announce, requeue_due or enqueue_webhook."""
    sites = set()
    for path in sorted((REPO_ROOT / "shared").rglob("*.py")):
        if "local" in path.relative_to(REPO_ROOT).parts:
            continue
        scope: list[str] = []

        def visit(node: ast.AST, scope: list[str] = scope, path=path) -> None:
            named = isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
            if named:
                scope.append(node.name)
            if isinstance(node, ast.Call):
                func = node.func
                called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
                if called in {"announce", "requeue_due", "enqueue_webhook"}:
                    sites.add((path.relative_to(REPO_ROOT).as_posix(), ".".join(scope[:2])))
            for child in ast.iter_child_nodes(node):
                visit(child, scope, path)
            if named:
                scope.pop()

        visit(ast.parse(path.read_text()))
    return sites


def test_webhook_deliveries_are_enqueued_only_where_the_function_map_expects():
    # JOB_EVENT_CALLS (facts.py) marks an entry point as raising job events by what it calls; this pins the
    # services behind those calls. A new caller of announce means another function may need to notify.
    assert webhook_enqueue_sites() == {
        ("shared/services/lifecycle.py", "JobLifecycle._failed"),  # after fail and a refunded end_execution
        ("shared/services/lifecycle.py", "JobLifecycle.complete"),
        ("shared/services/lifecycle.py", "JobLifecycle.progress"),
        ("shared/services/jobs.py", "JobService.cancel"),
        ("shared/services/sweep.py", "Sweeper.run"),
        ("shared/services/webhooks.py", "announce"),
        ("shared/services/webhooks.py", "requeue_due"),
    }


def test_the_functions_that_raise_job_events_are_marked_as_notifying():
    functions = function_map()
    for name, fn in functions.items():
        assert isinstance(fn["notifies"], bool), name
    notifying = {name for name, fn in functions.items() if fn["notifies"]}
    assert notifying == {name for name in entry_points() if raises_job_events(name)}
    assert notifying == {"get_job", "cancel_job", "runpod_webhook", "dispatch_job", "sweep"}


def test_the_notifying_roles_may_enqueue_deliveries_as_the_tasks_invoker():
    functions = function_map()
    roles = platform().locals["notifier_roles"]
    assert roles == "${toset(distinct([for name, fn in local.functions : fn.role if fn.notifies]))}"
    notifier_roles = {fn["role"] for fn in functions.values() if fn["notifies"]}  # what it evaluates to
    assert notifier_roles == {"api", "webhooks", "dispatcher"}

    grant = platform().resource("google_cloud_tasks_queue_iam_member", "webhook_enqueuer")
    assert grant["for_each"] == "${local.notifier_roles}"
    assert grant["name"] == "${google_cloud_tasks_queue.webhooks.name}"
    assert grant["location"] == "${var.region}"
    assert grant["role"] == ENQUEUER
    assert grant["member"] == "serviceAccount:${google_service_account.runtime[each.value].email}"
    # The dispatch queue keeps its own enqueuers (create_job and the sweep).
    dispatch = platform().resource("google_cloud_tasks_queue_iam_member", "enqueuer")
    assert dispatch["name"] == "${google_cloud_tasks_queue.dispatch.name}"
    assert dispatch["for_each"] == "${local.enqueuer_roles}"
    # Each task carries an OIDC token of the tasks invoker: every enqueuing role may act as that account.
    act_as = platform().resource("google_service_account_iam_member", "enqueuer_acts_as_tasks_invoker")
    assert act_as["for_each"] == "${setunion(local.enqueuer_roles, local.notifier_roles)}"
    assert act_as["service_account_id"] == '${google_service_account.invoker["tasks"].name}'
    # No other grant on a queue.
    grants = [
        match.group(1)
        for path in all_tf_files()
        for match in re.finditer(r'resource "google_cloud_tasks_queue_iam_[a-z]+" "([a-z_]+)"', path.read_text())
    ]
    assert sorted(grants) == ["enqueuer", "webhook_enqueuer"]


# -- the setting and the delivery target ---------------------------------------------------------------------


def test_every_function_that_reads_settings_gets_the_webhooks_queue():
    names = settings_env_names()
    assert names["webhook_tasks_queue"] == "WEBHOOK_TASKS_QUEUE"
    env = platform().locals["settings_env"]
    assert env["WEBHOOK_TASKS_QUEUE"] == "${google_cloud_tasks_queue.webhooks.id}"  # projects/P/locations/L/queues/Q
    assert env["TASKS_QUEUE"] == "${google_cloud_tasks_queue.dispatch.id}"
    readers = {name for name in entry_points() if builds_settings(name)}
    assert {name for name, fn in function_map().items() if fn["notifies"]} <= readers


def test_deliveries_go_to_the_dispatch_function_which_only_the_tasks_invoker_may_call():
    assert any(route.rule == "/api/tasks/webhook" and route.function == "dispatch_job" for route in ROUTES)
    assert "dispatch_job" in internal_functions()
    assert lb_function("/api/tasks/webhook") is None  # not reachable through the load balancer
    assert function_map()["dispatch_job"]["invokers"] == ["tasks"]
    # The code derives the delivery URL and the token's audience from DISPATCH_URL: the dispatcher's run.app URL.
    dispatch_url = "https://cw-dispatch-job-123456789012.europe-west1.run.app/api/tasks/dispatch"
    assert platform().locals["dispatch_url"] == '${local.function_urls["dispatch_job"]}/api/tasks/dispatch'
    assert (
        webhook_task_url(dispatch_url) == "https://cw-dispatch-job-123456789012.europe-west1.run.app/api/tasks/webhook"
    )
    assert dispatch_audience(dispatch_url) == "https://cw-dispatch-job-123456789012.europe-west1.run.app"
    # Cloud Tasks gives each delivery the task's deadline; the function must not be cut off before it.
    assert function_map()["dispatch_job"]["timeout_seconds"] >= CloudTasksQueue.WEBHOOK_DEADLINE_SEC
