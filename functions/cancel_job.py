"""POST /api/jobs/{id}/cancel — stop an unfinished job and refund its credits."""

import functions_framework

from shared.container import services
from shared.http import Endpoint, json_response

endpoint = Endpoint("cancel_job")


@endpoint.route("/api/jobs/<job_id>/cancel", methods=("POST",))
def cancel(request, job_id):
    app = services()
    user = app.users.user(request)
    return json_response(app.jobs.cancel(user.uid, job_id))


@functions_framework.http
def cancel_job(request):
    return endpoint(request)
