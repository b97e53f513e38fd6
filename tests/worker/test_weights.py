"""The diffusers-format loader behind `ti2v-5b`, exercised on a saved copy of the tiny weights."""

import numpy as np
import pytest

from worker.errors import WeightsMissing
from worker.pipeline import ClipRequest, VideoGenerator, get_preset
from worker.pipeline.tiny import build_tiny_components
from worker.pipeline.weights import check_weights_dir, load_diffusers_components, save_diffusers_components


def test_missing_or_incomplete_weights_name_the_path(tmp_path):
    with pytest.raises(WeightsMissing, match="not set"):
        check_weights_dir(None)
    with pytest.raises(WeightsMissing, match=str(tmp_path / "absent")):
        check_weights_dir(str(tmp_path / "absent"))
    (tmp_path / "model_index.json").write_text("{}")
    with pytest.raises(WeightsMissing, match="missing tokenizer, text_encoder, transformer, vae"):
        check_weights_dir(str(tmp_path))


def test_saved_weights_load_and_render_like_the_built_ones(tmp_path, generator):
    # diffusers loads WanTransformer3DModel (fp32-pinned modules) only with accelerate installed.
    pytest.importorskip("accelerate", reason="accelerate is needed to load diffusers-format Wan weights")
    save_diffusers_components(build_tiny_components(), tmp_path)
    weights_dir = check_weights_dir(str(tmp_path))
    components = load_diffusers_components(weights_dir, "cpu", full_precision=True)
    loaded = VideoGenerator(get_preset("tiny"), components, "cpu")
    request = ClipRequest(prompt="a red kite", duration_sec=5, seed=3, width=64, height=32, frames_per_segment=9)
    assert np.array_equal(loaded.generate(request).frames, generator.generate(request).frames)
