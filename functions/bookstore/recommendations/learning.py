"""What an order teaches the model: an order event's effect given what was applied for it before (exactly once,
whatever the order of delivery), and the full model those effects add up to.

The worker applies one event at a time and writes its count deltas (engine.py); a rebuild replays every event
without deltas and sums the final histories (`replay`). Both go through `apply_event`, so they agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from bookstore.recommendations.model import (
    TOP_N,
    CountDelta,
    History,
    Purchase,
    contribution_delta,
    merge_ranking,
    order_sales,
    top_similar,
    window_pairs,
)

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
