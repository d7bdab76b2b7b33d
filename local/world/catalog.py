"""The sample catalog (data/books.csv) and how it is loaded into a products table: batched (BatchGetItem to find
what exists, BatchWriteItem for the rest) and safe to re-run: a book that exists is left as it is, so a re-run
never resets stock that orders have moved. Until the recommendation engine has learned bestsellers from orders,
the store's featured lists are seeded from stock levels; existing featured lists are never overwritten."""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import local  # noqa: F401  (functions/ on sys.path)
from bookstore.catalog import GENRES, Book
from bookstore.ids import slug
from bookstore.recommendations.store import RecommendationRepository
from bookstore.repositories.dynamo import to_item
from bookstore.repositories.products import book_item, book_key, index_items
from local.world.targets import TargetError, batch_write

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "data" / "books.csv"
BESTSELLERS = 20


ARRIVALS_SPREAD = timedelta(days=90)


class SeedError(TargetError):
    pass


def _arrived(book_id: str, now: datetime) -> str:
    """When a seeded book 'arrived': a moment of the last 90 days fixed by its id, so the home page's new arrivals
    of a freshly seeded store are a mix of the catalog, in a stable order, not one timestamp ordered by id."""
    digest = int.from_bytes(hashlib.blake2b(book_id.encode(), digest_size=4).digest(), "big")
    ago = timedelta(milliseconds=digest % int(ARRIVALS_SPREAD.total_seconds() * 1000))
    return (now - ago).isoformat(timespec="milliseconds").replace("+00:00", "Z")


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


def _puts(items: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"PutRequest": {"Item": to_item(item)}} for item in items]


def seed_catalog(
    dynamodb: Any,
    products_table: str,
    recommendations_table: str,
    books: Sequence[Book],
    progress: Callable[[int, int], None] = lambda done, total: None,
) -> tuple[int, int]:
    """Returns (created, already there). Every new book's index items are written before any new book item, so a
    seed that stops half-way leaves no book without its postings: a re-run writes what is missing."""
    existing = _existing(dynamodb, products_table, books)
    now = datetime.now(UTC)
    new = [
        book.model_copy(update={"created_at": book.created_at or _arrived(book.book_id, now)})
        for book in books
        if book.book_id not in existing
    ]
    written = len(books) - len(new)
    progress(written, len(books))
    # What ProductRepository.create writes with a book, the same items: postings, the vocabulary of its words (typo
    # and prefix search) and its arrival. Books share words: one item per key (BatchWriteItem refuses duplicates).
    index = {(item["pk"], item["sk"]): item for book in new for item in index_items(book)}
    batch_write(dynamodb, products_table, _puts(list(index.values())), threads=4, again="run the seed again")

    def books_written(count: int) -> None:
        nonlocal written
        written += count
        progress(written, len(books))

    batch_write(
        dynamodb,
        products_table,
        _puts([book_item(book) for book in new]),
        threads=4,
        on_written=books_written,
        again="run the seed again",
    )
    created = len(new)
    ranked = sorted(books, key=lambda b: (-b.stock, b.title))
    lists: dict[str, list[str]] = {"ALL": [b.book_id for b in ranked[:BESTSELLERS]]}
    for genre in GENRES:
        lists[f"GENRE#{genre}"] = [b.book_id for b in ranked if b.genre == genre][:BESTSELLERS]
    featured = RecommendationRepository(recommendations_table, client=dynamodb)
    for sort_key, book_ids in lists.items():
        # The store's picks are the store's: a re-run keeps what is there.
        featured.put_featured(book_ids, sort_key.removeprefix("GENRE#") if sort_key != "ALL" else None, replace=False)
    return created, len(books) - created
