"""POST /api/webhooks/truelayer — a payment or mandate event, trusted only once its Tl-Signature verifies.

The signature covers the raw body and the path, so both are taken as received, before any JSON parsing.
Anything unverifiable is a 401 and nothing is recorded.
"""

import json

import functions_framework

from shared.container import services
from shared.domain import errors, responses
from shared.http import Endpoint, json_response

endpoint = Endpoint("truelayer_webhook", webhook_source="truelayer")
MAX_WEBHOOK_BYTES = 256 * 1024


@endpoint.route("/api/webhooks/truelayer", methods=("POST",))
def receive(request):
    app = services()
    if request.content_length and request.content_length > MAX_WEBHOOK_BYTES:
        raise errors.TooLarge(f"A webhook body is at most {MAX_WEBHOOK_BYTES} bytes.")
    body = request.get_data(cache=True)
    app.webhook_verifier.verify("POST", request.path, dict(request.headers), body)
    try:
        event = json.loads(body)
    except ValueError:
        raise errors.InvalidArgument("The webhook body is not JSON.") from None
    if not isinstance(event, dict):
        raise errors.InvalidArgument("The webhook body must be a JSON object.")
    return json_response(responses.WebhookOutcome(ok=True, effect=app.payment_events.handle(event)))


@functions_framework.http
def truelayer_webhook(request):
    return endpoint(request)
