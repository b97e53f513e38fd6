"""Job input of the worker contract (DESIGN §7), validated with pydantic."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, ValidationError, field_validator, model_validator

from worker.errors import InvalidInput

# The two clip sizes the service sells (16:9 and 9:16 at 720p).
CLIP_SIZES = ((1280, 704), (704, 1280))
MAX_PROMPT_CHARS = 5000
MAX_SEED = 2**63 - 1


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
    prompt: str = Field(min_length=1, max_length=MAX_PROMPT_CHARS)
    negativePrompt: str | None = Field(default=None, max_length=MAX_PROMPT_CHARS)
    imageUrl: str | None = None
    durationSec: Literal[5, 10, 15]
    seed: StrictInt = Field(ge=0, le=MAX_SEED)
    width: StrictInt
    height: StrictInt
    fps: StrictInt = Field(default=24, ge=1, le=60)
    output: OutputTarget

    @field_validator("imageUrl")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL")
        return value

    @model_validator(mode="after")
    def _known_size(self) -> "JobInput":
        if (self.width, self.height) not in CLIP_SIZES:
            sizes = " or ".join(f"{w}x{h}" for w, h in CLIP_SIZES)
            raise ValueError(f"width x height must be {sizes}, got {self.width}x{self.height}")
        return self


def _describe(error: dict[str, Any]) -> str:
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
