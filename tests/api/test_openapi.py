"""GET /api/openapi.json: the generated document, public, as JSON."""

from shared import api_docs


def test_the_document_is_served_without_credentials(api):
    answer = api.get("/api/openapi.json")
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "application/json"
    assert answer.get_json() == api_docs.document()
    assert answer.get_data(as_text=True) == api_docs.document_json()
    assert answer.headers["Cache-Control"] == "public, max-age=300"


def test_other_methods_are_json_errors(api):
    answer = api.clients["plans"].post("/api/openapi.json")
    assert answer.status_code == 405 and answer.get_json()["error"]["code"] == "method_not_allowed"
