"""The recommendation engine: quality against a popularity baseline, worker throughput, rebuild time.

A synthetic shop with known structure: customers belong to segments, each segment prefers a handful of books
of the real catalog (data/books.csv); every purchase comes from the segment's books with probability
--affinity, otherwise from the whole catalog by popularity (Zipf). Orders have 1-3 lines and are spread over
the year; a few are cancelled.

1. Quality: each customer's last order is held out; the model learns from everything else (through the same
   replay the rebuild uses). Hit rate at 10 = held-out books that appear in the customer's top 10, over all
   held-out books, for the engine's read-path ranking and for the popularity-only baseline (the most bought
   books the customer does not have). Target: the engine at least twice the baseline.
2. Worker: orders written to the orders table in moto, their real stream records delivered in batches of
   100 to the real handler. Orders per second (through moto, which dominates), DynamoDB write requests and
   items written per order. Medians over --runs.
3. Rebuild: the rebuild command on --rebuild-lines order lines, against an in-memory DynamoDB (moto's Scan is
   quadratic at this size) that counts requests, with 0 and with --latency-ms per request (sleeps, so the
   scan and write threads overlap as they do against DynamoDB). Medians over --runs.

    python -m benchmarks.recommendations [--customers 8000] [--runs 3] [--rebuild-lines 1000000]
"""

from __future__ import annotations

import argparse
import importlib
import io
import os
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import local  # noqa: F401  (functions/ on sys.path)
from bookstore.recommendations.learning import replay
from bookstore.recommendations.model import RECENT_PURCHASES, TOP_N, SimilarEntry
from bookstore.recommendations.reading import rank_for_customer
from bookstore.recommendations.rebuild import OrderRecord, order_events, rebuild
from local.cli import ProgressBar
from local.recommendations import writer
from local.world.catalog import load_catalog

K = 10
EPOCH_DAY = 1_767_225_600  # 2026-01-01T00:00:00Z


@dataclass
class Shop:
    orders: list[OrderRecord]
    genres: dict[str, tuple[str, str | None]]


def _iso(seconds: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + f".{int(seconds % 1 * 1e6):06d}Z"


def generate(
    customers: int, *, segments: int = 20, preferred: int = 20, affinity: float = 0.75, cancel: float = 0.04,
    seed: int = 2003, max_lines: int | None = None,
) -> Shop:  # fmt: skip
    """Orders of `customers` customers (3-9 orders each), or until `max_lines` order lines."""
    rng = random.Random(seed)  # noqa: S311 (reproducible synthetic data)
    catalog = load_catalog()
    genres: dict[str, tuple[str, str | None]] = {b.book_id: (b.title, b.genre) for b in catalog}
    ids = [b.book_id for b in catalog]
    popular = ids[:]
    rng.shuffle(popular)
    weights = [1 / (rank + 1) for rank in range(len(popular))]
    tastes = [rng.sample(ids, preferred) for _ in range(segments)]
    orders: list[OrderRecord] = []
    lines_total = 0
    customer = 0
    while customer < customers or (max_lines and lines_total < max_lines):
        taste = tastes[customer % segments]
        owned: set[str] = set()
        start = EPOCH_DAY + rng.uniform(0, 200) * 86400
        for number in range(rng.randint(3, 9)):
            at = start + number * rng.uniform(3, 20) * 86400
            lines: list[tuple[str, str, int]] = []
            for _ in range(rng.randint(1, 3)):
                for _attempt in range(6):
                    book = rng.choice(taste) if rng.random() < affinity else rng.choices(popular, weights)[0]
                    if book not in owned:
                        break
                if book in owned or any(line[0] == book for line in lines):
                    continue
                owned.add(book)
                lines.append((book, genres[book][0], rng.randint(1, 2)))
            if not lines:
                continue
            order_id = f"{int(at * 1000):013d}{customer:06d}{number:02d}"
            cancelled = _iso(at + 3600) if rng.random() < cancel else None
            orders.append(OrderRecord(order_id, f"customer{customer:06d}", _iso(at), cancelled, tuple(lines)))
            lines_total += len(lines)
            if max_lines and lines_total >= max_lines:
                break
        customer += 1
        if max_lines and lines_total >= max_lines:
            break
    return Shop(orders, genres)


# ---- 1. quality -----------------------------------------------------------------------------------------


def hit_rates(shop: Shop, recent: int = RECENT_PURCHASES, top: int = TOP_N) -> dict[str, Any]:
    by_customer: dict[str, list[OrderRecord]] = {}
    for order in sorted(shop.orders, key=lambda o: o.created_at):
        by_customer.setdefault(order.username, []).append(order)
    held_out = {u: [o for o in orders if o.cancelled_at is None][-1] for u, orders in by_customer.items()}
    held_ids = {o.order_id for o in held_out.values()}
    train = [o for o in shop.orders if o.order_id not in held_ids]

    model = replay(order_events(train, shop.genres))
    similar = {
        book: [SimilarEntry(other, score, model.books[other].genre) for other, score in model.similar(book, top)]
        for book in model.books
    }
    genres = sorted({g for _, g in shop.genres.values() if g})
    genre_lists = {g: [b for b, _ in model.bestsellers(g)] for g in genres}
    overall = [b for b, _ in model.bestsellers()]
    counts: Counter[str] = Counter()
    for order in train:
        if order.cancelled_at is None:
            counts.update(book for book, _, _ in order.lines)
    popular = [book for book, _ in counts.most_common()]

    engine_hits = baseline_hits = total = 0
    for username, order in held_out.items():
        history = model.histories.get(username)
        bought = history.bought() if history else set()
        latest = history.recent(recent) if history else []
        picks = rank_for_customer(
            history,
            {line.book_id: similar.get(line.book_id, []) for line in latest},
            genre_lists,
            overall,
            limit=K,
            recent_purchases=recent,
        )[:K]
        baseline = [b for b in popular if b not in bought][:K]
        wanted = {book for book, _, _ in order.lines}
        engine_hits += len(wanted & {p.book_id for p in picks})
        baseline_hits += len(wanted & set(baseline))
        total += len(wanted)
    return {
        "customers": len(by_customer),
        "orders": len(shop.orders),
        "held_out_books": total,
        "engine": engine_hits / total,
        "baseline": baseline_hits / total,
    }


# ---- 2. worker ------------------------------------------------------------------------------------------


class Counting:
    """Counts DynamoDB requests (writes apart, with the items they write) and the time spent inside them."""

    WRITES = ("put_item", "update_item", "delete_item", "transact_write_items", "batch_write_item")
    READS = ("get_item", "batch_get_item", "query", "scan")

    def __init__(self, client: Any) -> None:
        self._client = client
        self.reads = self.writes = self.items = 0
        self.seconds = 0.0

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._client, name)
        if name not in self.WRITES + self.READS:
            return attribute

        def call(**kwargs: Any) -> Any:
            if name in self.READS:
                self.reads += 1
            else:
                self.writes += 1
                if name == "transact_write_items":
                    self.items += len(kwargs["TransactItems"])
                elif name == "batch_write_item":
                    self.items += sum(len(v) for v in kwargs["RequestItems"].values())
                else:
                    self.items += 1
            started = time.perf_counter()
            try:
                return attribute(**kwargs)
            finally:
                self.seconds += time.perf_counter() - started

        return call


@contextmanager
def _one_rollback_snapshot_per_table() -> Iterator[None]:
    """moto snapshots a table for rollback once per item of a transaction (a deep copy of the whole table each
    time, all taken before anything is applied); one snapshot per table is the same state, taken once."""
    import copy

    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.table import Table

    original = DynamoDBBackend.transact_write_items
    real_deepcopy = copy.deepcopy

    def transact(self: Any, transact_items: list[dict[str, Any]]) -> None:
        snapshots: dict[int, Any] = {}

        def deepcopy(value: Any, memo: Any = None) -> Any:
            if isinstance(value, Table):
                if id(value) not in snapshots:
                    snapshots[id(value)] = real_deepcopy(value, memo)
                return snapshots[id(value)]
            return real_deepcopy(value, memo)

        setattr(copy, "deepcopy", deepcopy)  # noqa: B010 (for the duration of one transaction)
        try:
            original(self, transact_items)
        finally:
            setattr(copy, "deepcopy", real_deepcopy)  # noqa: B010

    setattr(DynamoDBBackend, "transact_write_items", transact)  # noqa: B010 (a patch for this benchmark only)
    try:
        yield
    finally:
        setattr(DynamoDBBackend, "transact_write_items", original)  # noqa: B010


def worker_run(shop: Shop, orders: int) -> dict[str, float]:
    import boto3
    from moto import mock_aws

    from bookstore import aws as function_clients
    from bookstore.orders import Order, OrderLine, StatusChange
    from bookstore.repositories.dynamo import to_item
    from bookstore.repositories.orders import _order_item
    from bookstore.repositories.products import book_item
    from local.emulators.context import LocalLambdaContext
    from local.emulators.streams import StreamReader
    from local.world.provision import create_tables

    templates = _templates()
    with mock_aws(), _one_rollback_snapshot_per_table():
        function_clients.clear_clients()
        dynamodb = boto3.client("dynamodb")
        tables = create_tables(templates["Data"], dynamodb)
        # The books only (no search postings): moto copies every table on each transaction.
        books = [{"PutRequest": {"Item": to_item(book_item(b))}} for b in load_catalog()]
        for start in range(0, len(books), 25):
            dynamodb.batch_write_item(RequestItems={tables["ProductsTable"]: books[start : start + 25]})
        placed = [o for o in shop.orders if o.cancelled_at is None][:orders]
        requests = []
        for record in placed:
            lines = [OrderLine(book_id=b, title=t, quantity=q, unit_price_cents=500, line_total_cents=500 * q)
                     for b, t, q in record.lines]  # fmt: skip
            order = Order(
                order_id=_ulid_like(record.order_id), username=record.username, lines=lines,
                total_cents=sum(x.line_total_cents for x in lines), status="PLACED", created_at=record.created_at,
                updated_at=record.created_at, history=[StatusChange(status="PLACED", at=record.created_at)],
            )  # fmt: skip
            requests.append({"PutRequest": {"Item": to_item(_order_item(order))}})
        for start in range(0, len(requests), 25):
            dynamodb.batch_write_item(RequestItems={tables["OrdersTable"]: requests[start : start + 25]})
        arn = dynamodb.describe_table(TableName=tables["OrdersTable"])["Table"]["LatestStreamArn"]
        streams = boto3.client("dynamodbstreams", endpoint_url="https://streams.dynamodb.us-east-1.amazonaws.com")
        reader = StreamReader(streams, arn)
        records: list[dict[str, Any]] = []
        while batch := reader.read(limit=1000):
            records += batch

        os.environ["PRODUCTS_TABLE_NAME"] = tables["ProductsTable"]
        os.environ["RECOMMENDATIONS_TABLE_NAME"] = tables["RecommendationsTable"]
        handler = importlib.reload(importlib.import_module("recommendations.handler"))
        counting = Counting(dynamodb)
        handler.ENGINE.recommendations._client = counting
        handler.ENGINE.products._client = counting
        started = time.perf_counter()
        for start in range(0, len(records), 100):
            response = handler.lambda_handler({"Records": records[start : start + 100]}, LocalLambdaContext("bench"))
            assert not response["batchItemFailures"], response
        seconds = time.perf_counter() - started
    orders = len(records)
    return {
        "orders_per_second": orders / seconds,
        "own_ms_per_order": (seconds - counting.seconds) * 1000 / orders,
        "reads_per_order": counting.reads / orders,
        "write_requests_per_order": counting.writes / orders,
        "items_written_per_order": counting.items / orders,
    }


_TEMPLATES: dict[str, Any] = {}


def _templates() -> dict[str, Any]:
    """The dev stage's templates by component (the cached synth, as every local command uses)."""
    from local.world import assembly

    if not _TEMPLATES:
        _TEMPLATES.update(assembly.load("dev", say=lambda message: print(message, file=sys.stderr)).by_component())
    return _TEMPLATES


def _ulid_like(order_id: str) -> str:
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    value = int(order_id)
    return "".join(alphabet[(value >> (5 * i)) & 31] for i in reversed(range(26)))


# ---- 3. rebuild -----------------------------------------------------------------------------------------


class MemoryDynamoDB:
    """Just enough of DynamoDB for the rebuild: orders to scan, products to read, writes counted."""

    PAGE = 2000  # order items of ~500 bytes: about the 1 MB a Scan page holds

    def __init__(self, orders: list[dict[str, Any]], products: dict[str, dict[str, Any]], latency: float) -> None:
        self.orders, self.products, self.latency = orders, products, latency
        self.scan_requests = self.write_requests = self.items_written = 0

    def _wait(self) -> None:
        if self.latency:
            time.sleep(self.latency)

    def describe_table(self, TableName: str) -> dict[str, Any]:  # noqa: N803 (boto3's names)
        return {"Table": {"ItemCount": len(self.orders) if TableName == "orders" else 0}}

    def scan(self, **kwargs: Any) -> dict[str, Any]:
        self._wait()
        self.scan_requests += 1
        if kwargs["TableName"] != "orders":
            return {"Items": []}
        mine = self.orders[kwargs.get("Segment", 0) :: kwargs.get("TotalSegments", 1)]
        start = int(kwargs.get("ExclusiveStartKey", {}).get("i", 0))
        page = mine[start : start + self.PAGE]
        result: dict[str, Any] = {"Items": page}
        if start + self.PAGE < len(mine):
            result["LastEvaluatedKey"] = {"i": start + self.PAGE}
        return result

    def batch_get_item(self, RequestItems: dict[str, Any]) -> dict[str, Any]:  # noqa: N803
        self._wait()
        ((table, spec),) = RequestItems.items()
        found = [self.products[k["pk"]["S"]] for k in spec["Keys"] if k["pk"]["S"] in self.products]
        return {"Responses": {table: found}}

    def batch_write_item(self, RequestItems: dict[str, Any]) -> dict[str, Any]:  # noqa: N803
        self._wait()
        self.write_requests += 1
        self.items_written += sum(len(v) for v in RequestItems.values())
        return {}


def rebuild_run(shop: Shop, latency: float) -> dict[str, float]:
    from bookstore.repositories.dynamo import to_item
    from bookstore.repositories.products import book_item

    items = []
    for o in shop.orders:
        item: dict[str, Any] = {
            "pk": {"S": f"CUSTOMER#{o.username}"}, "sk": {"S": f"ORDER#{o.order_id}"}, "order_id": {"S": o.order_id},
            "username": {"S": o.username}, "created_at": {"S": o.created_at}, "updated_at": {"S": o.created_at},
            "status": {"S": "CANCELLED" if o.cancelled_at else "PLACED"},
            "lines": {"L": [{"M": {"book_id": {"S": b}, "title": {"S": t}, "quantity": {"N": str(q)}}}
                            for b, t, q in o.lines]},
        }  # fmt: skip
        if o.cancelled_at:
            item["history"] = {"L": [{"M": {"status": {"S": "CANCELLED"}, "at": {"S": o.cancelled_at}}}]}
        items.append(item)
    products = {f"BOOK#{b.book_id}": to_item(book_item(b)) for b in load_catalog()}
    memory = MemoryDynamoDB(items, products, latency)
    tables = {"OrdersTable": "orders", "ProductsTable": "products", "RecommendationsTable": "recommendations"}
    started = time.perf_counter()

    def quiet(label: str, total: int, unit: str) -> ProgressBar:
        return ProgressBar(label, total, unit, io.StringIO())

    report = rebuild(memory, tables, writer(memory), progress=quiet)
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "orders": report.orders,
        "scan_requests": memory.scan_requests,
        "write_requests": memory.write_requests,
        "items_written": memory.items_written,
    }


def _median(runs: list[dict[str, float]], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=8000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--worker-orders", type=int, default=500)
    parser.add_argument("--rebuild-lines", type=int, default=1_000_000)
    parser.add_argument("--latency-ms", type=float, default=10.0, help="per request, in the rebuild's second pass")
    parser.add_argument("--affinity", type=float, default=0.75, help="share of purchases from the segment's books")
    parser.add_argument("--recent", type=int, default=RECENT_PURCHASES, help="recent books whose lists are merged")
    parser.add_argument("--top", type=int, default=TOP_N, help="similar books kept per book")
    parser.add_argument("--parts", default="quality,worker,rebuild", help="which measurements, comma-separated")
    args = parser.parse_args(argv)
    parts = set(args.parts.split(","))
    if not parts or parts - {"quality", "worker", "rebuild"}:
        parser.error("--parts: a comma-separated subset of quality,worker,rebuild")
    if args.customers < 100 or args.runs < 1 or args.worker_orders < 100 or args.rebuild_lines < 1000:
        parser.error("--customers >= 100, --runs >= 1, --worker-orders >= 100, --rebuild-lines >= 1000")
    if not 0 <= args.affinity <= 1 or args.recent < 1 or args.top < 1:
        parser.error("--affinity in [0, 1], --recent >= 1, --top >= 1")
    os.environ.update(
        {
            "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": "us-east-1",
            "POWERTOOLS_TRACE_DISABLED": "true", "POWERTOOLS_METRICS_DISABLED": "true",
            "POWERTOOLS_METRICS_NAMESPACE": "Bookstore",
            "POWERTOOLS_LOG_LEVEL": "WARNING",
        }
    )  # fmt: skip
    import warnings

    warnings.filterwarnings("ignore")

    shop = generate(args.customers, affinity=args.affinity)
    ratio = float("inf")
    if "quality" in parts:
        quality = hit_rates(shop, args.recent, args.top)
        ratio = quality["engine"] / quality["baseline"] if quality["baseline"] else float("inf")
        print(f"Synthetic shop: {quality['customers']} customers, {quality['orders']} orders, "
              f"{quality['held_out_books']} held-out books")  # fmt: skip
        print(f"Hit rate at {K} (affinity {args.affinity}, {args.recent} recent books x top {args.top}): "
              f"engine {quality['engine']:.3f}, popularity baseline {quality['baseline']:.3f}, "
              f"ratio {ratio:.2f}x (target >= 2x)")  # fmt: skip
    if "worker" in parts:
        _worker_report(shop, args)
    if "rebuild" in parts:
        _rebuild_report(args)
    return 0 if ratio >= 2 else 1


def _worker_report(shop: Shop, args: argparse.Namespace) -> None:
    worker = [worker_run(shop, args.worker_orders) for _ in range(args.runs)]
    own = _median(worker, "own_ms_per_order")
    requests = _median(worker, "reads_per_order") + _median(worker, "write_requests_per_order")
    print(
        f"Worker ({args.worker_orders} orders in batches of 100, median of {args.runs}): per order "
        f"{_median(worker, 'reads_per_order'):.2f} read requests, "
        f"{_median(worker, 'write_requests_per_order'):.2f} write requests writing "
        f"{_median(worker, 'items_written_per_order'):.1f} items; the handler's own time {own:.2f} ms"
    )
    print(f"  through moto: {_median(worker, 'orders_per_second'):.1f} orders/s (moto copies every table on each "
          f"transaction item, here once per table); at {args.latency_ms:.0f} ms per DynamoDB request: "
          f"{1000 / (own + requests * args.latency_ms):.0f} orders/s per shard")  # fmt: skip


def _rebuild_report(args: argparse.Namespace) -> None:
    big = generate(0, max_lines=args.rebuild_lines, seed=7)
    lines = sum(len(o.lines) for o in big.orders)
    for latency in (0.0, args.latency_ms / 1000):
        runs = [rebuild_run(big, latency) for _ in range(args.runs)]
        print(f"Rebuild of {lines} order lines ({int(_median(runs, 'orders'))} orders), {latency * 1000:.0f} ms "
              f"per request, median of {args.runs}: {_median(runs, 'seconds'):.1f} s, "
              f"{int(_median(runs, 'scan_requests'))} scan pages, {int(_median(runs, 'write_requests'))} "
              f"write requests, {int(_median(runs, 'items_written'))} items written")  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
