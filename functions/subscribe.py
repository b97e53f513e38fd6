"""POST /api/subscribe, POST /api/topup — start a TrueLayer payment; GET /api/payments/{id} — its status.

The answer's redirectUrl is TrueLayer's Hosted Payment Page. Credits arrive only with the verified webhook.
"""

import functions_framework

from shared.container import services
from shared.domain.requests import SubscribeRequest, TopupRequest
from shared.http import Endpoint, json_response, request_body

endpoint = Endpoint("subscribe")


@endpoint.route("/api/subscribe", methods=("POST",))
def subscribe_to_plan(request):
    app = services()
    user = app.users.user(request)
    body = request_body(request, SubscribeRequest)
    answer = app.payments.subscribe(user.uid, user.email, body.planId, request.headers.get("Idempotency-Key"))
    return json_response(answer, 201)


@endpoint.route("/api/topup", methods=("POST",))
def top_up(request):
    app = services()
    user = app.users.user(request)
    body = request_body(request, TopupRequest)
    answer = app.payments.topup(user.uid, user.email, body.credits, request.headers.get("Idempotency-Key"))
    return json_response(answer, 201)


@endpoint.route("/api/payments/<payment_id>")
def payment_status(request, payment_id):
    app = services()
    user = app.users.user(request)
    return json_response(app.payments.view(user.uid, payment_id))


@functions_framework.http
def subscribe(request):
    return endpoint(request)
