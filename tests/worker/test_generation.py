"""Rendering with the tiny preset: the real diffusers Wan 2.2 TI2V classes at test sizes."""

import numpy as np
import pytest
from PIL import Image

from tests.worker.helpers import gradient_image
from worker.errors import Canceled
from worker.images import decode_image, fit_image
from worker.pipeline import ClipRequest, render_size, segment_seed
from worker.pipeline.tiny import build_tiny_components

W, H = 64, 32  # smallest size the VAE stride (16) x patch (2) allows, wide like 16:9


def request(**overrides) -> ClipRequest:
    fields = {"prompt": "a red kite", "duration_sec": 5, "seed": 11, "width": W, "height": H, "frames_per_segment": 9}
    fields.update(overrides)
    return ClipRequest(**fields)


def test_text_to_video_renders_a_moving_clip(generator):
    clip = generator.generate(request(frames_per_segment=121))
    assert clip.frames.shape == (121, H, W, 3) and clip.frames.dtype == np.uint8
    assert (clip.width, clip.height, clip.fps, clip.seed) == (W, H, 24, 11)
    assert clip.frames.std() > 5  # not a flat image
    assert not np.array_equal(clip.frames[0], clip.frames[-1])
    assert set(clip.timings) == {"encoding_prompt", "denoising", "decoding"}


@pytest.mark.parametrize("duration, frames", [(5, 121), (10, 241), (15, 361)])
def test_chained_segments_have_the_real_frame_counts(generator, duration, frames):
    segments = []
    clip = generator.generate(
        request(duration_sec=duration, frames_per_segment=121),
        on_segment=lambda index, seg, cond: segments.append((seg, cond)),
    )
    assert clip.frames.shape[0] == frames
    assert len(segments) == duration // 5 and all(len(seg) == 121 for seg, _ in segments)
    assert clip.segment_seeds == [segment_seed(11, k) for k in range(len(segments))]
    assert len(set(clip.segment_seeds)) == len(segments)
    assert segments[0][1] is None  # text-to-video starts from noise
    start = 121
    for k in range(1, len(segments)):
        previous, (current, condition) = segments[k - 1][0], segments[k]
        # Segment k starts from segment k-1's last frame...
        assert np.array_equal(np.asarray(condition), previous[-1])
        # ...which the clip holds once: the re-rendered first frame of segment k is dropped.
        assert np.array_equal(clip.frames[start - 1], previous[-1])
        assert np.array_equal(clip.frames[start : start + 120], current[1:])
        start += 120
    assert np.array_equal(clip.frames[:121], segments[0][0])


def test_same_seed_same_frames_other_seed_other_frames(generator):
    first = generator.generate(request(duration_sec=10))
    again = generator.generate(request(duration_sec=10))
    other = generator.generate(request(duration_sec=10, seed=12))
    assert np.array_equal(first.frames, again.frames)
    assert np.abs(first.frames.astype(int) - other.frames.astype(int)).mean() > 5


def test_tiny_weights_are_identical_on_every_build():
    one, two = build_tiny_components(), build_tiny_components()
    for name in ("transformer", "vae", "text_encoder"):
        left, right = one[name].state_dict(), two[name].state_dict()
        assert left.keys() == right.keys()
        assert all(np.array_equal(left[key].numpy(), right[key].numpy()) for key in left)


def test_image_to_video_starts_from_the_image(generator):
    image = decode_image(gradient_image())
    seen = []
    clips = [
        generator.generate(request(image=image, seed=seed), on_segment=lambda index, seg, cond: seen.append(cond))
        for seed in (1, 2)
    ]
    # The conditioning frame is the upload resized and center-cropped to the render size.
    assert np.array_equal(np.asarray(seen[0]), np.asarray(fit_image(image, W, H)))
    # TI2V pins the first latent frame to the image: frame 0 is the same whatever the seed,
    # while the rest of the clip follows the noise.
    assert np.array_equal(clips[0].frames[0], clips[1].frames[0])
    assert not np.array_equal(clips[0].frames[-1], clips[1].frames[-1])
    text_only = generator.generate(request(seed=1))
    assert not np.array_equal(text_only.frames[0], clips[0].frames[0])


def test_image_to_video_depends_on_the_image(generator):
    red = Image.new("RGB", (W, H), (220, 30, 30))
    blue = Image.new("RGB", (W, H), (30, 30, 220))
    a = generator.generate(request(image=red)).frames
    b = generator.generate(request(image=blue)).frames
    assert not np.array_equal(a[0], b[0])


def test_progress_reports_stages_fractions_and_eta(generator):
    events = []
    generator.generate(request(duration_sec=10, steps=3), on_progress=lambda *event: events.append(event))
    stages = [stage for stage, _, _ in events]
    assert stages[0] == "encoding_prompt"
    # Per segment: one event per denoising step (the last one opens decoding), then one per decoded
    # latent frame (9 frames = 3 latent frames).
    assert stages[1:] == (["denoising", "denoising", "decoding"] + ["decoding"] * 3) * 2
    fractions = [fraction for _, fraction, _ in events]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert len(set(fractions[1:])) == len(fractions) - 1  # every event moves the bar
    assert all(eta is not None and eta >= 0 for _, _, eta in events[1:])
    assert events[-1][2] == 0


def test_cancel_stops_between_denoising_steps(generator):
    steps_seen = []

    def on_progress(stage, fraction, eta):
        if stage == "denoising":
            steps_seen.append(fraction)

    with pytest.raises(Canceled):
        generator.generate(
            request(duration_sec=15, steps=4), on_progress=on_progress, should_cancel=lambda: len(steps_seen) >= 2
        )
    # Canceled right after step 2 of 12: nothing more was denoised or decoded.
    assert len(steps_seen) == 2


def test_bad_render_sizes_and_frame_counts_are_refused(generator):
    with pytest.raises(ValueError, match="multiples of 32"):
        generator.generate(request(width=48))
    with pytest.raises(ValueError, match="4k \\+ 1"):
        generator.generate(request(frames_per_segment=10))


def test_tiny_preset_renders_at_half_size(generator):
    assert generator.render_size(1280, 704) == (640, 352)
    assert generator.render_size(704, 1280) == (352, 640)
    assert render_size(1280, 704, 20) == (64, 32)


def test_cancel_lands_during_the_decode_too(generator):
    decoded = []

    def on_progress(stage, fraction, eta):
        if stage == "decoding":
            decoded.append(fraction)

    with pytest.raises(Canceled):
        generator.generate(
            request(duration_sec=5, frames_per_segment=121),
            on_progress=on_progress,
            should_cancel=lambda: len(decoded) >= 2,
        )
    # 121 frames = 31 latent frames to decode; it stopped after the first one.
    assert len(decoded) == 2
