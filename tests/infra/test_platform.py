"""Queue, scheduler, Firestore, R2 and the two environments."""

from __future__ import annotations

import re

import pytest

from shared.routes import ROUTES
from tests.infra.facts import function_map, platform
from tests.infra.hcl import ENVIRONMENTS, REPO_ROOT, all_tf_files, environment, module, parse


# -- queue, scheduler, Firestore -----------------------------------------------------------------------------


def test_scheduler_calls_sweep_and_renew_with_oidc_for_their_own_url():
    schedules = platform().locals["schedules"]
    assert {key: value["function"] for key, value in schedules.items()} == {"sweep": "sweep", "renew": "renew"}
    for key in schedules:
        assert any(route.rule == f"/api/tasks/{key}" and route.function == key for route in ROUTES)
    job = platform().resource("google_cloud_scheduler_job", "this")
    target = job["http_target"][0]
    assert target["http_method"] == "POST"
    assert target["uri"] == "${local.function_urls[each.value.function]}/api/tasks/${each.key}"
    token = target["oidc_token"][0]
    assert token["service_account_email"] == '${google_service_account.invoker["scheduler"].email}'
    assert token["audience"] == "${local.function_urls[each.value.function]}"
    assert platform().variables["sweep_schedule"]["default"] == "*/5 * * * *"


def test_the_queue_has_rate_limits_and_retries():
    queue = platform().resource("google_cloud_tasks_queue", "dispatch")
    assert queue["rate_limits"][0]["max_dispatches_per_second"] == "${var.queue_max_dispatches_per_second}"
    retry = queue["retry_config"][0]
    assert retry["max_attempts"] > 1 and retry["max_retry_duration"] == "1800s"


# Composite indexes the queries in shared/ need (collection, fields in order).
EXPECTED_INDEXES = {
    ("jobs", (("userId", "ASCENDING"), ("createdAt", "DESCENDING"))),  # a creator's list
    ("jobs", (("status", "ASCENDING"), ("createdAt", "ASCENDING"))),  # queue position, jobs per day
    ("jobs", (("status", "ASCENDING"), ("expiresAt", "ASCENDING"))),  # expiry
    ("jobs", (("status", "ASCENDING"), ("createdAt", "DESCENDING"))),  # admin table by status
    ("jobs", (("userId", "ASCENDING"), ("status", "ASCENDING"), ("createdAt", "DESCENDING"))),  # admin, one user
    ("jobs", (("status", "ASCENDING"), ("credits", "ASCENDING"))),  # overview sums
    ("jobs", (("status", "ASCENDING"), ("gpuSeconds", "ASCENDING"))),
    ("jobs", (("plan", "ASCENDING"), ("status", "ASCENDING"), ("gpuSeconds", "ASCENDING"))),  # GPU per plan
    ("payments", (("status", "ASCENDING"), ("currency", "ASCENDING"), ("planId", "ASCENDING"), ("amountMinor", "ASCENDING"))),
    ("payments", (("status", "ASCENDING"), ("currency", "ASCENDING"), ("purpose", "ASCENDING"), ("amountMinor", "ASCENDING"))),
}


def test_firestore_has_the_composite_indexes_the_queries_need():
    indexes = platform().locals["firestore_indexes"]
    actual = {(index["collection"], tuple(tuple(field) for field in index["fields"])) for index in indexes.values()}
    assert EXPECTED_INDEXES <= actual
    for _, fields in actual:
        assert len(fields) >= 2, "a single-field index is automatic; Firestore refuses it as a composite"
    assert platform().resource("google_firestore_index", "this")["for_each"] == "${local.firestore_indexes}"
    database = platform().resource("google_firestore_database", "this")
    assert database["type"] == "FIRESTORE_NATIVE" and database["name"] == "(default)"


def test_the_firestore_rules_file_is_deployed():
    ruleset = platform().resource("google_firebaserules_ruleset", "firestore")
    assert ruleset["source"][0]["files"][0]["content"] == "${file(var.firestore_rules_file)}"
    for name in ENVIRONMENTS:
        rules = environment(name).modules["platform"]["firestore_rules_file"]
        assert rules == "${local.repo_root}/firestore_rules/firestore.rules"
        assert (REPO_ROOT / "firestore_rules" / "firestore.rules").is_file()


# -- R2 ------------------------------------------------------------------------------------------------------


def test_r2_deletes_after_a_day_and_allows_the_web_origin():
    cloudflare = module("cloudflare")
    (rule,) = cloudflare.resource("cloudflare_r2_bucket_lifecycle", "outputs")["rules"]
    assert rule["enabled"] is True and rule["conditions"] == {"prefix": ""}
    assert rule["delete_objects_transition"]["condition"] == {
        "type": "Age", "max_age": "${var.retention_days * local.day_seconds}"}
    assert cloudflare.locals["day_seconds"] == 86400  # R2 counts ages in seconds
    assert cloudflare.variables["retention_days"]["default"] == 1
    (cors,) = cloudflare.resource("cloudflare_r2_bucket_cors", "outputs")["rules"]
    assert cors["allowed"]["origins"] == "${var.cors_origins}"
    assert "PUT" in cors["allowed"]["methods"]
    for name in ENVIRONMENTS:
        assert environment(name).modules["cloudflare"]["cors_origins"] == ["${local.base_url}"]


# -- environments and hygiene --------------------------------------------------------------------------------


def test_environments_call_the_same_modules_with_the_same_inputs():
    dev, prod = environment("dev"), environment("prod")
    assert set(dev.modules) == set(prod.modules) == {"cloudflare", "platform", "web", "edge"}
    for name in dev.modules:
        assert set(dev.modules[name]) == set(prod.modules[name]), name
    assert set(dev.variables) == set(prod.variables)
    assert set(dev.outputs) == set(prod.outputs)


def test_providers_are_pinned_and_state_goes_to_gcs():
    for name in ENVIRONMENTS:
        env = environment(name)
        blocks = env.terraform
        required = {}
        for block in blocks:
            for providers in block.get("required_providers", []):
                required.update(providers)
        assert {"google", "cloudflare", "archive"} <= set(required), name
        for provider, spec in required.items():
            assert re.fullmatch(r"[0-9]+\.[0-9]+\.[0-9]+", spec["version"]), f"{name}: {provider} is not pinned"
        assert any("required_version" in block for block in blocks)
        backends = [block["backend"] for block in blocks if "backend" in block]
        assert len(backends) == 1 and "gcs" in backends[0][0], name
        gcs = backends[0][0]["gcs"]
        assert "bucket" not in gcs and gcs["prefix"] == f"cineweave/{name}"


def test_every_variable_is_typed_and_described_and_every_output_described():
    for path in all_tf_files():
        parsed = parse(path)
        for block in parsed.get("variable", []):
            for name, body in block.items():
                assert "type" in body, f"{path}: variable {name} has no type"
                assert body.get("description"), f"{path}: variable {name} has no description"
        for block in parsed.get("output", []):
            for name, body in block.items():
                assert body.get("description"), f"{path}: output {name} has no description"


def test_dev_scales_to_zero_and_prod_keeps_user_facing_functions_warm():
    functions = function_map()
    assert all(fn["min_instances"] == 0 for fn in functions.values())
    dev = environment("dev").variables["function_overrides"]["default"]
    assert all(not (override.get("min_instances") or 0) for override in dev.values())
    prod = environment("prod").variables["function_overrides"]["default"]
    warm = {name for name, override in prod.items() if (override.get("min_instances") or 0) > 0}
    assert warm and all(functions[name]["public"] for name in warm)
    for overrides in (dev, prod):
        assert set(overrides) <= set(functions)


def test_environments_expose_the_urls_an_operator_pastes_elsewhere():
    for name in ENVIRONMENTS:
        outputs = environment(name).outputs
        assert outputs["truelayer_webhook_url"]["value"] == "${local.base_url}/api/webhooks/truelayer"
        assert outputs["truelayer_redirect_uri"]["value"] == "${local.base_url}/account"
        assert outputs["api_base_url"]["value"] == "${local.base_url}/api"
        assert {"web_url", "load_balancer_ip", "secret_ids", "r2_endpoint_url"} <= set(outputs)


def test_tfvars_examples_set_every_required_variable():
    for name in ENVIRONMENTS:
        env = environment(name)
        required = {var for var, body in env.variables.items() if "default" not in body}
        example = (env.directory / "terraform.tfvars.example").read_text()
        assigned = set(re.findall(r"^([a-z_0-9]+)\s*=", example, flags=re.MULTILINE))
        assert required <= assigned, f"{name}: {sorted(required - assigned)}"
        assert not assigned - set(env.variables), f"{name}: unknown {sorted(assigned - set(env.variables))}"


@pytest.mark.parametrize("name", ENVIRONMENTS)
def test_environment_paths_point_into_the_repository(name):
    platform_call = environment(name).modules["platform"]
    assert platform_call["bundle_dir"] == "${local.repo_root}/build/functions"
    assert environment(name).locals["repo_root"] == '${abspath("${path.root}/../../..")}'
    assert (environment(name).directory / "../../..").resolve() == REPO_ROOT
