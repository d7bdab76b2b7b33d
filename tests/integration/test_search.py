"""Forgiving search and the home page against moto, through the API handler and the bot: typos, prefixes and
diacritics found without Scan in a bounded number of calls, the index written with the book, GET /home."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import boto3
import pytest

from bookstore.catalog import Book, BookChanges
from bookstore.recommendations.store import RecommendationRepository
from bookstore.repositories.products import ProductRepository
from bot_fulfillment import dialog
from bot_fulfillment.lex import LexEvent
from tests.support.api import api_environment, load_api_modules
from tests.support.apigw import call
from tests.support.aws import LocalAws, services_for
from tests.support.lex import lex_event


def _book(book_id: str, title: str, author: str, genre: Any, stock: int = 5) -> Book:
    return Book(book_id=book_id, title=title, author=author, genre=genre, year=1900, price_cents=899, stock=stock)


DRACULA = _book("dracula-bram-stoker", "Dracula", "Bram Stoker", "horror")
PRIDE = _book("pride-and-prejudice-jane-austen", "Pride and Prejudice", "Jane Austen", "romance")
SHERLOCK = _book("the-adventures-of-sherlock-holmes-arthur-conan-doyle", "The Adventures of Sherlock Holmes",
                 "Arthur Conan Doyle", "mystery")  # fmt: skip
MISERABLES = _book("les-miserables-victor-hugo", "Les Misérables", "Victor Hugo", "classics", stock=0)


@pytest.fixture
def api(local_aws: LocalAws) -> ModuleType:
    load_api_modules(api_environment(local_aws))
    return importlib.reload(importlib.import_module("api.handler"))


@pytest.fixture
def products(local_aws: LocalAws) -> ProductRepository:
    repository = ProductRepository(local_aws.tables["ProductsTable"], client=local_aws.dynamodb)
    for book in (DRACULA, PRIDE, SHERLOCK, MISERABLES):  # created in this order: Les Misérables is the newest
        repository.create(book)
    return repository


@pytest.fixture
def dynamodb_calls() -> Iterator[list[str]]:
    """Every DynamoDB operation made from here on."""
    calls: list[str] = []

    def record(event_name: str, **_: Any) -> None:
        calls.append(event_name.removeprefix("before-call.dynamodb."))

    session = boto3._get_default_session()
    session.events.register("before-call.dynamodb", record)
    yield calls
    session.events.unregister("before-call.dynamodb", record)


@pytest.mark.parametrize(
    ("q", "first", "did_you_mean"),
    [
        ("drakula", "Dracula", "dracula"),
        ("pride and prejudce", "Pride and Prejudice", "pride and prejudice"),
        ("sherl", "The Adventures of Sherlock Holmes", None),
        ("Les Miserables", "Les Misérables", None),
        ("MISÉRABLES", "Les Misérables", None),
    ],
)
def test_search_forgives_typos_prefixes_and_diacritics_without_scan(
    api, products, dynamodb_calls, q: str, first: str, did_you_mean: str | None
) -> None:
    status, body = call(api, "GET", "/books", query={"q": q})

    assert status == 200
    assert body["items"][0]["title"] == first
    assert body["did_you_mean"] == did_you_mean
    assert "Scan" not in dynamodb_calls
    assert len(dynamodb_calls) <= 17


def test_a_typo_costs_a_few_calls_more_than_the_exact_word(api, products, dynamodb_calls) -> None:
    call(api, "GET", "/books", query={"q": "dracula"})
    exact = list(dynamodb_calls)
    dynamodb_calls.clear()
    call(api, "GET", "/books", query={"q": "drakula"})

    # its postings, the words it begins (one book found: the last word is also a prefix), the page
    assert exact == ["Query", "Query", "BatchGetItem"]
    # its postings (none), the words beginning "dr", the postings of "dracula", the page
    assert dynamodb_calls == ["Query", "Query", "Query", "BatchGetItem"]


@pytest.mark.parametrize(
    ("query", "fragment"),
    [
        ({"q": "x" * 201}, "The request is not valid"),
        ({"q": "!!! ???"}, "at least one word"),
        ({"q": "dracula", "limit": "0"}, "The request is not valid"),
        ({"q": "dracula", "cursor": "eyJvZmZzZXQiOiJhYmMifQ"}, "cursor is not valid"),  # {"offset":"abc"}
    ],
)
def test_bad_searches_are_400(api, products, query: dict[str, str], fragment: str) -> None:
    status, body = call(api, "GET", "/books", query=query)
    assert status == 400
    assert fragment in body["message"]


def test_a_book_s_words_are_indexed_with_it_and_again_when_it_changes(local_aws, products) -> None:
    # Given staff retitle Dracula
    current = products.get(DRACULA.book_id)
    assert current is not None
    products.replace(current, current.model_copy(update=BookChanges(title="Nosferatu").model_dump(exclude_none=True)))

    # Then its new word is in the vocabulary (both partitions), its old posting gone, and a typo finds it
    keys = {(i["pk"]["S"], i["sk"]["S"]) for i in local_aws.items("ProductsTable")}
    assert {("VOCAB#FIRST#no", "nosferatu"), ("VOCAB#LAST#tu", "nosferatu")} <= keys
    assert ("WORD#dracula", f"BOOK#{DRACULA.book_id}") not in keys
    services = services_for(local_aws)
    assert [h.book.title for h in services.catalog.search("nosferatou").items] == ["Nosferatu"]


def test_the_bot_finds_a_misspelt_title(local_aws, products) -> None:
    event = lex_event("FindBook", {"Title": "drakula"}, invocation="FulfillmentCodeHook", username="carol",
                      groups="customers")  # fmt: skip
    response = dialog.handle(LexEvent.model_validate(event), services_for(local_aws), None).dump()
    text = " ".join(m["content"] for m in response["messages"] if m["contentType"] == "PlainText")
    assert text.startswith("I found: Dracula by Bram Stoker")


# ---- GET /home --------------------------------------------------------------------------------------------


EMMA = _book("emma-jane-austen", "Emma", "Jane Austen", "romance")


def _rows(body: dict[str, Any]) -> dict[str, tuple[str, list[str]]]:
    return {row["id"]: (row["title"], [b["title"] for b in row["items"]]) for row in body["rows"]}


def test_home_before_any_sale_has_staff_picks_not_bestsellers(api, local_aws, products, dynamodb_calls) -> None:
    # Given the store's own picks (as `make seed` writes them) and no sale yet
    products.create(EMMA)
    recommendations = RecommendationRepository(local_aws.tables["RecommendationsTable"], client=local_aws.dynamodb)
    recommendations.put_featured([EMMA.book_id, DRACULA.book_id, "gone-book"])
    dynamodb_calls.clear()

    status, body = call(api, "GET", "/home")

    assert status == 200
    assert _rows(body) == {
        # FEATURED_BOOK_IDS that exist, the sold-out one last
        "featured": (
            "Featured",
            ["Pride and Prejudice", "Dracula", "The Adventures of Sherlock Holmes", "Les Misérables"],
        ),
        "staff-picks": ("Staff picks", ["Emma"]),  # the picks not already featured
        "new-arrivals": (
            "New arrivals",
            ["Emma", "The Adventures of Sherlock Holmes", "Pride and Prejudice", "Dracula", "Les Misérables"],
        ),
    }
    assert list(_rows(body)) == ["featured", "staff-picks", "new-arrivals"]
    assert {"image_url", "book_id", "price_cents"} <= set(body["rows"][0]["items"][0])
    assert "Scan" not in dynamodb_calls
    # bestsellers (none), the store's picks, the arrivals, the books
    assert dynamodb_calls == ["BatchGetItem", "BatchGetItem", "Query", "BatchGetItem"]


def test_home_shows_bestsellers_once_books_sold(api, local_aws, products, dynamodb_calls) -> None:
    recommendations = RecommendationRepository(local_aws.tables["RecommendationsTable"], client=local_aws.dynamodb)
    assert recommendations.put_ranked(None, [(SHERLOCK.book_id, 2.0), ("gone-book", 1.0)], 0)
    dynamodb_calls.clear()

    status, body = call(api, "GET", "/home")

    assert status == 200
    assert [row["id"] for row in body["rows"]] == ["featured", "bestsellers", "new-arrivals"]
    assert _rows(body)["bestsellers"] == ("Bestsellers", ["The Adventures of Sherlock Holmes"])
    assert dynamodb_calls == ["BatchGetItem", "Query", "BatchGetItem"]


def test_home_of_an_empty_store_has_no_rows(api) -> None:
    assert call(api, "GET", "/home") == (200, {"rows": []})
