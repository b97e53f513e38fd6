"""POST /api/tasks/sweep — Cloud Scheduler's reconciliation pass: refunds, retries, expiry."""

import functions_framework

from shared.container import services
from shared.domain import responses
from shared.http import Endpoint, json_response

endpoint = Endpoint("sweep")


@endpoint.route("/api/tasks/sweep", methods=("POST",))
def run(request):
    app = services()
    app.internal.check(request)
    return json_response(responses.TaskCounts(ok=True, counts=app.sweeper.run()))


@functions_framework.http
def sweep(request):
    return endpoint(request)
