"""How many jobs a user may create a minute, whatever token they use.

The count lives on the user's account and moves in the create transaction, so it costs no extra write and
two creates at once cannot both take the last place. A window opens at the first create after the last one
closed and lasts a minute.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from shared.domain import errors
from shared.domain.credits import Account

CREATE_WINDOW = dt.timedelta(minutes=1)


@dataclasses.dataclass(frozen=True)
class Quota:
    """What the RateLimit-* headers say: the limit, what is left of it, and seconds until it resets."""

    limit: int
    remaining: int
    reset_sec: int

    def headers(self) -> dict[str, str]:
        return {
            "RateLimit-Limit": str(self.limit),
            "RateLimit-Remaining": str(self.remaining),
            "RateLimit-Reset": str(self.reset_sec),
        }


def _open_window(account: Account, now: dt.datetime) -> bool:
    start = account.create_window_start
    return start is not None and now < start + CREATE_WINDOW


def _reset_sec(account: Account, now: dt.datetime) -> int:
    assert account.create_window_start is not None
    return max(1, int((account.create_window_start + CREATE_WINDOW - now).total_seconds() + 0.999))


def quota(account: Account, now: dt.datetime, limit: int) -> Quota:
    """The quota as it stands, counting nothing (a replayed create)."""
    if not _open_window(account, now):
        return Quota(limit, limit, int(CREATE_WINDOW.total_seconds()))
    return Quota(limit, max(0, limit - account.creates_in_window), _reset_sec(account, now))


def count_create(account: Account, now: dt.datetime, limit: int) -> Quota:
    """Count one create on the account, or refuse it with `RateLimited` when the window is full."""
    if not _open_window(account, now):
        account.create_window_start, account.creates_in_window = now, 0
    if account.creates_in_window >= limit:
        reset = _reset_sec(account, now)
        raise errors.RateLimited(
            f"At most {limit} videos can be created a minute; try again in {reset} s.", retry_after=reset
        )
    account.creates_in_window += 1
    return Quota(limit, limit - account.creates_in_window, _reset_sec(account, now))
