"""The books, callers and address the order service's unit tests share (test_order_service, test_order_tracking)."""

from __future__ import annotations

from typing import Any

from bookstore.addresses import DeliveryAddress
from bookstore.catalog import Book
from bookstore.identity import SignedIn

DRACULA = Book(book_id="dracula-bram-stoker", title="Dracula", author="Bram Stoker", genre="horror", year=1897,
               price_cents=899, stock=10)  # fmt: skip
EMMA = Book(book_id="emma-jane-austen", title="Emma", author="Jane Austen", genre="romance", year=1815,
            price_cents=1299, stock=3)  # fmt: skip
ALICE = SignedIn("alice")
BOB = SignedIn("bob")
HOME: dict[str, Any] = {
    "name": "Alice Liddell", "line1": "1 Rabbit Hole", "city": "Oxford", "postal_code": "OX1 1AA", "country": "GB",
}  # fmt: skip
HOME_ADDRESS = DeliveryAddress.model_validate(HOME)
