"""The job services over the in-memory store: create, cancel, dispatch, GPU reports and the sweep."""

from __future__ import annotations

import datetime as dt

import pytest

from shared.domain import errors
from shared.domain.jobs import MAX_DISPATCH_ATTEMPTS, JobStatus
from shared.domain.requests import CreateJobRequest
from tests.unit.invariants import check_ledger

REQUEST = CreateJobRequest(prompt="a red kite", durationSec=10, seed=42)


@pytest.fixture
def funded(app):
    app.credits.grant("u1", "grant:u1:test", "grant", 5, reason="test")
    yield app
    check_ledger(app.store)


def test_create_reserves_queues_and_answers_once_per_key(funded):
    answer = funded.jobs.create("u1", REQUEST, "key-1")
    assert (answer.status, answer.creditsReserved, answer.creditsRemaining) == ("queued", 2, 3)
    assert funded.jobs.create("u1", REQUEST, "key-1") == answer  # the retry is the same job, charged once
    assert funded.store.account("u1").credits == 3 and funded.queue.job_ids == [answer.jobId, answer.jobId]
    with pytest.raises(errors.Conflict, match="different request"):
        funded.jobs.create("u1", REQUEST.model_copy(update={"seed": 1}), "key-1")
    job = funded.store.job(answer.jobId)
    assert (job.width, job.height, job.fps, job.seed, job.video_key) == (1280, 704, 24, 42, f"videos/u1/{job.id}.mp4")
    assert funded.jobs.view(job).queuePosition == 1


def test_create_refuses_bad_keys_and_images_that_are_not_the_callers(funded):
    with pytest.raises(errors.InvalidArgument) as bad_key:
        funded.jobs.create("u1", REQUEST, "no spaces allowed")
    assert bad_key.value.field == "Idempotency-Key"
    funded.objects.put("uploads/u2/theirs.png")
    for key in ("uploads/u2/theirs.png", "uploads/u1/missing.png"):
        with pytest.raises(errors.InvalidArgument) as bad_image:
            funded.jobs.create("u1", REQUEST.model_copy(update={"imageKey": key}))
        assert bad_image.value.field == "imageKey"
    assert funded.store.account("u1").credits == 5  # nothing was charged


def test_cancel_refunds_once_and_stops_the_gpu(funded):
    job_id = funded.jobs.create("u1", REQUEST).jobId
    assert funded.lifecycle.dispatch(job_id) == "dispatched"
    backend_id = funded.store.job(job_id).backend_id
    view = funded.jobs.cancel("u1", job_id)
    assert (view.status, view.creditsRefunded, view.creditsUsed) == ("canceled", 2, 0)
    assert funded.jobs.cancel("u1", job_id).status == "canceled"  # a repeat is a no-op
    assert funded.gpu.canceled == [backend_id] and funded.store.account("u1").credits == 5
    with pytest.raises(errors.NotFound):
        funded.jobs.cancel("someone-else", job_id)


def test_a_completed_render_settles_and_gets_its_urls(funded):
    job_id = funded.jobs.create("u1", REQUEST).jobId
    funded.lifecycle.dispatch(job_id)
    job = funded.store.job(job_id)
    assert funded.gpu.inputs[job.backend_id]["seed"] == 42
    funded.objects.put(job.video_key, content_type="video/mp4")
    funded.gpu.report(job.backend_id, "COMPLETED", output={"videoKey": job.video_key, "frames": 241})
    assert funded.lifecycle.reconcile(job, enforce_deadline=False) == "done"
    assert funded.lifecycle.reconcile(job, enforce_deadline=False) == "unchanged"  # a repeated webhook
    view = funded.jobs.view(funded.store.job(job_id))
    assert view.status == "done" and view.creditsUsed == 2 and view.videoUrl and view.downloadUrl
    assert funded.store.account("u1").reserved == 0


def test_output_without_the_video_fails_and_refunds(funded):
    job_id = funded.jobs.create("u1", REQUEST).jobId
    funded.lifecycle.dispatch(job_id)
    job = funded.store.job(job_id)
    funded.gpu.report(job.backend_id, "COMPLETED", output={"videoKey": job.video_key})
    assert funded.lifecycle.reconcile(job, enforce_deadline=False) == "failed"
    assert funded.store.job(job_id).error["code"] == "bad_output" and funded.store.account("u1").credits == 5


def test_worker_errors_fail_at_once_and_a_lost_execution_is_retried_once(funded):
    first, second = (funded.jobs.create("u1", REQUEST).jobId for _ in range(2))
    for job_id in (first, second):
        funded.lifecycle.dispatch(job_id)
    one = funded.store.job(first)
    funded.gpu.report(one.backend_id, "FAILED", error='{"code": "invalid_input", "message": "bad image"}')
    assert funded.lifecycle.reconcile(one, enforce_deadline=False) == "failed"
    assert funded.store.job(first).error == {"code": "invalid_input", "message": "bad image"}
    two = funded.store.job(second)
    funded.gpu.forget(two.backend_id)
    assert funded.lifecycle.reconcile(two, enforce_deadline=False) == "retried"
    retried = funded.store.job(second)
    assert (retried.status, retried.stage, retried.attempt, retried.backend_id) == ("queued", "retrying", 2, None)
    assert funded.queue.job_ids[-1] == second  # dispatched again at once
    funded.lifecycle.dispatch(second)
    again = funded.store.job(second)
    assert again.backend_id not in (None, two.backend_id) and again.seed == two.seed
    funded.gpu.forget(again.backend_id)
    assert funded.lifecycle.reconcile(again, enforce_deadline=False) == "failed"
    error = funded.store.job(second).error
    assert error["code"] == "lost" and "retried once" in error["message"]
    assert funded.store.account("u1").credits == 5  # both refunded, each once


def test_dispatch_retries_an_unavailable_backend_then_gives_up(funded, monkeypatch):
    job_id = funded.jobs.create("u1", REQUEST).jobId

    def unavailable(*args, **kwargs):
        raise errors.Unavailable("down")

    monkeypatch.setattr(funded.gpu, "run", unavailable)
    for _ in range(MAX_DISPATCH_ATTEMPTS - 1):
        with pytest.raises(errors.Unavailable):
            funded.lifecycle.dispatch(job_id)
        assert funded.store.job(job_id).dispatch_lease_until is None  # released for the next try
    assert funded.lifecycle.dispatch(job_id) == "failed"
    assert funded.store.job(job_id).error["code"] == "dispatch_failed"
    assert funded.lifecycle.dispatch(job_id) == "skipped"


def test_the_sweep_fails_stale_queued_jobs_and_expires_old_videos(funded):
    stale = funded.jobs.create("u1", REQUEST).jobId
    done = funded.jobs.create("u1", REQUEST.model_copy(update={"durationSec": 5})).jobId
    funded.lifecycle.dispatch(done)
    job = funded.store.job(done)
    funded.objects.put(job.video_key)
    funded.objects.put(job.poster_key)
    funded.gpu.report(job.backend_id, "COMPLETED", output={"videoKey": job.video_key})
    funded.lifecycle.reconcile(job, enforce_deadline=False)
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=2)
    for job_id, changes in ((stale, {"created_at": long_ago}), (done, {"expires_at": long_ago})):
        funded.store.state.jobs[job_id] = funded.store.state.jobs[job_id].model_copy(update=changes)
    counts = funded.sweeper.run()
    assert counts["queued_failed"] == 1 and counts["expired"] == 1
    assert funded.store.job(stale).status == JobStatus.FAILED and funded.store.job(done).status == JobStatus.EXPIRED
    assert funded.objects.stat(job.video_key) is None and funded.objects.stat(job.poster_key) is None
    assert funded.store.account("u1").credits == 4  # the failed one refunded, the done one spent


def test_the_webhook_token_names_the_job_and_status_decides(funded):
    job_id = funded.jobs.create("u1", REQUEST).jobId
    funded.lifecycle.dispatch(job_id)
    job = funded.store.job(job_id)
    token = funded.lifecycle.webhook_url(job_id, 600).split("token=")[1]
    with pytest.raises(errors.Forbidden):
        funded.lifecycle.on_webhook(token, {"id": "another-execution"})
    with pytest.raises(errors.Unauthenticated):
        funded.lifecycle.on_webhook("forged", {})
    funded.gpu.report(job.backend_id, "IN_PROGRESS", output={"progress": 0.4, "stage": "denoising"})
    assert funded.lifecycle.on_webhook(token, {"id": job.backend_id}) == "running"
    assert funded.store.job(job_id).status == JobStatus.RUNNING and funded.store.job(job_id).progress == 0.4


def test_viewers_of_a_job_waiting_for_a_gpu_ask_the_backend_at_most_every_few_seconds(funded, monkeypatch):
    job_id = funded.jobs.create("u1", REQUEST).jobId
    funded.lifecycle.dispatch(job_id)
    job = funded.store.job(job_id)
    dispatched_long_ago = job.model_copy(update={"dispatched_at": job.dispatched_at - dt.timedelta(minutes=1)})
    funded.store.state.jobs[job_id] = dispatched_long_ago
    asked = []
    status = funded.gpu.status
    monkeypatch.setattr(funded.gpu, "status", lambda backend_id: asked.append(backend_id) or status(backend_id))
    for _ in range(5):  # IN_QUEUE at the backend: nothing is written to the job
        assert funded.lifecycle.refresh(funded.store.job(job_id)).status == JobStatus.DISPATCHED
    assert asked == [job.backend_id]
