"""Monthly renewal: one payment per user and period however often the scheduler runs; credits roll over."""

import datetime as dt

import pytest
import requests

from shared.adapters import firestore_db
from shared.domain.payments import add_month, renewal_payment_id
from shared.services.renewals import Renewals
from tests.api.flow import internal_headers
from tests.api.payment_flow import deliver, event_of


@pytest.fixture
def subscriber(api, make_user, truelayer):
    """A user on Creator (250 credits granted), whose period is now due for renewal."""
    user = make_user()
    started = api.post("/api/subscribe", user, json={"planId": "creator"}).json
    for delivery in truelayer.pay(started["redirectUrl"]):
        deliver(api, delivery)
    return user


def make_due(services, user, after: dt.timedelta) -> dt.datetime:
    """Run the scheduler as if `after` had passed since the user's renewal date; returns that date."""
    renews_at = user_doc(services, user)["renewsAt"]
    services.renewals = Renewals(
        services.store, services.settings, services.catalog, services.payments, clock=lambda: renews_at + after
    )
    return renews_at


def renew(api, services) -> dict:
    answer = api.post("/api/tasks/renew", headers=internal_headers(services))
    assert answer.status_code == 200, answer.json
    return answer.json["counts"]


def user_doc(services, user) -> dict:
    return firestore_db.users(services.db).document(user.uid).get().to_dict()


def payment_creations(truelayer) -> int:
    return len([r for r in truelayer.standin.captured if r.method == "POST" and r.path == "/v3/payments"])


def grants(api, user) -> list[dict]:
    return [e for e in api.get("/api/credits/ledger", user).json["entries"] if e["kind"] == "grant"]


def test_renewal_without_mandate_asks_once_and_grants_once(api, services, subscriber, truelayer):
    due = make_due(services, subscriber, dt.timedelta(hours=1))
    assert due.date() == add_month(dt.datetime.now(dt.UTC).date())
    period = due.date().isoformat()
    before = payment_creations(truelayer)
    assert renew(api, services)["started"] == 1
    for _ in range(3):
        assert renew(api, services) == {"started": 0, "pending": 1, "lapsed": 0, "errors": 0}
    assert payment_creations(truelayer) == before + 1

    pending = user_doc(services, subscriber)["subscription"]["pendingRenewal"]
    assert pending["paymentId"] == renewal_payment_id(subscriber.uid, period) and pending["redirectUrl"]
    assert api.get("/api/credits", subscriber).json["credits"] == 250  # nothing before the payment

    for delivery in truelayer.pay(pending["redirectUrl"]):
        deliver(api, delivery)
    for _ in range(3):
        assert renew(api, services)["started"] == 0
    account = api.get("/api/credits", subscriber).json
    # Roll-over policy: the 250 unused credits stay and the new period adds 250.
    assert account["credits"] == 500
    assert account["renewsAt"].startswith(add_month(due.date()).isoformat())
    assert [g["id"] for g in grants(api, subscriber)].count(f"grant:{subscriber.uid}:{period}") == 1
    assert len(grants(api, subscriber)) == 2
    assert user_doc(services, subscriber)["subscription"]["pendingRenewal"] is None


def test_renewal_with_a_mandate_is_charged_without_the_user(api, services, subscriber, truelayer):
    answer = requests.post(
        f"{truelayer.standin.public_base_url}/test/mandates/mandate-1/authorize",
        json={"metadata": {"uid": subscriber.uid}},
        timeout=10,
    )
    assert answer.status_code < 300
    [authorized] = truelayer.new_deliveries(1)
    assert event_of(authorized)["type"] == "mandate_authorized"
    assert deliver(api, authorized).json["effect"] == "mandate_authorized"

    make_due(services, subscriber, dt.timedelta(minutes=5))
    assert renew(api, services)["started"] == 1
    executed, settled = truelayer.new_deliveries(2)  # the bank executes it by itself
    assert event_of(executed)["type"] == "payment_executed"
    for delivery in (settled, executed, settled):
        deliver(api, delivery)
    for _ in range(3):
        assert renew(api, services)["started"] == 0
    assert api.get("/api/credits", subscriber).json["credits"] == 500
    assert len(grants(api, subscriber)) == 2


def test_unpaid_period_lapses_after_the_grace_days_and_keeps_the_credits(api, services, subscriber, truelayer):
    make_due(services, subscriber, dt.timedelta(days=services.settings.renewal_grace_days + 1))
    assert renew(api, services)["lapsed"] == 1
    account = api.get("/api/credits", subscriber).json
    assert account["plan"] is None and account["credits"] == 250
    assert user_doc(services, subscriber)["subscription"]["status"] == "lapsed"
    assert renew(api, services) == {"started": 0, "pending": 0, "lapsed": 0, "errors": 0}
    # A lapsed user may subscribe again.
    assert api.post("/api/subscribe", subscriber, json={"planId": "starter"}).status_code == 201


def test_renew_is_internal_only(api, make_user):
    assert api.post("/api/tasks/renew", make_user()).status_code == 401
