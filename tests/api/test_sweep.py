"""The sweep: missed webhooks, lost and overdue jobs, lost dispatches and expiry."""

import datetime as dt

from shared.adapters import firestore_db
from shared.domain.clock import utcnow
from tests.api.flow import create_job, dispatch, dispatched, finish_on_gpu, job, sweep


def age(services, job_id, **changes):
    firestore_db.jobs(services.db).document(job_id).update(changes)


def test_sweep_settles_a_completed_job_whose_webhook_was_lost(api, services, runpod, make_user):
    user = make_user(credits=1)
    job_id, run = dispatched(api, services, runpod, user)
    finish_on_gpu(services, runpod, run)
    assert sweep(api, services)["active_done"] == 1
    assert job(api, user, job_id)["status"] == "done"


def test_sweep_retries_a_job_the_backend_lost_then_refunds_a_second_loss(api, services, runpod, make_user):
    user = make_user(credits=1)
    job_id, run = dispatched(api, services, runpod, user)
    runpod.forget(run["id"])  # a restarted local runner, or RunPod's 30 min retention passed
    assert sweep(api, services)["active_retried"] == 1
    view = job(api, user, job_id)
    assert (view["status"], view["stage"], view["attempt"]) == ("queued", "retrying", 2)
    assert services.queue.job_ids[-1] == job_id  # the retry's dispatch is enqueued at once
    assert dispatch(api, services, job_id).json["outcome"] == "dispatched"
    retry = runpod.runs[-1]
    assert retry["id"] != run["id"] and retry["input"] == run["input"]  # the same job id, seed and output keys
    runpod.forget(retry["id"])
    assert sweep(api, services)["active_failed"] == 1
    view = job(api, user, job_id)
    assert view["status"] == "failed" and view["error"]["code"] == "lost" and "retried" in view["error"]["message"]
    assert view["creditsRefunded"] == 1 and view["attempt"] == 2


def test_sweep_times_out_overdue_jobs_and_cancels_them(api, services, runpod, make_user):
    user = make_user(credits=1)
    job_id, run = dispatched(api, services, runpod, user)
    runpod.set(run["id"], "IN_PROGRESS", output={"stage": "denoising", "progress": 0.5})
    assert sweep(api, services)["active_running"] == 1
    age(services, job_id, deadlineAt=utcnow() - dt.timedelta(seconds=1))
    assert sweep(api, services)["active_failed"] == 1
    assert runpod.cancels == [run["id"]]
    assert job(api, user, job_id)["error"]["code"] == "timed_out"


def test_sweep_times_out_when_the_backend_is_unreachable(api, services, runpod, make_user):
    user = make_user(credits=1)
    job_id, _ = dispatched(api, services, runpod, user)
    runpod.close()
    assert sweep(api, services)["active_unreachable"] == 1
    assert job(api, user, job_id)["status"] == "dispatched"
    age(services, job_id, deadlineAt=utcnow() - dt.timedelta(seconds=1))
    assert sweep(api, services)["active_failed"] == 1


def test_sweep_redispatches_and_finally_fails_stale_queued_jobs(api, services, make_user):
    user = make_user(credits=2)
    fresh, stale = create_job(api, user), create_job(api, user)
    services.queue.job_ids.clear()
    age(services, stale, createdAt=utcnow() - dt.timedelta(minutes=5))
    assert sweep(api, services)["queued_redispatched"] == 1
    assert services.queue.job_ids == [stale]
    age(services, stale, createdAt=utcnow() - dt.timedelta(hours=1))
    sweep(api, services)
    assert job(api, user, stale)["error"]["code"] == "not_started"
    assert job(api, user, fresh)["status"] == "queued"


def test_sweep_expires_videos_after_a_day(api, services, runpod, make_user):
    user = make_user(credits=1)
    job_id, run = dispatched(api, services, runpod, user)
    finish_on_gpu(services, runpod, run)
    sweep(api, services)
    assert sweep(api, services)["expired"] == 0
    age(services, job_id, expiresAt=utcnow() - dt.timedelta(seconds=1))
    assert sweep(api, services)["expired"] == 1
    view = job(api, user, job_id)
    assert view["status"] == "expired" and "videoUrl" not in view
    assert services.objects.stat(run["input"]["output"]["videoKey"]) is None
    assert sweep(api, services)["expired"] == 0
