"""Cold start of a worker process: imports, loading saved weights, building the generator, warm-up.

    python -m worker.pipeline.cold_start WEIGHTS_DIR --device cuda --width 1280 --height 704 [--compile]

Run as a child of the benchmark (`measure_cold_start`), so nothing is imported or cached in memory
beforehand; prints one JSON line of seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import torch

from worker.pipeline.generator import VideoGenerator
from worker.pipeline.presets import get_preset
from worker.pipeline.speed import compile_transformer, tune_backends
from worker.pipeline.weights import load_diffusers_components

# Spawn → here is the import time: interpreter start plus every import a worker needs before it can load
# weights (with -m, the worker.pipeline package and so torch and diffusers load before this module runs).
IMPORTED_AT = time.time()

if TYPE_CHECKING:
    from worker.pipeline.bench_runs import BenchSettings

CHILD_TIMEOUT_SEC = 1800


def measure_cold_start(weights_dir: str | Path, settings: BenchSettings) -> dict:
    """Spawn a fresh process that loads `weights_dir` and warms up; its own figures plus the wall clock from
    spawn to exit as seen from here."""
    command = [
        sys.executable,
        "-m",
        "worker.pipeline.cold_start",
        str(weights_dir),
        "--device",
        settings.device,
        "--width",
        str(settings.width),
        "--height",
        str(settings.height),
    ]
    if settings.compile:
        command.append("--compile")
    # The child imports this package from wherever this process did, whatever its working directory.
    package_root = str(Path(__file__).resolve().parents[2])
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")])))
    spawned_at, started = time.time(), time.monotonic()
    completed = subprocess.run(
        [*command, "--spawned-at", repr(spawned_at)], env=env, capture_output=True, text=True, timeout=CHILD_TIMEOUT_SEC
    )
    wall = time.monotonic() - started
    if completed.returncode != 0:
        raise RuntimeError(f"cold-start process failed ({completed.returncode}):\n{completed.stderr[-4000:]}")
    report = json.loads(completed.stdout.strip().splitlines()[-1])
    return {**report, "wallSec": round(wall, 3), "command": " ".join(command)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m worker.pipeline.cold_start")
    parser.add_argument("weights_dir")
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=704)
    parser.add_argument("--compile", action="store_true")
    parser.add_argument("--spawned-at", type=float, default=None, help="parent's time.time() at spawn")
    args = parser.parse_args(argv)
    spawned_at = args.spawned_at if args.spawned_at is not None else IMPORTED_AT

    started = time.monotonic()
    # As load_generator: bf16 transformer and text encoder on the GPU; fp32 everywhere for CPU checks.
    components = load_diffusers_components(
        args.weights_dir, args.device, full_precision=not args.device.startswith("cuda")
    )
    _sync(args.device)
    loaded = time.monotonic()
    tune_backends(args.device)
    if args.compile:
        compile_transformer(components["transformer"])
    # warm_up reads only guidance and batching from the preset, which the tiny preset shares.
    preset = replace(get_preset("ti2v-5b"), device=args.device, compile=args.compile)
    generator = VideoGenerator(preset, components, args.device)
    built = time.monotonic()
    generator.warm_up(args.width, args.height)
    warmed = time.monotonic()
    print(
        json.dumps(
            {
                "importSec": round(IMPORTED_AT - spawned_at, 3),
                "loadSec": round(loaded - started, 3),
                "buildSec": round(built - loaded, 3),
                "warmUpSec": round(warmed - built, 3),
                "readySec": round(time.time() - spawned_at, 3),
            }
        ),
        flush=True,
    )
    return 0


def _sync(device: str) -> None:
    if device.startswith("cuda"):
        torch.cuda.synchronize(device)


if __name__ == "__main__":
    sys.exit(main())
