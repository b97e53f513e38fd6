"""Model presets and render-size / frame arithmetic. Pure Python: no torch import here."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass, replace

from shared.domain import contract
from worker.errors import InternalError

SEGMENT_SECONDS = 5
# 5 s at 24 fps plus one: Wan's VAE packs 4 frames per latent after the first (4k + 1).
FRAMES_PER_SEGMENT = contract.FRAMES_PER_SEGMENT
NATIVE_FPS = contract.FPS
# Render sizes must divide by the VAE stride (16) times the transformer patch (2).
SIZE_MULTIPLE = 32


@dataclass(frozen=True)
class Preset:
    """How a model is loaded and driven."""

    name: str
    steps: int
    guidance_scale: float
    # Render at the requested size divided by this (the tiny preset renders at half size).
    render_divisor: int
    # Share of one segment's render time spent in the VAE decode; weights the ETA.
    decode_share: float
    device: str
    # Where diffusers-format weights live; None for presets built in code.
    weights_env: str | None = None
    # Exact speed-ups (see speed.py): guided and unguided passes in one batch; compiled transformer blocks.
    batched_cfg: bool = True
    compile: bool = False
    # Set on presets that trade quality for speed; shown wherever the preset is offered.
    quality_note: str | None = None


PRESETS: dict[str, Preset] = {
    # Real diffusers Wan 2.2 classes with tiny random configs: CPU, seconds per clip.
    "tiny": Preset("tiny", steps=2, guidance_scale=5.0, render_divisor=2, decode_share=0.96, device="cpu"),
    # Wan 2.2 TI2V-5B defaults: 50 steps, CFG 5, 1280x704 at 24 fps.
    "ti2v-5b": Preset(
        "ti2v-5b",
        steps=50,
        guidance_scale=5.0,
        render_divisor=1,
        decode_share=0.1,
        device="cuda",
        weights_env="WAN_WEIGHTS_DIR",
        compile=True,
    ),
    # Opt-in only: half the denoising steps, about twice as fast, visibly softer detail and motion.
    "ti2v-5b-draft": Preset(
        "ti2v-5b-draft",
        steps=25,
        guidance_scale=5.0,
        render_divisor=1,
        decode_share=0.18,
        device="cuda",
        weights_env="WAN_WEIGHTS_DIR",
        compile=True,
        quality_note="draft: 25 of 50 steps, lower quality than the reference settings",
    ),
}


def get_preset(name: str) -> Preset:
    try:
        return PRESETS[name]
    except KeyError:
        raise InternalError(f"Unknown WAN_PRESET {name!r}; expected one of {', '.join(PRESETS)}.") from None


def preset_from_env(env: Mapping[str, str] = os.environ) -> Preset:
    """WAN_PRESET (default tiny) plus optional WAN_STEPS, WAN_RENDER_DIVISOR, WAN_DEVICE, WAN_COMPILE and
    WAN_BATCHED_CFG overrides."""
    preset = get_preset(env.get("WAN_PRESET") or "tiny")
    overrides: dict[str, object] = {}
    for key, field in (("WAN_STEPS", "steps"), ("WAN_RENDER_DIVISOR", "render_divisor")):
        if env.get(key):
            try:
                value = int(env[key])
            except ValueError:
                raise InternalError(f"{key} must be a positive integer, got {env[key]!r}.") from None
            if value < 1:
                raise InternalError(f"{key} must be a positive integer, got {value}.")
            overrides[field] = value
    if env.get("WAN_DEVICE"):
        overrides["device"] = env["WAN_DEVICE"]
    for key, field in (("WAN_COMPILE", "compile"), ("WAN_BATCHED_CFG", "batched_cfg")):
        if env.get(key):
            if env[key] not in ("0", "1"):
                raise InternalError(f"{key} must be 0 or 1, got {env[key]!r}.")
            overrides[field] = env[key] == "1"
    return replace(preset, **overrides) if overrides else preset


def render_size(width: int, height: int, divisor: int = 1) -> tuple[int, int]:
    """Requested clip size → the size actually rendered (divided, snapped to multiples of 32)."""

    def snap(value: int) -> int:
        return max(SIZE_MULTIPLE, round(value / divisor / SIZE_MULTIPLE) * SIZE_MULTIPLE)

    return snap(width), snap(height)


def segment_count(duration_sec: int) -> int:
    if duration_sec <= 0 or duration_sec % SEGMENT_SECONDS:
        raise ValueError(f"duration must be a positive multiple of {SEGMENT_SECONDS} s, got {duration_sec}")
    return duration_sec // SEGMENT_SECONDS


def chained_frame_count(segments: int, frames_per_segment: int = FRAMES_PER_SEGMENT) -> int:
    """Each later segment starts on the previous one's last frame, which is kept only once."""
    return frames_per_segment + (segments - 1) * (frames_per_segment - 1)


def segment_seed(seed: int, index: int) -> int:
    """Seed of segment `index`: the job seed itself first, then stable values derived from it."""
    if index == 0:
        return seed
    digest = hashlib.sha256(f"cineweave-segment:{seed}:{index}".encode()).digest()
    return int.from_bytes(digest[:8], "big") & (2**63 - 1)
