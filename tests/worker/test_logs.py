"""The worker's logs: JSON lines, with one line per rendered job that says where its seconds went."""

import json

from tests.worker.test_local_exec import run

STAGES = {"loading", "encoding_prompt", "denoising", "decoding", "muxing", "uploading"}


def json_lines(text: str) -> list[dict]:
    """The log lines that are JSON objects (libraries may print other things on stderr)."""
    lines = []
    for line in text.splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict):
            lines.append(entry)
    return lines


def test_a_rendered_job_logs_one_json_line_with_each_stages_seconds(worker_env, make_job, s3):
    job = make_job(durationSec=5)
    returncode, stdout, stderr = run(job)
    assert returncode == 0, stderr
    output = json.loads(stdout.splitlines()[-1])["output"]

    timings = [line for line in json_lines(stderr) if line["message"] == "job timings"]
    assert len(timings) == 1, stderr
    line = timings[0]
    assert (line["severity"], line["logger"], line["jobId"]) == ("INFO", "worker.timings", job["input"]["jobId"])
    assert (line["durationSec"], line["frames"], line["width"], line["height"]) == (5, 121, 64, 32)
    assert set(line["stages"]) == STAGES
    assert line["stages"] == {stage: seconds for stage, seconds in output["timings"].items() if stage != "total"}
    assert line["totalSec"] == output["timings"]["total"] >= sum(line["stages"].values()) > 0


def test_a_failed_job_logs_its_code_as_json_and_no_timings(worker_env, make_job):
    job = make_job(durationSec=3)
    returncode, _, stderr = run(job)
    assert returncode == 0
    lines = json_lines(stderr)
    failed = [line for line in lines if line.get("code") == "invalid_input"]
    assert failed and failed[0]["severity"] == "WARNING" and failed[0]["jobId"] == job["input"]["jobId"]
    assert not [line for line in lines if line["message"] == "job timings"]
