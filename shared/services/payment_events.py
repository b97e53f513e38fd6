"""TrueLayer webhook events → payment status, credits and subscription, each exactly once.

Every event id is recorded in `webhookEvents` in the same transaction as its effect, so a redelivery is a
no-op; grants use deterministic ledger ids, so two different events for one payment (executed, then
settled, in either order) still grant once.
"""

from __future__ import annotations

import logging

from google.cloud import firestore

from shared import errors
from shared.adapters import firestore_db
from shared.adapters.firestore import FirestoreTransaction
from shared.domain import credits
from shared.domain.clock import utcnow
from shared.domain.payments import PaymentStatus, Purchase, Subscription, advance, period_end

log = logging.getLogger(__name__)

GRANTING = {"payment_executed": PaymentStatus.EXECUTED, "payment_settled": PaymentStatus.SETTLED}
MANDATE_EVENTS = {"mandate_authorized", "mandate_revoked", "mandate_failed"}


class PaymentEvents:
    def __init__(self, db: firestore.Client, clock=utcnow):
        self.db, self.clock = db, clock

    def handle(self, event: dict) -> str:
        """Apply one verified event; returns what it did (for the log and the response)."""
        kind, event_id = event.get("type"), event.get("event_id")
        if not isinstance(kind, str) or not isinstance(event_id, str) or not event_id:
            raise errors.InvalidArgument("A webhook event needs a string `type` and `event_id`.")
        if kind in GRANTING or kind == "payment_failed":
            return self._payment_event(kind, event_id, event)
        if kind in MANDATE_EVENTS:
            return self._mandate_event(kind, event_id, event)
        log.info("ignoring TrueLayer event %s of unknown type %s", event_id, kind)
        return "ignored"

    def _payment_event(self, kind: str, event_id: str, event: dict) -> str:
        payment_id = self._our_payment_id(event)
        if payment_id is None:
            log.warning("TrueLayer event %s for unknown payment %s", event_id, event.get("payment_id"))
            return "unknown_payment"
        payment_ref = firestore_db.payments(self.db).document(payment_id)

        def apply(tx) -> str:
            payment = payment_ref.get(transaction=tx).to_dict()
            uid, purchase = payment["uid"], Purchase.from_record(payment)
            entry_id, entry_kind = purchase.ledger_entry(uid, payment_id)
            period_entry = firestore_db.ledger(self.db, uid).document(entry_id).get(transaction=tx)
            if period_entry.exists and period_entry.get("paymentId") != payment_id:
                # A second payment for a period already paid (two tabs, say): the money was taken, so its
                # credits are granted too, under an id of its own; the period itself is not extended twice.
                entry_id = f"{entry_id}:{payment_id}"
                purchase = purchase.as_extra_topup()
            ledger = FirestoreTransaction(self.db, tx)
            account = ledger.account(uid)
            granted = ledger.entry(uid, entry_id) is not None
            user_ref = firestore_db.users(self.db).document(uid)
            subscription = self._subscription(tx, user_ref)
            now = self.clock()
            updates: dict = {"updatedAt": now}
            if kind in GRANTING:
                updates["status"] = advance(payment["status"], GRANTING[kind])
                effect = "already_granted"
                if not granted:
                    entry = credits.grant(account, entry_id, entry_kind, purchase.credits, now, payment_id=payment_id)
                    ledger.record(account, entry)
                    updates.update(grantedEntryId=entry_id, grantedAt=now)
                    effect = "granted"
                    if purchase.plan_id and purchase.period:
                        renews_at = period_end(purchase.period)
                        active = subscription.activated(purchase.plan_id, purchase.period)
                        tx.set(
                            user_ref,
                            {"plan": purchase.plan_id, "renewsAt": renews_at, "subscription": active.document()},
                            merge=True,
                        )
            else:
                effect = "already_granted" if granted else "failed"
                if not granted:
                    updates.update(
                        status=advance(payment["status"], PaymentStatus.FAILED),
                        failureReason=str(event.get("failure_reason") or "unknown"),
                    )
                    refused = subscription.renewal_refused(payment_id)
                    if refused is not None:
                        tx.set(user_ref, {"subscription": refused.document()}, merge=True)
            tx.set(payment_ref, updates, merge=True)
            return effect

        effect = self._once(event_id, kind, {"paymentId": payment_id}, apply)
        log.info("TrueLayer %s %s for payment %s: %s", kind, event_id, payment_id, effect)
        return effect

    def _our_payment_id(self, event: dict) -> str | None:
        metadata = _metadata(event)
        candidate = metadata.get("paymentId")
        if (
            isinstance(candidate, str)
            and candidate
            and "/" not in candidate
            and firestore_db.payments(self.db).document(candidate).get().exists
        ):
            return candidate
        provider_id = event.get("payment_id")
        if not isinstance(provider_id, str) or not provider_id:
            return None
        matches = (
            firestore_db.payments(self.db)
            .where(filter=firestore.FieldFilter("providerPaymentId", "==", provider_id))
            .limit(1)
            .get()
        )
        return matches[0].id if matches else None

    def _mandate_event(self, kind: str, event_id: str, event: dict) -> str:
        mandate_id = event.get("mandate_id")
        metadata = _metadata(event)
        uid = metadata.get("uid")
        if not isinstance(uid, str) or not uid:
            found = (
                firestore_db.users(self.db)
                .where(filter=firestore.FieldFilter("subscription.mandateId", "==", mandate_id))
                .limit(1)
                .get()
            )
            uid = found[0].id if found else None
        if not isinstance(mandate_id, str) or not uid:
            log.warning("TrueLayer %s %s: no user for mandate %s", kind, event_id, mandate_id)
            return "unknown_mandate"
        user_ref = firestore_db.users(self.db).document(uid)

        def apply(tx) -> str:
            subscription = self._subscription(tx, user_ref)
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
            tx.set(user_ref, {"subscription": changed.document()}, merge=True)
            return effect

        return self._once(event_id, kind, {"mandateId": mandate_id, "uid": uid}, apply)

    @staticmethod
    def _subscription(tx, user_ref) -> Subscription:
        return Subscription.from_document((user_ref.get(transaction=tx).to_dict() or {}).get("subscription"))

    def _once(self, event_id: str, kind: str, refs: dict, apply) -> str:
        """Run `apply(tx)` and record the event with its effect in one transaction; a recorded event is a
        redelivery and changes nothing."""
        event_ref = firestore_db.webhook_events(self.db).document(event_id)

        def once(tx) -> str:
            if event_ref.get(transaction=tx).exists:
                return "duplicate"
            effect = apply(tx)
            tx.set(event_ref, {"type": kind, **refs, "effect": effect, "receivedAt": self.clock()})
            return effect

        return firestore_db.run_transaction(self.db, once)


def _metadata(event: dict) -> dict:
    """The event's metadata object, or an empty one when it has none (or something else in its place)."""
    metadata = event.get("metadata")
    return metadata if isinstance(metadata, dict) else {}
