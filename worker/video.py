"""MP4 (H.264) encoding, JPEG posters and a small probe, all through imageio-ffmpeg and Pillow."""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction
from pathlib import Path

import imageio_ffmpeg
import numpy as np
from PIL import Image

# CRF 19 is visually near-lossless for 720p H.264; "fast" halves encode time on the GPU
# worker's few CPU cores for a slightly larger file.
CRF = 19
X264_PRESET = "fast"
POSTER_QUALITY = 90


def encode_mp4(
    frames: np.ndarray | Iterable[np.ndarray], path: str | Path, fps: int | float, size: tuple[int, int] | None = None
) -> Path:
    """Write RGB uint8 frames (T, H, W, 3) as a web-playable H.264 MP4 at exactly `fps`."""
    path = Path(path)
    frames = iter(frames)
    first = next(frames)
    height, width = first.shape[:2]
    if size is not None and size != (width, height):
        raise ValueError(f"frame size {width}x{height} does not match {size[0]}x{size[1]}")
    writer = imageio_ffmpeg.write_frames(
        str(path),
        size=(width, height),
        fps=Fraction(fps).limit_denominator(1001),
        codec="libx264",
        pix_fmt_in="rgb24",
        pix_fmt_out="yuv420p",
        quality=None,
        # Render sizes are multiples of 32, so no block padding is ever needed.
        macro_block_size=1,
        output_params=[
            "-crf",
            str(CRF),
            "-preset",
            X264_PRESET,
            # Encode and tag BT.709 so browsers show the colours that were rendered.
            "-vf",
            "scale=out_color_matrix=bt709:out_range=tv",
            "-colorspace",
            "bt709",
            "-color_primaries",
            "bt709",
            "-color_trc",
            "bt709",
            # Moov atom up front: playback starts before the whole file is downloaded.
            "-movflags",
            "+faststart",
        ],
    )
    writer.send(None)
    try:
        writer.send(np.ascontiguousarray(first, dtype=np.uint8))
        for frame in frames:
            writer.send(np.ascontiguousarray(frame, dtype=np.uint8))
    finally:
        writer.close()
    return path


def write_poster(frame: np.ndarray, path: str | Path) -> Path:
    """Save one RGB uint8 frame as the JPEG poster shown before playback."""
    path = Path(path)
    Image.fromarray(np.asarray(frame, dtype=np.uint8)).save(
        path, format="JPEG", quality=POSTER_QUALITY, optimize=True, progressive=True
    )
    return path


def probe_mp4(path: str | Path) -> dict:
    """Frame count, fps, size and codec of a video file: {frames, fps, width, height, codec}."""
    reader = imageio_ffmpeg.read_frames(str(path))
    try:
        meta = next(reader)
    finally:
        reader.close()
    frames, _seconds = imageio_ffmpeg.count_frames_and_secs(str(path))
    width, height = meta["size"]
    codec = (meta.get("codec") or "").split(" ")[0]
    return {
        "frames": int(frames),
        "fps": float(meta["fps"]),
        "width": int(width),
        "height": int(height),
        "codec": codec,
    }


def read_mp4_frames(path: str | Path) -> np.ndarray:
    """Decode every frame as RGB uint8 (T, H, W, 3); used to check what was written."""
    reader = imageio_ffmpeg.read_frames(str(path))
    meta = next(reader)
    width, height = meta["size"]
    frames = [np.frombuffer(buf, dtype=np.uint8).reshape(height, width, 3) for buf in reader]
    return np.stack(frames)
