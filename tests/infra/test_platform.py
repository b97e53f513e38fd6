"""Queue, scheduler, Firestore, R2 and the two environments."""

from __future__ import annotations

import re

import pytest

from shared.routes import ROUTES
from tests.infra.facts import composition, function_map, platform
from tests.infra.hcl import ENVIRONMENTS, REPO_ROOT, all_tf_files, environment, module, parse, tf_files

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
    (
        "payments",
        (("status", "ASCENDING"), ("currency", "ASCENDING"), ("planId", "ASCENDING"), ("amountMinor", "ASCENDING")),
    ),
    (
        "payments",
        (("status", "ASCENDING"), ("currency", "ASCENDING"), ("purpose", "ASCENDING"), ("amountMinor", "ASCENDING")),
    ),
}


def test_firestore_has_the_composite_indexes_the_queries_need():
    indexes = platform().locals["firestore_indexes"]
    actual = {(index["collection"], tuple(tuple(field) for field in index["fields"])) for index in indexes.values()}
    assert actual >= EXPECTED_INDEXES
    for _, fields in actual:
        assert len(fields) >= 2, "a single-field index is automatic; Firestore refuses it as a composite"
    assert platform().resource("google_firestore_index", "this")["for_each"] == "${local.firestore_indexes}"
    database = platform().resource("google_firestore_database", "this")
    assert database["type"] == "FIRESTORE_NATIVE" and database["name"] == "(default)"


def test_the_firestore_rules_file_is_deployed():
    ruleset = platform().resource("google_firebaserules_ruleset", "firestore")
    assert ruleset["source"][0]["files"][0]["content"] == "${file(var.firestore_rules_file)}"
    rules = composition().modules["platform"]["firestore_rules_file"]
    assert rules == "${local.repo_root}/firestore_rules/firestore.rules"
    assert (REPO_ROOT / "firestore_rules" / "firestore.rules").is_file()


# -- R2 ------------------------------------------------------------------------------------------------------


def test_r2_deletes_after_a_day_and_allows_the_web_origin():
    cloudflare = module("cloudflare")
    (rule,) = cloudflare.resource("cloudflare_r2_bucket_lifecycle", "outputs")["rules"]
    assert rule["enabled"] is True and rule["conditions"] == {"prefix": ""}
    assert rule["delete_objects_transition"]["condition"] == {
        "type": "Age",
        "max_age": "${var.retention_days * local.day_seconds}",
    }
    assert cloudflare.locals["day_seconds"] == 86400  # R2 counts ages in seconds
    assert cloudflare.variables["retention_days"]["default"] == 1
    (cors,) = cloudflare.resource("cloudflare_r2_bucket_cors", "outputs")["rules"]
    assert cors["allowed"]["origins"] == "${var.cors_origins}"
    assert "PUT" in cors["allowed"]["methods"]
    assert composition().modules["cloudflare"]["cors_origins"] == ["${local.base_url}"]


# -- the composition and the environments ------------------------------------------------------------------

MODULE_META_ARGUMENTS = {"source", "depends_on", "for_each", "count", "providers"}
OPERATOR_OUTPUTS = {
    "web_url",
    "api_base_url",
    "load_balancer_ip",
    "truelayer_webhook_url",
    "truelayer_redirect_uri",
    "runpod_webhook_url",
    "r2_endpoint_url",
    "r2_bucket",
    "secret_ids",
    "service_accounts",
    "dispatch_url",
    "web_files_uploaded",
}


def required_variables(mod) -> set[str]:
    return {name for name, body in mod.variables.items() if "default" not in body}


def check_call(caller: str, call: dict, target) -> set[str]:
    """The call sets only variables the target declares and every one it requires; returns what it sets."""
    args = set(call) - MODULE_META_ARGUMENTS
    assert args <= set(target.variables), f"{caller}: unknown inputs {sorted(args - set(target.variables))}"
    missing = required_variables(target) - args
    assert not missing, f"{caller}: required inputs not set {sorted(missing)}"
    return args


def var_references(text: str) -> set[str]:
    return set(re.findall(r"\bvar\.([a-z0-9_]+)", text))


def test_the_composition_wires_the_five_modules_and_uses_every_input():
    cineweave = composition()
    assert set(cineweave.modules) == {"cloudflare", "platform", "web", "edge", "monitoring"}
    for name, call in cineweave.modules.items():
        assert call["source"] == f"../{name}"
        check_call(f"module.{name}", call, module(name))
    for name in ("web", "edge", "monitoring"):  # the project's APIs are enabled by the platform
        assert cineweave.modules[name]["depends_on"] == ["${module.platform}"]
    used = var_references(
        "\n".join(path.read_text() for path in tf_files(cineweave.directory) if path.name != "variables.tf")
    )  # validations name their own variable
    assert used == set(cineweave.variables)


def test_the_composition_validates_what_the_environments_pass_in():
    variables = composition().variables
    for name in ("environment", "name_prefix", "project_id", "domain", "truelayer_environment"):
        assert variables[name].get("validation"), f"{name} is not validated"
    for name in ENVIRONMENTS:  # each rule is written once, in the module
        assert not [var for var, body in environment(name).variables.items() if "validation" in body], name


@pytest.mark.parametrize("name", ENVIRONMENTS)
def test_each_environment_calls_the_composition_once_and_passes_the_operators_inputs_through(name):
    env, cineweave = environment(name), composition()
    assert set(env.modules) == {"cineweave"}
    call = env.modules["cineweave"]
    assert (env.directory / call["source"]).resolve() == cineweave.directory.resolve()
    args = check_call(name, call, cineweave)
    for var, body in env.variables.items():
        assert call.get(var) == f"${{var.{var}}}", f"{name}: variable {var} is not passed through"
        assert body["type"] == cineweave.variables[var]["type"], f"{name}: {var} has another type than the module's"
    assert var_references(env.text()) <= set(env.variables)
    # The rest is the environment's own choices, written in main.tf.
    for arg in args - set(env.variables):
        assert not var_references(str(call[arg])), f"{name}: {arg} is an environment choice, not an input"
    assert call["environment"] == "${local.environment}" and env.locals["environment"] == name


def test_each_environments_name_prefix_passes_the_modules_validation():
    """The prefix is a literal in main.tf; a value the validation refuses would fail the plan, not a test."""
    for layer in (composition(), platform()):
        (rule,) = layer.variables["name_prefix"]["validation"]
        pattern = re.fullmatch(r'\$\{can\(regex\("(.+)", var\.name_prefix\)\)\}', rule["condition"]).group(1)
        for name in ENVIRONMENTS:
            prefix = environment(name).modules["cineweave"]["name_prefix"]
            assert re.fullmatch(pattern, prefix), f"{name}: {prefix!r} fails {pattern}"
            # Service account ids (<prefix>-<role>) are 6-30 characters.
            for role in ("api", "webhooks", "dispatcher", "tasks", "scheduler", "build"):
                assert 6 <= len(f"{prefix}-{role}") <= 30, f"{name}: {prefix}-{role}"


def test_environments_differ_only_in_their_choices():
    dev, prod = environment("dev"), environment("prod")
    assert set(dev.modules["cineweave"]) == set(prod.modules["cineweave"])
    assert set(dev.variables) == set(prod.variables)
    assert set(dev.outputs) == set(prod.outputs)
    choices = {arg for arg in dev.modules["cineweave"] if arg not in dev.variables} - MODULE_META_ARGUMENTS
    assert {
        "name_prefix",
        "truelayer_environment",
        "enable_cdn",
        "firestore_delete_protection",
        "function_overrides",
    } <= choices
    assert dev.modules["cineweave"]["name_prefix"] != prod.modules["cineweave"]["name_prefix"]
    assert dev.modules["cineweave"]["truelayer_environment"] == "sandbox"
    assert prod.modules["cineweave"]["truelayer_environment"] == "production"
    assert prod.modules["cineweave"]["firestore_delete_protection"] is True


def test_providers_are_pinned_and_state_goes_to_gcs():
    needed = set()  # every provider a module requires
    for directory in sorted(path for path in (REPO_ROOT / "terraform" / "modules").iterdir() if path.is_dir()):
        for block in module(directory.name).terraform:
            for providers in block.get("required_providers", []):
                needed.update(providers)
    assert {"google", "cloudflare", "archive"} <= needed
    for name in ENVIRONMENTS:
        env = environment(name)
        blocks = env.terraform
        required = {}
        for block in blocks:
            for providers in block.get("required_providers", []):
                required.update(providers)
        assert needed <= set(required), f"{name}: {sorted(needed - set(required))} not pinned"
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
                if body.get("description"):
                    continue
                # An environment may re-export the composition's output of the same name, described there.
                assert path.parent.parent.name == "environments", f"{path}: output {name} has no description"
                assert body["value"] == f"${{module.cineweave.{name}}}", f"{path}: output {name} has no description"
                assert composition().outputs[name].get("description"), (
                    f"modules/cineweave: output {name} has no description"
                )


def test_dev_scales_to_zero_and_prod_keeps_user_facing_functions_warm():
    functions = function_map()
    assert all(fn["min_instances"] == 0 for fn in functions.values())
    dev = environment("dev").modules["cineweave"]["function_overrides"]
    assert all(not (override.get("min_instances") or 0) for override in dev.values())
    prod = environment("prod").modules["cineweave"]["function_overrides"]
    warm = {name for name, override in prod.items() if (override.get("min_instances") or 0) > 0}
    assert warm and all(functions[name]["public"] for name in warm)
    for overrides in (dev, prod):
        assert set(overrides) <= set(functions)
    assert environment("prod").modules["cineweave"]["enable_cdn"] is True


def test_environments_expose_the_urls_an_operator_pastes_elsewhere():
    outputs = composition().outputs
    assert outputs["truelayer_webhook_url"]["value"] == "${local.base_url}/api/webhooks/truelayer"
    assert outputs["truelayer_redirect_uri"]["value"] == "${local.base_url}/account"
    assert outputs["runpod_webhook_url"]["value"] == "${local.base_url}/api/webhooks/runpod"
    assert outputs["api_base_url"]["value"] == "${local.base_url}/api"
    assert outputs["web_url"]["value"] == "${local.base_url}/"
    assert composition().locals["base_url"] == "https://${var.domain}"
    assert set(outputs) >= OPERATOR_OUTPUTS
    for name in ENVIRONMENTS:
        env_outputs = environment(name).outputs
        assert set(env_outputs) == set(outputs), name
        for output, body in env_outputs.items():
            assert body["value"] == f"${{module.cineweave.{output}}}", f"{name}: {output}"


def test_tfvars_examples_set_every_required_variable():
    for name in ENVIRONMENTS:
        env = environment(name)
        required = {var for var, body in env.variables.items() if "default" not in body}
        example = (env.directory / "terraform.tfvars.example").read_text()
        assigned = set(re.findall(r"^([a-z_0-9]+)\s*=", example, flags=re.MULTILINE))
        assert required <= assigned, f"{name}: {sorted(required - assigned)}"
        assert not assigned - set(env.variables), f"{name}: unknown {sorted(assigned - set(env.variables))}"


def test_paths_point_into_the_repository():
    cineweave = composition()
    platform_call = cineweave.modules["platform"]
    assert platform_call["bundle_dir"] == "${local.repo_root}/build/functions"
    assert platform_call["archive_dir"] == "${local.repo_root}/build/archives/${var.environment}"
    assert cineweave.modules["web"]["dist_dir"] == "${local.repo_root}/frontend/dist"
    assert cineweave.locals["repo_root"] == '${abspath("${path.module}/../../..")}'
    assert (cineweave.directory / "../../..").resolve() == REPO_ROOT
