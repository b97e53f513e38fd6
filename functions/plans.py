"""GET /api/plans — the public plan list, top-up terms and the credit policy, in the settlement currency."""

import functions_framework

from shared.container import services
from shared.http import Endpoint, json_response

endpoint = Endpoint("plans")


@endpoint.route("/api/plans")
def listing(request):
    return json_response(services().catalog.listing())


@functions_framework.http
def plans(request):
    return endpoint(request)
