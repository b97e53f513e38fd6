"""MP4 encoding and probing (imageio-ffmpeg), posters, input-image decoding and fitting."""

import numpy as np
import pytest
from PIL import Image

from tests.worker.helpers import gradient_image
from worker.errors import InvalidInput
from worker.images import decode_image, fit_image
from worker.video import encode_mp4, probe_mp4, read_mp4_frames, write_poster


def moving_frames(count: int, width: int, height: int) -> np.ndarray:
    x = np.arange(width, dtype=np.int32)[None, None, :]
    t = np.arange(count, dtype=np.int32)[:, None, None]
    red = ((x + 4 * t) % 256).astype(np.uint8)
    frames = np.zeros((count, height, width, 3), np.uint8)
    frames[..., 0] = red[:, :1, :]
    frames[..., 1] = 90
    frames[..., 2] = 200
    return frames


@pytest.mark.parametrize("fps", [24, 30])
def test_mp4_has_every_frame_at_the_requested_fps(tmp_path, fps):
    frames = moving_frames(49, 128, 64)
    path = encode_mp4(frames, tmp_path / "clip.mp4", fps)
    assert probe_mp4(path) == {"frames": 49, "fps": float(fps), "width": 128, "height": 64, "codec": "h264"}
    decoded = read_mp4_frames(path)
    assert decoded.shape == frames.shape
    # CRF 19 on smooth content: close to the source, not merely the right shape.
    assert np.abs(decoded.astype(int) - frames.astype(int)).mean() < 4


def test_mp4_is_web_ready(tmp_path):
    path = encode_mp4(moving_frames(9, 64, 32), tmp_path / "clip.mp4", 24)
    data = path.read_bytes()
    # +faststart: the index (moov) comes before the media data (mdat).
    assert 0 < data.find(b"moov") < data.find(b"mdat")
    assert b"avc1" in data


def test_poster_is_a_jpeg_of_the_frame(tmp_path):
    frame = moving_frames(1, 64, 32)[0]
    path = write_poster(frame, tmp_path / "poster.jpg")
    with Image.open(path) as poster:
        assert poster.format == "JPEG" and poster.size == (64, 32)
        assert np.abs(np.asarray(poster, dtype=int) - frame.astype(int)).mean() < 6


def test_fit_image_covers_then_center_crops():
    image = Image.new("RGB", (300, 100), (0, 0, 255))
    image.paste((255, 0, 0), (100, 0, 200, 100))  # red middle third, blue sides
    fitted = fit_image(image, 64, 64)
    assert fitted.size == (64, 64)
    pixels = np.asarray(fitted)
    assert pixels[:, 8:56, 0].min() > 200 and pixels[:, 8:56, 2].max() < 60  # only the red centre is left


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_decode_accepts_upload_formats(fmt):
    image = decode_image(gradient_image(fmt=fmt))
    assert image.mode == "RGB" and image.size == (96, 80)


def test_decode_rejects_other_formats_and_garbage():
    with pytest.raises(InvalidInput, match="PNG, JPEG or WebP"):
        decode_image(gradient_image(fmt="GIF"))
    with pytest.raises(InvalidInput, match="could not be decoded"):
        decode_image(b"definitely not an image")
