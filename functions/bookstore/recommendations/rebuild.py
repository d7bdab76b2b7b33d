"""Recompute the recommendation model from the orders table (what `python -m local.recommendations rebuild` runs).

It reads every order, replays their placements and cancellations in time order through the same functions as
the worker (learning.replay), then overwrites every derived item (counts, similar lists, histories, applied
records, bestseller lists) and deletes derived items that no order supports any more. Orders are only read.
Everything it writes is recomputed by the next run, so an interrupted rebuild is finished by running it again.

The caller brings the DynamoDB client, how to write batches (`BatchWriter`, e.g. on several threads) and how to
show progress; pausing the worker meanwhile is the caller's too (the command does it for a deployed stage).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol

from bookstore.recommendations.codecs import (
    FEATURED,
    BookRow,
    applied_item,
    history_item,
    key_of,
    ranked_item,
    row_item,
    similar_item,
)
from bookstore.recommendations.learning import FullModel, OrderEvent, replay
from bookstore.recommendations.model import Line, Purchase, SimilarEntry
from bookstore.repositories.dynamo import to_item
from bookstore.repositories.products import ProductRepository

ORDER_FIELDS = ("pk", "sk", "order_id", "username", "lines", "status", "created_at", "updated_at", "history")
SCAN_SEGMENTS = 4


class Progress(Protocol):
    def advance(self, count: int) -> None: ...

    def finish(self) -> object: ...


ProgressFactory = Callable[[str, int, str], Progress]
"""(label, total, unit) -> a Progress, for each step of the rebuild."""

BatchWriter = Callable[[str, list[dict[str, Any]], Callable[[int], None]], None]
"""(table, BatchWriteItem requests, on_written(count)): writes them all, calling back as chunks are written."""


class _Silent:
    def advance(self, count: int) -> None:
        pass

    def finish(self) -> None:
        pass


def silent(label: str, total: int, unit: str) -> Progress:
    return _Silent()


@dataclass
class RebuildReport:
    orders: int
    cancelled: int
    customers: int
    books: int
    written: int
    deleted: int
    seconds: float
    unreadable: list[str]


@dataclass(frozen=True)
class OrderRecord:
    """What the model needs of an order."""

    order_id: str
    username: str
    created_at: str
    cancelled_at: str | None
    lines: tuple[tuple[str, str, int], ...]  # book id, title, quantity


def order_record(item: dict[str, Any]) -> OrderRecord:
    """Read straight from the low-level item (a million orders make a parsing layer the bottleneck)."""
    cancelled_at = None
    if item["status"]["S"] == "CANCELLED":
        moves = [h["M"] for h in item.get("history", {}).get("L", [])]
        cancelled_at = next((m["at"]["S"] for m in moves if m["status"]["S"] == "CANCELLED"), item["updated_at"]["S"])
    lines = tuple(
        (line["M"]["book_id"]["S"], line["M"].get("title", {}).get("S", ""), int(line["M"]["quantity"]["N"]))
        for line in item["lines"]["L"]
    )
    if not lines:
        raise ValueError("an order without lines")
    return OrderRecord(item["order_id"]["S"], item["username"]["S"], item["created_at"]["S"], cancelled_at, lines)


def scan_orders(
    dynamodb: Any, table: str, progress: ProgressFactory, segments: int = SCAN_SEGMENTS
) -> tuple[list[OrderRecord], list[str]]:
    """Every order of the table (a parallel scan), and the keys of items that are orders but unreadable."""
    approximate = int(dynamodb.describe_table(TableName=table)["Table"].get("ItemCount", 0))
    bar = progress("reading orders", approximate, "items")
    lock = threading.Lock()
    orders: list[OrderRecord] = []
    unreadable: list[str] = []

    def scan(segment: int) -> None:
        kwargs: dict[str, Any] = {
            "TableName": table,
            # Every name through a placeholder: several (status, lines) are DynamoDB reserved words.
            "ProjectionExpression": ", ".join(f"#f{i}" for i in range(len(ORDER_FIELDS))),
            "ExpressionAttributeNames": {f"#f{i}": name for i, name in enumerate(ORDER_FIELDS)},
            "Segment": segment,
            "TotalSegments": segments,
        }
        while True:
            page = dynamodb.scan(**kwargs)
            found, bad = [], []
            for item in page.get("Items", []):
                if not item.get("sk", {}).get("S", "").startswith("ORDER#"):
                    continue
                try:
                    found.append(order_record(item))
                except (KeyError, ValueError, TypeError):
                    bad.append(f"{item.get('pk', {}).get('S')}/{item.get('sk', {}).get('S')}")
            with lock:
                orders.extend(found)
                unreadable.extend(bad)
                bar.advance(len(page.get("Items", [])))
            if "LastEvaluatedKey" not in page:
                return
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    with ThreadPoolExecutor(max_workers=segments) as pool:
        for future in [pool.submit(scan, segment) for segment in range(segments)]:
            future.result()
    bar.finish()
    return orders, unreadable


def order_events(orders: list[OrderRecord], genres: dict[str, tuple[str, str | None]]) -> list[tuple[str, OrderEvent]]:
    """Each order's placement at its creation and, when cancelled, its cancellation at that time; the keys sort
    events as the stream delivered them."""
    events: list[tuple[str, OrderEvent]] = []
    for order in orders:
        lines = tuple(
            Line(book, title or genres.get(book, ("", None))[0], genres.get(book, ("", None))[1], quantity)
            for book, title, quantity in order.lines
        )
        purchase = Purchase(order.order_id, order.created_at, lines)
        events.append((f"{order.created_at}#{order.order_id}#0", OrderEvent("add", order.username, purchase)))
        if order.cancelled_at is not None:
            events.append((f"{order.cancelled_at}#{order.order_id}#1", OrderEvent("remove", order.username, purchase)))
    return events


def model_items(model: FullModel, usernames: dict[str, str]) -> list[dict[str, Any]]:
    """Every derived item of the model, as DynamoDB items (`usernames`: each order's customer)."""
    items: list[dict[str, Any]] = []
    n = {book: stats.n for book, stats in model.books.items()}
    for book, stats in model.books.items():
        items.append(row_item(BookRow(book, stats.n, stats.sales, stats.genre, stats.title, 1, stats.co)))
        entries = [
            SimilarEntry(other, score, model.books[other].genre) for other, score in model.similar(book) if n.get(other)
        ]
        items.append(to_item(similar_item(book, entries, 1)))
    for username, history in model.histories.items():
        items.append(to_item(history_item(username, history, 1)))
    for order_id, applied in model.applied.items():
        items.append(to_item(applied_item(order_id, usernames[order_id], applied)))
    genres = sorted({s.genre for s in model.books.values() if s.genre})
    for genre in [None, *genres]:
        items.append(to_item(ranked_item(genre, model.bestsellers(genre), 1)))
    return items


def rebuild(
    dynamodb: Any, tables: dict[str, str], write: BatchWriter, progress: ProgressFactory = silent
) -> RebuildReport:
    """Rebuild the model of `tables` (OrdersTable, ProductsTable, RecommendationsTable by logical name)."""
    started = time.perf_counter()
    orders, unreadable = scan_orders(dynamodb, tables["OrdersTable"], progress)
    book_ids = sorted({line[0] for order in orders for line in order.lines})
    books = ProductRepository(tables["ProductsTable"], client=dynamodb).get_many(book_ids)
    genres: dict[str, tuple[str, str | None]] = {b: (books[b].title, books[b].genre) for b in books}
    model = replay(order_events(orders, genres))

    table = tables["RecommendationsTable"]
    existing_keys = derived_keys(dynamodb, table)
    items = model_items(model, {o.order_id: o.username for o in orders})
    bar = progress("writing the model", len(items), "items")
    write(table, [{"PutRequest": {"Item": i}} for i in items], bar.advance)
    bar.finish()
    stale = sorted(existing_keys - {key_of(i) for i in items})
    bar = progress("deleting stale items", len(stale), "items")
    write(table, [{"DeleteRequest": {"Key": to_item({"pk": pk, "sk": sk})}} for pk, sk in stale], bar.advance)
    bar.finish()
    return RebuildReport(
        orders=len(orders),
        cancelled=sum(o.cancelled_at is not None for o in orders),
        customers=len(model.histories),
        books=len(model.books),
        written=len(items),
        deleted=len(stale),
        seconds=time.perf_counter() - started,
        unreadable=unreadable,
    )


def derived_keys(dynamodb: Any, table: str) -> set[tuple[str, str]]:
    """The keys of every item of the recommendations table that the model derives (all but the featured lists)."""
    keys: set[tuple[str, str]] = set()
    kwargs: dict[str, Any] = {"TableName": table, "ProjectionExpression": "pk, sk"}
    while True:
        page = dynamodb.scan(**kwargs)
        # The featured lists belong to the store (make seed), not to the model.
        keys |= {key_of(i) for i in page.get("Items", []) if i["pk"]["S"] != FEATURED}
        if "LastEvaluatedKey" not in page:
            return keys
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
