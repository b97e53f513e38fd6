"""The job state machine: one table of moves, and transitions that turn late or repeated events into no-ops."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from shared.domain import errors
from shared.domain.jobs import (
    DISPATCH_LEASE,
    ON_GPU,
    TRANSITIONS,
    UNFINISHED,
    Job,
    JobStatus,
    can_move,
    execution_timeout_sec,
    failure,
)

NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)


def job(status: JobStatus = JobStatus.QUEUED, **fields: object) -> Job:
    base: dict[str, object] = {
        "id": "j1", "user_id": "u1", "status": status, "prompt": "p", "duration_sec": 5, "seed": 7,
        "credits": 1, "created_at": NOW, "video_key": "videos/u1/j1.mp4", "poster_key": "posters/u1/j1.jpg",
    }  # fmt: skip
    return Job(**(base | fields))


def test_the_table_is_the_documented_lifecycle():
    assert TRANSITIONS[JobStatus.QUEUED] == {JobStatus.DISPATCHED, JobStatus.FAILED, JobStatus.CANCELED}
    assert TRANSITIONS[JobStatus.DONE] == {JobStatus.EXPIRED}
    for finished in (JobStatus.EXPIRED, JobStatus.FAILED, JobStatus.CANCELED):
        assert TRANSITIONS[finished] == frozenset()
    for status in UNFINISHED:  # any unfinished state can fail or be canceled
        assert {JobStatus.FAILED, JobStatus.CANCELED} <= TRANSITIONS[status]
    allowed = {(a, b) for a, targets in TRANSITIONS.items() for b in targets}
    for a, b in itertools.product(JobStatus, JobStatus):
        assert can_move(a, b) == ((a, b) in allowed)


@pytest.mark.parametrize("status", list(JobStatus))
def test_fail_refunds_only_unfinished_jobs(status):
    failed = job(status, backend_id="b").fail(failure("lost"), NOW)
    if status in UNFINISHED:
        assert failed is not None and failed.status == JobStatus.FAILED and failed.refunded
        assert failed.error == {"code": "lost", "message": "The GPU worker lost track of this render."}
    else:
        assert failed is None


@pytest.mark.parametrize("status", list(JobStatus))
def test_complete_needs_the_current_execution_on_the_gpu(status):
    done = job(status, backend_id="b").complete("b", {"frames": 121}, NOW, dt.timedelta(hours=24))
    assert (done is not None) == (status in ON_GPU)
    if done:
        assert done.status == JobStatus.DONE and done.expires_at == NOW + dt.timedelta(hours=24)
        assert done.frames == 121 and done.progress == 1.0 and done.eta_sec is None
    assert job(JobStatus.RUNNING, backend_id="old").complete("new", {}, NOW, dt.timedelta(hours=1)) is None


def test_cancel_refuses_a_finished_job_with_a_sentence():
    with pytest.raises(errors.Conflict, match="already done"):
        job(JobStatus.DONE).cancel(NOW)
    canceled = job(JobStatus.RUNNING).cancel(NOW)
    assert canceled.status == JobStatus.CANCELED and canceled.refunded and canceled.finished_at == NOW


def test_progress_moves_dispatched_to_running_and_never_goes_back():
    running = job(JobStatus.DISPATCHED, backend_id="b").record_progress("b", {"progress": 0.6, "stage": "x"}, NOW)
    assert running is not None and running.status == JobStatus.RUNNING and running.started_at == NOW
    assert running.progress == 0.6 and running.stage == "x"
    later = running.record_progress("b", {"progress": 0.2, "etaSec": 9.7}, NOW)
    assert later is not None and later.progress == 0.6 and later.eta_sec == 9
    assert running.record_progress("other", {"progress": 1}, NOW) is None
    assert running.record_progress("b", {"progress": True}, NOW).progress == 0.6  # a bool is not a number


def test_one_dispatcher_holds_the_lease():
    leased = job().take_dispatch_lease(NOW)
    assert leased is not None and leased.dispatch_lease_until == NOW + DISPATCH_LEASE
    assert leased.dispatch_attempts == 1
    with pytest.raises(errors.Unavailable):
        leased.take_dispatch_lease(NOW + dt.timedelta(seconds=1))
    assert leased.take_dispatch_lease(NOW + DISPATCH_LEASE + dt.timedelta(seconds=1)) is not None
    assert job(JobStatus.CANCELED).take_dispatch_lease(NOW) is None


def test_dispatched_jobs_get_a_deadline_from_the_clip_length():
    dispatched = job(duration_sec=15).mark_dispatched("b", NOW)
    assert dispatched is not None and dispatched.backend_id == "b" and dispatched.dispatch_lease_until is None
    assert dispatched.deadline_at == NOW + dt.timedelta(minutes=10, seconds=execution_timeout_sec(15))
    assert execution_timeout_sec(5) < execution_timeout_sec(10) < execution_timeout_sec(15)
    assert job(JobStatus.CANCELED).mark_dispatched("b", NOW) is None


def test_only_done_videos_expire():
    assert job(JobStatus.DONE).expire(NOW).status == JobStatus.EXPIRED
    assert job(JobStatus.FAILED).expire(NOW) is None


def test_the_document_keeps_the_stored_keys_and_writes_back_cleared_values():
    stored = {"userId": "u1", "status": "running", "prompt": "p", "durationSec": 5, "seed": 1, "credits": 1,
              "createdAt": NOW, "etaSec": 12, "someFutureField": "kept"}  # fmt: skip
    loaded = Job.from_document("j1", stored)
    assert loaded.user_id == "u1" and loaded.eta_sec == 12
    done = loaded.model_copy(update={"backend_id": "b"}).complete("b", {}, NOW, dt.timedelta(hours=1))
    assert done is not None
    document = done.document()
    assert document["etaSec"] is None and document["someFutureField"] == "kept" and document["status"] == "done"
    assert "id" not in document and "negativePrompt" not in document  # never stored, so not written
