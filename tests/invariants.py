"""The ledger invariants (docs/architecture.md), checked against Firestore after every scenario."""

from collections import Counter, defaultdict

UNFINISHED = {"queued", "dispatched", "running"}
SETTLED = {"done", "expired"}
REFUNDED = {"failed", "canceled"}


GRANTED_PAYMENTS = {"executed", "settled"}


def check_invariants(db, max_active_jobs: int = 5) -> None:
    check_job_invariants(db, max_active_jobs)
    check_payment_invariants(db)


def check_payment_invariants(db) -> None:
    """5. Every payment grants credits exactly once (executed / settled), or never (anything else)."""
    grants_by_payment = defaultdict(list)
    for user in db.collection("users").stream():
        for entry in user.reference.collection("ledger").stream():
            data = entry.to_dict()
            if data.get("paymentId"):
                grants_by_payment[data["paymentId"]].append((entry.id, data))
    payments = {snap.id: snap.to_dict() for snap in db.collection("payments").stream()}
    for payment_id, payment in payments.items():
        grants = grants_by_payment.get(payment_id, [])
        if payment["status"] in GRANTED_PAYMENTS:
            assert len(grants) == 1, f"{payment_id}: {payment['status']} with {len(grants)} grants"
            entry_id, entry = grants[0]
            assert entry["amount"] == payment["credits"] and entry_id == payment["grantedEntryId"]
        else:
            assert not grants, f"{payment_id}: {payment['status']} but granted {grants}"
    assert set(grants_by_payment) <= set(payments), "a ledger entry names an unknown payment"


def check_job_invariants(db, max_active_jobs: int = 5) -> None:
    jobs_by_user = defaultdict(list)
    for snap in db.collection("jobs").stream():
        jobs_by_user[snap.get("userId")].append((snap.id, snap.to_dict()))
    uids = {snap.id for snap in db.collection("users").stream()} | set(jobs_by_user)
    for uid in uids:
        user_snap = db.collection("users").document(uid).get()
        user = user_snap.to_dict() or {}
        credits, reserved, active = user.get("credits", 0), user.get("reserved", 0), user.get("activeJobs", 0)
        assert credits >= 0 and reserved >= 0, f"{uid}: negative balance {credits}/{reserved}"

        entries = {
            snap.id: snap.to_dict() for snap in db.collection("users").document(uid).collection("ledger").stream()
        }
        sums = Counter()
        for entry in entries.values():
            sums[entry["kind"]] += entry["amount"]
        granted = sums["grant"] + sums["topup"] + sums["adjust"]
        assert credits + reserved + sums["settle"] == granted, f"{uid}: ledger does not reconcile: {user} {dict(sums)}"
        assert reserved == sums["reserve"] - sums["settle"] - sums["refund"], f"{uid}: reserved drifted"

        jobs = jobs_by_user.get(uid, [])
        unfinished = [data for _, data in jobs if data["status"] in UNFINISHED]
        assert active == len(unfinished) <= max_active_jobs, f"{uid}: activeJobs {active} vs {len(unfinished)}"
        assert reserved == sum(data["credits"] for data in unfinished), f"{uid}: reserved != unfinished credits"
        for job_id, data in jobs:
            has = {kind: f"{kind}:{job_id}" in entries for kind in ("reserve", "settle", "refund")}
            assert has["reserve"], f"{job_id}: no reserve entry"
            if data["status"] in SETTLED:
                assert has["settle"] and not has["refund"], f"{job_id}: done but {has}"
            elif data["status"] in REFUNDED:
                assert has["refund"] and not has["settle"], f"{job_id}: {data['status']} but {has}"
                assert data.get("refunded") is True
            else:
                assert not has["settle"] and not has["refund"], f"{job_id}: unfinished but {has}"
        job_ids = {job_id for job_id, _ in jobs}
        for entry_id, entry in entries.items():
            if entry["kind"] in ("reserve", "settle", "refund"):
                assert entry["jobId"] in job_ids and entry_id == f"{entry['kind']}:{entry['jobId']}"
