"""Cloud Armor at the load balancer: every function backend is behind the policy, /api/* is throttled per client
IP with 429 over the threshold, Log4j lookups are refused first, and the threshold is a validated variable."""

from __future__ import annotations

import re

import pytest

from shared.routes import ROUTES
from tests.infra.facts import composition, internal_functions, sample_path
from tests.infra.hcl import ENVIRONMENTS, all_tf_files, environment, module

POLICY = "${google_compute_security_policy.api.self_link}"
DEFAULT_RULE_PRIORITY = 2147483647  # Cloud Armor's lowest priority: the rule every policy ends with
# Cloud Armor's allowed throttle intervals, in seconds.
INTERVALS = [10, 30, 60, 120, 180, 240, 300, 600, 900, 1200, 1800, 2700, 3600]
RATE_LIMIT_VARIABLES = {"edge_rate_limit_requests": 120, "edge_rate_limit_interval_sec": 60}


def edge():
    return module("edge")


def policy() -> dict:
    return edge().resource("google_compute_security_policy", "api")


def rules() -> list[dict]:
    return sorted(policy()["rule"], key=lambda rule: rule["priority"])


def expression(rule: dict) -> str | None:
    (match,) = rule["match"]
    return match["expr"][0]["expression"] if "expr" in match else None


def throttle() -> dict:
    (rule,) = [rule for rule in rules() if rule["action"] == "throttle"]
    return rule


def path_matches(expr: str, path: str) -> bool:
    """Evaluate the throttle's match, which is one `request.path.startsWith('<prefix>')`."""
    found = re.fullmatch(r"request\.path\.startsWith\('([^']+)'\)", expr)
    assert found, f"the throttle's match is not a path prefix: {expr}"
    return path.startswith(found.group(1))


# -- the policy on the backends ------------------------------------------------------------------------------


def test_every_function_backend_service_is_behind_the_policy():
    backends = edge().resources["google_compute_backend_service"]
    assert set(backends) == {"function"}  # one per public function, nothing else
    backend = backends["function"]
    assert backend["for_each"] == "${var.public_functions}"
    assert backend["security_policy"] == POLICY
    assert composition().modules["edge"]["public_functions"] == "${module.platform.public_functions}"
    # No other policy to be swapped in: the one defined here is the only one in the configuration.
    assert set(edge().resources["google_compute_security_policy"]) == {"api"}
    assert "security_policy" not in edge().variables
    assert "security_policy" not in composition().variables
    policies = [path for path in all_tf_files() if "google_compute_security_policy" in path.read_text()]
    assert [path.name for path in policies] == ["armor.tf", "main.tf"]
    assert all(path.parent == edge().directory for path in policies)


def test_the_policy_is_a_backend_cloud_armor_policy_with_a_default_allow():
    assert policy()["type"] == "CLOUD_ARMOR"
    assert policy()["project"] == "${var.project_id}"
    priorities = [rule["priority"] for rule in rules()]
    assert len(priorities) == len(set(priorities))
    last = rules()[-1]
    assert last["priority"] == DEFAULT_RULE_PRIORITY and last["action"] == "allow"
    (match,) = last["match"]
    assert match["versioned_expr"] == "SRC_IPS_V1" and match["config"][0]["src_ip_ranges"] == ["*"]
    assert not any(rule.get("preview") for rule in rules()), "a rule in preview mode enforces nothing"


# -- the throttle --------------------------------------------------------------------------------------------


def test_the_throttle_is_per_client_ip_and_answers_429_over_the_threshold():
    rule = throttle()
    (options,) = rule["rate_limit_options"]
    assert options["conform_action"] == "allow"
    assert options["exceed_action"] == "deny(429)"
    assert options["enforce_on_key"] == "IP"
    assert "ban_duration_sec" not in options and "ban_threshold" not in options  # a throttle, not a ban
    (threshold,) = options["rate_limit_threshold"]
    assert threshold == {
        "count": "${var.edge_rate_limit_requests}",
        "interval_sec": "${var.edge_rate_limit_interval_sec}",
    }


def test_the_throttle_covers_every_routed_api_path_and_not_the_web_app():
    expr = expression(throttle())
    internal = internal_functions()
    public = [sample_path(route.rule) for route in ROUTES if route.function not in internal]
    assert public
    for path in [*public, "/api/unknown", "/api/tasks/dispatch"]:  # the fallback to health is throttled too
        assert path_matches(expr, path), path
    for path in ("/", "/create", "/jobs/abc", "/assets/index.js", "/apiary"):
        assert not path_matches(expr, path), path


def test_log4j_lookups_are_refused_before_the_throttle_allows_a_request():
    log4j = [rule for rule in rules() if expression(rule) == "evaluatePreconfiguredExpr('cve-canary')"]
    assert len(log4j) == 1
    (rule,) = log4j
    assert rule["action"].startswith("deny(")
    # A request under the threshold is allowed by the throttle and no later rule is looked at.
    assert rule["priority"] < throttle()["priority"] < DEFAULT_RULE_PRIORITY


# -- the variables -------------------------------------------------------------------------------------------


def variable_layers():
    """Where the throttle's variables are declared with a default: the edge module and the environments."""
    yield "modules/edge", edge()
    for name in ENVIRONMENTS:
        yield f"environments/{name}", environment(name)


@pytest.mark.parametrize(("field", "default"), sorted(RATE_LIMIT_VARIABLES.items()))
def test_each_rate_limit_variable_has_its_default_and_is_passed_through(field, default):
    for where, mod in variable_layers():
        variable = mod.variables[field]
        assert variable["type"] == "number", f"{where}: {field}"
        assert variable["default"] == default, f"{where}: {field}"
    assert composition().variables[field]["type"] == "number"
    assert "default" not in composition().variables[field]  # the environments' value always reaches the edge
    assert composition().modules["edge"][field] == f"${{var.{field}}}"
    for name in ENVIRONMENTS:
        assert environment(name).modules["cineweave"][field] == f"${{var.{field}}}", name


def conditions(field: str) -> str:
    return " ".join(rule["condition"] for rule in edge().variables[field].get("validation", []))


def test_the_variables_refuse_what_cloud_armor_refuses():
    interval = conditions("edge_rate_limit_interval_sec")
    listed = re.fullmatch(r"\$\{contains\(\[([0-9, ]+)\], var\.edge_rate_limit_interval_sec\)\}", interval)
    assert listed, interval
    assert [int(value) for value in listed.group(1).split(",")] == INTERVALS
    assert RATE_LIMIT_VARIABLES["edge_rate_limit_interval_sec"] in INTERVALS

    requests = conditions("edge_rate_limit_requests")
    assert "var.edge_rate_limit_requests >= 1" in requests
    assert "var.edge_rate_limit_requests <= 1000000" in requests  # the throttle's maximum count
    assert "floor(var.edge_rate_limit_requests) == var.edge_rate_limit_requests" in requests
    # Each rule is written once, in the edge module.
    for field in RATE_LIMIT_VARIABLES:
        assert "validation" not in composition().variables[field], field
