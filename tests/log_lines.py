"""What the functions log, as Cloud Logging would read it: the JSON lines of shared.log's formatter."""

import io
import json
import logging

from shared.log import ROOT, JsonFormatter


class LogLines:
    """Collects every line of the `cineweave` tree while attached; `lines` are the parsed JSON objects."""

    def __init__(self):
        self._stream = io.StringIO()
        self._handler = logging.StreamHandler(self._stream)
        self._handler.setFormatter(JsonFormatter())

    def __enter__(self) -> "LogLines":
        ROOT.addHandler(self._handler)
        return self

    def __exit__(self, *exc) -> None:
        ROOT.removeHandler(self._handler)

    @property
    def lines(self) -> list[dict]:
        return [json.loads(line) for line in self._stream.getvalue().splitlines()]

    def with_message(self, message: str) -> list[dict]:
        return [line for line in self.lines if line["message"] == message]
