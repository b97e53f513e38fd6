"""GET /api/jobs/{id} — a creator's own job, with live progress (the list is served with create, by path)."""

import functions_framework

from shared.container import services
from shared.http import Endpoint, json_response

endpoint = Endpoint("get_job")


@endpoint.route("/api/jobs/<job_id>")
def one(request, job_id):
    app = services()
    user = app.users.user(request)
    # Progress lives with the GPU backend; refresh pulls it when the stored copy is stale.
    job = app.lifecycle.refresh(app.jobs.owned(user.uid, job_id))
    return json_response(app.jobs.view(job))


@functions_framework.http
def get_job(request):
    return endpoint(request)
