"""Input-image handling: decode an upload safely and fit it to the render size."""

from __future__ import annotations

import io

from PIL import Image, ImageOps, UnidentifiedImageError

from worker.errors import InvalidInput

ALLOWED_FORMATS = {"PNG", "JPEG", "WEBP"}
# Refuse decompression bombs well before Pillow's own (warning-only) limit.
MAX_PIXELS = 40_000_000


def decode_image(data: bytes) -> Image.Image:
    """Open PNG/JPEG/WebP bytes as an upright RGB image, or raise InvalidInput."""
    try:
        image = Image.open(io.BytesIO(data))
        if image.format not in ALLOWED_FORMATS:
            raise InvalidInput(f"The input image must be PNG, JPEG or WebP, not {image.format or 'unknown'}.")
        if image.width * image.height > MAX_PIXELS:
            raise InvalidInput(f"The input image is too large ({image.width}x{image.height} pixels).")
        image.load()
    except InvalidInput:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise InvalidInput(f"The input image could not be decoded: {exc}.") from None
    # Phones store rotation in EXIF; apply it so the first frame is upright.
    return ImageOps.exif_transpose(image).convert("RGB")


def fit_image(image: Image.Image, width: int, height: int) -> Image.Image:
    """Scale to cover width x height, then center-crop to exactly that size."""
    image = image.convert("RGB")
    if image.size == (width, height):
        return image
    return ImageOps.fit(image, (width, height), method=Image.Resampling.LANCZOS, centering=(0.5, 0.5))
