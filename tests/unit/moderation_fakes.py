"""In-memory stand-ins behind the moderation ports: the records, and moderators that answer what a test sets."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from shared.domain.moderation import ImageVerdict, Refusal
from shared.local.moderation_standins import safe_search, text_scores
from shared.services.ports import ModerationUnavailable


class MemoryModerationRecords:
    def __init__(self) -> None:
        self.refusals: dict[str, Refusal] = {}
        self.counts: dict[str, tuple[dt.datetime, int]] = {}
        self.verdicts: dict[str, ImageVerdict] = {}

    def refusals_since(self, uid: str, window_start: dt.datetime) -> int:
        start, count = self.counts.get(uid, (None, 0))
        return count if start == window_start else 0

    def record_refusal(self, refusal: Refusal, window_start: dt.datetime) -> int:
        count = self.refusals_since(refusal.uid, window_start)
        if refusal.id in self.refusals:
            return count
        self.refusals[refusal.id] = refusal
        self.counts[refusal.uid] = (window_start, count + 1)
        return count + 1

    def image_verdict(self, image_key: str) -> ImageVerdict | None:
        return self.verdicts.get(image_key)

    def save_image_verdict(self, verdict: ImageVerdict) -> None:
        self.verdicts[verdict.image_key] = verdict


class MarkerTextModerator:
    """The local stand-in's rule: 0.99 for each category named as [[flag:<Category>]], 0.01 for the others."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.down = False

    def moderate(self, text: str) -> dict[str, float]:
        self.calls.append(text)
        if self.down:
            raise ModerationUnavailable("Natural Language moderateText: ConnectionError")
        return text_scores(text)


class MarkerSafeSearch:
    """The local stand-in's rule: VERY_LIKELY for each SafeSearch field named as [[flag:<field>]] in the bytes."""

    def __init__(self) -> None:
        self.calls: list[bytes] = []
        self.down = False

    def safe_search(self, image: bytes, image_url: Callable[[], str]) -> dict[str, str]:
        self.calls.append(image)
        if self.down:
            raise ModerationUnavailable("Vision images:annotate: ConnectionError")
        return safe_search(image)
