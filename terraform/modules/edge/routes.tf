# The public URL map, following shared/routes.py: `/api/<path>` goes to the function that serves it; the
# internal functions (dispatch_job, sweep, renew) have no route here and are unreachable through the load
# balancer. Each function re-matches its own sub-paths, so a route only has to pick the function.
#
# Paths use the load balancer's syntax: an exact path, or a path template where {name} stands for one
# segment (shared/routes.py writes <name>). Rules are tried in this order, so exact paths come before the
# templates that would also match them (/api/jobs/create before /api/jobs/{job_id}).
locals {
  api_routes = [
    { path = "/api/jobs", function = "create_job" }, # POST creates, GET lists: one path, so one function
    { path = "/api/jobs/create", function = "create_job" },
    { path = "/api/jobs/{job_id}/cancel", function = "cancel_job" },
    { path = "/api/jobs/{job_id}", function = "get_job" },
    { path = "/api/credits", function = "credits" },
    { path = "/api/credits/ledger", function = "credits" },
    { path = "/api/uploads", function = "create_upload" },
    { path = "/api/plans", function = "plans" },
    { path = "/api/openapi.json", function = "plans" },
    { path = "/api/subscribe", function = "subscribe" },
    { path = "/api/topup", function = "subscribe" },
    { path = "/api/payments/{payment_id}", function = "subscribe" },
    { path = "/api/webhooks/truelayer", function = "truelayer_webhook" },
    { path = "/api/webhooks/runpod", function = "runpod_webhook" },
    { path = "/api/webhooks/secret", function = "developer" },
    { path = "/api/webhooks/secret/rotate", function = "developer" },
    { path = "/api/admin/overview", function = "admin" },
    { path = "/api/admin/jobs", function = "admin" },
    { path = "/api/admin/users", function = "admin" },
    { path = "/api/admin/users/{uid}/credits", function = "admin" },
    { path = "/api/admin/moderation", function = "admin" },
    { path = "/api/keys", function = "developer" },
    { path = "/api/keys/{key_id}", function = "developer" },
    { path = "/api/healthz", function = "health" },
  ]

  # Any other /api path (including /api/tasks/*) gets the JSON 404 of the health function, never the web app.
  api_fallback_function = "health"

  # Client-side routes of the web app: served index.html with 200, so deep links and the payment return
  # (/account) load the app. Unknown paths get index.html too (the bucket's not-found page), with 404.
  spa_routes = ["/signin", "/create", "/account", "/admin", "/docs", "/jobs/{job_id}"]

  route_functions = toset([for route in local.api_routes : route.function])
}
