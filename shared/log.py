"""Structured logs: one JSON object a line on stdout, the shape Cloud Logging reads from a function's output.

A line carries `severity`, `message`, `logger`, the fields its call gave (`extra=fields(...)`), and what is
bound to the work in hand: the request's trace as `logging.googleapis.com/trace` (`projects/<project>/traces/<id>`)
with `logging.googleapis.com/spanId`, and `jobId` / `uid` / `paymentId` once known. `Endpoint` binds each
request's trace (`X-Cloud-Trace-Context` or W3C `traceparent`) and clears it after; `bind` adds the ids found
deeper. The formatter is ours rather than google-cloud-logging's StructuredLogHandler: importing that library
adds about half a second to a function's cold start, for the same fields.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import functools
import json
import logging
import os
import re
import sys
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar

TRACE = "logging.googleapis.com/trace"
SPAN = "logging.googleapis.com/spanId"
CLOUD_TRACE_HEADER = "X-Cloud-Trace-Context"
TRACEPARENT_HEADER = "traceparent"

_CLOUD_TRACE = re.compile(r"([0-9a-f]{32})(?:/([0-9]{1,20}))?(?:;o=([0-9]))?", re.IGNORECASE)
_TRACEPARENT = re.compile(r"([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})")


class Headers(Protocol):
    """A request's headers: a dict, or werkzeug's (case-insensitive) Headers."""

    def get(self, key: str, /) -> str | None: ...


@dataclasses.dataclass(frozen=True)
class Trace:
    """A trace id (32 hex digits) and, when known, the caller's span (16 hex digits)."""

    trace_id: str
    span_id: str | None = None
    sampled: bool = True

    @classmethod
    def from_headers(cls, headers: Headers) -> Trace | None:
        """The caller's trace from `X-Cloud-Trace-Context: <id>/<decimal span>;o=<flag>` or
        `traceparent: 00-<id>-<hex span>-<flags>`; None when neither is there in a readable form."""
        cloud = _CLOUD_TRACE.fullmatch((headers.get(CLOUD_TRACE_HEADER) or "").strip())
        if cloud and int(cloud[1], 16):
            span = int(cloud[2] or 0)
            return cls(cloud[1].lower(), f"{span:016x}" if 0 < span < 2**64 else None, cloud[3] != "0")
        parent = _TRACEPARENT.fullmatch((headers.get(TRACEPARENT_HEADER) or "").strip().lower())
        if parent and parent[1] != "ff" and int(parent[2], 16) and int(parent[3], 16):
            return cls(parent[2], parent[3], bool(int(parent[4], 16) & 1))
        return None

    def headers(self) -> dict[str, str]:
        """Both headers for a call we make, so the service called logs under this trace."""
        span = self.span_id or os.urandom(8).hex()  # a span of our own when the caller named none
        flag = int(self.sampled)
        return {
            CLOUD_TRACE_HEADER: f"{self.trace_id}/{int(span, 16)};o={flag}",
            TRACEPARENT_HEADER: f"00-{self.trace_id}-{span}-0{flag}",
        }


# The trace in hand, with its Cloud Logging resource name worked out once when it is set, not on every line.
_trace: contextvars.ContextVar[tuple[Trace, str] | None] = contextvars.ContextVar("cineweave_log_trace", default=None)
_bound: contextvars.ContextVar[Mapping[str, Any] | None] = contextvars.ContextVar("cineweave_log_ids", default=None)


def current_trace() -> Trace | None:
    named = _trace.get()
    return named[0] if named else None


def trace_headers() -> dict[str, str]:
    """The headers that carry the current trace on (none when there is no trace)."""
    trace = current_trace()
    return trace.headers() if trace else {}


def _named(trace: Trace | None) -> tuple[Trace, str] | None:
    return (trace, f"projects/{project_id()}/traces/{trace.trace_id}") if trace else None


def bind(**ids: Any) -> None:
    """`jobId=`, `uid=`, `paymentId=`: onto every later line of the request in hand (None values are skipped)."""
    _bound.set({**(_bound.get() or {}), **{name: value for name, value in ids.items() if value is not None}})


@contextlib.contextmanager
def request_scope(headers: Headers) -> Iterator[None]:
    """One request: its trace, or none, and no ids left from an earlier request served on the same thread."""
    trace_token, ids_token = _trace.set(_named(Trace.from_headers(headers))), _bound.set(None)
    try:
        yield
    finally:
        _bound.reset(ids_token)
        _trace.reset(trace_token)


@contextlib.contextmanager
def scope(trace: Trace | None = None, **ids: Any) -> Iterator[None]:
    """Lines logged inside carry `trace` (when given) and `ids`; what was bound before comes back after."""
    trace_token = _trace.set(_named(trace)) if trace is not None else None
    ids_token = _bound.set(_bound.get())
    bind(**ids)
    try:
        yield
    finally:
        _bound.reset(ids_token)
        if trace_token is not None:
            _trace.reset(trace_token)


class TracedJob(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def trace(self) -> str | None: ...


Self_ = TypeVar("Self_")
Job_ = TypeVar("Job_", bound=TracedJob)
Params = ParamSpec("Params")
Result = TypeVar("Result")


def job_scoped(
    method: Callable[Concatenate[Self_, Job_, Params], Result],
) -> Callable[Concatenate[Self_, Job_, Params], Result]:
    """For a method `(self, job, ...)`: its lines carry the job's id and the trace its create was made under.
    What acts on a job later (the RunPod webhook, the sweep) comes without the user's trace."""

    @functools.wraps(method)
    def scoped(self: Self_, job: Job_, /, *args: Params.args, **kwargs: Params.kwargs) -> Result:
        with scope(Trace(job.trace) if job.trace else None, jobId=job.id):
            return method(self, job, *args, **kwargs)

    return scoped


def project_id() -> str:
    project = os.environ.get("GOOGLE_CLOUD_PROJECT")
    if project:
        return project
    from shared.config import Settings  # its default project: what the settings fall back on too

    return str(Settings.model_fields["project_id"].default)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {"severity": record.levelname, "message": record.getMessage(), "logger": record.name}
        named = _trace.get()
        if named is not None:
            trace, entry[TRACE] = named
            if trace.span_id:
                entry[SPAN] = trace.span_id
        entry.update(_bound.get() or {})
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


ROOT = logging.getLogger("cineweave")  # the one tree: every module logs under it, through get_logger
if not ROOT.handlers:
    _handler = logging.StreamHandler(sys.stdout)
    _handler.setFormatter(JsonFormatter())
    ROOT.addHandler(_handler)
    ROOT.setLevel(logging.INFO)
    ROOT.propagate = False


def get_logger(name: str) -> logging.Logger:
    return ROOT.getChild(name)


def fields(**values: Any) -> dict:
    """`log.info("msg", extra=fields(jobId=...))` attaches searchable fields to a line."""
    return {"fields": values}
