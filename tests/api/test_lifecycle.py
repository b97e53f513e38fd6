"""Dispatch → GPU → webhook → settle or refund, with the GPU backend's /status as the only truth."""

import datetime as dt

import requests

from shared.log_events import LogEvent
from tests.api.flow import create_job, dispatch, dispatched, finish_on_gpu, job, token_of, webhook
from tests.log_lines import LogLines


def balance(api, user):
    return api.get("/api/credits", user).json


def test_dispatch_sends_the_worker_contract_without_secrets(api, services, runpod, make_user):
    user = make_user(credits=3)
    job_id, run = dispatched(api, services, runpod, user, duration=10)
    job_input = run["input"]
    assert set(job_input) == {
        "jobId",
        "prompt",
        "negativePrompt",
        "durationSec",
        "seed",
        "width",
        "height",
        "fps",
        "output",
    }
    assert (job_input["width"], job_input["height"], job_input["fps"], job_input["durationSec"]) == (1280, 704, 24, 10)
    assert job_input["output"]["videoKey"] == f"videos/{user.uid}/{job_id}.mp4"
    flat = str(run)
    for secret in (services.settings.s3_secret_access_key, services.settings.webhook_token_secret, runpod.api_key):
        assert secret not in str(job_input)
    assert run["policy"]["executionTimeout"] == 480_000
    assert run["webhook"].startswith(f"{services.settings.public_base_url}/api/webhooks/runpod?token=")
    assert "jobId" in flat
    assert job(api, user, job_id)["status"] == "dispatched"
    # A repeated task delivery does not start a second execution.
    assert dispatch(api, services, job_id).json["outcome"] == "skipped"
    assert len(runpod.runs) == 1


def test_done_settles_once_and_serves_the_video(api, services, runpod, make_user):
    user = make_user(credits=2)
    job_id, run = dispatched(api, services, runpod, user)
    runpod.set(run["id"], "IN_PROGRESS", output={"stage": "denoising", "progress": 0.4, "etaSec": 12})
    assert webhook(api, run).json["outcome"] == "running"
    view = job(api, user, job_id)
    assert (view["status"], view["stage"], view["progress"], view["etaSec"]) == ("running", "denoising", 0.4, 12)

    finish_on_gpu(services, runpod, run)
    for _ in range(3):  # RunPod sends a webhook up to three times
        assert webhook(api, run).status_code == 200
    view = job(api, user, job_id)
    assert view["status"] == "done" and view["progress"] == 1.0 and view["creditsUsed"] == 1
    assert (view["width"], view["height"]) == (640, 352)
    expires = dt.datetime.fromisoformat(view["expiresAt"]) - dt.datetime.fromisoformat(view["finishedAt"])
    assert expires == dt.timedelta(hours=24)
    assert requests.get(view["videoUrl"], timeout=10).content == b"mp4-bytes"
    assert requests.get(view["posterUrl"], timeout=10).content == b"jpg-bytes"
    saved = requests.get(view["downloadUrl"], timeout=10)
    assert saved.content == b"mp4-bytes"
    assert saved.headers["Content-Disposition"] == f'attachment; filename="cineweave-{job_id}.mp4"'
    assert balance(api, user) == {"credits": 1, "reserved": 0, "plan": None, "renewsAt": None}
    kinds = [e["kind"] for e in api.get("/api/credits/ledger", user).json["entries"]]
    assert kinds.count("settle") == 1 and "refund" not in kinds

    # A late failure report for a finished job changes nothing.
    runpod.set(run["id"], "FAILED", error='{"code": "internal", "message": "late"}')
    assert webhook(api, run).json["outcome"] == "unchanged"
    assert job(api, user, job_id)["status"] == "done"


def test_failure_refunds_with_the_workers_reason(api, services, runpod, make_user):
    user = make_user(credits=1)
    job_id, run = dispatched(api, services, runpod, user)
    runpod.set(run["id"], "FAILED", error='{"code": "out_of_memory", "message": "The GPU ran out of memory."}')
    webhook(api, run)
    webhook(api, run)
    view = job(api, user, job_id)
    assert view["status"] == "failed" and view["creditsRefunded"] == 1 and view["creditsUsed"] == 0
    assert view["error"] == {"code": "out_of_memory", "message": "The GPU ran out of memory."}
    assert balance(api, user)["credits"] == 1


def test_completed_without_output_object_is_refunded(api, services, runpod, make_user):
    user = make_user(credits=1)
    job_id, run = dispatched(api, services, runpod, user)
    runpod.set(run["id"], "COMPLETED", output={"videoKey": run["input"]["output"]["videoKey"]})
    webhook(api, run)
    assert job(api, user, job_id)["error"]["code"] == "bad_output"
    assert balance(api, user)["credits"] == 1


def test_forged_webhooks_change_nothing(api, services, runpod, make_user):
    user = make_user(credits=2)
    job_id, run = dispatched(api, services, runpod, user)
    other_id, other_run = dispatched(api, services, runpod, user)
    finish_on_gpu(services, runpod, run)
    before = job(api, user, job_id)

    assert api.post("/api/webhooks/runpod", json={"id": run["id"], "status": "COMPLETED"}).status_code == 401
    assert webhook(api, run, token="forged.token.value").status_code == 401
    signed_elsewhere = services.tokens.__class__("another-secret-of-a-proper-length-0123456789").issue(job_id, 600)
    assert webhook(api, run, token=signed_elsewhere).status_code == 401
    # The other job's token with this job's body: the token decides, and the ids don't match.
    assert webhook(api, run, token=token_of(other_run)).status_code == 403
    # The right token with a body that claims success: /status still says IN_QUEUE for the other job.
    assert (
        webhook(
            api, other_run, body={"id": other_run["id"], "status": "COMPLETED", "output": run["input"]["output"]}
        ).json["outcome"]
        == "waiting"
    )
    assert job(api, user, job_id)["status"] == before["status"] == "dispatched"
    assert job(api, user, other_id)["status"] == "dispatched"
    assert balance(api, user)["reserved"] == 2


def test_refused_runpod_webhooks_log_their_rejection(api, services, runpod, make_user):
    user = make_user(credits=2)
    _, run = dispatched(api, services, runpod, user)
    _, other_run = dispatched(api, services, runpod, user)
    with LogLines() as logs:
        assert webhook(api, run, token="forged.token.value").status_code == 401
        assert webhook(api, run, token=token_of(other_run)).status_code == 403
        assert webhook(api, run).status_code == 200
    rejected = [line for line in logs.lines if line.get("event") == LogEvent.WEBHOOK_REJECTED]
    assert [(line["source"], line["code"]) for line in rejected] == [
        ("runpod", "unauthenticated"),
        ("runpod", "forbidden"),
    ]


def test_cancel_refunds_and_stops_the_gpu(api, services, runpod, make_user):
    user = make_user(credits=1)
    job_id, run = dispatched(api, services, runpod, user)
    answer = api.post(f"/api/jobs/{job_id}/cancel", user)
    assert answer.status_code == 200 and answer.json["status"] == "canceled"
    assert runpod.cancels == [run["id"]]
    assert api.post(f"/api/jobs/{job_id}/cancel", user).json["status"] == "canceled"  # repeat is a no-op
    finish_on_gpu(services, runpod, run)  # the GPU finishes anyway: too late to charge
    webhook(api, run)
    assert job(api, user, job_id)["status"] == "canceled"
    assert balance(api, user)["credits"] == 1


def test_cancel_rules(api, services, runpod, make_user):
    owner, stranger = make_user(credits=2), make_user()
    job_id, run = dispatched(api, services, runpod, owner)
    assert api.post(f"/api/jobs/{job_id}/cancel", stranger).status_code == 404
    assert api.get(f"/api/jobs/{job_id}", stranger).status_code == 404
    finish_on_gpu(services, runpod, run)
    webhook(api, run)
    answer = api.post(f"/api/jobs/{job_id}/cancel", owner)
    assert answer.status_code == 409 and answer.json["error"]["code"] == "conflict"


def test_cancel_before_dispatch_never_reaches_the_gpu(api, services, runpod, make_user):
    user = make_user(credits=1)
    job_id = create_job(api, user)
    api.post(f"/api/jobs/{job_id}/cancel", user)
    assert dispatch(api, services, job_id).json["outcome"] == "skipped"
    assert runpod.runs == []


def test_dispatch_retries_then_gives_up_with_a_refund(api, services, runpod, make_user):
    user = make_user(credits=1)
    job_id = create_job(api, user)
    runpod.fail_runs = 5
    for _ in range(4):
        answer = dispatch(api, services, job_id)
        assert answer.status_code == 503 and answer.headers["Retry-After"]
    assert dispatch(api, services, job_id).json["outcome"] == "failed"
    view = job(api, user, job_id)
    assert view["status"] == "failed" and view["error"]["code"] == "dispatch_failed"


def test_internal_functions_need_the_task_credential(api, services, make_user):
    user = make_user(credits=1)
    job_id = create_job(api, user)
    assert api.post("/api/tasks/dispatch", json={"jobId": job_id}).status_code == 401
    assert api.post("/api/tasks/dispatch", user, json={"jobId": job_id}).status_code == 401
    assert api.post("/api/tasks/sweep", user).status_code == 401
