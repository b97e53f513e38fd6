"""POST /api/webhooks/runpod?token=… — RunPod says a job changed; the token names the job and RunPod's
/status, not the unsigned body, decides what happened."""

import functions_framework

from shared.container import services
from shared.domain import errors, responses
from shared.http import Endpoint, json_response
from shared.json_input import json_body

endpoint = Endpoint("runpod_webhook", webhook_source="runpod")


@endpoint.route("/api/webhooks/runpod", methods=("POST",))
def receive(request):
    app = services()
    try:
        body = json_body(request)
    except errors.InvalidArgument:
        body = {}  # the body proves nothing anyway: the token and /status decide
    outcome = app.lifecycle.on_webhook(request.args.get("token"), body)
    return json_response(responses.WebhookOutcome(ok=True, outcome=outcome))


@functions_framework.http
def runpod_webhook(request):
    return endpoint(request)
