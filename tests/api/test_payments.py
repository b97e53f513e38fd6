"""Subscriptions and top-ups end to end: our functions, the Firestore emulator and the TrueLayer stand-in."""

import datetime as dt
import threading

from shared.adapters import firestore_db
from shared.domain.payments import add_month
from shared.log_events import LogEvent
from tests.api.payment_flow import deliver, event_of
from tests.log_lines import LogLines


def balance(api, user) -> dict:
    return api.get("/api/credits", user).json


def ledger(api, user) -> list[dict]:
    return api.get("/api/credits/ledger", user).json["entries"]


def subscribe(api, user, plan="creator", **headers):
    answer = api.post("/api/subscribe", user, json={"planId": plan}, headers=headers)
    assert answer.status_code == 201, answer.json
    return answer.json


def test_plans_are_public_and_priced_in_minor_units(api, services, truelayer):
    answer = api.get("/api/plans")
    assert answer.status_code == 200
    plans = {plan["id"]: plan for plan in answer.json["plans"]}
    assert {k: (v["creditsPerMonth"], v["priceMinor"], v["currency"]) for k, v in plans.items()} == {
        "starter": (80, 800, "GBP"),
        "creator": (250, 2480, "GBP"),
        "studio": (500, 4800, "GBP"),
    }
    assert answer.json["topup"] == {
        "priceMinorPerCredit": 20,
        "currency": "GBP",
        "usdCentsPerCredit": 25,
        "minCredits": 10,
        "maxCredits": 2000,
    }
    assert "roll over" in answer.json["creditPolicy"]
    # Seeded into Firestore from the one definition in code.
    assert {doc.id for doc in firestore_db.plans(services.db).stream()} == set(plans)


def test_plans_carry_the_job_limits_and_whether_payments_are_enabled(api, services, truelayer):
    answer = api.get("/api/plans").json
    assert answer["paymentsEnabled"] is True
    assert answer["jobLimits"] == {
        "promptMaxChars": 2000,
        "durations": [
            {"durationSec": 5, "credits": 1},
            {"durationSec": 10, "credits": 2},
            {"durationSec": 15, "credits": 3},
        ],
        "aspectRatios": ["16:9", "9:16"],
        "maxActiveJobs": 5,
        "upload": {"contentTypes": ["image/jpeg", "image/png", "image/webp"], "maxBytes": 10 * 1024 * 1024},
        "videoTtlHours": 24,
        "maxSeed": 2**31 - 1,
    }
    services.settings = services.settings.model_copy(update={"max_active_jobs": 2, "video_ttl_hours": 12})
    services.__dict__.pop("catalog", None)  # rebuilt from the changed settings
    limits = api.get("/api/plans").json["jobLimits"]
    assert (limits["maxActiveJobs"], limits["videoTtlHours"]) == (2, 12)


def test_without_truelayer_credentials_purchases_are_refused_before_anything_is_recorded(api, services, make_user):
    # What a fresh deployment has: no request-signing key.
    services.settings = services.settings.model_copy(update={"truelayer_signing_private_key": ""})
    assert api.get("/api/plans").json["paymentsEnabled"] is False
    user = make_user()
    for path, body in (("/api/subscribe", {"planId": "creator"}), ("/api/topup", {"credits": 50})):
        answer = api.post(path, user, json=body, headers={"Idempotency-Key": "k-1"})
        assert answer.status_code == 503, answer.json
        assert answer.json["error"] == {
            "code": "unavailable",
            "message": "Payments are not configured on this server yet; ask the operator to set the TrueLayer "
            "credentials.",
        }
    assert list(firestore_db.payments(services.db).stream()) == []
    assert not firestore_db.users(services.db).document(user.uid).get().exists
    assert api.post("/api/subscribe", json={"planId": "creator"}).status_code == 401  # still signed-in only


def test_payments_are_configured_only_with_a_key_and_client_credentials():
    from shared.config import Settings

    full = Settings(truelayer_signing_private_key="-----BEGIN EC PRIVATE KEY-----")
    assert full.payments_configured
    assert not Settings().payments_configured
    assert not full.model_copy(update={"truelayer_signing_private_key": "  \n"}).payments_configured
    assert not full.model_copy(update={"truelayer_client_id": ""}).payments_configured
    assert not full.model_copy(update={"truelayer_client_secret": ""}).payments_configured


def test_buying_creator_grants_250_credits_once_only_through_the_webhook(api, services, make_user, truelayer):
    user = make_user()
    started = subscribe(api, user)
    assert started["redirectUrl"].startswith(truelayer.standin.public_base_url)
    assert balance(api, user)["credits"] == 0  # the return to the app proves nothing

    executed, settled = truelayer.pay(started["redirectUrl"])
    assert [event_of(d)["type"] for d in (executed, settled)] == ["payment_executed", "payment_settled"]
    assert deliver(api, executed).json["effect"] == "granted"
    assert deliver(api, settled).json["effect"] == "already_granted"
    for _ in range(5):  # TrueLayer redelivers for up to 72 h
        assert deliver(api, executed).json["effect"] == "duplicate"
        assert deliver(api, settled).json["effect"] == "duplicate"

    account = balance(api, user)
    assert account["credits"] == 250 and account["plan"] == "creator"
    period = dt.datetime.now(dt.UTC).date()
    assert account["renewsAt"].startswith(add_month(period).isoformat())
    grants = [e for e in ledger(api, user) if e["kind"] == "grant"]
    assert grants == [
        {**grants[0], "id": f"grant:{user.uid}:{period.isoformat()}", "amount": 250, "paymentId": started["paymentId"]}
    ]
    status = api.get(f"/api/payments/{started['paymentId']}", user).json
    assert status["status"] == "settled" and status["credits"] == 250 and status["amountMinor"] == 2480


def test_settled_before_executed_still_grants_once(api, make_user, truelayer):
    user = make_user()
    executed, settled = truelayer.pay(subscribe(api, user, "starter")["redirectUrl"])
    assert deliver(api, settled).json["effect"] == "granted"
    assert deliver(api, executed).json["effect"] == "already_granted"
    assert balance(api, user)["credits"] == 80


def test_ten_concurrent_deliveries_grant_once(api, services, make_user, truelayer):
    user = make_user()
    deliveries = truelayer.pay(subscribe(api, user, "studio")["redirectUrl"])
    statuses, lock = [], threading.Lock()

    def send(delivery):
        code = deliver(api, delivery).status_code
        with lock:
            statuses.append(code)

    threads = [threading.Thread(target=send, args=(deliveries[i % 2],)) for i in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Contended transactions may answer 503 (TrueLayer then retries); none may grant twice.
    assert set(statuses) <= {200, 503}
    for delivery in deliveries:  # the retries TrueLayer would make
        assert deliver(api, delivery).status_code == 200
    assert balance(api, user)["credits"] == 500
    assert len([e for e in ledger(api, user) if e["kind"] == "grant"]) == 1


def test_failed_payment_grants_nothing(api, services, make_user, truelayer):
    user = make_user()
    started = subscribe(api, user)
    [failed] = truelayer.pay(started["redirectUrl"], decline=True)
    assert event_of(failed)["type"] == "payment_failed"
    assert deliver(api, failed).json["effect"] == "failed"
    assert balance(api, user) == {**balance(api, user), "credits": 0, "plan": None}
    status = api.get(f"/api/payments/{started['paymentId']}", user).json
    assert status["status"] == "failed" and status["failureReason"] == "canceled"


def test_topup_charges_per_credit_within_limits(api, services, make_user, truelayer):
    user = make_user(credits=3)
    for credits, field in ((9, "credits"), (2001, "credits"), ("50", "credits"), (True, "credits")):
        answer = api.post("/api/topup", user, json={"credits": credits})
        assert answer.status_code == 400 and answer.json["error"]["field"] == field
    started = api.post("/api/topup", user, json={"credits": 50}).json
    provider_id = firestore_db.payments(services.db).document(started["paymentId"]).get().get("providerPaymentId")
    charged = truelayer.standin.book.get(provider_id)
    assert (charged.amount_in_minor, charged.currency) == (1000, "GBP")  # 50 credits x 20p
    for delivery in truelayer.pay(started["redirectUrl"]):
        deliver(api, delivery)
    assert balance(api, user)["credits"] == 53
    [entry] = [e for e in ledger(api, user) if e["kind"] == "topup"]
    assert entry == {**entry, "id": f"topup:{started['paymentId']}", "amount": 50}


def test_idempotency_key_gives_one_payment(api, make_user, truelayer):
    user = make_user()
    first = api.post("/api/topup", user, json={"credits": 20}, headers={"Idempotency-Key": "k-1"})
    again = api.post("/api/topup", user, json={"credits": 20}, headers={"Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code == 201 and first.json == again.json
    creates = [r for r in truelayer.standin.captured if r.method == "POST" and r.path == "/v3/payments"]
    assert len(creates) == 1
    other = api.post("/api/topup", user, json={"credits": 30}, headers={"Idempotency-Key": "k-1"})
    assert other.status_code == 409


def test_unverifiable_webhooks_are_refused_and_change_nothing(api, services, make_user, truelayer):
    user = make_user()
    executed, _ = truelayer.pay(subscribe(api, user)["redirectUrl"])
    tampered = executed.body.replace(b'"payment_executed"', b'"payment_settled"')
    signed_for_elsewhere = truelayer.standin.sign_webhook(executed.body, "/api/webhooks/other")
    with LogLines() as logs:
        answers = [
            deliver(api, executed, body=tampered),
            deliver(api, executed, headers={"Content-Type": "application/json"}),
            deliver(api, executed, headers={"Tl-Signature": "not-a-jws"}),
            deliver(api, executed, headers=signed_for_elsewhere),
        ]
    for answer in answers:
        assert answer.status_code == 401 and answer.json["error"]["code"] == "unauthenticated"
    rejected = [line for line in logs.lines if line.get("event") == LogEvent.WEBHOOK_REJECTED]
    assert [line["source"] for line in rejected] == ["truelayer"] * 4
    assert list(firestore_db.webhook_events(services.db).stream()) == []
    assert balance(api, user)["credits"] == 0


def test_unknown_event_types_are_acknowledged_without_effect(api, services, truelayer):
    body = b'{"type": "payout_executed", "event_id": "evt-unknown-1", "event_version": 1}'
    answer = deliver(api, None, body=body, headers=truelayer.standin.sign_webhook(body, "/api/webhooks/truelayer"))
    assert answer.status_code == 200 and answer.json["effect"] == "ignored"
    assert list(firestore_db.webhook_events(services.db).stream()) == []


def test_subscribing_twice_while_active_is_refused(api, make_user, truelayer):
    user = make_user()
    for delivery in truelayer.pay(subscribe(api, user)["redirectUrl"]):
        deliver(api, delivery)
    answer = api.post("/api/subscribe", user, json={"planId": "studio"})
    assert answer.status_code == 409


def test_paying_twice_for_one_period_never_loses_the_money(api, make_user, truelayer):
    user = make_user()
    # Two tabs: both payments are started before either is paid.
    first = subscribe(api, user, **{"Idempotency-Key": "tab-1"})
    second = subscribe(api, user, **{"Idempotency-Key": "tab-2"})
    assert first["paymentId"] != second["paymentId"]
    for started in (first, second):
        for delivery in truelayer.pay(started["redirectUrl"]):
            deliver(api, delivery)
    account = balance(api, user)
    assert account["credits"] == 500 and account["plan"] == "creator"
    assert len([e for e in ledger(api, user) if e["kind"] == "grant"]) == 2
