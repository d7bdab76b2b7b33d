"""The recommendations worker against moto: real orders, the orders table's real stream records, the real handler."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest

from bookstore.identity import SignedIn
from bookstore.recommendations.learning import OrderEvent, replay
from bookstore.recommendations.model import Line, Purchase
from tests.support.aws import LocalAws, services_for
from tests.support.recommendations import Shop


def test_orders_become_counts_similar_lists_and_bestsellers(shop: Shop) -> None:
    shop.order("ann", "a", "b")
    shop.order("bob", "a", "b", "c")
    shop.order("cid", "a")
    shop.learn()

    a, b, c = shop.row("a"), shop.row("b"), shop.row("c")
    assert (a.n, b.n, c.n) == (3, 2, 1)
    assert a.co == {"book-b": 2, "book-c": 1}
    assert b.co == {"book-a": 2, "book-c": 1}
    assert c.co == {"book-a": 1, "book-b": 1}
    assert (a.genre, a.title) == ("mystery", "Book A")
    # sim(a,b) = 2/sqrt(3*2) * 2/4 = 0.408; sim(a,c) = 1/sqrt(3) * 1/3 = 0.192; sim(b,c) = 1/sqrt(2) / 3 = 0.236
    assert shop.similar("a") == ["book-b", "book-c"]
    assert shop.similar("c") == ["book-b", "book-a"]
    scores = {e.book_id: e.score for e in shop.repo.similar_lists(["book-a"])["book-a"][0]}
    assert scores["book-b"] == pytest.approx(0.408248, abs=1e-6)
    assert shop.repo.bestsellers()[:3] == ["book-a", "book-b", "book-c"]
    assert shop.repo.bestsellers("horror") == ["book-c"]
    history = shop.repo.history("bob")
    assert {line.book_id for line in history.recent()} == {"book-a", "book-b", "book-c"}


def test_a_cancelled_order_is_subtracted(shop: Shop) -> None:
    shop.order("ann", "a", "b")
    second = shop.order("bob", "a", "b", "c")
    shop.learn()
    shop.cancel("bob", second)
    shop.learn()

    a, c = shop.row("a"), shop.row("c")
    assert a.n == 1
    assert a.co == {"book-b": 1, "book-c": 0}
    assert c.n == 0
    assert c.sales == 0
    assert shop.similar("a") == ["book-b"]
    assert shop.similar("c") == []
    assert shop.repo.history("bob").orders == {}
    assert shop.table()[(f"ORDER#{second}", "APPLIED")]["state"] == {"S": "removed"}
    assert "book-c" not in shop.repo.bestsellers()[:2]


def test_replaying_the_stream_changes_nothing(shop: Shop) -> None:
    shop.order("ann", "a", "b")
    cancelled = shop.order("bob", "c", "d")
    shop.order("bob", "a", "e")
    shop.cancel("bob", cancelled)
    records = shop.learn()
    before = shop.table()

    assert shop.handle(records) == {"batchItemFailures": []}  # the whole batch again
    assert shop.handle(records[1:2] + records[1:2]) == {"batchItemFailures": []}  # one event twice
    assert shop.table() == before


def test_a_poison_record_fails_alone_and_the_rest_are_learned(shop: Shop) -> None:
    shop.order("ann", "a", "b")
    shop.order("bob", "c")
    records = shop.records()
    poison = copy.deepcopy(records[0])
    poison["dynamodb"]["NewImage"]["lines"] = {"S": "not a list of lines"}
    poison["dynamodb"]["SequenceNumber"] = "999"
    response = shop.handle([records[0], poison, records[1]])

    assert response == {"batchItemFailures": [{"itemIdentifier": "999"}]}
    assert shop.row("a").n == 1
    assert shop.row("c").n == 1


def test_a_batch_that_only_fails_is_retried_whole(shop: Shop) -> None:
    shop.order("ann", "a")
    poison = copy.deepcopy(shop.records()[0])
    del poison["dynamodb"]["NewImage"]
    from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

    with pytest.raises(BatchProcessingError):
        shop.handle([poison])
    assert shop.table().get(("BOOK#book-a", "STATS")) is None


def test_other_changes_to_orders_are_ignored(shop: Shop) -> None:
    order_id = shop.order("ann", "a", "b")
    shop.learn()
    before = shop.table()
    shop.services.orders.move(order_id, "SHIPPED")
    records = shop.records()
    assert [r["eventName"] for r in records] == ["MODIFY"]
    assert shop.handle(records) == {"batchItemFailures": []}
    assert shop.table() == before


def test_the_incremental_model_equals_a_rebuild_from_the_orders(shop: Shop) -> None:
    placed = shop.order_history()
    orders = [shop.services.orders.get_any(order_id) for _, order_id in placed]
    events = []
    for order in orders:
        lines = tuple(Line(x.book_id, x.title, None, x.quantity) for x in order.lines)
        purchase = Purchase(order.order_id, order.created_at, lines)
        events.append((order.created_at + "#a", OrderEvent("add", order.username, purchase)))
        if order.status == "CANCELLED":
            events.append((order.updated_at + "#r", OrderEvent("remove", order.username, purchase)))
    model = replay(events)
    for letter in "abcdef":
        row, expected = shop.row(letter), model.books[f"book-{letter}"]
        assert row.n == expected.n
        assert {k: v for k, v in row.co.items() if v} == expected.co
        assert row.sales == expected.sales
        assert shop.similar(letter) == [b for b, _ in model.similar(f"book-{letter}")]
    assert isinstance(model.books["book-a"].sales, Decimal)


# ---- the read path ---------------------------------------------------------------------------------------


class CountingClient:
    """Counts the requests made through a DynamoDB client."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self.calls: list[str] = []

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._client, name)
        if not callable(attribute) or name.startswith("_") or name in ("exceptions", "meta"):
            return attribute

        def call(*args: Any, **kwargs: Any) -> Any:
            self.calls.append(name)
            return attribute(*args, **kwargs)

        return call


@pytest.fixture
def counted(shop: Shop, local_aws: LocalAws) -> tuple[Any, CountingClient]:
    client = CountingClient(local_aws.dynamodb)
    return services_for(local_aws, dynamodb=client).recommendations, client


def _learned_shop(shop: Shop) -> None:
    shop.order("ann", "a", "b")
    shop.order("bob", "a", "b", "c")
    shop.order("cid", "c", "d")
    shop.order("dan", "e", "f")
    shop.order("eve", "a")
    shop.learn()


def test_a_customer_gets_similar_books_first_with_their_reason_in_three_reads(shop: Shop, counted) -> None:
    _learned_shop(shop)
    service, client = counted
    picks = service.for_customer(SignedIn("eve"), limit=5)
    assert client.calls == ["get_item", "batch_get_item", "batch_get_item"]
    assert [(p.book.book_id, p.reason) for p in picks[:2]] == [
        ("book-b", "because you bought Book A"),  # 2/sqrt(3*2) * 2/4 = 0.41
        ("book-c", "because you bought Book A"),  # 1/sqrt(3*2) * 1/3 = 0.14
    ]
    assert [p.reason for p in picks[2:]] == ["a bestseller"] * 3
    assert {p.book.book_id for p in picks[2:]} == {"book-d", "book-e", "book-f"}


def test_a_genre_keeps_the_similar_books_of_that_genre_then_its_bestsellers(shop: Shop, counted) -> None:
    _learned_shop(shop)
    service, client = counted
    picks = service.for_customer(SignedIn("eve"), genre="horror", limit=5)
    assert len(client.calls) == 3
    assert [(p.book.book_id, p.reason) for p in picks] == [
        ("book-c", "because you bought Book A"),
        ("book-d", "a bestseller in horror"),
    ]


def test_what_a_customer_bought_is_never_recommended(shop: Shop, counted) -> None:
    _learned_shop(shop)
    service, _ = counted
    bought = {"book-a", "book-b", "book-c"}
    assert not bought & {p.book.book_id for p in service.for_customer(SignedIn("bob"), limit=50)}


def test_a_new_customer_and_a_stranger_get_bestsellers(shop: Shop, counted) -> None:
    _learned_shop(shop)
    service, client = counted
    new = service.for_customer(SignedIn("zoe"), limit=2)
    assert client.calls == ["get_item", "batch_get_item", "batch_get_item"]
    # a sold 3; b and c sold 2 each, c more recently (time decay ranks it first).
    assert [(p.book.book_id, p.reason) for p in new] == [("book-a", "a bestseller"), ("book-c", "a bestseller")]
    client.calls.clear()
    assert [p.book.book_id for p in service.for_customer(None, limit=2)] == ["book-a", "book-c"]
    assert client.calls == ["batch_get_item", "batch_get_item"]


def test_similar_books_of_a_book_in_three_reads(shop: Shop, counted) -> None:
    _learned_shop(shop)
    service, client = counted
    picks = service.similar_to("book-c", limit=3)
    assert client.calls == ["get_item", "batch_get_item", "batch_get_item"]
    # c: with d once (n=1: 1/sqrt(2) / 3 = 0.24), with a and b once (1/sqrt(2*3) / 3, 1/sqrt(2*2) / 3).
    assert [(p.book.book_id, p.reason) for p in picks] == [
        ("book-d", "often bought with Book C"),
        ("book-b", "often bought with Book C"),
        ("book-a", "often bought with Book C"),
    ]


def test_similar_books_of_a_book_nobody_bought_are_its_genre_bestsellers(shop: Shop, counted) -> None:
    shop.order("ann", "e")
    shop.learn()
    service, _ = counted
    assert [(p.book.book_id, p.reason) for p in service.similar_to("book-f")] == [("book-e", "a bestseller in poetry")]


def test_sold_out_books_are_skipped_and_bad_input_is_refused(shop: Shop, counted) -> None:
    from bookstore.errors import BookNotFound, ValidationError

    _learned_shop(shop)
    shop.services.catalog.set_stock("book-b", 0)
    service, client = counted
    assert "book-b" not in {p.book.book_id for p in service.for_customer(SignedIn("eve"))}
    with pytest.raises(BookNotFound):
        service.similar_to("no-such-book")
    with pytest.raises(ValidationError, match="Unknown genre"):
        service.for_customer(SignedIn("eve"), genre="cookbooks")
    with pytest.raises(ValidationError, match="limit"):
        service.similar_to("book-a", limit=0)
    assert set(client.calls) <= {"get_item", "batch_get_item"}  # reads only, whatever the input


def test_the_sample_stream_events_run_through_the_handler(shop: Shop) -> None:
    from tests.support.aws import load_event

    placed = load_event("recommendations/orders_placed.json")["Records"]
    assert shop.handle(placed) == {"batchItemFailures": []}
    dracula = shop.repo.rows(["dracula-bram-stoker"])["dracula-bram-stoker"]
    assert dracula.n == 2
    assert set(dracula.co) == {
        "frankenstein-mary-shelley",
        "strange-case-of-dr-jekyll-and-mr-hyde-robert-louis-stevenson",
    }
    assert shop.handle(load_event("recommendations/order_cancelled.json")["Records"]) == {"batchItemFailures": []}
    assert shop.repo.rows(["dracula-bram-stoker"])["dracula-bram-stoker"].n == 1
    before = shop.table()
    assert shop.handle(load_event("recommendations/order_shipped_ignored.json")["Records"]) == {"batchItemFailures": []}
    assert shop.table() == before
