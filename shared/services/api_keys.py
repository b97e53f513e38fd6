"""API keys: made and revoked from the web app (signed in), then used as bearer tokens on the user routes."""

from __future__ import annotations

from shared.domain import errors, responses
from shared.domain.api_keys import MAX_KEYS_PER_USER, ApiKey, key_hash, make_key
from shared.domain.clock import utcnow
from shared.services.ports import ApiKeyStore
from shared.services.views import iso


def key_view(key: ApiKey) -> responses.ApiKeyInfo:
    return responses.ApiKeyInfo(
        id=key.id, name=key.name, prefix=key.prefix, createdAt=iso(key.created_at), lastUsedAt=iso(key.last_used_at)
    )


class ApiKeyService:
    def __init__(self, keys: ApiKeyStore):
        self.keys = keys

    def create(self, uid: str, email: str | None, name: str) -> responses.ApiKeyCreated:
        key, secret = make_key(uid, name, email, utcnow())
        self.keys.add(key, MAX_KEYS_PER_USER)
        return responses.ApiKeyCreated(
            id=key.id, name=key.name, key=secret, prefix=key.prefix, createdAt=iso(key.created_at)
        )

    def list(self, uid: str) -> responses.ApiKeyList:
        return responses.ApiKeyList(keys=[key_view(key) for key in self.keys.owned_by(uid)])

    def revoke(self, uid: str, key_id: str) -> None:
        if not self.keys.revoke(uid, key_id):
            raise errors.NotFound("No such API key.")

    def authenticate(self, secret: str) -> ApiKey:
        """The key a bearer secret names; `Unauthenticated` for a revoked or made-up one."""
        key = self.keys.by_hash(key_hash(secret))
        if key is None:
            raise errors.Unauthenticated("This API key is not valid; it may have been revoked.")
        now = utcnow()
        if key.stale_last_use(now):
            self.keys.touch(key, now)
        return key
