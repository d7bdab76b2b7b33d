"""OrderService on in-memory fakes: placing (idempotent), listing, reading, cancelling and staff moves.

The DynamoDB tables themselves (conditions, transactions, races) are covered over moto in
tests/integration/test_orders_concurrency.py and tests/unit/test_product_transactions.py.
"""

from __future__ import annotations

import itertools

import pytest

from bookstore.catalog import Book
from bookstore.errors import BookNotFound, Conflict, InvalidTransition, OrderNotFound, OutOfStock, ValidationError
from bookstore.identity import SignedIn
from bookstore.ids import ulid
from bookstore.orders import Order, OrderLineRequest, OrderStatus
from bookstore.services import orders as orders_module
from bookstore.services.orders import TRANSITIONS, OrderService, PlaceOrderRequest
from tests.unit.fakes import FakeOrders, FakeProducts, InMemoryIdempotency
from tests.unit.shop_data import ALICE, BOB, DRACULA, EMMA, HOME_ADDRESS

pytestmark = [
    pytest.mark.usefixtures("no_aws"),
    # Placing without a Lambda context (None outside Lambda) is expected; Powertools warns about it.
    pytest.mark.filterwarnings("ignore:Couldn't determine the remaining time left"),
]


@pytest.fixture(autouse=True)
def order_ids_in_placing_order(monkeypatch: pytest.MonkeyPatch) -> None:
    """Order ids are ULIDs, ordered by millisecond only: a test placing several orders gets one millisecond
    per order, so "newest first" is the order they were placed in."""
    clock = itertools.count(1_700_000_000_000)
    monkeypatch.setattr(orders_module, "ulid", lambda: ulid(next(clock)))


@pytest.fixture
def products() -> FakeProducts:
    return FakeProducts(DRACULA, EMMA)


@pytest.fixture
def orders(products: FakeProducts) -> FakeOrders:
    return FakeOrders(products)


@pytest.fixture
def persistence() -> InMemoryIdempotency:
    return InMemoryIdempotency()


@pytest.fixture
def service(orders: FakeOrders, products: FakeProducts, persistence: InMemoryIdempotency) -> OrderService:
    return OrderService(orders=orders, products=products, idempotency_table="unused", persistence=persistence)


def request(*lines: tuple[str, int], who: SignedIn = ALICE, key: str = "key-00000001") -> PlaceOrderRequest:
    return PlaceOrderRequest(
        username=who.username,
        idempotency_key=key,
        lines=[OrderLineRequest(book_id=book_id, quantity=quantity) for book_id, quantity in lines],
        delivery_address=HOME_ADDRESS,
    )


def place(service: OrderService, *lines: tuple[str, int], who: SignedIn = ALICE, key: str = "key-00000001") -> Order:
    return service.place(request(*lines, who=who, key=key), None)


# ---- placing -------------------------------------------------------------------------------------------------


def test_an_order_is_priced_from_the_catalog_and_takes_the_stock(service, orders, products) -> None:
    order = place(service, (DRACULA.book_id, 2), (EMMA.book_id, 1))

    assert [(line.book_id, line.unit_price_cents, line.line_total_cents) for line in order.lines] == [
        (DRACULA.book_id, 899, 1798),
        (EMMA.book_id, 1299, 1299),
    ]
    assert order.total_cents == 1798 + 1299
    assert (order.username, order.status, [h.status for h in order.history]) == ("alice", "PLACED", ["PLACED"])
    assert [line.title for line in order.lines] == ["Dracula", "Emma"]
    assert orders.orders == {order.order_id: order}
    assert (products.stock(DRACULA.book_id), products.stock(EMMA.book_id)) == (8, 2)


def test_a_book_twice_in_one_order_is_refused_before_anything_is_read(service, orders, products) -> None:
    with pytest.raises(ValidationError, match="once in an order"):
        place(service, (DRACULA.book_id, 1), (EMMA.book_id, 1), (DRACULA.book_id, 2))

    assert products.calls == []
    assert orders.orders == {}


def test_a_missing_book_is_refused_and_the_key_stays_usable(service, orders, products) -> None:
    # Given an order for a book the catalog does not have
    with pytest.raises(BookNotFound, match="no-such-book"):
        place(service, (DRACULA.book_id, 1), ("no-such-book", 1))
    # Then nothing was sold
    assert (orders.orders, products.stock(DRACULA.book_id)) == ({}, 10)

    # When the customer retries the same key with lines that can be placed
    order = place(service, (DRACULA.book_id, 1))

    # Then the failed attempt did not use up the key
    assert order.status == "PLACED"
    assert products.stock(DRACULA.book_id) == 9


@pytest.mark.parametrize(
    ("dracula", "emma"),
    [(11, 1), (1, 4), (11, 4)],
    ids=["first line short", "second line short", "both short"],
)
def test_out_of_stock_sells_nothing(service, orders, products, dracula: int, emma: int) -> None:
    with pytest.raises(OutOfStock, match="Not enough stock"):
        place(service, (DRACULA.book_id, dracula), (EMMA.book_id, emma))

    assert orders.orders == {}
    assert (products.stock(DRACULA.book_id), products.stock(EMMA.book_id)) == (10, 3)


def test_all_the_stock_can_be_sold(service, products) -> None:
    place(service, (EMMA.book_id, 3))

    assert products.stock(EMMA.book_id) == 0


def test_a_price_change_between_reading_and_placing_is_refused(service, orders, products, monkeypatch) -> None:
    # Given the catalog read returns Dracula at its old price, and the stored price has since gone up
    monkeypatch.setattr(products, "get_many", lambda ids: {DRACULA.book_id: DRACULA})
    products.books[DRACULA.book_id] = DRACULA.model_copy(update={"price_cents": 999})

    # When the order is placed at the price that was read
    with pytest.raises(OutOfStock, match="price just changed"):
        place(service, (DRACULA.book_id, 1))

    # Then nothing is sold at the old price
    assert orders.orders == {}
    assert products.stock(DRACULA.book_id) == 10


def test_a_retry_returns_the_first_order_and_sells_once(service, orders, products) -> None:
    # Given an order placed with a key
    first = place(service, (DRACULA.book_id, 2))

    # When the client retries the same request (a lost response)
    again = place(service, (DRACULA.book_id, 2))

    # Then it gets the same order, and the books were sold once
    assert again == first
    assert list(orders.orders) == [first.order_id]
    assert products.stock(DRACULA.book_id) == 8


def test_the_same_key_with_other_lines_is_a_conflict(service, orders, products) -> None:
    # Given an order placed with a key
    first = place(service, (DRACULA.book_id, 2))

    # When the same key comes with other lines
    with pytest.raises(Conflict, match="already used for a different order"):
        place(service, (DRACULA.book_id, 3))

    # Then the first order stands alone
    assert list(orders.orders) == [first.order_id]
    assert products.stock(DRACULA.book_id) == 8


def test_keys_belong_to_a_customer(service, orders) -> None:
    mine = place(service, (DRACULA.book_id, 1), who=ALICE, key="same-key-1")
    theirs = place(service, (EMMA.book_id, 1), who=BOB, key="same-key-1")

    assert mine.order_id != theirs.order_id
    assert len(orders.orders) == 2


def test_a_retry_while_the_first_is_still_running_is_a_conflict(service, orders, monkeypatch) -> None:
    # Given the customer retries while their first attempt is still writing the order
    retried: list[BaseException] = []
    write = orders.place

    def place_with_a_retry_meanwhile(order: Order, books: dict[str, Book]) -> Order:
        try:
            place(service, (DRACULA.book_id, 1))
        except Conflict as err:
            retried.append(err)
        return write(order, books)

    monkeypatch.setattr(orders, "place", place_with_a_retry_meanwhile)

    # When the first attempt completes
    order = place(service, (DRACULA.book_id, 1))

    # Then the retry was told to come back, and the first attempt placed the only order
    assert [str(err) for err in retried] == ["This order is already being placed; retry in a moment to get its result."]
    assert list(orders.orders) == [order.order_id]


def test_with_a_lambda_context_the_in_progress_record_expires_with_the_invocation(
    service, orders, persistence, lambda_context, monkeypatch
) -> None:
    seen: list[int | None] = []
    write = orders.place

    def observe(order: Order, books: dict[str, Book]) -> Order:
        seen.extend(record.in_progress_expiry_timestamp for record in persistence.records.values())
        return write(order, books)

    monkeypatch.setattr(orders, "place", observe)

    service.place(request((DRACULA.book_id, 1)), lambda_context)

    [expiry] = seen
    assert expiry is not None


# ---- listing and reading -------------------------------------------------------------------------------------


@pytest.mark.parametrize("limit", [0, -1, 51, 1000])
def test_a_page_size_outside_1_to_50_is_refused(service, limit: int) -> None:
    with pytest.raises(ValidationError, match="limit must be between 1 and 50"):
        service.list_mine(ALICE, limit=limit)


@pytest.mark.parametrize("limit", [1, 50])
def test_the_page_size_limits_are_accepted(service, limit: int) -> None:
    place(service, (DRACULA.book_id, 1))

    assert len(service.list_mine(ALICE, limit=limit).items) == 1


def test_my_orders_page_newest_first_and_only_mine(service) -> None:
    # Given five orders of mine and one of someone else's
    mine = [place(service, (DRACULA.book_id, 1), key=f"alice-key-{n}").order_id for n in range(5)]
    place(service, (EMMA.book_id, 1), who=BOB)

    # When I page through my orders two at a time
    pages: list[list[str]] = []
    cursor: str | None = None
    while True:
        page = service.list_mine(ALICE, limit=2, cursor=cursor)
        pages.append([order.order_id for order in page.items])
        cursor = page.next_cursor
        if cursor is None:
            break

    # Then I see each of mine once, newest first, and nothing else
    seen = [order_id for page_ids in pages for order_id in page_ids]
    assert [len(p) for p in pages] == [2, 2, 1]
    assert seen == list(reversed(mine))


def test_a_cursor_that_is_not_ours_is_refused(service) -> None:
    with pytest.raises(ValidationError, match="cursor is not valid"):
        service.list_mine(ALICE, cursor="not a cursor!")


def test_latest_cancellable_skips_orders_that_left_placed(service) -> None:
    # Given an older order still PLACED and a newer one shipped
    older = place(service, (DRACULA.book_id, 1), key="alice-key-1")
    newer = place(service, (EMMA.book_id, 1), key="alice-key-2")
    service.move(newer.order_id, "SHIPPED")

    # Then the newest order is the shipped one, and the one to cancel is the older
    assert service.latest(ALICE) == service.get_mine(ALICE, newer.order_id)
    assert service.latest_cancellable(ALICE) == older
    assert service.latest_cancellable(BOB) is None


def test_i_can_read_my_order_by_any_spelling_of_my_username(service) -> None:
    order = place(service, (DRACULA.book_id, 1))

    assert service.get_mine(SignedIn("  Alice "), order.order_id) == order


def test_someone_elses_order_looks_exactly_like_a_missing_one(service) -> None:
    theirs = place(service, (DRACULA.book_id, 1), who=BOB)
    missing = "01ARZ3NDEKTSV4RRFFQ69G5FAV"

    with pytest.raises(OrderNotFound) as other:
        service.get_mine(ALICE, theirs.order_id)
    with pytest.raises(OrderNotFound) as absent:
        service.get_mine(ALICE, missing)

    assert str(other.value).replace(theirs.order_id, "<id>") == str(absent.value).replace(missing, "<id>")


# ---- cancelling ----------------------------------------------------------------------------------------------


def test_cancelling_returns_the_stock_and_a_second_cancel_changes_nothing(service, orders, products) -> None:
    # Given a placed order
    order = place(service, (DRACULA.book_id, 2), (EMMA.book_id, 1))

    # When I cancel it twice
    cancelled = service.cancel_mine(ALICE, order.order_id)
    again = service.cancel_mine(ALICE, order.order_id)

    # Then it is cancelled once, with its books back in stock once
    assert cancelled.status == "CANCELLED"
    assert [h.status for h in cancelled.history] == ["PLACED", "CANCELLED"]
    assert again == cancelled == orders.orders[order.order_id]
    assert (products.stock(DRACULA.book_id), products.stock(EMMA.book_id)) == (10, 3)


@pytest.mark.parametrize("moves", [["SHIPPED"], ["SHIPPED", "DELIVERED"]])
def test_only_a_placed_order_can_be_cancelled(service, products, moves: list[OrderStatus]) -> None:
    order = place(service, (DRACULA.book_id, 2))
    for status in moves:
        service.move(order.order_id, status)

    with pytest.raises(InvalidTransition, match="only a PLACED order can be cancelled"):
        service.cancel_mine(ALICE, order.order_id)

    assert products.stock(DRACULA.book_id) == 8


def test_i_cannot_cancel_someone_elses_order(service, orders) -> None:
    theirs = place(service, (DRACULA.book_id, 1), who=BOB)

    with pytest.raises(OrderNotFound):
        service.cancel_mine(ALICE, theirs.order_id)

    assert orders.orders[theirs.order_id].status == "PLACED"


def test_a_cancel_racing_a_shipment_is_refused_and_returns_no_stock(service, orders, products, monkeypatch) -> None:
    # Given I read my order while PLACED, and staff ship it before my cancel is written
    order = place(service, (DRACULA.book_id, 2))
    service.move(order.order_id, "SHIPPED")
    monkeypatch.setattr(orders, "get", lambda order_id: order)

    # When my cancel is written
    with pytest.raises(InvalidTransition, match="is SHIPPED now"):
        service.cancel_mine(ALICE, order.order_id)

    # Then the shipment stands and the shipped books stay sold
    assert orders.orders[order.order_id].status == "SHIPPED"
    assert products.stock(DRACULA.book_id) == 8


# ---- staff moves ---------------------------------------------------------------------------------------------

ALL_STATUSES: list[OrderStatus] = ["PLACED", "SHIPPED", "DELIVERED", "CANCELLED"]
PATH_TO: dict[str, list[OrderStatus]] = {
    "PLACED": [],
    "SHIPPED": ["SHIPPED"],
    "DELIVERED": ["SHIPPED", "DELIVERED"],
    "CANCELLED": ["CANCELLED"],
}


@pytest.mark.parametrize(
    ("start", "target", "allowed"),
    [
        ("PLACED", "SHIPPED", True),
        ("PLACED", "CANCELLED", True),
        ("PLACED", "DELIVERED", False),
        ("SHIPPED", "DELIVERED", True),
        ("SHIPPED", "CANCELLED", False),
        ("SHIPPED", "PLACED", False),
        ("DELIVERED", "SHIPPED", False),
        ("DELIVERED", "CANCELLED", False),
        ("CANCELLED", "PLACED", False),
        ("CANCELLED", "SHIPPED", False),
    ],
)
def test_staff_moves_follow_the_transitions(
    service, orders, products, start: OrderStatus, target: OrderStatus, allowed: bool
) -> None:
    # Given an order of two Draculas, moved to `start`
    order = place(service, (DRACULA.book_id, 2))
    for status in PATH_TO[start]:
        service.move(order.order_id, status)
    stock = products.stock(DRACULA.book_id)

    # When staff move it to `target`
    if allowed:
        moved = service.move(order.order_id, target)
        # Then it moves, and only a cancellation returns the books
        assert moved.status == orders.orders[order.order_id].status == target
        assert moved.history[-1].status == target
        assert products.stock(DRACULA.book_id) == stock + (2 if target == "CANCELLED" else 0)
    else:
        with pytest.raises(InvalidTransition, match=f"is {start} and cannot become {target}"):
            service.move(order.order_id, target)
        # Then nothing changes
        assert orders.orders[order.order_id].status == start
        assert products.stock(DRACULA.book_id) == stock


def test_the_transition_table_matches_the_cases_above() -> None:
    allowed = {(start, target) for start, targets in TRANSITIONS.items() for target in targets}
    assert allowed == {("PLACED", "SHIPPED"), ("PLACED", "CANCELLED"), ("SHIPPED", "DELIVERED")}


@pytest.mark.parametrize("status", ALL_STATUSES)
def test_a_move_to_the_current_status_is_a_no_op(service, orders, status: OrderStatus) -> None:
    order = place(service, (DRACULA.book_id, 1))
    for step in PATH_TO[status]:
        service.move(order.order_id, step)
    before = orders.orders[order.order_id]
    orders.calls.clear()

    assert service.move(order.order_id, status) == before
    assert "change_status" not in orders.calls


def test_moving_a_missing_order_is_not_found(service) -> None:
    with pytest.raises(OrderNotFound):
        service.move("01ARZ3NDEKTSV4RRFFQ69G5FAV", "SHIPPED")
