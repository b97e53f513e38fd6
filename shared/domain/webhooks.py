"""Outgoing webhooks: which job events a creator can be told of, which URLs they may go to, the signing
secret and its rotation, and the bookkeeping of a job's deliveries.

Pure rules only: resolving a host name is `shared/adapters/url_guard.py`, sending is
`shared/adapters/webhook_sender.py`. A URL is refused unless every address its host resolves to is public, so
a webhook cannot be aimed at our own network (the metadata server, the emulators, another tenant's service).
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import ipaddress
import secrets
from typing import Any, Literal
from urllib.parse import urlsplit

from shared.domain import errors

WebhookEvent = Literal["job.running", "job.completed", "job.failed", "job.canceled"]
WEBHOOK_EVENTS: tuple[WebhookEvent, ...] = ("job.running", "job.completed", "job.failed", "job.canceled")
DEFAULT_WEBHOOK_EVENTS: tuple[WebhookEvent, ...] = ("job.completed", "job.failed", "job.canceled")
WEBHOOK_URL_MAX_CHARS = 2048

# The job status whose arrival is each event (shared/domain/jobs.py raises them on the move).
EVENT_FOR_STATUS: dict[str, WebhookEvent] = {
    "running": "job.running",
    "done": "job.completed",
    "failed": "job.failed",
    "canceled": "job.canceled",
}

DELIVERY_TIMEOUT_SEC = 10.0
KEPT_DELIVERIES = 10  # attempts kept on the job (and shown in its view), newest first
SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32
ROTATION_OVERLAP = dt.timedelta(hours=24)  # a rotated-out secret keeps signing this long
# An event with no recorded attempt this long after it happened lost its enqueue: the sweep enqueues it again,
# then every REQUEUE_EVERY, and forgets it after GIVE_UP_AFTER (the queue's own retries last as long).
ENQUEUE_GRACE = dt.timedelta(minutes=5)
REQUEUE_EVERY = dt.timedelta(minutes=30)
GIVE_UP_AFTER = dt.timedelta(hours=24)


def message_id(job_id: str, event: str) -> str:
    """The webhook-id header: the same on every retry, so a receiver can drop duplicates."""
    return f"{job_id}:{event}"


def subscription(url: str | None, events: list[WebhookEvent] | None) -> dict[str, Any]:
    """The job fields for a create's webhook: none without a URL, the terminal events by default."""
    if url is None:
        return {}
    return {"webhook_url": url, "webhook_events": list(events or DEFAULT_WEBHOOK_EVENTS)}


def delivered(status_code: int | None) -> bool:
    return status_code is not None and 200 <= status_code < 300


def due_at(pending: dict[str, dt.datetime]) -> dt.datetime | None:
    """When the sweep should enqueue again what no attempt has been recorded for."""
    return min(pending.values()) + ENQUEUE_GRACE if pending else None


def event_body(event: str, at: dt.datetime, data: dict[str, Any]) -> dict[str, Any]:
    """The Standard Webhooks payload: type, when the event happened, and the job as GET /api/jobs/{id} shows it."""
    return {"type": event, "timestamp": at.isoformat(), "data": data}


# -- the URL guard --------------------------------------------------------------------------------------------
class UnresolvedHost(errors.InvalidArgument):
    """The host did not resolve: refused at create, retried at delivery (DNS can fail for a while)."""


def refusal(message: str) -> errors.InvalidArgument:
    return errors.InvalidArgument(f"webhookUrl {message}", field="webhookUrl")


@dataclasses.dataclass(frozen=True)
class WebhookTarget:
    """A webhook URL taken apart; once vetted, with the addresses a delivery may connect to."""

    url: str
    scheme: str  # https, or http on the local stack
    host: str  # the ASCII (IDNA) host name, or an IP literal without brackets
    port: int
    path: str  # path and query, for the request line
    addresses: tuple[str, ...] = ()

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == (443 if self.scheme == "https" else 80) else f"{host}:{self.port}"


def parse_target(url: str, *, allow_http: bool) -> WebhookTarget:
    """The URL's parts, or `InvalidArgument` (field webhookUrl): https only (http too where `allow_http`), no
    user name or password, a host and a valid port."""
    if any(char.isspace() or ord(char) < 0x20 or char == "\\" for char in url):
        raise refusal("must not contain spaces, control characters or backslashes.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise refusal("is not a valid URL.") from None
    scheme = parts.scheme.lower()
    if scheme != "https" and not (allow_http and scheme == "http"):
        raise refusal("must be an https:// URL.")
    if "@" in parts.netloc:
        raise refusal("must not carry a user name or password.")
    host = parts.hostname or ""
    if not host:
        raise refusal("must name a host.")
    if not _is_ip(host):
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            raise refusal("does not name a valid host.") from None
    if port == 0:
        raise refusal("must not use port 0.")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return WebhookTarget(url=url, scheme=scheme, host=host, port=port or (443 if scheme == "https" else 80), path=path)


def address_problem(address: str, *, allow_loopback: bool) -> str | None:
    """Why a delivery must not connect to `address` (None when it may): only public unicast addresses pass.
    IPv6 forms that carry an IPv4 address (mapped, 6to4, Teredo) are judged by that address too."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return "not an IP address"
    candidates: list[ipaddress.IPv4Address | ipaddress.IPv6Address] = [ip]
    if isinstance(ip, ipaddress.IPv6Address):
        teredo_client = ip.teredo[1] if ip.teredo else None
        candidates += [found for found in (ip.ipv4_mapped, ip.sixtofour, teredo_client) if found is not None]
    for candidate in candidates:
        if candidate.is_loopback:
            if allow_loopback:
                continue
            return "loopback"
        for name, flag in (
            ("unspecified", candidate.is_unspecified),
            ("link-local", candidate.is_link_local),
            ("multicast", candidate.is_multicast),
            ("private", candidate.is_private),
            ("shared (carrier-grade NAT)", candidate in _SHARED_NETWORK),
            ("reserved", candidate.is_reserved),
            ("non-public", not candidate.is_global),
        ):
            if flag:
                return name
    return None


def vetted(target: WebhookTarget, addresses: tuple[str, ...], *, allow_loopback: bool) -> WebhookTarget:
    """The target with its addresses, when every one of them is allowed: one bad address refuses the URL."""
    if not addresses:
        raise UnresolvedHost("webhookUrl's host has no address.", field="webhookUrl")
    for address in addresses:
        problem = address_problem(address, allow_loopback=allow_loopback)
        if problem is not None:
            raise refusal(f"points at a {problem} address; webhooks are only sent to public hosts.")
    return dataclasses.replace(target, addresses=addresses)


_SHARED_NETWORK = ipaddress.ip_network("100.64.0.0/10")


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


# -- the signing secret ---------------------------------------------------------------------------------------
def new_signing_secret() -> str:
    """A Standard Webhooks secret: `whsec_` and the base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


@dataclasses.dataclass(frozen=True)
class SigningSecrets:
    """A user's secret, and the one it replaced while that still signs alongside."""

    current: str
    previous: str | None = None
    previous_until: dt.datetime | None = None

    def signing(self, now: dt.datetime) -> tuple[str, ...]:
        """The secrets to sign with: each gives one `v1,…` in the webhook-signature header."""
        if self.previous and self.previous_until and now < self.previous_until:
            return (self.current, self.previous)
        return (self.current,)

    def rotated(self, new: str, now: dt.datetime) -> SigningSecrets:
        return SigningSecrets(current=new, previous=self.current, previous_until=now + ROTATION_OVERLAP)
