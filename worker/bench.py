"""GPU benchmark of the worker: one 5 s clip through our path and through a plain diffusers call, side by side.

    python -m worker.bench [--size full|tiny] [--device cuda] [--cold-start] [--json bench.json]

`--size full` builds the Wan2.2-TI2V-5B architecture with random weights on the GPU (no download); `tiny`
uses the tiny preset's model (a CPU proof of the harness). Prints a table and writes JSON; asserts nothing.
See docs/benchmarks.md for what each figure means.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from pathlib import Path

DEFAULT_SIZES = {"full": (1280, 704), "tiny": (640, 352)}
DEFAULT_STEPS = {"full": 50, "tiny": 2}
# (label, JSON key) of each timed stage, in table order.
STAGES = (
    ("text encode", "textEncodeSec"),
    ("denoise", "denoiseSec"),
    ("denoise per step", "denoiseStepSec"),
    ("VAE decode", "decodeSec"),
    ("diffusion total", "diffusionSec"),
    ("MP4 encode", "mp4Sec"),
    ("end to end", "endToEndSec"),
    ("warm-up (before the run)", "warmUpSec"),
)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    # worker.pipeline imports torch; this module must import without it.
    from worker.pipeline.presets import FRAMES_PER_SEGMENT, SIZE_MULTIPLE

    parser = argparse.ArgumentParser(prog="python -m worker.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--size",
        choices=("full", "tiny"),
        default="full",
        help="full: TI2V-5B architecture, random weights (default); tiny: the tiny preset model",
    )
    parser.add_argument("--device", default=None, help="default: cuda when available, else cpu")
    parser.add_argument("--width", type=int, default=None, help="default 1280 (tiny: 640)")
    parser.add_argument("--height", type=int, default=None, help="default 704 (tiny: 352)")
    parser.add_argument("--frames", type=int, default=FRAMES_PER_SEGMENT, help="4k + 1; default 121 (5 s)")
    parser.add_argument("--steps", type=int, default=None, help="default 50 (tiny: 2)")
    parser.add_argument(
        "--compile",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="compile the transformer blocks (default: on for cuda, off for cpu)",
    )
    parser.add_argument(
        "--no-reference", dest="reference", action="store_false", help="skip the plain diffusers reference run"
    )
    parser.add_argument(
        "--cold-start",
        action="store_true",
        help="also save the weights and time a fresh process loading them and warming up",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", dest="json_path", default=None, help="default: bench-<size>-<device>.json")
    args = parser.parse_args(argv)

    cuda = _cuda_available()
    if args.device is None:
        if args.size == "full" and not cuda:
            parser.error(
                "--size full needs a CUDA GPU and none is available: the 5B model on the CPU is not a "
                "useful figure and needs over 40 GB of RAM. Use --size tiny, or pass --device cpu to "
                "run it anyway."
            )
        args.device = "cuda" if cuda else "cpu"
    elif args.device.startswith("cuda") and not cuda:
        parser.error(f"--device {args.device}: no CUDA GPU is available on this machine")
    default_width, default_height = DEFAULT_SIZES[args.size]
    args.width = args.width or default_width
    args.height = args.height or default_height
    args.steps = args.steps or DEFAULT_STEPS[args.size]
    if args.compile is None:
        args.compile = args.device.startswith("cuda")
    if args.width % SIZE_MULTIPLE or args.height % SIZE_MULTIPLE or min(args.width, args.height) <= 0:
        parser.error(f"--width and --height must be positive multiples of {SIZE_MULTIPLE}")
    if args.frames < 5 or args.frames % 4 != 1:
        parser.error("--frames must be 4k + 1 and at least 5 (121 is 5 s at 24 fps)")
    if args.steps < 1:
        parser.error("--steps must be at least 1")
    args.json_path = args.json_path or f"bench-{args.size}-{args.device.replace(':', '')}.json"
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from worker.pipeline.bench_runs import BenchSettings, run_benchmark

    settings = BenchSettings(
        size=args.size,
        device=args.device,
        width=args.width,
        height=args.height,
        frames=args.frames,
        steps=args.steps,
        compile=args.compile,
        seed=args.seed,
        reference=args.reference,
        cold_start=args.cold_start,
    )
    print(
        f"building {args.size} components on {args.device} and rendering {args.width}x{args.height}, "
        f"{args.frames} frames, {args.steps} steps...",
        file=sys.stderr,
        flush=True,
    )
    report = run_benchmark(settings)
    command_args = sys.argv[1:] if argv is None else argv
    report["command"] = shlex.join(["python", "-m", "worker.bench", *command_args])
    print(format_report(report))
    path = Path(args.json_path)
    path.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nJSON: {path}")
    return 0


def format_report(report: dict) -> str:
    return format_table(report) + "\n\n" + format_headline(report)


def format_table(report: dict) -> str:
    settings, environment = report["settings"], report["environment"]
    ours, reference = report["ours"], report.get("reference")
    model = "TI2V-5B architecture, random weights" if settings["size"] == "full" else "tiny preset model"
    lines = [
        f"{settings['size']} ({model}) on {settings['device']} ({environment['deviceName']}): "
        f"{settings['width']}x{settings['height']}, {settings['frames']} frames, {settings['steps']} steps, "
        f"guidance {settings['guidanceScale']}, compile {'on' if settings['compile'] else 'off'}",
        "",
        f"{'stage':<26}{'ours':>14}{'reference':>14}",
    ]
    for label, key in STAGES:
        lines.append(f"{label:<26}{_seconds(ours[key]):>14}{_seconds(reference[key]) if reference else '-':>14}")
    lines.append(
        f"{'peak memory':<26}{_gib(ours['peakMemoryBytes']):>14}"
        f"{_gib(reference['peakMemoryBytes']) if reference else '-':>14}"
    )
    lines.append(f"(peak memory: {report['peakMemoryKind']})")
    return "\n".join(lines)


def format_headline(report: dict) -> str:
    ours, reference = report["ours"], report.get("reference")
    lines = []
    if reference:
        speedup = report["speedup"]
        lines.append(
            f"end to end: {ours['endToEndSec']:.2f} s ours vs {reference['endToEndSec']:.2f} s reference: "
            f"{speedup['endToEnd']:.2f}x (diffusion only: {speedup['diffusion']:.2f}x)"
        )
        same = report["sameMath"]
        lines.append(
            f"same math: max pixel difference {report['sameMathMaxPixelDiff']} level(s) "
            f"({same['differingShare'] * 100:.3f}% of values differ; "
            f"{same['referenceUnsaturatedShare'] * 100:.1f}% of reference values are not clipped)"
        )
    else:
        lines.append(f"end to end: {ours['endToEndSec']:.2f} s ours (no reference run)")
    lines.append(f"peak memory: {_gib(ours['peakMemoryBytes'])} ours")
    if "compiled" in ours:
        compiled = ours["compiled"]
        lines.append(f"compiled: {compiled['graphs']} graph(s), {compiled['graphBreaks']} graph break(s)")
    cold = report.get("coldStart")
    if cold:
        lines.append(
            f"cold start: ready {cold['readySec']:.2f} s after spawn (imports {cold['importSec']:.2f} s, "
            f"load {cold['loadSec']:.2f} s, build {cold['buildSec']:.2f} s, "
            f"warm-up {cold['warmUpSec']:.2f} s); process wall {cold['wallSec']:.2f} s; "
            f"weights {cold['weightsBytes'] / 2**30:.2f} GiB"
        )
    return "\n".join(lines)


def _seconds(value: float) -> str:
    return f"{value:.3f} s" if value >= 0.1 else f"{value * 1000:.2f} ms"


def _gib(value: int) -> str:
    return f"{value / 2**30:.2f} GiB"


def _cuda_available() -> bool:
    import torch

    return torch.cuda.is_available()


if __name__ == "__main__":
    sys.exit(main())
