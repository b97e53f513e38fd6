"""The ledger invariants, checked over the in-memory store (the emulator suites check the same in Firestore)."""

from __future__ import annotations

from collections import Counter

from shared.domain.credits import refund_entry_id, reserve_entry_id, settle_entry_id
from shared.domain.jobs import REFUNDED, SETTLED, UNFINISHED
from tests.unit.fakes import MemoryStore


def check_ledger(store: MemoryStore, max_active_jobs: int = 5) -> None:
    state = store.state
    for uid in set(state.accounts) | {job.user_id for job in state.jobs.values()}:
        account = store.account(uid)
        entries = state.ledgers.get(uid, {})
        sums: Counter[str] = Counter()
        for entry in entries.values():
            sums[entry.kind] += entry.amount
        granted = sums["grant"] + sums["topup"] + sums["adjust"]
        assert account.credits >= 0 and account.reserved >= 0, f"{uid}: negative balance {account}"
        assert account.credits + account.reserved + sums["settle"] == granted, f"{uid}: {account} vs {dict(sums)}"
        jobs = [job for job in state.jobs.values() if job.user_id == uid]
        unfinished = [job for job in jobs if job.status in UNFINISHED]
        assert account.active_jobs == len(unfinished) <= max_active_jobs, f"{uid}: {account.active_jobs} active"
        assert account.reserved == sum(job.credits for job in unfinished), f"{uid}: reserved drifted"
        for job in jobs:
            has = {
                "reserve": reserve_entry_id(job.id) in entries,
                "settle": settle_entry_id(job.id) in entries,
                "refund": refund_entry_id(job.id) in entries,
            }
            assert has["reserve"], f"{job.id}: no reserve"
            if job.status in SETTLED:
                assert has["settle"] and not has["refund"], f"{job.id} {job.status}: {has}"
            elif job.status in REFUNDED:
                assert has["refund"] and not has["settle"] and job.refunded, f"{job.id} {job.status}: {has}"
            else:
                assert not has["settle"] and not has["refund"], f"{job.id} unfinished: {has}"
