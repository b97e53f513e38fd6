"""POST /api/jobs — reserve the clip's credits and queue it for a GPU (POST /api/jobs/create is an alias);
GET /api/jobs — the creator's jobs, newest first."""

import functions_framework

from shared.container import services
from shared.domain.requests import CreateJobRequest
from shared.http import Endpoint, json_response, query_int, request_body

endpoint = Endpoint("create_job")


@endpoint.route("/api/jobs", methods=("POST",))
@endpoint.route("/api/jobs/create", methods=("POST",))
def create(request):
    app = services()
    user = app.users.user(request)
    job_request = request_body(request, CreateJobRequest)
    answer, quota = app.jobs.submit(user.uid, job_request, request.headers.get("Idempotency-Key"), user.email)
    return json_response(answer, 201, quota.headers())


@endpoint.route("/api/jobs")
def page(request):
    app = services()
    user = app.users.user(request)
    limit = query_int(request, "limit", 20, low=1, high=100)
    return json_response(app.jobs.list(user.uid, limit, request.args.get("cursor")))


@functions_framework.http
def create_job(request):
    return endpoint(request)
