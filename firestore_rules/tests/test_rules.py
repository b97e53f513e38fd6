"""firestore.rules on the Firestore emulator: every collection × principal × operation, and the list queries.

The owner is alice, the other user bob; admin is a third user with the custom claim admin: true; anonymous
sends no token. Allowed answers 200 (with the data the seed put there), denied answers 403
PERMISSION_DENIED and changes nothing.
"""

import re

import pytest

from firestore_rules.tests.support import (
    OTHER_UID,
    OWNER_UID,
    PRINCIPALS,
    SEED,
    encode,
    fields,
    id_token,
    query_result_names,
)
from shared.local import settings

# ---- the policy at a glance ----------------------------------------------------------------------------
#
# Who may do what to the owner's data. Each operation aims at the owner's document of the collection
# (TARGETS); "list" is a query for the whole collection without any filter (for the ledger: the owner's
# ledger subcollection, so "other" there is bob listing alice's ledger).
#
#                   get              list             create     update     delete
POLICY = {
    "users": ("owner admin", "admin", "nobody", "nobody", "nobody"),
    "ledger": ("owner admin", "owner admin", "nobody", "nobody", "nobody"),
    "jobs": ("owner admin", "admin", "nobody", "nobody", "nobody"),
    "payments": ("admin", "admin", "nobody", "nobody", "nobody"),
    "webhookEvents": ("admin", "admin", "nobody", "nobody", "nobody"),
    "plans": ("admin", "admin", "nobody", "nobody", "nobody"),
    "moderationEvents": ("admin", "admin", "nobody", "nobody", "nobody"),
    "moderationCounts": ("admin", "admin", "nobody", "nobody", "nobody"),
    "uploads": ("admin", "admin", "nobody", "nobody", "nobody"),
    "apiKeys": ("admin", "admin", "nobody", "nobody", "nobody"),
    "webhookSecrets": ("admin", "admin", "nobody", "nobody", "nobody"),
    "unknown": ("admin", "admin", "nobody", "nobody", "nobody"),
}
OPERATIONS = ("get", "list", "create", "update", "delete")

TARGETS = {
    "users": f"users/{OWNER_UID}",
    "ledger": f"users/{OWNER_UID}/ledger/grant:signup",
    "jobs": "jobs/job-alice",
    "payments": "payments/pay-alice",
    "webhookEvents": "webhookEvents/evt-1",
    "plans": "plans/starter",
    "moderationEvents": "moderationEvents/refusal-alice",
    "moderationCounts": f"moderationCounts/{OWNER_UID}",
    "uploads": "uploads/upload-alice",
    "apiKeys": "apiKeys/hash-alice",
    "webhookSecrets": f"webhookSecrets/{OWNER_UID}",
    "unknown": "internalThings/thing-1",
}


def where(field: str, op: str, value) -> dict:
    return {"fieldFilter": {"field": {"fieldPath": field}, "op": op, "value": encode(value)}}


def all_of(*filters: dict) -> dict:
    return {"compositeFilter": {"op": "AND", "filters": list(filters)}}


JOBS = [{"collectionId": "jobs"}]

# List queries beyond "the whole collection": name → (structured query, who may run it, what it returns).
# "userId == alice" is the owner's own query, the one the web app may make (alice: where userId == self),
# and run by bob a query for someone else's jobs (where userId == other); "userId == bob" is the same from
# the other side. Every query that does not pin userId to the caller is for admins only.
QUERIES = {
    "jobs where userId == alice": (
        {"from": JOBS, "where": where("userId", "EQUAL", OWNER_UID)},
        "owner admin",
        {"jobs/job-alice"},
    ),
    "jobs where userId == bob": (
        {"from": JOBS, "where": where("userId", "EQUAL", OTHER_UID)},
        "other admin",
        {"jobs/job-bob"},
    ),
    "jobs where userId == alice and status == queued": (
        {"from": JOBS, "where": all_of(where("userId", "EQUAL", OWNER_UID), where("status", "EQUAL", "queued"))},
        "owner admin",
        {"jobs/job-alice"},
    ),
    "jobs where status == queued": (
        {"from": JOBS, "where": where("status", "EQUAL", "queued")},
        "admin",
        {"jobs/job-alice", "jobs/job-bob"},
    ),
    "jobs where userId in [alice, bob]": (
        {"from": JOBS, "where": where("userId", "IN", [OWNER_UID, OTHER_UID])},
        "admin",
        {"jobs/job-alice", "jobs/job-bob"},
    ),
    "jobs where userId != bob": (
        {"from": JOBS, "where": where("userId", "NOT_EQUAL", OTHER_UID)},
        "admin",
        {"jobs/job-alice"},
    ),
    "every user's ledger (collection group)": (
        {"from": [{"collectionId": "ledger", "allDescendants": True}]},
        "admin",
        {f"users/{OWNER_UID}/ledger/grant:signup", f"users/{OTHER_UID}/ledger/grant:signup"},
    ),
}


def allowed(cell: str) -> set[str]:
    return set() if cell == "nobody" else set(cell.split())


MATRIX = [
    pytest.param(
        collection, operation, principal, principal in allowed(cells[index]), id=f"{collection}-{operation}-{principal}"
    )
    for collection, cells in POLICY.items()
    for index, operation in enumerate(OPERATIONS)
    for principal in PRINCIPALS
]


# ---- helpers -----------------------------------------------------------------------------------------


def parent_of(path: str) -> str:
    """`users/alice/ledger/x` → `users/alice/ledger` (the collection a document sits in)."""
    return path.rsplit("/", 1)[0]


def seeded_in(collection_path: str) -> set[str]:
    return {path for path in SEED if parent_of(path) == collection_path}


def assert_denied(response) -> None:
    assert response.status_code == 403, (response.status_code, response.text)
    assert response.json()["error"]["status"] == "PERMISSION_DENIED", response.text


def assert_ok(response) -> None:
    assert response.status_code == 200, (response.status_code, response.text)


# ---- the matrix --------------------------------------------------------------------------------------


def test_policy_table_is_complete():
    assert len(MATRIX) == len(POLICY) * len(OPERATIONS) * len(PRINCIPALS) == 240
    assert set(TARGETS) == set(POLICY)
    assert all(len(cells) == len(OPERATIONS) for cells in POLICY.values())
    assert all(allowed(cell) <= set(PRINCIPALS) for cells in POLICY.values() for cell in cells)


def test_policy_covers_every_collection_the_code_uses():
    source = (settings.REPO_ROOT / "shared" / "adapters" / "firestore_db.py").read_text()
    used = set(re.findall(r'\.collection\("(\w+)"\)', source))
    assert used, "shared/adapters/firestore_db.py names no collections"
    assert used <= set(POLICY), f"collections without a row in POLICY: {used - set(POLICY)}"


@pytest.mark.parametrize("collection, operation, principal, expect_allowed", MATRIX)
def test_matrix(firestore, collection, operation, principal, expect_allowed):
    path = TARGETS[collection]
    headers = PRINCIPALS[principal]

    if operation == "get":
        response = firestore.get(path, headers)
        if expect_allowed:
            assert_ok(response)
            assert response.json()["fields"] == fields(SEED[path])["fields"]
        else:
            assert_denied(response)
        return

    if operation == "list":
        collection_path = parent_of(path)
        parent, collection_id = collection_path.rpartition("/")[::2]
        response = firestore.run_query(parent, {"from": [{"collectionId": collection_id}]}, headers)
        if expect_allowed:
            assert_ok(response)
            assert query_result_names(response) == seeded_in(collection_path)
        else:
            assert_denied(response)
        return

    # Writes: nobody may write, so these only ever expect a denial that leaves the data as it was.
    assert not expect_allowed, "the rules allow no client write; a write row must read 'nobody'"
    assert_write_denied(firestore, operation, path, headers)


def assert_write_denied(firestore, operation: str, path: str, headers: dict) -> None:
    before = firestore.read(path)
    try:
        if operation == "create":
            # A new document shaped like the owner's, e.g. a job or ledger entry credited to alice.
            forged = parent_of(path) + "/forged"
            assert_denied(firestore.create(parent_of(path), "forged", SEED[path], headers))
            assert firestore.read(forged) is None
        elif operation == "update":
            assert_denied(firestore.update(path, {"credits": 1_000_000, "note": "changed"}, headers))
        elif operation == "delete":
            assert_denied(firestore.delete(path, headers))
        else:
            raise AssertionError(operation)
        assert firestore.read(path) == before
    finally:
        if firestore.read(path) != before or firestore.read(parent_of(path) + "/forged") is not None:
            firestore.seed()  # a write got through: put SEED back for the tests that follow


# ---- list queries --------------------------------------------------------------------------------------

QUERY_CASES = [
    pytest.param(name, principal, principal in allowed(who), id=f"{name}-as-{principal}")
    for name, (_, who, _) in QUERIES.items()
    for principal in PRINCIPALS
]


@pytest.mark.parametrize("name, principal, expect_allowed", QUERY_CASES)
def test_list_queries(firestore, name, principal, expect_allowed):
    structured_query, _, returns = QUERIES[name]
    response = firestore.run_query("", structured_query, PRINCIPALS[principal])
    if expect_allowed:
        assert_ok(response)
        assert query_result_names(response) == returns
    else:
        assert_denied(response)


def test_owner_cannot_list_another_users_ledger(firestore):
    response = firestore.run_query(f"users/{OTHER_UID}", {"from": [{"collectionId": "ledger"}]}, PRINCIPALS["owner"])
    assert_denied(response)


# ---- edge cases ----------------------------------------------------------------------------------------


MISSING = [
    # path                                         principal     status
    ("jobs/no-such-job", "owner", 403),
    ("jobs/no-such-job", "other", 403),
    ("jobs/no-such-job", "anonymous", 403),
    ("jobs/no-such-job", "admin", 404),
    (f"users/{OWNER_UID}/ledger/no-such-entry", "owner", 404),
    (f"users/{OWNER_UID}/ledger/no-such-entry", "other", 403),
    (f"users/{OWNER_UID}/ledger/no-such-entry", "anonymous", 403),
    (f"users/{OWNER_UID}/ledger/no-such-entry", "admin", 404),
]


@pytest.mark.parametrize("path, principal, status", MISSING)
def test_get_of_a_document_that_does_not_exist(firestore, path, principal, status):
    """What the emulator answers for a missing document depends on whether the rule reads its data.

    For a missing document `resource` is null. The job rule reads resource.data.userId, which fails with
    "Null value error", so the read is denied: 403 PERMISSION_DENIED for everyone but an admin, whose rule
    does not look at the data and gets 404 NOT_FOUND. A user therefore cannot tell a missing job from
    someone else's. The ledger rule looks only at the path, so the owner gets an honest 404 there.
    """
    response = firestore.get(path, PRINCIPALS[principal])
    assert response.status_code == status, response.text
    assert response.json()["error"]["status"] == ("NOT_FOUND" if status == 404 else "PERMISSION_DENIED")


@pytest.mark.parametrize("claim", ["true", 1, False])
def test_only_a_boolean_true_admin_claim_makes_an_admin(firestore, claim):
    headers = {"Authorization": f"Bearer {id_token('mallory', admin=claim)}"}
    assert_denied(firestore.get("webhookEvents/evt-1", headers))
    assert_denied(firestore.run_query("", {"from": JOBS}, headers))


def test_a_new_user_cannot_create_their_own_user_document(firestore, reseed_after):
    headers = {"Authorization": f"Bearer {id_token('carol')}"}
    assert_denied(firestore.create("users", "carol", {"credits": 1_000_000}, headers))
    assert firestore.read("users/carol") is None


def test_owner_cannot_create_a_job_for_themself(firestore, reseed_after):
    assert_denied(firestore.create("jobs", "job-new", {"userId": OWNER_UID, "status": "done"}, PRINCIPALS["owner"]))
    assert firestore.read("jobs/job-new") is None


def test_admin_cannot_write_either(firestore, reseed_after):
    admin = PRINCIPALS["admin"]
    assert_denied(firestore.update(f"users/{OWNER_UID}", {"credits": 0}, admin))
    assert_denied(firestore.update("jobs/job-alice", {"status": "done"}, admin))
    assert_denied(firestore.create(f"users/{OWNER_UID}/ledger", "adjust:1", {"kind": "adjust", "amount": 5}, admin))
    assert_denied(firestore.delete("plans/starter", admin))
    assert firestore.read(f"users/{OWNER_UID}") == fields(SEED[f"users/{OWNER_UID}"])["fields"]
