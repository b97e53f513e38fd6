"""RunPod serverless entry point: `python -m worker.main` (the Docker image's command).

Locally, `python -m worker.main --test_input "$(cat worker/test_input.json)"` runs one job through
the RunPod SDK's test mode.
"""

from __future__ import annotations

import logging
import os

import runpod

from worker.handler import get_generator, handler

log = logging.getLogger(__name__)


def preload() -> None:
    """Load the model before taking jobs so the first job does not pay for it.

    A failure here is logged, not raised: the job that follows reports it with its proper code
    (weights_missing, out_of_memory...) instead of the worker crash-looping.
    """
    if os.environ.get("WAN_PRELOAD", "1") == "0":
        return
    try:
        get_generator()
    except Exception:
        log.exception("model preload failed; jobs will report the error")


if __name__ == "__main__":
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"))
    preload()
    runpod.serverless.start({"handler": handler})
