"""The OpenAPI document (shared/api_docs): valid OpenAPI 3.1, one operation for every public route of
shared/routes.py, every failure an ErrorBody, and the web app's committed copy up to date."""

import json
import subprocess
import sys

from openapi_spec_validator import OpenAPIV31SpecValidator

from shared import api_docs
from shared.api_docs import __main__ as cli
from shared.api_docs.operations import ID_TOKEN, OPERATIONS, PUBLIC, USER
from shared.domain import responses
from shared.routes import ROUTES

DOC = api_docs.document()
METHODS = ("get", "post", "put", "patch", "delete")
ENTRY_HINT = "add an Operation for it to shared/api_docs/operations.py (internal(...) for a Cloud-only call)"


def documented() -> dict[tuple[str, str], dict]:
    return {
        (method.upper(), path): spec
        for path, item in DOC["paths"].items()
        for method, spec in item.items()
        if method in METHODS
    }


def resolve(node: dict) -> dict:
    while "$ref" in node:
        *_, section, name = node["$ref"].split("/")
        node = DOC["components"][section][name]
    return node


def test_the_document_is_valid_openapi_3_1():
    assert DOC["openapi"] == "3.1.0"
    OpenAPIV31SpecValidator(DOC).validate()


def test_every_route_has_an_entry():
    entries = {(op.method, op.rule) for op in OPERATIONS}
    missing = [
        f"{method} {route.rule}" for route in ROUTES for method in route.methods if (method, route.rule) not in entries
    ]
    assert not missing, f"{missing}: {ENTRY_HINT}"


def test_every_entry_is_a_route():
    routes = {(method, route.rule) for route in ROUTES for method in route.methods}
    extra = [f"{op.method} {op.rule}" for op in OPERATIONS if (op.method, op.rule) not in routes]
    assert not extra, f"{extra} are not in shared/routes.py"
    assert len({(op.method, op.rule) for op in OPERATIONS}) == len(OPERATIONS), "a route has two entries"


def test_the_document_has_exactly_the_public_routes():
    public = {(op.method, api_docs.openapi_path(op.rule)) for op in OPERATIONS if not op.internal}
    assert set(documented()) == public
    for path in DOC["paths"]:
        assert not path.startswith(("/api/tasks/", "/api/webhooks/runpod", "/api/webhooks/truelayer")), path


def test_operation_ids_are_unique_and_every_operation_has_a_summary_and_a_tag():
    specs = list(documented().values())
    ids = [spec["operationId"] for spec in specs]
    assert len(ids) == len(set(ids))
    tags = {tag["name"] for tag in DOC["tags"]}
    for spec in specs:
        assert spec["summary"] and len(spec["tags"]) == 1 and spec["tags"][0] in tags


def test_every_error_status_answers_an_error_body():
    reports = {(op.method, api_docs.openapi_path(op.rule)): {str(r.status) for r in op.reports} for op in OPERATIONS}
    for (method, path), spec in documented().items():
        for status, answer in spec["responses"].items():
            if int(status) < 400 or status in reports[(method, path)]:  # a report, like the health check's 503
                continue
            schema = resolve(answer)["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/ErrorBody"}, (method, path, status)
    detail = DOC["components"]["schemas"]["ErrorDetail"]
    assert set(detail["properties"]) == set(responses.ErrorDetail.model_fields)
    assert set(detail["required"]) == {"code", "message"}


def test_each_operation_lists_the_errors_its_inputs_can_cause():
    for op in OPERATIONS:
        if op.internal:
            continue
        where = f"{op.method} {op.rule}"
        if op.security:
            assert 401 in op.errors, f"{where} authenticates: 401"
        if op.security == ID_TOKEN:
            assert 403 in op.errors, f"{where} takes no API key: 403"
        if "<" in op.rule:
            assert 404 in op.errors, f"{where} names a record: 404"
        if op.body is not None or op.query:
            assert 400 in op.errors, f"{where} reads input: 400"
        if op.body is not None:
            assert 413 in op.errors, f"{where} reads a body: 413"
        assert set(op.errors) <= set(api_docs.ERRORS), where


def test_success_answers_are_the_response_models():
    spec = documented()[("GET", "/api/jobs/{job_id}")]
    assert spec["responses"]["200"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/JobView"}
    assert spec["parameters"][0] | {"schema": None} == {
        "name": "job_id",
        "in": "path",
        "required": True,
        "schema": None,
    }
    deleted = documented()[("DELETE", "/api/keys/{key_id}")]["responses"]["204"]
    assert "content" not in deleted
    create = documented()[("POST", "/api/jobs")]
    assert create["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/CreateJobRequest"
    }
    job_view = DOC["components"]["schemas"]["JobView"]
    assert {"urls", "webhookDeliveries"} <= set(job_view["properties"])
    assert job_view["additionalProperties"] is False


def test_security_schemes():
    schemes = DOC["components"]["securitySchemes"]
    assert schemes["firebaseIdToken"] == schemes["firebaseIdToken"] | {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
    }
    assert schemes["apiKey"]["type"] == "http" and schemes["apiKey"]["scheme"] == "bearer"
    assert "cw_" in schemes["apiKey"]["description"]
    expected = {USER: [{"firebaseIdToken": []}, {"apiKey": []}], ID_TOKEN: [{"firebaseIdToken": []}], PUBLIC: []}
    for op in OPERATIONS:
        if not op.internal:
            spec = documented()[(op.method, api_docs.openapi_path(op.rule))]
            assert spec["security"] == expected[op.security], op.rule
    for path in ("/api/keys", "/api/admin/overview", "/api/webhooks/secret"):
        assert documented()[("GET", path)]["security"] == [{"firebaseIdToken": []}]
    assert documented()[("GET", "/api/openapi.json")]["security"] == []


def test_create_documents_its_rate_limit_and_retry_after():
    for path in ("/api/jobs", "/api/jobs/create"):
        answers = documented()[("POST", path)]["responses"]
        assert set(answers["201"]["headers"]) == {"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"}
        for status in ("429", "503"):
            assert "Retry-After" in resolve(answers[status])["headers"]
    assert documented()[("POST", "/api/jobs/create")]["deprecated"] is True
    idempotency = documented()[("POST", "/api/jobs")]["parameters"]
    assert resolve(idempotency[0])["name"] == "Idempotency-Key"


def test_content_policy_is_described_with_its_categories():
    assert "categories" in DOC["components"]["responses"]["ContentPolicy"]["description"]
    assert "content_policy" in DOC["components"]["responses"]["ContentPolicy"]["description"]


def test_the_web_apps_copy_is_the_generated_document():
    assert cli.COPY.is_file(), f"{cli.COPY} is missing; run: {cli.REGENERATE}"
    assert cli.COPY.read_text(encoding="utf-8") == api_docs.document_json(), (
        f"{cli.COPY} is not the generated document; run: {cli.REGENERATE}"
    )
    assert json.loads(api_docs.document_json()) == DOC


def test_the_command_checks_the_copy(tmp_path, monkeypatch, capsys):
    assert cli.main(["--check"]) == 0
    stale = tmp_path / "openapi.json"
    stale.write_text("{}\n")
    monkeypatch.setattr(cli, "COPY", stale)
    assert cli.main(["--check"]) == 1
    assert cli.REGENERATE in capsys.readouterr().err
    assert cli.main(["--write"]) == 0
    assert stale.read_text() == api_docs.document_json()


def test_the_plans_function_builds_the_document_only_when_asked():
    probe = (
        "import importlib.util, sys\n"
        "spec = importlib.util.spec_from_file_location('plans', 'functions/plans.py')\n"
        "spec.loader.exec_module(importlib.util.module_from_spec(spec))\n"
        "print('shared.api_docs' in sys.modules)\n"
    )
    root = cli.COPY.parents[3]
    result = subprocess.run([sys.executable, "-c", probe], cwd=root, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_body_examples_are_accepted_and_links_name_real_parameters():
    by_id = {spec["operationId"]: spec for spec in documented().values()}
    for op in OPERATIONS:
        if op.example is not None:
            assert op.body is not None
            op.body.model_validate(op.example)
        for link in op.links:
            target = by_id[link.operation_id]
            assert link.parameter in {p.get("name") for p in target["parameters"]}, link
            assert isinstance(op.answer, type) and link.field in op.answer.model_fields, link
