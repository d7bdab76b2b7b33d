"""The recommendation maths on small cases checked by hand."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from bookstore.recommendations.learning import Applied, OrderEvent, apply_event, replay
from bookstore.recommendations.model import (
    HISTORY_ORDERS,
    WINDOW_BOOKS,
    CountDelta,
    History,
    Line,
    Purchase,
    SimilarEntry,
    contribution_delta,
    merge_ranking,
    sales_weight,
    similarity,
    top_similar,
    window_pairs,
)
from bookstore.recommendations.reading import rank_for_customer, rank_similar


def purchase(order_id: str, at: str, *books: str, quantity: int = 1) -> Purchase:
    return Purchase(order_id, at, tuple(Line(b, b.title(), "mystery", quantity) for b in books))


def history(*purchases: Purchase) -> History:
    result = History()
    for p in purchases:
        result = result.with_order(p)
    return result


# ---- similarity -----------------------------------------------------------------------------------------


def test_similarity_is_shrunk_cosine() -> None:
    # 2 customers bought both; 4 bought a, 1 bought b: cosine 2/sqrt(4*1) = 1, shrinkage 2/(2+2) = 0.5.
    assert similarity(2, 4, 1) == pytest.approx(0.5)
    # 3 of 9 and 3 of 4: 3/sqrt(36) = 0.5, times 3/5.
    assert similarity(3, 9, 4) == pytest.approx(0.3)
    assert similarity(0, 5, 5) == 0.0
    assert similarity(1, 0, 5) == 0.0


def test_shrinkage_ranks_a_pattern_above_a_single_coincidence() -> None:
    # Two rare books bought together once: cosine 1, shrunk to 1/3. Ten of twenty customers: 0.5 * 10/12.
    assert similarity(1, 1, 1) == pytest.approx(1 / 3)
    assert similarity(10, 20, 20) == pytest.approx(0.5 * 10 / 12)


def test_top_similar_orders_by_score_then_id_and_skips_itself_and_zero_counts() -> None:
    n = {"a": 4, "b": 1, "c": 1, "d": 9, "e": 3}
    row = {"a": 4, "b": 1, "c": 1, "d": 3, "e": 0}
    top = top_similar("a", 4, row, n, limit=3)
    # b and c: 1/sqrt(4) * 1/3 = 0.1667; d: 3/sqrt(36) * 3/5 = 0.3.
    assert top == [("d", 0.3), ("b", round(1 / 6, 6)), ("c", round(1 / 6, 6))]
    assert top_similar("a", 4, row, n, limit=1) == [("d", 0.3)]


# ---- windows and deltas ---------------------------------------------------------------------------------


def test_window_pairs_only_books_bought_within_180_days_of_each_other() -> None:
    window = {"a": "2026-01-01T00:00:00Z", "b": "2026-06-29T00:00:00Z", "c": "2026-07-01T00:00:00Z"}
    # a-b: 179 days, a-c: 181 days, b-c: 2 days.
    assert window_pairs(window) == {("a", "b"), ("b", "c")}


def test_window_is_the_most_recent_distinct_books_and_a_rebought_book_takes_its_latest_time() -> None:
    orders = [purchase(f"o{i:03}", f"2026-01-01T00:{i:02}:00Z", f"book-{i}") for i in range(WINDOW_BOOKS + 5)]
    orders.append(purchase("o999", "2026-01-01T01:00:00Z", "book-0"))
    window = history(*orders).window()
    assert len(window) == WINDOW_BOOKS
    assert window["book-0"] == "2026-01-01T01:00:00Z"
    assert "book-1" not in window
    assert f"book-{WINDOW_BOOKS + 4}" in window


def test_history_keeps_the_newest_orders_only() -> None:
    orders = [purchase(f"o{i:03}", f"2026-02-01T00:{i % 60:02}:{i // 60:02}Z", "x") for i in range(HISTORY_ORDERS + 3)]
    kept = history(*orders)
    assert len(kept.orders) == HISTORY_ORDERS


def test_adding_an_order_pairs_its_books_with_the_window_and_with_each_other() -> None:
    before = history(purchase("o1", "2026-03-01T00:00:00Z", "a", "b"))
    after = before.with_order(purchase("o2", "2026-03-05T00:00:00Z", "c", "d"))
    delta = contribution_delta(before, after)
    assert delta.n == {"c": 1, "d": 1}
    assert delta.co == {
        "a": {"c": 1, "d": 1},
        "b": {"c": 1, "d": 1},
        "c": {"a": 1, "b": 1, "d": 1},
        "d": {"a": 1, "b": 1, "c": 1},
    }


def test_a_book_already_bought_adds_no_customer_count() -> None:
    before = history(purchase("o1", "2026-03-01T00:00:00Z", "a", "b"))
    after = before.with_order(purchase("o2", "2026-03-02T00:00:00Z", "a"))
    assert contribution_delta(before, after) == CountDelta()


def test_removing_an_order_subtracts_its_books_and_pairs() -> None:
    before = history(purchase("o1", "2026-03-01T00:00:00Z", "a", "b"), purchase("o2", "2026-03-05T00:00:00Z", "c"))
    delta = contribution_delta(before, before.without_order("o1"))
    assert delta.n == {"a": -1, "b": -1}
    assert delta.co == {"a": {"b": -1, "c": -1}, "b": {"a": -1, "c": -1}, "c": {"a": -1, "b": -1}}


def test_deltas_of_any_event_sequence_add_up_to_the_final_histories() -> None:
    rng = random.Random(7)  # noqa: S311 (reproducible test data)
    books = [f"b{i}" for i in range(12)]
    events: list[tuple[str, OrderEvent]] = []
    placed: list[OrderEvent] = []
    for i in range(120):
        user = f"u{rng.randrange(6)}"
        at = f"2026-{1 + i // 30:02}-{1 + i % 28:02}T00:00:00Z"
        event = OrderEvent("add", user, purchase(f"o{i:04}", at, *rng.sample(books, rng.randint(1, 3))))
        events.append((f"{at}#{i:04}#a", event))
        placed.append(event)
        if rng.random() < 0.25:
            gone = rng.choice(placed)
            events.append((f"{at}#{i:04}#r", OrderEvent("remove", gone.username, gone.purchase)))
    events += events[:10]  # duplicates change nothing

    n: dict[str, int] = {}
    co: dict[tuple[str, str], int] = {}
    histories: dict[str, History] = {}
    applied: dict[str, Applied] = {}
    for _, event in sorted(events, key=lambda e: e[0]):
        outcome = apply_event(histories.get(event.username, History()), applied.get(event.purchase.order_id), event)
        histories[event.username] = outcome.history
        applied[event.purchase.order_id] = outcome.applied
        for book, change in outcome.counts.n.items():
            n[book] = n.get(book, 0) + change
        for a, row in outcome.counts.co.items():
            for b, change in row.items():
                co[(a, b)] = co.get((a, b), 0) + change

    model = replay(events)
    assert {b: s.n for b, s in model.books.items() if s.n} == {b: c for b, c in n.items() if c}
    assert {(a, b): c for a, s in model.books.items() for b, c in s.co.items()} == {k: c for k, c in co.items() if c}
    assert all(value >= 0 for value in n.values())
    assert all(value >= 0 for value in co.values())


# ---- events: exactly once -------------------------------------------------------------------------------


def test_an_add_is_applied_once_and_a_replay_changes_nothing() -> None:
    event = OrderEvent("add", "ann", purchase("o1", "2026-01-31T00:00:00Z", "a", "b", quantity=2))
    first = apply_event(History(), None, event)
    assert first.changed
    assert first.applied.state == "added"
    assert first.sales == {"a": Decimal("4"), "b": Decimal("4")}  # 2 copies, one half-life after the epoch
    again = apply_event(first.history, first.applied, event)
    assert not again.changed
    assert again.counts == CountDelta()
    assert again.sales == {}


def test_a_remove_subtracts_exactly_what_its_add_added() -> None:
    add = OrderEvent("add", "ann", purchase("o1", "2026-01-31T00:00:00Z", "a", "b"))
    added = apply_event(History(), None, add)
    removed = apply_event(added.history, added.applied, OrderEvent("remove", "ann", add.purchase))
    assert removed.changed
    assert removed.applied.state == "removed"
    assert removed.sales == {"a": Decimal(-2), "b": Decimal(-2)}
    assert removed.counts.n == {"a": -1, "b": -1}
    assert removed.history.orders == {}
    twice = apply_event(removed.history, removed.applied, OrderEvent("remove", "ann", add.purchase))
    assert not twice.changed


def test_a_remove_that_arrives_first_blocks_the_late_add() -> None:
    event = purchase("o1", "2026-01-01T00:00:00Z", "a")
    early = apply_event(History(), None, OrderEvent("remove", "ann", event))
    assert early.changed
    assert early.applied == Applied("removed", {})
    assert early.counts == CountDelta()
    late = apply_event(early.history, early.applied, OrderEvent("add", "ann", event))
    assert not late.changed
    assert late.history.orders == {}


def test_sales_weights_double_every_half_life() -> None:
    assert sales_weight("2026-01-01T00:00:00Z", 1) == Decimal(1)
    assert sales_weight("2026-01-31T00:00:00Z", 1) == Decimal(2)
    assert sales_weight("2026-03-02T00:00:00Z", 3) == Decimal(12)
    assert sales_weight("2025-12-02T00:00:00Z", 1) == Decimal("0.5")


def test_merge_ranking_updates_scores_and_drops_books_with_nothing_sold() -> None:
    current = [("a", 5.0), ("b", 3.0), ("c", 1.0)]
    assert merge_ranking(current, {"d": 4.0, "b": 0.0}) == [("a", 5.0), ("d", 4.0), ("c", 1.0)]
    assert merge_ranking(current, {"c": 3.0}) == [("a", 5.0), ("b", 3.0), ("c", 3.0)]  # ties by id
    assert merge_ranking(current, {}, size=1) == [("a", 5.0)]


# ---- the read path's ranking ----------------------------------------------------------------------------


def _entries(*pairs: tuple[str, float], genre: str = "mystery") -> list[SimilarEntry]:
    return [SimilarEntry(b, s, genre) for b, s in pairs]


def test_customer_ranking_merges_similar_lists_drops_bought_and_backfills() -> None:
    mine = history(purchase("o1", "2026-01-01T00:00:00Z", "a"), purchase("o2", "2026-02-01T00:00:00Z", "b"))
    similar = {"a": _entries(("x", 0.5), ("b", 0.9), ("y", 0.2)), "b": _entries(("y", 0.4), ("z", 0.1))}
    picks = rank_for_customer(mine, similar, {"mystery": ["a", "m1", "x"]}, ["top", "m1"], limit=10)
    assert [(p.book_id, p.reason) for p in picks] == [
        ("y", "because you bought B"),  # 0.2 + 0.4
        ("x", "because you bought A"),
        ("z", "because you bought B"),
        ("m1", "a bestseller in mystery, a genre you like"),
        ("top", "a bestseller"),
    ]


def test_customer_ranking_with_a_genre_keeps_that_genre_only() -> None:
    mine = history(purchase("o1", "2026-01-01T00:00:00Z", "a"))
    similar = {"a": [SimilarEntry("h", 0.9, "horror"), SimilarEntry("m", 0.1, "mystery")]}
    picks = rank_for_customer(mine, similar, {"mystery": ["m2"]}, ["top"], genre="mystery")
    assert [(p.book_id, p.reason) for p in picks] == [("m", "because you bought A"), ("m2", "a bestseller in mystery")]


def test_a_stranger_gets_the_bestsellers() -> None:
    picks = rank_for_customer(None, {}, {}, ["t1", "t2"], limit=1)
    assert [p.book_id for p in picks] == ["t1", "t2"]  # twice the limit: room for sold-out books
    assert {p.reason for p in picks} == {"a bestseller"}


def test_similar_ranking_then_genre_bestsellers_without_the_book_itself() -> None:
    picks = rank_similar("a", "Alpha", _entries(("b", 0.5), ("c", 0.4)), ["a", "c", "d"], "mystery")
    assert [(p.book_id, p.reason) for p in picks] == [
        ("b", "often bought with Alpha"),
        ("c", "often bought with Alpha"),
        ("d", "a bestseller in mystery"),
    ]


def test_only_books_that_have_sold_are_called_bestsellers() -> None:
    # Given an overall list whose first book has sold and whose others are the store's picks
    overall = ["sold-one", "pick-one", "pick-two"]
    # When a signed-out visitor and a book's page get their picks
    picks = rank_for_customer(None, {}, {}, overall, limit=3, sold={"sold-one"})
    similar = rank_similar("x", "X", [], overall, "mystery", sold={"sold-one"})
    # Then only the book that sold is "a bestseller"; the others say they are staff picks
    assert [(p.book_id, p.reason) for p in picks] == [
        ("sold-one", "a bestseller"),
        ("pick-one", "a staff pick"),
        ("pick-two", "a staff pick"),
    ]
    assert [p.reason for p in similar] == [
        "a bestseller in mystery",
        "a staff pick in mystery",
        "a staff pick in mystery",
    ]
