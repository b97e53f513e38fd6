"""API keys: long-lived bearer secrets for developers, kept only as their SHA-256.

A key is `cw_` and 43 URL-safe characters (32 random bytes). It is shown once, when made; what is stored is
its hash (the document id it is looked up by), its owner, a name and a prefix to tell keys apart.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import secrets

KEY_PREFIX = "cw_"
KEY_BYTES = 32
SHOWN_PREFIX_CHARS = len(KEY_PREFIX) + 8
MAX_KEYS_PER_USER = 10
LAST_USED_EVERY = dt.timedelta(minutes=1)  # lastUsedAt moves at most this often, so a busy key is no hot spot


def new_secret() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(KEY_BYTES)


def is_api_key(token: str) -> bool:
    return token.startswith(KEY_PREFIX)


def key_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclasses.dataclass(frozen=True)
class ApiKey:
    id: str  # public: names the key in the API (revoke); not derived from the secret
    uid: str
    name: str
    prefix: str
    hash: str
    created_at: dt.datetime
    email: str | None = None  # the owner's, as the ID token showed it when the key was made
    last_used_at: dt.datetime | None = None

    def stale_last_use(self, now: dt.datetime) -> bool:
        return self.last_used_at is None or now - self.last_used_at >= LAST_USED_EVERY


def make_key(uid: str, name: str, email: str | None, now: dt.datetime) -> tuple[ApiKey, str]:
    """A new key and its secret (the secret is not kept anywhere)."""
    secret = new_secret()
    key = ApiKey(
        id=secrets.token_hex(8),
        uid=uid,
        name=name,
        prefix=secret[:SHOWN_PREFIX_CHARS],
        hash=key_hash(secret),
        created_at=now,
        email=email,
    )
    return key, secret
