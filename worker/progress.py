"""Job progress: stage events → monotonic overall payloads {stage, progress, etaSec} for a sink."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

STAGES = ("loading", "encoding_prompt", "denoising", "decoding", "muxing", "uploading")
# Share of the overall bar each phase covers; rendering dominates every job.
GENERATION_START, GENERATION_END = 0.05, 0.90
MUXING_START, UPLOADING_START = 0.90, 0.96

Sink = Callable[[dict[str, Any]], None]


class ProgressReporter:
    """Maps stage events onto one overall 0..1 progress that never goes backwards.

    Updates within one stage are throttled to one per `min_interval_sec`; a stage
    change is always sent, so observers see every stage in order.
    """

    def __init__(self, sink: Sink | None, min_interval_sec: float = 1.0, clock: Callable[[], float] = time.monotonic):
        self._sink = sink
        self._min_interval = min_interval_sec
        self._clock = clock
        self._lock = threading.Lock()
        self._progress = 0.0
        self._stage: str | None = None
        self._last_sent_at = float("-inf")
        # Seconds expected after rendering (muxing + upload), added to the render ETA.
        self.post_render_eta_sec = 0.0

    @property
    def stage(self) -> str | None:
        return self._stage

    def report(self, stage: str, progress: float, eta_sec: float | None = None) -> None:
        if stage not in STAGES:
            raise ValueError(f"unknown stage {stage!r}")
        with self._lock:
            self._progress = max(self._progress, min(1.0, max(0.0, progress)))
            now = self._clock()
            if stage == self._stage and now - self._last_sent_at < self._min_interval:
                return
            self._stage, self._last_sent_at = stage, now
            payload = {
                "stage": stage,
                "progress": round(self._progress, 4),
                "etaSec": None if eta_sec is None else max(0, round(eta_sec)),
            }
        if self._sink is None:
            return
        try:
            self._sink(payload)
        except Exception:  # progress is best effort; never fail a render over it
            log.warning("progress update failed", exc_info=True)

    def loading(self) -> None:
        self.report("loading", 0.0)

    def rendering(self, stage: str, fraction: float, eta_sec: float | None) -> None:
        """A render-phase event: `fraction` of the render done, `eta_sec` left in it."""
        overall = GENERATION_START + (GENERATION_END - GENERATION_START) * fraction
        eta = None if eta_sec is None else eta_sec + self.post_render_eta_sec
        self.report(stage, overall, eta)

    def muxing(self) -> None:
        self.report("muxing", MUXING_START, self.post_render_eta_sec or None)

    def uploading(self, eta_sec: float | None = None) -> None:
        self.report("uploading", UPLOADING_START, eta_sec)


def runpod_sink(job: dict[str, Any]) -> Sink:
    """Send payloads with runpod.serverless.progress_update (shown as the job's output while IN_PROGRESS)."""
    import runpod  # imported here: only the RunPod entry point needs the SDK

    def send(payload: dict[str, Any]) -> None:
        runpod.serverless.progress_update(job, payload)

    return send
