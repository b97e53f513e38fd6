"""Queue positions from the front of the line: the same numbers a count gives, one read per second."""

import datetime as dt
import threading

from shared.adapters.waiting_line import WaitingLine

T0 = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)


def at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


class Line:
    """The waiting jobs' creation times, as Firestore would answer the two queries."""

    def __init__(self, *created: dt.datetime):
        self.created = sorted(created)
        self.front_reads: list[int] = []
        self.counts: list[dt.datetime] = []

    def read_front(self, size: int) -> list[dt.datetime]:
        self.front_reads.append(size)
        return self.created[:size]

    def count_before(self, created_at: dt.datetime) -> int:
        self.counts.append(created_at)
        return sum(1 for c in self.created if c < created_at)


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_positions_count_the_waiting_jobs_created_strictly_before():
    line = Line(at(1), at(2), at(2), at(5))
    waiting = WaitingLine(line.read_front, line.count_before, clock=Clock())
    assert [waiting.position(at(s)) for s in (0, 1, 2, 3, 5, 9)] == [1, 1, 2, 4, 4, 5]
    assert line.front_reads == [500] and line.counts == []  # one read answered all of them


def test_the_front_is_read_again_once_it_is_a_second_old():
    line, clock = Line(at(1)), Clock()
    waiting = WaitingLine(line.read_front, line.count_before, clock=clock)
    assert waiting.position(at(9)) == 2
    line.created = [at(1), at(3)]  # a job queued since
    clock.now += 0.9
    assert waiting.position(at(9)) == 2  # still the same second: the read is shared
    clock.now += 0.1
    assert waiting.position(at(9)) == 3
    assert len(line.front_reads) == 2


def test_a_job_behind_a_full_front_is_counted():
    line = Line(at(1), at(2), at(3), at(4))
    waiting = WaitingLine(line.read_front, line.count_before, front_size=2, clock=Clock())
    assert waiting.position(at(2)) == 2  # inside the front: no count
    assert line.counts == []
    assert waiting.position(at(3.5)) == 4  # past it: the front cannot tell what lies between
    assert line.counts == [at(3.5)]


def test_views_that_find_it_stale_while_it_is_read_use_the_old_front():
    clock = Clock()
    reading, release = threading.Event(), threading.Event()
    fronts = iter([[at(1)], [at(1), at(2)]])

    def read_front(size):
        front = next(fronts)
        if len(front) == 2:  # the second read: hold it until the test lets go
            reading.set()
            release.wait(5)
        return front

    waiting = WaitingLine(read_front, lambda created_at: 0, clock=clock)
    assert waiting.position(at(9)) == 2
    clock.now += 1
    slow = threading.Thread(target=waiting.position, args=(at(9),))
    slow.start()
    assert reading.wait(5)
    assert waiting.position(at(9)) == 2  # answered from the front being replaced, without waiting
    release.set()
    slow.join(5)
    assert waiting.position(at(9)) == 3
