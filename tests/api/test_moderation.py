"""Content safety through the create function: the blocklist, Natural Language and Vision SafeSearch (the
real client libraries, talking to the local stand-ins), refusals audited in Firestore and listed for admins,
fail-closed when an API is down, and the hourly refusal limit."""

import time

import pytest
import requests

from shared.local.processes import free_port

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 200


def configure(services, **changes):
    """Moderation settings for this test (before the job service is first built)."""
    assert "jobs" not in vars(services), "configure before the first create"
    services.settings = services.settings.model_copy(update=changes)


def create(api, user, key=None, **body):
    headers = {"Idempotency-Key": key} if key else {}
    return api.post("/api/jobs/create", user, json={"durationSec": 5, **body}, headers=headers)


def ledger_of(services, uid):
    return [doc.id for doc in services.db.collection("users").document(uid).collection("ledger").stream()]


def assert_refused(api, services, user, answer, field, categories):
    assert answer.status_code == 422, answer.json
    error = answer.json["error"]
    assert (error["code"], error["field"], error["categories"]) == ("content_policy", field, categories)
    assert api.get("/api/credits", user).json["credits"] == 10
    assert len(ledger_of(services, user.uid)) == 1  # only the grant
    assert list(services.db.collection("jobs").stream()) == []


def upload(api, user, image: bytes) -> str:
    target = api.post("/api/uploads", user, json={"contentType": "image/png", "sizeBytes": len(image)}).json
    put = requests.put(target["uploadUrl"], data=image, headers={"Content-Type": "image/png"}, timeout=10)
    assert put.status_code == 200
    return target["imageKey"]


def test_blocklisted_and_flagged_prompts_are_refused_and_audited_and_clean_ones_render(api, services, make_user):
    configure(services, moderation_blocklist_terms=("dragonfruit",))
    user = make_user(credits=10)
    answer = create(api, user, prompt="a DrAg0n-fruit floating in space")
    assert_refused(api, services, user, answer, "prompt", ["Blocked term"])
    assert "dragon" not in answer.json["error"]["message"].lower()
    answer = create(api, user, prompt="a duel at dawn [[flag:Violent]]")
    assert_refused(api, services, user, answer, "prompt", ["Violent"])

    events = sorted((doc.to_dict() for doc in services.db.collection("moderationEvents").stream()), key=str)
    assert {(e["check"], e["field"], tuple(e["categories"])) for e in events} == {
        ("blocklist", "prompt", ("Blocked term",)),
        ("text", "prompt", ("Violent",)),
    }
    for event in events:
        assert event["uid"] == user.uid and event["email"] == user.email and event["at"]
        assert len(event["promptHash"]) == 64 and "prompt" not in event  # a keyed hash, never the text
    assert create(api, user, prompt="a red kite over the sea").status_code == 201


def test_a_flagged_image_is_refused_and_an_image_is_checked_once(api, services, make_user, moderation_standins):
    user = make_user(credits=10)
    vision = moderation_standins["vision"]
    flagged = upload(api, user, PNG + b"[[flag:violence]]")
    before = vision.calls["annotate"]
    for _ in range(2):
        answer = create(api, user, prompt="animate", imageKey=flagged)
        assert_refused(api, services, user, answer, "imageKey", ["violence"])
    assert vision.calls["annotate"] == before + 1
    fine = upload(api, user, PNG)
    assert create(api, user, prompt="animate", imageKey=fine).status_code == 201
    assert create(api, user, prompt="animate again", imageKey=fine).status_code == 201
    assert vision.calls["annotate"] == before + 2
    garbage = upload(api, user, b"not an image at all")
    answer = create(api, user, prompt="animate", imageKey=garbage)
    assert answer.status_code == 400 and answer.json["error"]["field"] == "imageKey"


def test_with_the_text_api_down_create_fails_closed_with_retry_after(api, services, make_user):
    configure(services, language_api_endpoint=f"http://127.0.0.1:{free_port()}", moderation_timeout_sec=1.0)
    user = make_user(credits=10)
    began = time.monotonic()
    answer = create(api, user, prompt="a red kite")
    assert answer.status_code == 503 and answer.json["error"]["code"] == "unavailable", answer.json
    assert int(answer.headers["Retry-After"]) > 0 and time.monotonic() - began < 5
    assert api.get("/api/credits", user).json["credits"] == 10 and len(ledger_of(services, user.uid)) == 1


def test_fail_open_lets_the_job_through_and_notes_it(api, services, make_user):
    configure(services, language_api_endpoint=f"http://127.0.0.1:{free_port()}", moderation_fail_open=True)
    user = make_user(credits=10)
    answer = create(api, user, prompt="a red kite")
    assert answer.status_code == 201, answer.json
    job = services.db.collection("jobs").document(answer.json["jobId"]).get().to_dict()
    assert job["moderationUnchecked"] == ["prompt"]


def test_too_many_refusals_in_an_hour_answer_429_until_the_hour_ends(api, services, make_user):
    configure(services, moderation_max_refusals_per_hour=2)
    user = make_user(credits=10)
    for n in range(3):
        assert create(api, user, prompt=f"[[flag:Insult]] {n}").status_code == 422
    answer = create(api, user, prompt="a red kite")
    assert answer.status_code == 429 and answer.json["error"]["code"] == "rate_limited"
    assert 0 < int(answer.headers["Retry-After"]) <= 3600
    assert create(api, make_user(credits=1), prompt="a red kite").status_code == 201


def test_admins_see_refusals_per_day_and_by_user(api, services, make_user):
    user, admin = make_user(credits=10), make_user(admin=True)
    for prompt in ("[[flag:Sexual]]", "[[flag:Derogatory]] [[flag:Toxic]]", "[[flag:Illicit Drugs]]"):
        assert create(api, user, prompt=prompt).status_code == 422
    assert api.get("/api/admin/moderation", user).status_code == 403
    first = api.get("/api/admin/moderation?limit=2", admin).json
    assert len(first["perDay"]) == 14 and first["perDay"][-1]["refusals"] == 3
    rest = api.get(f"/api/admin/moderation?limit=2&cursor={first['nextCursor']}", admin).json
    rows = first["refusals"] + rest["refusals"]
    assert rest["nextCursor"] is None and [r["categories"] for r in rows] == [
        ["Illicit Drugs"],
        ["Toxic", "Derogatory"],
        ["Sexual"],
    ]
    assert {(r["email"], r["uid"], r["field"], r["check"]) for r in rows} == {(user.email, user.uid, "prompt", "text")}


@pytest.mark.parametrize("inline_max_bytes", [0, 10 * 1024 * 1024])
def test_the_vision_adapter_sends_big_images_by_url(services, moderation_standins, s3_server, inline_max_bytes):
    from shared.adapters.google_moderation import VisionSafeSearch

    key = "uploads/someone/big.png"
    services.objects.client.put_object(Bucket=services.settings.s3_bucket, Key=key, Body=PNG + b"[[flag:racy]]")
    vision = VisionSafeSearch(services.settings.vision_api_endpoint, 3.0, inline_max_bytes=inline_max_bytes)
    by_url = moderation_standins["vision"].calls["imageUri"]
    answer = vision.safe_search(PNG + b"[[flag:racy]]", lambda: services.objects.download_url(key, 60))
    assert answer["racy"] == "VERY_LIKELY" and answer["adult"] == "VERY_UNLIKELY"
    assert moderation_standins["vision"].calls["imageUri"] == by_url + (inline_max_bytes == 0)
