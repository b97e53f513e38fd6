"""Payment and subscription rules: forward-only statuses, plan periods and what each purchase grants."""

from __future__ import annotations

import datetime as dt

from shared.domain.payments import (
    GRANTED_STATUSES,
    Purchase,
    Purpose,
    Subscription,
    add_month,
    advance,
    period_end,
    period_id,
    renewal_payment_id,
)


def test_a_payment_only_moves_forward():
    assert advance("creating", "authorized") == "authorized"
    assert advance("settled", "executed") == "settled"  # settled before executed stays settled
    assert advance("executed", "failed") == "executed"
    assert advance("authorized", "something-new") == "authorized"
    assert set(GRANTED_STATUSES) == {"executed", "settled"}


def test_plan_periods_run_a_calendar_month():
    assert add_month(dt.date(2026, 1, 31)) == dt.date(2026, 2, 28)
    assert add_month(dt.date(2028, 1, 31)) == dt.date(2028, 2, 29)
    assert add_month(dt.date(2026, 12, 15)) == dt.date(2027, 1, 15)
    assert period_end("2026-12-15") == dt.datetime(2027, 1, 15, tzinfo=dt.UTC)
    assert period_id(dt.datetime(2026, 12, 1, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5)))) == "2026-12-02"
    assert renewal_payment_id("u", "2026-12-01") == "renew-u-2026-12-01"


def test_each_purchase_grants_under_one_entry():
    plan = Purchase(Purpose.SUBSCRIPTION, 250, 2480, "GBP", "creator", "2026-12-01")
    assert plan.ledger_entry("u", "pay-1") == ("grant:u:2026-12-01", "grant")
    assert Purchase(Purpose.RENEWAL, 250, 2480, "GBP", "creator", "2026-12-01").ledger_entry("u", "p2")[0] == (
        "grant:u:2026-12-01"
    )
    assert Purchase(Purpose.TOPUP, 40, 800, "GBP").ledger_entry("u", "pay-3") == ("topup:pay-3", "topup")
    extra = plan.as_extra_topup()
    assert (extra.purpose, extra.credits, extra.plan_id) == ("topup", 250, None)
    assert Purchase.from_record(plan.record()) == plan


def test_a_subscription_is_activated_renewed_refused_and_lapsed():
    stored = Subscription.from_document({"planId": "creator", "status": "active", "mandateId": "m1",
                                         "mandateStatus": "authorized", "futureField": 1})  # fmt: skip
    assert stored.renewable and stored.usable_mandate == "m1"
    now = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    assert stored.paid_until(now + dt.timedelta(days=1), now) and not stored.paid_until(now, now)

    started = stored.renewal_started("renew-u-2026-12-01", None, "2026-12-01")
    assert started.renewal_awaits("renew-u-2026-12-01") and not started.renewal_awaits("renew-u-2027-01-01")
    assert stored.renewal_refused("renew-u-2026-12-01") is None  # nothing pending: not a renewal payment
    refused = started.renewal_refused("renew-u-2026-12-01")
    assert refused is not None and refused.status == "payment_failed" and refused.renewable
    assert not refused.renewal_awaits("renew-u-2026-12-01")  # a refused renewal is asked for again

    paid = refused.activated("studio", "2026-12-01")
    assert paid.document() == {
        "planId": "studio", "status": "active", "mandateId": "m1", "mandateStatus": "authorized",
        "futureField": 1, "periodStart": "2026-12-01", "pendingRenewal": None,
    }  # fmt: skip
    lapsed = paid.lapsed()
    assert lapsed.status == "lapsed" and not lapsed.renewable and lapsed.document()["pendingRenewal"] is None


def test_only_the_subscriptions_own_mandate_can_end():
    with_mandate = Subscription.from_document(None).mandate_authorized("m1")
    assert with_mandate.usable_mandate == "m1"
    assert with_mandate.mandate_ended("m2", "revoked") is None
    ended = with_mandate.mandate_ended("m1", "revoked")
    assert ended is not None and ended.usable_mandate is None and ended.document()["mandateStatus"] == "revoked"
