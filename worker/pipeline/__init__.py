"""Wan 2.2 TI2V rendering. The only package of the worker that imports torch, diffusers or transformers."""

from __future__ import annotations

import logging
import os

from worker.errors import InternalError, OutOfMemory
from worker.pipeline.generator import DEFAULT_NEGATIVE_PROMPT, Clip, ClipRequest, VideoGenerator
from worker.pipeline.presets import (
    FRAMES_PER_SEGMENT,
    NATIVE_FPS,
    PRESETS,
    Preset,
    chained_frame_count,
    get_preset,
    preset_from_env,
    render_size,
    segment_count,
    segment_seed,
)
from worker.pipeline.speed import compile_transformer, tune_backends

log = logging.getLogger(__name__)

__all__ = [
    "DEFAULT_NEGATIVE_PROMPT",
    "FRAMES_PER_SEGMENT",
    "NATIVE_FPS",
    "PRESETS",
    "Clip",
    "ClipRequest",
    "Preset",
    "VideoGenerator",
    "chained_frame_count",
    "get_preset",
    "load_generator",
    "preset_from_env",
    "release_memory",
    "render_size",
    "segment_count",
    "segment_seed",
]


def release_memory() -> None:
    """Hand the GPU memory a stopped render held back to the allocator's pool (and the driver)."""
    import gc

    import torch

    gc.collect()
    if torch.cuda.is_available():
        torch.cuda.empty_cache()


def load_generator(preset: Preset | str | None = None) -> VideoGenerator:
    """Build the generator for a preset (default: from WAN_PRESET and friends)."""
    import torch

    if preset is None:
        preset = preset_from_env()
    elif isinstance(preset, str):
        preset = get_preset(preset)
    if preset.weights_env is None:
        from worker.pipeline.tiny import build_tiny_components

        components = build_tiny_components()
        dtypes = {}
    else:
        from worker.pipeline.weights import check_weights_dir, load_diffusers_components

        weights_dir = check_weights_dir(os.environ.get(preset.weights_env), preset.weights_env)
        if preset.device.startswith("cuda") and not torch.cuda.is_available():
            raise InternalError(f"The {preset.name} preset needs a CUDA GPU and none is available.")
        dtypes = {"transformer": "bf16", "vae": "fp32"}
        try:
            components = load_diffusers_components(weights_dir, preset.device)
        except torch.cuda.OutOfMemoryError:
            raise OutOfMemory(f"The GPU is too small to hold the {preset.name} model.") from None
    for name in ("text_encoder", "vae", "transformer"):
        components[name].to(preset.device)
    tune_backends(preset.device)
    if preset.compile:
        compile_transformer(components["transformer"])
    log.info("loaded Wan preset %s on %s %s", preset.name, preset.device, dtypes)
    return VideoGenerator(preset, components, preset.device)
