"""Every entry point is deployed with the settings and secrets it needs, and the internal ones stay private."""

from __future__ import annotations

import re

from shared.config import Settings
from tests.infra.facts import (
    INVOKER_ROLES,
    PRODUCT_RULES,
    RUNTIME_ROLES,
    UNSET_IN_PRODUCTION,
    builds_settings,
    checks_internal_caller,
    entry_points,
    function_call,
    function_map,
    platform,
    production_secrets,
    secrets_map,
    settings_env_names,
)
from tests.infra.hcl import REPO_ROOT, all_tf_files, module

# -- functions -----------------------------------------------------------------------------------------------


def test_every_entry_point_is_one_function_in_the_map_and_back():
    assert set(function_map()) == entry_points()


def test_the_function_module_is_called_for_every_function_with_its_entry_point():
    call = function_call()
    assert call["source"] == "../cloud_function"
    assert call["for_each"] == "${local.sized_functions}"
    assert call["entry_point"] == "${each.key}"
    assert call["source_dir"] == "${var.bundle_dir}/${each.key}"
    assert "for name, fn in local.functions" in platform().locals["sized_functions"]


def test_every_function_has_a_role_and_sane_sizes():
    for name, fn in function_map().items():
        assert fn["role"] in RUNTIME_ROLES, name
        assert set(fn["invokers"]) <= INVOKER_ROLES, name
        assert re.fullmatch(r"[0-9]+(Mi|Gi)", fn["memory"]), name
        assert 1 <= fn["timeout_seconds"] <= 3600, name
        assert 0 <= fn["min_instances"] <= fn["max_instances"], name
        assert fn["concurrency"] == 1 or float(fn["cpu"]) >= 1, f"{name}: concurrency > 1 needs a whole vCPU"


def test_internal_functions_are_private_and_invoked_only_by_their_scheduler_or_queue():
    functions = function_map()
    internal = {name for name in entry_points() if checks_internal_caller(name)}
    assert internal == {"dispatch_job", "sweep", "renew"}  # the /api/tasks/* targets
    for name, fn in functions.items():
        if name in internal:
            assert fn["public"] is False, f"{name} must not be public"
            assert fn["invokers"], f"{name} needs an invoker (Cloud Tasks or Cloud Scheduler)"
            assert fn["role"] == "dispatcher", name
        else:
            assert fn["public"] is True, f"{name} serves users or webhooks through the load balancer"
            assert fn["invokers"] == [], name
    assert functions["dispatch_job"]["invokers"] == ["tasks"]
    assert functions["sweep"]["invokers"] == ["scheduler"]
    assert functions["renew"]["invokers"] == ["scheduler"]


def test_only_public_functions_are_granted_to_all_users():
    fn_module = module("cloud_function")
    public = fn_module.resource("google_cloud_run_v2_service_iam_member", "public")
    assert public["member"] == "allUsers"
    assert public["count"] == "${var.public ? 1 : 0}"
    invoker = fn_module.resource("google_cloud_run_v2_service_iam_member", "invoker")
    assert invoker["for_each"] == "${toset(var.invoker_members)}"
    service = fn_module.resource("google_cloudfunctions2_function", "this")["service_config"][0]
    assert service["ingress_settings"] == '${var.public ? "ALLOW_INTERNAL_AND_GCLB" : "ALLOW_INTERNAL_ONLY"}'
    assert function_call()["public"] == "${each.value.public}"
    # No other grant to everyone, anywhere: only the public functions and the web app's static files.
    grants = []
    for path in all_tf_files():
        for match in re.finditer(r'"(allUsers|allAuthenticatedUsers)"', path.read_text()):
            grants.append((path.relative_to(REPO_ROOT).as_posix(), match.group(1)))
    assert sorted(grants) == [
        ("terraform/modules/cloud_function/main.tf", "allUsers"),
        ("terraform/modules/web/main.tf", "allUsers"),
    ]
    web = module("web").resource("google_storage_bucket_iam_member", "public_read")
    assert web["role"] == "roles/storage.objectViewer"


# -- settings and secrets ------------------------------------------------------------------------------------


def terraform_env_names(name: str) -> set[str]:
    """Variables Terraform sets on one function: plain (settings_env + per-function) and from secrets."""
    fn = function_map()[name]
    plain = set(platform().locals["settings_env"]) | {"INTERNAL_AUDIENCE"}
    secret = {secrets_map()[key]["env"] for key in fn["secrets"]}
    return plain | secret


def test_the_module_call_passes_the_settings_and_the_secrets_of_each_function():
    call = function_call()
    assert call["env"] == "${local.function_env[each.key]}"
    assert call["secret_env"] == (
        "${{for key in each.value.secrets : local.secrets[key].env => "
        "google_secret_manager_secret.this[key].secret_id}}"
    )
    env = platform().locals["function_env"]
    assert "merge(local.settings_env, {INTERNAL_AUDIENCE = local.internal_audience[name]})" in env
    # Only a function without secrets (health) goes without the settings.
    assert 'length(fn.secrets) == 0 ? {CINEWEAVE_ENV = "production"}' in env


def test_every_setting_production_needs_is_set_for_every_function_that_reads_settings():
    names = settings_env_names()
    required = {env for field, env in names.items() if field not in PRODUCT_RULES | UNSET_IN_PRODUCTION}
    for field in PRODUCT_RULES:  # left at defaults on purpose; make sure those are safe everywhere
        assert isinstance(Settings.model_fields[field].default, int), field
    for field in UNSET_IN_PRODUCTION:  # unset means Google's endpoints and no blocklist file
        assert Settings.model_fields[field].default is None, field
    readers = {name for name in entry_points() if builds_settings(name)}
    assert readers == entry_points() - {"health"}
    for name in sorted(readers):
        missing = required - terraform_env_names(name)
        assert not missing, f"{name} lacks {sorted(missing)}"
        unwanted = {names[field] for field in UNSET_IN_PRODUCTION} & terraform_env_names(name)
        assert not unwanted, f"{name} sets {sorted(unwanted)}, which production leaves unset"
    for name in entry_points() - readers:
        assert function_map()[name]["secrets"] == [], f"{name} never reads the settings; it needs no secret"


def test_secret_settings_come_from_secret_manager_never_from_plain_env():
    names = settings_env_names()
    secret_envs = {names[field] for field in production_secrets()}
    assert secret_envs == {
        "INTERNAL_TASK_SECRET",
        "WEBHOOK_TOKEN_SECRET",
        "RUNPOD_API_KEY",
        "S3_SECRET_ACCESS_KEY",
        "TRUELAYER_CLIENT_SECRET",
        "TRUELAYER_SIGNING_PRIVATE_KEY",
        "MODERATION_AUDIT_SALT",
    }
    assert not secret_envs & set(platform().locals["settings_env"])
    assert secret_envs <= {secret["env"] for secret in secrets_map().values()}


def test_production_values_are_production():
    env = platform().locals["settings_env"]
    assert env["CINEWEAVE_ENV"] == "production"
    assert env["QUEUE_BACKEND"] == "cloud_tasks"
    assert env["S3_REGION"] == "auto"
    assert env["DISPATCH_URL"] == "${local.dispatch_url}"
    assert env["TASKS_QUEUE"] == "${google_cloud_tasks_queue.dispatch.id}"
    assert env["TASKS_SERVICE_ACCOUNT"] == '${google_service_account.invoker["tasks"].email}'
    assert "google_service_account.invoker[role].email" in env["INTERNAL_INVOKERS"]
    assert platform().locals["dispatch_url"].endswith("/api/tasks/dispatch")
    jkus = {hosts["jku"] for hosts in platform().locals["truelayer_hosts"].values()}
    assert all(jku.startswith("https://") for jku in jkus)
    for emulator in ("FIRESTORE_EMULATOR_HOST", "FIREBASE_AUTH_EMULATOR_HOST"):
        assert emulator not in platform().text()


def test_every_function_expects_its_own_url_as_audience():
    audience = platform().locals["internal_audience"]
    assert audience == "${{for name, fn in local.functions : name => local.function_urls[name]}}"


def test_every_secret_referenced_exists_and_has_no_version_in_terraform():
    secrets = secrets_map()
    for name, fn in function_map().items():
        assert set(fn["secrets"]) <= set(secrets), name
    resource = platform().resource("google_secret_manager_secret", "this")
    assert resource["for_each"] == "${local.secrets}"
    for path in all_tf_files():
        text = path.read_text()
        assert "google_secret_manager_secret_version" not in text, path
        assert "secret_data" not in text, path


def test_secret_access_is_granted_per_role_from_the_secrets_its_functions_mount():
    grants = platform().locals["secret_grants"]
    assert "for secret in fn.secrets" in grants and "role = fn.role" in grants
    accessor = platform().resource("google_secret_manager_secret_iam_member", "accessor")
    assert accessor["for_each"] == "${local.secret_grants}"
    assert accessor["role"] == "roles/secretmanager.secretAccessor"


def test_only_the_enqueueing_functions_roles_may_create_tasks_as_the_tasks_invoker():
    enqueuers = {name for name, fn in function_map().items() if fn["enqueues"]}
    assert enqueuers == {"create_job", "sweep"}  # JobService.create and Sweeper re-dispatch
    assert (
        platform().resource("google_cloud_tasks_queue_iam_member", "enqueuer")["for_each"] == "${local.enqueuer_roles}"
    )
    act_as = platform().resource("google_service_account_iam_member", "enqueuer_acts_as_tasks_invoker")
    assert act_as["role"] == "roles/iam.serviceAccountUser"
    assert act_as["service_account_id"] == '${google_service_account.invoker["tasks"].name}'


def test_the_developer_function_is_a_public_api_function_sized_like_credits():
    # API keys and the webhook secret: user-facing, behind the load balancer, authenticating with ID tokens.
    functions = function_map()
    assert functions["developer"] == functions["credits"]
    assert functions["developer"]["role"] == "api" and functions["developer"]["public"] is True
