"""Command line: render a clip to a local MP4 without any upload.

python -m worker generate --prompt "a red kite" --duration 5 --out clip.mp4 [--image in.png]
    [--preset tiny] [--seed N] [--aspect 16:9]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

from shared.domain.contract import CLIP_SIZES, DEFAULT_ASPECT_RATIO, DURATIONS_SEC, FPS, MAX_SEED, MIN_SEED
from worker.errors import WorkerError


def _size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError("size must look like 640x352") from None
    if width % 32 or height % 32 or width <= 0 or height <= 0:
        raise argparse.ArgumentTypeError("width and height must be positive multiples of 32")
    return width, height


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m worker", description="CineWeave video worker")
    commands = parser.add_subparsers(dest="command", required=True)
    gen = commands.add_parser("generate", help="render a clip to a local MP4")
    gen.add_argument("--prompt", required=True)
    gen.add_argument("--negative-prompt", default=None, help="default: Wan's official negative prompt")
    gen.add_argument("--duration", type=int, choices=DURATIONS_SEC, default=DURATIONS_SEC[0], help="seconds")
    gen.add_argument("--out", type=Path, required=True, help="MP4 path; the poster goes next to it as .jpg")
    gen.add_argument("--image", type=Path, default=None, help="first frame (image-to-video)")
    gen.add_argument("--preset", default=None, help="tiny or ti2v-5b (default: WAN_PRESET or tiny)")
    gen.add_argument("--seed", type=int, default=None, help="default: random")
    gen.add_argument("--aspect", choices=tuple(CLIP_SIZES), default=DEFAULT_ASPECT_RATIO)
    gen.add_argument("--fps", type=int, default=FPS)
    gen.add_argument("--steps", type=int, default=None, help="denoising steps (default: the preset's)")
    gen.add_argument("--size", type=_size, default=None, help="render size WxH, overriding the preset's")
    return parser


def generate(args: argparse.Namespace) -> dict:
    from tqdm import tqdm

    from worker.images import decode_image
    from worker.video import encode_mp4, write_poster

    if args.preset:
        os.environ["WAN_PRESET"] = args.preset
    from worker.handler import get_generator

    seed = args.seed if args.seed is not None else random.randint(MIN_SEED, MAX_SEED)
    image = decode_image(args.image.read_bytes()) if args.image else None
    timings: dict[str, float] = {}
    started = time.monotonic()
    with tqdm(total=100, unit="%", bar_format="{desc:<16} {bar} {n:.0f}% [{elapsed}{postfix}]", file=sys.stderr) as bar:
        bar.set_description_str("loading")
        generator = get_generator()  # first use imports torch and builds the model
        from worker.pipeline import ClipRequest

        timings["loading"] = round(time.monotonic() - started, 3)
        width, height = args.size or generator.render_size(*CLIP_SIZES[args.aspect])

        def on_progress(stage: str, fraction: float, eta: float | None) -> None:
            bar.set_description_str(stage)
            bar.set_postfix_str("" if eta is None else f"about {eta:.0f}s left", refresh=False)
            bar.update(max(0.0, 95 * fraction - bar.n))

        clip = generator.generate(
            ClipRequest(
                prompt=args.prompt,
                negative_prompt=args.negative_prompt,
                duration_sec=args.duration,
                seed=seed,
                width=width,
                height=height,
                image=image,
                fps=args.fps,
                steps=args.steps,
            ),
            on_progress=on_progress,
        )
        timings.update(clip.timings)
        bar.set_description_str("muxing")
        muxing_started = time.monotonic()
        args.out.parent.mkdir(parents=True, exist_ok=True)
        encode_mp4(clip.frames, args.out, clip.fps)
        poster = args.out.with_suffix(".jpg")
        write_poster(clip.frames[0], poster)
        timings["muxing"] = round(time.monotonic() - muxing_started, 3)
        bar.update(100 - bar.n)
    timings["total"] = round(time.monotonic() - started, 3)
    return {
        "video": str(args.out),
        "poster": str(poster),
        "frames": int(clip.frames.shape[0]),
        "width": clip.width,
        "height": clip.height,
        "fps": clip.fps,
        "seed": seed,
        "timings": timings,
    }


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        summary = generate(args)
    except WorkerError as exc:
        print(f"error ({exc.code}): {exc.message}", file=sys.stderr)
        return 1
    print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
