"""The load balancer sends every public path of shared/routes.py to its function, and nothing to the internal ones."""

from __future__ import annotations

import re

from shared.routes import ROUTES
from tests.infra.facts import (
    composition,
    edge_routes,
    function_map,
    internal_functions,
    lb_function,
    lb_pattern,
    platform,
    sample_path,
)
from tests.infra.hcl import module

# -- the load balancer ---------------------------------------------------------------------------------------


def test_every_public_path_routes_to_its_function():
    internal = internal_functions()
    for route in ROUTES:
        path = sample_path(route.rule)
        if route.function in internal:
            assert lb_function(path) is None, f"{route.rule} must not be reachable through the load balancer"
        else:
            assert lb_function(path) == route.function, route.rule


def test_the_url_map_has_exactly_the_public_routes_of_shared_routes():
    internal = internal_functions()
    expected = {
        (re.sub(r"<([a-z_]+)>", r"{\1}", route.rule), route.function)
        for route in ROUTES
        if route.function not in internal
    }
    actual = [(route["path"], route["function"]) for route in edge_routes()]
    assert len(actual) == len(set(actual))
    assert set(actual) == expected


def test_no_route_is_shadowed_by_an_earlier_one():
    # Rules are tried in order: an exact path listed after a template that matches it would never be reached.
    routes = edge_routes()
    for index, route in enumerate(routes):
        path = re.sub(r"\{[a-z_]+\}", "sample-id-1", route["path"])
        first = next(earlier for earlier in routes[: index + 1] if lb_pattern(earlier["path"]).match(path))
        assert first is route, f"{route['path']} is shadowed by {first['path']}"


def test_one_path_served_by_two_methods_goes_to_one_function():
    by_path: dict[str, set[str]] = {}
    for route in ROUTES:
        by_path.setdefault(route.rule, set()).add(route.function)
    shared = {rule: functions for rule, functions in by_path.items() if len(functions) > 1}
    assert not shared, f"the load balancer routes by path, not method: {shared}"
    assert lb_function("/api/jobs") == "create_job"  # POST creates, GET lists
    assert lb_function("/api/jobs/abc") == "get_job"


def test_unrouted_api_paths_fall_back_to_a_public_function():
    edge = module("edge")
    assert edge.locals["api_fallback_function"] == "health"
    assert function_map()["health"]["public"] is True
    assert lb_function("/api/tasks/dispatch") is None
    assert lb_function("/api/jobs/abc/cancel") == "cancel_job"
    assert lb_function("/api/jobs/create") == "create_job"


def test_the_edge_only_builds_backends_for_the_public_functions():
    public = platform().outputs["public_functions"]["value"]
    assert "if fn.public" in public
    edge = module("edge")
    assert (
        edge.resource("google_compute_region_network_endpoint_group", "function")["for_each"]
        == "${var.public_functions}"
    )
    assert edge.resource("google_compute_backend_service", "function")["for_each"] == "${var.public_functions}"
    assert composition().modules["edge"]["public_functions"] == "${module.platform.public_functions}"


def test_http_redirects_to_https_and_tls_is_modern():
    edge = module("edge")
    redirect = edge.resource("google_compute_url_map", "http_redirect")["default_url_redirect"][0]
    assert redirect["https_redirect"] is True
    policy = edge.resource("google_compute_ssl_policy", "this")
    assert policy["min_tls_version"] == "TLS_1_2"
