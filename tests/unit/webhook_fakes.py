"""In-memory stand-ins for outgoing webhooks: the signing-secret store, a sender that records what it would
POST and answers what the test scripts, and a DNS table for the URL guard."""

from __future__ import annotations

import dataclasses
import datetime as dt
import socket
from collections.abc import Sequence
from typing import Any

from shared.domain.webhooks import SigningSecrets, WebhookTarget
from shared.services.ports import WebhookSendFailed


class MemoryWebhookSecrets:
    def __init__(self) -> None:
        self.secrets: dict[str, SigningSecrets] = {}

    def get_or_create(self, uid: str, candidate: str, now: dt.datetime) -> SigningSecrets:
        return self.secrets.setdefault(uid, SigningSecrets(current=candidate))

    def rotate(self, uid: str, new: str, now: dt.datetime) -> SigningSecrets:
        current = self.secrets.get(uid)
        self.secrets[uid] = current.rotated(new, now) if current else SigningSecrets(current=new)
        return self.secrets[uid]


@dataclasses.dataclass
class Sent:
    target: WebhookTarget
    message_id: str
    timestamp: dt.datetime
    body: str
    secrets: tuple[str, ...]


class RecordingSender:
    """Answers each send with the next scripted status (200 when the script runs out); an exception in the
    script is raised as `WebhookSendFailed`, as a refused connection would be."""

    def __init__(self, *answers: int | str) -> None:
        self.answers = list(answers)
        self.sent: list[Sent] = []

    def send(
        self, target: WebhookTarget, message_id: str, timestamp: dt.datetime, body: str, secrets: Sequence[str]
    ) -> int:
        self.sent.append(Sent(target, message_id, timestamp, body, tuple(secrets)))
        answer = self.answers.pop(0) if self.answers else 200
        if isinstance(answer, str):
            raise WebhookSendFailed(answer)
        return answer


def fake_dns(table: dict[str, list[str]]) -> Any:
    """A `socket.getaddrinfo` answering from `table`; other names do not resolve, and IP literals (as the
    real resolver does without asking DNS) resolve to themselves."""
    real = socket.getaddrinfo

    def getaddrinfo(host: str, port: int, *args: Any, **kwargs: Any) -> list[Any]:
        if host in table:
            return [
                (socket.AF_INET6 if ":" in ip else socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port))
                for ip in table[host]
            ]
        try:
            return real(host, port, *args, flags=socket.AI_NUMERICHOST, **kwargs)
        except socket.gaierror:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known") from None

    return getaddrinfo
