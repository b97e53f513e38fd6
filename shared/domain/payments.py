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

from pydantic import BaseModel, ConfigDict

from shared.domain import credits
from shared.domain.credits import GrantKind
from shared.domain.records import StoredRecord


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


class PendingRenewal(BaseModel):
    model_config = ConfigDict(extra="allow")

    paymentId: str
    redirectUrl: str | None = None
    period: str | None = None


class Subscription(StoredRecord):
    """A user's plan subscription as stored on their user document (`subscription`); each move returns a new
    one, or None when the event does not apply to it."""

    plan_id: str | None = None
    status: SubscriptionStatus | None = None
    period_start: str | None = None
    pending_renewal: PendingRenewal | None = None
    mandate_id: str | None = None
    mandate_status: str | None = None

    @classmethod
    def from_document(cls, data: dict[str, Any] | None) -> Subscription:
        return cls.model_validate(data or {})

    @property
    def renewable(self) -> bool:
        return self.status in RENEWABLE

    @property
    def usable_mandate(self) -> str | None:
        """The recurring mandate a renewal can be charged against without the user."""
        return self.mandate_id if self.mandate_status == "authorized" else None

    def paid_until(self, renews_at: dt.datetime | None, now: dt.datetime) -> bool:
        """Active with a period still running: a new subscription would pay twice."""
        return self.status == SubscriptionStatus.ACTIVE and renews_at is not None and renews_at > now

    def activated(self, plan_id: str, period: str) -> Subscription:
        """A period is paid: the plan is active from its start and nothing is pending."""
        return self._with(plan_id=plan_id, status=SubscriptionStatus.ACTIVE, period_start=period, pending_renewal=None)

    def renewal_awaits(self, payment_id: str) -> bool:
        """This renewal payment was already asked for and has not been refused."""
        pending = self.pending_renewal
        return (
            pending is not None and pending.paymentId == payment_id and self.status != SubscriptionStatus.PAYMENT_FAILED
        )

    def renewal_started(self, payment_id: str, redirect_url: str | None, period: str) -> Subscription:
        pending = PendingRenewal(paymentId=payment_id, redirectUrl=redirect_url, period=period)
        return self._with(pending_renewal=pending, status=SubscriptionStatus.ACTIVE)

    def renewal_refused(self, payment_id: str) -> Subscription | None:
        """The pending renewal's payment failed; another payment of some other purpose changes nothing."""
        if self.pending_renewal is None or self.pending_renewal.paymentId != payment_id:
            return None
        return self._with(status=SubscriptionStatus.PAYMENT_FAILED)

    def lapsed(self) -> Subscription:
        return self._with(status=SubscriptionStatus.LAPSED, pending_renewal=None)

    def mandate_authorized(self, mandate_id: str) -> Subscription:
        return self._with(mandate_id=mandate_id, mandate_status="authorized")

    def mandate_ended(self, mandate_id: str, how: str) -> Subscription | None:
        """The mandate was revoked or failed: None when it is not this subscription's mandate."""
        if self.mandate_id != mandate_id:
            return None
        return self._with(mandate_id=None, mandate_status=how)


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


class Payment(StoredRecord):
    """A payment as stored in `payments/{paymentId}`: what it buys, and how far it has got."""

    id: str
    uid: str
    purpose: str
    credits: int
    amount_minor: int
    currency: str
    plan_id: str | None = None
    period: str | None = None
    status: str
    mandate_id: str | None = None
    provider_payment_id: str | None = None
    redirect_url: str | None = None
    granted_entry_id: str | None = None
    granted_at: dt.datetime | None = None
    failure_reason: str | None = None
    created_at: dt.datetime
    updated_at: dt.datetime | None = None

    @classmethod
    def new(cls, payment_id: str, uid: str, purchase: Purchase, mandate_id: str | None, now: dt.datetime) -> Payment:
        return cls.model_validate(
            {
                "id": payment_id,
                "uid": uid,
                **purchase.record(),
                "status": PaymentStatus.CREATING.value,
                "mandateId": mandate_id,
                "createdAt": now,
                "updatedAt": now,
            }
        )

    @classmethod
    def from_document(cls, payment_id: str, data: dict[str, Any]) -> Payment:
        return cls.model_validate({**data, "id": payment_id})

    @property
    def purchase(self) -> Purchase:
        return Purchase(self.purpose, self.credits, self.amount_minor, self.currency, self.plan_id, self.period)

    def created_at_provider(
        self, provider_id: str, provider_status: str, redirect_url: str | None, now: dt.datetime
    ) -> Payment:
        return self._with(
            provider_payment_id=provider_id,
            redirect_url=redirect_url,
            status=advance(self.status, provider_status),
            updated_at=now,
        )

    def reached(self, status: str, now: dt.datetime) -> Payment:
        return self._with(status=advance(self.status, status), updated_at=now)

    def granted(self, status: str, entry_id: str, now: dt.datetime) -> Payment:
        return self.reached(status, now)._with(granted_entry_id=entry_id, granted_at=now)

    def refused(self, reason: str, now: dt.datetime) -> Payment:
        return self.reached(PaymentStatus.FAILED, now)._with(failure_reason=reason)


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
