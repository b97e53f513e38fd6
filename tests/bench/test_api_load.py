"""The api_load benchmark's arithmetic: percentiles and the per-route summary (no stack needed)."""

import math

import pytest

from tests.bench.api_load import CREATE_ROUTE, CREDITS_ROUTE, HEALTH_ROUTE, Sample, format_table, percentile, summarize


def test_percentiles_interpolate_between_ranks():
    values = [40.0, 10.0, 30.0, 20.0]  # unsorted on purpose
    assert percentile(values, 0) == 10.0
    assert percentile(values, 50) == 25.0
    assert percentile(values, 100) == 40.0
    assert percentile(list(range(1, 101)), 95) == pytest.approx(95.05)
    assert percentile([7.0], 99) == 7.0
    assert math.isnan(percentile([], 50))
    with pytest.raises(ValueError):
        percentile(values, 101)


def test_summary_counts_errors_by_status_and_429_on_create_apart():
    samples = [
        Sample(CREDITS_ROUTE, 200, 10.0),
        Sample(CREDITS_ROUTE, 200, 30.0),
        Sample(CREDITS_ROUTE, 500, 50.0),
        Sample(CREDITS_ROUTE, 429, 5.0),  # a 429 on a read is an error
        Sample(CREDITS_ROUTE, 0, 90.0),  # no answer at all
        Sample(CREATE_ROUTE, 201, 100.0),
        Sample(CREATE_ROUTE, 429, 20.0),
        Sample(HEALTH_ROUTE, 200, 2.0),
    ]
    by_route = {s.route: s for s in summarize(samples)}
    assert list(by_route) == [CREDITS_ROUTE, CREATE_ROUTE, HEALTH_ROUTE]  # the table's order
    credits = by_route[CREDITS_ROUTE]
    assert (credits.count, credits.errors, credits.refused) == (5, {0: 1, 429: 1, 500: 1}, 0)
    assert credits.p50 == 30.0  # every answer counts, errors included
    create = by_route[CREATE_ROUTE]
    assert (create.count, create.errors, create.refused) == (2, {}, 1)
    table = format_table(list(by_route.values()))
    assert "none:1 429:1 500:1" in table and table.count("\n") == 4
