"""What the code declares and what the Terraform says, side by side, for the tests in tests/infra.

No provider can be downloaded here, so the tests read the HCL (python-hcl2) and compare it with the code
(functions/, shared/routes.py, shared/config.py) instead of planning.
"""

from __future__ import annotations

import re

from shared.config import Settings
from tests.infra.hcl import REPO_ROOT, module

FUNCTIONS_DIR = REPO_ROOT / "functions"
RUNTIME_ROLES = {"api", "webhooks", "dispatcher"}
INVOKER_ROLES = {"tasks", "scheduler"}

# Settings left at their defaults in production: product rules (5 unfinished jobs, 20 creates a minute per
# user, 24 h videos, top-up bounds, renewal grace), not deployment facts. Any other setting must be set.
PRODUCT_RULES = {
    "max_active_jobs",
    "rate_limit_creates_per_minute",
    "video_ttl_hours",
    "topup_min_credits",
    "topup_max_credits",
    "renewal_grace_days",
}
# Settings production leaves unset on purpose: the moderation clients' endpoint overrides exist for the local
# stand-ins (unset, they call Google's own), and a function has no place for a blocklist file (the terms are
# passed as MODERATION_BLOCKLIST_TERMS).
UNSET_IN_PRODUCTION = {
    "language_api_endpoint",
    "vision_api_endpoint",
    "moderation_blocklist_file",
}
# The moderation settings Terraform sets, each from the platform variable of the same name.
MODERATION_SETTINGS = (
    "moderation_blocklist_terms",
    "moderation_text_thresholds",
    "moderation_image_likelihood",
    "moderation_fail_open",
    "moderation_timeout_sec",
    "moderation_max_refusals_per_hour",
)


# -- what the code says --------------------------------------------------------------------------------------


def entry_points() -> set[str]:
    return {path.stem for path in FUNCTIONS_DIR.glob("*.py") if path.stem != "__init__"}


def builds_settings(name: str) -> bool:
    """The entry point reads the settings (through the services container)."""
    return "services()" in (FUNCTIONS_DIR / f"{name}.py").read_text()


def screens_content(name: str) -> bool:
    """The entry point creates jobs, which JobService.create and .submit moderate (shared/services/moderation.py)."""
    text = (FUNCTIONS_DIR / f"{name}.py").read_text()
    return ".jobs.create(" in text or ".jobs.submit(" in text


# What an entry point calls that can enqueue a webhook delivery (shared/services/webhooks.py, `announce` and
# `requeue_due`): every JobLifecycle move (the dispatch, the RunPod webhook, a viewer's progress refresh) may
# make a job running, done or failed; JobService.cancel cancels one; the sweep reconciles and re-enqueues
# events whose enqueue was lost.
JOB_EVENT_CALLS = (".lifecycle.", ".jobs.cancel(", ".sweeper.run(")


def raises_job_events(name: str) -> bool:
    """The entry point moves jobs to running, done, failed or canceled, or enqueues their events again."""
    text = (FUNCTIONS_DIR / f"{name}.py").read_text()
    return any(call in text for call in JOB_EVENT_CALLS)


def checks_internal_caller(name: str) -> bool:
    """The entry point only accepts Cloud Tasks / Cloud Scheduler calls."""
    return ".internal.check(" in (FUNCTIONS_DIR / f"{name}.py").read_text()


class _AskedKeys(dict):
    """An empty environment that records which variables Settings.from_env looks for."""

    def __init__(self):
        super().__init__()
        self.asked: list[str] = []

    def __contains__(self, key) -> bool:
        self.asked.append(key)
        return False


def settings_env_names() -> dict[str, str]:
    """Settings field → the environment variable the code reads it from."""
    environ = _AskedKeys()
    Settings.from_env(environ)
    fields = list(Settings.model_fields)
    assert len(environ.asked) == len(fields)
    return dict(zip(fields, environ.asked, strict=True))


def production_values() -> dict:
    """A production configuration the settings accept (every secret long and real-looking)."""
    strong = "s" * 48
    return {
        "env": "production",
        "queue_backend": "cloud_tasks",
        "internal_task_secret": strong,
        "webhook_token_secret": strong,
        "runpod_api_key": strong,
        "s3_secret_access_key": strong,
        "truelayer_client_secret": strong,
        "truelayer_signing_private_key": strong,
        "moderation_audit_salt": strong,
        "truelayer_webhook_jkus": ("https://webhooks.truelayer.com/.well-known/jwks",),
        # Not on this machine, and everything the deployed services need set:
        "project_id": "cineweave-prod",
        "public_base_url": "https://cineweave.example",
        "dispatch_url": "https://cineweave.example/api/tasks/dispatch",
        "runpod_api_base": "https://api.runpod.ai/v2",
        "truelayer_auth_url": "https://auth.truelayer.com",
        "truelayer_api_url": "https://api.truelayer.com",
        "truelayer_hpp_url": "https://payment.truelayer.com",
        "tasks_queue": "projects/p/locations/l/queues/dispatch",
        "tasks_service_account": "tasks@p.iam.gserviceaccount.com",
        "webhook_tasks_queue": "projects/p/locations/l/queues/webhooks",
        "internal_audience": "https://fn.example",
        "internal_invokers": ("tasks@p.iam.gserviceaccount.com",),
    }


def production_secrets() -> set[str]:
    """Fields production refuses to start with when they hold a placeholder: these are secrets."""
    Settings(**production_values())  # the base is valid
    secrets = set()
    for field, info in Settings.model_fields.items():
        if info.annotation is not str:
            continue
        try:
            Settings(**(production_values() | {field: "change-me"}))
        except ValueError:
            secrets.add(field)
    return secrets


def internal_functions() -> set[str]:
    return {name for name in entry_points() if checks_internal_caller(name)}


# -- what the Terraform says ---------------------------------------------------------------------------------


def platform():
    return module("platform")


def composition():
    """modules/cineweave: the four modules wired together, which each environment calls once."""
    return module("cineweave")


def function_map() -> dict[str, dict]:
    return {
        name: {key: platform().resolve(value) for key, value in fn.items()}
        for name, fn in platform().locals["functions"].items()
    }


def secrets_map() -> dict[str, dict]:
    return platform().locals["secrets"]


def function_call() -> dict:
    return platform().modules["function"]


def edge_routes() -> list[dict]:
    return module("edge").locals["api_routes"]


def lb_pattern(path: str) -> re.Pattern:
    """A load balancer path (exact, or a template with {name} for one segment) as a regex."""
    return re.compile("^" + re.sub(r"\\\{[a-z_]+\\\}", "[^/]+", re.escape(path)) + "$")


def lb_function(path: str) -> str | None:
    """The function the URL map sends `path` to: the first api route that matches, in priority order."""
    for route in edge_routes():
        if lb_pattern(route["path"]).match(path):
            return route["function"]
    return None


def sample_path(rule: str) -> str:
    return re.sub(r"<[a-z_]+>", "sample-id-1", rule)
