"""How the stand-in's payments end: executed then settled, or failed, each step announced by a webhook."""

import threading

from shared.local.truelayer_payments import PaymentBook, StandInPayment
from shared.local.truelayer_webhook_sender import WebhookSender, new_event, rfc3339_now

# What TrueLayer's sandbox reports for a bank transfer through its mock UK bank.
BANK_TRANSFER_SOURCE = {"provider_id": "mock-payments-gb-redirect", "scheme_id": "faster_payments_service"}


def _method_view(payment: StandInPayment) -> dict:
    if payment.method_type == "mandate":
        return {"type": "mandate", "mandate_id": payment.payment_method.get("mandate_id")}
    return {"type": "bank_transfer", **BANK_TRANSFER_SOURCE}


class Settlement:
    def __init__(self, book: PaymentBook, webhooks: WebhookSender, mandate_execution_delay_s: float):
        self.book = book
        self.webhooks = webhooks
        self.mandate_execution_delay_s = mandate_execution_delay_s
        self._timers: list[threading.Timer] = []
        self._lock = threading.Lock()

    def execute(self, payment_id: str, expected_status: str) -> None:
        """executed, then settled; a payment no longer in `expected_status` is left alone (a second click)."""
        if not self.book.transition(payment_id, expected_status, "executed", executed_at=rfc3339_now()):
            return
        payment = self._moved(payment_id)
        method = _method_view(payment)
        self.webhooks.send(
            new_event(
                "payment_executed",
                payment_id=payment_id,
                payment_method=method,
                executed_at=payment.executed_at,
                metadata=payment.metadata,
            )
        )
        self.book.transition(payment_id, "executed", "settled", settled_at=rfc3339_now())
        payment = self._moved(payment_id)
        self.webhooks.send(
            new_event(
                "payment_settled",
                payment_id=payment_id,
                payment_method=method,
                executed_at=payment.executed_at,
                settled_at=payment.settled_at,
                user_id=payment.user["id"],
                metadata=payment.metadata,
            )
        )

    def decline(self, payment_id: str) -> None:
        if not self.book.transition(
            payment_id,
            "authorization_required",
            "failed",
            failed_at=rfc3339_now(),
            failure_stage="authorizing",
            failure_reason="canceled",
        ):
            return
        payment = self._moved(payment_id)
        self.webhooks.send(
            new_event(
                "payment_failed",
                payment_id=payment_id,
                payment_method=_method_view(payment),
                failed_at=payment.failed_at,
                failure_stage=payment.failure_stage,
                failure_reason=payment.failure_reason,
                metadata=payment.metadata,
            )
        )

    def execute_mandate_payment_later(self, payment_id: str) -> None:
        timer = threading.Timer(self.mandate_execution_delay_s, self.execute, args=(payment_id, "authorizing"))
        timer.daemon = True
        with self._lock:
            self._timers = [t for t in self._timers if t.is_alive()] + [timer]
        timer.start()

    def authorize_mandate(self, mandate_id: str, metadata: dict) -> bool:
        return self.webhooks.send(
            new_event("mandate_authorized", mandate_id=mandate_id, authorized_at=rfc3339_now(), metadata=metadata)
        )

    def _moved(self, payment_id: str) -> StandInPayment:
        """The payment that was just moved on; the book never drops a payment, so it is there."""
        payment = self.book.get(payment_id)
        if payment is None:
            raise KeyError(payment_id)
        return payment

    def close(self) -> None:
        with self._lock:
            timers, self._timers = self._timers, []
        for timer in timers:
            timer.cancel()
