"""POST /api/tasks/dispatch — Cloud Tasks hands a queued job to the GPU backend (503 asks for a retry).
POST /api/tasks/webhook — Cloud Tasks delivers one job event to its creator's webhook URL (503 asks for a retry)."""

import functions_framework

from shared.container import services
from shared.domain import responses
from shared.domain.requests import DispatchRequest, WebhookTaskRequest
from shared.http import Endpoint, json_response, request_body

endpoint = Endpoint("dispatch_job")


@endpoint.route("/api/tasks/dispatch", methods=("POST",))
def dispatch(request):
    app = services()
    app.internal.check(request)
    job_id = request_body(request, DispatchRequest).jobId
    return json_response(responses.DispatchOutcome(jobId=job_id, outcome=app.lifecycle.dispatch(job_id)))


@endpoint.route("/api/tasks/webhook", methods=("POST",))
def webhook(request):
    app = services()
    app.internal.check(request)
    task = request_body(request, WebhookTaskRequest)
    return json_response(
        responses.DispatchOutcome(jobId=task.jobId, outcome=app.webhooks.deliver(task.jobId, task.event))
    )


@functions_framework.http
def dispatch_job(request):
    return endpoint(request)
