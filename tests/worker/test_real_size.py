"""One clip at the tiny preset's real size (640x352, 121 frames): the size the local stack renders."""

from worker.pipeline import ClipRequest
from worker.video import encode_mp4, probe_mp4


def test_five_second_clip_at_tiny_preset_size(generator, tmp_path):
    width, height = generator.render_size(1280, 704)
    clip = generator.generate(ClipRequest(prompt="a red kite", duration_sec=5, seed=42, width=width, height=height))
    assert clip.frames.shape == (121, 352, 640, 3)
    path = encode_mp4(clip.frames, tmp_path / "clip.mp4", clip.fps)
    assert probe_mp4(path) == {"frames": 121, "fps": 24.0, "width": 640, "height": 352, "codec": "h264"}
