"""GET /api/healthz — liveness that means it: 200 `{ok: true}` when the settings validate, otherwise 503
`{ok: false, problems: [...]}` naming each setting at fault (never its value). The settings are checked once
per process, at start (shared/config.py logs what is wrong there), so the probe stays cheap."""

import functions_framework

from shared.config import settings_check
from shared.domain import responses
from shared.http import Endpoint, json_response

endpoint = Endpoint("health")
settings_check()  # at start: a misconfigured deploy says so in its first log line, not on its first call


@endpoint.route("/api/healthz")
def ok(request):
    problems = settings_check().names
    if problems:
        return json_response(responses.Health(ok=False, problems=problems), 503)
    return json_response(responses.Health(ok=True))


@functions_framework.http
def health(request):
    return endpoint(request)
