"""/api/admin/* — the admin console's API; every call needs the `admin` claim."""

import re

import functions_framework

from shared.container import services
from shared.domain import errors
from shared.domain.jobs import JobStatus
from shared.domain.requests import CreditAdjustment
from shared.http import Endpoint, json_response, query_int, request_body

endpoint = Endpoint("admin")
USER_ID = re.compile(r"[^/\s]{1,128}")  # Firebase Auth uids are at most 128 characters


@endpoint.route("/api/admin/overview")
def overview(request):
    app = services()
    app.users.admin(request)
    return json_response(app.admin.overview())


@endpoint.route("/api/admin/jobs")
def jobs(request):
    app = services()
    app.users.admin(request)
    status = request.args.get("status") or None
    if status and status not in {s.value for s in JobStatus}:
        raise errors.InvalidArgument(f"status must be one of {', '.join(s.value for s in JobStatus)}.", field="status")
    user_id = request.args.get("userId") or None
    if user_id is not None and not USER_ID.fullmatch(user_id):
        raise errors.InvalidArgument("userId must be a user id: 1-128 characters, no spaces or '/'.", field="userId")
    limit = query_int(request, "limit", 50, low=1, high=200)
    return json_response(app.admin.jobs(status, limit, request.args.get("cursor"), user_id))


@endpoint.route("/api/admin/users")
def users(request):
    app = services()
    app.users.admin(request)
    limit = query_int(request, "limit", 50, low=1, high=200)
    email = (request.args.get("email") or "").strip() or None
    if email and len(email) > 320:
        raise errors.InvalidArgument("email is longer than 320 characters.", field="email")
    return json_response(app.admin.users(limit, request.args.get("cursor"), email))


@endpoint.route("/api/admin/users/<uid>/credits", methods=("POST",))
def adjust(request, uid):
    app = services()
    admin_user = app.users.admin(request)
    change = request_body(request, CreditAdjustment)
    answer = app.admin.adjust(admin_user.uid, uid, change.delta, change.reason, request.headers.get("Idempotency-Key"))
    return json_response(answer)


@endpoint.route("/api/admin/moderation")
def moderation(request):
    app = services()
    app.users.admin(request)
    limit = query_int(request, "limit", 50, low=1, high=200)
    return json_response(app.admin.moderation(limit, request.args.get("cursor")))


@functions_framework.http
def admin(request):
    return endpoint(request)
