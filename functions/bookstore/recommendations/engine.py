"""The write side of recommendations: learn from order events, then refresh the derived lists.

Per order event (exactly once): read the customer's history and the order's applied record, compute the
event's effect (learning.apply_event) and write it in one transaction conditional on both being
unchanged; a concurrent change retries from the read. Replays and duplicates read an applied record and change
nothing.

Per batch (idempotent, may repeat): recompute the top-N similar list of every book whose counts the batch
touched, and merge new sales into the bestseller lists (optimistic, versioned writes).
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from bookstore.errors import Conflict, ValidationError
from bookstore.observability import logger, metrics
from bookstore.recommendations.codecs import BookRow
from bookstore.recommendations.learning import OrderEvent, apply_event
from bookstore.recommendations.model import Line, Purchase, SimilarEntry, merge_ranking, top_similar
from bookstore.recommendations.store import RecommendationRepository
from bookstore.recommendations.stream import order_change
from bookstore.repositories.products import ProductRepository

COMMIT_ATTEMPTS = 6


@dataclass
class Batch:
    """What one invocation learned, so the derived lists are refreshed once per batch."""

    engine: RecommendationEngine
    books: set[str] = field(default_factory=set)
    customers_changed: set[str] = field(default_factory=set)
    sold: set[str] = field(default_factory=set)
    applied: int = 0
    skipped: int = 0
    learned: int = 0  # orders counted in this batch
    unlearned: int = 0  # orders taken out (cancelled, deleted)
    _meta: dict[str, tuple[str, str | None]] = field(default_factory=dict)

    def prefetch(self, records: Iterable[DynamoDBRecord]) -> None:
        """Genres of every book in the batch, in one read (records that do not parse are left to fail later)."""
        wanted: set[str] = set()
        for record in records:
            try:
                found = order_change(record)
            except ValidationError:
                continue
            if found:
                wanted |= {line.book_id for line in found[1].lines}
        self._lookup(wanted)

    def _lookup(self, book_ids: set[str]) -> None:
        missing = book_ids - set(self._meta)
        if missing:
            books = self.engine.products.get_many(sorted(missing))
            for book_id in missing:
                book = books.get(book_id)
                self._meta[book_id] = (book.title, book.genre) if book else ("", None)

    def record(self, record: DynamoDBRecord) -> None:
        """Learn from one stream record (the BatchProcessor's record handler: raising fails this record only)."""
        found = order_change(record)
        if found is None:
            self.skipped += 1
            return
        action, order = found
        self._lookup({line.book_id for line in order.lines})
        purchase = Purchase(
            order.order_id,
            order.created_at,
            tuple(
                Line(x.book_id, x.title or self._meta[x.book_id][0], self._meta[x.book_id][1], x.quantity)
                for x in order.lines
            ),
        )
        event = OrderEvent("add" if action == "add" else "remove", order.username, purchase)
        touched, counted, changed = self.engine.learn(event, self._meta)
        self.books |= touched
        self.customers_changed |= counted
        self.sold |= {line.book_id for line in order.lines}
        self.applied += int(changed)
        self.skipped += int(not changed)
        if changed and action == "add":
            self.learned += 1
        elif changed:
            self.unlearned += 1

    def refresh(self) -> None:
        if self.books:
            self.engine.refresh(self.books, self.customers_changed, self.sold)

    def record_metrics(self) -> None:
        """Once per batch: what the model learned."""
        if self.learned:
            metrics.add_metric(name="OrdersLearned", unit=MetricUnit.Count, value=self.learned)
        if self.unlearned:
            metrics.add_metric(name="OrdersUnlearned", unit=MetricUnit.Count, value=self.unlearned)


@dataclass
class RecommendationEngine:
    recommendations: RecommendationRepository
    products: ProductRepository
    sleep: Any = time.sleep

    def batch(self) -> Batch:
        return Batch(self)

    def learn(self, event: OrderEvent, meta: Mapping[str, tuple[str, str | None]]) -> tuple[set[str], set[str], bool]:
        """Apply one event exactly once. Returns the books whose rows may have changed and those whose customer
        count may have changed (for a replay too, so a batch that failed after writing its counts still
        refreshes their lists), and whether anything changed now."""
        order_id = event.purchase.order_id
        for attempt in range(COMMIT_ATTEMPTS):
            history, applied = self.recommendations.load(event.username, order_id)
            outcome = apply_event(history, applied, event)
            touched = set(history.window()) | {line.book_id for line in event.purchase.lines}
            if not outcome.changed:
                logger.debug("Order event already applied", extra={"order_id": order_id, "action": event.action})
                return touched, touched, False
            try:
                codes = self.recommendations.commit(event.username, order_id, history, applied, outcome, meta)
            except Conflict:
                codes = ["TransactionConflict"]
            if codes is None:
                return touched | outcome.counts.books() | set(outcome.history.window()), set(outcome.counts.n), True
            self.sleep(min(0.05 * 2**attempt, 1.0) * random.random())  # noqa: S311 (jitter, not security)
        raise Conflict(f"Order {order_id}: the customer's history kept changing; the record will be retried.")

    def refresh(self, books: set[str], customers_changed: set[str], sold: set[str]) -> None:
        """Recompute the similar lists of the books whose rows changed, and re-rank those of their partners when a
        partner's customer count changed (the count is in the denominator of every similarity with it)."""
        rows = self.recommendations.rows(books)
        neighbours = {other for b in customers_changed & set(rows) for other in rows[b].co} - set(rows)
        rows.update(self.recommendations.rows(neighbours))
        partners = {other for row in rows.values() for other in row.co} - set(rows)
        known = {**self.recommendations.rows(partners, full=False), **rows}
        n = {book: row.n for book, row in known.items()}
        stored = self.recommendations.similar_lists(rows)
        for book, row in rows.items():
            entries = [
                SimilarEntry(other, score, known[other].genre) for other, score in top_similar(book, row.n, row.co, n)
            ]
            current = stored.get(book, ([], -1))[0]
            # A book whose own counts changed gets fresh scores; a neighbour only when its ranking changed.
            if current != entries if book in books else [e.book_id for e in current] != [e.book_id for e in entries]:
                self.recommendations.put_similar(book, entries, row.version)
        self._merge_bestsellers({b: rows[b] for b in sold if b in rows})

    def _merge_bestsellers(self, sold: Mapping[str, BookRow]) -> None:
        by_list: dict[str | None, dict[str, float]] = {None: {}}
        for book, row in sold.items():
            by_list[None][book] = float(row.sales)
            if row.genre:
                by_list.setdefault(row.genre, {})[book] = float(row.sales)
        pending = dict(by_list)
        for attempt in range(COMMIT_ATTEMPTS):
            current = self.recommendations.ranked_lists(pending)
            for genre, updates in list(pending.items()):
                ranked = merge_ranking(current[genre].entries, updates)
                if ranked == current[genre].entries or self.recommendations.put_ranked(
                    genre, ranked, current[genre].version
                ):
                    del pending[genre]
            if not pending:
                return
            self.sleep(min(0.05 * 2**attempt, 1.0) * random.random())  # noqa: S311 (jitter, not security)
        raise Conflict("Bestseller lists kept changing; the batch will be retried.")
