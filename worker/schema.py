"""The worker's job input: what the dispatcher sends as a RunPod job's `input`, validated with pydantic.

Durations, fps, clip sizes, the seed range and the prompt limits come from shared/domain/contract.py, the
one definition the API validates requests with too; the image carries that file alone (worker/Dockerfile).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictInt, ValidationError, field_validator, model_validator
from pydantic_core import ErrorDetails

from shared.domain import contract
from worker.errors import InvalidInput


class OutputTarget(BaseModel):
    """Where the finished video and its poster go (bucket credentials come from the worker's env)."""

    model_config = ConfigDict(extra="ignore")

    bucket: str = Field(min_length=1, max_length=255)
    videoKey: str = Field(min_length=1, max_length=1024)
    posterKey: str = Field(min_length=1, max_length=1024)


class JobInput(BaseModel):
    """One render request as sent by the dispatcher; field names are the wire names."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    jobId: str = Field(min_length=1, max_length=200)
    prompt: str = Field(min_length=1, max_length=contract.PROMPT_MAX_CHARS)
    negativePrompt: str | None = Field(default=None, max_length=contract.NEGATIVE_PROMPT_MAX_CHARS)
    imageUrl: str | None = None
    durationSec: StrictInt
    seed: StrictInt = Field(ge=contract.MIN_SEED, le=contract.MAX_SEED)
    width: StrictInt
    height: StrictInt
    fps: StrictInt = contract.FPS
    output: OutputTarget

    @field_validator("durationSec")
    @classmethod
    def _sold_duration(cls, value: int) -> int:
        if value not in contract.DURATIONS_SEC:
            *rest, last = contract.DURATIONS_SEC
            raise ValueError(f"must be {', '.join(map(str, rest))} or {last} seconds")
        return value

    @field_validator("fps")
    @classmethod
    def _native_fps(cls, value: int) -> int:
        if value != contract.FPS:
            raise ValueError(f"must be {contract.FPS}")
        return value

    @field_validator("imageUrl")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL")
        return value

    @model_validator(mode="after")
    def _known_size(self) -> JobInput:
        sizes = tuple(contract.CLIP_SIZES.values())
        if (self.width, self.height) not in sizes:
            named = " or ".join(f"{w}x{h}" for w, h in sizes)
            raise ValueError(f"width x height must be {named}, got {self.width}x{self.height}")
        return self


def _describe(error: ErrorDetails) -> str:
    where = ".".join(str(part) for part in error["loc"])
    message = error["msg"].removeprefix("Value error, ")
    return f"{where}: {message}" if where else message


def parse_job_input(raw: Any) -> JobInput:
    """Validate the `input` object of a RunPod job; raise InvalidInput with a readable message."""
    if not isinstance(raw, dict):
        raise InvalidInput("The job input must be a JSON object.")
    try:
        return JobInput.model_validate(raw)
    except ValidationError as exc:
        problems = [_describe(error) for error in exc.errors(include_url=False)]
        raise InvalidInput("Invalid job input: " + "; ".join(problems[:5])) from None
