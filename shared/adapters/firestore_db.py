"""Firestore access: the collections, the transaction runner and cursor pages.

Firestore re-runs a transaction callback when it is contended, so callbacks only read through the
transaction and stage writes on it; side effects (queue, GPU, storage) happen after commit.
"""

import base64
from collections.abc import Callable
from typing import TypeVar

from google.api_core import exceptions as gexc
from google.cloud import firestore

from shared.domain import errors

T = TypeVar("T")
TX_ATTEMPTS = 5


def make_client(project_id: str) -> firestore.Client:
    # FIRESTORE_EMULATOR_HOST, when set, points the client at the emulator.
    return firestore.Client(project=project_id)


def run_transaction(db: firestore.Client, callback: Callable[[firestore.Transaction], T]) -> T:
    """Run `callback(tx)` in one transaction; contention that outlives the retries becomes `Busy`."""

    @firestore.transactional
    def attempt(tx: firestore.Transaction) -> T:
        return callback(tx)

    try:
        return attempt(db.transaction(max_attempts=TX_ATTEMPTS))
    except (gexc.Aborted, gexc.DeadlineExceeded, gexc.ServiceUnavailable) as exc:
        raise errors.Busy() from exc
    except ValueError as exc:  # the library wraps "retries exhausted" in a ValueError
        if isinstance(exc.__cause__, gexc.Aborted):
            raise errors.Busy() from exc
        raise


def users(db: firestore.Client):
    return db.collection("users")


def ledger(db: firestore.Client, uid: str):
    return db.collection("users").document(uid).collection("ledger")


def payments(db: firestore.Client):
    return db.collection("payments")


def webhook_events(db: firestore.Client):
    return db.collection("webhookEvents")


def plans(db: firestore.Client):
    return db.collection("plans")


def jobs(db: firestore.Client):
    return db.collection("jobs")


def moderation_events(db: firestore.Client):
    return db.collection("moderationEvents")


def moderation_counts(db: firestore.Client):
    return db.collection("moderationCounts")


def api_keys(db: firestore.Client):
    return db.collection("apiKeys")


def uploads(db: firestore.Client):
    return db.collection("uploads")


def webhook_secrets(db: firestore.Client):
    return db.collection("webhookSecrets")


def encode_cursor(doc_id: str) -> str:
    return base64.urlsafe_b64encode(doc_id.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> str:
    try:
        doc_id = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        doc_id = ""
    # Only ids Firestore can take (the rule of shared.domain.ids): a cursor naming `..` or
    # `__x__` would otherwise reach Firestore and come back as its INVALID_ARGUMENT.
    if (
        not doc_id
        or doc_id in (".", "..")
        or "/" in doc_id
        or (len(doc_id) >= 4 and doc_id.startswith("__") and doc_id.endswith("__"))
        or len(doc_id.encode()) > 1500
        or any(ord(char) < 0x20 or 0x7F <= ord(char) < 0xA0 or char == "\ufffd" for char in doc_id)
    ):
        raise errors.InvalidArgument("cursor is not valid.", field="cursor")
    return doc_id


def page(query, collection, limit: int, cursor: str | None) -> tuple[list, str | None]:
    """One page of `query`; the cursor names the last document seen."""
    if cursor:
        last = collection.document(decode_cursor(cursor)).get()
        if not last.exists:
            raise errors.InvalidArgument("cursor is not valid.", field="cursor")
        query = query.start_after(last)
    docs = list(query.limit(limit + 1).stream())
    more = len(docs) > limit
    docs = docs[:limit]
    return docs, (encode_cursor(docs[-1].id) if more else None)
