"""The payment services over the in-memory store: a purchase is recorded once, each webhook event is applied
once, a plan period grants once, and renewals start one payment per period."""

from __future__ import annotations

import datetime as dt

import pytest

from shared.config import Settings
from shared.domain import errors, responses
from shared.domain.payments import Purchase, Purpose, period_end
from shared.services.catalog import job_limits
from shared.services.payment_events import PaymentEvents
from shared.services.payments import PaymentService
from shared.services.renewals import Renewals
from tests.unit.fakes import MemoryStore, RecordingPaymentProvider
from tests.unit.invariants import check_ledger

SETTINGS = Settings(truelayer_signing_private_key="pem", truelayer_client_id="id", truelayer_client_secret="s")
CREATOR = Purchase(Purpose.SUBSCRIPTION, 250, 2480, "GBP", "creator", "2026-12-01")


class Catalog:
    """The plan catalog's answers without Firestore: the plans as the API lists them."""

    def plan(self, plan_id: str) -> responses.PlanView:
        return responses.PlanView(
            id=plan_id, name=plan_id.title(), creditsPerMonth=250, priceUsdCents=3100, priceMinor=2480, currency="GBP"
        )

    def topup_amount(self, credits: int) -> int:
        return credits * 20


@pytest.fixture
def store():
    store = MemoryStore(rerun=True)
    yield store
    check_ledger(store)


@pytest.fixture
def payments(store):
    return PaymentService(store, SETTINGS, Catalog(), RecordingPaymentProvider())  # type: ignore[arg-type]


def event(kind: str, event_id: str, payment_id: str, **fields) -> dict:
    return {"type": kind, "event_id": event_id, "payment_id": f"tl-{payment_id}", **fields}


def test_a_purchase_is_recorded_once_per_key_and_refuses_a_different_one(store, payments):
    first = payments.start("u1", "u1@example.com", "pay-1", CREATOR)
    assert first.redirectUrl and payments.start("u1", "u1@example.com", "pay-1", CREATOR) == first
    assert list(payments.provider.created) == ["pay-1"]
    payment = store.payment("pay-1")
    assert (payment.status, payment.provider_payment_id, payment.amount_minor) == (
        "authorization_required",
        "tl-pay-1",
        2480,
    )
    with pytest.raises(errors.Conflict):
        payments.start("u1", None, "pay-1", Purchase(Purpose.TOPUP, 40, 800, "GBP"))
    assert payments.view("u1", "pay-1").status == "authorization_required"
    with pytest.raises(errors.NotFound):
        payments.view("someone-else", "pay-1")


def test_executed_then_settled_grants_once_and_starts_the_plan(store, payments):
    payments.start("u1", None, "pay-1", CREATOR)
    events = PaymentEvents(store)
    assert events.handle(event("payment_executed", "e1", "pay-1")) == "granted"
    assert events.handle(event("payment_executed", "e1", "pay-1")) == "duplicate"
    assert events.handle(event("payment_settled", "e2", "pay-1")) == "already_granted"
    assert events.handle(event("payment_failed", "e3", "pay-1")) == "already_granted"
    account = store.account("u1")
    assert (account.credits, account.plan, account.renews_at) == (250, "creator", period_end("2026-12-01"))
    assert store.subscription("u1").status == "active" and store.payment("pay-1").status == "settled"
    assert set(store.state.ledgers["u1"]) == {"grant:u1:2026-12-01"}
    assert store.state.events["e1"]["effect"] == "granted"


def test_a_second_payment_for_a_paid_period_is_granted_as_a_top_up(store, payments):
    payments.start("u1", None, "pay-1", CREATOR)
    payments.start("u1", None, "pay-2", CREATOR)
    events = PaymentEvents(store)
    events.handle(event("payment_executed", "e1", "pay-1"))
    assert events.handle(event("payment_executed", "e2", "pay-2")) == "granted"
    assert set(store.state.ledgers["u1"]) == {"grant:u1:2026-12-01", "grant:u1:2026-12-01:pay-2"}
    assert store.account("u1").credits == 500


def test_a_failed_payment_grants_nothing_and_refuses_a_pending_renewal(store, payments):
    payments.start("u1", None, "renew-u1-2026-12-01", CREATOR)
    store.note_renewal("u1", store.subscription("u1").renewal_started("renew-u1-2026-12-01", None, "2026-12-01"))
    events = PaymentEvents(store)
    assert events.handle(event("payment_failed", "e1", "renew-u1-2026-12-01", failure_reason="declined")) == "failed"
    payment = store.payment("renew-u1-2026-12-01")
    assert (payment.status, payment.failure_reason) == ("failed", "declined")
    assert store.subscription("u1").status == "payment_failed" and store.account("u1").credits == 0


def test_events_for_unknown_payments_or_users_change_nothing(store):
    events = PaymentEvents(store)
    assert events.handle(event("payment_executed", "e1", "nope", metadata={"paymentId": ".."})) == "unknown_payment"
    assert events.handle({"type": "mandate_revoked", "event_id": "e2", "mandate_id": "m9"}) == "unknown_mandate"
    assert events.handle({"type": "something_new", "event_id": "e3"}) == "ignored"
    with pytest.raises(errors.InvalidArgument):
        events.handle({"type": "payment_executed"})
    assert not store.state.events


def test_mandates_are_remembered_and_only_the_users_own_is_cleared(store):
    events = PaymentEvents(store)
    authorized = {"type": "mandate_authorized", "event_id": "e1", "mandate_id": "m1", "metadata": {"uid": "u1"}}
    assert events.handle(authorized) == "mandate_authorized"
    assert store.subscription("u1").usable_mandate == "m1"
    assert events.handle({"type": "mandate_revoked", "event_id": "e2", "mandate_id": "m2"}) == "unknown_mandate"
    assert events.handle({"type": "mandate_revoked", "event_id": "e3", "mandate_id": "m1"}) == "mandate_cleared"
    assert store.subscription("u1").usable_mandate is None


def test_renewals_start_one_payment_per_period_and_lapse_after_the_grace_days(store, payments):
    payments.start("u1", None, "pay-1", CREATOR)
    PaymentEvents(store).handle(event("payment_executed", "e1", "pay-1"))
    due = period_end("2026-12-01")

    def renewals(after: dt.timedelta) -> Renewals:
        return Renewals(store, SETTINGS, Catalog(), payments, clock=lambda: due + after)  # type: ignore[arg-type]

    assert renewals(dt.timedelta(hours=1)).run() == {"started": 1, "pending": 0, "lapsed": 0, "errors": 0}
    assert renewals(dt.timedelta(hours=2)).run()["pending"] == 1  # asked once, however often it runs
    pending = store.subscription("u1").pending_renewal
    assert pending is not None and pending.paymentId == "renew-u1-2027-01-01"
    assert renewals(dt.timedelta(days=SETTINGS.renewal_grace_days, hours=1)).run()["lapsed"] == 1
    account = store.account("u1")
    assert account.plan is None and account.credits == 250  # credits already granted stay
    assert store.subscription("u1").status == "lapsed"


def test_job_limits_come_from_the_contract_and_the_settings():
    limits = job_limits(SETTINGS.model_copy(update={"max_active_jobs": 3}))
    assert (limits.promptMaxChars, limits.maxSeed, limits.maxActiveJobs) == (2000, 2**31 - 1, 3)
    assert limits.aspectRatios == ["16:9", "9:16"] and [d.credits for d in limits.durations] == [1, 2, 3]
