"""POST /api/jobs/create: reservation, idempotency, limits and bad input."""

import base64
import json
import time

import pytest


def create(api, user, body=None, **kwargs):
    body = {"prompt": "a red kite over the sea", "durationSec": 5} if body is None else body
    return api.post("/api/jobs/create", user, json=body, **kwargs)


def test_create_reserves_credits_and_queues(api, services, make_user):
    user = make_user(credits=3)
    answer = create(api, user, {"prompt": "a red kite", "durationSec": 10, "seed": 42, "aspectRatio": "9:16"})
    assert answer.status_code == 201, answer.json
    body = answer.json
    assert body["status"] == "queued" and body["creditsReserved"] == 2 and body["creditsRemaining"] == 1
    assert services.queue.job_ids == [body["jobId"]]

    balance = api.get("/api/credits", user).json
    assert balance["credits"] == 1 and balance["reserved"] == 2
    ledger = api.get("/api/credits/ledger", user).json["entries"]
    assert next((e["kind"], e["amount"], e.get("jobId")) for e in ledger) == ("reserve", 2, body["jobId"])

    view = api.get(f"/api/jobs/{body['jobId']}", user).json
    assert view["status"] == "queued" and view["seed"] == 42 and view["queuePosition"] == 1
    assert (view["width"], view["height"], view["fps"]) == (704, 1280, 24)


def test_same_idempotency_key_and_body_charges_once(api, services, make_user):
    user = make_user(credits=5)
    first = create(api, user, headers={"Idempotency-Key": "abc-1"})
    second = create(api, user, headers={"Idempotency-Key": "abc-1"})
    assert first.status_code == second.status_code == 201
    assert first.json == second.json
    assert api.get("/api/credits", user).json == {"credits": 4, "reserved": 1, "plan": None, "renewsAt": None}

    other = create(api, user, {"prompt": "something else", "durationSec": 5}, headers={"Idempotency-Key": "abc-1"})
    assert other.status_code == 409 and other.json["error"]["code"] == "conflict"


def test_idempotency_keys_are_per_user(api, services, make_user):
    alice, bob = make_user(credits=1), make_user(credits=1)
    a = create(api, alice, headers={"Idempotency-Key": "same"})
    b = create(api, bob, headers={"Idempotency-Key": "same"})
    assert a.status_code == b.status_code == 201 and a.json["jobId"] != b.json["jobId"]


def test_insufficient_credits(api, services, make_user):
    user = make_user(credits=2)
    answer = create(api, user, {"prompt": "long one", "durationSec": 15})
    assert answer.status_code == 402 and answer.json["error"]["code"] == "insufficient_credits"
    assert api.get("/api/credits", user).json["credits"] == 2


def test_at_most_five_unfinished_jobs(api, services, make_user):
    user = make_user(credits=10)
    for _ in range(5):
        assert create(api, user).status_code == 201
    sixth = create(api, user)
    assert sixth.status_code == 429 and sixth.json["error"]["code"] == "too_many_active_jobs"


def _expired_emulator_token(user) -> str:
    header, payload, _ = user.token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["exp"] = int(time.time()) - 60
    claims["iat"] = claims["exp"] - 3600
    encoded = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    return f"{header}.{encoded}."


@pytest.mark.parametrize(
    "body, status, code, field",
    [
        ({"durationSec": 5}, 400, "invalid_argument", "prompt"),
        ({"prompt": "   ", "durationSec": 5}, 400, "invalid_argument", "prompt"),
        ({"prompt": "x" * 2001, "durationSec": 5}, 400, "invalid_argument", "prompt"),
        ({"prompt": "ok", "durationSec": 7}, 400, "invalid_argument", "durationSec"),
        ({"prompt": "ok", "durationSec": "5"}, 400, "invalid_argument", "durationSec"),
        ({"prompt": "ok", "durationSec": 5, "seed": -1}, 400, "invalid_argument", "seed"),
        ({"prompt": "ok", "durationSec": 5, "aspectRatio": "4:3"}, 400, "invalid_argument", "aspectRatio"),
        (
            {"prompt": "ok", "durationSec": 5, "imageKey": "uploads/someone/else.png"},
            400,
            "invalid_argument",
            "imageKey",
        ),
        ({"prompt": "ok", "durationSec": 5, "colour": "red"}, 400, "invalid_argument", "colour"),
    ],
)
def test_bad_input_is_a_clear_json_error(api, services, make_user, body, status, code, field):
    user = make_user(credits=5)
    answer = create(api, user, body)
    assert answer.status_code == status, answer.json
    assert answer.json["error"]["code"] == code and answer.json["error"]["field"] == field
    assert answer.json["error"]["message"]
    assert api.get("/api/credits", user).json["credits"] == 5


def test_unknown_image_key_of_own_prefix(api, services, make_user):
    user = make_user(credits=5)
    answer = create(api, user, {"prompt": "ok", "durationSec": 5, "imageKey": f"uploads/{user.uid}/nope.png"})
    assert answer.status_code == 400 and answer.json["error"]["field"] == "imageKey"


@pytest.mark.parametrize("payload", [b"{not json", b"[1, 2]", b"", b"null"])
def test_junk_body(api, services, make_user, payload):
    user = make_user(credits=1)
    answer = api.post("/api/jobs/create", user, data=payload, content_type="application/json")
    assert answer.status_code == 400 and answer.json["error"]["code"] == "invalid_argument"


def test_bad_idempotency_key(api, services, make_user):
    user = make_user(credits=1)
    answer = create(api, user, headers={"Idempotency-Key": "has spaces in it"})
    assert answer.status_code == 400 and answer.json["error"]["field"] == "Idempotency-Key"


@pytest.mark.parametrize("how", ["none", "garbage", "expired", "basic"])
def test_authentication_is_required(api, services, make_user, how):
    user = make_user(credits=1)
    headers = {
        "none": {},
        "garbage": {"Authorization": "Bearer not-a-token"},
        "expired": {"Authorization": f"Bearer {_expired_emulator_token(user)}"},
        "basic": {"Authorization": "Basic dXNlcjpwYXNz"},
    }[how]
    answer = api.post("/api/jobs/create", json={"prompt": "ok", "durationSec": 5}, headers=headers)
    assert answer.status_code == 401 and answer.json["error"]["code"] == "unauthenticated"
    assert "Traceback" not in answer.get_data(as_text=True)
