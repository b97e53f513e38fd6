"""The SSRF guard for webhook URLs: the URL's shape by the rules in shared/domain/webhooks.py, then every
address its host resolves to. Checked at create and again before each delivery, whose connection then goes to
one of the addresses vetted here (shared/adapters/webhook_sender.py), so a DNS answer that changes in between
(rebinding) cannot move a delivery onto our network.

Production takes https to public addresses only. The local stack and the tests (CINEWEAVE_ENV local or test)
also take http and loopback addresses, so a receiver on 127.0.0.1 works; private ranges stay refused there too.
"""

from __future__ import annotations

import socket

from shared.domain import webhooks
from shared.domain.webhooks import WebhookTarget


class ResolvingUrlGuard:
    def __init__(self, env: str):
        self.local = env in ("local", "test")

    def vet(self, url: str) -> WebhookTarget:
        target = webhooks.parse_target(url, allow_http=self.local)
        return webhooks.vetted(target, resolve(target.host, target.port), allow_loopback=self.local)


def resolve(host: str, port: int) -> tuple[str, ...]:
    """Every address of `host`, IPv4 first (Cloud Run has no IPv6 egress by default), without repeats."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):  # socket.gaierror is an OSError
        raise webhooks.UnresolvedHost("webhookUrl's host does not resolve.", field="webhookUrl") from None
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    return tuple(sorted(addresses, key=lambda address: ":" in address))
