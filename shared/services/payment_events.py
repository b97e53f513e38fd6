"""TrueLayer webhook events → payment status, credits and subscription, each exactly once.

Every event id is recorded in `webhookEvents` in the same transaction as its effect, so a redelivery is a
no-op; grants use deterministic ledger ids, so two different events for one payment (executed, then
settled, in either order) still grant once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from shared.domain import credits, errors
from shared.domain.clock import utcnow
from shared.domain.ids import is_document_id
from shared.domain.payments import PaymentStatus, Subscription, period_end
from shared.log import bind, fields, get_logger
from shared.services.ports import Store, Transaction

log = get_logger("payment_events")

GRANTING = {"payment_executed": PaymentStatus.EXECUTED, "payment_settled": PaymentStatus.SETTLED}
MANDATE_EVENTS = {"mandate_authorized", "mandate_revoked", "mandate_failed"}


class PaymentEvents:
    def __init__(self, store: Store, clock: Callable[[], dt.datetime] = utcnow):
        self.store, self.clock = store, clock

    def handle(self, event: dict[str, Any]) -> str:
        """Apply one verified event; returns what it did (for the log and the response)."""
        kind, event_id = event.get("type"), event.get("event_id")
        if not isinstance(kind, str) or not isinstance(event_id, str) or not event_id:
            raise errors.InvalidArgument("A webhook event needs a string `type` and `event_id`.")
        if kind in GRANTING or kind == "payment_failed":
            return self._payment_event(kind, event_id, event)
        if kind in MANDATE_EVENTS:
            return self._mandate_event(kind, event_id, event)
        log.info("ignoring TrueLayer event of unknown type", extra=fields(eventId=event_id, type=kind))
        return "ignored"

    def _payment_event(self, kind: str, event_id: str, event: dict[str, Any]) -> str:
        payment_id = self._our_payment_id(event)
        if payment_id is None:
            log.warning(
                "TrueLayer event for an unknown payment",
                extra=fields(eventId=event_id, type=kind, providerPaymentId=event.get("payment_id")),
            )
            return "unknown_payment"
        bind(paymentId=payment_id)

        def apply(tx: Transaction) -> str:
            payment = tx.payment(payment_id)
            if payment is None:  # found a moment ago; payments are never deleted
                return "unknown_payment"
            uid, purchase = payment.uid, payment.purchase
            bind(uid=uid)
            entry_id, entry_kind = purchase.ledger_entry(uid, payment_id)
            period_entry = tx.entry(uid, entry_id)
            if period_entry is not None and period_entry.payment_id != payment_id:
                # A second payment for a period already paid (two tabs, say): the money was taken, so its
                # credits are granted too, under an id of its own; the period itself is not extended twice.
                entry_id = f"{entry_id}:{payment_id}"
                purchase = purchase.as_extra_topup()
            account = tx.account(uid)
            granted = tx.entry(uid, entry_id) is not None
            subscription = tx.subscription(uid)
            now = self.clock()
            if kind in GRANTING:
                if granted:
                    tx.save_payment(payment.reached(GRANTING[kind], now))
                    return "already_granted"
                entry = credits.grant(account, entry_id, entry_kind, purchase.credits, now, payment_id=payment_id)
                tx.record(account, entry)
                if purchase.plan_id and purchase.period:
                    active = subscription.activated(purchase.plan_id, purchase.period)
                    tx.save_plan(uid, purchase.plan_id, period_end(purchase.period), active)
                tx.save_payment(payment.granted(GRANTING[kind], entry_id, now))
                return "granted"
            if granted:
                tx.save_payment(payment.reached(payment.status, now))
                return "already_granted"
            refused = subscription.renewal_refused(payment_id)
            if refused is not None:
                tx.save_subscription(uid, refused)
            tx.save_payment(payment.refused(str(event.get("failure_reason") or "unknown"), now))
            return "failed"

        effect = self._once(event_id, kind, {"paymentId": payment_id}, apply)
        log.info("TrueLayer payment event: %s", effect, extra=fields(eventId=event_id, type=kind, effect=effect))
        return effect

    def _our_payment_id(self, event: dict[str, Any]) -> str | None:
        candidate = _stored_id(_metadata(event).get("paymentId"))
        if candidate is not None and self.store.payment(candidate) is not None:
            return candidate
        provider_id = event.get("payment_id")
        if not isinstance(provider_id, str) or not provider_id:
            return None
        found = self.store.payment_for_provider_id(provider_id)
        return found.id if found else None

    def _mandate_event(self, kind: str, event_id: str, event: dict[str, Any]) -> str:
        mandate_id = event.get("mandate_id")
        uid = _stored_id(_metadata(event).get("uid"))
        if uid is None and isinstance(mandate_id, str) and mandate_id:
            uid = self.store.user_with_mandate(mandate_id)
        if not isinstance(mandate_id, str) or not mandate_id or uid is None:
            log.warning(
                "TrueLayer mandate event with no user", extra=fields(eventId=event_id, type=kind, mandateId=mandate_id)
            )
            return "unknown_mandate"
        user = uid
        bind(uid=user)

        def apply(tx: Transaction) -> str:
            subscription = tx.subscription(user)
            changed: Subscription | None
            if kind == "mandate_authorized":
                changed, effect = subscription.mandate_authorized(mandate_id), "mandate_authorized"
            else:
                changed, effect = (
                    subscription.mandate_ended(mandate_id, kind.removeprefix("mandate_")),
                    "mandate_cleared",
                )
            if changed is None:
                return "mandate_unchanged"
            tx.save_subscription(user, changed)
            return effect

        effect = self._once(event_id, kind, {"mandateId": mandate_id, "uid": user}, apply)
        log.info("TrueLayer mandate event: %s", effect, extra=fields(eventId=event_id, type=kind, mandateId=mandate_id))
        return effect

    def _once(self, event_id: str, kind: str, refs: dict[str, Any], apply: Callable[[Transaction], str]) -> str:
        """Run `apply(tx)` and record the event with its effect in one transaction; a recorded event is a
        redelivery and changes nothing."""

        def once(tx: Transaction) -> str:
            if tx.event_seen(event_id):
                return "duplicate"
            effect = apply(tx)
            tx.record_event(event_id, {"type": kind, **refs, "effect": effect, "receivedAt": self.clock()})
            return effect

        return self.store.run(once)


def _stored_id(value: object) -> str | None:
    """`value` when it is a string that can name a stored record (ids in events come from outside)."""
    return value if isinstance(value, str) and is_document_id(value) else None


def _metadata(event: dict[str, Any]) -> dict[str, Any]:
    """The event's metadata object, or an empty one when it has none (or something else in its place)."""
    metadata = event.get("metadata")
    return metadata if isinstance(metadata, dict) else {}
