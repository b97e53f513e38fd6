"""A model-based test of the ledger: random sequences of creates, cancels, dispatches, GPU outcomes, grants,
top-ups paid through webhook events, duplicate and late events, over the services and the in-memory store.
After every step the invariants hold, every payment has granted exactly once or not at all, and each user's
spendable credits equal what the model expects.

The store re-runs every transaction callback once (as Firestore does under contention), so a callback with an
effect outside its transaction would break the balances here.
"""

from __future__ import annotations

import uuid

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    initialize,
    invariant,
    multiple,
    precondition,
    rule,
)

from shared.domain import errors
from shared.domain.contract import DURATIONS_SEC
from shared.domain.credits import credits_for
from shared.domain.jobs import JobStatus
from shared.domain.payments import GRANTED_STATUSES, Purchase, Purpose
from shared.domain.requests import CreateJobRequest
from shared.services.payment_events import PaymentEvents
from shared.services.payments import PaymentService
from tests.unit.conftest import build_app
from tests.unit.fakes import RecordingPaymentProvider
from tests.unit.invariants import check_ledger

USERS = ("ann", "bob")


class LedgerMachine(RuleBasedStateMachine):
    jobs = Bundle("jobs")
    grants = Bundle("grants")
    payments = Bundle("payments")
    events = Bundle("events")

    def __init__(self) -> None:
        super().__init__()
        self.app = build_app(rerun=True)
        self.spendable = dict.fromkeys(USERS, 0)  # the model: what each user can still spend
        self.owner: dict[str, str] = {}
        self.price: dict[str, int] = {}
        self.outcome: dict[str, str] = {}  # job id → "open", "settled" or "refunded"
        self.purchases = PaymentService(self.app.store, self.app.settings, None, RecordingPaymentProvider())  # type: ignore[arg-type]
        self.payment_events = PaymentEvents(self.app.store)
        self.paid: set[str] = set()  # payments whose credits the model has granted

    @initialize()
    def opening_balances(self) -> None:
        for uid in USERS:
            self.app.credits.grant(uid, f"grant:{uid}:opening", "grant", 8, reason="model")
            self.spendable[uid] += 8

    # -- credits in ---------------------------------------------------------------------------------------
    @rule(target=grants, uid=st.sampled_from(USERS), amount=st.integers(1, 6))
    def grant(self, uid: str, amount: int) -> tuple[str, str, int]:
        entry_id = f"grant:{uid}:{uuid.uuid4().hex[:8]}"
        _, applied = self.app.credits.grant(uid, entry_id, "grant", amount, reason="model")
        assert applied
        self.spendable[uid] += amount
        return uid, entry_id, amount

    @rule(grant=grants)
    def repeat_grant(self, grant: tuple[str, str, int]) -> None:
        uid, entry_id, amount = grant
        _, applied = self.app.credits.grant(uid, entry_id, "grant", amount, reason="model")
        assert not applied

    @rule(uid=st.sampled_from(USERS), delta=st.integers(-8, -1))
    def take_back(self, uid: str, delta: int) -> None:
        entry_id = f"adjust:{uuid.uuid4().hex}"
        try:
            self.app.credits.grant(uid, entry_id, "adjust", delta, reason="model", admin_uid="admin")
        except errors.Conflict:
            assert self.spendable[uid] + delta < 0
            return
        self.spendable[uid] += delta

    @rule(target=payments, uid=st.sampled_from(USERS), amount=st.integers(1, 5))
    def start_topup(self, uid: str, amount: int) -> tuple[str, str, int]:
        payment_id = f"pay-{uuid.uuid4().hex[:8]}"
        self.purchases.start(uid, None, payment_id, Purchase(Purpose.TOPUP, amount, amount * 20, "GBP"))
        return uid, payment_id, amount

    @rule(
        target=events,
        payment=payments,
        kind=st.sampled_from(["payment_executed", "payment_settled", "payment_failed"]),
    )
    def webhook(self, payment: tuple[str, str, int], kind: str) -> tuple[str, str, int, str, str]:
        uid, payment_id, amount = payment
        event_id = f"evt-{uuid.uuid4().hex[:8]}"
        effect = self.payment_events.handle({"type": kind, "event_id": event_id, "payment_id": f"tl-{payment_id}"})
        if kind != "payment_failed" and payment_id not in self.paid:
            assert effect == "granted", effect
            self.paid.add(payment_id)
            self.spendable[uid] += amount
        else:
            assert effect in ("already_granted", "failed"), effect
        return uid, payment_id, amount, kind, event_id

    @rule(event=events)
    def redelivered(self, event: tuple[str, str, int, str, str]) -> None:
        _, payment_id, _, kind, event_id = event
        effect = self.payment_events.handle({"type": kind, "event_id": event_id, "payment_id": f"tl-{payment_id}"})
        assert effect == "duplicate"

    # -- jobs ---------------------------------------------------------------------------------------------
    @rule(target=jobs, uid=st.sampled_from(USERS), duration=st.sampled_from(DURATIONS_SEC), keyed=st.booleans())
    def create(self, uid: str, duration: int, keyed: bool) -> object:
        request = CreateJobRequest(prompt="a kite over the sea", durationSec=duration)
        key = uuid.uuid4().hex if keyed else None
        open_jobs = sum(1 for job_id, state in self.outcome.items() if state == "open" and self.owner[job_id] == uid)
        try:
            answer = self.app.jobs.create(uid, request, key)
        except errors.TooManyActiveJobs:
            assert open_jobs >= self.app.settings.max_active_jobs
            return multiple()
        except errors.InsufficientCredits:
            assert self.spendable[uid] < credits_for(duration)
            return multiple()
        if key:  # a retried create with the same key is the same job, charged once
            assert self.app.jobs.create(uid, request, key) == answer
        self.spendable[uid] -= credits_for(duration)
        self.owner[answer.jobId], self.price[answer.jobId] = uid, credits_for(duration)
        self.outcome[answer.jobId] = "open"
        return answer.jobId

    def _refunded(self, job_id: str) -> None:
        assert self.outcome[job_id] == "open"
        self.outcome[job_id] = "refunded"
        self.spendable[self.owner[job_id]] += self.price[job_id]

    @rule(job_id=jobs)
    def cancel(self, job_id: str) -> None:
        before = self.outcome[job_id]
        try:
            view = self.app.jobs.cancel(self.owner[job_id], job_id)
        except errors.Conflict:
            assert before == "settled" or self._status(job_id) == JobStatus.FAILED
            return
        assert view.status == JobStatus.CANCELED
        if before == "open":
            self._refunded(job_id)

    @rule(job_id=jobs)
    def dispatch(self, job_id: str) -> None:
        self.app.lifecycle.dispatch(job_id)

    @rule(job_id=jobs)
    def gpu_completes(self, job_id: str) -> None:
        self._gpu_reports(job_id, "COMPLETED")

    @rule(job_id=jobs, report=st.sampled_from(["FAILED", "TIMED_OUT", "IN_PROGRESS", "LOST"]))
    def gpu_reports(self, job_id: str, report: str) -> None:
        self._gpu_reports(job_id, report)

    def _gpu_reports(self, job_id: str, report: str) -> None:
        """The GPU's word on the job's execution, through the webhook path (reconcile); repeats are allowed."""
        self.app.lifecycle.dispatch(job_id)  # a queued job goes to the GPU first; any other is left as it is
        job = self.app.store.job(job_id)
        if job is None or job.backend_id is None:
            return
        if report == "COMPLETED":
            self.app.objects.put(job.video_key, content_type="video/mp4")
            self.app.gpu.report(job.backend_id, report, output={"videoKey": job.video_key, "frames": 121})
        elif report == "LOST":
            self.app.gpu.forget(job.backend_id)
        else:
            self.app.gpu.report(job.backend_id, report, output={"progress": 0.5}, error='{"code": "oom"}')
        outcome = self.app.lifecycle.reconcile(job, enforce_deadline=False)
        if self.outcome[job_id] != "open":
            assert outcome in ("unchanged", "running", "waiting"), outcome  # late: nothing moves
        elif outcome == "done":
            self.outcome[job_id] = "settled"
        elif outcome == "failed":
            self._refunded(job_id)
        elif outcome == "retried":  # back in the queue, its reservation kept
            assert self._status(job_id) == JobStatus.QUEUED and self.app.store.job(job_id).attempt == 2

    @rule(job_id=jobs, code=st.sampled_from(["timed_out", "lost", "not_started"]))
    def sweep_fails(self, job_id: str, code: str) -> None:
        if self.app.lifecycle.fail(job_id, code):
            self._refunded(job_id)
        else:
            assert self.outcome[job_id] != "open"

    @precondition(lambda self: any(state == "settled" for state in self.outcome.values()))
    @rule(job_id=consumes(jobs))
    def late_completion_after_cancel(self, job_id: str) -> None:
        """A completion for a job that was canceled (or already finished) changes nothing."""
        job = self.app.store.job(job_id)
        if job is None or job.backend_id is None or self.outcome[job_id] == "open":
            return
        assert not self.app.lifecycle.complete(job_id, job.backend_id, {"videoKey": job.video_key})

    def _status(self, job_id: str) -> str:
        job = self.app.store.job(job_id)
        assert job is not None
        return job.status

    # -- after every step ---------------------------------------------------------------------------------
    @invariant()
    def ledger_holds(self) -> None:
        check_ledger(self.app.store, self.app.settings.max_active_jobs)
        for uid in USERS:
            assert self.app.store.account(uid).credits == self.spendable[uid], uid

    @invariant()
    def each_payment_granted_once_or_never(self) -> None:
        for payment in self.app.store.state.payments.values():
            grants = [
                e for e in self.app.store.state.ledgers.get(payment.uid, {}).values() if e.payment_id == payment.id
            ]
            if payment.status in GRANTED_STATUSES:
                assert len(grants) == 1 and grants[0].amount == payment.credits, (payment, grants)
                assert grants[0].id == payment.granted_entry_id and payment.id in self.paid
            else:
                assert not grants and payment.id not in self.paid, (payment, grants)

    @invariant()
    def each_job_settled_or_refunded_as_the_model_says(self) -> None:
        for job_id, state in self.outcome.items():
            status = self._status(job_id)
            expected = {"open": {"queued", "dispatched", "running"}, "settled": {"done"}}.get(
                state, {"failed", "canceled"}
            )
            assert status in expected, (job_id, state, status)


LedgerMachine.TestCase.settings = settings(
    max_examples=100,
    stateful_step_count=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
test_ledger_model = LedgerMachine.TestCase
