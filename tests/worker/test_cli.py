"""`python -m worker generate`: a local MP4 and poster; the same seed gives the same clip in any process."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from tests.worker.helpers import gradient_image
from worker.pipeline import ClipRequest
from worker.video import encode_mp4, probe_mp4, read_mp4_frames

REPO_ROOT = Path(__file__).resolve().parents[2]


def run_cli(*args: str) -> dict:
    # The plain tiny preset, whatever overrides the calling shell has set.
    env = {k: v for k, v in os.environ.items() if k not in ("WAN_STEPS", "WAN_DEVICE", "WAN_RENDER_DIVISOR")}
    completed = subprocess.run(
        [sys.executable, "-m", "worker", "generate", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)


def test_cli_writes_the_clip_and_matches_an_in_process_render(tmp_path, generator):
    out = tmp_path / "kite.mp4"
    summary = run_cli(
        "--prompt",
        "a red kite",
        "--duration",
        "10",
        "--size",
        "64x32",
        "--seed",
        "5",
        "--preset",
        "tiny",
        "--out",
        str(out),
    )
    assert summary["frames"] == 241 and summary["seed"] == 5
    assert probe_mp4(out) == {"frames": 241, "fps": 24.0, "width": 64, "height": 32, "codec": "h264"}
    assert Path(summary["poster"]).is_file()

    # Same weights, same seed → the same frames as rendered here (compared after the same encode).
    clip = generator.generate(ClipRequest(prompt="a red kite", duration_sec=10, seed=5, width=64, height=32))
    written = read_mp4_frames(out).astype(int)
    local = read_mp4_frames(encode_mp4(clip.frames, tmp_path / "local.mp4", 24)).astype(int)
    assert np.array_equal(written, local)


def test_cli_image_to_video_vertical(tmp_path):
    image = tmp_path / "in.png"
    image.write_bytes(gradient_image())
    out = tmp_path / "tall.mp4"
    summary = run_cli("--prompt", "a kite", "--image", str(image), "--size", "32x64", "--seed", "1", "--out", str(out))
    assert (summary["width"], summary["height"], summary["frames"]) == (32, 64, 121)
    assert probe_mp4(out)["codec"] == "h264"


def test_cli_rejects_bad_arguments():
    completed = subprocess.run(
        [sys.executable, "-m", "worker", "generate", "--prompt", "x", "--duration", "7", "--out", "x.mp4"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.returncode == 2 and "--duration" in completed.stderr
