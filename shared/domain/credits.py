"""The credit rule: what a clip costs, and every way a balance moves.

1 credit buys 5 s of video. Creating a job reserves its price (spendable → reserved); the job then either
settles (reserved → spent, once it is done) or is refunded (reserved → spendable, when it fails, is canceled
or times out), exactly once. Grants, top-ups and admin adjustments add spendable credits; nothing takes the
balance below zero.

Every move is one ledger entry with a deterministic id (`reserve:{jobId}`, `grant:{uid}:{period}`, …), written
in the same transaction as the balance it changes, so a repeated event finds its entry and changes nothing.
Amounts are whole credits: grant/topup are positive, adjust is signed, reserve/settle/refund carry the
positive number of credits they move.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from typing import Literal

from shared.domain import errors
from shared.domain.contract import SECONDS_PER_CREDIT

EntryKind = Literal["grant", "topup", "adjust", "reserve", "settle", "refund"]
GrantKind = Literal["grant", "topup", "adjust"]
GRANT_KINDS: tuple[GrantKind, ...] = ("grant", "topup", "adjust")


def credits_for(duration_sec: int) -> int:
    """The price of a clip: 5 s = 1, 10 s = 2, 15 s = 3 credits."""
    return duration_sec // SECONDS_PER_CREDIT


# -- ledger entry ids ---------------------------------------------------------------------------------------
def reserve_entry_id(job_id: str) -> str:
    return f"reserve:{job_id}"


def settle_entry_id(job_id: str) -> str:
    return f"settle:{job_id}"


def refund_entry_id(job_id: str) -> str:
    return f"refund:{job_id}"


def topup_entry_id(payment_id: str) -> str:
    return f"topup:{payment_id}"


def period_grant_entry_id(uid: str, period: str) -> str:
    """A plan period grants once, whichever payment pays for it."""
    return f"grant:{uid}:{period}"


def adjustment_entry_id(admin_uid: str, uid: str, idempotency_key: str) -> str:
    """A retried adjustment (same admin, user and key) lands on the same entry."""
    return "adjust:" + hashlib.sha256(f"{admin_uid}\0{uid}\0{idempotency_key}".encode()).hexdigest()[:32]


@dataclasses.dataclass
class Account:
    uid: str
    credits: int = 0  # spendable
    reserved: int = 0  # held by unfinished jobs
    active_jobs: int = 0
    plan: str | None = None
    renews_at: dt.datetime | None = None
    email: str | None = None  # as the ID token last showed it; kept for the admin console and renewals
    exists: bool = False
    # The create rate limit's window (shared/domain/rate_limits.py), kept with the balance it is checked with.
    create_window_start: dt.datetime | None = None
    creates_in_window: int = 0


@dataclasses.dataclass(frozen=True)
class LedgerEntry:
    id: str
    kind: EntryKind
    amount: int
    created_at: dt.datetime
    job_id: str | None = None
    payment_id: str | None = None
    reason: str | None = None
    admin_uid: str | None = None


def _plural(amount: int) -> str:
    return "credit" if amount == 1 else "credits"


def reserve(account: Account, job_id: str, amount: int, now: dt.datetime, max_active_jobs: int) -> LedgerEntry:
    if account.active_jobs >= max_active_jobs:
        raise errors.TooManyActiveJobs(
            f"You already have {account.active_jobs} unfinished videos; wait for one to finish."
        )
    if account.credits < amount:
        raise errors.InsufficientCredits(f"This video costs {amount} {_plural(amount)}; you have {account.credits}.")
    account.credits -= amount
    account.reserved += amount
    account.active_jobs += 1
    return LedgerEntry(reserve_entry_id(job_id), "reserve", amount, now, job_id=job_id)


def settle(account: Account, job_id: str, amount: int, now: dt.datetime) -> LedgerEntry:
    account.reserved -= amount
    account.active_jobs -= 1
    return LedgerEntry(settle_entry_id(job_id), "settle", amount, now, job_id=job_id)


def refund(account: Account, job_id: str, amount: int, reason: str, now: dt.datetime) -> LedgerEntry:
    account.reserved -= amount
    account.credits += amount
    account.active_jobs -= 1
    return LedgerEntry(refund_entry_id(job_id), "refund", amount, now, job_id=job_id, reason=reason)


def grant(
    account: Account,
    entry_id: str,
    kind: GrantKind,
    amount: int,
    now: dt.datetime,
    *,
    payment_id: str | None = None,
    reason: str | None = None,
    admin_uid: str | None = None,
) -> LedgerEntry:
    """Add (or, for an adjustment, remove) spendable credits; never below zero."""
    if kind not in GRANT_KINDS:
        raise ValueError(f"not a grant kind: {kind}")
    if account.credits + amount < 0:
        raise errors.Conflict(f"The balance is {account.credits}; it cannot go below zero.")
    account.credits += amount
    return LedgerEntry(entry_id, kind, amount, now, payment_id=payment_id, reason=reason, admin_uid=admin_uid)
