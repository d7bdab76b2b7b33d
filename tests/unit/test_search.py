"""Forgiving search: folding, the edit distance, the candidates of a query word, and search on the in-memory
products fake (typos, prefixes, diacritics, did_you_mean, ranking, the bound on calls)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bookstore.catalog import Book, BookChanges, NewBook
from bookstore.errors import ValidationError
from bookstore.search import (
    MAX_TERMS_PER_BOOK,
    STOPWORDS,
    candidates,
    edit_distance,
    fold,
    index_terms,
    normalize,
    tokens,
)
from bookstore.services.catalog import CatalogService
from bookstore.services.search import THIN_RESULTS
from tests.unit.fakes import FakeProducts

pytestmark = pytest.mark.usefixtures("no_aws")


def book(title: str, author: str, genre: Any = "classics") -> Book:
    new = NewBook(title=title, author=author, genre=genre, year=1900, price_cents=999, stock=5)
    return Book(book_id=new.book_id, **new.model_dump())


DRACULA = book("Dracula", "Bram Stoker", "horror")
PRIDE = book("Pride and Prejudice", "Jane Austen", "romance")
PRIDE_LIONS = book("The Pride of Lions", "Someone Else", "adventure")
SHERLOCK = book("The Adventures of Sherlock Holmes", "Arthur Conan Doyle", "mystery")
MISERABLES = book("Les Misérables", "Victor Hugo")
KIERKEGAARD = book("Either/Or", "Søren Kierkegaard", "philosophy")


@pytest.fixture
def products() -> FakeProducts:
    return FakeProducts(DRACULA, PRIDE, PRIDE_LIONS, SHERLOCK, MISERABLES, KIERKEGAARD)


@pytest.fixture
def catalog(products: FakeProducts) -> CatalogService:
    return CatalogService(products)


# ---- folding and distance ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "folded"),
    [("Misérables", "miserables"), ("SØREN", "soren"), ("Straße", "strasse"), ("Łódź", "lodz"), ("Œuvre", "oeuvre"),
     ("\uff26\uff55\uff4c\uff4c", "full"), ("Преступле́ние", "преступление")],
)  # fmt: skip
def test_folding_drops_diacritics_and_case(typed: str, folded: str) -> None:
    assert fold(typed) == folded


@given(st.text(max_size=40))
def test_folding_is_idempotent_and_normalizing_too(text: str) -> None:
    assert fold(fold(text)) == fold(text)
    assert all(normalize(t) == t or normalize(t) == t[:-1] for t in tokens(text))  # at most a plural's s again


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [("dracula", "dracula", 0), ("drakula", "dracula", 1), ("dracual", "dracula", 1), ("dracla", "dracula", 1),
     ("prejudce", "prejudice", 1), ("perjudcie", "prejudice", 2), ("", "abc", 3)],
)  # fmt: skip
def test_edit_distance_counts_a_transposition_as_one_edit(a: str, b: str, distance: int) -> None:
    assert edit_distance(a, b, 5) == distance
    assert edit_distance(a, b, 1) == min(distance, 2)  # capped at the limit + 1


@given(st.text("abcde", max_size=8), st.text("abcde", max_size=8))
def test_edit_distance_is_symmetric_and_zero_only_for_equal_words(a: str, b: str) -> None:
    assert edit_distance(a, b, 10) == edit_distance(b, a, 10)
    assert (edit_distance(a, b, 10) == 0) == (a == b)


def test_candidates_prefer_completions_then_fewer_edits_then_shorter_words() -> None:
    vocabulary = ["sherlock", "sherlockian", "shelley", "shell", "sheriff"]
    assert [c.term for c in candidates("sherl", vocabulary)] == ["sherlock", "sherlockian", "shell"]
    assert [c.term for c in candidates("drakula", ["dracula", "drama", "dragula"])] == ["dracula", "dragula"]
    assert candidates("drak", ["dracula"]) == []  # 4 letters: no typo forgiven, and no word begins with it


def test_a_book_is_indexed_under_a_bounded_number_of_terms() -> None:
    many = " ".join(f"word{i}" for i in range(60))
    terms = index_terms(many, "Someone Else", "poetry")
    assert len(terms) == MAX_TERMS_PER_BOOK
    assert "word0" in terms


# ---- search on the fake --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "first", "did_you_mean"),
    [
        ("drakula", "Dracula", "dracula"),
        ("Pride and Prejudce", "Pride and Prejudice", "pride and prejudice"),
        ("sherl", "The Adventures of Sherlock Holmes", None),
        ("holmes sher", "The Adventures of Sherlock Holmes", None),
        ("Les Miserables", "Les Misérables", None),
        ("misérables", "Les Misérables", None),
        ("soren kierkegard", "Either/Or", "soren kierkegaard"),
        ("rdacula", "Dracula", "dracula"),  # a typo in the first two letters: found by the last two
    ],
)
def test_search_forgives_typos_prefixes_and_diacritics(catalog, query: str, first: str, did_you_mean: str) -> None:
    page = catalog.search(query)
    assert page.items[0].book.title == first
    assert page.did_you_mean == did_you_mean


def test_exact_words_rank_above_corrected_ones_and_more_words_matched_first(catalog, products) -> None:
    # "pride" is exact in both; "prejudce" is corrected in one: both words matched ranks first
    titles = [hit.book.title for hit in catalog.search("pride prejudce").items]
    assert titles == ["Pride and Prejudice", "The Pride of Lions"]

    # Given a book with the exact word and one with only a close word
    products.create(book("Drama Nights", "Someone Else"))
    products.create(book("Dramas", "Nobody Else"))
    hits = catalog.search("drama").items
    assert {hit.book.title for hit in hits[:2]} == {"Dramas", "Drama Nights"}  # both "drama" (plural folded)
    assert all(hit.book.title != "Dracula" for hit in hits)  # an exact word is not corrected


def test_a_correction_scores_less_than_the_exact_word(catalog) -> None:
    exact = catalog.search("dracula").items[0].score
    corrected = catalog.search("drakula").items[0].score
    assert corrected < exact


def test_an_exact_query_reads_its_postings_and_the_page_and_completes_its_last_word_only_when_thin(
    products,
) -> None:
    # Given a catalog where "stoker" finds one book, and one where it finds more than THIN_RESULTS
    many = [book(f"Tale {n}", "Bram Stoker", "horror") for n in range(THIN_RESULTS)]
    thick = FakeProducts(DRACULA, *many)
    # When the exact query runs on each
    CatalogService(products).search("dracula stoker")
    CatalogService(thick).search("dracula stoker")
    # Then the thin one also looks up the words "stoker" begins; the other reads only postings and the page
    assert products.calls == ["postings", "postings", "words_beginning", "get_many"]
    assert thick.calls == ["postings", "postings", "get_many"]


def test_a_search_makes_a_bounded_number_of_calls(catalog, products) -> None:
    catalog.search("drakula prejudce sherl holmz kierkegard stokerr")
    assert "words_beginning" in products.calls
    assert len(products.calls) <= 21


def test_nothing_close_finds_nothing_and_suggests_nothing(catalog) -> None:
    page = catalog.search("zzyzx unicorn")
    assert (page.items, page.did_you_mean) == ([], None)


def test_a_retitled_book_is_found_by_its_new_words_with_a_typo(catalog) -> None:
    catalog.update(DRACULA.book_id, BookChanges(title="Nosferatu Rising"))
    assert [hit.book.book_id for hit in catalog.search("nosferatou").items] == [DRACULA.book_id]


@pytest.mark.parametrize(
    ("query", "message"),
    [("x" * 201, "at most 200 characters"), ("!!! ... ???", "at least one word"), ("the of and", "at least one word")],
)
def test_bad_queries_are_refused_before_any_read(catalog, products, query: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        catalog.search(query)
    assert products.calls == []


@pytest.mark.parametrize("cursor", ["eyJvZmZzZXQiOiJhYmMifQ", "eyJvZmZzZXQiOi0xfQ"])  # offset "abc", offset -1
def test_a_forged_cursor_is_refused(catalog, cursor: str) -> None:
    with pytest.raises(ValidationError, match="cursor is not valid"):
        catalog.search("dracula", cursor=cursor)


def test_find_by_title_takes_the_corrected_title(catalog) -> None:
    found = catalog.find_by_title("Drakula")
    assert found is not None
    assert found.title == "Dracula"


# ---- property: one typing error never loses a book -----------------------------------------------------------

WORD = st.text("abcdefghijklmnopqrstuvwxyz", min_size=6, max_size=12)


@st.composite
def typo(draw: st.DrawFn, word: str) -> str:
    """`word` with one random insertion, deletion, substitution or transposition."""
    at = draw(st.integers(0, len(word) - 1))
    letter = draw(st.sampled_from("abcdefghijklmnopqrstuvwxyz"))
    kind = draw(st.sampled_from(["insert", "delete", "substitute", "transpose"]))
    if kind == "insert":
        return word[:at] + letter + word[at:]
    if kind == "delete":
        return word[:at] + word[at + 1 :]
    if kind == "substitute":
        return word[:at] + letter + word[at + 1 :]
    at = min(at, len(word) - 2)
    return word[:at] + word[at + 1] + word[at] + word[at + 2 :]


@settings(max_examples=150, deadline=None)
@given(st.lists(WORD, min_size=1, max_size=4, unique=True), st.data())
def test_any_title_is_found_with_one_typing_error_in_a_word(words: list[str], data: st.DataObject) -> None:
    title = " ".join(w.capitalize() for w in words)
    target = book(title, "Anne Author", "poetry")
    catalog = CatalogService(FakeProducts(DRACULA, PRIDE, SHERLOCK, target))
    word = normalize(data.draw(st.sampled_from(words)))
    assume(word not in STOPWORDS)
    typed = data.draw(typo(word))
    # A query word of 5 letters or more (a typo forgiven), not a stopword
    assume(tokens(typed) == [normalize(typed)] and len(normalize(typed)) >= 5)
    hits = catalog.search(typed).items
    assert target.book_id in [hit.book.book_id for hit in hits]


def test_did_you_mean_takes_the_word_the_other_words_agree_with() -> None:
    # Given "Heights" and "Night" are both one or two edits from "hights", in different books
    heights = book("Wuthering Heights", "Emily Bronte")
    nights = [book("Twelfth Night", "William Shakespeare", "drama"), book("Night Thoughts", "Edward Young", "poetry")]
    catalog = CatalogService(FakeProducts(heights, *nights))
    # When the misspelt word comes with a word of one of those books
    page = catalog.search("wuthering hights")
    # Then the suggestion is that book's word, and the book that matches both words comes first
    assert page.did_you_mean == "wuthering heights"
    assert page.items[0].book.book_id == heights.book_id


def test_a_word_that_found_few_books_is_also_a_prefix() -> None:
    # Given an author named Frank and a title beginning with "Frank"
    oz = book("The Wonderful Wizard of Oz", "L. Frank Baum", "children")
    frankenstein = book("Frankenstein", "Mary Shelley", "horror")
    catalog = CatalogService(FakeProducts(oz, frankenstein))
    # When "frank" is searched
    page = catalog.search("frank")
    # Then the exact match comes first and the completion follows, with no "did you mean"
    assert [hit.book.book_id for hit in page.items] == [oz.book_id, frankenstein.book_id]
    assert page.did_you_mean is None
