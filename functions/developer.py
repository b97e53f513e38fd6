"""/api/keys — a developer's API keys (made, listed and revoked with the account's ID token, never with a key)."""

import flask
import functions_framework

from shared.container import services
from shared.domain.requests import CreateApiKeyRequest
from shared.http import Endpoint, json_response, request_body

endpoint = Endpoint("developer")


@endpoint.route("/api/keys", methods=("POST",))
def create_key(request):
    app = services()
    user = app.users.user(request, api_keys=False)
    key_request = request_body(request, CreateApiKeyRequest)
    return json_response(app.api_keys.create(user.uid, user.email, key_request.name), 201)


@endpoint.route("/api/keys")
def list_keys(request):
    app = services()
    user = app.users.user(request, api_keys=False)
    return json_response(app.api_keys.list(user.uid))


@endpoint.route("/api/keys/<key_id>", methods=("DELETE",))
def revoke_key(request, key_id):
    app = services()
    user = app.users.user(request, api_keys=False)
    app.api_keys.revoke(user.uid, key_id)
    return flask.Response(status=204, headers={"Cache-Control": "no-store"})


@endpoint.route("/api/webhooks/secret")
def webhook_secret(request):
    app = services()
    user = app.users.user(request)
    return json_response(app.webhooks.secret(user.uid))


@endpoint.route("/api/webhooks/secret/rotate", methods=("POST",))
def rotate_webhook_secret(request):
    app = services()
    user = app.users.user(request)
    return json_response(app.webhooks.rotate(user.uid))


@functions_framework.http
def developer(request):
    return endpoint(request)
