"""The sample catalog (data/books.csv): every row parses and loads as a NewBook, and every book has a real
description of a few sentences, not a one-line blurb, within the API's limit (functions/bookstore/catalog.py)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from bookstore.catalog import NewBook

CATALOG = Path(__file__).resolve().parents[2] / "data" / "books.csv"
HEADER = ["title", "author", "genre", "year", "price_cents", "stock", "description"]
MIN_DESCRIPTION = 150
MAX_DESCRIPTION = 2000  # Book.description / NewBook.description: max_length=2000
# The end of a sentence: a full stop, question or exclamation mark (maybe closing a quotation), then a space or
# the end of the text.
SENTENCE_END = re.compile(r"[.!?][\"')\u201d\u2019]?(?=\s|$)")


def _rows() -> list[dict[str, str]]:
    with CATALOG.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle, strict=True)
        assert reader.fieldnames == HEADER
        rows = list(reader)
    assert rows
    return rows


def _descriptions() -> list[tuple[str, str]]:
    return [(row["title"], row["description"]) for row in _rows()]


def test_every_row_parses_with_every_column() -> None:
    with CATALOG.open(newline="", encoding="utf-8") as handle:
        lines = list(csv.reader(handle, strict=True))
    assert lines[0] == HEADER
    assert len(lines) > 200
    bad = [(number, line) for number, line in enumerate(lines[1:], start=2) if len(line) != len(HEADER)]
    assert not bad
    assert all(value.strip() for line in lines[1:] for value in line)


def test_every_row_loads_as_a_new_book() -> None:
    books = [
        NewBook(
            title=row["title"],
            author=row["author"],
            genre=row["genre"],  # the model checks it is one of the genres
            year=int(row["year"]),
            price_cents=int(row["price_cents"]),
            stock=int(row["stock"]),
            description=row["description"],
        )
        for row in _rows()
    ]
    assert [b.description for b in books] == [d for _, d in _descriptions()]
    ids = [b.book_id for b in books]
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize(("title", "description"), _descriptions())
def test_description_is_a_few_sentences_within_the_api_limit(title: str, description: str) -> None:
    assert MIN_DESCRIPTION <= len(description) <= MAX_DESCRIPTION, (title, len(description))
    assert len(SENTENCE_END.findall(description)) >= 2, title  # not the old one-line form
    assert SENTENCE_END.search(description[-2:]), title  # ends a sentence, not cut off
    assert description == " ".join(description.split()), title  # one line, no stray spaces


def test_no_two_descriptions_are_equal() -> None:
    descriptions = [d for _, d in _descriptions()]
    assert len(set(descriptions)) == len(descriptions)
