"""Recompute the recommendation model from the orders table:

    python -m local.recommendations rebuild                        the running `make dev` (the default)
    python -m local.recommendations rebuild --stage dev            a deployed stage
    python -m local.recommendations rebuild --endpoint URL         a local stack (e.g. `python -m local.lex`)

Use it after changing the model (bookstore/recommender.py), in a fresh deployment that already has orders, or
when the worker's dead-letter queue holds records older than the stream keeps (24 hours).

It reads every order, replays their placements and cancellations in time order through the same functions as
the worker, then overwrites every derived item (counts, similar lists, histories, applied records, bestseller
lists) and deletes derived items that no order supports any more. Orders are only read. Against a stage it
pauses the worker's event source mapping while it runs (the stream keeps new orders for it) and resumes it at
the end, also when interrupted. Interrupting is safe: everything it writes is recomputed by the next run, so
run the same command again.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import local  # noqa: F401  (functions/ on sys.path)
from bookstore.recommender import FullModel, Line, OrderEvent, Purchase, SimilarEntry, replay
from bookstore.repositories.dynamo import to_item
from bookstore.repositories.products import ProductRepository
from bookstore.repositories.recommendations import (
    FEATURED,
    BookRow,
    RecommendationRepository,
    applied_item,
    history_item,
    ranked_item,
    row_item,
    similar_item,
)
from local.cli import CliError, ProgressBar, attach, friendly_error, run
from local.world.targets import TargetError, batch_write, endpoint_target, stage_target

TABLES = ("OrdersTable", "ProductsTable", "RecommendationsTable")
MAPPING_OUTPUT = "WorkerEventSourceMappingId"
ORDER_FIELDS = ("pk", "sk", "order_id", "username", "lines", "status", "created_at", "updated_at", "history")
SCAN_SEGMENTS = 4
WRITE_THREADS = 8
AGAIN = "run the rebuild again"
OFFLINE_HINT = "or run without --stage to rebuild the running `make dev`"


class RebuildError(TargetError):
    pass


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


ProgressFactory = Callable[[str, int, str], ProgressBar]


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


def _key(item: dict[str, Any]) -> tuple[str, str]:
    return item["pk"]["S"], item["sk"]["S"]


def rebuild(
    dynamodb: Any,
    tables: dict[str, str],
    progress: ProgressFactory = ProgressBar,
) -> RebuildReport:
    started = time.perf_counter()
    orders, unreadable = scan_orders(dynamodb, tables["OrdersTable"], progress)
    book_ids = sorted({line[0] for order in orders for line in order.lines})
    books = ProductRepository(tables["ProductsTable"], client=dynamodb).get_many(book_ids)
    genres: dict[str, tuple[str, str | None]] = {b: (books[b].title, books[b].genre) for b in books}
    model = replay(order_events(orders, genres))

    recommendations = RecommendationRepository(tables["RecommendationsTable"], client=dynamodb)
    existing_keys: set[tuple[str, str]] = set()
    kwargs: dict[str, Any] = {"TableName": recommendations.table, "ProjectionExpression": "pk, sk"}
    while True:
        page = dynamodb.scan(**kwargs)
        # The featured lists belong to the store (make seed), not to the model.
        existing_keys |= {_key(i) for i in page.get("Items", []) if i["pk"]["S"] != FEATURED}
        if "LastEvaluatedKey" not in page:
            break
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    items = model_items(model, {o.order_id: o.username for o in orders})
    bar = progress("writing the model", len(items), "items")
    puts = [{"PutRequest": {"Item": i}} for i in items]
    batch_write(dynamodb, recommendations.table, puts, threads=WRITE_THREADS, on_written=bar.advance, again=AGAIN)
    bar.finish()
    stale = sorted(existing_keys - {_key(i) for i in items})
    bar = progress("deleting stale items", len(stale), "items")
    deletes = [{"DeleteRequest": {"Key": to_item({"pk": pk, "sk": sk})}} for pk, sk in stale]
    batch_write(dynamodb, recommendations.table, deletes, threads=WRITE_THREADS, on_written=bar.advance, again=AGAIN)
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


class PausedWorker:
    """Disables the worker's event source mapping for the duration; always re-enables it."""

    def __init__(self, lambda_client: Any, uuid: str, timeout: float = 300.0, sleep: Any = time.sleep) -> None:
        self.client, self.uuid, self.timeout, self.sleep = lambda_client, uuid, timeout, sleep

    def _set(self, enabled: bool) -> None:
        self.client.update_event_source_mapping(UUID=self.uuid, Enabled=enabled)
        wanted = "Enabled" if enabled else "Disabled"
        deadline = time.monotonic() + self.timeout
        while (state := self.client.get_event_source_mapping(UUID=self.uuid)["State"]) != wanted:
            if time.monotonic() > deadline:
                raise RebuildError(f"the worker's event source mapping stayed {state} (wanted {wanted})")
            self.sleep(2)

    def __enter__(self) -> PausedWorker:
        print("Pausing the recommendations worker (its stream keeps new orders)", file=sys.stderr)
        self._set(False)
        return self

    def __exit__(self, *_: object) -> None:
        print("Resuming the recommendations worker", file=sys.stderr)
        self._set(True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local.recommendations", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    commands = parser.add_subparsers(dest="command", required=True)
    command = commands.add_parser("rebuild", help="recompute the model from the orders table")
    target = command.add_mutually_exclusive_group()
    target.add_argument("--stage", help="a deployed stage (tables and worker from its stack outputs)")
    target.add_argument("--endpoint", help="a local AWS endpoint, e.g. the moto server of `python -m local.lex`")
    command.add_argument("--region", help="AWS region of --stage")
    args = parser.parse_args(argv)
    try:
        if args.stage:
            found = stage_target(args.stage, args.region, TABLES, stacks=("Api",))
            if MAPPING_OUTPUT not in found.outputs:
                raise RebuildError(f"stack Bookstore-{args.stage}-Api has no output {MAPPING_OUTPUT}; deploy it first")
            print(f"Rebuilding recommendations of {found.description}", file=sys.stderr)
            with PausedWorker(found.client("lambda"), found.outputs[MAPPING_OUTPUT]):
                report = rebuild(found.client("dynamodb"), found.tables)
        else:
            # Locally the worker runs in the process of the stack (no event source mapping to pause).
            found = endpoint_target(args.endpoint, TABLES) if args.endpoint else attach(TABLES)
            print(f"Rebuilding recommendations of {found.description}", file=sys.stderr)
            report = rebuild(found.client("dynamodb"), found.tables)
    except KeyboardInterrupt:
        print("\ninterrupted: nothing is lost; run the same command again to finish the rebuild", file=sys.stderr)
        return 130
    except CliError:
        raise
    except Exception as err:
        raise friendly_error(err, offline_hint=OFFLINE_HINT, not_found="table not found") from err
    if report.unreadable:
        print(
            f"warning: {len(report.unreadable)} order items could not be read and were left out: "
            + ", ".join(report.unreadable[:5]),
            file=sys.stderr,
        )
    print(
        f"Rebuilt from {report.orders} orders ({report.cancelled} cancelled) of {report.customers} customers: "
        f"{report.books} books, {report.written} items written, {report.deleted} stale items deleted "
        f"in {report.seconds:.1f} s"
    )
    return 0


if __name__ == "__main__":
    run(main)
