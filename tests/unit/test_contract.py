"""The API and the worker agree on what a job may be: both bounded by shared/domain/contract.py.

For a create request, the API's `CreateJobRequest` accepts it exactly when the worker's `parse_job_input`
accepts the job input the dispatcher would send for it, built the way the API builds it (the clip size of the
aspect ratio and the contract's fps stored on the job, then the lifecycle's `worker_input` adding an output
target). No emulator, no model: pure validation.
"""

from typing import get_args

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from shared.domain import contract
from shared.domain.requests import AspectRatio, CreateJobRequest, Duration
from worker.errors import InvalidInput
from worker.schema import parse_job_input

ABSENT = object()  # a field the request leaves out
OUTPUT = {"bucket": "outputs", "videoKey": "videos/job-1.mp4", "posterKey": "posters/job-1.jpg"}
# Sizes no aspect ratio maps to: what a request with an unknown aspect ratio is paired with on the worker side.
OFF_CONTRACT_SIZES = [(1280, 720), (1920, 1080), (704, 704), (1280, 1280), (640, 352), (0, 0), (-1280, -704)]

WHITESPACE = st.sampled_from(["", " ", "  ", "\t", "\n", " \r\n\t ", "\u3000", "\xa0"])


def _lengths(cap: int) -> st.SearchStrategy[int]:
    near = [0, 1, 2, cap - 2, cap - 1, cap, cap + 1, cap + 2, 5000, 5001]
    return st.one_of(st.sampled_from(near), st.integers(0, cap + 50))


@st.composite
def _texts(draw, cap: int) -> str:
    """Text around a length cap: a repeated short pattern (possibly all whitespace) with whitespace either side."""
    pattern = draw(st.text(st.sampled_from("ab é字🎬 \t"), min_size=1, max_size=4))
    length = draw(_lengths(cap))
    body = (pattern * (length // len(pattern) + 1))[:length]
    return draw(WHITESPACE) + body + draw(WHITESPACE)


SEEDS = st.one_of(
    st.sampled_from(
        [
            contract.MIN_SEED - 1,
            contract.MIN_SEED,
            contract.MIN_SEED + 1,
            contract.MAX_SEED - 1,
            contract.MAX_SEED,
            contract.MAX_SEED + 1,
            2**32,
            2**53 + 1,
            2**63 - 1,
            2**63,
            2**64,
            -(2**31),
            -(2**63),
        ]
    ),
    st.integers(),
    st.integers(contract.MIN_SEED, contract.MAX_SEED),
    st.sampled_from([None, ABSENT, True, False, 7.0, "12"]),
)
DURATIONS = st.one_of(
    st.sampled_from(contract.DURATIONS_SEC),
    st.sampled_from([0, -5, 1, 4, 6, 7, 20, 30, 60, 5.0, 10.5, True, "5", None, ABSENT]),
    st.integers(-100, 100),
)
ASPECT_RATIOS = st.one_of(
    st.sampled_from(contract.ASPECT_RATIOS),
    st.sampled_from(["4:3", "1:1", "", "16:10", "16/9", " 16:9", "9:16 ", "16:9:1", ABSENT]),
)


def _case(body: dict, seed_drawn: int = contract.MAX_SEED, off_size: tuple[int, int] = OFF_CONTRACT_SIZES[0]):
    """A request body and the worker input the API would send for it, built from the same (unstripped) values."""
    body = {key: value for key, value in body.items() if value is not ABSENT}
    aspect = body.get("aspectRatio", contract.DEFAULT_ASPECT_RATIO)
    width, height = contract.CLIP_SIZES.get(aspect, off_size) if isinstance(aspect, str) else off_size
    seed = body.get("seed")
    job_input = {
        "jobId": "job-1",
        "prompt": body.get("prompt"),
        "negativePrompt": body.get("negativePrompt") or "",
        "durationSec": body.get("durationSec"),
        "seed": seed_drawn if seed is None else seed,  # no seed: the API draws one in the contract's range
        "width": width,
        "height": height,
        "fps": contract.FPS,
        "output": OUTPUT,
    }
    return body, job_input


@st.composite
def cases(draw):
    body = {
        "prompt": draw(st.one_of(_texts(contract.PROMPT_MAX_CHARS), st.sampled_from([ABSENT, None]))),
        "negativePrompt": draw(st.one_of(_texts(contract.NEGATIVE_PROMPT_MAX_CHARS), st.sampled_from([ABSENT, None]))),
        "durationSec": draw(DURATIONS),
        "seed": draw(SEEDS),
        "aspectRatio": draw(ASPECT_RATIOS),
    }
    return _case(
        body,
        seed_drawn=draw(st.integers(contract.MIN_SEED, contract.MAX_SEED)),
        off_size=draw(st.sampled_from(OFF_CONTRACT_SIZES)),
    )


def _api(body: dict) -> CreateJobRequest | None:
    try:
        return CreateJobRequest.model_validate(body)
    except ValidationError:
        return None


def _worker(job_input: dict):
    try:
        return parse_job_input(job_input)
    except InvalidInput:
        return None


GOOD = {"prompt": "a red kite", "durationSec": contract.DURATIONS_SEC[0], "seed": 7}
EDGES = [
    dict(GOOD, seed=contract.MAX_SEED),
    dict(GOOD, seed=contract.MAX_SEED + 1),
    dict(GOOD, seed=contract.MIN_SEED - 1),
    dict(GOOD, seed=2**63 - 1),
    dict(GOOD, prompt="x" * contract.PROMPT_MAX_CHARS),
    dict(GOOD, prompt=" " + "x" * contract.PROMPT_MAX_CHARS + "\n"),
    dict(GOOD, prompt="x" * (contract.PROMPT_MAX_CHARS + 1)),
    dict(GOOD, prompt="x" * 5000),
    dict(GOOD, prompt=" \t "),
    dict(GOOD, prompt=""),
    dict(GOOD, negativePrompt="x" * contract.NEGATIVE_PROMPT_MAX_CHARS),
    dict(GOOD, negativePrompt="x" * (contract.NEGATIVE_PROMPT_MAX_CHARS + 1)),
    dict(GOOD, negativePrompt="   "),
    dict(GOOD, durationSec=contract.DURATIONS_SEC[-1] + 5),
    dict(GOOD, aspectRatio="4:3"),
]


def _with_examples(test):
    for body in EDGES:
        test = example(case=_case(body))(test)
    return test


@_with_examples
@given(case=cases())
@settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
def test_api_accepts_exactly_what_the_worker_accepts(case):
    body, job_input = case
    request, job = _api(body), _worker(job_input)
    assert (request is not None) == (job is not None), (body, job_input)
    if request is None:
        return
    # What the dispatcher really sends: the API's normalised values, as stored on the job.
    stored = _case(request.model_dump(), seed_drawn=job_input["seed"])[1]
    from_stored = _worker(stored)
    assert from_stored is not None, stored
    assert (from_stored.prompt, from_stored.negativePrompt or None) == (request.prompt, request.negativePrompt or None)
    assert (from_stored.durationSec, from_stored.seed) == (request.durationSec, job_input["seed"])
    assert (job.prompt, job.durationSec) == (request.prompt, request.durationSec)


@pytest.mark.parametrize("body", EDGES, ids=range(len(EDGES)))
def test_the_edges_land_on_the_contract_side_they_should(body):
    """Guards the property against both sides rejecting everything: the limits themselves are accepted."""
    accepted = _api(body) is not None
    assert accepted == (_worker(_case(body)[1]) is not None)
    within = (
        contract.MIN_SEED <= body["seed"] <= contract.MAX_SEED
        and 0 < len(body["prompt"].strip()) <= contract.PROMPT_MAX_CHARS
        and len(body.get("negativePrompt", "").strip()) <= contract.NEGATIVE_PROMPT_MAX_CHARS
        and body["durationSec"] in contract.DURATIONS_SEC
        and body.get("aspectRatio", contract.DEFAULT_ASPECT_RATIO) in contract.CLIP_SIZES
    )
    assert accepted == within


@given(
    size=st.one_of(
        st.sampled_from(list(contract.CLIP_SIZES.values())),
        st.sampled_from([(h, w) for w, h in contract.CLIP_SIZES.values()] + OFF_CONTRACT_SIZES),
        st.tuples(st.integers(-10, 5000), st.integers(-10, 5000)),
    )
)
@settings(max_examples=100, deadline=None, database=None)
def test_the_worker_renders_exactly_the_sizes_of_the_aspect_ratios(size):
    width, height = size
    sold = {contract.CLIP_SIZES[aspect] for aspect in get_args(AspectRatio)}
    job_input = _case(GOOD)[1] | {"width": width, "height": height}
    assert (_worker(job_input) is not None) == (size in sold)


def test_the_request_literals_are_the_contract():
    assert get_args(AspectRatio) == tuple(contract.CLIP_SIZES) == contract.ASPECT_RATIOS
    assert get_args(Duration) == contract.DURATIONS_SEC
    assert contract.DEFAULT_ASPECT_RATIO in get_args(AspectRatio)
