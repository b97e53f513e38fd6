"""Payments and subscriptions: what a payment buys, how far it has got, and the plan periods it pays for.

A payment only ever moves forward (a late or repeated event never moves it back); its credits are granted
once it is executed or settled. A subscription is active while its period is paid, payment_failed while a
renewal is refused, and lapsed once a period stays unpaid past the grace days.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import enum
from typing import Any

from shared.domain import credits
from shared.domain.credits import GrantKind


class PaymentStatus(enum.StrEnum):
    CREATING = "creating"
    AUTHORIZATION_REQUIRED = "authorization_required"
    AUTHORIZING = "authorizing"
    AUTHORIZED = "authorized"
    FAILED = "failed"
    EXECUTED = "executed"
    SETTLED = "settled"


# How far a payment has got; a move is allowed only to a higher rank.
STATUS_RANK: dict[str, int] = {
    PaymentStatus.CREATING: 0,
    PaymentStatus.AUTHORIZATION_REQUIRED: 1,
    PaymentStatus.AUTHORIZING: 2,
    PaymentStatus.AUTHORIZED: 2,
    PaymentStatus.FAILED: 3,
    PaymentStatus.EXECUTED: 4,
    PaymentStatus.SETTLED: 5,
}
# The states in which a payment's credits have been granted.
GRANTED_STATUSES = (PaymentStatus.EXECUTED, PaymentStatus.SETTLED)


def advance(current: str, new: str) -> str:
    """The status after an event saying `new`: forward only, and unknown states never move it back."""
    return str(new) if STATUS_RANK.get(new, 0) > STATUS_RANK.get(current, 0) else current


class SubscriptionStatus(enum.StrEnum):
    ACTIVE = "active"
    PAYMENT_FAILED = "payment_failed"
    LAPSED = "lapsed"


RENEWABLE = (SubscriptionStatus.ACTIVE, SubscriptionStatus.PAYMENT_FAILED)


class Purpose(enum.StrEnum):
    SUBSCRIPTION = "subscription"
    RENEWAL = "renewal"
    TOPUP = "topup"


@dataclasses.dataclass(frozen=True)
class Purchase:
    """What a payment buys."""

    purpose: str  # a Purpose
    credits: int
    amount_minor: int
    currency: str
    plan_id: str | None = None
    period: str | None = None  # start date (YYYY-MM-DD) of the plan period the payment pays for

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Purchase:
        return cls(
            record["purpose"],
            record["credits"],
            record["amountMinor"],
            record["currency"],
            record.get("planId"),
            record.get("period"),
        )

    def record(self) -> dict[str, Any]:
        return {
            "purpose": self.purpose,
            "credits": self.credits,
            "amountMinor": self.amount_minor,
            "currency": self.currency,
            "planId": self.plan_id,
            "period": self.period,
        }

    def ledger_entry(self, uid: str, payment_id: str) -> tuple[str, GrantKind]:
        """(entry id, kind) of the grant this purchase makes: one per plan period, one per top-up."""
        if self.purpose == Purpose.TOPUP or self.period is None:
            return credits.topup_entry_id(payment_id), "topup"
        return credits.period_grant_entry_id(uid, self.period), "grant"

    def as_extra_topup(self) -> Purchase:
        """A second payment for a period already paid: its money was taken, so it buys credits like a top-up."""
        return Purchase(Purpose.TOPUP, self.credits, self.amount_minor, self.currency)


def period_id(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).date().isoformat()


def add_month(day: dt.date) -> dt.date:
    """Same day next month, or the month's last day when it is shorter (Jan 31 → Feb 28/29)."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def period_end(period: str) -> dt.datetime:
    start = dt.date.fromisoformat(period)
    end = add_month(start)
    return dt.datetime(end.year, end.month, end.day, tzinfo=dt.UTC)


def renewal_payment_id(uid: str, period: str) -> str:
    """Deterministic, so however often the scheduler runs a period gets one payment."""
    return f"renew-{uid}-{period}"
