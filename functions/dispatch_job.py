"""POST /api/tasks/dispatch — Cloud Tasks hands a queued job to the GPU backend (503 asks for a retry)."""

import functions_framework

from shared.container import services
from shared.domain import responses
from shared.domain.requests import DispatchRequest
from shared.http import Endpoint, json_response, request_body

endpoint = Endpoint("dispatch_job")


@endpoint.route("/api/tasks/dispatch", methods=("POST",))
def dispatch(request):
    app = services()
    app.internal.check(request)
    job_id = request_body(request, DispatchRequest).jobId
    return json_response(responses.DispatchOutcome(jobId=job_id, outcome=app.lifecycle.dispatch(job_id)))


@functions_framework.http
def dispatch_job(request):
    return endpoint(request)
