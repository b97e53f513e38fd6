"""GET /api/jobs/{id} and GET /api/jobs — a creator's own jobs, with live progress."""

import functions_framework

from shared.container import services
from shared.http import Endpoint, json_response, query_int

endpoint = Endpoint("get_job")


@endpoint.route("/api/jobs/<job_id>")
def one(request, job_id):
    app = services()
    user = app.users.user(request)
    # Progress lives with the GPU backend; refresh pulls it when the stored copy is stale.
    job = app.lifecycle.refresh(app.jobs.owned(user.uid, job_id))
    return json_response(app.jobs.view(job))


@endpoint.route("/api/jobs")
def page(request):
    app = services()
    user = app.users.user(request)
    limit = query_int(request, "limit", 20, low=1, high=100)
    return json_response(app.jobs.list(user.uid, limit, request.args.get("cursor")))


@functions_framework.http
def get_job(request):
    return endpoint(request)
