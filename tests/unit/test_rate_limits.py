"""The create rate limit: counted on the account in the create transaction, a window a minute."""

from __future__ import annotations

import datetime as dt

import pytest

from shared.domain import errors
from shared.domain.credits import Account
from shared.domain.rate_limits import count_create, quota
from shared.domain.requests import CreateJobRequest

T0 = dt.datetime(2026, 12, 1, 23, 0, 10, tzinfo=dt.UTC)


def test_the_limit_plus_one_create_in_a_minute_is_refused_until_the_window_closes():
    account = Account(uid="u1")
    for n in range(3):
        left = count_create(account, T0 + dt.timedelta(seconds=n), limit=3)
        assert (left.limit, left.remaining, left.reset_sec) == (3, 2 - n, 60 - n)
    with pytest.raises(errors.RateLimited) as limited:
        count_create(account, T0 + dt.timedelta(seconds=20), limit=3)
    assert limited.value.retry_after == 40 and account.creates_in_window == 3
    assert quota(account, T0 + dt.timedelta(seconds=30), 3).remaining == 0
    reopened = count_create(account, T0 + dt.timedelta(seconds=60), limit=3)
    assert (reopened.remaining, reopened.reset_sec) == (2, 60)
    assert quota(Account(uid="u2"), T0, 3).headers() == {
        "RateLimit-Limit": "3",
        "RateLimit-Remaining": "3",
        "RateLimit-Reset": "60",
    }


def test_creates_are_limited_through_the_service_and_a_replay_is_not_counted(app):
    app.settings = app.jobs.settings = app.settings.model_copy(update={"rate_limit_creates_per_minute": 2})
    app.credits.grant("u1", "grant:u1:test", "grant", 10, reason="test")
    request = CreateJobRequest(prompt="a red kite", durationSec=5)
    first, quota_after_first = app.jobs.submit("u1", request, "k-1")
    assert quota_after_first.remaining == 1
    assert app.jobs.submit("u1", request, "k-1") == (first, quota_after_first)  # the replay counts nothing
    assert app.jobs.submit("u1", request)[1].remaining == 0
    with pytest.raises(errors.RateLimited):
        app.jobs.submit("u1", request)
    account = app.store.account("u1")
    assert (account.credits, account.reserved, account.active_jobs) == (8, 2, 2)  # the refusal reserved nothing
    assert first.urls is not None and first.urls.self.endswith(f"/api/jobs/{first.jobId}")
