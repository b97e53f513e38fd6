"""GET /api/plans — the public plan list, top-up terms and the credit policy, in the settlement currency;
GET /api/openapi.json — the OpenAPI 3.1 document of the public API (shared/api_docs)."""

import flask
import functions_framework

from shared.container import services
from shared.http import Endpoint, json_response

endpoint = Endpoint("plans")


@endpoint.route("/api/plans")
def listing(request):
    return json_response(services().catalog.listing())


@endpoint.route("/api/openapi.json")
def openapi(request):
    from shared.api_docs import document_json  # imported and built on the first request, then kept

    response = flask.make_response(document_json(), 200)
    response.headers["Content-Type"] = "application/json"
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@functions_framework.http
def plans(request):
    return endpoint(request)
