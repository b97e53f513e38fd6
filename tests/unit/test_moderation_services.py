"""Moderation on create, over the in-memory store: refused content reserves nothing and is audited, an image
is checked once per upload, a failed check refuses (or, fail-open, lets through noted), and a user refused
too often is turned away for the rest of the hour."""

from __future__ import annotations

import datetime as dt

import pytest

from shared.config import Settings
from shared.domain import errors
from shared.domain.clock import utcnow
from shared.domain.moderation import BLOCKLIST_CATEGORY, window_start
from shared.domain.requests import CreateJobRequest
from shared.services import moderation as moderation_service
from tests.unit.conftest import build_app
from tests.unit.invariants import check_ledger

SETTINGS = Settings(moderation_blocklist_terms=("dragonfruit",), moderation_max_refusals_per_hour=3)
IMAGE = "uploads/u1/start.png"


def make_app(**changes):
    app = build_app(rerun=True, settings=SETTINGS.model_copy(update=changes))
    app.credits.grant("u1", "grant:u1:test", "grant", 10, reason="test")
    return app


@pytest.fixture
def app():
    app = make_app()
    yield app
    check_ledger(app.store)


def request(prompt: str = "a red kite", **fields) -> CreateJobRequest:
    return CreateJobRequest(prompt=prompt, durationSec=5, **fields)


def refused(app, job_request: CreateJobRequest, key: str | None = None) -> errors.ContentPolicy:
    with pytest.raises(errors.ContentPolicy) as refusal:
        app.jobs.create("u1", job_request, key, "u1@example.com")
    assert app.store.account("u1").credits == 10 and app.store.account("u1").reserved == 0
    assert app.queue.job_ids == [] and app.store.user_jobs("u1", 10, None)[0] == []
    return refusal.value


def test_a_blocklisted_prompt_or_negative_prompt_is_refused_before_any_api_call(app):
    refusal = refused(app, request("a DrAg0n-fruit floating in space"))
    assert (refusal.field, refusal.categories, refusal.status) == ("prompt", [BLOCKLIST_CATEGORY], 422)
    assert "dragon" not in refusal.message.lower()  # the term is never named
    refusal = refused(app, request("a kite", negativePrompt="no d.r.a.g.o.n.f.r.u.i.t"))
    assert refusal.field == "negativePrompt"
    assert app.text.calls == []  # the blocklist runs first and offline
    first, second = sorted(app.records.refusals.values(), key=lambda r: r.field, reverse=True)
    assert (first.check, first.field, first.email, first.uid) == ("blocklist", "prompt", "u1@example.com", "u1")
    assert (second.check, second.field) == ("blocklist", "negativePrompt")
    assert first.prompt_hash == app.moderation.prompt_hash("a DrAg0n-fruit floating in space")
    assert "dragon" not in first.prompt_hash.lower() and len(first.prompt_hash) == 64


def test_text_moderation_refuses_the_prompt_with_its_categories_but_not_the_negative_prompt(app):
    refusal = refused(app, request("a duel [[flag:Violent]] [[flag:Politics]]"))
    assert (refusal.field, refusal.categories) == ("prompt", ["Violent"])  # Politics is off by default
    assert next(iter(app.records.refusals.values())).check == "text"
    answer = app.jobs.create("u1", request("a calm lake", negativePrompt="[[flag:Violent]] blood"))
    assert answer.creditsReserved == 1 and app.text.calls[-1] == "a calm lake"


def test_an_image_is_checked_once_per_upload_and_again_when_its_bytes_change(app):
    app.objects.put(IMAGE, data=b"\x89PNG fine")
    app.jobs.create("u1", request(imageKey=IMAGE))
    app.jobs.create("u1", request(imageKey=IMAGE))
    assert len(app.vision.calls) == 1
    app.objects.put(IMAGE, data=b"\x89PNG [[flag:adult]]")  # the upload URL was used again
    refusal = refused_after(app, request(imageKey=IMAGE))
    assert (refusal.field, refusal.categories) == ("imageKey", ["adult"])
    refused_after(app, request(imageKey=IMAGE))
    assert len(app.vision.calls) == 2  # the refusal was kept with the upload too
    assert {r.image_key for r in app.records.refusals.values()} == {IMAGE}


def refused_after(app, job_request):
    before = app.store.account("u1")
    with pytest.raises(errors.ContentPolicy) as refusal:
        app.jobs.create("u1", job_request)
    after = app.store.account("u1")
    assert (after.credits, after.reserved) == (before.credits, before.reserved)
    return refusal.value


def test_a_changed_likelihood_applies_to_images_checked_before(app):
    app.objects.put(IMAGE, data=b"\x89PNG fine")  # every field VERY_UNLIKELY
    app.jobs.create("u1", request(imageKey=IMAGE))
    app.moderation.settings = app.settings.model_copy(update={"moderation_image_likelihood": "VERY_UNLIKELY"})
    refusal = refused_after(app, request(imageKey=IMAGE))
    assert refusal.categories == ["adult", "violence", "racy"] and len(app.vision.calls) == 1


def test_fail_closed_answers_unavailable_and_charges_nothing(app):
    app.text.down = True
    with pytest.raises(errors.Unavailable) as unavailable:
        app.jobs.create("u1", request())
    assert unavailable.value.retry_after > 0 and unavailable.value.status == 503
    app.text.down, app.vision.down = False, True
    app.objects.put(IMAGE, data=b"\x89PNG fine")
    with pytest.raises(errors.Unavailable):
        app.jobs.create("u1", request(imageKey=IMAGE))
    assert app.store.account("u1").credits == 10 and app.queue.job_ids == [] and app.records.refusals == {}


def test_fail_open_lets_the_job_through_and_notes_what_was_not_checked():
    app = make_app(moderation_fail_open=True)
    app.text.down = app.vision.down = True
    app.objects.put(IMAGE, data=b"\x89PNG [[flag:adult]]")
    answer = app.jobs.create("u1", request(imageKey=IMAGE))
    assert app.store.job(answer.jobId).moderation_unchecked == ["prompt", "imageKey"]
    assert app.records.verdicts == {}  # nothing was learnt about the image: the next job checks it
    assert app.store.job(app.jobs.create("u1", request()).jobId).moderation_unchecked == ["prompt"]
    app.text.down = False
    assert app.store.job(app.jobs.create("u1", request()).jobId).moderation_unchecked is None
    check_ledger(app.store)


def test_more_refusals_than_allowed_in_an_hour_turn_the_user_away_until_the_next(app, monkeypatch):
    now = dt.datetime(2026, 12, 1, 22, 50, tzinfo=dt.UTC)
    monkeypatch.setattr(moderation_service, "utcnow", lambda: now)
    for n in range(4):  # the limit is 3: the fourth refusal is "more than 3"
        refused(app, request(f"[[flag:Toxic]] {n}"))
    with pytest.raises(errors.RateLimited) as limited:
        app.jobs.create("u1", request())  # even a clean prompt, for the rest of the hour
    assert limited.value.retry_after == 10 * 60 and app.store.account("u1").credits == 10
    app.credits.grant("u2", "grant:u2:test", "grant", 1, reason="test")
    assert app.jobs.create("u2", request()).creditsReserved == 1  # other users are not affected
    now = dt.datetime(2026, 12, 1, 23, 0, 1, tzinfo=dt.UTC)
    assert app.jobs.create("u1", request()).creditsReserved == 1


def test_a_repeated_refused_request_with_its_key_is_counted_once_and_a_replayed_job_is_not_rechecked(app):
    for _ in range(3):
        refused(app, request("[[flag:Sexual]]"), key="k-1")
    assert len(app.records.refusals) == 1 and app.records.refusals_since("u1", window_start(utcnow())) == 1
    answer = app.jobs.create("u1", request(), "k-2")
    calls = len(app.text.calls)
    assert app.jobs.create("u1", request(), "k-2") == answer and len(app.text.calls) == calls


def test_the_blocklist_file_adds_to_the_listed_terms(tmp_path):
    terms = tmp_path / "blocklist.txt"
    terms.write_text("# one term a line\nblue moon\n", encoding="utf-8")
    app = make_app(moderation_blocklist_file=str(terms))
    assert refused(app, request("Blue M00N rising")).field == "prompt"
    assert refused(app, request("dragonfruit")).field == "prompt"
    with pytest.raises(RuntimeError, match="cannot be read"):
        make_app(moderation_blocklist_file=str(tmp_path / "missing.txt"))
