"""TrueLayer Payments API v3: access tokens, signed payment creation, hosted payment page links.

Locally the same client talks to the stand-in (shared/local/truelayer_standin.py), which speaks the same wire
format. Payment creation is retried with the same Idempotency-Key and the same body bytes, so TrueLayer
answers a retry with the payment it already created instead of a second one.
"""

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

import requests
import truelayer_signing
from tenacity import retry, retry_if_exception_type, retry_if_result, stop_after_attempt, wait_exponential
from truelayer_signing import HttpMethod

from shared.domain import errors
from shared.log import fields, get_logger

log = get_logger("truelayer")

TIMEOUT_SEC = 10
TOKEN_SCOPE = "payments recurring_payments:sweeping"
TOKEN_EXPIRY_MARGIN_SEC = 60
# 409 is TrueLayer's "Idempotency-Key Concurrency Conflict": the first request is still in flight.
RETRYABLE_STATUSES = frozenset({409, 429, 500, 502, 503, 504})


@dataclass(frozen=True)
class TrueLayerConfig:
    auth_url: str  # token at {auth_url}/connect/token
    api_url: str  # payments at {api_url}/v3/payments
    hpp_url: str  # hosted payment page
    client_id: str
    client_secret: str = field(repr=False)
    signing_key_id: str  # kid of our request-signing key registered with TrueLayer
    signing_private_key_pem: str = field(repr=False)  # EC P-521
    merchant_account_id: str


@dataclass(frozen=True)
class CreatedPayment:
    id: str
    resource_token: str | None
    status: str  # authorization_required | authorizing | authorized | executed | settled | failed
    user_id: str | None


def _retryable(response: requests.Response) -> bool:
    return response.status_code in RETRYABLE_STATUSES


def _last_outcome(retry_state) -> requests.Response:
    # Retries exhausted: hand back the last response (or raise its exception) for the caller to judge.
    return retry_state.outcome.result()


@retry(
    retry=retry_if_exception_type((requests.ConnectionError, requests.Timeout)) | retry_if_result(_retryable),
    stop=stop_after_attempt(4),
    wait=wait_exponential(multiplier=0.1, max=2),
    retry_error_callback=_last_outcome,
)
def _send(session: requests.Session, method: str, url: str, **kwargs) -> requests.Response:
    return session.request(method, url, timeout=TIMEOUT_SEC, **kwargs)


def _problem(response: requests.Response) -> str:
    """A short, secret-free description of an error answer (TrueLayer problem JSON or OAuth error)."""
    try:
        body = response.json()
    except ValueError:
        return str(response.status_code)
    if not isinstance(body, dict):
        return str(response.status_code)
    detail = body.get("title") or body.get("error") or ""
    return f"{response.status_code} {detail}".strip()[:120]


class TrueLayerClient:
    def __init__(
        self,
        config: TrueLayerConfig,
        session: requests.Session | None = None,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.config = config
        self.session = session or requests.Session()
        self.clock = clock
        self._token: str | None = None
        self._token_expires_at = 0.0
        self._token_lock = threading.Lock()

    def access_token(self) -> str:
        """A client-credentials token, reused until shortly before it expires."""
        with self._token_lock:
            if self._token is None or self.clock() >= self._token_expires_at:
                self._token, self._token_expires_at = self._fetch_token()
            return self._token

    def _forget_token(self, token: str) -> None:
        with self._token_lock:
            if self._token == token:
                self._token = None

    def _fetch_token(self) -> tuple[str, float]:
        form = {
            "grant_type": "client_credentials",
            "client_id": self.config.client_id,
            "client_secret": self.config.client_secret,
            "scope": TOKEN_SCOPE,
        }
        response = self._request("POST", f"{self.config.auth_url.rstrip('/')}/connect/token", data=form)
        if response.status_code in (400, 401, 403):
            raise errors.Unavailable(
                f"The payment provider refused our client credentials ({_problem(response)}); "
                "check TRUELAYER_CLIENT_ID and TRUELAYER_CLIENT_SECRET."
            )
        if response.status_code != 200:
            raise errors.Unavailable(f"The payment provider refused the token request ({_problem(response)}).")
        body = self._json(response, "token request")
        token, expires_in = body.get("access_token"), body.get("expires_in")
        if not isinstance(token, str) or not token or not isinstance(expires_in, (int, float)):
            raise errors.Unavailable("The payment provider sent a token answer without a token.")
        return token, self.clock() + max(0.0, expires_in - TOKEN_EXPIRY_MARGIN_SEC)

    def create_payment(
        self,
        *,
        idempotency_key: str,
        amount_minor: int,
        currency: str,
        reference: str,
        user: dict,
        metadata: dict[str, str],
        mandate_id: str | None = None,
    ) -> CreatedPayment:
        if mandate_id is None:
            payment_method = {
                "type": "bank_transfer",
                "provider_selection": {"type": "user_selected"},
                "beneficiary": {
                    "type": "merchant_account",
                    "merchant_account_id": self.config.merchant_account_id,
                    "reference": reference,
                },
            }
        else:
            payment_method = {"type": "mandate", "mandate_id": mandate_id, "reference": reference}
        body = json.dumps(
            {
                "amount_in_minor": amount_minor,
                "currency": currency,
                "payment_method": payment_method,
                "user": user,
                "metadata": metadata,
            },
            separators=(",", ":"),
        ).encode()
        url = f"{self.config.api_url.rstrip('/')}/v3/payments"
        signature = self._sign(HttpMethod.POST, urlsplit(url).path, {"Idempotency-Key": idempotency_key}, body)
        for token_refreshed in (False, True):
            token = self.access_token()
            response = self._request(
                "POST",
                url,
                data=body,
                headers={
                    "Authorization": f"Bearer {token}",
                    "Idempotency-Key": idempotency_key,
                    "Tl-Signature": signature,
                    "Content-Type": "application/json",
                },
            )
            if response.status_code != 401 or token_refreshed:
                break
            self._forget_token(token)
        if response.status_code not in (200, 201):
            log.warning(
                "payment creation refused",
                extra=fields(
                    status=response.status_code,
                    traceId=response.headers.get("X-Tl-Trace-Id"),
                    idempotencyKey=idempotency_key,
                ),
            )
            raise errors.Unavailable(f"The payment provider refused to create the payment ({_problem(response)}).")
        data = self._json(response, "payment creation")
        if not isinstance(data.get("id"), str) or not isinstance(data.get("status"), str):
            raise errors.Unavailable("The payment provider sent a payment answer without an id or status.")
        user_view = data.get("user")
        return CreatedPayment(
            id=data["id"],
            resource_token=data.get("resource_token"),
            status=data["status"],
            user_id=user_view.get("id") if isinstance(user_view, dict) else None,
        )

    def hosted_payment_page_url(self, payment: CreatedPayment, return_uri: str) -> str:
        """The legacy hosted payment page link; TrueLayer reads its parameters from the fragment."""
        if not payment.resource_token:
            raise ValueError(f"payment {payment.id} has no resource token to show a payment page with")
        params = urlencode(
            {"payment_id": payment.id, "resource_token": payment.resource_token, "return_uri": return_uri}
        )
        return f"{self.config.hpp_url.rstrip('/')}/payments#{params}"

    def _sign(self, method: HttpMethod, path: str, headers: dict[str, str], body: bytes) -> str:
        signer = truelayer_signing.sign_with_pem(self.config.signing_key_id, self.config.signing_private_key_pem)
        for name, value in headers.items():
            signer.add_header(name, value)
        try:
            return signer.set_method(method).set_path(path).set_body(body.decode("utf-8")).sign()
        except truelayer_signing.TlSigningException as exc:
            raise errors.Unavailable(
                "Payment requests cannot be signed; check TRUELAYER_SIGNING_PRIVATE_KEY (an EC P-521 PEM)."
            ) from exc

    def _request(self, method: str, url: str, **kwargs) -> requests.Response:
        try:
            response = _send(self.session, method, url, **kwargs)
        except requests.RequestException as exc:
            raise errors.Unavailable(f"The payment provider did not answer ({exc.__class__.__name__}).") from exc
        if _retryable(response):
            raise errors.Unavailable(f"The payment provider is unavailable ({_problem(response)}); try again shortly.")
        return response

    @staticmethod
    def _json(response: requests.Response, what: str) -> dict:
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise errors.Unavailable(f"The payment provider sent an unreadable answer to the {what}.")
        return body
