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
