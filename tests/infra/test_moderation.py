"""Content moderation on create: the two Google APIs, the right to call them, the settings and their defaults."""

from __future__ import annotations

import json
import re
from typing import get_args

import pytest

from shared.config import Settings
from tests.infra.facts import (
    MODERATION_SETTINGS,
    builds_settings,
    composition,
    entry_points,
    function_call,
    function_map,
    platform,
    screens_content,
    secrets_map,
    settings_env_names,
)
from tests.infra.hcl import ENVIRONMENTS, all_tf_files, environment

SERVICE_USAGE_CONSUMER = "roles/serviceusage.serviceUsageConsumer"

# -- the APIs and who may call them --------------------------------------------------------------------------


def test_natural_language_and_vision_are_enabled_with_the_other_apis():
    apis = set(re.findall(r'"([a-z0-9.-]+\.googleapis\.com)"', platform().locals["apis"]))
    assert {"language.googleapis.com", "vision.googleapis.com"} <= apis
    service = platform().resource("google_project_service", "this")
    assert service["for_each"] == "${local.apis}"
    assert service["disable_on_destroy"] is False


def test_only_the_functions_that_create_jobs_are_marked_as_moderating():
    functions = function_map()
    for name, fn in functions.items():
        assert isinstance(fn["moderates"], bool), name
    moderating = {name for name, fn in functions.items() if fn["moderates"]}
    assert moderating == {name for name in entry_points() if screens_content(name)}
    assert moderating == {"create_job"}


def test_the_create_job_service_account_alone_may_consume_the_project_services():
    functions = function_map()
    roles = platform().locals["moderator_roles"]
    assert roles == "${toset(distinct([for name, fn in local.functions : fn.role if fn.moderates]))}"
    granted = {fn["role"] for fn in functions.values() if fn["moderates"]}  # what the expression evaluates to
    assert granted == {functions["create_job"]["role"]} == {"api"}
    grant = platform().resource("google_project_iam_member", "moderator")
    assert grant["for_each"] == "${local.moderator_roles}"
    assert grant["project"] == "${var.project_id}"
    assert grant["role"] == SERVICE_USAGE_CONSUMER
    assert grant["member"] == "serviceAccount:${google_service_account.runtime[each.value].email}"
    # No other grant of the role: not to the other runtime accounts, the invokers or the build account.
    assert sum(path.read_text().count(SERVICE_USAGE_CONSUMER) for path in all_tf_files()) == 1
    # The functions are deployed after the grant, so the first create request can already call the APIs.
    assert "${google_project_iam_member.moderator}" in function_call()["depends_on"]


# -- the settings --------------------------------------------------------------------------------------------

# How Terraform renders each variable into the function's environment (settings.tf).
RENDERING = {
    "moderation_blocklist_terms": '${join(",", var.moderation_blocklist_terms)}',
    "moderation_text_thresholds": "${jsonencode(var.moderation_text_thresholds)}",
    "moderation_image_likelihood": "${var.moderation_image_likelihood}",
    "moderation_fail_open": "${tostring(var.moderation_fail_open)}",
    "moderation_timeout_sec": "${tostring(var.moderation_timeout_sec)}",
    "moderation_max_refusals_per_hour": "${tostring(var.moderation_max_refusals_per_hour)}",
}
TYPES = {
    "moderation_blocklist_terms": "${list(string)}",
    "moderation_text_thresholds": "${map(number)}",
    "moderation_image_likelihood": "string",
    "moderation_fail_open": "bool",
    "moderation_timeout_sec": "number",
    "moderation_max_refusals_per_hour": "number",
}


def render(field: str, value) -> str:
    """What Terraform's expression for `field` (RENDERING) makes of `value`."""
    if field == "moderation_blocklist_terms":
        return ",".join(value)
    if field == "moderation_text_thresholds":
        return json.dumps(value, separators=(",", ":"))
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # tostring(3.0) is "3"
    return str(value)


def test_the_moderation_settings_are_set_from_their_variables_for_every_function_that_reads_settings():
    names = settings_env_names()
    env = platform().locals["settings_env"]
    assert set(RENDERING) == set(MODERATION_SETTINGS)
    for field, expression in RENDERING.items():
        assert env[names[field]] == expression, field
    readers = {name for name in entry_points() if builds_settings(name)}
    assert "create_job" in readers and "admin" in readers  # admin reads the refusals
    for name in readers:
        assert "moderation_audit_salt" in function_map()[name]["secrets"], name


def test_the_audit_salt_is_a_secret_like_the_others():
    salt = secrets_map()["moderation_audit_salt"]
    assert salt["env"] == settings_env_names()["moderation_audit_salt"] == "MODERATION_AUDIT_SALT"
    assert "32 characters" in salt["description"]
    assert "moderation_audit_salt" in platform().locals["settings_secrets"]
    assert "MODERATION_AUDIT_SALT" not in platform().locals["settings_env"]
    # The accessor grant is per role from the mounted secrets (secret_grants): the create_job role reads it.
    assert (function_map()["create_job"]["role"], "moderation_audit_salt") in {
        (fn["role"], secret) for fn in function_map().values() for secret in fn["secrets"]
    }


def variable_layers():
    """Where the moderation variables are declared with a default: the platform module and the environments."""
    yield "modules/platform", platform()
    for name in ENVIRONMENTS:
        yield f"environments/{name}", environment(name)


@pytest.mark.parametrize("field", MODERATION_SETTINGS)
def test_each_moderation_variable_defaults_to_the_settings_default(field):
    expected = getattr(Settings(), field)
    for where, mod in variable_layers():
        variable = mod.variables[field]
        assert variable["type"] == TYPES[field], f"{where}: {field}"
        default = variable["default"]
        if field == "moderation_text_thresholds":
            assert json.loads(render(field, default)) == expected, f"{where}: {field}"
        elif field == "moderation_blocklist_terms":
            assert tuple(default) == expected, f"{where}: {field}"
        else:
            assert default == expected, f"{where}: {field}"
            assert isinstance(default, str) == isinstance(expected, str), f"{where}: {field} is typed as the setting"
    # The composition passes the environments' values through to the platform untouched.
    assert composition().variables[field]["type"] == TYPES[field]
    assert composition().modules["platform"][field] == f"${{var.{field}}}"


def test_the_defaults_as_rendered_are_read_back_as_the_settings_defaults():
    names = settings_env_names()
    environ = {names[field]: render(field, platform().variables[field]["default"]) for field in MODERATION_SETTINGS}
    defaults = Settings()
    read = Settings.from_env(environ)
    for field in MODERATION_SETTINGS:
        assert getattr(read, field) == getattr(defaults, field), field


def test_an_operators_values_as_rendered_are_read_back_unchanged():
    names = settings_env_names()
    chosen = {
        "moderation_blocklist_terms": ["dragon fruit", "Forbidden"],
        "moderation_text_thresholds": {"Toxic": 0.5, "Death, Harm & Tragedy": 0.9, "Profanity": 1},
        "moderation_image_likelihood": "POSSIBLE",
        "moderation_fail_open": True,
        "moderation_timeout_sec": 2.5,
        "moderation_max_refusals_per_hour": 3,
    }
    read = Settings.from_env({names[field]: render(field, value) for field, value in chosen.items()})
    assert read.moderation_blocklist_terms == ("dragon fruit", "Forbidden")
    assert read.moderation_text_thresholds == {"Toxic": 0.5, "Death, Harm & Tragedy": 0.9, "Profanity": 1.0}
    assert read.moderation_image_likelihood == "POSSIBLE"
    assert read.moderation_fail_open is True
    assert read.moderation_timeout_sec == 2.5
    assert read.moderation_max_refusals_per_hour == 3


def conditions(field: str) -> str:
    return " ".join(rule["condition"] for rule in platform().variables[field].get("validation", []))


def test_the_variables_refuse_what_the_settings_refuse():
    fields = Settings.model_fields
    likelihoods = re.findall(r'"([A-Z_]+)"', conditions("moderation_image_likelihood"))
    assert likelihoods == list(get_args(fields["moderation_image_likelihood"].annotation))

    (gt, le) = fields["moderation_timeout_sec"].metadata
    assert conditions("moderation_timeout_sec") == (
        f"${{var.moderation_timeout_sec > {gt.gt} && var.moderation_timeout_sec <= {le.le}}}"
    )
    (ge,) = fields["moderation_max_refusals_per_hour"].metadata
    refusals = conditions("moderation_max_refusals_per_hour")
    assert f"var.moderation_max_refusals_per_hour >= {ge.ge}" in refusals
    assert "floor(var.moderation_max_refusals_per_hour) == var.moderation_max_refusals_per_hour" in refusals

    thresholds = conditions("moderation_text_thresholds")
    assert "threshold >= 0 && threshold <= 1" in thresholds
    assert "contains(local.moderation_text_categories, category)" in thresholds
    categories = platform().locals["moderation_text_categories"]
    assert len(categories) == len(set(categories)) == 16
    assert set(Settings().moderation_text_thresholds) <= set(categories)

    # The terms travel comma-separated, so a term may not hold a comma.
    assert 'strcontains(term, ",")' in conditions("moderation_blocklist_terms")
    # Each rule is written once, in the platform module.
    for field in MODERATION_SETTINGS:
        assert "validation" not in composition().variables[field], field
