"""The admin console's figures (GPU cost, jobs per day, revenue per plan, the last 24 hours' timings), user emails
and the job filters."""

import datetime as dt

from google.cloud.firestore import DocumentReference

from shared.adapters import admin_stats, firestore_db
from tests.api.flow import create_job, dispatch, dispatched, finish_on_gpu, webhook
from tests.api.payment_flow import deliver


def paid(api, truelayer, user, path, body) -> str:
    started = api.post(path, user, json=body)
    assert started.status_code == 201, started.json
    for delivery in truelayer.pay(started.json["redirectUrl"]):
        assert deliver(api, delivery).status_code == 200
    return started.json["paymentId"]


def done(api, services, runpod, user, gpu_seconds) -> str:
    job_id, run = dispatched(api, services, runpod, user)
    finish_on_gpu(services, runpod, run, gpu_seconds=gpu_seconds)
    assert webhook(api, run).status_code == 200
    return job_id


def created_days_ago(services, job_id, days) -> None:
    moment = dt.datetime.now(dt.UTC) - dt.timedelta(days=days)
    firestore_db.jobs(services.db).document(job_id).update({"createdAt": moment})


def test_overview_counts_gpu_cost_jobs_per_day_and_revenue_per_plan(api, services, runpod, make_user, truelayer):
    admin, creator, plain, buyer, decliner = (
        make_user(admin=True),
        make_user(),
        make_user(credits=2),
        make_user(),
        make_user(),
    )
    creator_payment = paid(api, truelayer, creator, "/api/subscribe", {"planId": "creator"})
    paid(api, truelayer, buyer, "/api/topup", {"credits": 50})
    declined = api.post("/api/subscribe", decliner, json={"planId": "starter"}).json
    [failed_event] = truelayer.pay(declined["redirectUrl"], decline=True)
    deliver(api, failed_event)

    # The creator's jobs: two done (10 s and 20 s of GPU) and one failed, all today.
    done(api, services, runpod, creator, 10)
    done(api, services, runpod, creator, 20)
    _, run = dispatched(api, services, runpod, creator)
    runpod.set(run["id"], "FAILED", error='{"code": "internal", "message": "boom"}')
    webhook(api, run)
    # A plan-less user's done job, 13 UTC days back (the window's first day), and one from before the window.
    old = done(api, services, runpod, plain, 5)
    created_days_ago(services, old, 13)
    created_days_ago(services, create_job(api, plain), 20)

    jobs = {doc.id: doc.to_dict() for doc in firestore_db.jobs(services.db).stream()}
    assert sorted((data["plan"] or "-") for data in jobs.values()) == ["-", "-", "creator", "creator", "creator"]

    overview = api.get("/api/admin/overview", admin).json
    assert overview["gpuSeconds"] == 35.0 and overview["gpuCostUsd"] == 0.04  # 35 x $0.00116 = $0.0406
    assert overview["jobsByStatus"]["failed"] == 1 and overview["creditsBurned"] == 3

    days = overview["jobsPerDay"]
    today = dt.datetime.now(dt.UTC).date()
    assert [day["date"] for day in days] == [
        (today - dt.timedelta(days=back)).isoformat() for back in range(13, -1, -1)
    ]
    assert days[-1] == {"date": today.isoformat(), "total": 3, "failed": 1}
    assert days[0] == {"date": (today - dt.timedelta(days=13)).isoformat(), "total": 1, "failed": 0}
    assert sum(day["total"] for day in days[1:-1]) == 0 and sum(day["failed"] for day in days) == 1

    rows = {row["planId"]: row for row in overview["revenue"]}
    assert list(rows) == ["starter", "creator", "studio", "topup"]
    zero = {"subscribers": 0, "revenueMinor": 0, "gpuSeconds": 0.0, "gpuCostMinor": 0, "currency": "GBP"}
    assert rows["starter"] == {"planId": "starter", "name": "Starter", **zero}  # the declined payment is no revenue
    assert rows["studio"] == {"planId": "studio", "name": "Studio", **zero}
    # 30 GPU seconds x $0.00116 = 3.48 US cents x 0.80 pence per cent = 2.784p, rounded up.
    assert rows["creator"] == {
        "planId": "creator",
        "name": "Creator",
        "subscribers": 1,
        "revenueMinor": 2480,
        "gpuSeconds": 30.0,
        "gpuCostMinor": 3,
        "currency": "GBP",
    }
    assert rows["topup"] == {"planId": "topup", "name": "Top-ups", **zero, "revenueMinor": 1000}  # 50 x 20p
    assert firestore_db.payments(services.db).document(creator_payment).get().get("status") == "settled"


def test_an_empty_project_has_fourteen_empty_days_and_zero_revenue(api, services, make_user):
    overview = api.get("/api/admin/overview", make_user(admin=True)).json
    assert len(overview["jobsPerDay"]) == 14 and {d["total"] + d["failed"] for d in overview["jobsPerDay"]} == {0}
    assert overview["gpuCostUsd"] == 0.0
    assert overview["last24h"] == {
        "jobs": 0,
        "finished": 0,
        "successRate": None,
        "renderSecP50": None,
        "renderSecP95": None,
        "queueWaitSecP50": None,
        "queueWaitSecP95": None,
        "retries": 0,
        "capped": False,
    }
    assert [(r["planId"], r["subscribers"], r["revenueMinor"], r["gpuCostMinor"]) for r in overview["revenue"]] == [
        ("starter", 0, 0, 0),
        ("creator", 0, 0, 0),
        ("studio", 0, 0, 0),
        ("topup", 0, 0, 0),
    ]


def test_user_rows_carry_the_email_once_the_user_is_seen(api, services, make_user, monkeypatch):
    admin, granted, creating, unseen = make_user(admin=True), make_user(credits=1), make_user(credits=1), make_user()

    def rows():
        return {row["uid"]: row for row in api.get("/api/admin/users", admin).json["users"]}

    assert rows()[granted.uid]["email"] is None  # an admin grant made the account; nobody has signed in since
    create_job(api, creating)  # the reserve transaction records it
    assert api.get("/api/credits", unseen).json["credits"] == 0  # the first visit registers the account
    before = firestore_db.users(services.db).document(granted.uid).get().update_time
    assert api.get("/api/credits", granted).status_code == 200
    seen = rows()
    assert seen[granted.uid]["email"] == granted.email and seen[creating.uid]["email"] == creating.email
    assert (seen[unseen.uid]["email"], seen[unseen.uid]["credits"]) == (unseen.email, 0)
    assert seen[unseen.uid]["createdAt"] is not None
    found = api.get("/api/admin/users", admin, query_string={"email": unseen.email}).json["users"]
    assert [row["uid"] for row in found] == [unseen.uid]
    assert firestore_db.users(services.db).document(granted.uid).get().update_time != before

    writes = []
    real_set = DocumentReference.set
    monkeypatch.setattr(
        DocumentReference, "set", lambda ref, *a, **k: writes.append(ref.path) or real_set(ref, *a, **k)
    )
    assert api.get("/api/credits", granted).json["credits"] == 1  # already known: nothing is written
    assert writes == []


def test_admin_jobs_filter_by_user_and_status(api, services, runpod, make_user):
    admin, first, second = make_user(admin=True), make_user(credits=3), make_user(credits=1)
    queued = create_job(api, first)
    failed_id, run = dispatched(api, services, runpod, first)
    runpod.set(run["id"], "FAILED", error='{"code": "internal", "message": "boom"}')
    webhook(api, run)
    other = create_job(api, second)
    assert dispatch(api, services, other).status_code == 200

    def listed(query):
        answer = api.get(f"/api/admin/jobs?{query}", admin)
        assert answer.status_code == 200, answer.json
        return [(job["jobId"], job["userId"]) for job in answer.json["jobs"]]

    assert listed(f"userId={first.uid}") == [(failed_id, first.uid), (queued, first.uid)]
    assert listed(f"userId={first.uid}&status=failed") == [(failed_id, first.uid)]
    assert listed(f"userId={second.uid}&status=failed") == []
    assert listed(f"userId={second.uid}") == [(other, second.uid)]
    assert listed("userId=nobody") == []
    assert listed(f"userId={first.uid}&limit=1")[0][0] == failed_id
    for bad in ("a/b", "x" * 129, "a%20b"):
        answer = api.get(f"/api/admin/jobs?userId={bad}", admin)
        assert answer.status_code == 400 and answer.json["error"]["field"] == "userId"


def timed(services, job_id, created_hours_ago, wait_sec, render_sec=None, **fields) -> None:
    """Place a job's timestamps: created, started `wait_sec` later, finished `render_sec` after the start."""
    created = dt.datetime.now(dt.UTC) - dt.timedelta(hours=created_hours_ago)
    started = created + dt.timedelta(seconds=wait_sec)
    times = {"createdAt": created, "startedAt": started}
    if render_sec is not None:
        times["finishedAt"] = started + dt.timedelta(seconds=render_sec)
    firestore_db.jobs(services.db).document(job_id).update(times | fields)


def test_last_24h_success_rate_render_time_queue_wait_and_retries(api, services, runpod, make_user):
    admin, first, second = make_user(admin=True), make_user(credits=5), make_user(credits=5)
    done_fast, done_retried, expired = (done(api, services, runpod, first, 1) for _ in range(3))
    failed, run = dispatched(api, services, runpod, second)
    runpod.set(run["id"], "FAILED", error='{"code": "internal", "message": "boom"}')
    assert webhook(api, run).status_code == 200
    canceled = create_job(api, second)
    assert api.post(f"/api/jobs/{canceled}/cancel", second).status_code == 200
    queued = create_job(api, second)
    yesterday = done(api, services, runpod, second, 1)

    timed(services, done_fast, 2, wait_sec=10, render_sec=60)
    timed(services, done_retried, 3, wait_sec=30, render_sec=20, attempt=2)
    timed(services, expired, 20, wait_sec=50, render_sec=100, status="expired")
    timed(services, failed, 1, wait_sec=5, render_sec=1, attempt=2)
    timed(services, queued, 0.5, wait_sec=0)
    firestore_db.jobs(services.db).document(queued).update({"startedAt": None})
    # Created 25 hours ago: outside the window, and its long render and retry would show if it were read.
    timed(services, yesterday, 25, wait_sec=900, render_sec=1000, attempt=2)

    last24h = api.get("/api/admin/overview", admin).json["last24h"]
    assert last24h == {
        "jobs": 6,  # the canceled and the queued job count as created, not as finished
        "finished": 4,
        "successRate": 0.75,  # done, done and expired of done, done, expired and failed
        "renderSecP50": 60.0,  # of 20, 60 and 100 s; the failed job's second is not a render
        "renderSecP95": 100.0,
        "queueWaitSecP50": 10.0,  # of 5, 10, 30 and 50 s; the canceled and the queued job never started
        "queueWaitSecP95": 50.0,
        "retries": 2,
        "capped": False,
    }


def test_last_24h_reads_at_most_the_cap_and_says_so(api, services, runpod, make_user):
    user = make_user(credits=3)
    oldest, middle, newest = (create_job(api, user) for _ in range(3))
    for job_id, hours in ((oldest, 3), (middle, 2), (newest, 1)):
        timed(services, job_id, hours, wait_sec=hours * 10)
    now = dt.datetime.now(dt.UTC)
    capped = admin_stats.last_24h(services.db, now, cap=2)
    # The newest two stand for the window: waits of 10 and 20 s, not the oldest's 30 s.
    assert (capped.jobs, capped.capped, capped.queueWaitSecP95) == (2, True, 20.0)
    whole = admin_stats.last_24h(services.db, now, cap=3)
    assert (whole.jobs, whole.capped, whole.queueWaitSecP95) == (3, False, 30.0)
