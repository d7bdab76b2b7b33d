"""Item-to-item collaborative filtering over co-purchases (Linden, Smith and York, 2003), as pure functions.

The worker (functions/recommendations), the rebuild command (local.recommendations) and the benchmark all use
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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from itertools import combinations
from typing import Literal

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


# ---- events ---------------------------------------------------------------------------------------------

Action = Literal["add", "remove"]
AppliedState = Literal["added", "removed"]


@dataclass(frozen=True)
class OrderEvent:
    action: Action
    username: str
    purchase: Purchase


@dataclass(frozen=True)
class Applied:
    """What the model did with an order: counted ("added", with the sales it added) or not/no longer."""

    state: AppliedState
    sales: dict[str, Decimal]


@dataclass
class Outcome:
    history: History
    applied: Applied
    counts: CountDelta
    sales: dict[str, Decimal]
    changed: bool


def apply_event(history: History, applied: Applied | None, event: OrderEvent, *, counts: bool = True) -> Outcome:
    """The effect of one order event given what was applied before; replays and duplicates change nothing.

    add: counted once. remove: subtracts exactly what the add added; a remove that arrives first (the add
    failed or is late) marks the order removed, so a late add is ignored. Without `counts`, the count deltas
    are left empty (a rebuild sums the final histories instead).
    """
    delta = contribution_delta if counts else _no_delta
    if event.action == "add":
        if applied is not None:
            return Outcome(history, applied, CountDelta(), {}, changed=False)
        after = history.with_order(event.purchase)
        sales = order_sales(event.purchase)
        return Outcome(after, Applied("added", sales), delta(history, after), sales, changed=True)
    if applied is not None and applied.state == "removed":
        return Outcome(history, applied, CountDelta(), {}, changed=False)
    if applied is None:
        return Outcome(history, Applied("removed", {}), CountDelta(), {}, changed=True)
    after = history.without_order(event.purchase.order_id)
    negated = {book: -weight for book, weight in applied.sales.items()}
    return Outcome(after, Applied("removed", {}), delta(history, after), negated, changed=True)


def _no_delta(before: History, after: History) -> CountDelta:
    return CountDelta()


# ---- the full model, for rebuilds and benchmarks --------------------------------------------------------


@dataclass
class BookStats:
    n: int = 0
    sales: Decimal = Decimal(0)
    co: dict[str, int] = field(default_factory=dict)
    genre: str | None = None
    title: str = ""


@dataclass
class FullModel:
    """Every count, computed at once from the final histories (what the deltas add up to)."""

    histories: dict[str, History]
    applied: dict[str, Applied]
    books: dict[str, BookStats]

    def similar(self, book_id: str, limit: int = TOP_N) -> list[tuple[str, float]]:
        stats = self.books.get(book_id)
        if stats is None:
            return []
        n = {b: s.n for b, s in self.books.items()}
        return top_similar(book_id, stats.n, stats.co, n, limit)

    def bestsellers(self, genre: str | None = None) -> list[tuple[str, float]]:
        return merge_ranking([], {b: float(s.sales) for b, s in self.books.items() if genre in (None, s.genre)})


def replay(events: Iterable[tuple[str, OrderEvent]]) -> FullModel:
    """Apply events (sorted by their key, e.g. time) through apply_event, then sum the final histories."""
    histories: dict[str, History] = {}
    applied: dict[str, Applied] = {}
    books: dict[str, BookStats] = {}
    for _, event in sorted(events, key=lambda item: item[0]):
        order_id = event.purchase.order_id
        outcome = apply_event(histories.get(event.username, History()), applied.get(order_id), event, counts=False)
        if not outcome.changed:
            continue
        histories[event.username] = outcome.history
        applied[order_id] = outcome.applied
        for line in event.purchase.lines:
            stats = books.setdefault(line.book_id, BookStats())
            stats.genre, stats.title = line.genre or stats.genre, line.title or stats.title
        for book, weight in outcome.sales.items():
            books[book].sales += weight
    for history in histories.values():
        window = history.window()
        for book in window:
            books.setdefault(book, BookStats()).n += 1
        for a, b in window_pairs(window):
            books[a].co[b] = books[a].co.get(b, 0) + 1
            books[b].co[a] = books[b].co.get(a, 0) + 1
    return FullModel(histories, applied, books)


# ---- the read path's ranking ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SimilarEntry:
    book_id: str
    score: float
    genre: str | None


@dataclass(frozen=True)
class Pick:
    book_id: str
    reason: str


def rank_for_customer(
    history: History | None,
    similar: Mapping[str, Sequence[SimilarEntry]],
    genre_lists: Mapping[str, Sequence[str]],
    overall: Sequence[str],
    *,
    genre: str | None = None,
    limit: int = 10,
    recent_purchases: int = RECENT_PURCHASES,
) -> list[Pick]:
    """Merge the similar lists of the recent purchases, drop what was bought, backfill with bestsellers of the
    favourite genres (or of the asked genre), then overall bestsellers (unless a genre was asked)."""
    history = history or History()
    bought = history.bought()
    recent = history.recent(recent_purchases)
    scores: dict[str, float] = {}
    because: dict[str, tuple[float, str]] = {}
    for line in recent:
        for entry in similar.get(line.book_id, ()):
            if entry.book_id in bought or (genre is not None and entry.genre != genre):
                continue
            scores[entry.book_id] = scores.get(entry.book_id, 0.0) + entry.score
            if entry.score > because.get(entry.book_id, (0.0, ""))[0]:
                because[entry.book_id] = (entry.score, line.title)
    ranked = sorted(scores, key=lambda b: (-scores[b], b))
    picks: dict[str, str] = {b: f"because you bought {because[b][1]}" for b in ranked}
    genres = [genre] if genre else history.favourite_genres()
    for name in genres:
        reason = f"a bestseller in {name}" + ("" if genre else ", a genre you like")
        for book_id in genre_lists.get(name, ()):
            if book_id not in bought:
                picks.setdefault(book_id, reason)
    if genre is None:
        for book_id in overall:
            if book_id not in bought:
                picks.setdefault(book_id, "a bestseller")
    return [Pick(b, r) for b, r in list(picks.items())[: limit * 2]]  # room for books that are sold out


def rank_similar(
    book_id: str, title: str, similar: Sequence[SimilarEntry], genre_list: Sequence[str], genre: str, *, limit: int = 10
) -> list[Pick]:
    """Books bought with `book_id`, then bestsellers of its genre."""
    picks: dict[str, str] = {}
    for entry in similar:
        if entry.book_id != book_id:
            picks.setdefault(entry.book_id, f"often bought with {title}")
    for other in genre_list:
        if other != book_id:
            picks.setdefault(other, f"a bestseller in {genre}")
    return [Pick(b, r) for b, r in list(picks.items())[: limit * 2]]
