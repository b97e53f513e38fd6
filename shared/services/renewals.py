"""Monthly plan renewal, run by Cloud Scheduler: one payment per user and period, granted by its webhook.

With a recurring mandate the period's payment is taken against it; without one the user gets a payment
link to approve (shown in the app). Either way the credits arrive only with the verified webhook, under the
ledger id `grant:{uid}:{period}`, so running the scheduler any number of times grants a period once.
A period left unpaid past the grace days ends the subscription; credits already granted stay (they roll over).
"""

from __future__ import annotations

import datetime as dt
import logging

from google.cloud import firestore

from shared import errors
from shared.adapters import firestore_db
from shared.config import Settings
from shared.domain.clock import utcnow
from shared.domain.payments import Purchase, Purpose, Subscription, SubscriptionStatus, period_id, renewal_payment_id
from shared.services.catalog import PlanCatalog
from shared.services.payments import PaymentService

log = logging.getLogger(__name__)


class Renewals:
    def __init__(
        self, db: firestore.Client, settings: Settings, catalog: PlanCatalog, payments: PaymentService, clock=utcnow
    ):
        self.db, self.settings, self.catalog, self.payments, self.clock = db, settings, catalog, payments, clock

    def run(self) -> dict:
        counts = {"started": 0, "pending": 0, "lapsed": 0, "errors": 0}
        now = self.clock()
        due = firestore_db.users(self.db).where(filter=firestore.FieldFilter("renewsAt", "<=", now)).stream()
        for snap in due:
            user = snap.to_dict()
            subscription = Subscription.from_document(user.get("subscription"))
            if not subscription.renewable or not user.get("plan"):
                continue
            try:
                counts[self._renew(snap.id, user, subscription, now)] += 1
            except errors.CineWeaveError as exc:
                counts["errors"] += 1
                log.warning("renewal of %s failed: %s", snap.id, exc.message)
        return counts

    def _renew(self, uid: str, user: dict, subscription: Subscription, now: dt.datetime) -> str:
        renews_at: dt.datetime = user["renewsAt"]
        period = period_id(renews_at)
        if now - renews_at > dt.timedelta(days=self.settings.renewal_grace_days):
            return self._lapse(uid, renews_at)
        payment_id = renewal_payment_id(uid, period)
        if subscription.renewal_awaits(payment_id):
            return "pending"
        plan = self.catalog.plan(subscription.plan_id or user["plan"])
        purchase = Purchase(Purpose.RENEWAL, plan.creditsPerMonth, plan.priceMinor, plan.currency, plan.id, period)
        mandate_id = subscription.usable_mandate
        if subscription.status == SubscriptionStatus.PAYMENT_FAILED:
            # The failed attempt's id is spent; a retry for the same period gets a new payment id.
            payment_id = f"{payment_id}-retry-{int(now.timestamp())}"
        answer = self.payments.start(uid, user.get("email"), payment_id, purchase, mandate_id=mandate_id)
        # A merge of just these fields: the user document was read before TrueLayer was called.
        started = subscription.renewal_started(payment_id, answer.redirectUrl, period)
        changed = started.model_dump(by_alias=True, include={"pending_renewal", "status"})
        firestore_db.users(self.db).document(uid).set({"subscription": changed}, merge=True)
        log.info("renewal of %s for %s started (%s)", uid, period, "mandate" if mandate_id else "payment link")
        return "started"

    def _lapse(self, uid: str, renews_at: dt.datetime) -> str:
        ref = firestore_db.users(self.db).document(uid)

        def apply(tx) -> None:
            user = ref.get(transaction=tx).to_dict() or {}
            if user.get("renewsAt") != renews_at:
                return  # paid meanwhile
            lapsed = Subscription.from_document(user.get("subscription")).lapsed()
            tx.set(ref, {"plan": None, "subscription": lapsed.document()}, merge=True)

        firestore_db.run_transaction(self.db, apply)
        log.info("subscription of %s lapsed: the period from %s was not paid", uid, renews_at.date())
        return "lapsed"
