"""API keys in Firestore: `apiKeys/{sha256 of the secret}`, found by hash in one read. Clients cannot read
them (firestore_rules/firestore.rules)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from google.api_core import exceptions as gexc
from google.cloud import firestore

from shared.adapters import firestore_db
from shared.domain import errors
from shared.domain.api_keys import ApiKey
from shared.log import fields, get_logger

log = get_logger("api_keys")


def key_from(hash_: str, data: dict[str, Any]) -> ApiKey:
    return ApiKey(
        id=data["id"],
        uid=data["uid"],
        name=data.get("name", ""),
        prefix=data.get("prefix", ""),
        hash=hash_,
        created_at=data["createdAt"],
        email=data.get("email"),
        last_used_at=data.get("lastUsedAt"),
    )


class FirestoreApiKeys:
    def __init__(self, db: firestore.Client):
        self.db = db

    def _owned(self, uid: str):
        return firestore_db.api_keys(self.db).where(filter=firestore.FieldFilter("uid", "==", uid))

    def add(self, key: ApiKey, max_keys: int) -> None:
        """Keep the key unless the user has `max_keys` already (counted in the same transaction)."""
        collection = firestore_db.api_keys(self.db)

        def callback(tx: firestore.Transaction) -> None:
            # Reading the user's document too makes two adds at once conflict, so neither overshoots.
            firestore_db.users(self.db).document(key.uid).get(transaction=tx)
            held = list(tx.get(self._owned(key.uid)))
            if len(held) >= max_keys:
                raise errors.Conflict(f"You have {max_keys} API keys already; revoke one to make another.")
            tx.set(
                collection.document(key.hash),
                {
                    "id": key.id,
                    "uid": key.uid,
                    "name": key.name,
                    "prefix": key.prefix,
                    "email": key.email,
                    "createdAt": key.created_at,
                    "lastUsedAt": None,
                },
            )

        firestore_db.run_transaction(self.db, callback)

    def owned_by(self, uid: str) -> list[ApiKey]:
        keys = [key_from(doc.id, doc.to_dict()) for doc in self._owned(uid).stream()]
        return sorted(keys, key=lambda key: key.created_at, reverse=True)

    def by_hash(self, hash_: str) -> ApiKey | None:
        snap = firestore_db.api_keys(self.db).document(hash_).get()
        return key_from(snap.id, snap.to_dict()) if snap.exists else None

    def revoke(self, uid: str, key_id: str) -> bool:
        docs = list(self._owned(uid).where(filter=firestore.FieldFilter("id", "==", key_id)).stream())
        for doc in docs:
            doc.reference.delete()
        return bool(docs)

    def touch(self, key: ApiKey, now: dt.datetime) -> None:
        try:
            firestore_db.api_keys(self.db).document(key.hash).update({"lastUsedAt": now})
        except gexc.NotFound:  # revoked in the meantime: this request got in just before
            pass
        except gexc.GoogleAPICallError:  # lastUsedAt is a hint; the request it came with still goes ahead
            log.warning("could not note an API key's last use", exc_info=True, extra=fields(keyId=key.id))
