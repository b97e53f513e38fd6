"""POST /api/jobs/create — reserve the clip's credits and queue it for a GPU."""

import functions_framework

from shared.container import services
from shared.domain.requests import CreateJobRequest
from shared.http import Endpoint, json_response, request_body

endpoint = Endpoint("create_job")


@endpoint.route("/api/jobs/create", methods=("POST",))
def create(request):
    app = services()
    user = app.users.user(request)
    job_request = request_body(request, CreateJobRequest)
    answer = app.jobs.create(user.uid, job_request, request.headers.get("Idempotency-Key"), user.email)
    return json_response(answer, 201)


@functions_framework.http
def create_job(request):
    return endpoint(request)
