"""What a caller may ask for: the validated request bodies, bounded by the contract numbers."""

import re

from pydantic import BaseModel, ConfigDict, Field, StrictInt, field_validator

from shared.domain.contract import (
    DEFAULT_ASPECT_RATIO,
    DURATIONS_SEC,
    MAX_SEED,
    MIN_SEED,
    NEGATIVE_PROMPT_MAX_CHARS,
    PROMPT_MAX_CHARS,
    AspectRatio,
    Duration,
)
from shared.domain.ids import StoredId
from shared.domain.webhooks import WEBHOOK_EVENTS, WEBHOOK_URL_MAX_CHARS, WebhookEvent

IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9._:\-]{1,200}$")


def _longer_than(field: str, limit: int, value: str | None) -> str | None:
    if value is not None and len(value) > limit:
        raise ValueError(f"{field} is longer than {limit} characters.")
    return value


class CreateJobRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    prompt: str = Field(min_length=1)
    negativePrompt: str | None = None
    imageKey: str | None = None
    durationSec: Duration
    seed: int | None = Field(default=None, ge=MIN_SEED, le=MAX_SEED)
    aspectRatio: AspectRatio = DEFAULT_ASPECT_RATIO
    # Where to POST the job's events (Standard Webhooks, signed with the user's secret), and which events.
    webhookUrl: str | None = Field(default=None, min_length=1, max_length=WEBHOOK_URL_MAX_CHARS)
    webhookEvents: list[WebhookEvent] | None = Field(default=None, min_length=1, max_length=len(WEBHOOK_EVENTS))

    @field_validator("webhookEvents")
    @classmethod
    def _distinct_events(cls, value: list[WebhookEvent] | None) -> list[WebhookEvent] | None:
        if value is not None and len(set(value)) != len(value):
            raise ValueError("webhookEvents must not repeat an event")
        return value

    @field_validator("durationSec", mode="before")
    @classmethod
    def _whole_seconds(cls, value: object) -> object:
        if isinstance(value, bool) or not isinstance(value, int) or value not in DURATIONS_SEC:
            raise ValueError("durationSec must be 5, 10 or 15")
        return value

    @field_validator("seed", mode="before")
    @classmethod
    def _integer_seed(cls, value: object) -> object:
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise ValueError("seed must be a whole number")
        return value

    @field_validator("prompt")
    @classmethod
    def _prompt_length(cls, value: str) -> str | None:
        return _longer_than("prompt", PROMPT_MAX_CHARS, value)

    @field_validator("negativePrompt")
    @classmethod
    def _negative_prompt_length(cls, value: str | None) -> str | None:
        return _longer_than("negativePrompt", NEGATIVE_PROMPT_MAX_CHARS, value)


class CreateApiKeyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=100)


class UploadRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    contentType: str
    sizeBytes: int = Field(gt=0)


MAX_ADJUSTMENT = 1_000_000  # credits one admin adjustment may add or take


class CreditAdjustment(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    delta: int = Field(ge=-MAX_ADJUSTMENT, le=MAX_ADJUSTMENT)
    reason: str = Field(min_length=3, max_length=500)

    @field_validator("delta", mode="before")
    @classmethod
    def _nonzero_integer(cls, value: object) -> object:
        if isinstance(value, bool) or not isinstance(value, int) or value == 0:
            raise ValueError("delta must be a non-zero whole number of credits")
        return value


class SubscribeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    planId: str = Field(min_length=1, max_length=40)


class TopupRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    credits: StrictInt


class DispatchRequest(BaseModel):
    """What the queue delivers to the dispatch function."""

    model_config = ConfigDict(extra="ignore")

    jobId: StoredId


class WebhookTaskRequest(BaseModel):
    """What the queue delivers to the webhook task: the job and the event to tell its creator of."""

    model_config = ConfigDict(extra="ignore")

    jobId: StoredId
    event: WebhookEvent
