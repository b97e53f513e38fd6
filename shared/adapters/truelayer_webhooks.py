"""Checks the `Tl-Signature` of TrueLayer webhooks.

The signature is a JWS with a detached payload over method, path, the signed headers and the body. Its header
names the signing key (`kid`) and where to fetch the key set (`jku`); the `jku` is trusted only when it is
exactly one of the allow-listed URLs, otherwise anyone could sign with a key set of their own.
"""

import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import requests
import truelayer_signing
from truelayer_signing import HttpMethod

from shared.domain import errors
from shared.log import fields, get_logger

log = get_logger("truelayer.webhooks")

FETCH_TIMEOUT_SEC = 5
# An unknown kid may mean TrueLayer rotated its keys; refetching is capped so forged kids cannot make us
# hammer the JWKS endpoint.
UNKNOWN_KID_REFETCH_INTERVAL_SEC = 30


@dataclass
class _CachedKeySet:
    jwks: dict
    fetched_at: float
    refetch_tried_at: float  # the last refetch for an unknown kid, successful or not


def _header(headers: Mapping[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value
    return None


def _has_kid(jwks: dict, kid: str) -> bool:
    return any(isinstance(key, dict) and key.get("kid") == kid for key in jwks.get("keys", []))


class WebhookVerifier:
    def __init__(
        self,
        jku_allowlist: Iterable[str],
        session: requests.Session | None = None,
        cache_ttl_sec: float = 600,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.jku_allowlist = frozenset(jku_allowlist)
        self.session = session or requests.Session()
        self.cache_ttl_sec = cache_ttl_sec
        self.clock = clock
        self._key_sets: dict[str, _CachedKeySet] = {}
        self._lock = threading.Lock()

    def verify(self, method: str, path: str, headers: Mapping[str, str], body: bytes) -> None:
        """Returns when the webhook is signed by TrueLayer; raises errors.Unauthenticated otherwise."""
        signature = _header(headers, "Tl-Signature")
        if not signature:
            raise errors.Unauthenticated("The webhook has no Tl-Signature header.")
        try:
            jws_header = truelayer_signing.extract_jws_header(signature)
        except Exception:  # the library lets parse errors of attacker-chosen input escape as any type
            raise errors.Unauthenticated("The webhook's Tl-Signature header is malformed.") from None
        if jws_header.jku not in self.jku_allowlist:
            log.warning("webhook signed with a key set that is not allowed", extra=fields(jku=jws_header.jku))
            raise errors.Unauthenticated("The webhook's signing key set is not an allowed one.")
        jwks = self._key_set(jws_header.jku, jws_header.kid)
        if not _has_kid(jwks, jws_header.kid):
            raise errors.Unauthenticated("The webhook is signed with an unknown key.")
        try:
            http_method = HttpMethod(method.upper())
            (
                truelayer_signing.verify_with_jwks(jwks, jws_header)
                .set_method(http_method)
                .set_path(path)
                .add_headers(dict(headers.items()))
                .set_body(body.decode("utf-8"))
                .verify(signature)
            )
        except Exception:
            raise errors.Unauthenticated("The webhook's signature does not match.") from None

    def _key_set(self, jku: str, kid: str) -> dict:
        with self._lock:
            now = self.clock()
            cached = self._key_sets.get(jku)
            if cached is None or now - cached.fetched_at >= self.cache_ttl_sec:
                cached = self._fetch(jku, now)
            elif not _has_kid(cached.jwks, kid) and now - cached.refetch_tried_at >= UNKNOWN_KID_REFETCH_INTERVAL_SEC:
                cached.refetch_tried_at = now
                cached = self._fetch(jku, now)
            return cached.jwks

    def _fetch(self, jku: str, now: float) -> _CachedKeySet:
        try:
            response = self.session.get(jku, timeout=FETCH_TIMEOUT_SEC)
            response.raise_for_status()
            jwks = response.json()
        except (requests.RequestException, ValueError) as exc:
            log.warning("could not fetch webhook signing keys", extra=fields(jku=jku, reason=exc.__class__.__name__))
            raise errors.Unauthenticated("The webhook's signing keys could not be fetched.") from None
        if not isinstance(jwks, dict) or not isinstance(jwks.get("keys"), list):
            raise errors.Unauthenticated("The webhook's signing key set is malformed.")
        cached = _CachedKeySet(jwks=jwks, fetched_at=now, refetch_tried_at=now)
        self._key_sets[jku] = cached
        return cached
