"""Failures the worker reports back, each with the stable code of the worker contract."""

from __future__ import annotations

import json


class WorkerError(Exception):
    """A failure with a contract code; its message is safe to show to the user."""

    code = "internal"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}

    def to_output(self) -> dict[str, str]:
        # RunPod marks a job FAILED when the handler returns an "error" key; the
        # value is a JSON string so callers get a code and a message back.
        return {"error": json.dumps(self.to_dict())}


class InvalidInput(WorkerError):
    code = "invalid_input"


class OutOfMemory(WorkerError):
    code = "out_of_memory"


class WeightsMissing(WorkerError):
    code = "weights_missing"


class Canceled(WorkerError):
    code = "canceled"

    def __init__(self, message: str = "The job was canceled."):
        super().__init__(message)


class InternalError(WorkerError):
    code = "internal"
