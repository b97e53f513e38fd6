"""Queue positions from one read of the front of the line, shared by every view for a second.

A job's position is one plus the number of waiting jobs created before it. Counting that per view costs a
count aggregation each time a queued job is looked at (and the Firestore emulator scans every job for it);
instead, the creation times of the first `front_size` waiting jobs are read at most once per `max_age_s`
and each position is found in them by bisection. A job further back than that front falls back to a count.
A position is therefore at most `max_age_s` old; the web app re-reads it every few seconds.
"""

from __future__ import annotations

import bisect
import datetime as dt
import threading
import time
from collections.abc import Callable, Sequence

MAX_AGE_S = 1.0
FRONT_SIZE = 500


class WaitingLine:
    def __init__(
        self,
        read_front: Callable[[int], Sequence[dt.datetime]],
        count_before: Callable[[dt.datetime], int],
        *,
        max_age_s: float = MAX_AGE_S,
        front_size: int = FRONT_SIZE,
        clock: Callable[[], float] = time.monotonic,
    ):
        """`read_front(n)`: creation times of the first n waiting jobs, oldest first; `count_before(t)`: how
        many waiting jobs were created before t."""
        self._read_front, self._count_before = read_front, count_before
        self.max_age_s, self.front_size, self._clock = max_age_s, front_size, clock
        self._front: Sequence[dt.datetime] = ()
        self._read_at: float | None = None
        self._lock = threading.Lock()

    def position(self, created_at: dt.datetime) -> int:
        front = self._fresh_front()
        if len(front) < self.front_size or created_at <= front[-1]:
            return bisect.bisect_left(front, created_at) + 1  # the jobs created strictly before it
        return self._count_before(created_at) + 1

    def _fresh_front(self) -> Sequence[dt.datetime]:
        if self._is_fresh():
            return self._front
        # One view re-reads it; the others keep using the front being replaced, or wait if there is none yet.
        if not self._lock.acquire(blocking=self._read_at is None):
            return self._front
        try:
            if not self._is_fresh():
                started = self._clock()
                self._front = list(self._read_front(self.front_size))
                self._read_at = started
            return self._front
        finally:
            self._lock.release()

    def _is_fresh(self) -> bool:
        return self._read_at is not None and self._clock() - self._read_at < self.max_age_s
