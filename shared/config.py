"""Settings, read from the environment once and validated.

`check_settings` is the one definition of a configuration that can serve: every field's own type and bounds
and, in production, no missing or placeholder secret, no endpoint on this machine, no emulator and every
setting the deployed services need. It collects every problem, each named by its environment variable and
never by its value, so the health function can list them all. `Settings` refuses the same production rules
when it is built directly.
"""

import functools
import ipaddress
import json
import os
import urllib.parse
from collections.abc import Mapping
from decimal import Decimal
from typing import Annotated, Any, Literal, NamedTuple

from pydantic import BaseModel, Field, ValidationError, ValidationInfo, model_validator

from shared.domain.moderation import DEFAULT_IMAGE_LIKELIHOOD, DEFAULT_TEXT_THRESHOLDS, Likelihood

LOCAL_SECRET = "local-development-secret-not-for-production"
PLACEHOLDER_SECRETS = {"", "change-me", "test", "local", LOCAL_SECRET}
LIST_SETTINGS = (  # comma-separated in the environment
    "internal_invokers",
    "truelayer_webhook_jkus",
    "moderation_blocklist_terms",
)
JSON_SETTINGS = ("moderation_text_thresholds",)  # a JSON object in the environment
Confidence = Annotated[float, Field(ge=0, le=1)]

# Production refuses these as placeholders; the ones that sign or key something must also be long.
PRODUCTION_SECRETS = (
    "internal_task_secret",
    "webhook_token_secret",
    "runpod_api_key",
    "s3_secret_access_key",
    "truelayer_client_secret",
    "truelayer_signing_private_key",
    "moderation_audit_salt",
)
LONG_SECRETS = ("internal_task_secret", "webhook_token_secret", "moderation_audit_salt")
MIN_SECRET_LENGTH = 32
# Unset by default and needed in production: the Cloud Tasks queues and the OIDC check of internal calls.
PRODUCTION_REQUIRED = (
    "tasks_queue",
    "tasks_service_account",
    "webhook_tasks_queue",
    "internal_audience",
    "internal_invokers",
)
# What production calls or hands out: the defaults are the local stack's, on this machine.
ENDPOINTS = (
    "public_base_url",
    "s3_endpoint_url",
    "dispatch_url",
    "runpod_api_base",
    "truelayer_auth_url",
    "truelayer_api_url",
    "truelayer_hpp_url",
    "truelayer_webhook_jkus",
    "language_api_endpoint",
    "vision_api_endpoint",
)
# Set, these point Google's client libraries at the local emulators (the Auth one accepts unsigned tokens).
EMULATOR_VARIABLES = ("FIRESTORE_EMULATOR_HOST", "FIREBASE_AUTH_EMULATOR_HOST")
_FIELDS_ONLY = {"production_rules": False}  # validation context: the fields' own rules, not production's


class Problem(NamedTuple):
    setting: str  # the environment variable
    reason: str  # what is wrong with it, never its value


class Settings(BaseModel):
    env: Literal["local", "test", "production"] = "local"
    project_id: str = "demo-cineweave"
    public_base_url: str = "http://127.0.0.1:8080"

    s3_endpoint_url: str | None = None
    s3_bucket: str = "cineweave-outputs"
    s3_access_key_id: str = "test"
    s3_secret_access_key: str = "test"
    s3_region: str = "auto"

    queue_backend: Literal["local", "cloud_tasks"] = "local"
    dispatch_url: str = "http://127.0.0.1:8080/api/tasks/dispatch"
    tasks_queue: str | None = None  # projects/P/locations/L/queues/Q
    tasks_service_account: str | None = None
    webhook_tasks_queue: str | None = None  # projects/P/locations/L/queues/Q: outgoing webhook deliveries
    internal_task_secret: str = LOCAL_SECRET
    internal_audience: str | None = None  # OIDC audience expected on Cloud Tasks / Scheduler calls
    internal_invokers: tuple[str, ...] = ()  # service-account emails allowed to call internal functions

    runpod_api_base: str = "http://127.0.0.1:8091/v2"
    runpod_endpoint_id: str = "local"
    runpod_api_key: str = "local"

    webhook_token_secret: str = LOCAL_SECRET

    # TrueLayer Payments v3 (locally: the stack's stand-in, see shared/local/truelayer_standin.py).
    truelayer_auth_url: str = "http://127.0.0.1:8093"
    truelayer_api_url: str = "http://127.0.0.1:8093"
    truelayer_hpp_url: str = "http://127.0.0.1:8093"
    truelayer_client_id: str = "cineweave-local"
    truelayer_client_secret: str = LOCAL_SECRET
    truelayer_signing_key_id: str = "cineweave-local-signing-key"
    truelayer_signing_private_key: str = ""  # PEM of our EC P-521 request-signing key
    truelayer_merchant_account_id: str = "local-merchant-account"
    # Where webhook signing keys may come from (the JWS `jku`); anything else is refused.
    truelayer_webhook_jkus: tuple[str, ...] = ("http://127.0.0.1:8093/.well-known/jwks",)

    # Prices: plans are defined in US cents and charged in integer minor units of one settlement currency.
    payment_currency: Literal["GBP", "EUR"] = "GBP"
    payment_minor_per_usd_cent: Decimal = Decimal("0.80")  # exchange rate, minor units per US cent
    payment_markup_percent: int = Field(default=0, ge=0, le=100)  # covers payment fees and FX spread
    topup_min_credits: int = Field(default=10, ge=1)
    topup_max_credits: int = Field(default=2000, ge=1)
    renewal_grace_days: int = Field(default=7, ge=0)

    max_active_jobs: int = Field(default=5, ge=1)
    rate_limit_creates_per_minute: int = Field(default=20, ge=1)  # per user, whatever token is used
    video_ttl_hours: int = Field(default=24, ge=1)

    # The operator's GPU price per second in US dollars (default: RunPod serverless H100, flex workers);
    # the admin console turns GPU seconds into cost with it.
    gpu_cost_per_second_usd: Decimal = Field(default=Decimal("0.00116"), ge=0)

    # Content safety (shared/services/moderation.py). Blocklist terms come from the list and/or a file of one
    # term a line; text is refused above a confidence per Natural Language category, images at or above a
    # SafeSearch likelihood. The endpoints are unset in production (Google's own); locally, the stand-ins.
    moderation_blocklist_terms: tuple[str, ...] = ()
    moderation_blocklist_file: str | None = None
    moderation_text_thresholds: dict[str, Confidence] = Field(default_factory=lambda: dict(DEFAULT_TEXT_THRESHOLDS))
    moderation_image_likelihood: Likelihood = DEFAULT_IMAGE_LIKELIHOOD
    moderation_fail_open: bool = False  # when the moderation APIs fail: let the job through (noted) or 503
    moderation_timeout_sec: float = Field(default=3.0, gt=0, le=30)
    moderation_max_refusals_per_hour: int = Field(default=10, ge=1)
    moderation_audit_salt: str = LOCAL_SECRET  # keys the hash of a refused prompt in moderationEvents
    language_api_endpoint: str | None = None
    vision_api_endpoint: str | None = None

    @property
    def payments_configured(self) -> bool:
        """TrueLayer can be called: a request-signing key and client credentials are set."""
        return all(
            value.strip()
            for value in (self.truelayer_signing_private_key, self.truelayer_client_id, self.truelayer_client_secret)
        )

    @model_validator(mode="after")
    def _production_rules(self, info: ValidationInfo) -> "Settings":
        if (info.context or {}).get("production_rules", True):
            problems = production_problems(self)
            if problems:
                raise ValueError(describe(problems))
        return self

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "Settings":
        checked = check_settings(environ)
        if checked.settings is None:
            raise InvalidSettings(checked.problems)
        return checked.settings


class Checked(NamedTuple):
    settings: Settings | None  # None when there is any problem
    problems: list[Problem]

    @property
    def names(self) -> list[str]:
        """The settings at fault, each once, in the order found."""
        return list(dict.fromkeys(problem.setting for problem in self.problems))


class InvalidSettings(RuntimeError):
    def __init__(self, problems: list[Problem]):
        super().__init__(f"invalid configuration: {describe(problems)}")
        self.problems = problems


def env_name(field: str) -> str:
    """The environment variable a Settings field is read from."""
    return {"env": "CINEWEAVE_ENV", "project_id": "GOOGLE_CLOUD_PROJECT"}.get(field, field.upper())


def describe(problems: list[Problem]) -> str:
    return "; ".join(f"{problem.setting}: {problem.reason}" for problem in problems)


def check_settings(environ: Mapping[str, str] | None = None) -> Checked:
    """Every problem of the configuration in `environ` (default: the process environment), not just the first."""
    environ = os.environ if environ is None else environ
    values, problems = _read(environ)
    try:
        settings = Settings.model_validate(values, context=_FIELDS_ONLY)
    except ValidationError as exc:
        wrong: dict[str, None] = {}
        for error in exc.errors(include_url=False, include_context=False, include_input=False):
            field = str(error["loc"][0]) if error["loc"] else "env"
            wrong[field] = None
            problems.append(Problem(env_name(field), error["msg"]))
        # The rest is still checked, with the defaults in place of what was refused.
        settings = Settings.model_validate({k: v for k, v in values.items() if k not in wrong}, context=_FIELDS_ONLY)
    problems += production_problems(settings)
    if settings.env == "production":
        problems += [
            Problem(name, "points the clients at a local emulator") for name in EMULATOR_VARIABLES if environ.get(name)
        ]
    return Checked(None if problems else settings, problems)


def production_problems(settings: Settings) -> list[Problem]:
    """What production refuses in settings whose fields are each valid; nothing outside production."""
    if settings.env != "production":
        return []
    found: list[Problem] = []

    def refuse(field: str, reason: str) -> None:
        found.append(Problem(env_name(field), reason))

    if settings.project_id.startswith("demo-"):
        refuse("project_id", "the emulators' demo project; set the Google Cloud project")
    for field in PRODUCTION_SECRETS:
        secret = getattr(settings, field)
        if secret.strip().lower() in PLACEHOLDER_SECRETS:
            refuse(field, "missing or a placeholder; set a real secret in production")
        elif field in LONG_SECRETS and len(secret) < MIN_SECRET_LENGTH:
            refuse(field, f"must be at least {MIN_SECRET_LENGTH} characters in production")
    if settings.queue_backend != "cloud_tasks":
        refuse("queue_backend", "must be cloud_tasks in production")
    for field in PRODUCTION_REQUIRED:
        if not getattr(settings, field):
            refuse(field, "not set; production needs it")
    for field in ENDPOINTS:
        value = getattr(settings, field)
        urls = value if isinstance(value, tuple) else (value,) if value else ()
        if any(_on_this_machine(url) for url in urls):
            refuse(field, "points at this machine (localhost); set the production endpoint")
    jkus = settings.truelayer_webhook_jkus
    if not jkus or any(not jku.startswith("https://") for jku in jkus):
        refuse("truelayer_webhook_jkus", "must list TrueLayer's https JWKS URLs in production")
    return found


def _read(environ: Mapping[str, str]) -> tuple[dict[str, Any], list[Problem]]:
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    for field in Settings.model_fields:
        key = env_name(field)
        if key not in environ:
            continue
        raw = environ[key]
        if field in LIST_SETTINGS:
            values[field] = tuple(filter(None, (part.strip() for part in raw.split(","))))
        elif field in JSON_SETTINGS:
            try:
                values[field] = json.loads(raw)
            except ValueError:
                problems.append(Problem(key, "must be a JSON object"))
        else:
            values[field] = raw
    return values, problems


def _on_this_machine(endpoint: str) -> bool:
    """A URL (or host:port) whose host is localhost, a loopback address or the unspecified address."""
    host = urllib.parse.urlsplit(endpoint if "://" in endpoint else f"//{endpoint}").hostname
    if not host:
        return False
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_loopback or address.is_unspecified


@functools.cache
def settings_check() -> Checked:
    """The process environment's settings, checked once per process; problems are logged as they are found."""
    checked = check_settings()
    if checked.problems:
        from shared.log import fields, get_logger  # here: the logging set-up may itself read settings
        from shared.log_events import LogEvent

        get_logger("config").error(
            f"settings not valid, the service refuses to serve: {describe(checked.problems)}",
            extra=fields(event=LogEvent.SETTINGS_INVALID, settings=checked.names),
        )
    return checked


def get_settings() -> Settings:
    checked = settings_check()
    if checked.settings is None:
        raise InvalidSettings(checked.problems)
    return checked.settings


def reload_settings() -> None:
    """Forget the checked settings, so the next use reads the environment again (tests)."""
    settings_check.cache_clear()
