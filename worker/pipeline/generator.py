"""Clip rendering with diffusers' Wan 2.2 TI2V pipelines: text/image → frames, chained 5 s segments."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import torch
from diffusers import WanImageToVideoPipeline, WanPipeline
from PIL import Image

from worker.errors import Canceled, OutOfMemory
from worker.images import fit_image
from worker.pipeline.denoise import DenoiseInputs, denoise
from worker.pipeline.presets import (
    FRAMES_PER_SEGMENT,
    NATIVE_FPS,
    SIZE_MULTIPLE,
    Preset,
    chained_frame_count,
    render_size,
    segment_count,
    segment_seed,
)
from worker.pipeline.speed import attention_kernels

# Wan's official default negative prompt (Wan 2.x `sample_neg_prompt`), verbatim: its commas are the
# full-width ones of Chinese text.
DEFAULT_NEGATIVE_PROMPT = (
    "色调艳丽，过曝，静态，细节模糊不清，字幕，风格，作品，画作，画面，静止，整体发灰，"  # noqa: RUF001
    "最差质量，低质量，JPEG压缩残留，丑陋的，残缺的，多余的手指，画得不好的手部，"  # noqa: RUF001
    "画得不好的脸部，畸形的，毁容的，形态畸形的肢体，手指融合，静止不动的画面，"  # noqa: RUF001
    "杂乱的背景，三条腿，背景人很多，倒着走"  # noqa: RUF001
)
MAX_SEQUENCE_LENGTH = 512

# on_progress(stage, fraction of the render done, seconds of render left or None)
ProgressFn = Callable[[str, float, "float | None"], None]
# on_segment(index, frames of that segment as rendered, conditioning image or None)
SegmentFn = Callable[[int, np.ndarray, "Image.Image | None"], None]


@dataclass
class ClipRequest:
    prompt: str
    duration_sec: int
    seed: int
    width: int  # render size in pixels, a multiple of 32
    height: int
    negative_prompt: str | None = None
    image: Image.Image | None = None  # first frame; resized and center-cropped to the render size
    fps: int = NATIVE_FPS
    steps: int | None = None  # None: the preset's
    frames_per_segment: int = FRAMES_PER_SEGMENT  # 4k + 1; shorter only to keep tests fast


@dataclass
class Clip:
    frames: np.ndarray  # (T, H, W, 3) uint8 RGB
    fps: int
    seed: int
    segment_seeds: list[int]
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def width(self) -> int:
        return int(self.frames.shape[2])

    @property
    def height(self) -> int:
        return int(self.frames.shape[1])


class _RenderClock:
    """Fraction done and ETA over all segments; each segment is denoise steps then one VAE decode."""

    def __init__(self, segments: int, decode_share: float, on_progress: ProgressFn | None):
        self.segments, self.decode_share, self.on_progress = segments, decode_share, on_progress
        self.started = time.monotonic()

    def emit(self, stage: str, segment: int, within: float) -> None:
        if self.on_progress is None:
            return
        fraction = min(1.0, (segment + within) / self.segments)
        elapsed = time.monotonic() - self.started
        eta = elapsed / fraction * (1.0 - fraction) if fraction > 0 else None
        self.on_progress(stage, fraction, eta)

    def step(self, segment: int, done: int, total: int) -> None:
        denoised = (1.0 - self.decode_share) * done / max(1, total)
        self.emit("decoding" if done >= total else "denoising", segment, denoised)

    def decoded(self, segment: int, done: int, total: int) -> None:
        self.emit("decoding", segment, 1.0 - self.decode_share + self.decode_share * done / max(1, total))


class VideoGenerator:
    """Owns one set of Wan components and renders clips with them; build once per process."""

    def __init__(self, preset: Preset, components: dict, device: str):
        self.preset, self.device = preset, device
        shared = dict(components)
        # Text-to-video and image-to-video share every module (no second copy of the weights).
        self.t2v = WanPipeline(**shared, expand_timesteps=True)
        self.i2v = WanImageToVideoPipeline(**shared, expand_timesteps=True)
        for pipe in (self.t2v, self.i2v):
            pipe.set_progress_bar_config(disable=True)

    @property
    def vae(self):
        return self.t2v.vae

    @property
    def transformer(self):
        return self.t2v.transformer

    def render_size(self, width: int, height: int) -> tuple[int, int]:
        """The size this preset renders for a requested clip size."""
        return render_size(width, height, self.preset.render_divisor)

    def generate(
        self,
        request: ClipRequest,
        on_progress: ProgressFn | None = None,
        should_cancel: Callable[[], bool] | None = None,
        on_segment: SegmentFn | None = None,
    ) -> Clip:
        """Render the clip; raises Canceled between steps once should_cancel() is true."""
        _check_request(request)
        try:
            with torch.inference_mode(), attention_kernels(self.device):
                return self._generate(request, on_progress, should_cancel or (lambda: False), on_segment)
        except torch.cuda.OutOfMemoryError:
            if torch.cuda.is_available():
                torch.cuda.empty_cache()
            raise OutOfMemory(f"The GPU ran out of memory rendering {request.width}x{request.height}.") from None
        except MemoryError:
            raise OutOfMemory(f"The worker ran out of memory rendering {request.width}x{request.height}.") from None

    def _generate(self, request: ClipRequest, on_progress, should_cancel, on_segment) -> Clip:
        def check_cancel() -> None:
            if should_cancel():
                raise Canceled()

        timings = {"encoding_prompt": 0.0, "denoising": 0.0, "decoding": 0.0}
        segments = segment_count(request.duration_sec)
        steps = request.steps or self.preset.steps
        guidance = self.preset.guidance_scale
        check_cancel()
        if on_progress:
            on_progress("encoding_prompt", 0.0, None)
        started = time.monotonic()
        # Encoded once per clip and reused by every segment.
        prompt_embeds, negative_embeds = self.t2v.encode_prompt(
            request.prompt,
            request.negative_prompt or DEFAULT_NEGATIVE_PROMPT,
            do_classifier_free_guidance=guidance > 1.0,
            max_sequence_length=MAX_SEQUENCE_LENGTH,
            device=self.device,
        )
        self._sync()
        timings["encoding_prompt"] = time.monotonic() - started

        total = chained_frame_count(segments, request.frames_per_segment)
        video = np.empty((total, request.height, request.width, 3), dtype=np.uint8)
        condition = fit_image(request.image, request.width, request.height) if request.image is not None else None
        clock = _RenderClock(segments, self.preset.decode_share, on_progress)
        seeds, filled = [], 0
        for index in range(segments):
            check_cancel()
            seeds.append(segment_seed(request.seed, index))
            started = time.monotonic()
            latents = self._denoise(
                request,
                index,
                seeds[-1],
                condition,
                prompt_embeds,
                negative_embeds,
                steps,
                guidance,
                clock,
                should_cancel,
            )
            self._sync()  # stage timings count finished GPU work, not queued kernels
            timings["denoising"] += time.monotonic() - started
            check_cancel()
            started = time.monotonic()
            frames = self._decode(
                latents, on_frame=lambda done, total, index=index: (clock.decoded(index, done, total), check_cancel())
            )
            timings["decoding"] += time.monotonic() - started
            if on_segment:
                on_segment(index, frames, condition)
            # A later segment's first frame re-renders the conditioning frame already in the clip.
            kept = frames if index == 0 else frames[1:]
            video[filled : filled + len(kept)] = kept
            filled += len(kept)
            condition = Image.fromarray(frames[-1])
        return Clip(
            frames=video,
            fps=request.fps,
            seed=request.seed,
            segment_seeds=seeds,
            timings={stage: round(seconds, 3) for stage, seconds in timings.items()},
        )

    def _denoise(
        self,
        request,
        index,
        seed,
        condition,
        prompt_embeds,
        negative_embeds,
        steps,
        guidance,
        clock: _RenderClock,
        should_cancel,
    ) -> torch.Tensor:
        # Noise comes from a CPU generator so a seed means the same clip on any device; drawn before the
        # image is encoded, as diffusers does, so our latents match a plain pipeline call.
        generator = torch.Generator("cpu").manual_seed(seed)
        # prepare_latents' (batch, channels, height, width, num_frames)
        layout = (1, self.vae.config.z_dim, request.height, request.width, request.frames_per_segment)
        if condition is None:
            latents = self.t2v.prepare_latents(*layout, torch.float32, self.device, generator)
            inputs = DenoiseInputs(latents, prompt_embeds, negative_embeds)
        else:
            # TI2V conditions by pinning the first latent frame to the encoded image.
            image = self.i2v.video_processor.preprocess(condition, height=request.height, width=request.width)
            latents, encoded, mask = self.i2v.prepare_latents(
                image.to(self.device, dtype=torch.float32), *layout, torch.float32, self.device, generator
            )
            inputs = DenoiseInputs(latents, prompt_embeds, negative_embeds, condition=encoded, first_frame_mask=mask)
        return denoise(
            self.transformer,
            self.t2v.scheduler,
            inputs,
            steps,
            guidance,
            batched_cfg=self.preset.batched_cfg,
            should_cancel=should_cancel,
            on_step=lambda done, total: clock.step(index, done, total),
        )

    def _sync(self) -> None:
        if str(self.device).startswith("cuda"):
            torch.cuda.synchronize()

    def warm_up(self, width: int, height: int) -> float:
        """One denoising step and a two-frame decode at a production size, so compiled kernels and cuDNN's
        per-shape conv choices are settled before the first job. Returns the seconds it took."""
        started = time.monotonic()
        embeds = torch.zeros(1, MAX_SEQUENCE_LENGTH, self.t2v.text_encoder.config.d_model, device=self.device)
        generator = torch.Generator("cpu").manual_seed(0)
        latents = self.t2v.prepare_latents(
            1, self.vae.config.z_dim, height, width, FRAMES_PER_SEGMENT, torch.float32, self.device, generator
        )
        with torch.inference_mode(), attention_kernels(self.device):
            latents = denoise(
                self.transformer,
                self.t2v.scheduler,
                DenoiseInputs(latents, embeds, embeds),
                1,
                self.preset.guidance_scale,
                batched_cfg=self.preset.batched_cfg,
            )
            # The first latent frame and a later one: the causal VAE's two sets of conv shapes.
            self._decode_latents(latents[:, :, :2])
        self._sync()
        return time.monotonic() - started

    def _decode(self, latents: torch.Tensor, on_frame: Callable[[int, int], object] | None = None) -> np.ndarray:
        """Latents → (T, H, W, 3) uint8, as WanPipeline decodes them but without a float copy on the host.

        The Wan VAE decodes one latent frame per decoder call; a hook on those calls reports progress (and
        lets a cancel land) during what is otherwise a long silent stage."""
        vae = self.vae
        latent_frames = latents.shape[2]
        calls = [0]

        def after_frame(_module, _inputs, _output):
            calls[0] += 1
            on_frame(calls[0], latent_frames)

        hook = vae.decoder.register_forward_hook(after_frame) if on_frame else None
        try:
            return self._decode_latents(latents)
        finally:
            if hook is not None:
                hook.remove()

    def _decode_latents(self, latents: torch.Tensor) -> np.ndarray:
        vae = self.vae
        latents = latents.to(device=vae.device, dtype=vae.dtype)
        shape = (1, vae.config.z_dim, 1, 1, 1)
        mean = torch.tensor(vae.config.latents_mean).view(shape).to(latents)
        std = torch.tensor(vae.config.latents_std).view(shape).to(latents)
        video = vae.decode(latents * std + mean, return_dict=False)[0][0]  # (C, T, H, W) in [-1, 1]
        frames = ((video.float().clamp(-1.0, 1.0) + 1.0) * 127.5).round().to(torch.uint8)
        return frames.permute(1, 2, 3, 0).contiguous().cpu().numpy()


def _check_request(request: ClipRequest) -> None:
    if request.width % SIZE_MULTIPLE or request.height % SIZE_MULTIPLE:
        raise ValueError(f"render size must be multiples of {SIZE_MULTIPLE}, got {request.width}x{request.height}")
    if request.frames_per_segment < 5 or request.frames_per_segment % 4 != 1:
        raise ValueError(f"frames_per_segment must be 4k + 1 (>= 5), got {request.frames_per_segment}")
    segment_count(request.duration_sec)
