"""Render benchmark: prints per-stage seconds for clips on this machine (run it on the GPU box).

    python -m worker.benchmark [--preset ti2v-5b] [--durations 5 10 15] [--aspect 16:9] [--runs 1]

Figures only; nothing is asserted and nothing is uploaded.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from worker.schema import CLIP_SIZES


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m worker.benchmark")
    parser.add_argument("--preset", default=None, help="default: WAN_PRESET or tiny")
    parser.add_argument("--durations", type=int, nargs="+", default=[5], choices=(5, 10, 15))
    parser.add_argument("--aspect", choices=("16:9", "9:16"), default="16:9")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--steps", type=int, default=None)
    args = parser.parse_args(argv)

    if args.preset:
        os.environ["WAN_PRESET"] = args.preset
    started = time.monotonic()
    from worker.handler import get_generator

    generator = get_generator()
    from worker.pipeline import ClipRequest
    from worker.video import encode_mp4

    print(json.dumps({"preset": generator.preset.name, "device": generator.device,
                      "loadSec": round(time.monotonic() - started, 2)}), flush=True)
    width, height = generator.render_size(*CLIP_SIZES[0 if args.aspect == "16:9" else 1])
    for duration in args.durations:
        for run in range(args.runs):
            began = time.monotonic()
            clip = generator.generate(ClipRequest(prompt="A red kite over a windy beach, cinematic",
                                                  duration_sec=duration, seed=run, width=width, height=height,
                                                  steps=args.steps))
            muxing = time.monotonic()
            with tempfile.TemporaryDirectory() as tmp:
                encode_mp4(clip.frames, Path(tmp) / "clip.mp4", clip.fps)
            timings = dict(clip.timings, muxing=round(time.monotonic() - muxing, 3),
                           total=round(time.monotonic() - began, 3))
            print(json.dumps({"durationSec": duration, "run": run, "frames": int(clip.frames.shape[0]),
                              "size": f"{clip.width}x{clip.height}", "timings": timings}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
