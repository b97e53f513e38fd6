"""The TrueLayer stand-in's payments: validation, idempotent creation and status changes, in memory."""

import copy
import json
import secrets
import threading
import uuid
from dataclasses import dataclass, field, replace
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from shared.local.truelayer_webhook_sender import rfc3339_now

CURRENCIES = frozenset({"GBP", "EUR"})


class PaymentRejected(Exception):
    """A create request TrueLayer would refuse; carries the problem-details answer."""

    def __init__(self, status: int, title: str, detail: str, errors: dict | None = None):
        super().__init__(detail)
        self.status, self.title, self.detail, self.errors = status, title, detail, errors


@dataclass
class StandInPayment:
    id: str
    request: dict  # the create body as received
    resource_token: str
    status: str
    user: dict
    created_at: str
    created_response: dict = field(default_factory=dict)  # replayed for a repeated Idempotency-Key
    executed_at: str | None = None
    settled_at: str | None = None
    failed_at: str | None = None
    failure_stage: str | None = None
    failure_reason: str | None = None

    @property
    def amount_in_minor(self) -> int:
        return self.request["amount_in_minor"]

    @property
    def currency(self) -> str:
        return self.request["currency"]

    @property
    def payment_method(self) -> dict:
        return self.request["payment_method"]

    @property
    def method_type(self) -> str:
        return self.payment_method["type"]

    @property
    def metadata(self) -> dict:
        return self.request.get("metadata") or {}

    @property
    def reference(self) -> str:
        beneficiary = self.payment_method.get("beneficiary") or {}
        return beneficiary.get("reference") or self.payment_method.get("reference") or ""

    def created_view(self) -> dict:
        return copy.deepcopy(self.created_response)

    def view(self) -> dict:
        """The GET /v3/payments/{id} body."""
        body = {
            "id": self.id,
            "amount_in_minor": self.amount_in_minor,
            "currency": self.currency,
            "user": {"id": self.user["id"]},
            "payment_method": self.payment_method,
            "created_at": self.created_at,
            "status": self.status,
            "metadata": self.metadata,
        }
        for name in ("executed_at", "settled_at", "failed_at", "failure_stage", "failure_reason"):
            if getattr(self, name) is not None:
                body[name] = getattr(self, name)
        return copy.deepcopy(body)


def _validation_errors(body: dict) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    amount = body.get("amount_in_minor")
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        errors["amount_in_minor"] = ["must be a positive integer"]
    if body.get("currency") not in CURRENCIES:
        errors["currency"] = [f"must be one of {sorted(CURRENCIES)}"]
    method = body.get("payment_method")
    if not isinstance(method, dict) or method.get("type") not in ("bank_transfer", "mandate"):
        errors["payment_method.type"] = ["must be bank_transfer or mandate"]
    elif method["type"] == "mandate":
        if not isinstance(method.get("mandate_id"), str) or not method["mandate_id"]:
            errors["payment_method.mandate_id"] = ["required"]
    else:
        if not isinstance(method.get("provider_selection"), dict):
            errors["payment_method.provider_selection"] = ["required"]
        beneficiary = method.get("beneficiary")
        if (
            not isinstance(beneficiary, dict)
            or beneficiary.get("type") != "merchant_account"
            or not isinstance(beneficiary.get("merchant_account_id"), str)
        ):
            errors["payment_method.beneficiary"] = ["must be a merchant_account with a merchant_account_id"]
        if not isinstance(body.get("user"), dict):
            errors["user"] = ["required"]
    if body.get("user") is not None and not isinstance(body.get("user"), dict):
        errors["user"] = ["must be an object"]
    metadata = body.get("metadata")
    if metadata is not None and (
        not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values())
    ):
        errors["metadata"] = ["must be an object of strings"]
    return errors


class PaymentBook:
    def __init__(self):
        self._payments: dict[str, StandInPayment] = {}
        self._by_idempotency_key: dict[str, StandInPayment] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._payments)

    def create(self, idempotency_key: str, raw_body: bytes) -> tuple[StandInPayment, bool]:
        """(payment, True) when created now; (the earlier payment, False) for a replay of the same request."""
        try:
            body = json.loads(raw_body)
        except ValueError:
            raise PaymentRejected(400, "Invalid Parameters", "The body is not valid JSON.") from None
        if not isinstance(body, dict):
            raise PaymentRejected(400, "Invalid Parameters", "The body must be a JSON object.")
        with self._lock:
            earlier = self._by_idempotency_key.get(idempotency_key)
            if earlier is not None:
                if earlier.request != body:
                    raise PaymentRejected(
                        422, "Idempotency-Key Reuse", "The Idempotency-Key was used before with a different body."
                    )
                return replace(earlier), False
            errors = _validation_errors(body)
            if errors:
                raise PaymentRejected(400, "Invalid Parameters", "Some parameters are invalid.", errors)
            user = {**(body.get("user") or {})}
            user.setdefault("id", str(uuid.uuid4()))
            mandate = body["payment_method"]["type"] == "mandate"
            payment = StandInPayment(
                id=str(uuid.uuid4()),
                request=body,
                resource_token=secrets.token_urlsafe(32),
                status="authorizing" if mandate else "authorization_required",
                user=user,
                created_at=rfc3339_now(),
            )
            payment.created_response = {
                "id": payment.id,
                "user": {"id": user["id"]},
                "resource_token": payment.resource_token,
                "status": payment.status,
            }
            self._payments[payment.id] = payment
            self._by_idempotency_key[idempotency_key] = payment
            return replace(payment), True

    def get(self, payment_id: str) -> StandInPayment | None:
        with self._lock:
            payment = self._payments.get(payment_id)
            return replace(payment) if payment is not None else None

    def transition(self, payment_id: str, from_status: str, to_status: str, **changes) -> bool:
        """Moves the payment on only if it is still in `from_status`, so a double click acts once."""
        with self._lock:
            payment = self._payments.get(payment_id)
            if payment is None or payment.status != from_status:
                return False
            payment.status = to_status
            for name, value in changes.items():
                setattr(payment, name, value)
            return True


def with_query_param(uri: str, name: str, value: str) -> str:
    parts = urlsplit(uri)
    query = [*parse_qsl(parts.query, keep_blank_values=True), (name, value)]
    return urlunsplit(parts._replace(query=urlencode(query)))
