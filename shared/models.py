"""Domain vocabulary: job states, clip geometry, prices, and the validated API requests."""

import datetime as dt
import enum
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, field_validator


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class JobStatus(str, enum.Enum):
    QUEUED = "queued"
    DISPATCHED = "dispatched"
    RUNNING = "running"
    DONE = "done"
    EXPIRED = "expired"
    FAILED = "failed"
    CANCELED = "canceled"


UNFINISHED = frozenset({JobStatus.QUEUED, JobStatus.DISPATCHED, JobStatus.RUNNING})
ON_GPU = frozenset({JobStatus.DISPATCHED, JobStatus.RUNNING})

SECONDS_PER_CREDIT = 5
FPS = 24
SEGMENT_FRAMES = 121  # one 5 s Wan 2.2 segment; longer clips chain segments sharing a frame
CLIP_SIZES = {"16:9": (1280, 704), "9:16": (704, 1280)}
DURATIONS_SEC = (5, 10, 15)
MAX_SEED = 2**31 - 1


def credits_for(duration_sec: int) -> int:
    return duration_sec // SECONDS_PER_CREDIT


def execution_timeout_sec(duration_sec: int) -> int:
    """RunPod's executionTimeout for a clip: model load plus a generous budget per 5 s segment."""
    return 240 + 120 * (duration_sec // SECONDS_PER_CREDIT)


IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9._:\-]{1,200}$")


class CreateJobRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    prompt: str = Field(min_length=1)
    negativePrompt: str | None = None
    imageKey: str | None = None
    durationSec: Literal[5, 10, 15]
    seed: int | None = Field(default=None, ge=0, le=MAX_SEED)
    aspectRatio: Literal["16:9", "9:16"] = "16:9"

    @field_validator("durationSec", mode="before")
    @classmethod
    def _whole_seconds(cls, value):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError("durationSec must be 5, 10 or 15")
        if value not in DURATIONS_SEC:
            raise ValueError("durationSec must be 5, 10 or 15")
        return value

    @field_validator("seed", mode="before")
    @classmethod
    def _integer_seed(cls, value):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise ValueError("seed must be a whole number")
        return value


class UploadRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    contentType: str
    sizeBytes: int = Field(gt=0)


class CreditAdjustment(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    delta: int
    reason: str = Field(min_length=3, max_length=500)

    @field_validator("delta", mode="before")
    @classmethod
    def _nonzero_integer(cls, value):
        if isinstance(value, bool) or not isinstance(value, int) or value == 0:
            raise ValueError("delta must be a non-zero whole number of credits")
        return value


IMAGE_TYPES = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp"}


class SubscribeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    planId: str = Field(min_length=1, max_length=40)


class TopupRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    credits: StrictInt
