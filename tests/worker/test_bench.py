"""`python -m worker.bench`: the harness end to end on the tiny model, and the full-size architecture on `meta`."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from worker.bench import STAGES, main

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_tiny_bench_times_every_stage_of_both_paths_and_a_cold_start(tmp_path, capsys):
    out = tmp_path / "bench.json"
    assert (
        main(
            [
                "--size",
                "tiny",
                "--device",
                "cpu",
                "--width",
                "64",
                "--height",
                "32",
                "--frames",
                "9",
                "--steps",
                "2",
                "--cold-start",
                "--json",
                str(out),
            ]
        )
        == 0
    )
    report = json.loads(out.read_text())

    for path in ("ours", "reference"):
        for _label, key in STAGES:
            assert report[path][key] > 0, (path, key)
        assert report[path]["peakMemoryBytes"] > 0
    assert report["ours"]["denoiseStepSec"] == pytest.approx(report["ours"]["denoiseSec"] / 2, abs=1e-4)
    assert report["speedup"]["endToEnd"] > 0 and report["speedup"]["diffusion"] > 0
    assert report["sameMathMaxPixelDiff"] <= 1
    cold = report["coldStart"]
    assert all(cold[key] > 0 for key in ("importSec", "loadSec", "warmUpSec", "wallSec"))
    assert cold["wallSec"] >= cold["readySec"] - 0.05

    assert report["settings"] == {
        **report["settings"],
        "size": "tiny",
        "width": 64,
        "height": 32,
        "frames": 9,
        "steps": 2,
        "compile": False,
        "batchedCfg": True,
    }
    assert report["environment"]["torch"] == torch.__version__
    assert report["command"].startswith("python -m worker.bench --size tiny")

    printed = capsys.readouterr().out
    for label, _key in STAGES:
        assert label in printed
    assert "same math: max pixel difference" in printed and "cold start: ready" in printed


def test_full_size_needs_a_gpu_unless_the_cpu_is_asked_for(capsys):
    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU")
    with pytest.raises(SystemExit) as exit_info:
        main(["--size", "full"])
    assert exit_info.value.code == 2
    assert "--device cpu" in capsys.readouterr().err


def test_full_size_components_have_the_ti2v_5b_architecture():
    from worker.pipeline.full_size import build_text_encoder, build_transformer, build_vae, parameter_count

    # On `meta` nothing is allocated: shapes and dtypes only.
    transformer = build_transformer("meta")
    assert parameter_count(transformer) == pytest.approx(5.0e9, rel=0.02)
    assert len(transformer.blocks) == 30
    assert transformer.blocks[0].attn1.to_q.weight.shape == (3072, 3072)
    assert transformer.blocks[0].ffn.net[0].proj.weight.shape == (14336, 3072)
    assert transformer.blocks[0].attn1.to_q.weight.dtype == torch.bfloat16
    assert transformer.blocks[0].scale_shift_table.dtype == torch.float32  # kept fp32 as from_pretrained does
    assert parameter_count(build_text_encoder("meta")) == pytest.approx(5.7e9, rel=0.02)
    vae = build_vae("meta")
    assert vae.config.z_dim == 48 and vae.dtype == torch.float32
    assert torch.get_default_dtype() == torch.float32


def test_built_components_have_the_dtypes_from_pretrained_gives(tmp_path):
    pytest.importorskip("accelerate", reason="accelerate is needed to load diffusers-format Wan weights")
    from diffusers import WanTransformer3DModel

    from worker.pipeline.full_size import build_on_device

    config = {
        "patch_size": (1, 2, 2),
        "num_attention_heads": 2,
        "attention_head_dim": 12,
        "in_channels": 48,
        "out_channels": 48,
        "text_dim": 32,
        "freq_dim": 256,
        "ffn_dim": 32,
        "num_layers": 2,
    }
    built = build_on_device(lambda: WanTransformer3DModel(**config), "cpu", torch.bfloat16)
    built.save_pretrained(tmp_path)
    loaded = WanTransformer3DModel.from_pretrained(tmp_path, torch_dtype=torch.bfloat16)
    assert {name: p.dtype for name, p in built.named_parameters()} == {
        name: p.dtype for name, p in loaded.named_parameters()
    }


def test_bench_module_imports_without_torch():
    code = "import sys, worker.bench; sys.exit('torch' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT).returncode == 0
