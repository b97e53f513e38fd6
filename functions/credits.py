"""GET /api/credits and GET /api/credits/ledger — the balance and where it came from."""

import functions_framework

from shared.container import services
from shared.http import Endpoint, json_response, query_int

endpoint = Endpoint("credits")


@endpoint.route("/api/credits")
def balance(request):
    app = services()
    user = app.users.user(request)
    return json_response(app.credits.balance(user.uid, user.email))


@endpoint.route("/api/credits/ledger")
def ledger(request):
    app = services()
    user = app.users.user(request)
    limit = query_int(request, "limit", 50, low=1, high=200)
    return json_response(app.credits.ledger_page(user.uid, limit, request.args.get("cursor")))


@functions_framework.http
def credits(request):
    return endpoint(request)
