"""Sends one webhook delivery: signed with the standardwebhooks library, POSTed over a connection to an address
the URL guard vetted (shared/adapters/url_guard.py), never re-resolving the host name.

The TCP connection goes to the vetted IP; the Host header, TLS SNI and the certificate check use the URL's host
name, so https still proves who the receiver is. Redirects are not followed (a 3xx is a failed attempt), and
each attempt has DELIVERY_TIMEOUT_SEC to connect and as long for each read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import certifi
import urllib3
from standardwebhooks import Webhook
from urllib3.exceptions import HTTPError, NewConnectionError

from shared.domain.webhooks import DELIVERY_TIMEOUT_SEC, WebhookTarget
from shared.services.ports import WebhookSendFailed

USER_AGENT = "CineWeave-Webhooks/1"
MAX_ADDRESSES = 3  # tried in turn when a connection is refused outright (not on a timeout)


def signed_headers(secrets: Sequence[str], message_id: str, timestamp: dt.datetime, body: str) -> dict[str, str]:
    """The Standard Webhooks headers; one `v1,<signature>` per secret, space-separated, so a receiver still on
    the secret before a rotation verifies too."""
    signatures = " ".join(Webhook(secret).sign(message_id, timestamp, body) for secret in secrets)
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(timestamp.timestamp())),
        "webhook-signature": signatures,
    }


class PinnedSender:
    def __init__(self, timeout_sec: float = DELIVERY_TIMEOUT_SEC):
        self.timeout = urllib3.Timeout(connect=timeout_sec, read=timeout_sec)

    def send(
        self, target: WebhookTarget, message_id: str, timestamp: dt.datetime, body: str, secrets: Sequence[str]
    ) -> int:
        if not target.addresses:
            raise WebhookSendFailed("the URL was not vetted")
        headers = signed_headers(secrets, message_id, timestamp, body) | {
            "Host": target.host_header,
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
        }
        failure: Exception | None = None
        for address in target.addresses[:MAX_ADDRESSES]:
            pool = self._pool(target, address)
            try:
                response = pool.urlopen(
                    "POST",
                    target.path,
                    body=body.encode(),
                    headers=headers,
                    redirect=False,
                    retries=False,
                    assert_same_host=False,
                    preload_content=False,
                )
            except NewConnectionError as exc:  # refused or unreachable: the next address may answer
                failure = exc
                continue
            except HTTPError as exc:
                raise WebhookSendFailed(describe(exc)) from None
            finally:
                pool.close()
            status = int(response.status)
            response.close()  # the body is not read: only the status counts
            return status
        raise WebhookSendFailed(describe(failure))

    def _pool(self, target: WebhookTarget, address: str) -> urllib3.HTTPConnectionPool:
        if target.scheme == "https":
            return urllib3.HTTPSConnectionPool(
                address,
                target.port,
                timeout=self.timeout,
                retries=False,
                cert_reqs="CERT_REQUIRED",
                ca_certs=certifi.where(),
                assert_hostname=target.host,
                server_hostname=target.host,
            )
        return urllib3.HTTPConnectionPool(address, target.port, timeout=self.timeout, retries=False)


def describe(exc: Exception | None) -> str:
    """A short reason for the job's delivery log: the kind of failure, not the library's whole message."""
    if exc is None:
        return "no address to connect to"
    name = type(exc).__name__
    reason = {
        "NewConnectionError": "connection refused or unreachable",
        "ConnectTimeoutError": "connection timed out",
        "ReadTimeoutError": "no answer in time",
        "SSLError": "TLS handshake or certificate check failed",
        "ProtocolError": "connection closed without an answer",
    }.get(name)
    return reason or name
