"""Metrics, alerts, the notification channel and the budget (modules/monitoring), against the code's log events."""

from __future__ import annotations

import ast
import re
import textwrap

import pytest

from shared.log_events import LogEvent
from tests.infra.facts import composition, platform
from tests.infra.hcl import ENVIRONMENTS, REPO_ROOT, environment, module, parse

# Cloud Monitoring's own metrics an alert may read besides the log-based ones (PromQL names).
BUILT_IN_METRICS = {"run_googleapis_com:request_count"}
# What the issue asks to be watched, at the least.
REQUIRED_ALERTS = {
    "server_error_ratio",
    "job_failure_ratio",
    "jobs_overdue",
    "dispatch_retries_exhausted",
    "gpu_daily_spend",
}
# The operator's settings: declared in each environment (with the monitoring module's default), passed through
# the composition to the monitoring module, validated there only.
MONITORING_SETTINGS = (
    "alert_email",
    "server_error_ratio_percent",
    "job_failure_ratio_percent",
    "gpu_daily_spend_limit_usd",
    "webhook_rejections_per_hour",
    "billing_account_id",
    "monthly_budget_amount",
)
ALERTING_LOOKBACK_LIMIT_SECONDS = 25 * 3600  # the longest window an alerting condition may look back
METRIC_REFERENCE = re.compile(r"\$\{local\.promql_metrics\.([a-z_]+)\}(_sum|_count|_bucket)?")
LOCAL_REFERENCE = re.compile(r"\$\{local\.([a-z_]+)\}")
PROMQL_METRIC_NAME = re.compile(r"\b[a-z][a-z0-9_]*:[a-z0-9_]+\b")
WINDOW = re.compile(r"\[(\d+)([mhd])\]")
SECONDS = {"m": 60, "h": 3600, "d": 86400}


def monitoring():
    return module("monitoring")


def text(value: str) -> str:
    """An HCL string as its text: heredoc markers and indentation dropped, escaped quotes unescaped."""
    if value.startswith("<<-EOT\n"):
        value = textwrap.dedent(value.removeprefix("<<-EOT\n").rsplit("\n", 1)[0])
    return value.replace('\\"', '"')


def query(key: str) -> str:
    """The alert's PromQL with the module's string locals substituted; metric names and variables stay symbolic."""
    locals_ = monitoring().locals
    expanded = text(locals_["alerts"][key]["query"])
    while match := LOCAL_REFERENCE.search(expanded):
        expanded = expanded.replace(match.group(0), text(locals_[match.group(1)]))
    return expanded


def metrics_read(key: str) -> set[tuple[str, str]]:
    """(log-based metric key, PromQL suffix) pairs that the alert's query reads."""
    return {(name, suffix or "") for name, suffix in METRIC_REFERENCE.findall(query(key))}


def alerts() -> dict[str, dict]:
    return monitoring().locals["alerts"]


def log_metrics() -> dict[str, dict]:
    return monitoring().locals["log_metrics"]


# -- the log-based metrics and the code's log events ----------------------------------------------------------


def test_every_metric_counts_a_log_event_the_code_names_and_every_event_is_counted():
    events = {metric["event"] for metric in log_metrics().values()}
    assert events <= {event.value for event in LogEvent}, sorted(events - set(LogEvent))
    assert events == set(LogEvent), f"not counted: {sorted(set(LogEvent) - events)}"
    metric = monitoring().resource("google_logging_metric", "this")
    assert metric["for_each"] == "${local.log_metrics}"
    assert text(metric["filter"]) == '${local.function_log_filter} AND jsonPayload.event="${each.value.event}"'


def test_the_metrics_count_only_the_functions_lines():
    log_filter = text(monitoring().locals["function_log_filter"])
    assert 'resource.type="cloud_run_revision"' in log_filter  # 2nd-gen functions are Cloud Run services
    assert "resource.labels.service_name=(" in log_filter and "values(var.services)" in log_filter
    assert composition().modules["monitoring"]["services"] == "${module.platform.service_names}"
    assert platform().outputs["service_names"]["value"] == "${local.function_names}"


def test_labels_and_values_come_from_the_lines_fields():
    metrics = log_metrics()
    assert set(metrics["job_failed"]["labels"]) == {"code"}
    assert set(metrics["webhook_rejected"]["labels"]) == {"source"}
    gpu = metrics["job_gpu_seconds"]
    assert (gpu["event"], gpu["value_field"], gpu["unit"]) == (LogEvent.JOB_COMPLETED, "gpuSeconds", "s")
    assert [name for name, metric in metrics.items() if metric["value_field"]] == ["job_gpu_seconds"]
    resource = monitoring().resource("google_logging_metric", "this")
    assert (
        resource["label_extractors"]
        == '${{for field in keys(each.value.labels) : field => "EXTRACT(jsonPayload.${field})"}}'
    )
    assert resource["value_extractor"] == (
        '${each.value.value_field == null ? null : "EXTRACT(jsonPayload.${each.value.value_field})"}'
    )
    descriptor = resource["metric_descriptor"][0]
    assert descriptor["metric_kind"] == "DELTA"
    assert descriptor["value_type"] == '${each.value.value_field == null ? "INT64" : "DISTRIBUTION"}'
    # A distribution needs buckets; a counter takes none.
    (buckets,) = resource["dynamic"]
    assert buckets["bucket_options"]["for_each"] == "${each.value.value_field == null ? [] : [each.key]}"


def logged_fields() -> dict[str, list[set[str]]]:
    """LogEvent value => for each log line of shared/ and functions/ with that event, the fields it carries.

    A line is `log.<level>(..., extra=fields(event=LogEvent.X, name=..., **helper(...)))`; a helper's fields are the
    string keys in its body."""
    paths = [*sorted((REPO_ROOT / "shared").rglob("*.py")), *sorted((REPO_ROOT / "functions").glob("*.py"))]
    trees = {path: ast.parse(path.read_text()) for path in paths if "local" not in path.relative_to(REPO_ROOT).parts}
    helpers = {
        node.name: {key.value for key in ast.walk(node) if isinstance(key, ast.Constant) and isinstance(key.value, str)}
        for tree in trees.values()
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef)
    }
    lines: dict[str, list[set[str]]] = {}
    for tree in trees.values():
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "fields"):
                continue
            event = next((keyword.value for keyword in node.keywords if keyword.arg == "event"), None)
            if not (isinstance(event, ast.Attribute) and getattr(event.value, "id", None) == "LogEvent"):
                continue
            carried = {keyword.arg for keyword in node.keywords if keyword.arg}
            for keyword in node.keywords:
                if (
                    keyword.arg is None
                    and isinstance(keyword.value, ast.Call)
                    and isinstance(keyword.value.func, ast.Name)
                ):
                    carried |= helpers.get(keyword.value.func.id, set())
            lines.setdefault(LogEvent[event.attr].value, []).append(carried)
    return lines


def test_the_fields_a_metric_extracts_are_on_every_line_of_its_event():
    lines = logged_fields()
    assert lines, "no structured log line with an event found"
    for key, metric in log_metrics().items():
        extracted = set(metric["labels"]) | ({metric["value_field"]} if metric["value_field"] else set())
        for carried in lines.get(metric["event"], []):
            assert extracted <= carried, f"{key}: a {metric['event']} line lacks {sorted(extracted - carried)}"


def promql_name(metric_type: str) -> str:
    """Cloud Monitoring's rule: the first "/" becomes ":", every other character PromQL does not allow "_"."""
    domain, path = metric_type.split("/", 1)
    return re.sub(r"[^A-Za-z0-9_]", "_", domain) + ":" + re.sub(r"[^A-Za-z0-9_]", "_", path)


@pytest.mark.parametrize("prefix", ["cw", "cw-dev", "a1-b2-c3"])  # the shapes name_prefix allows
def test_the_promql_names_follow_cloud_monitorings_mapping(prefix):
    locals_ = monitoring().locals
    assert (
        locals_["metric_names"]
        == '${{for key in keys(local.log_metrics) : key => "${var.name_prefix}-${replace(key, "_", "-")}"}}'
    )
    assert locals_["promql_metrics"] == (
        '${{for key, name in local.metric_names : key => "logging_googleapis_com:user_${replace(name, "-", "_")}"}}'
    )
    for key in log_metrics():
        name = f"{prefix}-{key.replace('_', '-')}"  # what metric_names makes of it
        assert re.fullmatch(r"[a-z0-9-]+", name)  # so replacing "-" is all the mapping has to do
        assert promql_name(f"logging.googleapis.com/user/{name}") == "logging_googleapis_com:user_" + name.replace(
            "-", "_"
        )


# -- the alerts ------------------------------------------------------------------------------------------------


def test_the_required_alerts_exist_and_each_reads_only_metrics_that_exist():
    assert set(alerts()) >= REQUIRED_ALERTS
    for key in alerts():
        read = metrics_read(key)
        for name, suffix in read:
            assert name in log_metrics(), f"{key}: no log-based metric {name}"
            is_distribution = log_metrics()[name]["value_field"] is not None
            assert bool(suffix) == is_distribution, f"{key}: {name}{suffix}"
        built_in = set(PROMQL_METRIC_NAME.findall(METRIC_REFERENCE.sub("", query(key))))
        assert built_in <= BUILT_IN_METRICS, f"{key}: unknown metrics {sorted(built_in - BUILT_IN_METRICS)}"
        assert read or built_in, f"{key} reads no metric"
        assert "${local." not in METRIC_REFERENCE.sub("", query(key)), key
        # The existence check is skipped exactly where a new log-based metric may not be queryable yet.
        assert alerts()[key]["log_based"] is bool(read), key


def test_every_alert_notifies_the_email_channel_and_says_what_to_look_at():
    policy = monitoring().resource("google_monitoring_alert_policy", "this")
    assert policy["for_each"] == "${local.alerts}"
    assert policy["notification_channels"] == ["${google_monitoring_notification_channel.email.id}"]
    channel = monitoring().resource("google_monitoring_notification_channel", "email")
    assert channel["type"] == "email" and channel["labels"] == {"email_address": "${var.alert_email}"}
    (condition,) = policy["conditions"]
    promql = condition["condition_prometheus_query_language"][0]
    assert promql["query"] == "${each.value.query}"
    assert promql["disable_metric_validation"] == "${each.value.log_based}"
    assert policy["documentation"][0]["content"] == "${each.value.documentation}"
    for key, alert in alerts().items():
        assert alert["severity"] in {"CRITICAL", "ERROR", "WARNING"}, key
        documentation = text(alert["documentation"])
        assert documentation.count("\n- ") >= 2, f"{key}: the documentation lists no places to look"
        assert int(alert["evaluation_interval"].removesuffix("s")) % 30 == 0, key


def test_the_email_is_required():
    """An alert that mails nobody is not watched: the address has no default anywhere and is validated."""
    assert "default" not in monitoring().variables["alert_email"]
    assert monitoring().variables["alert_email"]["validation"]
    for name in ENVIRONMENTS:
        assert "default" not in environment(name).variables["alert_email"], name


def test_the_5xx_ratio_reads_cloud_runs_requests_of_the_api_functions():
    promql = query("server_error_ratio")
    numerator, denominator = promql.split("/", 1)
    assert "run_googleapis_com:request_count{" in numerator and 'response_code_class="5xx"' in numerator
    assert "run_googleapis_com:request_count{" in denominator and "5xx" not in denominator
    assert 'service_name=~"${join("|", sort(var.api_services))}"' in numerator
    assert promql.rstrip().endswith("> ${var.server_error_ratio_percent}")
    assert composition().modules["monitoring"]["api_services"] == "${values(module.platform.public_functions)}"


def test_the_failure_ratio_is_failed_over_failed_and_completed_in_an_hour():
    locals_ = monitoring().locals
    failed = "sum(increase(${local.promql_metrics.job_failed}${local.from_functions}[1h]))"
    completed = "(sum(increase(${local.promql_metrics.job_completed}${local.from_functions}[1h])) or vector(0))"
    assert (locals_["failed"], locals_["completed"]) == (failed, completed)
    first_line = text(alerts()["job_failure_ratio"]["query"]).splitlines()[0]
    assert first_line == (
        "100 * ${local.failed} / (${local.failed} + ${local.completed}) > ${var.job_failure_ratio_percent}"
    )
    assert monitoring().variables["job_failure_ratio_percent"]["default"] == 5


def test_overdue_jobs_and_exhausted_dispatches_alert_on_the_first_one():
    for key, metric in (("jobs_overdue", "job_overdue"), ("dispatch_retries_exhausted", "dispatch_retries_exhausted")):
        assert metrics_read(key) == {(metric, "")}
        assert query(key).endswith("> 0"), key
        assert alerts()[key]["duration"] == "0s"


def test_the_gpu_spend_is_a_days_gpu_seconds_at_the_functions_price():
    promql = query("gpu_daily_spend")
    assert metrics_read("gpu_daily_spend") == {("job_gpu_seconds", "_sum")}
    (window,) = WINDOW.findall(promql)
    assert int(window[0]) * SECONDS[window[1]] == 86400 <= ALERTING_LOOKBACK_LIMIT_SECONDS
    assert promql.endswith("* ${var.gpu_cost_per_second_usd} > ${var.gpu_daily_spend_limit_usd}")
    # The same variable sets the functions' GPU_COST_PER_SECOND_USD (the admin console's price).
    assert platform().locals["settings_env"]["GPU_COST_PER_SECOND_USD"] == "${var.gpu_cost_per_second_usd}"
    calls = composition().modules
    assert calls["monitoring"]["gpu_cost_per_second_usd"] == calls["platform"]["gpu_cost_per_second_usd"]
    assert calls["monitoring"]["gpu_cost_per_second_usd"] == "${var.gpu_cost_per_second_usd}"


def test_every_window_fits_what_alerting_can_look_back():
    for key in alerts():
        for amount, unit in WINDOW.findall(query(key)):
            assert int(amount) * SECONDS[unit] <= ALERTING_LOOKBACK_LIMIT_SECONDS, key


# -- the variables through the layers -----------------------------------------------------------------------


@pytest.mark.parametrize("name", MONITORING_SETTINGS)
def test_each_monitoring_variable_is_mirrored_in_every_environment(name):
    declared = monitoring().variables[name]
    assert composition().variables[name]["type"] == declared["type"]
    assert "validation" not in composition().variables[name]  # each rule is written once, in the module
    assert composition().modules["monitoring"][name] == f"${{var.{name}}}"
    for env_name in ENVIRONMENTS:
        env = environment(env_name)
        assert env.variables[name]["type"] == declared["type"], env_name
        assert env.variables[name].get("default") == declared.get("default"), f"{env_name}: {name}"
        assert env.modules["cineweave"][name] == f"${{var.{name}}}", env_name


# -- the budget ----------------------------------------------------------------------------------------------


def test_the_budget_exists_only_with_a_billing_account_and_enables_its_api():
    budget = monitoring().resource("google_billing_budget", "this")
    assert budget["count"] == "${var.billing_account_id == null ? 0 : 1}"
    assert budget["budget_filter"][0]["projects"] == ["projects/${var.project_number}"]
    assert budget["amount"][0]["specified_amount"][0]["units"] == "${tostring(var.monthly_budget_amount)}"
    rule = budget["all_updates_rule"][0]
    assert rule["monitoring_notification_channels"] == ["${google_monitoring_notification_channel.email.id}"]
    calls = composition().modules
    assert calls["platform"]["billing_budget_enabled"] == "${var.billing_account_id != null}"
    assert calls["monitoring"]["project_number"] == "${module.platform.project_number}"
    apis = platform().locals["apis"]
    assert '"monitoring.googleapis.com"' in apis and "local.budget_apis" in apis
    assert "billingbudgets" not in apis.replace("local.budget_apis", "")
    assert platform().locals["budget_apis"] == '${var.billing_budget_enabled ? ["billingbudgets.googleapis.com"] : []}'


def test_the_budget_calls_the_api_with_a_quota_project():
    """The Billing Budgets API refuses user credentials whose requests name no quota project."""
    assert monitoring().resource("google_billing_budget", "this")["provider"] == "${google.billing}"
    assert composition().modules["monitoring"]["providers"] == {
        "google": "google",
        "${google.billing}": "${google.billing}",
    }
    providers = parse(REPO_ROOT / "terraform" / "environments" / "_common" / "versions.tf")["provider"]
    (billing,) = [block["google"] for block in providers if block.get("google", {}).get("alias") == "billing"]
    assert billing["user_project_override"] is True
    assert billing["billing_project"] == billing["project"] == "${var.project_id}"
    for name in ENVIRONMENTS:
        assert environment(name).modules["cineweave"]["providers"]["${google.billing}"] == "${google.billing}", name
