"""Job input validation: good input parses, bad input names the field."""

import pytest

from shared.domain import contract
from worker.errors import InvalidInput
from worker.schema import parse_job_input

GOOD = {
    "jobId": "job-1",
    "prompt": "  a red kite  ",
    "negativePrompt": "",
    "durationSec": 10,
    "seed": 7,
    "width": 704,
    "height": 1280,
    "fps": 24,
    "output": {"bucket": "b", "videoKey": "videos/job-1.mp4", "posterKey": "posters/job-1.jpg"},
}


def test_good_input_parses_and_normalises():
    job = parse_job_input(dict(GOOD, imageUrl="https://r2.example/in.png?X-Amz-Signature=abc"))
    assert job.prompt == "a red kite"
    assert (job.width, job.height, job.durationSec) == (704, 1280, 10)
    assert job.imageUrl.endswith("X-Amz-Signature=abc")
    assert job.output.videoKey == "videos/job-1.mp4"


def test_empty_optional_fields_mean_absent():
    job = parse_job_input(dict(GOOD, imageUrl="", negativePrompt=None))
    assert job.imageUrl is None and job.negativePrompt is None


@pytest.mark.parametrize(
    "change, field",
    [
        ({"durationSec": 7}, "durationSec"),
        ({"durationSec": "5"}, "durationSec"),
        ({"prompt": "   "}, "prompt"),
        ({"prompt": "x" * (contract.PROMPT_MAX_CHARS + 1)}, "prompt"),
        ({"negativePrompt": "x" * (contract.NEGATIVE_PROMPT_MAX_CHARS + 1)}, "negativePrompt"),
        ({"seed": contract.MIN_SEED - 1}, "seed"),
        ({"seed": contract.MAX_SEED + 1}, "seed"),
        ({"seed": "12"}, "seed"),
        ({"width": 1920, "height": 1080}, "width x height"),
        ({"fps": 0}, "fps"),
        ({"fps": contract.FPS + 6}, "fps"),
        ({"durationSec": True}, "durationSec"),
        ({"imageUrl": "file:///etc/passwd"}, "imageUrl"),
        ({"output": {"bucket": "b", "videoKey": "v"}}, "output.posterKey"),
        ({"jobId": None}, "jobId"),
    ],
)
def test_bad_input_is_rejected_with_the_field_named(change, field):
    with pytest.raises(InvalidInput) as caught:
        parse_job_input(dict(GOOD, **change))
    assert caught.value.code == "invalid_input"
    assert field in caught.value.message


def test_missing_input_object():
    with pytest.raises(InvalidInput, match="JSON object"):
        parse_job_input(None)
