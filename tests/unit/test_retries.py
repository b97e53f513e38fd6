"""Retry or refund: the rule (shared/domain/retries.py) and how the lifecycle applies it, over the in-memory store."""

from __future__ import annotations

import datetime as dt

import pytest

from shared.domain.clock import utcnow
from shared.domain.jobs import JobStatus, failure
from shared.domain.requests import CreateJobRequest
from shared.domain.retries import INFRASTRUCTURE_FAILURES, MAX_RENDER_ATTEMPTS, Decision, final_failure, retry_or_refund
from tests.unit.invariants import check_ledger
from tests.unit.test_job_rules import NOW, job

REQUEST = CreateJobRequest(prompt="a red kite", durationSec=5, seed=42)
JOB_OWN_FAILURES = ("invalid_input", "out_of_memory", "bad_output", "internal", "weights_missing")


@pytest.mark.parametrize("code", sorted(INFRASTRUCTURE_FAILURES))
@pytest.mark.parametrize("status", [JobStatus.DISPATCHED, JobStatus.RUNNING])
def test_an_infrastructure_loss_on_the_gpu_is_retried_once(code, status):
    assert retry_or_refund(job(status, backend_id="b"), code) == Decision.RETRY
    assert retry_or_refund(job(status, backend_id="b", attempt=MAX_RENDER_ATTEMPTS), code) == Decision.REFUND


@pytest.mark.parametrize("code", JOB_OWN_FAILURES)
def test_a_failure_of_the_jobs_own_making_is_refunded_at_once(code):
    assert retry_or_refund(job(JobStatus.RUNNING, backend_id="b"), code) == Decision.REFUND


@pytest.mark.parametrize("status", [s for s in JobStatus if s not in (JobStatus.DISPATCHED, JobStatus.RUNNING)])
def test_a_job_off_the_gpu_is_never_retried(status):
    assert retry_or_refund(job(status), "lost") == Decision.REFUND


def test_the_retry_is_a_fresh_execution_of_the_same_render():
    running = job(JobStatus.RUNNING, backend_id="b", progress=0.6, stage="denoising", started_at=NOW, eta_sec=30)
    retried = running.retry(failure("lost"), NOW + dt.timedelta(minutes=3))
    assert (retried.status, retried.stage, retried.attempt, retried.progress) == ("queued", "retrying", 2, 0.0)
    assert (retried.backend_id, retried.started_at, retried.eta_sec, retried.dispatch_attempts) == (None, None, None, 0)
    assert retried.seed == running.seed and retried.video_key == running.video_key and not retried.refunded
    assert retried.in_queue_since == NOW + dt.timedelta(minutes=3) and retried.retried_for["code"] == "lost"
    assert {"attempt", "stage", "backendId", "queuedAt"} <= set(retried.document())


def test_the_final_error_says_a_retry_was_made():
    lost = failure("lost")
    assert final_failure(job(JobStatus.RUNNING), lost) == lost
    retried = final_failure(job(JobStatus.RUNNING, attempt=2), lost)
    assert (
        retried["code"] == "lost" and retried["message"].startswith(lost["message"]) and "retried" in retried["message"]
    )


@pytest.fixture
def funded(app):
    app.credits.grant("u1", "grant:u1:test", "grant", 5, reason="test")
    yield app
    check_ledger(app.store)


def on_gpu(app) -> str:
    job_id = app.jobs.create("u1", REQUEST).jobId
    app.lifecycle.dispatch(job_id)
    return job_id


def test_a_lost_render_comes_back_and_is_charged_once(funded):
    job_id = on_gpu(funded)
    first = funded.store.job(job_id)
    funded.gpu.report(first.backend_id, "TIMED_OUT")
    assert funded.lifecycle.reconcile(first, enforce_deadline=True) == "retried"
    assert funded.lifecycle.dispatch(job_id) == "dispatched"
    second = funded.store.job(job_id)
    assert second.attempt == 2 and second.backend_id != first.backend_id
    assert funded.gpu.inputs[second.backend_id] == funded.gpu.inputs[first.backend_id]  # same id, seed, output keys
    # The first execution's late word changes nothing: it is no longer the job's execution.
    funded.objects.put(second.video_key, content_type="video/mp4")
    funded.gpu.report(first.backend_id, "COMPLETED", output={"videoKey": second.video_key})
    assert funded.lifecycle.reconcile(first, enforce_deadline=False) == "unchanged"
    funded.gpu.forget(first.backend_id)
    assert funded.lifecycle.end_execution(job_id, first.backend_id, failure("lost")) == "unchanged"
    funded.gpu.report(second.backend_id, "COMPLETED", output={"videoKey": second.video_key, "gpuSeconds": 40})
    assert funded.lifecycle.reconcile(second, enforce_deadline=False) == "done"
    ledger = funded.store.state.ledgers["u1"]
    assert sorted(entry.kind for entry in ledger.values()) == ["grant", "reserve", "settle"]
    assert funded.store.account("u1").credits == 4
    view = funded.jobs.view(funded.store.job(job_id))
    assert (view.status, view.attempt) == ("done", 2)


def test_a_retried_job_waits_in_the_queue_from_its_retry(funded):
    job_id = on_gpu(funded)
    job = funded.store.job(job_id)
    funded.store.state.jobs[job_id] = job.model_copy(update={"created_at": utcnow() - dt.timedelta(minutes=29)})
    funded.gpu.forget(job.backend_id)
    assert funded.lifecycle.reconcile(funded.store.job(job_id), enforce_deadline=True) == "retried"
    funded.store.state.jobs[job_id] = funded.store.job(job_id).model_copy(
        update={"created_at": utcnow() - dt.timedelta(hours=1)}
    )
    counts = funded.sweeper.run()
    assert counts.get("queued_failed", 0) == 0 and funded.store.job(job_id).status == JobStatus.QUEUED


def test_the_webhook_of_the_replaced_execution_is_answered_and_changes_nothing(funded):
    job_id = on_gpu(funded)
    first = funded.store.job(job_id)
    token = funded.lifecycle.webhook_url(job_id, 600).split("token=")[1]
    funded.gpu.report(first.backend_id, "TIMED_OUT")
    assert funded.lifecycle.on_webhook(token, {"id": first.backend_id, "status": "TIMED_OUT"}) == "retried"
    funded.lifecycle.dispatch(job_id)
    # RunPod sends a webhook again when its first try got no answer: the replaced execution's word is ignored.
    assert funded.lifecycle.on_webhook(token, {"id": first.backend_id, "status": "TIMED_OUT"}) == "unchanged"
    current = funded.store.job(job_id)
    assert (current.status, current.attempt, current.refunded) == ("dispatched", 2, False)
