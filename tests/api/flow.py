"""Steps of a job's life, driven the way Cloud Tasks, RunPod and Cloud Scheduler would drive them."""

from urllib.parse import parse_qs, urlparse


def internal_headers(services) -> dict:
    return {"Authorization": f"Bearer {services.settings.internal_task_secret}"}


def create_job(api, user, duration=5, **extra) -> str:
    answer = api.post("/api/jobs/create", user, json={"prompt": "a red kite", "durationSec": duration} | extra)
    assert answer.status_code == 201, answer.json
    return answer.json["jobId"]


def dispatch(api, services, job_id):
    return api.post("/api/tasks/dispatch", json={"jobId": job_id}, headers=internal_headers(services))


def sweep(api, services):
    answer = api.post("/api/tasks/sweep", headers=internal_headers(services))
    assert answer.status_code == 200, answer.json
    return answer.json["counts"]


def dispatched(api, services, runpod, user, duration=5) -> tuple[str, dict]:
    """Create and dispatch a job; returns (job id, the /run body RunPod received)."""
    job_id = create_job(api, user, duration)
    assert dispatch(api, services, job_id).json["outcome"] == "dispatched"
    run = runpod.runs[-1]
    assert run["input"]["jobId"] == job_id
    return job_id, run


def token_of(run: dict) -> str:
    return parse_qs(urlparse(run["webhook"]).query)["token"][0]


def webhook(api, run, token=None, body=None):
    token = token_of(run) if token is None else token
    body = {"id": run["id"], "status": "COMPLETED"} if body is None else body
    return api.post(f"/api/webhooks/runpod?token={token}", json=body)


def finish_on_gpu(services, runpod, run, frames=121, gpu_seconds=2.0):
    """What the worker does on success: upload the outputs, then RunPod reports COMPLETED."""
    out = run["input"]["output"]
    client = services.objects.client
    client.put_object(Bucket=out["bucket"], Key=out["videoKey"], Body=b"mp4-bytes", ContentType="video/mp4")
    client.put_object(Bucket=out["bucket"], Key=out["posterKey"], Body=b"jpg-bytes", ContentType="image/jpeg")
    runpod.set(
        run["id"],
        "COMPLETED",
        output={
            "videoKey": out["videoKey"],
            "posterKey": out["posterKey"],
            "durationSec": run["input"]["durationSec"],
            "frames": frames,
            "width": 640,
            "height": 352,
            "fps": 24,
            "seed": run["input"]["seed"],
            "timings": {"denoise": 1.5},
            "gpuSeconds": gpu_seconds,
        },
    )


def job(api, user, job_id) -> dict:
    answer = api.get(f"/api/jobs/{job_id}", user)
    assert answer.status_code == 200, answer.json
    return answer.json
