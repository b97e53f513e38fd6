"""The admin console's last-24-hours figures: nearest-rank percentiles and what each figure counts."""

import datetime as dt

import pytest

from shared.domain.job_stats import JobTiming, percentile, recent_job_stats

T0 = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


def at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


def test_percentile_is_the_nearest_rank_so_always_one_of_the_values():
    values = [40.0, 10.0, 30.0, 20.0]  # unsorted on purpose
    assert percentile(values, 50) == 20.0  # rank ceil(0.5 x 4) = 2
    assert percentile(values, 95) == 40.0  # rank ceil(3.8) = 4
    assert percentile(values, 25) == 10.0
    assert percentile(values, 100) == 40.0
    hundred = [float(n) for n in range(1, 101)]
    assert (percentile(hundred, 50), percentile(hundred, 95), percentile(hundred, 99)) == (50.0, 95.0, 99.0)
    assert percentile([7.5], 50) == percentile([7.5], 95) == 7.5
    assert percentile([], 95) is None


@pytest.mark.parametrize("q", [0, -1, 100.5])
def test_percentile_refuses_a_rank_outside_zero_to_a_hundred(q):
    with pytest.raises(ValueError):
        percentile([1.0], q)


def test_success_rate_counts_done_and_expired_over_finished_and_leaves_canceled_and_unfinished_out():
    jobs = [
        JobTiming("done", at(0), at(10), at(40)),
        JobTiming("expired", at(0), at(20), at(80)),
        JobTiming("failed", at(0), at(5), at(6)),
        JobTiming("canceled", at(0), None, at(3)),
        JobTiming("running", at(0), at(30), None),
        JobTiming("queued", at(0), None, None),
    ]
    stats = recent_job_stats(jobs)
    assert (stats.jobs, stats.finished, stats.successRate) == (6, 3, 0.6667)
    # Renders of the succeeded jobs only (30 s and 60 s); the failed one's 1 s is not a render time.
    assert (stats.renderSecP50, stats.renderSecP95) == (30.0, 60.0)
    # Queue wait of every job that started: 5, 10, 20, 30 s.
    assert (stats.queueWaitSecP50, stats.queueWaitSecP95) == (10.0, 30.0)
    assert stats.retries == 0 and stats.capped is False


def test_retries_count_jobs_past_their_first_attempt_once_each():
    jobs = [
        JobTiming("done", at(0), at(1), at(2), attempt=2),
        JobTiming("failed", at(0), at(1), at(2), attempt=2),
        JobTiming("done", at(0), at(1), at(2), attempt=1),
        JobTiming("queued", at(0), None, None),
    ]
    assert recent_job_stats(jobs).retries == 2


def test_an_empty_window_has_no_rate_and_no_percentiles_rather_than_zeros():
    stats = recent_job_stats([], capped=False)
    assert stats.model_dump() == {
        "jobs": 0,
        "finished": 0,
        "successRate": None,
        "renderSecP50": None,
        "renderSecP95": None,
        "queueWaitSecP50": None,
        "queueWaitSecP95": None,
        "retries": 0,
        "capped": False,
    }
    only_canceled = recent_job_stats([JobTiming("canceled", at(0), None, at(1))], capped=True)
    assert (only_canceled.finished, only_canceled.successRate, only_canceled.capped) == (0, None, True)


def test_seconds_are_rounded_to_a_tenth_and_a_clock_skew_counts_as_zero():
    jobs = [JobTiming("done", at(0), at(1.26), at(13.5)), JobTiming("done", at(5), at(4), at(4))]
    stats = recent_job_stats(jobs)
    assert (stats.renderSecP50, stats.renderSecP95) == (0.0, 12.2)  # 12.24 → 12.2
    assert (stats.queueWaitSecP50, stats.queueWaitSecP95) == (0.0, 1.3)
