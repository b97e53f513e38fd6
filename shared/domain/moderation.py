"""Content-safety rules: the operator's blocklist, what the moderation scores mean, and the refusal record.

The blocklist matches whole words of normalised text. Normalising folds case and width (NFKC), strips
diacritics, reads common look-alike digits and symbols as letters, and drops separators inside a word, so
"DrAg0n-fruit" and "d.r.a.g.o.n.f.r.u.i.t" are "dragonfruit"; whitespace still ends a word, so "dragon eating
a fruit" is not. A "1" reads as either "i" or "l".
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Literal

Check = Literal["blocklist", "text", "image"]
ModeratedField = Literal["prompt", "negativePrompt", "imageKey"]
Likelihood = Literal["VERY_UNLIKELY", "UNLIKELY", "POSSIBLE", "LIKELY", "VERY_LIKELY"]

# Google Cloud Vision's SafeSearch likelihoods, weakest first (UNKNOWN, its zero value, ranks below all).
LIKELIHOODS: tuple[str, ...] = ("UNKNOWN", "VERY_UNLIKELY", "UNLIKELY", "POSSIBLE", "LIKELY", "VERY_LIKELY")
SAFE_SEARCH_REFUSED = ("adult", "violence", "racy")  # the SafeSearch fields that can refuse an image
DEFAULT_IMAGE_LIKELIHOOD: Likelihood = "LIKELY"

# Natural Language moderateText categories refused by default, with the confidence above which they are.
DEFAULT_TEXT_THRESHOLDS: Mapping[str, float] = {
    "Sexual": 0.8,
    "Derogatory": 0.8,
    "Violent": 0.8,
    "Toxic": 0.8,
    "Insult": 0.8,
    "Illicit Drugs": 0.8,
}
BLOCKLIST_CATEGORY = "Blocked term"  # what a blocklist refusal names instead of the term itself
REFUSAL_WINDOW = dt.timedelta(hours=1)

# Look-alikes read as the letters they stand for; "1" is either of two letters, handled when matching.
_LOOKALIKES = str.maketrans({"0": "o", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"})
_ONE_READS_AS = "il"
_FOLD_ONE = str.maketrans({"i": "1", "l": "1"})


def normalise(text: str) -> str:
    """The text as the blocklist reads it: words of lower-case letters and digits, one space apart."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    bare = "".join(ch for ch in unicodedata.normalize("NFD", folded) if not unicodedata.combining(ch))
    readable = unicodedata.normalize("NFC", bare).translate(_LOOKALIKES)
    words = ("".join(ch for ch in word if ch.isalnum()) for word in readable.split())
    return " ".join(word for word in words if word)


def _letters_alike(term: str, word: str) -> bool:
    """Two normalised words read the same, a "1" standing for "i" or "l" on either side."""
    if len(term) != len(word):
        return False
    one = _ONE_READS_AS
    return all(t == w or (w == "1" and t in one) or (t == "1" and w in one) for t, w in zip(term, word, strict=True))


class Blocklist:
    """The operator's terms, each matched as whole words of normalised text.

    Terms are indexed by their first word with "i", "l" and "1" folded together, so matching a prompt is one
    lookup a word; a candidate is then compared letter by letter."""

    def __init__(self, terms: Iterable[str]):
        self._by_first_word: dict[str, list[tuple[str, ...]]] = {}
        for term in terms:
            words = tuple(normalise(term).split())
            if words:
                self._by_first_word.setdefault(_fold_one(words[0]), []).append(words)

    def __bool__(self) -> bool:
        return bool(self._by_first_word)

    def matches(self, text: str | None) -> bool:
        if not self._by_first_word or not text:
            return False
        words = normalise(text).split()
        for start, word in enumerate(words):
            for term in self._by_first_word.get(_fold_one(word), ()):
                following = words[start : start + len(term)]
                if len(following) == len(term) and all(map(_letters_alike, term, following)):
                    return True
        return False


def _fold_one(word: str) -> str:
    return word.translate(_FOLD_ONE)


def parse_terms(text: str) -> list[str]:
    """A blocklist file: one term a line; blank lines and lines starting with # are skipped."""
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def refused_text_categories(scores: Mapping[str, float], thresholds: Mapping[str, float]) -> list[str]:
    """The configured categories whose confidence is above their threshold, in the API's order."""
    return [name for name, confidence in scores.items() if name in thresholds and confidence > thresholds[name]]


def refused_image_categories(likelihoods: Mapping[str, str], at_least: str) -> list[str]:
    """The SafeSearch fields (adult, violence, racy) at or above the configured likelihood."""
    floor = LIKELIHOODS.index(at_least)
    return [
        name
        for name in SAFE_SEARCH_REFUSED
        if likelihoods.get(name) in LIKELIHOODS and LIKELIHOODS.index(likelihoods[name]) >= floor
    ]


def window_start(now: dt.datetime) -> dt.datetime:
    """The clock hour that refusals are counted in."""
    return now.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)


def seconds_left_in_window(now: dt.datetime) -> int:
    return max(1, int((window_start(now) + REFUSAL_WINDOW - now).total_seconds()))


@dataclasses.dataclass(frozen=True)
class Refusal:
    """One refused create, as kept in `moderationEvents/{id}`; the prompt only as a keyed hash."""

    id: str
    uid: str
    email: str | None
    at: dt.datetime
    field: ModeratedField
    categories: tuple[str, ...]
    check: Check
    prompt_hash: str
    image_key: str | None = None


@dataclasses.dataclass(frozen=True)
class ImageVerdict:
    """What SafeSearch said of one upload, kept with it so that the next job using it is not checked again.
    `etag` names the bytes that were checked: a different object under the same key is checked afresh. The
    likelihoods are kept rather than the outcome, so a changed threshold applies to images checked before."""

    image_key: str
    etag: str
    likelihoods: Mapping[str, str]
    checked_at: dt.datetime

    def refused_categories(self, at_least: str) -> list[str]:
        return refused_image_categories(self.likelihoods, at_least)
