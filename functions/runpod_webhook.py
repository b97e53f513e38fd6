"""POST /api/webhooks/runpod?token=… — RunPod says a job changed; the token names the job and RunPod's
/status, not the unsigned body, decides what happened."""

import functions_framework

from shared.container import services
from shared.domain import responses
from shared.http import Endpoint, json_response

endpoint = Endpoint("runpod_webhook")


@endpoint.route("/api/webhooks/runpod", methods=("POST",))
def receive(request):
    app = services()
    body = request.get_json(silent=True, force=True)
    outcome = app.lifecycle.on_webhook(request.args.get("token"), body if isinstance(body, dict) else {})
    return json_response(responses.WebhookOutcome(ok=True, outcome=outcome))


@functions_framework.http
def runpod_webhook(request):
    return endpoint(request)
