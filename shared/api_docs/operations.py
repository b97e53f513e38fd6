"""What the OpenAPI document says about each route of shared/routes.py: one `Operation` per (method, rule).

Every route has an entry; `internal=True` marks the calls made by Cloud Tasks, Cloud Scheduler, RunPod and
TrueLayer, which the document leaves out. tests/unit/test_api_docs.py fails when a route has no entry.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from pydantic import BaseModel

from shared.domain import requests as rq
from shared.domain import responses as rs
from shared.domain.jobs import JobStatus

USER = ("firebaseIdToken", "apiKey")  # a signed-in user, or one of their `cw_` keys
ID_TOKEN = ("firebaseIdToken",)  # a signed-in user only (a key is a 403): key management and the admin console
PUBLIC: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class Query:
    name: str
    schema: dict[str, Any]
    description: str


def limit(default: int, high: int) -> Query:
    schema = {"type": "integer", "minimum": 1, "maximum": high, "default": default}
    return Query("limit", schema, f"How many to answer, 1-{high} ({default} when left out).")


CURSOR = Query("cursor", {"type": "string"}, "The `nextCursor` of the previous page; left out for the first page.")


@dataclasses.dataclass(frozen=True)
class Link:
    """The success answer names a record another operation takes: `$response.body#/<field>` as `parameter`."""

    operation_id: str
    parameter: str
    field: str


@dataclasses.dataclass(frozen=True)
class Report:
    """A non-success answer with a body of its own instead of an ErrorBody: the health check's 503 says what is
    wrong in the same shape as its 200."""

    status: int
    answer: type[BaseModel]
    description: str


@dataclasses.dataclass(frozen=True)
class Operation:
    method: str
    rule: str  # werkzeug syntax, as in shared/routes.py
    operation_id: str
    summary: str
    tag: str
    answer: type[BaseModel] | dict[str, Any] | None  # the success body: a model, a raw schema, or none
    status: int = 200
    body: type[BaseModel] | None = None
    errors: tuple[int, ...] = ()
    query: tuple[Query, ...] = ()
    idempotent: bool = False  # takes an Idempotency-Key header
    security: tuple[str, ...] = USER
    internal: bool = False
    deprecated: bool = False
    rate_limited: bool = False  # the success answer carries RateLimit-Limit / -Remaining / -Reset
    description: str = ""
    example: dict[str, Any] | None = None  # a body it accepts
    links: tuple[Link, ...] = ()
    reports: tuple[Report, ...] = ()


class Section:
    """Operations of one tag: `jobs("GET /api/jobs/<job_id>", "getJob", "summary", Answer, 401, 404)`."""

    def __init__(self, tag: str, security: tuple[str, ...] = USER):
        self.tag, self.security = tag, security

    def __call__(
        self, route: str, operation_id: str, summary: str, answer: Any, errors: tuple[int, ...] = (), **more: Any
    ) -> Operation:
        method, rule = route.split(" ", 1)
        more.setdefault("security", self.security)
        return Operation(method, rule, operation_id, summary, self.tag, answer, errors=errors, **more)


def internal(route: str) -> Operation:
    method, rule = route.split(" ", 1)
    return Operation(method, rule, "", "", "", None, internal=True)


jobs, credits, uploads, plans, payments = (
    Section("jobs"),
    Section("credits"),
    Section("uploads"),
    Section("plans", PUBLIC),
    Section("payments"),
)
developer, admin, meta = Section("developer", ID_TOKEN), Section("admin", ID_TOKEN), Section("meta", PUBLIC)

CREATE_JOB: dict[str, Any] = {
    "status": 201,
    "body": rq.CreateJobRequest,
    "idempotent": True,
    "rate_limited": True,
    "example": {"prompt": "A red fox crossing a snowy field at dawn", "durationSec": 5},
    "links": (Link("getJob", "job_id", "jobId"), Link("cancelJob", "job_id", "jobId")),
    "description": (
        "Screens the prompt and the start image, reserves the clip's credits and queues the job. A repeated "
        "Idempotency-Key answers the first answer. Refused content is a 422 `content_policy` naming the field "
        "and the categories, and charges nothing."
    ),
}
CREATE_ERRORS = (400, 401, 402, 409, 413, 422, 429, 503)
PAGE = (limit(50, 200), CURSOR)
PAYMENT = Link("getPayment", "payment_id", "paymentId")

OPERATIONS: tuple[Operation, ...] = (
    jobs("POST /api/jobs", "createJob", "Create a video job", rs.JobCreated, CREATE_ERRORS, **CREATE_JOB),
    jobs(
        "POST /api/jobs/create",
        "createJobAlias",
        "Create a video job (alias of POST /api/jobs)",
        rs.JobCreated,
        CREATE_ERRORS,
        deprecated=True,
        **CREATE_JOB,
    ),
    jobs(
        "GET /api/jobs", "listJobs", "Your jobs, newest first", rs.JobList, (400, 401), query=(limit(20, 100), CURSOR)
    ),
    jobs("GET /api/jobs/<job_id>", "getJob", "A job, with live progress", rs.JobView, (401, 404)),
    jobs(
        "POST /api/jobs/<job_id>/cancel",
        "cancelJob",
        "Cancel an unfinished job and refund it",
        rs.JobView,
        (401, 404, 409, 503),
    ),
    credits("GET /api/credits", "getBalance", "Your credit balance", rs.Balance, (401,)),
    credits(
        "GET /api/credits/ledger",
        "listLedger",
        "Your ledger entries, newest first",
        rs.LedgerPage,
        (400, 401),
        query=PAGE,
    ),
    uploads(
        "POST /api/uploads",
        "createUpload",
        "A presigned PUT URL for a start image",
        rs.UploadTarget,
        (400, 401, 413, 415),
        status=201,
        body=rq.UploadRequest,
        example={"contentType": "image/png", "sizeBytes": 204800},
    ),
    plans(
        "GET /api/plans",
        "listPlans",
        "Plans, top-up terms, the credit policy and the job limits",
        rs.PlanListing,
    ),
    payments(
        "POST /api/subscribe",
        "subscribe",
        "Start paying for a plan",
        rs.PaymentStarted,
        (400, 401, 409, 413, 503),
        status=201,
        body=rq.SubscribeRequest,
        idempotent=True,
        example={"planId": "starter"},
        links=(PAYMENT,),
    ),
    payments(
        "POST /api/topup",
        "topUp",
        "Start paying for a top-up of credits",
        rs.PaymentStarted,
        (400, 401, 409, 413, 503),
        status=201,
        body=rq.TopupRequest,
        idempotent=True,
        example={"credits": 100},
        links=(PAYMENT,),
    ),
    payments("GET /api/payments/<payment_id>", "getPayment", "A payment's status", rs.PaymentView, (401, 404)),
    developer(
        "POST /api/keys",
        "createApiKey",
        "Make an API key; its secret is answered this once",
        rs.ApiKeyCreated,
        (400, 401, 403, 409, 413, 503),
        status=201,
        body=rq.CreateApiKeyRequest,
        example={"name": "CI pipeline"},
        links=(Link("deleteApiKey", "key_id", "id"),),
    ),
    developer("GET /api/keys", "listApiKeys", "Your API keys, without their secrets", rs.ApiKeyList, (401, 403)),
    developer("DELETE /api/keys/<key_id>", "deleteApiKey", "Revoke an API key", None, (401, 403, 404, 503), status=204),
    developer(
        "GET /api/webhooks/secret",
        "getWebhookSecret",
        "The secret that signs your webhooks",
        rs.WebhookSecret,
        (401, 403),
    ),
    developer(
        "POST /api/webhooks/secret/rotate",
        "rotateWebhookSecret",
        "Replace the webhook signing secret",
        rs.WebhookSecret,
        (401, 403, 503),
    ),
    admin(
        "GET /api/admin/overview", "adminOverview", "Users, jobs, GPU cost and revenue", rs.AdminOverview, (401, 403)
    ),
    admin(
        "GET /api/admin/jobs",
        "adminListJobs",
        "Every user's jobs, newest first",
        rs.JobList,
        (400, 401, 403),
        query=(
            Query("status", {"type": "string", "enum": [s.value for s in JobStatus]}, "Only jobs in this state."),
            Query("userId", {"type": "string", "minLength": 1, "maxLength": 128}, "Only this user's jobs."),
            *PAGE,
        ),
    ),
    admin(
        "GET /api/admin/users",
        "adminListUsers",
        "Users and their balances",
        rs.AdminUserPage,
        (400, 401, 403),
        query=(*PAGE, Query("email", {"type": "string", "maxLength": 320}, "Only the user with this email address.")),
    ),
    admin(
        "POST /api/admin/users/<uid>/credits",
        "adminAdjustCredits",
        "Add or take credits, with a reason",
        rs.CreditsAfterAdjustment,
        (400, 401, 403, 404, 409, 413, 503),
        body=rq.CreditAdjustment,
        idempotent=True,
        example={"delta": 50, "reason": "Refund for a failed render"},
    ),
    admin(
        "GET /api/admin/moderation",
        "adminListRefusals",
        "Content-policy refusals",
        rs.ModerationPage,
        (400, 401, 403),
        query=PAGE,
    ),
    meta("GET /api/openapi.json", "getOpenApiDocument", "This OpenAPI document", {"type": "object"}),
    meta(
        "GET /api/healthz",
        "health",
        "Liveness and a settings check",
        rs.Health,
        description=(
            "200 `{ok: true}` when the service's settings validate. Otherwise 503 with `ok: false` and `problems`: "
            "the name of each setting at fault (a missing or placeholder secret, an endpoint on localhost, a value "
            "that does not validate), never its value."
        ),
        reports=(Report(503, rs.Health, "The settings do not validate; `problems` names each one at fault"),),
    ),
    # Cloud Tasks, Cloud Scheduler, RunPod and TrueLayer call these; the document leaves them out.
    internal("POST /api/webhooks/truelayer"),
    internal("POST /api/webhooks/runpod"),
    internal("POST /api/tasks/dispatch"),
    internal("POST /api/tasks/webhook"),
    internal("POST /api/tasks/sweep"),
    internal("POST /api/tasks/renew"),
)
