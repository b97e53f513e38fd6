"""Moderation records in Firestore: `moderationEvents/{id}` (the refusals), `moderationCounts/{uid}` (the
refusals in the current hour) and `uploads/{id}` (the SafeSearch verdict kept with an uploaded image).
None of them is readable by clients (firestore_rules/firestore.rules)."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from google.cloud import firestore

from shared.adapters import firestore_db
from shared.domain.moderation import ImageVerdict, Refusal


def refusal_document(refusal: Refusal) -> dict[str, Any]:
    document: dict[str, Any] = {
        "uid": refusal.uid,
        "email": refusal.email,
        "at": refusal.at,
        "field": refusal.field,
        "categories": list(refusal.categories),
        "check": refusal.check,
        "promptHash": refusal.prompt_hash,
    }
    if refusal.image_key:
        document["imageKey"] = refusal.image_key
    return document


def upload_id(image_key: str) -> str:
    """A document id for an object key (keys hold slashes, which document ids cannot)."""
    return hashlib.sha256(image_key.encode()).hexdigest()[:40]


class FirestoreModerationRecords:
    def __init__(self, db: firestore.Client):
        self.db = db

    def refusals_since(self, uid: str, window_start: dt.datetime) -> int:
        snap = firestore_db.moderation_counts(self.db).document(uid).get()
        return _count_in(snap.to_dict() if snap.exists else None, window_start)

    def record_refusal(self, refusal: Refusal, window_start: dt.datetime) -> int:
        event = firestore_db.moderation_events(self.db).document(refusal.id)
        counter = firestore_db.moderation_counts(self.db).document(refusal.uid)

        def callback(tx: firestore.Transaction) -> int:
            seen = event.get(transaction=tx).exists
            counted = counter.get(transaction=tx)
            count = _count_in(counted.to_dict() if counted.exists else None, window_start)
            if seen:
                return count
            tx.set(event, refusal_document(refusal))
            tx.set(counter, {"windowStart": window_start, "refusals": count + 1})
            return count + 1

        return firestore_db.run_transaction(self.db, callback)

    def image_verdict(self, image_key: str) -> ImageVerdict | None:
        snap = firestore_db.uploads(self.db).document(upload_id(image_key)).get()
        if not snap.exists:
            return None
        data = snap.to_dict()
        return ImageVerdict(
            image_key=data["imageKey"],
            etag=data.get("etag", ""),
            likelihoods=dict(data.get("likelihoods", {})),
            checked_at=data["checkedAt"],
        )

    def save_image_verdict(self, verdict: ImageVerdict) -> None:
        firestore_db.uploads(self.db).document(upload_id(verdict.image_key)).set(
            {
                "imageKey": verdict.image_key,
                "etag": verdict.etag,
                "likelihoods": dict(verdict.likelihoods),
                "checkedAt": verdict.checked_at,
            }
        )


def _count_in(data: dict[str, Any] | None, window_start: dt.datetime) -> int:
    if not data or data.get("windowStart") != window_start:
        return 0
    return int(data.get("refusals", 0))
