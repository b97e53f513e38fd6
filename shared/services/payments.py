"""Buying credits: plan subscriptions, renewals and top-ups paid through TrueLayer.

Starting a purchase records `payments/{paymentId}` before TrueLayer hears of it (the payment id is also the
Idempotency-Key, so a retry can never make a second payment) and answers the Hosted Payment Page URL. The
return to the app proves nothing: only a verified webhook (`shared.services.payment_events`) grants credits.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Callable
from typing import Any

from google.cloud import firestore

from shared import errors
from shared.adapters import firestore_db
from shared.config import Settings
from shared.domain import responses
from shared.domain.clock import utcnow
from shared.domain.payments import PaymentStatus, Purchase, Purpose, Subscription, advance, period_id
from shared.services.catalog import PlanCatalog

# TrueLayer's beneficiary reference (shown on the payer's statement), at most 18 characters.
STATEMENT_REFERENCE = "CINEWEAVE CREDITS"
NOT_CONFIGURED = "Payments are not configured on this server yet; ask the operator to set the TrueLayer credentials."


class PaymentService:
    def __init__(
        self,
        db: firestore.Client,
        settings: Settings,
        catalog: PlanCatalog,
        provider: Any,
        clock: Callable[[], dt.datetime] = utcnow,
    ):
        self.db, self.settings, self.catalog, self.provider, self.clock = db, settings, catalog, provider, clock

    def require_configured(self) -> None:
        """Refuse a purchase before anything is recorded when TrueLayer cannot be called."""
        if not self.settings.payments_configured:
            raise errors.Unavailable(NOT_CONFIGURED)

    def subscribe(
        self, uid: str, email: str | None, plan_id: str, idempotency_key: str | None = None
    ) -> responses.PaymentStarted:
        self.require_configured()
        plan = self.catalog.plan(plan_id)
        user = firestore_db.users(self.db).document(uid).get().to_dict() or {}
        renews_at = user.get("renewsAt")
        if renews_at and Subscription.from_document(user.get("subscription")).paid_until(renews_at, self.clock()):
            raise errors.Conflict(
                f"You are already on the {user.get('plan')} plan until {renews_at.date()}; it renews by itself."
            )
        purchase = Purchase(
            Purpose.SUBSCRIPTION,
            plan.creditsPerMonth,
            plan.priceMinor,
            plan.currency,
            plan.id,
            period_id(self.clock()),
        )
        if email:  # renewals run without the user's token and address the payment to this
            firestore_db.users(self.db).document(uid).set({"email": email}, merge=True)
        return self.start(uid, email, self._payment_id(uid, idempotency_key), purchase)

    def topup(
        self, uid: str, email: str | None, credits: int, idempotency_key: str | None = None
    ) -> responses.PaymentStarted:
        self.require_configured()
        amount = self.catalog.topup_amount(credits)
        purchase = Purchase(Purpose.TOPUP, credits, amount, self.settings.payment_currency)
        return self.start(uid, email, self._payment_id(uid, idempotency_key), purchase)

    def view(self, uid: str, payment_id: str) -> responses.PaymentView:
        snap = firestore_db.payments(self.db).document(payment_id).get()
        if not snap.exists or snap.get("uid") != uid:
            raise errors.NotFound("No such payment.")
        return payment_view(snap.id, snap.to_dict())

    def start(
        self, uid: str, email: str | None, payment_id: str, purchase: Purchase, mandate_id: str | None = None
    ) -> responses.PaymentStarted:
        """Record the payment, create it at TrueLayer (idempotent on the payment id) and answer where to pay."""
        ref = firestore_db.payments(self.db).document(payment_id)

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
                    "status": PaymentStatus.CREATING.value,
                    "mandateId": mandate_id,
                    "createdAt": now,
                    "updatedAt": now,
                },
            )
            return None

        existing = firestore_db.run_transaction(self.db, record)
        if existing and existing.get("providerPaymentId"):
            return responses.PaymentStarted(paymentId=payment_id, redirectUrl=existing.get("redirectUrl"))

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
            status = advance(current["status"], created.status)
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

        firestore_db.run_transaction(self.db, attach)
        return responses.PaymentStarted(paymentId=payment_id, redirectUrl=redirect_url)

    @staticmethod
    def _payment_id(uid: str, idempotency_key: str | None) -> str:
        if idempotency_key:
            return "pay-" + hashlib.sha256(f"{uid}\n{idempotency_key}".encode()).hexdigest()[:32]
        return "pay-" + uuid.uuid4().hex


def payment_view(payment_id: str, record: dict[str, Any]) -> responses.PaymentView:
    optional = {key: record[key] for key in ("planId", "period", "redirectUrl", "failureReason") if record.get(key)}
    return responses.PaymentView(
        paymentId=payment_id,
        status=record["status"],
        purpose=record["purpose"],
        credits=record["credits"],
        amountMinor=record["amountMinor"],
        currency=record["currency"],
        createdAt=record["createdAt"].isoformat(),
        **optional,
    )
