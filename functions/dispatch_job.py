"""POST /api/tasks/dispatch — Cloud Tasks hands a queued job to the GPU backend (503 asks for a retry)."""

import functions_framework

from shared import errors
from shared.container import services
from shared.domain import responses
from shared.http import Endpoint, json_body, json_response

endpoint = Endpoint("dispatch_job")


@endpoint.route("/api/tasks/dispatch", methods=("POST",))
def dispatch(request):
    app = services()
    app.internal.check(request)
    job_id = json_body(request).get("jobId")
    if not isinstance(job_id, str) or not job_id:
        raise errors.InvalidArgument("jobId is required.", field="jobId")
    return json_response(responses.DispatchOutcome(jobId=job_id, outcome=app.lifecycle.dispatch(job_id)))


@functions_framework.http
def dispatch_job(request):
    return endpoint(request)
