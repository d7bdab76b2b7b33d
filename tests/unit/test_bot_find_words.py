"""What FindBook searches when Lex filled no slot: the words after the ones that ask ("find sherlock")."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from bot_fulfillment.naming import ASKING, ORDERING, TRAILING, named


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("find sherlock", "sherlock"),
        ("Do you have anything by Sherlok?", "sherlok"),
        ("search for sherl", "sherl"),
        ("I'm looking for the hound", "the hound"),
        ("find books about whales", "whales"),
        ("I'm looking for a book", ""),
        ("", ""),
    ],
)
def test_the_words_that_ask_are_dropped_from_the_start(said: str, expected: str) -> None:
    assert named(said) == expected


@given(
    st.lists(st.sampled_from(sorted(ASKING)), max_size=6),
    st.lists(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=12), min_size=1, max_size=4),
)
def test_whatever_is_asked_the_name_after_it_is_kept_whole(asking: list[str], name: list[str]) -> None:
    assume(name[0] not in ASKING)  # else it is an asking word too
    assume(name[-1] not in TRAILING)  # else it is a trailing "please"
    assert named(" ".join([*asking, *name])) == " ".join(name)


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("i want to buy sherlock", "sherlock"),
        ("I'd like to order two copies of the hound", "the hound"),
        ("can you get me a copy of dracula please", "dracula"),
        ("buy emma now thank you", "emma"),
        ("buy a book", ""),
    ],
)
def test_the_words_that_ask_to_buy_are_dropped_from_the_start(said: str, expected: str) -> None:
    assert named(said, ORDERING) == expected
