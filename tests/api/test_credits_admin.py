"""Balance, ledger pages, plans, health and the admin API."""

from tests.api.flow import create_job, dispatched, finish_on_gpu, webhook


def test_new_user_has_an_empty_balance(api, services, make_user):
    user = make_user()
    assert api.get("/api/credits", user).json == {"credits": 0, "reserved": 0, "plan": None, "renewsAt": None}
    assert api.get("/api/credits/ledger", user).json == {"entries": [], "nextCursor": None}


def test_ledger_pages_with_a_cursor(api, services, make_user):
    user = make_user(credits=5)
    for _ in range(3):
        create_job(api, user)
    first = api.get("/api/credits/ledger?limit=2", user).json
    assert len(first["entries"]) == 2 and first["nextCursor"]
    second = api.get(f"/api/credits/ledger?limit=2&cursor={first['nextCursor']}", user).json
    assert len(second["entries"]) == 2 and second["nextCursor"] is None
    ids = [e["id"] for e in first["entries"] + second["entries"]]
    assert len(set(ids)) == 4
    assert api.get("/api/credits/ledger?limit=0", user).status_code == 400
    assert api.get("/api/credits/ledger?cursor=%%%", user).status_code == 400


def test_job_list_pages_newest_first_and_only_mine(api, services, make_user):
    me, other = make_user(credits=3), make_user(credits=1)
    mine = [create_job(api, me) for _ in range(3)]
    create_job(api, other)
    page = api.get("/api/jobs?limit=2", me).json
    assert [j["jobId"] for j in page["jobs"]] == mine[::-1][:2]
    rest = api.get(f"/api/jobs?limit=2&cursor={page['nextCursor']}", me).json
    assert [j["jobId"] for j in rest["jobs"]] == [mine[0]] and rest["nextCursor"] is None


def test_plans_and_health_are_public(api, services):
    plans = api.get("/api/plans").json["plans"]
    assert [(p["id"], p["creditsPerMonth"]) for p in plans] == [("starter", 80), ("creator", 250), ("studio", 500)]
    assert api.get("/api/healthz").json == {"ok": True}


def test_admin_grants_with_a_reason_and_sees_totals(api, services, runpod, make_user):
    admin, user = make_user(admin=True), make_user()
    path = f"/api/admin/users/{user.uid}/credits"
    answer = api.post(path, admin, json={"delta": 3, "reason": "welcome credits"}, headers={"Idempotency-Key": "k1"})
    assert answer.status_code == 200 and answer.json == {"credits": 3}
    again = api.post(path, admin, json={"delta": 3, "reason": "welcome credits"}, headers={"Idempotency-Key": "k1"})
    assert again.json == {"credits": 3}
    entry = api.get("/api/credits/ledger", user).json["entries"][0]
    assert (entry["kind"], entry["amount"], entry["reason"]) == ("adjust", 3, "welcome credits")

    job_id, run = dispatched(api, services, runpod, user)
    finish_on_gpu(services, runpod, run)
    webhook(api, run)
    overview = api.get("/api/admin/overview", admin).json
    assert overview["jobsByStatus"]["done"] == 1 and overview["creditsBurned"] == 1
    assert overview["gpuSeconds"] == 2.0 and overview["users"] >= 1
    jobs = api.get("/api/admin/jobs?status=done", admin).json["jobs"]
    assert [(j["jobId"], j["userId"]) for j in jobs] == [(job_id, user.uid)]
    users = {u["uid"]: u for u in api.get("/api/admin/users", admin).json["users"]}
    assert users[user.uid]["credits"] == 2


def test_admin_rules(api, services, make_user):
    admin, user = make_user(admin=True), make_user(credits=1)
    for path in ("/api/admin/overview", "/api/admin/jobs", "/api/admin/users"):
        assert api.get(path, user).status_code == 403
        assert api.get(path).status_code == 401
    path = f"/api/admin/users/{user.uid}/credits"
    assert api.post(path, user, json={"delta": 5, "reason": "self-serve"}).status_code == 403
    assert api.post(path, admin, json={"delta": 5}).json["error"]["field"] == "reason"
    assert api.post(path, admin, json={"delta": 0, "reason": "nothing"}).json["error"]["field"] == "delta"
    assert api.post(path, admin, json={"delta": 1.5, "reason": "half"}).status_code == 400
    below = api.post(path, admin, json={"delta": -2, "reason": "too much"})
    assert below.status_code == 409 and api.get("/api/credits", user).json["credits"] == 1
    assert api.get("/api/admin/jobs?status=bogus", admin).status_code == 400


def test_unknown_paths_and_methods_are_json(api, services, make_user):
    user = make_user()
    answer = api.clients["get_job"].get("/api/jobs/a/b", headers=user.headers)
    assert answer.status_code == 404 and answer.json["error"]["code"] == "not_found"
    answer = api.clients["credits"].post("/api/credits", headers=user.headers)
    assert answer.status_code == 405 and answer.json["error"]["code"] == "method_not_allowed"
