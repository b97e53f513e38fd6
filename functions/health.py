"""GET /api/healthz — liveness."""

import functions_framework

from shared.domain import responses
from shared.http import Endpoint, json_response

endpoint = Endpoint("health")


@endpoint.route("/api/healthz")
def ok(request):
    return json_response(responses.Health(ok=True))


@functions_framework.http
def health(request):
    return endpoint(request)
