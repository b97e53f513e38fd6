"""Buying credits: plan subscriptions, renewals and top-ups paid through TrueLayer.

Starting a purchase records `payments/{paymentId}` before TrueLayer hears of it (the payment id is also the
Idempotency-Key, so a retry can never make a second payment) and answers the Hosted Payment Page URL. The
return to the app proves nothing: only a verified webhook (`shared.payment_events`) grants credits.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import hashlib
import uuid

from google.cloud import firestore

from shared import errors, store
from shared.config import Settings
from shared.models import utcnow
from shared.pricing import PlanCatalog

# How far a payment has got; a late or repeated event never moves it back.
STATUS_RANK = {
    "creating": 0,
    "authorization_required": 1,
    "authorizing": 2,
    "authorized": 2,
    "failed": 3,
    "executed": 4,
    "settled": 5,
}
# TrueLayer's beneficiary reference (shown on the payer's statement), at most 18 characters.
STATEMENT_REFERENCE = "CINEWEAVE CREDITS"
NOT_CONFIGURED = "Payments are not configured on this server yet; ask the operator to set the TrueLayer credentials."


@dataclasses.dataclass(frozen=True)
class Purchase:
    """What a payment buys."""

    purpose: str  # "subscription", "renewal" or "topup"
    credits: int
    amount_minor: int
    currency: str
    plan_id: str | None = None
    period: str | None = None  # start date (YYYY-MM-DD) of the plan period the payment pays for

    @classmethod
    def from_record(cls, record: dict) -> "Purchase":
        return cls(
            record["purpose"],
            record["credits"],
            record["amountMinor"],
            record["currency"],
            record.get("planId"),
            record.get("period"),
        )

    def record(self) -> dict:
        return {
            "purpose": self.purpose,
            "credits": self.credits,
            "amountMinor": self.amount_minor,
            "currency": self.currency,
            "planId": self.plan_id,
            "period": self.period,
        }

    def ledger_entry(self, uid: str, payment_id: str) -> tuple[str, str]:
        """(entry id, kind) of the grant this purchase makes: one per plan period, one per top-up."""
        if self.purpose == "topup":
            return f"topup:{payment_id}", "topup"
        return f"grant:{uid}:{self.period}", "grant"


def period_id(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).date().isoformat()


def add_month(day: dt.date) -> dt.date:
    """Same day next month, or the month's last day when it is shorter (Jan 31 → Feb 28/29)."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def period_end(period: str) -> dt.datetime:
    start = dt.date.fromisoformat(period)
    end = add_month(start)
    return dt.datetime(end.year, end.month, end.day, tzinfo=dt.timezone.utc)


def renewal_payment_id(uid: str, period: str) -> str:
    """Deterministic, so however often the scheduler runs a period gets one payment."""
    return f"renew-{uid}-{period}"


class PaymentService:
    def __init__(self, db: firestore.Client, settings: Settings, catalog: PlanCatalog, provider, clock=utcnow):
        self.db, self.settings, self.catalog, self.provider, self.clock = db, settings, catalog, provider, clock

    def require_configured(self) -> None:
        """Refuse a purchase before anything is recorded when TrueLayer cannot be called."""
        if not self.settings.payments_configured:
            raise errors.Unavailable(NOT_CONFIGURED)

    def subscribe(self, uid: str, email: str | None, plan_id: str, idempotency_key: str | None = None) -> dict:
        self.require_configured()
        plan = self.catalog.plan(plan_id)
        user = store.users(self.db).document(uid).get().to_dict() or {}
        subscription = user.get("subscription") or {}
        renews_at = user.get("renewsAt")
        if subscription.get("status") == "active" and renews_at and renews_at > self.clock():
            raise errors.Conflict(
                f"You are already on the {user.get('plan')} plan until {renews_at.date()}; it renews by itself."
            )
        purchase = Purchase(
            "subscription",
            plan["creditsPerMonth"],
            plan["priceMinor"],
            plan["currency"],
            plan["id"],
            period_id(self.clock()),
        )
        if email:  # renewals run without the user's token and address the payment to this
            store.users(self.db).document(uid).set({"email": email}, merge=True)
        return self.start(uid, email, self._payment_id(uid, idempotency_key), purchase)

    def topup(self, uid: str, email: str | None, credits: int, idempotency_key: str | None = None) -> dict:
        self.require_configured()
        amount = self.catalog.topup_amount(credits)
        purchase = Purchase("topup", credits, amount, self.settings.payment_currency)
        return self.start(uid, email, self._payment_id(uid, idempotency_key), purchase)

    def view(self, uid: str, payment_id: str) -> dict:
        snap = store.payments(self.db).document(payment_id).get()
        if not snap.exists or snap.get("uid") != uid:
            raise errors.NotFound("No such payment.")
        return payment_view(snap.id, snap.to_dict())

    def start(
        self, uid: str, email: str | None, payment_id: str, purchase: Purchase, mandate_id: str | None = None
    ) -> dict:
        """Record the payment, create it at TrueLayer (idempotent on the payment id) and answer where to pay."""
        ref = store.payments(self.db).document(payment_id)

        def record(tx) -> dict | None:
            snap = ref.get(transaction=tx)
            if snap.exists:
                existing = snap.to_dict()
                if existing["uid"] != uid or Purchase.from_record(existing) != purchase:
                    raise errors.Conflict("This Idempotency-Key was already used for a different purchase.")
                return existing
            now = self.clock()
            tx.set(
                ref,
                {
                    "uid": uid,
                    **purchase.record(),
                    "status": "creating",
                    "mandateId": mandate_id,
                    "createdAt": now,
                    "updatedAt": now,
                },
            )
            return None

        existing = store.run_transaction(self.db, record)
        if existing and existing.get("providerPaymentId"):
            return {"paymentId": payment_id, "redirectUrl": existing.get("redirectUrl")}

        created = self.provider.create_payment(
            idempotency_key=payment_id,
            amount_minor=purchase.amount_minor,
            currency=purchase.currency,
            reference=STATEMENT_REFERENCE,
            user={"name": email or uid, "email": email},
            metadata={"paymentId": payment_id, "uid": uid},
            mandate_id=mandate_id,
        )
        redirect_url = None
        if mandate_id is None:
            return_uri = f"{self.settings.public_base_url}/account?paymentId={payment_id}"
            redirect_url = self.provider.hosted_payment_page_url(created, return_uri)

        def attach(tx) -> None:
            current = ref.get(transaction=tx).to_dict()
            status = (
                created.status
                if STATUS_RANK.get(created.status, 0) > STATUS_RANK[current["status"]]
                else current["status"]
            )
            tx.set(
                ref,
                {
                    "providerPaymentId": created.id,
                    "redirectUrl": redirect_url,
                    "status": status,
                    "updatedAt": self.clock(),
                },
                merge=True,
            )

        store.run_transaction(self.db, attach)
        return {"paymentId": payment_id, "redirectUrl": redirect_url}

    @staticmethod
    def _payment_id(uid: str, idempotency_key: str | None) -> str:
        if idempotency_key:
            return "pay-" + hashlib.sha256(f"{uid}\n{idempotency_key}".encode()).hexdigest()[:32]
        return "pay-" + uuid.uuid4().hex


def payment_view(payment_id: str, record: dict) -> dict:
    view = {
        "paymentId": payment_id,
        "status": record["status"],
        "purpose": record["purpose"],
        "credits": record["credits"],
        "amountMinor": record["amountMinor"],
        "currency": record["currency"],
        "createdAt": record["createdAt"].isoformat(),
    }
    for key in ("planId", "period", "redirectUrl", "failureReason"):
        if record.get(key):
            view[key] = record[key]
    return view
