"""schemathesis over GET /api/openapi.json against the running API: for every documented operation, the
examples, the coverage cases (valid and invalid values at the edges of each schema) and generated cases,
valid and invalid. Every answer must be no 5xx, a status the document lists, JSON, and match its schema.

Bounded: a fixed seed and FUZZ_EXAMPLES generated cases per operation (the coverage phase adds its own).
"""

from __future__ import annotations

import os

import pytest
import requests
import schemathesis
from hypothesis import settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from shared import api_docs

FUZZ_EXAMPLES = int(os.environ.get("CINEWEAVE_FUZZ_EXAMPLES", "30"))
STATEFUL_EXAMPLES = int(os.environ.get("CINEWEAVE_FUZZ_SEQUENCES", "20"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
CONFIG = {
    "seed": int(os.environ.get("CINEWEAVE_FUZZ_SEED", "20261201")),
    "suppress-health-check": ["too_slow", "filter_too_much", "data_too_large"],
    "generation": {"mode": "all", "max-examples": FUZZ_EXAMPLES, "database": "none"},
    "phases": {
        "examples": {"enabled": True},
        "coverage": {"enabled": True},  # with unexpected methods: TRACE /api/jobs... must be a JSON 405
        "fuzzing": {"enabled": True},
        "stateful": {"enabled": True},
    },
}


# The document as generated; the first test checks that the API serves this very document. (A schema loaded
# from a fixture would be read from the server itself, but schemathesis's lazy loading does not run on pytest 9.2.)
schema = schemathesis.openapi.from_dict(api_docs.document(), config=schemathesis.Config.from_dict(CONFIG))


def test_the_api_serves_the_document_under_test(fuzz_stack):
    answer = requests.get(fuzz_stack.base + "/api/openapi.json", timeout=30)
    assert answer.status_code == 200 and answer.json() == api_docs.document()


@schema.parametrize()
def test_the_api_answers_as_its_document_says(case, fuzz_stack, fuzz_figures):
    key = (case.operation.method.upper(), case.operation.path)
    if key not in fuzz_stack.served:
        pytest.skip(f"{case.method} {case.path} is documented but no view serves it yet")
    response = case.call_and_validate(
        base_url=fuzz_stack.base, headers=fuzz_stack.headers(*key), checks=CHECKS, timeout=30
    )
    fuzz_figures.record(f"{key[0]} {key[1]}", response.status_code, case.method.upper())


def test_linked_operations_answer_as_the_document_says(fuzz_stack, fuzz_figures):
    """Sequences that follow the document's links: a created job read and canceled, a created key revoked,
    a started payment read. Reaches the views past their 404s with ids the API made."""

    class Workflow(schema.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case):
            key = (case.operation.method.upper(), case.operation.path)
            return {"base_url": fuzz_stack.base, "headers": fuzz_stack.headers(*key), "timeout": 30}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            fuzz_figures.record(f"{case.operation.method.upper()} {case.operation.path}", response.status_code)
            case.validate_response(response, checks=CHECKS, transport_kwargs=kwargs)

    Workflow.run(settings=settings(max_examples=STATEFUL_EXAMPLES, stateful_step_count=6, deadline=None))
