"""Races on one account: the invariants must hold whoever wins (the ledger invariants of docs/architecture.md)."""

from concurrent.futures import ThreadPoolExecutor

from tests.api.flow import dispatched, finish_on_gpu, job, webhook
from tests.invariants import check_invariants


def test_twenty_parallel_creates_never_overspend(api, services, make_user):
    user = make_user(credits=3)

    def create(i):
        return api.post("/api/jobs/create", user, json={"prompt": f"race {i}", "durationSec": 5})

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(create, range(20)))

    won = [a for a in answers if a.status_code == 201]
    lost = [a for a in answers if a.status_code != 201]
    assert len(won) <= 3
    for answer in lost:
        assert answer.status_code in (402, 429, 503), answer.status_code
        assert answer.json["error"]["code"] in ("insufficient_credits", "too_many_active_jobs", "busy")
        if answer.status_code == 503:
            assert answer.headers["Retry-After"]
    balance = api.get("/api/credits", user).json
    assert balance["reserved"] == len(won) and balance["credits"] == 3 - len(won)
    check_invariants(services.db)


def test_parallel_creates_with_one_idempotency_key_make_one_job(api, services, make_user):
    user = make_user(credits=5)

    def create(_):
        return api.post(
            "/api/jobs/create", user, json={"prompt": "once", "durationSec": 5}, headers={"Idempotency-Key": "one-key"}
        )

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(create, range(8)))
    assert all(a.status_code in (201, 503) for a in answers)
    job_ids = {a.json["jobId"] for a in answers if a.status_code == 201}
    assert len(job_ids) <= 1
    assert api.get("/api/credits", user).json["reserved"] == len(job_ids)
    # The client retries a 503 with the same key: still one job, one charge.
    retry = create(0)
    assert retry.status_code == 201 and job_ids <= {retry.json["jobId"]}
    assert api.get("/api/credits", user).json["reserved"] == 1
    check_invariants(services.db)


def test_webhook_storm_and_cancel_race_settle_or_refund_exactly_once(api, services, runpod, make_user):
    user = make_user(credits=4)
    jobs = [dispatched(api, services, runpod, user) for _ in range(4)]
    for _, run in jobs:
        finish_on_gpu(services, runpod, run)

    def deliver(i):
        job_id, run = jobs[i % 4]
        if i % 5 == 0:
            return api.post(f"/api/jobs/{job_id}/cancel", user).status_code
        return webhook(api, run).status_code

    with ThreadPoolExecutor(max_workers=10) as pool:
        codes = list(pool.map(deliver, range(24)))
    assert all(code in (200, 409, 503) for code in codes), codes
    for _, run in jobs:  # what a later redelivery or the sweep would do
        webhook(api, run)
    statuses = {job(api, user, job_id)["status"] for job_id, _ in jobs}
    assert statuses <= {"done", "canceled"}
    check_invariants(services.db)
