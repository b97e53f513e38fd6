"""The numbers the API, the worker and the web app must agree on; their only definition.

The worker image carries this file alone (worker/Dockerfile), so it imports nothing but the standard library.
"""

from typing import Final, Literal, get_args

SECONDS_PER_CREDIT: Final = 5
Duration = Literal[5, 10, 15]
DURATIONS_SEC: Final[tuple[Duration, ...]] = get_args(Duration)
FPS: Final = 24
# One 5 s Wan 2.2 segment: 24 fps x 5 s plus one (the VAE packs 4 frames per latent after the first).
# 10 s and 15 s clips chain segments, each starting from the previous one's last frame.
FRAMES_PER_SEGMENT: Final = 121

# Width x height per aspect ratio, 720p; the first is the default.
AspectRatio = Literal["16:9", "9:16"]
CLIP_SIZES: Final[dict[AspectRatio, tuple[int, int]]] = {"16:9": (1280, 704), "9:16": (704, 1280)}
ASPECT_RATIOS: Final[tuple[AspectRatio, ...]] = get_args(AspectRatio)
DEFAULT_ASPECT_RATIO: Final[AspectRatio] = "16:9"

MIN_SEED: Final = 0
MAX_SEED: Final = 2**31 - 1  # fits a signed 32-bit integer, and every JSON number a browser can hold

PROMPT_MAX_CHARS: Final = 2000
NEGATIVE_PROMPT_MAX_CHARS: Final = 2000

# Start images for image-to-video: content type → file extension, and the largest upload.
UPLOAD_TYPES: Final = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp"}
UPLOAD_MAX_BYTES: Final = 10 * 1024 * 1024
