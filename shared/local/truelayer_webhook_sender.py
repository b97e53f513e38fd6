"""Webhook delivery of the TrueLayer stand-in: signed like TrueLayer's, retried on any non-2xx answer."""

import collections
import json
import logging
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from urllib.parse import urlsplit

import requests

from shared.local.truelayer_keys import LocalKeys

log = logging.getLogger("cineweave.truelayer_standin")

TIMEOUT_SEC = 10


def rfc3339_now() -> str:
    """Event times as TrueLayer writes them: `2021-12-25T15:00:00.000Z`."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def webhook_timestamp() -> str:
    """The X-Tl-Webhook-Timestamp value: `2020-05-18T10:17:47Z`."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_event(event_type: str, **event_fields) -> dict:
    return {"type": event_type, "event_version": 1, "event_id": str(uuid.uuid4()), **event_fields}


class WebhookSender:
    """Posts events to the webhook URL of the moment; `jku` is read at send time because a server started on
    port 0 learns its address only after binding."""

    def __init__(
        self,
        keys: LocalKeys,
        *,
        url: Callable[[], str],
        jku: Callable[[], str],
        tries: int = 3,
        retry_delay_s: float = 1.0,
        session: requests.Session | None = None,
    ):
        self.keys = keys
        self.url = url
        self.jku = jku
        self.tries = tries
        self.retry_delay_s = retry_delay_s
        self.session = session or requests.Session()
        # The last deliveries as sent ({"url", "headers", "body"}), so a developer can replay one with curl.
        self.sent: collections.deque[dict] = collections.deque(maxlen=50)

    def signed_headers(self, body: bytes, path: str) -> dict[str, str]:
        return self.keys.sign_webhook(body, path, jku=self.jku(), timestamp=webhook_timestamp())

    def send(self, event: dict) -> bool:
        """True once the receiver answered 2xx; False when every try failed."""
        url = self.url()
        body = json.dumps(event, separators=(",", ":")).encode()
        path = urlsplit(url).path or "/"
        for attempt in range(1, self.tries + 1):
            # Signed again for each try: the timestamp header is part of the signature.
            headers = self.signed_headers(body, path)
            self.sent.append({"url": url, "headers": headers, "body": body.decode()})
            try:
                response = self.session.post(url, data=body, headers=headers, timeout=TIMEOUT_SEC)
                if 200 <= response.status_code < 300:
                    log.info("webhook %s %s delivered", event["type"], event["event_id"])
                    return True
                reason = f"answered {response.status_code}"
            except requests.RequestException as exc:
                reason = exc.__class__.__name__
            log.warning("webhook %s, try %d of %d failed: %s", event["type"], attempt, self.tries, reason)
            if attempt < self.tries:
                time.sleep(self.retry_delay_s)
        return False
