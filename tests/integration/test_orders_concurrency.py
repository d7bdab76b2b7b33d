"""Orders under concurrency and retries: stock never goes negative and nothing is sold twice."""

from __future__ import annotations

import threading
from collections import Counter

import pytest

from bookstore.catalog import Book
from bookstore.errors import OutOfStock
from bookstore.identity import SignedIn
from bookstore.orders import OrderLineRequest
from bookstore.repositories.orders import OrderRepository
from bookstore.repositories.products import ProductRepository
from bookstore.services.orders import OrderService, PlaceOrderRequest
from tests.support.addresses import HOME
from tests.support.aws import LocalAws, SerializedClient

BOOK = Book(book_id="dracula-bram-stoker", title="Dracula", author="Bram Stoker", genre="horror", year=1897,
            price_cents=899, stock=10)  # fmt: skip
CUSTOMERS = 50


@pytest.fixture
def service(local_aws: LocalAws) -> OrderService:
    dynamodb = SerializedClient(local_aws.dynamodb)
    products = ProductRepository(local_aws.tables["ProductsTable"], client=dynamodb)
    products.create(BOOK)
    return OrderService(
        orders=OrderRepository(local_aws.tables["OrdersTable"], products, client=dynamodb),
        products=products,
        idempotency_table=local_aws.tables["IdempotencyTable"],
        idempotency_client=dynamodb,
    )


def test_fifty_concurrent_orders_for_ten_books_sell_exactly_ten(service, local_aws) -> None:
    barrier = threading.Barrier(CUSTOMERS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def buy(number: int) -> None:
        request = PlaceOrderRequest(
            username=f"customer{number}",
            idempotency_key=f"key-{number:08d}",
            lines=[OrderLineRequest(book_id=BOOK.book_id, quantity=1)],
            delivery_address=HOME,
        )
        barrier.wait()
        try:
            service.place(request, None)
            outcome = "placed"
        except OutOfStock:
            outcome = "out-of-stock"
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=buy, args=(n,)) for n in range(CUSTOMERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert Counter(outcomes) == {"placed": 10, "out-of-stock": 40}
    book = service.products.get(BOOK.book_id)
    assert book is not None
    assert book.stock == 0
    assert len(local_aws.items("OrdersTable")) == 10


def test_concurrent_retries_of_one_order_take_the_stock_once(service) -> None:
    request = PlaceOrderRequest(
        username="carol",
        idempotency_key="same-key-0001",
        lines=[OrderLineRequest(book_id=BOOK.book_id, quantity=2)],
        delivery_address=HOME,
    )
    first = service.place(request, None)
    again = [service.place(request, None) for _ in range(3)]
    assert {o.order_id for o in again} == {first.order_id}
    book = service.products.get(BOOK.book_id)
    assert book is not None
    assert book.stock == 8


def test_cancelling_returns_stock_exactly_once_even_when_repeated(service) -> None:
    request = PlaceOrderRequest(
        username="carol",
        idempotency_key="cancel-key-01",
        lines=[OrderLineRequest(book_id=BOOK.book_id, quantity=4)],
        delivery_address=HOME,
    )
    order = service.place(request, None)
    for _ in range(3):
        service.cancel_mine(SignedIn("carol"), order.order_id)
    book = service.products.get(BOOK.book_id)
    assert book is not None
    assert book.stock == 10
