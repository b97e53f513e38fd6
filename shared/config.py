"""Settings, read from the environment once and validated.

In production a placeholder secret is refused, so a half-configured deployment fails at start-up instead of
accepting forged webhooks.
"""

import functools
import json
import os
from collections.abc import Mapping
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, Field, ValidationError, model_validator

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
    def _no_placeholders_in_production(self) -> "Settings":
        if self.env != "production":
            return self
        for name in (
            "internal_task_secret",
            "webhook_token_secret",
            "runpod_api_key",
            "s3_secret_access_key",
            "truelayer_client_secret",
            "truelayer_signing_private_key",
            "moderation_audit_salt",
        ):
            if getattr(self, name) in PLACEHOLDER_SECRETS:
                raise ValueError(f"{name.upper()} is a placeholder; set a real secret in production")
        for name in ("internal_task_secret", "webhook_token_secret", "moderation_audit_salt"):
            if len(getattr(self, name)) < 32:
                raise ValueError(f"{name.upper()} must be at least 32 characters in production")
        if self.queue_backend != "cloud_tasks":
            raise ValueError("QUEUE_BACKEND must be cloud_tasks in production")
        if not self.truelayer_webhook_jkus or any(
            not jku.startswith("https://") for jku in self.truelayer_webhook_jkus
        ):
            raise ValueError("TRUELAYER_WEBHOOK_JKUS must list TrueLayer's https JWKS URLs in production")
        return self

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "Settings":
        environ = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for name in cls.model_fields:
            key = (
                "CINEWEAVE_ENV" if name == "env" else ("GOOGLE_CLOUD_PROJECT" if name == "project_id" else name.upper())
            )
            if key in environ:
                raw = environ[key]
                if name in LIST_SETTINGS:
                    values[name] = tuple(filter(None, (part.strip() for part in raw.split(","))))
                elif name in JSON_SETTINGS:
                    try:
                        values[name] = json.loads(raw)
                    except ValueError:
                        raise RuntimeError(f"invalid configuration: {key} must be a JSON object") from None
                else:
                    values[name] = raw
        try:
            return cls(**values)
        except ValidationError as exc:
            raise RuntimeError(f"invalid configuration: {exc}") from exc


@functools.cache
def get_settings() -> Settings:
    return Settings.from_env()
