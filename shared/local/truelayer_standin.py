"""The local TrueLayer: the parts of Payments API v3 that CineWeave calls, in TrueLayer's wire format.

    python -m shared.local.truelayer_standin --port 8093 --webhook-url URL --client-id ID --client-secret S \
        [--keys-dir .run/truelayer] [--public-base-url http://127.0.0.1:8093]

Routes:
    POST /connect/token                 client_credentials grant -> {"access_token", "expires_in", ...}
    POST /v3/payments                   bearer token, Idempotency-Key and a valid Tl-Signature -> 201
    GET  /v3/payments/{id}              -> the payment and its status
    GET  / or /payments                 the hosted payment page (?payment_id&resource_token&return_uri)
    POST /hpp/{id}/pay | /decline       webhooks out, then 303 to return_uri?payment_id=...
    GET  /.well-known/jwks              the public key that signs the webhooks
    POST /test/mandates/{id}/authorize  {"metadata"} -> a signed mandate_authorized webhook
    GET  /test/webhooks                 the last webhooks sent (url, headers, body), to replay with curl
Payments on a mandate need no page: they execute by themselves shortly after creation.
"""

import argparse
import json
import logging
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import truelayer_signing
from truelayer_signing import HttpMethod
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.serving import BaseWSGIServer, make_server
from werkzeug.utils import redirect
from werkzeug.wrappers import Request, Response

from shared.local import settings
from shared.local import truelayer_pages as pages
from shared.local.processes import serve_until_stopped
from shared.local.truelayer_keys import SIGNING_KID, LocalKeys
from shared.local.truelayer_payments import PaymentBook, PaymentRejected, with_query_param
from shared.local.truelayer_settlement import Settlement
from shared.local.truelayer_webhook_sender import WebhookSender

log = logging.getLogger("cineweave.truelayer_standin")

DEV_PORT = 8093

URLS = Map(
    [
        Rule("/connect/token", methods=["POST"], endpoint="token"),
        Rule("/v3/payments", methods=["POST"], endpoint="create_payment"),
        Rule("/v3/payments/<payment_id>", methods=["GET"], endpoint="get_payment"),
        Rule("/", methods=["GET"], endpoint="page"),
        Rule("/payments", methods=["GET"], endpoint="page"),
        Rule("/hpp/<payment_id>/<any(pay, decline):action>", methods=["POST"], endpoint="finish_on_page"),
        Rule("/.well-known/jwks", methods=["GET"], endpoint="jwks"),
        Rule("/test/mandates/<mandate_id>/authorize", methods=["POST"], endpoint="authorize_mandate"),
        Rule("/test/webhooks", methods=["GET"], endpoint="sent_webhooks"),
    ]
)
API_ENDPOINTS = frozenset({"token", "create_payment", "get_payment"})


@dataclass(frozen=True)
class CapturedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


def _json(body: dict, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json")


def _problem(status: int, title: str, detail: str, errors: dict | None = None) -> Response:
    """TrueLayer's error answers: RFC 7807 problem details."""
    trace_id = uuid.uuid4().hex
    body = {
        "type": f"https://docs.truelayer.com/docs/error-types#{title.lower().replace(' ', '-')}",
        "title": title,
        "status": status,
        "trace_id": trace_id,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    return Response(
        json.dumps(body),
        status=status,
        mimetype="application/problem+json",
        headers={"X-Tl-Trace-Id": trace_id},
    )


def _html(text: str, status: int = 200) -> Response:
    return Response(text, status=status, mimetype="text/html")


class TrueLayerStandIn:
    """WSGI app. Test hooks: `captured`, `token_requests`, `fail_next`, `revoke_tokens`, `sign_webhook`."""

    def __init__(
        self,
        keys: LocalKeys,
        *,
        client_id: str,
        client_secret: str,
        webhook_url: str,
        public_base_url: str = "",
        token_ttl_s: int = 3600,
        webhook_tries: int = 3,
        webhook_retry_delay_s: float = 1.0,
        mandate_execution_delay_s: float = 1.0,
    ):
        self.keys = keys
        self.client_id = client_id
        self.client_secret = client_secret
        self.webhook_url = webhook_url
        self.public_base_url = public_base_url.rstrip("/")
        self.token_ttl_s = token_ttl_s
        self.book = PaymentBook()
        self.captured: list[CapturedRequest] = []  # every API request, in order
        self.webhooks = WebhookSender(
            keys,
            url=lambda: self.webhook_url,
            jku=lambda: self.jwks_url,
            tries=webhook_tries,
            retry_delay_s=webhook_retry_delay_s,
        )
        self.settlement = Settlement(self.book, self.webhooks, mandate_execution_delay_s)
        self._tokens: dict[str, float] = {}  # access token -> expiry (monotonic)
        self._failures_left = 0
        self._fail_after_processing = False
        self._lock = threading.Lock()

    @property
    def jwks_url(self) -> str:
        return f"{self.public_base_url}/.well-known/jwks"

    @property
    def token_requests(self) -> int:
        return sum(1 for request in self.captured if request.path.endswith("/connect/token"))

    def fail_next(self, count: int, *, after_processing: bool = False) -> None:
        """Answer the next `count` API requests with 503; `after_processing`: do the work first, as when an
        answer is lost on the way back."""
        with self._lock:
            self._failures_left, self._fail_after_processing = count, after_processing

    def revoke_tokens(self) -> None:
        with self._lock:
            self._tokens.clear()

    def sign_webhook(self, body: bytes, path: str) -> dict[str, str]:
        """Headers for a delivery of `body` to `path`, signed with this stand-in's key and JWKS URL."""
        return self.webhooks.signed_headers(body, path)

    def close(self) -> None:
        self.settlement.close()

    def __call__(self, environ, start_response):
        request = Request(environ)
        try:
            endpoint, args = URLS.bind_to_environ(request.environ).match()
        except NotFound:
            return _problem(404, "Not Found", "No such route.")(environ, start_response)
        except MethodNotAllowed:
            return _problem(405, "Method Not Allowed", "Method not allowed.")(environ, start_response)
        if endpoint in API_ENDPOINTS:
            response = self._api(endpoint, request, args)
        else:
            response = getattr(self, f"_{endpoint}")(request, **args)
        return response(environ, start_response)

    def _api(self, endpoint: str, request: Request, args: Mapping[str, Any]) -> Response:
        body = request.get_data(cache=True)
        with self._lock:
            self.captured.append(CapturedRequest(request.method, request.path, dict(request.headers.items()), body))
            fail = self._failures_left > 0
            if fail:
                self._failures_left -= 1
        if fail and not self._fail_after_processing:
            return _problem(503, "Service Unavailable", "Try again later.")
        response = getattr(self, f"_{endpoint}")(request, **args)
        return _problem(503, "Service Unavailable", "Try again later.") if fail else response

    def _token(self, request: Request) -> Response:
        form = request.form
        if form.get("grant_type") != "client_credentials":
            return _json({"error": "unsupported_grant_type"}, 400)
        if form.get("client_id") != self.client_id or form.get("client_secret") != self.client_secret:
            return _json({"error": "invalid_client"}, 401)
        token = f"local-{uuid.uuid4().hex}"
        with self._lock:
            self._tokens[token] = time.monotonic() + self.token_ttl_s
        return _json(
            {
                "access_token": token,
                "expires_in": self.token_ttl_s,
                "token_type": "Bearer",
                "scope": form.get("scope", "payments"),
            }
        )

    def _authenticated(self, request: Request) -> bool:
        token = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        with self._lock:
            return self._tokens.get(token, 0.0) > time.monotonic()

    def _signature_error(self, request: Request, body: bytes) -> str | None:
        signature = request.headers.get("Tl-Signature")
        if not signature:
            return "The Tl-Signature header is missing."
        try:
            if truelayer_signing.extract_jws_header(signature).kid != self.keys.signing_kid:
                return "The request is signed with an unknown key id."
            (
                truelayer_signing.verify_with_pem(self.keys.signing_public_pem)
                .set_method(HttpMethod.POST)
                .set_path(request.path)
                .add_headers(dict(request.headers.items()))
                .add_required_header("Idempotency-Key")
                .set_body(body.decode("utf-8"))
                .verify(signature)
            )
        except Exception:
            return "The request signature is invalid."
        return None

    def _create_payment(self, request: Request) -> Response:
        if not self._authenticated(request):
            return _problem(401, "Unauthenticated", "The access token is missing, invalid or expired.")
        key = request.headers.get("Idempotency-Key")
        if not key:
            return _problem(
                400, "Invalid Parameters", "The Idempotency-Key header is required.", {"Idempotency-Key": ["required"]}
            )
        body = request.get_data(cache=True)
        signature_error = self._signature_error(request, body)
        if signature_error:
            return _problem(401, "Unauthenticated", signature_error)
        try:
            payment, created = self.book.create(key, body)
        except PaymentRejected as exc:
            return _problem(exc.status, exc.title, exc.detail, exc.errors)
        if created:
            log.info(
                "payment %s created: %d %s (%s)",
                payment.id,
                payment.amount_in_minor,
                payment.currency,
                payment.method_type,
            )
            if payment.method_type == "mandate":
                self.settlement.execute_mandate_payment_later(payment.id)
        return _json(payment.created_view(), 201)

    def _get_payment(self, request: Request, payment_id: str) -> Response:
        if not self._authenticated(request):
            return _problem(401, "Unauthenticated", "The access token is missing, invalid or expired.")
        payment = self.book.get(payment_id)
        if payment is None:
            return _problem(404, "Not Found", "No payment with this id.")
        return _json(payment.view())

    def _jwks(self, request: Request) -> Response:
        return _json(self.keys.standin_jwks())

    def _page(self, request: Request) -> Response:
        args = request.args
        if "payment_id" not in args:
            return _html(pages.fragment_forwarding_page())
        payment = self.book.get(args["payment_id"])
        if payment is None or args.get("resource_token") != payment.resource_token:
            return _html(pages.message_page("Payment not found", "This payment link is not valid."), 404)
        return_uri = args.get("return_uri", "")
        if not return_uri.startswith(("http://", "https://")):
            return _html(pages.message_page("Invalid link", "The link has no valid return_uri."), 400)
        if payment.status != "authorization_required":
            return _html(
                pages.message_page(
                    "Payment already handled",
                    f"This payment is {payment.status}.",
                    with_query_param(return_uri, "payment_id", payment.id),
                )
            )
        return _html(
            pages.payment_page(
                payment_id=payment.id,
                amount_in_minor=payment.amount_in_minor,
                currency=payment.currency,
                reference=payment.reference,
                resource_token=payment.resource_token,
                return_uri=return_uri,
            )
        )

    def _finish_on_page(self, request: Request, payment_id: str, action: str) -> Response:
        payment = self.book.get(payment_id)
        if payment is None:
            return _html(pages.message_page("Payment not found", "There is no such payment."), 404)
        if request.form.get("resource_token") != payment.resource_token:
            return _html(pages.message_page("Not allowed", "The payment link is not valid."), 403)
        return_uri = request.form.get("return_uri", "")
        if not return_uri.startswith(("http://", "https://")):
            return _html(pages.message_page("Invalid link", "The link has no valid return_uri."), 400)
        if action == "pay":
            self.settlement.execute(payment_id, expected_status="authorization_required")
        else:
            self.settlement.decline(payment_id)
        return redirect(with_query_param(return_uri, "payment_id", payment_id), code=303)

    def _sent_webhooks(self, request: Request) -> Response:
        return _json({"webhooks": list(self.webhooks.sent)})

    def _authorize_mandate(self, request: Request, mandate_id: str) -> Response:
        body = request.get_json(silent=True) or {}
        metadata = body.get("metadata", {}) if isinstance(body, dict) else {}
        if not isinstance(metadata, dict):
            return _json({"error": "metadata must be an object"}, 400)
        delivered = self.settlement.authorize_mandate(mandate_id, metadata)
        return _json({"mandate_id": mandate_id, "status": "authorized", "webhook_delivered": delivered})


def start_in_thread(standin: TrueLayerStandIn, host: str = settings.HOST, port: int = 0) -> tuple[BaseWSGIServer, str]:
    """Serve `standin` from a background thread; returns the server and its base URL (also the JWKS host).

    Stop it with `server.shutdown()`, `server.server_close()` and `standin.close()`.
    """
    server = make_server(host, port, standin, threaded=True)
    base_url = f"http://{host}:{server.server_port}"
    if not standin.public_base_url:
        standin.public_base_url = base_url
    # A short poll interval keeps shutdown quick for test suites that start one per test.
    threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="truelayer-standin-http", daemon=True
    ).start()
    return server, base_url


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default=settings.HOST)
    parser.add_argument("--port", type=int, default=DEV_PORT)
    parser.add_argument("--webhook-url", required=True, help="where payment webhooks are posted")
    parser.add_argument(
        "--keys-dir",
        default=str(settings.RUN_DIR / "truelayer"),
        help="PEM files of both key pairs; created on first start",
    )
    parser.add_argument("--client-id", required=True)
    parser.add_argument("--client-secret", required=True)
    parser.add_argument("--signing-key-id", default=SIGNING_KID, help="kid our requests are signed with")
    parser.add_argument("--public-base-url", default=None, help="this server's URL (the webhooks' jku)")
    parser.add_argument("--webhook-retry-delay", type=float, default=1.0, help="seconds between webhook tries")
    parser.add_argument(
        "--mandate-delay", type=float, default=1.0, help="seconds before a payment on a mandate executes"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s truelayer-standin %(levelname)s %(message)s")

    keys = LocalKeys.load_or_create(args.keys_dir, signing_kid=args.signing_key_id)
    standin = TrueLayerStandIn(
        keys,
        client_id=args.client_id,
        client_secret=args.client_secret,
        webhook_url=args.webhook_url,
        public_base_url=args.public_base_url or f"http://{args.host}:{args.port}",
        webhook_retry_delay_s=args.webhook_retry_delay,
        mandate_execution_delay_s=args.mandate_delay,
    )
    server = make_server(args.host, args.port, standin, threaded=True)
    log.info("listening on %s, webhooks to %s", standin.public_base_url, args.webhook_url)
    serve_until_stopped(server, standin.close)


if __name__ == "__main__":
    main()
