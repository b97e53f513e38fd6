"""Monthly plan renewal, run by Cloud Scheduler: one payment per user and period, granted by its webhook.

With a recurring mandate the period's payment is taken against it; without one the user gets a payment
link to approve (shown in the app). Either way the credits arrive only with the verified webhook, under the
ledger id `grant:{uid}:{period}`, so running the scheduler any number of times grants a period once.
A period left unpaid past the grace days ends the subscription; credits already granted stay (they roll over).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from shared.config import Settings
from shared.domain import errors
from shared.domain.clock import utcnow
from shared.domain.credits import Account
from shared.domain.payments import Purchase, Purpose, Subscription, SubscriptionStatus, period_id, renewal_payment_id
from shared.log import bind, fields, get_logger, scope
from shared.services.catalog import PlanCatalog
from shared.services.payments import PaymentService
from shared.services.ports import Store, Transaction

log = get_logger("renewals")


class Renewals:
    def __init__(
        self,
        store: Store,
        settings: Settings,
        catalog: PlanCatalog,
        payments: PaymentService,
        clock: Callable[[], dt.datetime] = utcnow,
    ):
        self.store, self.settings, self.catalog, self.payments, self.clock = store, settings, catalog, payments, clock

    def run(self) -> dict[str, int]:
        counts = {"started": 0, "pending": 0, "lapsed": 0, "errors": 0}
        now = self.clock()
        for account, subscription in self.store.renewals_due(now):
            if not subscription.renewable or not account.plan:
                continue
            with scope(uid=account.uid):  # one run renews many users: each one's lines carry its uid
                try:
                    counts[self._renew(account, subscription, now)] += 1
                except errors.CineWeaveError as exc:
                    counts["errors"] += 1
                    log.warning("renewal failed: %s", exc.message, extra=fields(code=exc.code))
        log.info("renewals run", extra=fields(**counts))
        return counts

    def _renew(self, account: Account, subscription: Subscription, now: dt.datetime) -> str:
        renews_at = account.renews_at
        assert renews_at is not None  # only accounts with a paid period come due
        period = period_id(renews_at)
        if now - renews_at > dt.timedelta(days=self.settings.renewal_grace_days):
            return self._lapse(account.uid, renews_at)
        payment_id = renewal_payment_id(account.uid, period)
        if subscription.renewal_awaits(payment_id):
            return "pending"
        plan = self.catalog.plan(subscription.plan_id or account.plan or "")
        purchase = Purchase(Purpose.RENEWAL, plan.creditsPerMonth, plan.priceMinor, plan.currency, plan.id, period)
        mandate_id = subscription.usable_mandate
        if subscription.status == SubscriptionStatus.PAYMENT_FAILED:
            # The failed attempt's id is spent; a retry for the same period gets a new payment id.
            payment_id = f"{payment_id}-retry-{int(now.timestamp())}"
        bind(paymentId=payment_id)  # for the lines of taking the payment too
        answer = self.payments.start(account.uid, account.email, payment_id, purchase, mandate_id=mandate_id)
        self.store.note_renewal(account.uid, subscription.renewal_started(payment_id, answer.redirectUrl, period))
        log.info(
            "renewal started",
            extra=fields(period=period, method="mandate" if mandate_id else "payment_link"),
        )
        return "started"

    def _lapse(self, uid: str, renews_at: dt.datetime) -> str:
        def apply(tx: Transaction) -> None:
            account = tx.account(uid)
            subscription = tx.subscription(uid)
            if account.renews_at != renews_at:
                return  # paid meanwhile
            tx.save_plan(uid, None, account.renews_at, subscription.lapsed())

        self.store.run(apply)
        log.info("subscription lapsed: the period was not paid", extra=fields(periodStart=renews_at.date()))
        return "lapsed"
