"""Item-to-item collaborative filtering over co-purchases (Linden, Smith and York, 2003), as pure functions.

The worker (functions/recommendations, through engine.py), the rebuild (rebuild.py) and the benchmark all use
these functions, so an incrementally maintained model and a rebuilt one agree. Definitions:

- A customer's *history*: their active (not cancelled) orders, the newest HISTORY_ORDERS of them.
- Their *window*: the WINDOW_BOOKS most recently bought distinct books of the history (a book's time is its
  latest order). Only the window counts, so one heavy buyer weighs like any other customer.
- n(a): customers with `a` in their window. co(a, b): customers with both in their window, bought at most
  WINDOW_DAYS apart. Each customer counts once per book and per pair (a customer vector is binary).
- Similarity: cosine with significance shrinkage, sim(a, b) = co / sqrt(n(a) n(b)) * co / (co + SHRINKAGE).
  Cosine corrects for popularity (a bestseller is not "similar" to everything); the shrinkage keeps one
  chance co-purchase of two rare books from scoring like a strong pattern.
- Sales (bestsellers): quantity with exponential time decay, half-life HALF_LIFE_DAYS, as *forward decay*:
  each sale weighs 2^((t - EPOCH) / half-life), which ranks books exactly like decaying every score to now,
  while only ever adding (a cancellation subtracts the very weight its order added).

Counts change by deltas: the contribution of a customer's history after an event minus before it. Any order of
events that ends in the same history gives the same counts, and a rebuild is the sum of the final histories.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from itertools import combinations

WINDOW_BOOKS = 20
WINDOW_DAYS = 180
HISTORY_ORDERS = 50
TOP_N = 30
SHRINKAGE = 2.0
HALF_LIFE_DAYS = 30.0
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
BESTSELLER_LIST_SIZE = 100  # kept per list; the shop shows at most 50
RECENT_PURCHASES = 10  # whose similar lists a customer's recommendations merge
FAVOURITE_GENRES = 2


def parse_time(at: str) -> datetime:
    moment = datetime.fromisoformat(at.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Line:
    book_id: str
    title: str
    genre: str | None
    quantity: int


@dataclass(frozen=True)
class Purchase:
    """One active order as the model sees it."""

    order_id: str
    at: str
    lines: tuple[Line, ...]


@dataclass
class History:
    """A customer's active orders (newest HISTORY_ORDERS), keyed by order id."""

    orders: dict[str, Purchase] = field(default_factory=dict)
    version: int = 0

    def with_order(self, purchase: Purchase) -> History:
        orders = {**self.orders, purchase.order_id: purchase}
        newest = sorted(orders.values(), key=lambda p: (p.at, p.order_id), reverse=True)[:HISTORY_ORDERS]
        return History({p.order_id: p for p in newest}, self.version)

    def without_order(self, order_id: str) -> History:
        return History({k: v for k, v in self.orders.items() if k != order_id}, self.version)

    def book_times(self) -> dict[str, str]:
        """Each bought book with the time of its latest order."""
        times: dict[str, str] = {}
        for purchase in self.orders.values():
            for line in purchase.lines:
                if purchase.at > times.get(line.book_id, ""):
                    times[line.book_id] = purchase.at
        return times

    def window(self) -> dict[str, str]:
        ranked = sorted(self.book_times().items(), key=lambda kv: (kv[1], kv[0]), reverse=True)
        return dict(ranked[:WINDOW_BOOKS])

    def recent(self, count: int = RECENT_PURCHASES) -> list[Line]:
        """The most recently bought distinct books, newest first."""
        seen: dict[str, Line] = {}
        for purchase in sorted(self.orders.values(), key=lambda p: (p.at, p.order_id), reverse=True):
            for line in purchase.lines:
                seen.setdefault(line.book_id, line)
        return list(seen.values())[:count]

    def bought(self) -> set[str]:
        return {line.book_id for p in self.orders.values() for line in p.lines}

    def favourite_genres(self, count: int = FAVOURITE_GENRES) -> list[str]:
        """Genres by distinct books bought, most first (ties: alphabetical)."""
        per_genre: dict[str, set[str]] = {}
        for purchase in self.orders.values():
            for line in purchase.lines:
                if line.genre:
                    per_genre.setdefault(line.genre, set()).add(line.book_id)
        ranked = sorted(per_genre.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        return [genre for genre, _ in ranked[:count]]


def window_pairs(window: Mapping[str, str]) -> set[tuple[str, str]]:
    """Pairs (a < b) of window books bought at most WINDOW_DAYS apart."""
    times = {book: parse_time(at) for book, at in window.items()}
    limit = WINDOW_DAYS * 86400
    return {(a, b) for a, b in combinations(sorted(times), 2) if abs((times[a] - times[b]).total_seconds()) <= limit}


@dataclass
class CountDelta:
    """Changes to n and co (co in both directions); zero entries are left out."""

    n: dict[str, int] = field(default_factory=dict)
    co: dict[str, dict[str, int]] = field(default_factory=dict)

    def books(self) -> set[str]:
        return set(self.n) | set(self.co)

    def add_pair(self, a: str, b: str, value: int) -> None:
        for x, y in ((a, b), (b, a)):
            row = self.co.setdefault(x, {})
            row[y] = row.get(y, 0) + value
            if row[y] == 0:
                del row[y]
                if not row:
                    del self.co[x]


def contribution_delta(before: History, after: History) -> CountDelta:
    old_window, new_window = before.window(), after.window()
    delta = CountDelta()
    for book in set(old_window) ^ set(new_window):
        delta.n[book] = 1 if book in new_window else -1
    old_pairs, new_pairs = window_pairs(old_window), window_pairs(new_window)
    for a, b in new_pairs - old_pairs:
        delta.add_pair(a, b, 1)
    for a, b in old_pairs - new_pairs:
        delta.add_pair(a, b, -1)
    return delta


def sales_weight(at: str, quantity: int) -> Decimal:
    """Forward-decayed weight of selling `quantity` copies at `at` (12 significant digits, exact to subtract)."""
    days = (parse_time(at) - EPOCH).total_seconds() / 86400
    return Decimal(format(quantity * 2 ** (days / HALF_LIFE_DAYS), ".12g"))


def order_sales(purchase: Purchase) -> dict[str, Decimal]:
    weights: dict[str, Decimal] = {}
    for line in purchase.lines:
        weights[line.book_id] = weights.get(line.book_id, Decimal(0)) + sales_weight(purchase.at, line.quantity)
    return weights


def similarity(co: int, n_a: int, n_b: int, shrinkage: float = SHRINKAGE) -> float:
    """Shrunk cosine of two books' binary customer vectors; 0 when they share no customer."""
    if co <= 0 or n_a <= 0 or n_b <= 0:
        return 0.0
    return co / math.sqrt(n_a * n_b) * co / (co + shrinkage)


@dataclass(frozen=True)
class SimilarEntry:
    """One book of another book's stored similar list, with its genre (so the read path can filter by genre)."""

    book_id: str
    score: float
    genre: str | None


def top_similar(
    book_id: str, n_a: int, row: Mapping[str, int], n: Mapping[str, int], limit: int = TOP_N
) -> list[tuple[str, float]]:
    """The `limit` books most similar to `book_id`, best first (ties by id), from its co-count row."""
    scored = [
        (other, round(similarity(co, n_a, n.get(other, 0)), 6))
        for other, co in row.items()
        if other != book_id and co > 0 and n.get(other, 0) > 0
    ]
    scored = [(other, score) for other, score in scored if score > 0]
    scored.sort(key=lambda item: (-item[1], item[0]))
    return scored[:limit]


def merge_ranking(
    current: Sequence[tuple[str, float]], updates: Mapping[str, float], size: int = BESTSELLER_LIST_SIZE
) -> list[tuple[str, float]]:
    """A bounded top list with some books' scores replaced, best first (ties by id); a book whose score fell
    to zero (its sales were cancelled) leaves the list."""
    scores = dict(current)
    scores.update(updates)
    ranked = sorted(((b, s) for b, s in scores.items() if s > 0), key=lambda item: (-item[1], item[0]))
    return ranked[:size]
