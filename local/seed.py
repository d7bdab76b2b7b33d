"""Load the sample catalog (data/books.csv) into a stage's tables: `python -m local.seed --stage dev` or
`--endpoint http://127.0.0.1:PORT` for a local stack.

Batched (BatchGetItem to find what exists, BatchWriteItem for the rest), shows progress, and is safe to re-run:
a book that exists is left as it is, so a re-run never resets stock that orders have moved. Until the
recommendation engine has orders to learn from, the bestseller lists are seeded from stock levels (the store
stocks most of what sells best); existing lists are never overwritten.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import local  # noqa: F401  (functions/ on sys.path)
from bookstore.catalog_models import GENRES, Book
from bookstore.ids import slug
from bookstore.repositories.dynamo import to_item
from bookstore.repositories.products import book_item, book_key, posting
from bookstore.search import index_terms

ROOT = Path(__file__).resolve().parents[1]
CATALOG = ROOT / "data" / "books.csv"
BESTSELLERS = 20


class SeedError(Exception):
    pass


def load_catalog(path: Path = CATALOG) -> list[Book]:
    books: list[Book] = []
    with path.open(newline="", encoding="utf-8") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            try:
                books.append(
                    Book(
                        book_id=slug(row["title"], row["author"]),
                        title=row["title"],
                        author=row["author"],
                        genre=row["genre"],
                        year=int(row["year"]),
                        price_cents=int(row["price_cents"]),
                        stock=int(row["stock"]),
                        description=row["description"],
                    )
                )
            except (ValueError, KeyError) as err:
                raise SeedError(f"{path.name} line {line}: {err}") from err
    ids = [b.book_id for b in books]
    if len(set(ids)) != len(ids):
        raise SeedError(f"{path.name}: two books have the same title and author")
    return books


def _existing(dynamodb: Any, table: str, books: Sequence[Book]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(books), 100):
        request: dict[str, Any] = {
            table: {
                "Keys": [book_key(b.book_id) for b in books[start : start + 100]],
                "ProjectionExpression": "book_id",
            }
        }
        while request:
            response = dynamodb.batch_get_item(RequestItems=request)
            found.update(i["book_id"]["S"] for i in response.get("Responses", {}).get(table, []))
            request = response.get("UnprocessedKeys") or {}
    return found


def _write(dynamodb: Any, table: str, items: list[dict[str, Any]]) -> None:
    for start in range(0, len(items), 25):
        pending: dict[str, Any] = {table: [{"PutRequest": {"Item": to_item(i)}} for i in items[start : start + 25]]}
        for _ in range(10):
            pending = dynamodb.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
            if not pending:
                break
        else:
            raise SeedError("DynamoDB kept items unprocessed after 10 retries; run the seed again")


def seed_catalog(
    dynamodb: Any,
    products_table: str,
    recommendations_table: str,
    books: Sequence[Book],
    progress: Callable[[int, int], None] = lambda done, total: None,
) -> tuple[int, int]:
    """Returns (created, already there)."""
    existing = _existing(dynamodb, products_table, books)
    created = 0
    for number, book in enumerate(books, start=1):
        if book.book_id not in existing:
            items = [book_item(book)]
            items += [posting(book, t, w) for t, w in index_terms(book.title, book.author, book.genre).items()]
            _write(dynamodb, products_table, items)
            created += 1
        progress(number, len(books))
    ranked = sorted(books, key=lambda b: (-b.stock, b.title))
    lists: dict[str, list[str]] = {"ALL": [b.book_id for b in ranked[:BESTSELLERS]]}
    for genre in GENRES:
        lists[f"GENRE#{genre}"] = [b.book_id for b in ranked if b.genre == genre][:BESTSELLERS]
    for sort_key, book_ids in lists.items():
        # Computed (or seeded) already: keep it.
        with contextlib.suppress(dynamodb.exceptions.ConditionalCheckFailedException):
            dynamodb.put_item(
                TableName=recommendations_table,
                Item=to_item({"pk": "BESTSELLERS", "sk": sort_key, "book_ids": book_ids, "source": "seed"}),
                ConditionExpression="attribute_not_exists(pk)",
            )
    return created, len(books) - created


def _bar(done: int, total: int) -> None:
    if not sys.stderr.isatty():  # a log, not a terminal: a line every 50 books
        if done % 50 == 0 or done == total:
            print(f"  {done}/{total} books", file=sys.stderr, flush=True)
        return
    width = 30
    filled = width * done // total
    print(f"\r  [{'#' * filled}{'.' * (width - filled)}] {done}/{total} books", end="", file=sys.stderr, flush=True)
    if done == total:
        print(file=sys.stderr)


def _tables_from_stage(stage: str, region: str | None) -> tuple[Any, str, str]:
    import boto3

    session = boto3.session.Session(region_name=region)
    stack = f"Bookstore-{stage}-Data"
    described = session.client("cloudformation").describe_stacks(StackName=stack)
    outputs = {o["OutputKey"]: o["OutputValue"] for o in described["Stacks"][0].get("Outputs", [])}
    try:
        return session.client("dynamodb"), outputs["ProductsTableName"], outputs["RecommendationsTableName"]
    except KeyError as err:
        raise SeedError(f"stack {stack} has no output {err}; deploy the current version first") from err


def _tables_at_endpoint(endpoint: str) -> tuple[Any, str, str]:
    import boto3

    dynamodb = boto3.client(
        "dynamodb",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",  # noqa: S106 (a local endpoint accepts any)
    )
    names = dynamodb.list_tables()["TableNames"]

    def find(logical: str) -> str:
        matches = [n for n in names if n == logical or n.endswith(logical)]
        if len(matches) != 1:
            raise SeedError(f"expected one {logical} at {endpoint}, found {matches or 'none'}")
        return str(matches[0])

    return dynamodb, find("ProductsTable"), find("RecommendationsTable")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local.seed", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--stage", help="a deployed stage (table names from the Bookstore-<stage>-Data outputs)")
    target.add_argument("--endpoint", help="a local AWS endpoint, e.g. the moto server of `python -m local.lex`")
    parser.add_argument("--region", help="AWS region of --stage")
    parser.add_argument("--catalog", type=Path, default=CATALOG, help="CSV to load (default data/books.csv)")
    args = parser.parse_args(argv)
    try:
        books = load_catalog(args.catalog)
        dynamodb, products, recommendations = (
            _tables_from_stage(args.stage, args.region) if args.stage else _tables_at_endpoint(args.endpoint)
        )
        print(f"Seeding {len(books)} books into {products}", file=sys.stderr)
        created, kept = seed_catalog(dynamodb, products, recommendations, books, _bar)
    except SeedError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    except Exception as err:
        from local.chat import friendly_error

        print(f"error: {friendly_error(err)}", file=sys.stderr)
        return 1
    print(f"{created} books created, {kept} already there (left unchanged)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
