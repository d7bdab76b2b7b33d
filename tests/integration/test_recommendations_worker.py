"""The recommendations worker against moto: real orders, the orders table's real stream records, the real handler."""

from __future__ import annotations

import copy
import importlib
import os
from decimal import Decimal
from types import ModuleType
from typing import Any

import boto3
import pytest

from bookstore.catalog_models import Book, OrderLineRequest
from bookstore.recommender import Line, OrderEvent, Purchase, replay
from bookstore.repositories.recommendations import RecommendationRepository
from bookstore.services.orders import PlaceOrderRequest
from local.context import LocalLambdaContext
from local.streams import StreamReader, deliver
from tests.support.aws import LocalAws, services_for

BOOKS = [
    Book(
        book_id=f"book-{c}", title=f"Book {c.upper()}", author="Someone", genre=g, year=1900, price_cents=500, stock=100
    )
    for c, g in zip("abcdef", ["mystery", "mystery", "horror", "horror", "poetry", "poetry"], strict=True)
]


class Shop:
    def __init__(self, local_aws: LocalAws, worker: ModuleType) -> None:
        self.aws = local_aws
        self.services = services_for(local_aws)
        for book in BOOKS:
            self.services.catalog.products.create(book)
        arn = local_aws.dynamodb.describe_table(TableName=local_aws.tables["OrdersTable"])["Table"]["LatestStreamArn"]
        streams = boto3.client("dynamodbstreams", endpoint_url="https://streams.dynamodb.us-east-1.amazonaws.com")
        self.reader = StreamReader(streams, arn)
        self.worker = worker
        self.repo = RecommendationRepository(local_aws.tables["RecommendationsTable"], client=local_aws.dynamodb)
        self._keys = 0

    def order(self, username: str, *letters: str) -> str:
        self._keys += 1
        lines = [OrderLineRequest(book_id=f"book-{c}", quantity=1) for c in letters]
        request = PlaceOrderRequest(username=username, idempotency_key=f"key-{self._keys:05}", lines=lines)
        return self.services.orders.place(request).order_id

    def cancel(self, username: str, order_id: str) -> None:
        self.services.orders.cancel_mine(username, order_id)

    def records(self) -> list[dict[str, Any]]:
        return self.reader.read(limit=1000)

    def handle(self, records: list[dict[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = self.worker.lambda_handler({"Records": records}, LocalLambdaContext("worker"))
        return result

    def learn(self) -> list[dict[str, Any]]:
        records = self.records()
        assert not deliver(records, lambda event: self.handle(event["Records"])), "records failed"
        return records

    def table(self) -> dict[tuple[str, str], dict[str, Any]]:
        items = self.aws.items("RecommendationsTable")
        return {(i["pk"]["S"], i["sk"]["S"]): i for i in items}

    def row(self, letter: str) -> Any:
        return self.repo.rows([f"book-{letter}"])[f"book-{letter}"]

    def similar(self, letter: str) -> list[str]:
        return [e.book_id for e in self.repo.similar_lists([f"book-{letter}"])[f"book-{letter}"][0]]


@pytest.fixture
def shop(local_aws: LocalAws) -> Shop:
    os.environ.update(
        {
            "PRODUCTS_TABLE_NAME": local_aws.tables["ProductsTable"],
            "RECOMMENDATIONS_TABLE_NAME": local_aws.tables["RecommendationsTable"],
        }
    )
    worker = importlib.reload(importlib.import_module("recommendations_worker.handler"))
    return Shop(local_aws, worker)


def test_orders_become_counts_similar_lists_and_bestsellers(shop: Shop) -> None:
    shop.order("ann", "a", "b")
    shop.order("bob", "a", "b", "c")
    shop.order("cid", "a")
    shop.learn()

    a, b, c = shop.row("a"), shop.row("b"), shop.row("c")
    assert (a.n, b.n, c.n) == (3, 2, 1)
    assert a.co == {"book-b": 2, "book-c": 1}
    assert b.co == {"book-a": 2, "book-c": 1}
    assert c.co == {"book-a": 1, "book-b": 1}
    assert (a.genre, a.title) == ("mystery", "Book A")
    # sim(a,b) = 2/sqrt(3*2) * 2/4 = 0.408; sim(a,c) = 1/sqrt(3) * 1/3 = 0.192; sim(b,c) = 1/sqrt(2) / 3 = 0.236
    assert shop.similar("a") == ["book-b", "book-c"]
    assert shop.similar("c") == ["book-b", "book-a"]
    scores = {e.book_id: e.score for e in shop.repo.similar_lists(["book-a"])["book-a"][0]}
    assert scores["book-b"] == pytest.approx(0.408248, abs=1e-6)
    assert shop.repo.bestsellers()[:3] == ["book-a", "book-b", "book-c"]
    assert shop.repo.bestsellers("horror") == ["book-c"]
    history = shop.repo.history("bob")
    assert {line.book_id for line in history.recent()} == {"book-a", "book-b", "book-c"}


def test_a_cancelled_order_is_subtracted(shop: Shop) -> None:
    shop.order("ann", "a", "b")
    second = shop.order("bob", "a", "b", "c")
    shop.learn()
    shop.cancel("bob", second)
    shop.learn()

    a, c = shop.row("a"), shop.row("c")
    assert a.n == 1
    assert a.co == {"book-b": 1, "book-c": 0}
    assert c.n == 0
    assert c.sales == 0
    assert shop.similar("a") == ["book-b"]
    assert shop.similar("c") == []
    assert shop.repo.history("bob").orders == {}
    assert shop.table()[(f"ORDER#{second}", "APPLIED")]["state"] == {"S": "removed"}
    assert "book-c" not in shop.repo.bestsellers()[:2]


def test_replaying_the_stream_changes_nothing(shop: Shop) -> None:
    shop.order("ann", "a", "b")
    cancelled = shop.order("bob", "c", "d")
    shop.order("bob", "a", "e")
    shop.cancel("bob", cancelled)
    records = shop.learn()
    before = shop.table()

    assert shop.handle(records) == {"batchItemFailures": []}  # the whole batch again
    assert shop.handle(records[1:2] + records[1:2]) == {"batchItemFailures": []}  # one event twice
    assert shop.table() == before


def test_a_poison_record_fails_alone_and_the_rest_are_learned(shop: Shop) -> None:
    shop.order("ann", "a", "b")
    shop.order("bob", "c")
    records = shop.records()
    poison = copy.deepcopy(records[0])
    poison["dynamodb"]["NewImage"]["lines"] = {"S": "not a list of lines"}
    poison["dynamodb"]["SequenceNumber"] = "999"
    response = shop.handle([records[0], poison, records[1]])

    assert response == {"batchItemFailures": [{"itemIdentifier": "999"}]}
    assert shop.row("a").n == 1
    assert shop.row("c").n == 1


def test_a_batch_that_only_fails_is_retried_whole(shop: Shop) -> None:
    shop.order("ann", "a")
    poison = copy.deepcopy(shop.records()[0])
    del poison["dynamodb"]["NewImage"]
    from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

    with pytest.raises(BatchProcessingError):
        shop.handle([poison])
    assert shop.table().get(("BOOK#book-a", "STATS")) is None


def test_other_changes_to_orders_are_ignored(shop: Shop) -> None:
    order_id = shop.order("ann", "a", "b")
    shop.learn()
    before = shop.table()
    shop.services.orders.move(order_id, "SHIPPED")
    records = shop.records()
    assert [r["eventName"] for r in records] == ["MODIFY"]
    assert shop.handle(records) == {"batchItemFailures": []}
    assert shop.table() == before


def test_the_incremental_model_equals_a_rebuild_from_the_orders(shop: Shop) -> None:
    placed = []
    for user, letters in [("ann", "ab"), ("bob", "abc"), ("ann", "d"), ("cid", "ef"), ("bob", "f"), ("dan", "ae")]:
        placed.append((user, shop.order(user, *letters)))
    shop.learn()
    shop.cancel(*placed[1])
    shop.learn()

    orders = [shop.services.orders.get_any(order_id) for _, order_id in placed]
    events = []
    for order in orders:
        lines = tuple(Line(x.book_id, x.title, None, x.quantity) for x in order.lines)
        purchase = Purchase(order.order_id, order.created_at, lines)
        events.append((order.created_at + "#a", OrderEvent("add", order.username, purchase)))
        if order.status == "CANCELLED":
            events.append((order.updated_at + "#r", OrderEvent("remove", order.username, purchase)))
    model = replay(events)
    for letter in "abcdef":
        row, expected = shop.row(letter), model.books[f"book-{letter}"]
        assert row.n == expected.n
        assert {k: v for k, v in row.co.items() if v} == expected.co
        assert row.sales == expected.sales
        assert shop.similar(letter) == [b for b, _ in model.similar(f"book-{letter}")]
    assert isinstance(model.books["book-a"].sales, Decimal)
