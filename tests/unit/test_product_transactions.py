"""A book's create and edit report why their transaction was cancelled: a failed condition (the book exists, or
changed since it was read) is not the same as another transaction touching the same items at that moment."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber

from bookstore.catalog import Book
from bookstore.errors import Conflict
from bookstore.repositories.products import ProductRepository

BOOK = Book(
    book_id="emma-jane-austen", title="Emma", author="Jane Austen", genre="romance", year=1815, price_cents=900, stock=3
)


def cancelled(*codes: str) -> dict[str, Any]:
    return {
        "service_error_code": "TransactionCanceledException",
        "service_message": "Transaction cancelled",
        "http_status_code": 400,
        "service_error_meta": {},
        "response_meta": {},
        "modeled_fields": {"CancellationReasons": [{"Code": c} for c in codes]},
    }


@pytest.mark.parametrize(
    ("codes", "message"),
    [
        (("ConditionalCheckFailed", "None", "None"), "already exists"),
        (("TransactionConflict", "None", "None"), "Something else is changing the same items"),
        (("None", "TransactionConflict", "None"), "Something else is changing the same items"),
    ],
)
def test_create_says_why_it_was_cancelled(codes: tuple[str, ...], message: str) -> None:
    client = boto3.client("dynamodb", region_name="us-east-1")
    products = ProductRepository("products", client=client)
    with Stubber(client) as stub:
        stub.add_client_error("transact_write_items", expected_params={"TransactItems": ANY}, **cancelled(*codes))
        with pytest.raises(Conflict, match=message):
            products.create(BOOK)


@pytest.mark.parametrize(
    ("codes", "message"),
    [
        (("ConditionalCheckFailed", "None"), "changed meanwhile"),
        (("None", "TransactionConflict"), "Something else is changing the same items"),
    ],
)
def test_an_edit_says_why_it_was_cancelled(codes: tuple[str, ...], message: str) -> None:
    client = boto3.client("dynamodb", region_name="us-east-1")
    products = ProductRepository("products", client=client)
    with Stubber(client) as stub:
        stub.add_client_error("transact_write_items", expected_params={"TransactItems": ANY}, **cancelled(*codes))
        with pytest.raises(Conflict, match=message):
            products.replace(BOOK, BOOK.model_copy(update={"title": "Emma (Illustrated)"}))


# TransactWriteItems takes at most 100 actions (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/
# API_TransactWriteItems.html: "TransactItems ... Maximum number of 100 items"): a book's create and edit are one
# transaction each, so a book with the most index terms a title, author and genre can have must still fit.
TRANSACT_ITEMS_MAX = 100


class _Recorder:
    def __init__(self) -> None:
        self.sizes: list[int] = []

    def transact_write_items(self, TransactItems: list[dict[str, Any]]) -> dict[str, Any]:  # noqa: N803 (boto3's)
        self.sizes.append(len(TransactItems))
        return {}


def _wordy(seed: str) -> Book:
    """A book whose title and author are all different words of 5+ letters, up to their length limits."""
    words = [f"{seed}{chr(97 + i // 26)}{chr(97 + i % 26)}word" for i in range(60)]
    title = " ".join(words)[:200].rsplit(" ", 1)[0]
    author = " ".join(reversed(words))[:120].rsplit(" ", 1)[0]
    return BOOK.model_copy(update={"title": title, "author": author})


def test_the_wordiest_book_fits_one_transaction_when_created_and_when_every_word_changes() -> None:
    recorder = _Recorder()
    products = ProductRepository("Products", recorder)
    first = products.create(_wordy("alpha"))
    products.replace(first, _wordy("omega").model_copy(update={"updated_at": None}))

    assert len(recorder.sizes) == 2
    assert max(recorder.sizes) <= TRANSACT_ITEMS_MAX
    assert min(recorder.sizes) > 50  # the index really was written in full: this is near the limit
