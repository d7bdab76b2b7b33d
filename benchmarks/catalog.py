"""Catalog search and browse at scale: 50,000 synthetic books in moto, requests through the API handler.

Reports, per kind of request (exact search, search with a typing error, search by a prefix, browse):
DynamoDB calls (mean, median, max), items read, p50/p99 latency through moto, and the handler's own p50/p99
(the latency without the time spent inside DynamoDB calls; moto's Query walks the whole table, so its time
grows with the catalog while DynamoDB's does not), and every DynamoDB operation issued (a Scan aborts the
run). Medians over the runs. Books get 2-4 word titles from a 3,000-word vocabulary, authors from 4,000
names, and one of the genres, so common words have long posting lists, as real catalogs do; they are
written with their whole index (postings, vocabulary, arrival: products.index_items).

    python -m benchmarks.catalog [--books 50000] [--queries 200] [--runs 3]

A typo query is 1-2 words of the vocabulary with one random edit (insertion, deletion, substitution or
transposition) in a word of 5+ letters; a prefix query is the first 3-5 letters of a word.
"""

from __future__ import annotations

import argparse
import importlib
import os
import random
import statistics
import sys
import time
from typing import Any

import local  # noqa: F401  (functions/ on sys.path)

WORDS = 3000
AUTHORS = 4000


def _vocabulary(rng: random.Random, size: int, length: tuple[int, int]) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(letters) for _ in range(rng.randint(*length))))
    return sorted(words)


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    """The command line, refused (exit 2) when it asks for too small a catalog or too few queries or runs."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--books", type=int, default=50_000)
    parser.add_argument("--queries", type=int, default=200, help="searches (and half as many browses) per run")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    if args.books < 100 or args.queries < 10 or args.runs < 1:
        parser.error("--books >= 100, --queries >= 10, --runs >= 1")
    return args


def _fake_aws_environment() -> None:
    """Fake credentials for moto, and Powertools quiet (no tracing, no metrics, warnings only)."""
    os.environ.update(
        {
            "AWS_ACCESS_KEY_ID": "bench",
            "AWS_SECRET_ACCESS_KEY": "bench",
            "AWS_DEFAULT_REGION": "us-east-1",
            "POWERTOOLS_TRACE_DISABLED": "true",
            "POWERTOOLS_METRICS_DISABLED": "true",
            "POWERTOOLS_LOG_LEVEL": "WARNING",
        }
    )
    import warnings

    warnings.filterwarnings("ignore")


def _load_books(
    dynamodb: Any, products: str, count: int, rng: random.Random, words: list[str], surnames: list[str]
) -> None:
    """Writes `count` synthetic books and their search postings to the products table, in batches."""
    from bookstore.catalog import GENRES, Book
    from bookstore.repositories.dynamo import to_item
    from bookstore.repositories.products import book_item, index_items
    from local.world.targets import batch_write

    started = time.perf_counter()
    batch: dict[tuple[str, str], dict[str, Any]] = {}  # by key: books share words (one BatchWriteItem refuses twins)
    for number in range(count):
        title = " ".join(rng.choice(words) for _ in range(rng.randint(2, 4))).title()
        book = Book(book_id=f"book-{number:06d}", title=title, author=f"Author {rng.choice(surnames).title()}",
                    genre=rng.choice(GENRES), year=rng.randint(1800, 1929), price_cents=rng.randint(299, 2999),
                    stock=rng.randint(0, 50), created_at=f"2026-01-01T00:00:00.{number:06d}Z")  # fmt: skip
        batch.update({(i["pk"], i["sk"]): i for i in [book_item(book), *index_items(book)]})
        if len(batch) >= 2500:
            batch_write(dynamodb, products, [{"PutRequest": {"Item": to_item(i)}} for i in batch.values()])
            batch = {}
        if (number + 1) % 10_000 == 0:
            print(f"  loaded {number + 1}/{count} books", file=sys.stderr)
    batch_write(dynamodb, products, [{"PutRequest": {"Item": to_item(i)}} for i in batch.values()])
    print(f"Loaded {count} books in {time.perf_counter() - started:.0f} s", file=sys.stderr)


class _DynamoCalls:
    """The DynamoDB calls of the current request (operation, items read) and the time spent in them, recorded
    through botocore's before-call / after-call events of the default session."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, int]] = []
        self.aws_time: list[float] = []
        self._started: list[float] = []

    def register(self, events: Any) -> None:
        events.register("before-call.dynamodb", self._before)
        events.register("after-call.dynamodb", self._after)

    def clear(self) -> None:
        self.calls.clear()
        self.aws_time.clear()

    def _before(self, **_: Any) -> None:
        self._started.append(time.perf_counter())

    def _after(self, event_name: str, parsed: dict[str, Any], **_: Any) -> None:
        self.aws_time.append(time.perf_counter() - self._started.pop())
        operation = event_name.rsplit(".", 1)[-1]
        items = len(parsed.get("Items", [])) + len(parsed.get("Item", {}) and [1])
        items += sum(len(v) for v in parsed.get("Responses", {}).values())
        self.calls.append((operation, items))


def _request(handler: Any, recorded: _DynamoCalls, query: dict[str, str]) -> tuple[float, int, int, float]:
    """One GET /books through the API handler: (latency, DynamoDB calls, items read, the handler's own time)."""
    from local.emulators.context import LocalLambdaContext
    from tests.support.apigw import api_event

    recorded.clear()
    t0 = time.perf_counter()
    response = handler.lambda_handler(api_event("GET", "/books", query=query), LocalLambdaContext())
    elapsed = time.perf_counter() - t0
    assert response["statusCode"] == 200, response
    # The handler's own time: everything but the (moto) DynamoDB calls.
    calls = recorded.calls
    return elapsed, len(calls), sum(i for _, i in calls), elapsed - sum(recorded.aws_time)


def _typo(word: str, rng: random.Random) -> str:
    """`word` with one random edit."""
    at, letter = rng.randrange(len(word) - 1), rng.choice("abcdefghijklmnopqrstuvwxyz")
    edits = {
        "insert": word[:at] + letter + word[at:],
        "delete": word[:at] + word[at + 1 :],
        "substitute": word[:at] + letter + word[at + 1 :],
        "transpose": word[:at] + word[at + 1] + word[at] + word[at + 2 :],
    }
    return edits[rng.choice(sorted(edits))]


def _random_query(kind: str, rng: random.Random, words: list[str]) -> dict[str, str]:
    """An exact search (1-3 words of the vocabulary), a search with one typing error (1-2 words, one misspelt,
    of 6+ letters so a deletion leaves 5), a prefix (the first 3-5 letters of a word) or a browse (a random
    genre), 20 results."""
    from bookstore.catalog import GENRES

    if kind == "exact":
        return {"q": " ".join(rng.choice(words) for _ in range(rng.randint(1, 3))), "limit": "20"}
    if kind == "typo":
        chosen = [rng.choice(words) for _ in range(rng.randint(1, 2))]
        long = rng.choice([w for w in words if len(w) >= 6])
        return {"q": " ".join([*chosen[:-1], _typo(long, rng)]), "limit": "20"}
    if kind == "prefix":
        return {"q": rng.choice(words)[: rng.randint(3, 5)], "limit": "20"}
    return {"genre": rng.choice(GENRES), "limit": "20"}


def _summary(samples: list[tuple[float, int, int, float]]) -> tuple[float, ...]:
    """One run of one kind: p50 and p99 latency, mean calls, mean items read, the handler's own p50 and p99,
    median and max calls."""
    latencies = [s[0] for s in samples]
    own = [s[3] for s in samples]
    calls = [s[1] for s in samples]
    return (
        _percentile(latencies, 0.5), _percentile(latencies, 0.99),
        statistics.mean(calls), statistics.mean(s[2] for s in samples),
        _percentile(own, 0.5), _percentile(own, 0.99), statistics.median(calls), max(calls),
    )  # fmt: skip


def _print_table(args: argparse.Namespace, results: dict[str, list[tuple[float, ...]]], operations: set[str]) -> None:
    """The Markdown table of medians over the runs, per kind of request, and the operations issued."""
    over = f"median of {args.runs} runs"
    print(f"{args.books} books, {args.queries} requests of each kind ({args.queries // 2} browses) per run, {over}")
    print("| request | DynamoDB calls: mean / median / max | items read | p50 (moto) | p99 (moto) | handler p50 "
          "| handler p99 |")  # fmt: skip
    print("|---|---|---|---|---|---|---|")
    for kind, runs in results.items():
        p50, p99, mean, items, own50, own99, median = (statistics.median(r[k] for r in runs) for k in range(7))
        most = max(r[7] for r in runs)
        print(
            f"| {kind} | {mean:.1f} / {median:.0f} / {most:.0f} | {items:.0f} | {p50 * 1000:.0f} ms "
            f"| {p99 * 1000:.0f} ms | {own50 * 1000:.1f} ms | {own99 * 1000:.1f} ms |"
        )
    print(f"DynamoDB operations issued: {', '.join(sorted(operations))}")


def _measure(args: argparse.Namespace, handler: Any, recorded: _DynamoCalls, rng: random.Random,
             words: list[str]) -> tuple[dict[str, list[tuple[float, ...]]], set[str]]:  # fmt: skip
    """Every run of every kind of request; aborts on a Scan."""
    kinds = {"exact search": "exact", "typo search": "typo", "prefix search": "prefix", "browse": "browse"}
    results: dict[str, list[tuple[float, ...]]] = {name: [] for name in kinds}
    operations: set[str] = set()
    for _ in range(args.runs):
        for name, kind in kinds.items():
            samples = []
            for _ in range(args.queries // 2 if kind == "browse" else args.queries):
                samples.append(_request(handler, recorded, _random_query(kind, rng, words)))
                operations |= {op for op, _ in recorded.calls}
            results[name].append(_summary(samples))
            if "Scan" in operations:
                raise SystemExit("a Scan was issued")
    return results, operations


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    _fake_aws_environment()
    import boto3
    from moto import mock_aws

    from local.world import assembly
    from local.world.provision import create_tables

    templates = assembly.load("dev", say=lambda message: print(message, file=sys.stderr)).by_component()
    rng = random.Random(20261122)  # noqa: S311 (reproducible synthetic data, not security)
    words = _vocabulary(rng, WORDS, (4, 9))
    surnames = _vocabulary(rng, AUTHORS, (5, 10))
    with mock_aws():
        dynamodb = boto3.client("dynamodb")
        tables = create_tables(templates["Data"], dynamodb)
        products = tables["ProductsTable"]
        _load_books(dynamodb, products, args.books, rng, words, surnames)

        os.environ.update({"PRODUCTS_TABLE_NAME": products, "USERS_TABLE_NAME": tables["UsersTable"],
                           "ORDERS_TABLE_NAME": tables["OrdersTable"],
                           "RECOMMENDATIONS_TABLE_NAME": tables["RecommendationsTable"],
                           "IDEMPOTENCY_TABLE_NAME": tables["IdempotencyTable"], "USER_POOL_ID": "none"})  # fmt: skip
        handler = importlib.import_module("api.handler")
        recorded = _DynamoCalls()
        recorded.register(boto3._get_default_session().events)

        results, operations = _measure(args, handler, recorded, rng, words)

    _print_table(args, results, operations)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
