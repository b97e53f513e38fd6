"""The credit rule: prices, and reserve / settle / refund / grant on an account, with deterministic entry ids."""

from __future__ import annotations

import datetime as dt

import pytest

from shared.domain import credits, errors
from shared.domain.credits import Account

NOW = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)


def test_a_credit_buys_five_seconds():
    assert [credits.credits_for(s) for s in (5, 10, 15)] == [1, 2, 3]


def test_reserve_then_settle_spends_and_reserve_then_refund_gives_back():
    account = Account("u", credits=5)
    entry = credits.reserve(account, "j", 3, NOW, max_active_jobs=5)
    assert (account.credits, account.reserved, account.active_jobs) == (2, 3, 1)
    assert (entry.id, entry.kind, entry.amount, entry.job_id) == ("reserve:j", "reserve", 3, "j")
    settled = credits.settle(account, "j", 3, NOW)
    assert (account.credits, account.reserved, account.active_jobs, settled.id) == (2, 0, 0, "settle:j")

    credits.reserve(account, "k", 2, NOW, max_active_jobs=5)
    refund = credits.refund(account, "k", 2, "canceled", NOW)
    assert (account.credits, account.reserved, refund.id, refund.reason) == (2, 0, "refund:k", "canceled")


def test_reserve_refuses_short_balances_and_too_many_unfinished_jobs():
    with pytest.raises(errors.InsufficientCredits, match="costs 2 credits; you have 1"):
        credits.reserve(Account("u", credits=1), "j", 2, NOW, max_active_jobs=5)
    with pytest.raises(errors.TooManyActiveJobs, match="5 unfinished"):
        credits.reserve(Account("u", credits=9, active_jobs=5), "j", 1, NOW, max_active_jobs=5)


def test_grants_never_take_the_balance_below_zero():
    account = Account("u", credits=3)
    credits.grant(account, "adjust:x", "adjust", -3, NOW, reason="chargeback", admin_uid="a")
    assert account.credits == 0
    with pytest.raises(errors.Conflict, match="below zero"):
        credits.grant(account, "adjust:y", "adjust", -1, NOW)
    with pytest.raises(ValueError):
        credits.grant(account, "x", "reserve", 1, NOW)  # type: ignore[arg-type]


def test_entry_ids_are_deterministic():
    assert credits.period_grant_entry_id("u", "2026-12-01") == "grant:u:2026-12-01"
    assert credits.topup_entry_id("pay-1") == "topup:pay-1"
    one = credits.adjustment_entry_id("admin", "u", "key-1")
    assert one == credits.adjustment_entry_id("admin", "u", "key-1") != credits.adjustment_entry_id("admin", "u", "k2")
    assert one.startswith("adjust:")
