"""Webhook signing secrets in Firestore: `webhookSecrets/{uid}` holds the secret, and for a day after a
rotation the one it replaced. No client can read the collection (firestore_rules/firestore.rules)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from google.api_core.exceptions import AlreadyExists
from google.cloud import firestore

from shared.adapters import firestore_db
from shared.domain.webhooks import SigningSecrets


def secrets_from(data: dict[str, Any]) -> SigningSecrets:
    return SigningSecrets(
        current=data["current"], previous=data.get("previous"), previous_until=data.get("previousUntil")
    )


class FirestoreWebhookSecrets:
    def __init__(self, db: firestore.Client):
        self.db = db

    def get_or_create(self, uid: str, candidate: str, now: dt.datetime) -> SigningSecrets:
        ref = firestore_db.webhook_secrets(self.db).document(uid)
        snap = ref.get()
        if snap.exists:
            return secrets_from(snap.to_dict())
        try:
            ref.create({"current": candidate, "createdAt": now})
        except AlreadyExists:  # made by a concurrent first use: that one is the secret
            return secrets_from(ref.get().to_dict())
        return SigningSecrets(current=candidate)

    def rotate(self, uid: str, new: str, now: dt.datetime) -> SigningSecrets:
        ref = firestore_db.webhook_secrets(self.db).document(uid)

        def callback(tx: firestore.Transaction) -> SigningSecrets:
            snap = ref.get(transaction=tx)
            rotated = secrets_from(snap.to_dict()).rotated(new, now) if snap.exists else SigningSecrets(current=new)
            tx.set(
                ref,
                {
                    "current": rotated.current,
                    "previous": rotated.previous,
                    "previousUntil": rotated.previous_until,
                    "rotatedAt": now,
                    "createdAt": (snap.to_dict() or {}).get("createdAt", now),
                },
            )
            return rotated

        return firestore_db.run_transaction(self.db, callback)
