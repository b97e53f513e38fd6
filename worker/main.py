"""RunPod serverless entry point: `python -m worker.main` (the Docker image's command).

Locally, `python -m worker.main --test_input "$(cat worker/test_input.json)"` runs one job through
the RunPod SDK's test mode.
"""

from __future__ import annotations

import logging
import os
import time

import runpod

from shared.domain.contract import CLIP_SIZES, DEFAULT_ASPECT_RATIO
from worker import logs
from worker.handler import get_generator, handler

log = logging.getLogger(__name__)


def preload() -> None:
    """Load the model before taking jobs so the first job does not pay for it.

    A failure here is logged, not raised: the job that follows reports it with its proper code
    (weights_missing, out_of_memory...) instead of the worker crash-looping.
    """
    if os.environ.get("WAN_PRELOAD", "1") == "0":
        return
    started = time.monotonic()
    try:
        generator = get_generator()
    except Exception:
        log.exception("model preload failed; jobs will report the error")
        return
    loaded = time.monotonic()
    if generator.preset.compile:
        # Builds the compiled transformer kernels now (from TORCHINDUCTOR_CACHE_DIR when a previous worker
        # left them there) rather than during the first user's job. Both clip sizes share them.
        try:
            generator.warm_up(*generator.render_size(*CLIP_SIZES[DEFAULT_ASPECT_RATIO]))
        except Exception:
            log.exception("warm-up failed; the first job compiles instead")
    log.info("worker ready: model loaded in %.1f s, warmed up in %.1f s", loaded - started, time.monotonic() - loaded)


if __name__ == "__main__":
    logs.configure()
    preload()
    runpod.serverless.start({"handler": handler})
