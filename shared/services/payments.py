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

from shared.config import Settings
from shared.domain import errors, responses
from shared.domain.clock import utcnow
from shared.domain.payments import Payment, Purchase, Purpose, period_id
from shared.services.catalog import PlanCatalog
from shared.services.ports import Store, Transaction

# TrueLayer's beneficiary reference (shown on the payer's statement), at most 18 characters.
STATEMENT_REFERENCE = "CINEWEAVE CREDITS"
NOT_CONFIGURED = "Payments are not configured on this server yet; ask the operator to set the TrueLayer credentials."


class PaymentService:
    def __init__(
        self,
        store: Store,
        settings: Settings,
        catalog: PlanCatalog,
        provider: Any,
        clock: Callable[[], dt.datetime] = utcnow,
    ):
        self.store, self.settings, self.catalog, self.provider, self.clock = store, settings, catalog, provider, clock

    def require_configured(self) -> None:
        """Refuse a purchase before anything is recorded when TrueLayer cannot be called."""
        if not self.settings.payments_configured:
            raise errors.Unavailable(NOT_CONFIGURED)

    def subscribe(
        self, uid: str, email: str | None, plan_id: str, idempotency_key: str | None = None
    ) -> responses.PaymentStarted:
        self.require_configured()
        plan = self.catalog.plan(plan_id)
        account = self.store.account(uid)
        renews_at = account.renews_at
        if renews_at and self.store.subscription(uid).paid_until(renews_at, self.clock()):
            raise errors.Conflict(
                f"You are already on the {account.plan} plan until {renews_at.date()}; it renews by itself."
            )
        purchase = Purchase(
            Purpose.SUBSCRIPTION, plan.creditsPerMonth, plan.priceMinor, plan.currency, plan.id, period_id(self.clock())
        )
        if email:  # renewals run without the user's token and address the payment to this
            self.store.remember_email(uid, email)
        return self.start(uid, email, self._payment_id(uid, idempotency_key), purchase)

    def topup(
        self, uid: str, email: str | None, credits: int, idempotency_key: str | None = None
    ) -> responses.PaymentStarted:
        self.require_configured()
        amount = self.catalog.topup_amount(credits)
        purchase = Purchase(Purpose.TOPUP, credits, amount, self.settings.payment_currency)
        return self.start(uid, email, self._payment_id(uid, idempotency_key), purchase)

    def view(self, uid: str, payment_id: str) -> responses.PaymentView:
        payment = self.store.payment(payment_id)
        if payment is None or payment.uid != uid:
            raise errors.NotFound("No such payment.")
        return payment_view(payment)

    def start(
        self, uid: str, email: str | None, payment_id: str, purchase: Purchase, mandate_id: str | None = None
    ) -> responses.PaymentStarted:
        """Record the payment, create it at TrueLayer (idempotent on the payment id) and answer where to pay."""

        def record(tx: Transaction) -> Payment | None:
            existing = tx.payment(payment_id)
            if existing is not None:
                if existing.uid != uid or existing.purchase != purchase:
                    raise errors.Conflict("This Idempotency-Key was already used for a different purchase.")
                return existing
            tx.save_payment(Payment.new(payment_id, uid, purchase, mandate_id, self.clock()))
            return None

        existing = self.store.run(record)
        if existing and existing.provider_payment_id:
            return responses.PaymentStarted(paymentId=payment_id, redirectUrl=existing.redirect_url)

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

        def attach(tx: Transaction) -> None:
            current = tx.payment(payment_id)
            if current is not None:
                tx.save_payment(current.created_at_provider(created.id, created.status, redirect_url, self.clock()))

        self.store.run(attach)
        return responses.PaymentStarted(paymentId=payment_id, redirectUrl=redirect_url)

    @staticmethod
    def _payment_id(uid: str, idempotency_key: str | None) -> str:
        if idempotency_key:
            return "pay-" + hashlib.sha256(f"{uid}\n{idempotency_key}".encode()).hexdigest()[:32]
        return "pay-" + uuid.uuid4().hex


def payment_view(payment: Payment) -> responses.PaymentView:
    optional = {
        name: value
        for name, value in (
            ("planId", payment.plan_id),
            ("period", payment.period),
            ("redirectUrl", payment.redirect_url),
            ("failureReason", payment.failure_reason),
        )
        if value
    }
    return responses.PaymentView(
        paymentId=payment.id,
        status=payment.status,
        purpose=payment.purpose,
        credits=payment.credits,
        amountMinor=payment.amount_minor,
        currency=payment.currency,
        createdAt=payment.created_at.isoformat(),
        **optional,
    )
