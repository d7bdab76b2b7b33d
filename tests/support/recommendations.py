"""A small shop over moto for the recommendation tests: books, orders placed through the real service, the
orders table's real stream, the worker's real handler, and the rebuild as the command runs it."""

from __future__ import annotations

import importlib
import os
from types import ModuleType
from typing import Any

import boto3

from bookstore.catalog import Book
from bookstore.identity import SignedIn
from bookstore.orders import OrderLineRequest
from bookstore.recommendations.rebuild import ProgressFactory, RebuildReport, rebuild, silent
from bookstore.recommendations.store import RecommendationRepository
from bookstore.services.orders import PlaceOrderRequest
from local.emulators.context import LocalLambdaContext
from local.emulators.streams import StreamReader, deliver
from local.recommendations import WRITE_THREADS, writer
from tests.support.addresses import HOME
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
        request = PlaceOrderRequest(
            username=username, idempotency_key=f"key-{self._keys:05}", lines=lines, delivery_address=HOME
        )
        return self.services.orders.place(request, None).order_id

    def cancel(self, username: str, order_id: str) -> None:
        self.services.orders.cancel_mine(SignedIn(username), order_id)

    def records(self) -> list[dict[str, Any]]:
        return self.reader.read(limit=1000)

    def handle(self, records: list[dict[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = self.worker.lambda_handler({"Records": records}, LocalLambdaContext("worker"))
        return result

    def learn(self) -> list[dict[str, Any]]:
        records = self.records()
        assert not deliver(records, lambda event: self.handle(event["Records"])), "records failed"
        return records

    def order_history(self) -> list[tuple[str, str]]:
        """Six orders of four customers, all learned, then one cancelled and learned too: (username, order id)."""
        placed = []
        for user, letters in [("ann", "ab"), ("bob", "abc"), ("ann", "d"), ("cid", "ef"), ("bob", "f"), ("dan", "ae")]:
            placed.append((user, self.order(user, *letters)))
        self.learn()
        self.cancel(*placed[1])
        self.learn()
        return placed

    def rebuild(
        self, dynamodb: Any = None, *, threads: int = WRITE_THREADS, progress: ProgressFactory = silent
    ) -> RebuildReport:
        """The model rebuilt from the orders table, written as `python -m local.recommendations rebuild` does."""
        client = dynamodb or self.aws.dynamodb
        return rebuild(client, self.aws.tables, writer(client, threads), progress=progress)

    def table(self) -> dict[tuple[str, str], dict[str, Any]]:
        items = self.aws.items("RecommendationsTable")
        return {(i["pk"]["S"], i["sk"]["S"]): i for i in items}

    def row(self, letter: str) -> Any:
        return self.repo.rows([f"book-{letter}"])[f"book-{letter}"]

    def similar(self, letter: str) -> list[str]:
        return [e.book_id for e in self.repo.similar_lists([f"book-{letter}"])[f"book-{letter}"][0]]


def new_shop(local_aws: LocalAws) -> Shop:
    os.environ.update(
        {
            "PRODUCTS_TABLE_NAME": local_aws.tables["ProductsTable"],
            "RECOMMENDATIONS_TABLE_NAME": local_aws.tables["RecommendationsTable"],
        }
    )
    worker = importlib.reload(importlib.import_module("recommendations.handler"))
    return Shop(local_aws, worker)
