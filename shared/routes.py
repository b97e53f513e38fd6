"""The public HTTP surface: which function serves which path.

One table for the local router, the load balancer's URL map and the tests. Rules use werkzeug syntax;
each function re-matches its own sub-paths, so the table only needs to pick the function.
"""

from typing import NamedTuple


class Route(NamedTuple):
    function: str
    methods: tuple[str, ...]
    rule: str


ROUTES: tuple[Route, ...] = (
    # /api/jobs is one path, so one function (the load balancer routes by path): create and list.
    Route("create_job", ("POST",), "/api/jobs"),
    Route("create_job", ("POST",), "/api/jobs/create"),  # the first create route, kept as an alias
    Route("create_job", ("GET",), "/api/jobs"),
    Route("cancel_job", ("POST",), "/api/jobs/<job_id>/cancel"),
    Route("get_job", ("GET",), "/api/jobs/<job_id>"),
    Route("credits", ("GET",), "/api/credits"),
    Route("credits", ("GET",), "/api/credits/ledger"),
    Route("create_upload", ("POST",), "/api/uploads"),
    Route("plans", ("GET",), "/api/plans"),
    Route("plans", ("GET",), "/api/openapi.json"),
    Route("subscribe", ("POST",), "/api/subscribe"),
    Route("subscribe", ("POST",), "/api/topup"),
    Route("subscribe", ("GET",), "/api/payments/<payment_id>"),
    Route("truelayer_webhook", ("POST",), "/api/webhooks/truelayer"),
    Route("runpod_webhook", ("POST",), "/api/webhooks/runpod"),
    Route("dispatch_job", ("POST",), "/api/tasks/dispatch"),
    Route("dispatch_job", ("POST",), "/api/tasks/webhook"),  # one outgoing webhook delivery
    Route("sweep", ("POST",), "/api/tasks/sweep"),
    Route("renew", ("POST",), "/api/tasks/renew"),
    Route("admin", ("GET",), "/api/admin/overview"),
    Route("admin", ("GET",), "/api/admin/jobs"),
    Route("admin", ("GET",), "/api/admin/users"),
    Route("admin", ("POST",), "/api/admin/users/<uid>/credits"),
    Route("admin", ("GET",), "/api/admin/moderation"),
    Route("developer", ("POST",), "/api/keys"),
    Route("developer", ("GET",), "/api/keys"),
    Route("developer", ("DELETE",), "/api/keys/<key_id>"),
    Route("developer", ("GET",), "/api/webhooks/secret"),
    Route("developer", ("POST",), "/api/webhooks/secret/rotate"),
    Route("health", ("GET",), "/api/healthz"),
)

FUNCTIONS: tuple[str, ...] = tuple(dict.fromkeys(route.function for route in ROUTES))
