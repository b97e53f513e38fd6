"""Our denoising loop (guided and unguided passes batched) against a plain diffusers call on the same model."""

from dataclasses import replace

import numpy as np
import pytest
import torch

from tests.worker.helpers import gradient_image
from worker.images import decode_image, fit_image
from worker.pipeline import DEFAULT_NEGATIVE_PROMPT, ClipRequest, VideoGenerator
from worker.pipeline.denoise import DenoiseInputs, denoise

W, H, FRAMES, STEPS, SEED = 64, 32, 9, 3, 7


def reference_frames(pipe, **extra) -> np.ndarray:
    """What diffusers' own pipeline renders, as uint8 frames."""
    frames = pipe(
        prompt="a red kite",
        negative_prompt=DEFAULT_NEGATIVE_PROMPT,
        height=H,
        width=W,
        num_frames=FRAMES,
        num_inference_steps=STEPS,
        guidance_scale=5.0,
        generator=torch.Generator("cpu").manual_seed(SEED),
        output_type="np",
        **extra,
    ).frames[0]
    return np.round(frames * 255).astype(np.uint8)


def our_frames(generator, image=None) -> np.ndarray:
    request = ClipRequest(
        prompt="a red kite",
        duration_sec=5,
        seed=SEED,
        width=W,
        height=H,
        image=image,
        steps=STEPS,
        frames_per_segment=FRAMES,
    )
    return generator.generate(request).frames


def assert_same_video(ours: np.ndarray, theirs: np.ndarray) -> None:
    assert ours.shape == theirs.shape
    # Same math; only float rounding may move a pixel by one level.
    assert np.abs(ours.astype(int) - theirs.astype(int)).max() <= 1


def test_text_to_video_matches_the_diffusers_pipeline(generator):
    assert_same_video(our_frames(generator), reference_frames(generator.t2v))


def test_image_to_video_matches_the_diffusers_pipeline(generator):
    image = fit_image(decode_image(gradient_image()), W, H)
    assert_same_video(our_frames(generator, image), reference_frames(generator.i2v, image=image))


@pytest.fixture
def noise_and_embeds(generator):
    latents = generator.t2v.prepare_latents(
        1, 48, H, W, FRAMES, torch.float32, "cpu", torch.Generator("cpu").manual_seed(SEED)
    )
    positive, negative = generator.t2v.encode_prompt("a red kite", "blurry", max_sequence_length=512, device="cpu")
    return latents, positive, negative


def test_batched_guidance_equals_two_passes(generator, noise_and_embeds):
    latents, positive, negative = noise_and_embeds
    results = [
        denoise(
            generator.transformer,
            generator.t2v.scheduler,
            DenoiseInputs(latents, positive, negative),
            STEPS,
            5.0,
            batched_cfg=batched,
        )
        for batched in (True, False)
    ]
    torch.testing.assert_close(results[0], results[1], rtol=1e-4, atol=1e-5)
    # Guidance matters: without the negative prompt the result is different.
    unguided = denoise(
        generator.transformer, generator.t2v.scheduler, DenoiseInputs(latents, positive, None), STEPS, 5.0
    )
    assert (unguided - results[0]).abs().max() > 1e-3


def test_steps_are_reported_and_cancellation_stops_the_loop(generator, noise_and_embeds):
    latents, positive, negative = noise_and_embeds
    seen = []
    denoise(
        generator.transformer,
        generator.t2v.scheduler,
        DenoiseInputs(latents, positive, negative),
        4,
        5.0,
        on_step=lambda done, total: seen.append((done, total)),
    )
    assert seen == [(1, 4), (2, 4), (3, 4), (4, 4)]
    calls = []
    original = generator.transformer.forward

    def counting_forward(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    from worker.errors import Canceled

    generator.transformer.forward = counting_forward
    try:
        with pytest.raises(Canceled):
            denoise(
                generator.transformer,
                generator.t2v.scheduler,
                DenoiseInputs(latents, positive, negative),
                4,
                5.0,
                should_cancel=lambda: len(calls) >= 2,
            )
    finally:
        del generator.transformer.forward
    assert len(calls) == 2  # one batched pass per step: stopped after two of four steps


def test_unbatched_preset_renders_the_same_clip(generator):
    two_pass = VideoGenerator(
        replace(generator.preset, batched_cfg=False),
        {
            name: getattr(generator.t2v, name)
            for name in ("tokenizer", "text_encoder", "vae", "transformer", "scheduler")
        },
        "cpu",
    )
    assert_same_video(our_frames(two_pass), our_frames(generator))
