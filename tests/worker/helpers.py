"""Small helpers shared by the worker tests."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image


def gradient_image(width: int = 96, height: int = 80, fmt: str = "PNG") -> bytes:
    """A colourful test picture (not square, so cropping matters)."""
    x = np.linspace(0, 255, width, dtype=np.float32)[None, :, None]
    y = np.linspace(0, 255, height, dtype=np.float32)[:, None, None]
    pixels = np.concatenate(
        [
            np.broadcast_to(x, (height, width, 1)),
            np.broadcast_to(y, (height, width, 1)),
            np.full((height, width, 1), 128.0, np.float32),
        ],
        axis=2,
    ).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format=fmt)
    return buffer.getvalue()
