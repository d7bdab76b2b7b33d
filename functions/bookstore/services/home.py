"""The home page's rows: the staff's featured books, the bestsellers (only books that really sold; until
something has, the store's picks instead, titled as such), and the new arrivals.

DynamoDB calls: one BatchGetItem of the overall bestseller list (recommendations table), a second read of the
store's picks only when nothing has sold, one Query of the arrivals, one BatchGetItem of every row's books
(at most 3 * 2 * ROW_SIZE ids, one request): 3 or 4, whatever the catalog size.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from bookstore.catalog import FEATURED_BOOK_IDS, Book
from bookstore.ports import ProductStore

ROW_SIZE = 8
# Ids read per row: room for books that no longer exist or are sold out (shown last).
ROW_CANDIDATES = 2 * ROW_SIZE


class RankedBooks(Protocol):
    @property
    def entries(self) -> Sequence[tuple[str, float]]:
        """(book id, sales score), best first."""
        ...


class SalesLists(Protocol):
    """What the home page reads of the recommendations engine (bookstore.recommendations.store)."""

    def ranked_lists(self, genres: Iterable[str | None]) -> Mapping[str | None, RankedBooks]:
        """The bestseller lists learned from orders (None: the overall one), without the store's picks."""
        ...

    def bestsellers(self, genre: str | None = None) -> list[str]:
        """The bestseller list followed by the store's picks (the featured lists `make seed` writes)."""
        ...


@dataclass(frozen=True)
class HomeRow:
    id: str
    title: str
    books: list[Book]


@dataclass
class HomeService:
    products: ProductStore
    sales: SalesLists
    featured: tuple[str, ...] = FEATURED_BOOK_IDS

    def rows(self) -> list[HomeRow]:
        """Featured, then bestsellers (or staff picks), then new arrivals; empty rows left out."""
        featured = list(dict.fromkeys(self.featured))[:ROW_CANDIDATES]
        overall = self.sales.ranked_lists([None]).get(None)
        ranked = dict(overall.entries if overall else ())
        sold = [book_id for book_id, score in ranked.items() if score > 0]  # a cancelled sale leaves 0
        if sold:
            second = ("bestsellers", "Bestsellers", sold[:ROW_CANDIDATES])
        else:  # nothing sold yet: the store's own picks, never called bestsellers
            picks = [b for b in self.sales.bestsellers() if b not in featured and b not in ranked]
            second = ("staff-picks", "Staff picks", picks[:ROW_CANDIDATES])
        arrivals = self.products.arrivals(ROW_CANDIDATES)
        wanted = [("featured", "Featured", featured), second, ("new-arrivals", "New arrivals", arrivals)]
        books = self.products.get_many([b for _, _, ids in wanted for b in ids])
        rows = [HomeRow(row_id, title, _shown(ids, books)) for row_id, title, ids in wanted]
        return [row for row in rows if row.books]


def _shown(book_ids: Sequence[str], books: Mapping[str, Book]) -> list[Book]:
    """The row's books that exist, in the row's order with the available ones first, ROW_SIZE at most."""
    found = [books[b] for b in book_ids if b in books]
    return sorted(found, key=lambda book: book.stock == 0)[:ROW_SIZE]
