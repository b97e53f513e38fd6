"""The content-safety rules: blocklist normalisation and matching, score thresholds, likelihood floors."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.domain.moderation import (
    DEFAULT_TEXT_THRESHOLDS,
    Blocklist,
    normalise,
    parse_terms,
    refused_image_categories,
    refused_text_categories,
    seconds_left_in_window,
    window_start,
)

BLOCKLIST = Blocklist(["dragonfruit", "blue moon"])


@pytest.mark.parametrize(
    "text",
    [
        "a DrAg0n-fruit floating in space",  # case, a look-alike digit, a separator inside the word
        "d.r.a.g.o.n.f.r.u.i.t",
        "DRAGON_FRUIT!",
        "".join(chr(ord(letter) + 0xFEE0) for letter in "dragonfruit"),  # full-width letters (NFKC)
        "drâgönfrüit",  # diacritics
        "dr@g0nfru1t",  # @ for a, 1 for i
        "dragon\u200bfruit",  # a zero-width space is not a space
        "once in a Blue M00N.",  # a term of two words
    ],
)
def test_disguised_terms_are_found(text):
    assert BLOCKLIST.matches(text), normalise(text)


@pytest.mark.parametrize(
    "text",
    [
        "dragon eating a fruit",  # a space between words is a word boundary
        "dragonfruits",  # whole words only
        "a blue balloon under the moon",
        "",
    ],
)
def test_innocent_text_is_not_refused(text):
    assert not BLOCKLIST.matches(text)


def test_one_reads_as_i_or_l():
    blocklist = Blocklist(["fil"])
    assert all(blocklist.matches(text) for text in ("f1l", "fi1", "f11", "FIL"))
    assert not blocklist.matches("fit")


def test_normalise_keeps_words_apart_and_drops_what_is_not_a_letter_or_digit():
    assert normalise("  Crème-Brûlée,\tplease!  ") == "cremebrulee please"
    assert normalise("$@l3 7ime") == "sale time"


@given(st.text(alphabet=st.characters(categories=("L", "N", "P", "S", "Z")), max_size=40))
def test_every_term_matches_itself_and_text_around_it_with_spaces(term):
    if not normalise(term):
        return
    blocklist = Blocklist([term])
    assert blocklist.matches(term)
    assert blocklist.matches(f"before {term} after")


def test_an_empty_blocklist_refuses_nothing_and_files_skip_comments():
    assert not Blocklist([]) and not Blocklist(["", " - "]).matches("anything")
    assert parse_terms("# operator terms\n\nDragonfruit\n  blue moon \n") == ["Dragonfruit", "blue moon"]


def test_text_is_refused_above_the_threshold_of_a_configured_category_only():
    scores = {"Violent": 0.99, "Politics": 0.99, "Toxic": 0.8, "Sexual": 0.81}
    assert refused_text_categories(scores, DEFAULT_TEXT_THRESHOLDS) == ["Violent", "Sexual"]
    assert refused_text_categories(scores, {"Politics": 0.5}) == ["Politics"]


def test_images_are_refused_at_or_above_the_likelihood_for_adult_violence_and_racy():
    likelihoods = {"adult": "LIKELY", "violence": "POSSIBLE", "racy": "VERY_LIKELY", "medical": "VERY_LIKELY"}
    assert refused_image_categories(likelihoods, "LIKELY") == ["adult", "racy"]
    assert refused_image_categories(likelihoods, "POSSIBLE") == ["adult", "violence", "racy"]
    assert refused_image_categories({"adult": "UNKNOWN"}, "VERY_UNLIKELY") == []


def test_refusals_are_counted_per_clock_hour():
    now = dt.datetime(2026, 12, 1, 22, 40, 30, tzinfo=dt.UTC)
    assert window_start(now) == dt.datetime(2026, 12, 1, 22, tzinfo=dt.UTC)
    assert seconds_left_in_window(now) == 19 * 60 + 30
