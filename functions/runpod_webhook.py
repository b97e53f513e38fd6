"""POST /api/webhooks/runpod?token=… — RunPod says a job changed; the token names the job and RunPod's
/status, not the unsigned body, decides what happened."""

import functions_framework

from shared.container import services
from shared.domain import errors, responses
from shared.http import Endpoint, json_response
from shared.json_input import json_body
from shared.log import fields, get_logger
from shared.log_events import LogEvent

endpoint = Endpoint("runpod_webhook")
log = get_logger("runpod_webhook")


@endpoint.route("/api/webhooks/runpod", methods=("POST",))
def receive(request):
    app = services()
    try:
        body = json_body(request)
    except errors.InvalidArgument:
        body = {}  # the body proves nothing anyway: the token and /status decide
    try:
        outcome = app.lifecycle.on_webhook(request.args.get("token"), body)
    except (errors.Unauthenticated, errors.Forbidden) as refusal:
        log.warning(refusal.message, extra=fields(event=LogEvent.WEBHOOK_REJECTED, source="runpod", code=refusal.code))
        raise
    return json_response(responses.WebhookOutcome(ok=True, outcome=outcome))


@functions_framework.http
def runpod_webhook(request):
    return endpoint(request)
