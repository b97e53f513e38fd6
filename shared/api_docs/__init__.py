"""The OpenAPI 3.1 document of the public API, generated: the paths from shared/routes.py, what each operation
takes and answers from shared/api_docs/operations.py, and every body's schema from the pydantic models of
shared/domain/requests.py and responses.py. `GET /api/openapi.json` serves it (functions/plans.py), built on
the first request and kept. `python -m shared.api_docs --write` writes the web app's copy.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, models_json_schema

from shared.api_docs.operations import OPERATIONS, Operation
from shared.domain import errors, responses
from shared.domain.requests import IDEMPOTENCY_KEY
from shared.routes import ROUTES

TITLE = "CineWeave API"
VERSION = "0.1.0"
REF = "#/components/schemas/{model}"
ERRORS = {  # status: (the response's name in components, what it means)
    400: ("InvalidArgument", "The request is not valid; `error.field` names the input at fault, when one is"),
    401: ("Unauthenticated", "No credentials, or a token or key that is not valid"),
    402: ("InsufficientCredits", "Not enough credits"),
    403: ("Forbidden", "The credentials are valid but not allowed this"),
    404: ("NotFound", "Nothing of that id is yours"),
    409: ("Conflict", "Not possible in the current state, or an Idempotency-Key reused for another request"),
    413: ("TooLarge", "The body or the declared upload is too large"),
    415: ("UnsupportedMediaType", "An upload type that is not accepted"),
    422: ("ContentPolicy", "Refused by content moderation; `error.field` and `error.categories` say why"),
    429: ("TooManyRequests", "Too many unfinished jobs or requests; Retry-After says when to try again, when known"),
    503: ("Unavailable", "Busy, or a service it needs did not answer; nothing was charged: retry after Retry-After"),
}
RETRY_STATUSES = (429, 503)  # answers that carry Retry-After when the wait is known
RATE_LIMIT_HEADERS = {
    "RateLimit-Limit": "Creates allowed in the current one-minute window.",
    "RateLimit-Remaining": "Creates left in the current window.",
    "RateLimit-Reset": "Seconds until the current window ends.",
}
SECURITY_SCHEMES = {
    "firebaseIdToken": {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "The Firebase Auth ID token of the signed-in user.",
    },
    "apiKey": {
        "type": "http",
        "scheme": "bearer",
        "description": "A `cw_…` API key, made with POST /api/keys.",
    },
}


def public_operations() -> list[Operation]:
    """The documented operations, in the order of shared/routes.py. A route with no entry yet is left out
    here, so the document is still served; tests/unit/test_api_docs.py fails on it."""
    by_route = {(op.method, op.rule): op for op in OPERATIONS}
    found = []
    for route in ROUTES:
        for method in route.methods:
            op = by_route.get((method, route.rule))
            if op is not None and not op.internal:
                found.append(op)
    return found


def openapi_path(rule: str) -> str:
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule)


def path_parameters(rule: str) -> list[str]:
    return re.findall(r"<(?:[a-z]+:)?([a-z_]+)>", rule)


@functools.cache
def document() -> dict[str, Any]:
    operations = public_operations()
    schemas, refs = _schemas(operations)
    paths: dict[str, dict[str, Any]] = {}
    for op in operations:
        paths.setdefault(openapi_path(op.rule), {})[op.method.lower()] = _operation(op, refs)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": TITLE,
            "version": VERSION,
            "description": (
                "Text and image to video on credits. Every answer is JSON; every failure is an `ErrorBody` "
                "with the status of its code."
            ),
        },
        "tags": [{"name": tag} for tag in dict.fromkeys(op.tag for op in operations)],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "responses": _error_responses(),
            "parameters": {
                "IdempotencyKey": {
                    "name": "Idempotency-Key",
                    "in": "header",
                    "required": False,
                    "description": "Retrying with the same key answers the first answer and does the work once.",
                    "schema": {"type": "string", "pattern": IDEMPOTENCY_KEY.pattern},
                }
            },
            "headers": {
                "Retry-After": {
                    "description": "Seconds to wait before trying again.",
                    "schema": {"type": "integer", "minimum": 0},
                },
                **{
                    name: {"description": text, "schema": {"type": "integer", "minimum": 0}}
                    for name, text in RATE_LIMIT_HEADERS.items()
                },
            },
            "securitySchemes": SECURITY_SCHEMES,
        },
    }


@functools.cache
def document_json() -> str:
    """The document as the text served and committed: two-space indents, a final newline."""
    return json.dumps(document(), indent=2, ensure_ascii=False) + "\n"


def _schemas(operations: list[Operation]) -> tuple[dict[str, Any], Mapping[Any, dict[str, Any]]]:
    wanted: dict[tuple[type[BaseModel], Any], None] = {(responses.ErrorBody, "serialization"): None}
    for op in operations:
        if op.body is not None:
            wanted[(op.body, "validation")] = None
        if isinstance(op.answer, type):
            wanted[(op.answer, "serialization")] = None
        for report in op.reports:
            wanted[(report.answer, "serialization")] = None
    refs, defs = models_json_schema(list(wanted), ref_template=REF, schema_generator=_Untitled)
    return defs.get("$defs", {}), refs


class _Untitled(GenerateJsonSchema):
    """Models keep their titles; fields do not get pydantic's made-up ones ("Negativeprompt")."""

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False


def _operation(op: Operation, refs: Mapping[Any, dict[str, Any]]) -> dict[str, Any]:
    spec: dict[str, Any] = {"operationId": op.operation_id, "summary": op.summary, "tags": [op.tag]}
    if op.description:
        spec["description"] = op.description
    if op.deprecated:
        spec["deprecated"] = True
    parameters: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string", "minLength": 1}}
        for name in path_parameters(op.rule)
    ]
    parameters += [
        {"name": q.name, "in": "query", "required": False, "description": q.description, "schema": q.schema}
        for q in op.query
    ]
    if op.idempotent:
        parameters.append({"$ref": "#/components/parameters/IdempotencyKey"})
    if parameters:
        spec["parameters"] = parameters
    if op.body is not None:
        schema = refs[(op.body, "validation")]
        media: dict[str, Any] = {"schema": schema} | ({"example": op.example} if op.example else {})
        spec["requestBody"] = {"required": True, "content": {"application/json": media}}
    success: dict[str, Any] = {"description": _success_description(op)}
    if isinstance(op.answer, type):
        success["content"] = {"application/json": {"schema": refs[(op.answer, "serialization")]}}
    elif op.answer is not None:
        success["content"] = {"application/json": {"schema": op.answer}}
    if op.links:
        success["links"] = {
            link.operation_id: {
                "operationId": link.operation_id,
                "parameters": {link.parameter: f"$response.body#/{link.field}"},
            }
            for link in op.links
        }
    if op.rate_limited:
        success["headers"] = {name: {"$ref": f"#/components/headers/{name}"} for name in RATE_LIMIT_HEADERS}
    spec["responses"] = {str(op.status): success} | {
        str(status): {"$ref": f"#/components/responses/{ERRORS[status][0]}"} for status in sorted(op.errors)
    }
    for report in op.reports:
        schema = refs[(report.answer, "serialization")]
        spec["responses"][str(report.status)] = {
            "description": report.description,
            "content": {"application/json": {"schema": schema}},
        }
    spec["security"] = [{scheme: []} for scheme in op.security]  # [] for a public operation: no auth at all
    return spec


def _success_description(op: Operation) -> str:
    return {200: "OK", 201: "Created", 204: "Done; no body"}.get(op.status, "OK")


def _error_responses() -> dict[str, Any]:
    """One response per error status, each an ErrorBody; the description names the codes of that status."""
    codes: dict[int, list[str]] = {}
    for error in _subclasses(errors.CineWeaveError):
        codes.setdefault(error.status, []).append(error.code)
    answers = {}
    for status, (name, meaning) in ERRORS.items():
        described = ", ".join(f"`{code}`" for code in codes.get(status, []))
        answer: dict[str, Any] = {
            "description": f"{meaning}. `error.code`: {described}.",
            "content": {"application/json": {"schema": {"$ref": REF.format(model="ErrorBody")}}},
        }
        if status in RETRY_STATUSES:
            answer["headers"] = {"Retry-After": {"$ref": "#/components/headers/Retry-After"}}
        answers[name] = answer
    return answers


def _subclasses(cls: type[errors.CineWeaveError]) -> list[type[errors.CineWeaveError]]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found
