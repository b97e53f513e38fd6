"""API keys end to end: made and revoked with the ID token, used as bearer tokens on the user routes only,
stored as hashes; and the create rate limit with its RateLimit headers."""

import hashlib

from tests.api.conftest import ApiUser


def with_key(user: ApiUser, key: str) -> ApiUser:
    return ApiUser(uid=user.uid, email=user.email, token=key)


def make_key(api, user, name="ci") -> dict:
    answer = api.post("/api/keys", user, json={"name": name})
    assert answer.status_code == 201, answer.json
    return answer.json


def test_a_key_works_on_the_user_routes_and_is_kept_only_as_its_hash(api, services, make_user):
    user = make_user(credits=5)
    made = make_key(api, user, "my script")
    secret = made["key"]
    assert secret.startswith("cw_") and len(secret) >= 3 + 43 and made["prefix"] == secret[:11]
    listed = api.get("/api/keys", user).json["keys"]
    assert [(k["id"], k["name"], k["prefix"], k["lastUsedAt"]) for k in listed] == [
        (made["id"], "my script", made["prefix"], None)
    ]
    assert secret not in str(listed)
    stored = [(doc.id, doc.to_dict()) for doc in services.db.collection("apiKeys").stream()]
    assert [doc_id for doc_id, _ in stored] == [hashlib.sha256(secret.encode()).hexdigest()]
    assert secret not in str(stored[0][1])

    keyed = with_key(user, secret)
    assert api.get("/api/credits", keyed).json["credits"] == 5
    created = api.post("/api/jobs", keyed, json={"prompt": "a red kite", "durationSec": 5})
    assert created.status_code == 201, created.json
    assert created.json["urls"]["self"].endswith(f"/api/jobs/{created.json['jobId']}")
    assert api.get(f"/api/jobs/{created.json['jobId']}", keyed).json["urls"]["cancel"].endswith("/cancel")
    assert [job["jobId"] for job in api.get("/api/jobs", keyed).json["jobs"]] == [created.json["jobId"]]
    assert api.get("/api/credits/ledger", keyed).status_code == 200
    upload = api.post("/api/uploads", keyed, json={"contentType": "image/png", "sizeBytes": 100})
    assert upload.status_code == 201
    assert api.get("/api/keys", user).json["keys"][0]["lastUsedAt"] is not None


def test_a_key_cannot_manage_keys_or_reach_admin_or_internal_routes(api, services, make_user):
    admin = make_user(admin=True)
    secret = make_key(api, admin)["key"]
    keyed = with_key(admin, secret)
    for method, path in (("GET", "/api/keys"), ("POST", "/api/keys"), ("GET", "/api/admin/overview")):
        answer = api.call(method, path, keyed, json={"name": "x"} if method == "POST" else None)
        assert answer.status_code == 403 and answer.json["error"]["code"] == "forbidden", (path, answer.json)
    assert api.post("/api/tasks/sweep", keyed).status_code == 401


def test_a_revoked_key_is_refused_at_once_and_ten_keys_is_the_most(api, services, make_user):
    user = make_user()
    keys = [make_key(api, user, f"key {n}") for n in range(10)]
    eleventh = api.post("/api/keys", user, json={"name": "one too many"})
    assert eleventh.status_code == 409 and eleventh.json["error"]["code"] == "conflict"
    first = keys[0]
    assert api.get("/api/credits", with_key(user, first["key"])).status_code == 200
    assert api.call("DELETE", f"/api/keys/{first['id']}", user).status_code == 204
    refused = api.get("/api/credits", with_key(user, first["key"]))
    assert refused.status_code == 401 and refused.json["error"]["code"] == "unauthenticated"
    assert api.call("DELETE", f"/api/keys/{first['id']}", user).status_code == 404
    other = make_user()
    assert api.call("DELETE", f"/api/keys/{keys[1]['id']}", other).status_code == 404  # not theirs
    assert len(api.get("/api/keys", user).json["keys"]) == 9
    assert api.get("/api/credits", with_key(user, "cw_" + "x" * 43)).status_code == 401


def test_creates_past_the_limit_a_minute_answer_429_with_retry_after(api, services, make_user):
    services.settings = services.settings.model_copy(update={"rate_limit_creates_per_minute": 3})
    user = make_user(credits=10)
    keyed = with_key(user, make_key(api, user)["key"])
    remaining = []
    for n in range(3):  # create and cancel, so the active-jobs limit never applies
        created = api.post("/api/jobs", keyed if n % 2 else user, json={"prompt": f"kite {n}", "durationSec": 5})
        assert created.status_code == 201, created.json
        assert created.headers["RateLimit-Limit"] == "3" and 0 < int(created.headers["RateLimit-Reset"]) <= 60
        remaining.append(int(created.headers["RateLimit-Remaining"]))
        assert api.post(f"/api/jobs/{created.json['jobId']}/cancel", user).status_code == 200
    assert remaining == [2, 1, 0]
    limited = api.post("/api/jobs", keyed, json={"prompt": "one more", "durationSec": 5})
    assert limited.status_code == 429 and limited.json["error"]["code"] == "rate_limited"
    assert 0 < int(limited.headers["Retry-After"]) <= 60
    assert api.get("/api/credits", user).json["credits"] == 10  # three refunds, no fourth reservation
