"""The edge throttle's 429 is the API's JSON error: a custom error response policy on the API route rules of the
URL map serves errors/429.json from the web app's bucket, and nothing changes for the web app's own paths."""

from __future__ import annotations

import re

from shared.api_docs.operations import OPERATIONS
from shared.routes import ROUTES
from tests.infra.facts import composition, edge_routes
from tests.infra.hcl import REPO_ROOT, module

OBJECT = "google_storage_bucket_object.rate_limited"
WEB_BACKEND = "${google_compute_backend_bucket.web.id}"
ERROR_PATH = f"/${{{OBJECT}.name}}"
POLICY_CONDITION = "${contains(local.answers_own_429, route_rules.value.function) ? [] : [1]}"
BODY = {
    "error": {
        "code": "rate_limited",
        "message": "Too many requests from this address; slow down and retry shortly.",
    }
}


def edge():
    return module("edge")


def rate_limited_object() -> dict:
    return edge().resource("google_storage_bucket_object", "rate_limited")


def path_matcher() -> dict:
    (matcher,) = edge().resource("google_compute_url_map", "https")["path_matcher"]
    return matcher


def dynamic_route_rules(for_each: str) -> dict:
    (block,) = [
        item["route_rules"]["content"][0]
        for item in path_matcher()["dynamic"]
        if item["route_rules"]["for_each"] == for_each
    ]
    return block


def fallback_rule() -> dict:
    (rule,) = [rule for rule in path_matcher()["route_rules"] if rule["priority"] == 500]
    return rule


def assert_is_the_429_policy(policy: dict) -> None:
    assert policy["error_service"] == WEB_BACKEND  # an error service must be a backend bucket
    (rule,) = policy["error_response_rule"]
    assert rule == {"match_response_codes": ["429"], "path": ERROR_PATH, "override_response_code": 429}


def api_route_policy() -> dict:
    """The API route rules' optional policy: a dynamic block, present unless the function answers 429 itself."""
    (item,) = dynamic_route_rules("${local.api_routes}")["dynamic"]
    block = item["custom_error_response_policy"]
    assert block["for_each"] == POLICY_CONDITION
    (policy,) = block["content"]
    return policy


def functions_answering_429() -> set[str]:
    """The functions whose documented operations answer 429 themselves (shared/api_docs/operations.py)."""
    by_route = {(method, route.rule): route.function for route in ROUTES for method in route.methods}
    return {by_route[(op.method, op.rule)] for op in OPERATIONS if 429 in op.errors}


# -- the JSON body -------------------------------------------------------------------------------------------


def test_the_429_body_is_the_apis_json_error_in_the_web_bucket():
    obj = rate_limited_object()
    assert obj["bucket"] == "${var.web_bucket}"
    assert composition().modules["edge"]["web_bucket"] == "${module.web.bucket}"  # the web app's bucket
    assert obj["name"] == "errors/429.json"
    assert obj["content"] == "${jsonencode(local.rate_limited_body)}"
    assert edge().locals["rate_limited_body"] == BODY
    assert obj["content_type"] == "application/json"
    assert obj["cache_control"] == "no-store"  # never kept by Cloud CDN or a browser


def test_the_body_is_written_once_and_not_shadowed_by_a_web_app_file():
    texts = [path.read_text() for path in sorted((REPO_ROOT / "terraform").rglob("*.tf"))]
    assert sum(text.count("slow down and retry shortly") for text in texts) == 1
    assert sum(text.count("errors/429.json") for text in texts) == 1
    # The web module uploads every file of frontend/dist; one at the same name would be a second owner.
    assert not (REPO_ROOT / "frontend" / "public" / "errors").exists()


# -- the URL map ---------------------------------------------------------------------------------------------


def test_the_api_route_rules_map_429_to_the_json_object():
    assert_is_the_429_policy(api_route_policy())
    (fallback_policy,) = fallback_rule()["custom_error_response_policy"]
    assert_is_the_429_policy(fallback_policy)
    assert fallback_rule()["match_rules"] == [{"full_path_match": "/api"}, {"prefix_match": "/api/"}]


def test_the_rule_answers_the_status_the_throttle_denies_with():
    (rule,) = [
        rule
        for rule in edge().resource("google_compute_security_policy", "api")["rule"]
        if rule["action"] == "throttle"
    ]
    (options,) = rule["rate_limit_options"]
    status = re.fullmatch(r"deny\((\d{3})\)", options["exceed_action"])
    assert status
    (error_rule,) = api_route_policy()["error_response_rule"]
    assert error_rule["match_response_codes"] == [status.group(1)]
    assert error_rule["override_response_code"] == int(status.group(1))


def test_only_functions_that_answer_429_themselves_keep_their_own_429_body():
    # Their 429s carry their own code (too_many_active_jobs, rate_limited) and Retry-After / RateLimit headers,
    # which a policy for 429 would replace.
    exempt = edge().locals["answers_own_429"]
    assert set(exempt) == functions_answering_429() == {"create_job"}
    assert edge().locals["api_fallback_function"] not in exempt
    routed = {route["function"] for route in edge_routes()}
    assert set(exempt) <= routed
    covered = [route["path"] for route in edge_routes() if route["function"] not in exempt]
    assert "/api/healthz" in covered and "/api/jobs/{job_id}" in covered
    assert len(covered) == len(edge_routes()) - 2  # /api/jobs and /api/jobs/create


def test_the_web_app_paths_have_no_custom_error_policy():
    url_map = edge().resource("google_compute_url_map", "https")
    assert "default_custom_error_response_policy" not in url_map
    assert "default_custom_error_response_policy" not in path_matcher()
    assert path_matcher()["default_service"] == WEB_BACKEND
    spa = dynamic_route_rules("${local.spa_routes}")
    assert "custom_error_response_policy" not in spa and "dynamic" not in spa
    # Unknown paths stay the bucket's not-found page: index.html with 404.
    website = module("web").resource("google_storage_bucket", "web")["website"][0]
    assert website == {"main_page_suffix": "index.html", "not_found_page": "index.html"}
