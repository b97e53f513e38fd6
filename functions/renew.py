"""POST /api/tasks/renew — Cloud Scheduler's daily pass: start the payment of every plan period that is due."""

import functions_framework

from shared.container import services
from shared.domain import responses
from shared.http import Endpoint, json_response

endpoint = Endpoint("renew")


@endpoint.route("/api/tasks/renew", methods=("POST",))
def run(request):
    app = services()
    app.internal.check(request)
    return json_response(responses.TaskCounts(ok=True, counts=app.renewals.run()))


@functions_framework.http
def renew(request):
    return endpoint(request)
