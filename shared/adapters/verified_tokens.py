"""ID tokens already verified in this process, with their claims, until they expire.

A web app sends the same ID token with every call for up to an hour. Verifying it again each time (parsing
Google's certificates, checking the RS256 signature) gives the same claims, since revocation is not
checked; the claims are kept until the token's own `exp`, so an expired token is verified (and refused)
afresh.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

MAX_TOKENS = 2048


class VerifiedTokens:
    def __init__(self, max_tokens: int = MAX_TOKENS, clock: Callable[[], float] = time.time):
        self.max_tokens, self._clock = max_tokens, clock
        self._claims: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()

    def get(self, token: str) -> dict[str, Any] | None:
        claims = self._claims.get(token)
        if claims is None or int(claims.get("exp", 0)) <= self._clock():
            return None
        return claims

    def put(self, token: str, claims: dict[str, Any]) -> None:
        with self._lock:
            if len(self._claims) >= self.max_tokens:
                now = self._clock()
                kept = {t: c for t, c in self._claims.items() if int(c.get("exp", 0)) > now}
                if len(kept) >= self.max_tokens:  # all still valid: drop the oldest half (insertion order)
                    kept = dict(list(kept.items())[len(kept) // 2 :])
                self._claims = kept
            self._claims[token] = claims
