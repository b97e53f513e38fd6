"""The benchmark's timed runs: one clip through our VideoGenerator and through a plain diffusers WanPipeline call.

Both paths share one set of components, prompt and seed. Every stage has the same definition on both sides:
text encode (prompt → embeddings), denoise (embeddings → final latents), decode (latents → uint8 frames on
the host), MP4 encode (frames → file). The reference runs first because compiling our transformer blocks
changes the shared module in place and cuDNN autotuning is a process-wide switch.
"""

from __future__ import annotations

import contextlib
import gc
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import torch
from diffusers import WanPipeline

from worker.pipeline.bench_env import PeakMemory, environment, is_cuda, sync
from worker.pipeline.generator import DEFAULT_NEGATIVE_PROMPT, ClipRequest, VideoGenerator
from worker.pipeline.presets import NATIVE_FPS, get_preset
from worker.pipeline.speed import compile_transformer, tune_backends

PROMPT = "A red kite dances above a windy beach at golden hour, waves rolling in, cinematic tracking shot"
PRESET_BY_SIZE = {"full": "ti2v-5b", "tiny": "tiny"}


@dataclass(frozen=True)
class BenchSettings:
    size: str  # "full" (TI2V-5B architecture, random weights) or "tiny"
    device: str
    width: int
    height: int
    frames: int  # 4k + 1
    steps: int
    compile: bool
    seed: int = 0
    reference: bool = True
    cold_start: bool = False


def run_benchmark(settings: BenchSettings) -> dict:
    """All figures of one benchmark run as a JSON-ready dict (seconds, bytes)."""
    preset = replace(
        get_preset(PRESET_BY_SIZE[settings.size]),
        device=settings.device,
        compile=settings.compile,
        steps=settings.steps,
    )
    report: dict = {
        "environment": environment(settings.device),
        "settings": {
            "size": settings.size,
            "device": settings.device,
            "width": settings.width,
            "height": settings.height,
            "frames": settings.frames,
            "steps": settings.steps,
            "guidanceScale": preset.guidance_scale,
            "compile": settings.compile,
            "batchedCfg": preset.batched_cfg,
            "seed": settings.seed,
            "prompt": PROMPT,
        },
        "peakMemoryKind": PeakMemory(settings.device).kind,
    }
    started = time.monotonic()
    components = build_components(settings.size, settings.device)
    sync(settings.device)
    report["components"] = {"buildSec": _round(time.monotonic() - started), **describe_components(components)}

    reference_frames = None
    if settings.reference:
        reference_frames, report["reference"] = time_reference(components, settings, preset.guidance_scale)
    # What load_generator does after loading, only now that the reference has run.
    tune_backends(settings.device)
    if settings.compile:
        compile_transformer(components["transformer"])
    generator = VideoGenerator(preset, components, settings.device)
    our_frames, report["ours"] = time_ours(generator, settings)
    if settings.compile:
        report["ours"]["compiled"] = compile_counters()

    if reference_frames is not None:
        report["speedup"] = {
            "diffusion": _round(report["reference"]["diffusionSec"] / report["ours"]["diffusionSec"], 3),
            "endToEnd": _round(report["reference"]["endToEndSec"] / report["ours"]["endToEndSec"], 3),
        }
        report["sameMathMaxPixelDiff"] = max_pixel_diff(our_frames, reference_frames)
        report["sameMath"] = compare_frames(our_frames, reference_frames)
    del generator, our_frames, reference_frames

    if settings.cold_start:
        from worker.pipeline.cold_start import measure_cold_start
        from worker.pipeline.weights import save_diffusers_components

        with tempfile.TemporaryDirectory(prefix="cineweave-bench-weights-") as folder:
            started = time.monotonic()
            save_diffusers_components(components, folder)
            saved = {"saveSec": _round(time.monotonic() - started), "weightsBytes": folder_bytes(folder)}
            # The child process gets the device to itself, as a fresh worker would.
            del components
            free_memory(settings.device)
            report["coldStart"] = {**measure_cold_start(folder, settings), **saved}
    return report


def build_components(size: str, device: str) -> dict:
    if size == "tiny":
        from worker.pipeline.tiny import build_tiny_components

        components = build_tiny_components()
        for name in ("text_encoder", "vae", "transformer"):
            components[name].to(device)
        return components
    from worker.pipeline.full_size import build_full_size_components

    # On the CPU the loader uses fp32 throughout (bf16 matmuls are slow there); mirror it.
    return build_full_size_components(device, full_precision=not is_cuda(device))


def describe_components(components: dict) -> dict:
    parts = {
        "textEncoder": components["text_encoder"],
        "transformer": components["transformer"],
        "vae": components["vae"],
    }
    return {
        "parameters": {name: sum(p.numel() for p in module.parameters()) for name, module in parts.items()},
        "dtypes": {name: str(module.dtype).removeprefix("torch.") for name, module in parts.items()},
    }


def time_reference(components: dict, settings: BenchSettings, guidance_scale: float) -> tuple[np.ndarray, dict]:
    """The clip through an unmodified WanPipeline call, after an untimed one-step call that loads its kernels."""
    pipe = WanPipeline(**components, expand_timesteps=True)
    pipe.set_progress_bar_config(disable=True)

    def call(steps: int, output_type: str):
        return pipe(
            prompt=PROMPT,
            negative_prompt=DEFAULT_NEGATIVE_PROMPT,
            height=settings.height,
            width=settings.width,
            num_frames=settings.frames,
            num_inference_steps=steps,
            guidance_scale=guidance_scale,
            generator=torch.Generator("cpu").manual_seed(settings.seed),
            output_type=output_type,
        ).frames

    device = settings.device
    started = time.monotonic()
    call(1, "latent")
    sync(device)
    warm_up = time.monotonic() - started

    memory = PeakMemory(device)
    with memory, _reference_stage_clock(pipe, device) as marks:
        started = time.monotonic()
        frames = call(settings.steps, "np")[0]
        # diffusers hands back floats in [0, 1]; uint8 frames are what the MP4 encoder takes.
        frames = np.round(frames * 255).astype(np.uint8)
        diffusion = time.monotonic() - started
    figures = _stage_figures(
        text=marks["encode_end"] - marks["encode_start"],
        denoise=marks["decode_start"] - marks["encode_end"],
        decode=started + diffusion - marks["decode_start"],
        diffusion=diffusion,
        steps=settings.steps,
        mp4=time_mp4(frames),
        warm_up=warm_up,
        memory=memory,
    )
    return frames, figures


@contextlib.contextmanager
def _reference_stage_clock(pipe, device: str):
    """Marks when the pipeline's text encoding starts and ends and when its VAE decode starts, syncing the GPU
    at those points only; the methods are restored afterwards."""
    marks: dict[str, float] = {}
    encode_prompt, vae = pipe.encode_prompt, pipe.vae
    decode = vae.decode

    def timed_encode_prompt(*args, **kwargs):
        marks["encode_start"] = time.monotonic()
        result = encode_prompt(*args, **kwargs)
        sync(device)
        marks["encode_end"] = time.monotonic()
        return result

    def timed_decode(*args, **kwargs):
        sync(device)  # the denoising loop's last kernels finish here
        marks["decode_start"] = time.monotonic()
        return decode(*args, **kwargs)

    pipe.encode_prompt, vae.decode = timed_encode_prompt, timed_decode
    try:
        yield marks
    finally:
        del pipe.encode_prompt, vae.decode


def time_ours(generator: VideoGenerator, settings: BenchSettings) -> tuple[np.ndarray, dict]:
    """The clip through VideoGenerator.generate after its warm-up (where compilation happens)."""
    warm_up = generator.warm_up(settings.width, settings.height)
    request = ClipRequest(
        prompt=PROMPT,
        duration_sec=5,
        seed=settings.seed,
        width=settings.width,
        height=settings.height,
        steps=settings.steps,
        frames_per_segment=settings.frames,
    )
    memory = PeakMemory(settings.device)
    with memory:
        started = time.monotonic()
        clip = generator.generate(request)
        diffusion = time.monotonic() - started
    timings = clip.timings
    figures = _stage_figures(
        text=timings["encoding_prompt"],
        denoise=timings["denoising"],
        decode=timings["decoding"],
        diffusion=diffusion,
        steps=settings.steps,
        mp4=time_mp4(clip.frames),
        warm_up=warm_up,
        memory=memory,
    )
    return clip.frames, figures


def time_mp4(frames: np.ndarray) -> float:
    from worker.video import encode_mp4

    with tempfile.TemporaryDirectory() as folder:
        started = time.monotonic()
        encode_mp4(frames, Path(folder) / "clip.mp4", NATIVE_FPS)
        return time.monotonic() - started


def _stage_figures(
    text: float,
    denoise: float,
    decode: float,
    diffusion: float,
    steps: int,
    mp4: float,
    warm_up: float,
    memory: PeakMemory,
) -> dict:
    return {
        "textEncodeSec": _round(text),
        "denoiseSec": _round(denoise),
        "denoiseStepSec": _round(denoise / steps, 5),
        "decodeSec": _round(decode),
        "diffusionSec": _round(diffusion),
        "mp4Sec": _round(mp4),
        "endToEndSec": _round(diffusion + mp4),
        "warmUpSec": _round(warm_up),
        "peakMemoryBytes": memory.peak_bytes,
        "peakMemoryGiB": _round(memory.peak_bytes / 2**30, 2),
    }


def max_pixel_diff(ours: np.ndarray, reference: np.ndarray) -> int:
    if ours.shape != reference.shape:
        raise ValueError(f"frame shapes differ: ours {ours.shape}, reference {reference.shape}")
    return int(np.abs(ours.astype(np.int16) - reference.astype(np.int16)).max())


def compare_frames(ours: np.ndarray, reference: np.ndarray) -> dict:
    """How far the two clips are apart, and how much of the reference is not clipped to 0 or 255 (random
    weights can saturate pixels, where a difference would be invisible)."""
    differing = float(np.mean(ours != reference))
    unsaturated = float(np.mean((reference > 0) & (reference < 255)))
    return {
        "maxPixelDiff": max_pixel_diff(ours, reference),
        "differingShare": _round(differing, 6),
        "referenceUnsaturatedShare": _round(unsaturated, 4),
        "referenceMean": _round(float(reference.mean()), 2),
        "referenceStd": _round(float(reference.std()), 2),
    }


def compile_counters() -> dict:
    """How many graphs torch.compile built and where it fell back to eager code."""
    from torch._dynamo.utils import counters

    return {
        "graphs": int(counters["stats"]["unique_graphs"]),
        "graphBreaks": int(sum(counters["graph_break"].values())),
    }


def folder_bytes(folder: str | Path) -> int:
    return sum(path.stat().st_size for path in Path(folder).rglob("*") if path.is_file())


def free_memory(device: str) -> None:
    # Compiled graphs hold on to the modules they were traced from.
    torch._dynamo.reset()
    gc.collect()
    if is_cuda(device):
        torch.cuda.empty_cache()


def _round(value: float, digits: int = 4) -> float:
    return round(float(value), digits)
