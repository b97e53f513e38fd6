"""The RunPod handler end to end: validation, render, MP4, upload to a real moto S3 server."""

import io
import json

import pytest
from PIL import Image

from tests.worker.conftest import BUCKET
from tests.worker.helpers import gradient_image
from worker import handler as handler_module
from worker.handler import run_job
from worker.video import probe_mp4


def error_of(result: dict) -> dict:
    assert set(result) == {"error"}
    return json.loads(result["error"])


def fetch(s3, key: str, path):
    path.write_bytes(s3.get_object(Bucket=BUCKET, Key=key)["Body"].read())
    return path


def keys_in_bucket(s3) -> set[str]:
    return {item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])}


def test_text_job_renders_encodes_and_uploads(worker_env, make_job, s3, tmp_path):
    job = make_job(seed=99)
    result = run_job(job, progress_interval_sec=0)
    assert "error" not in result, result
    assert {
        k: result[k] for k in ("videoKey", "posterKey", "durationSec", "frames", "width", "height", "fps", "seed")
    } == {
        "videoKey": job["input"]["output"]["videoKey"],
        "posterKey": job["input"]["output"]["posterKey"],
        "durationSec": 5,
        "frames": 121,
        "width": 64,
        "height": 32,
        "fps": 24,
        "seed": 99,
    }
    for stage in ("loading", "encoding_prompt", "denoising", "decoding", "muxing", "uploading", "total"):
        assert result["timings"][stage] >= 0
    assert result["gpuSeconds"] == result["timings"]["total"] > 0

    s3_object = s3.head_object(Bucket=BUCKET, Key=result["videoKey"])
    assert s3_object["ContentType"] == "video/mp4"
    video = fetch(s3, result["videoKey"], tmp_path / "clip.mp4")
    assert probe_mp4(video) == {"frames": 121, "fps": 24.0, "width": 64, "height": 32, "codec": "h264"}
    poster = s3.get_object(Bucket=BUCKET, Key=result["posterKey"])
    assert poster["ContentType"] == "image/jpeg"
    assert Image.open(io.BytesIO(poster["Body"].read())).size == (64, 32)


def test_image_job_downloads_the_presigned_image(worker_env, make_job, s3, tmp_path):
    s3.put_object(Bucket=BUCKET, Key="uploads/in.png", Body=gradient_image(), ContentType="image/png")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": BUCKET, "Key": "uploads/in.png"}, ExpiresIn=300)
    result = run_job(make_job(imageUrl=url, durationSec=10, width=704, height=1280), progress_interval_sec=0)
    assert "error" not in result, result
    assert (result["frames"], result["width"], result["height"]) == (241, 32, 64)
    assert result["timings"]["downloading"] >= 0
    video = fetch(s3, result["videoKey"], tmp_path / "clip.mp4")
    assert probe_mp4(video)["frames"] == 241


@pytest.mark.parametrize(
    "change",
    [
        {"durationSec": 20},
        {"prompt": ""},
        {"width": 640, "height": 360},
        {"output": None},
        {"seed": "x"},
    ],
)
def test_invalid_input_fails_fast_with_invalid_input(worker_env, make_job, change):
    error = error_of(run_job(make_job(**change)))
    assert error["code"] == "invalid_input"
    assert error["message"].startswith("Invalid job input:")


def test_job_without_input_object(worker_env):
    assert error_of(run_job({"id": "x"}))["code"] == "invalid_input"


def test_unreachable_image_is_invalid_input(worker_env, make_job, s3):
    url = s3.generate_presigned_url("get_object", Params={"Bucket": BUCKET, "Key": "uploads/missing.png"})
    error = error_of(run_job(make_job(imageUrl=url)))
    assert error["code"] == "invalid_input" and "HTTP 404" in error["message"]


def test_oversized_image_is_refused(worker_env, make_job, s3):
    s3.put_object(Bucket=BUCKET, Key="uploads/big.png", Body=b"\0" * (10 * 1024 * 1024 + 1))
    url = s3.generate_presigned_url("get_object", Params={"Bucket": BUCKET, "Key": "uploads/big.png"})
    error = error_of(run_job(make_job(imageUrl=url)))
    assert error["code"] == "invalid_input" and "10 MB" in error["message"]


def test_missing_weights_are_reported(worker_env, make_job, monkeypatch, tmp_path):
    monkeypatch.setenv("WAN_PRESET", "ti2v-5b")
    monkeypatch.setenv("WAN_WEIGHTS_DIR", str(tmp_path / "no-weights-here"))
    error = error_of(run_job(make_job()))
    assert error["code"] == "weights_missing"
    assert str(tmp_path / "no-weights-here") in error["message"]


def test_progress_updates_arrive_in_stage_order(worker_env, make_job):
    updates = []
    result = run_job(make_job(durationSec=10), sink=updates.append, progress_interval_sec=0)
    assert "error" not in result, result
    assert all(set(update) == {"stage", "progress", "etaSec"} for update in updates)
    stages = [update["stage"] for update in updates]
    assert stages[:2] == ["loading", "encoding_prompt"]
    assert stages[-2:] == ["muxing", "uploading"]
    assert stages.count("denoising") >= 2 and stages.count("decoding") >= 2
    order = ["loading", "encoding_prompt", "denoising", "decoding", "muxing", "uploading"]
    first_seen = sorted(set(stages), key=stages.index)
    assert first_seen == order
    progress = [update["progress"] for update in updates]
    assert progress == sorted(progress) and progress[0] >= 0 and progress[-1] < 1
    assert all(isinstance(update["etaSec"], int) for update in updates if update["stage"] == "denoising")


def test_cancel_stops_the_job_before_upload(worker_env, make_job, s3):
    updates = []
    job = make_job(durationSec=15)
    result = run_job(
        job,
        sink=updates.append,
        progress_interval_sec=0,
        should_cancel=lambda: any(update["stage"] == "denoising" for update in updates),
    )
    assert error_of(result)["code"] == "canceled"
    assert [update["stage"] for update in updates].count("denoising") == 1
    assert "muxing" not in [update["stage"] for update in updates]
    assert job["input"]["output"]["videoKey"] not in keys_in_bucket(s3)


def test_upload_failure_is_an_internal_error(worker_env, make_job):
    job = make_job()
    job["input"]["output"]["bucket"] = "no-such-bucket"
    error = error_of(run_job(job))
    assert error["code"] == "internal" and "no-such-bucket" in error["message"]


def test_model_is_loaded_once_per_process(worker_env, make_job):
    run_job(make_job())
    loaded = handler_module.get_generator()
    assert handler_module.get_generator() is loaded
    run_job(make_job())
    assert handler_module.get_generator() is loaded
