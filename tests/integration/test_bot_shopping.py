"""The shopping intents of the bot against moto: find, recommend, order (priced, idempotent), status, cancel."""

from __future__ import annotations

from typing import Any

import pytest

from bookstore.catalog_models import Book
from bookstore.lex import LexEvent
from bookstore.repositories.recommendations import RecommendationRepository
from bot_fulfillment import dialog
from tests.support.aws import LocalAws, services_for
from tests.support.lex import lex_event

DRACULA = Book(book_id="dracula-bram-stoker", title="Dracula", author="Bram Stoker", genre="horror", year=1897,
               price_cents=899, stock=5)  # fmt: skip
EMMA = Book(book_id="emma-jane-austen", title="Emma", author="Jane Austen", genre="romance", year=1815,
            price_cents=799, stock=0)  # fmt: skip
CAROL: dict[str, Any] = {"username": "carol", "groups": "customers"}


@pytest.fixture
def services(local_aws: LocalAws) -> Any:
    services = services_for(local_aws)
    services.catalog.products.create(DRACULA)
    services.catalog.products.create(EMMA)
    return services


def turn(services: Any, intent: str, slots: dict[str, str | None] | None = None, **kwargs: Any) -> dict[str, Any]:
    return dialog.handle(LexEvent.model_validate(lex_event(intent, slots, **kwargs)), services).dump()


def message(response: dict[str, Any]) -> str:
    return " ".join(m["content"] for m in response.get("messages", []))


def state(response: dict[str, Any]) -> tuple[str, str | None]:
    return response["sessionState"]["dialogAction"]["type"], response["sessionState"]["intent"].get("state")


def test_find_book_needs_something_to_look_for(services) -> None:
    response = turn(services, "FindBook", {}, **CAROL)
    assert response["sessionState"]["dialogAction"] == {"type": "ElicitSlot", "slotToElicit": "Title"}


def test_find_book_by_title_author_or_genre(services) -> None:
    found = turn(services, "FindBook", {"Title": "dracula"}, invocation="FulfillmentCodeHook", **CAROL)
    assert "Dracula by Bram Stoker ($8.99, in stock)" in message(found)
    by_author = turn(services, "FindBook", {"Author": "Jane Austen"}, invocation="FulfillmentCodeHook", **CAROL)
    assert "Emma by Jane Austen ($7.99, sold out)" in message(by_author)
    by_genre = turn(services, "FindBook", {"Genre": "horror"}, invocation="FulfillmentCodeHook", **CAROL)
    assert "Dracula" in message(by_genre)
    nothing = turn(services, "FindBook", {"Title": "the silmarillion"}, invocation="FulfillmentCodeHook", **CAROL)
    assert "couldn't find any book" in message(nothing)


def test_recommendations_come_with_reasons(services, local_aws) -> None:
    RecommendationRepository(local_aws.tables["RecommendationsTable"], client=local_aws.dynamodb).put_featured(
        [DRACULA.book_id, EMMA.book_id]
    )
    response = turn(services, "RecommendBooks", {}, invocation="FulfillmentCodeHook", **CAROL)
    assert message(response) == "You might like: Dracula by Bram Stoker (a bestseller)."  # Emma is sold out


def test_place_order_confirms_with_the_price_then_orders(services) -> None:
    confirm = turn(services, "PlaceOrder", {"Title": "dracula", "Quantity": "2"}, **CAROL)
    assert confirm["sessionState"]["dialogAction"] == {"type": "ConfirmIntent"}
    assert message(confirm) == "2 x Dracula by Bram Stoker comes to $17.98. Shall I place the order?"
    assert confirm["sessionState"]["intent"]["slots"]["Title"]["value"]["interpretedValue"] == "Dracula"
    done = turn(services, "PlaceOrder", {"Title": "Dracula", "Quantity": "2"}, invocation="FulfillmentCodeHook",
                confirmation="Confirmed", **CAROL)  # fmt: skip
    assert state(done) == ("Close", "Fulfilled")
    assert "2 x Dracula, $17.98" in message(done)
    assert services.catalog.get(DRACULA.book_id).stock == 3


def test_retried_order_fulfillment_places_one_order(services) -> None:
    event = lex_event("PlaceOrder", {"Title": "Dracula", "Quantity": "1"}, invocation="FulfillmentCodeHook",
                      confirmation="Confirmed", **CAROL)  # fmt: skip
    first = dialog.handle(LexEvent.model_validate(event), services).dump()
    second = dialog.handle(LexEvent.model_validate(event), services).dump()
    assert message(first) == message(second)
    assert services.catalog.get(DRACULA.book_id).stock == 4
    assert len(services.orders.list_mine("carol").items) == 1


@pytest.mark.parametrize(
    ("slots", "slot", "fragment"),
    [
        ({"Title": "the silmarillion"}, "Title", "couldn't find a book called"),
        ({"Title": "Dracula", "Quantity": "0"}, "Quantity", "from 1 to 50"),
        ({"Title": "Dracula", "Quantity": "2.5"}, "Quantity", "from 1 to 50"),
        ({"Title": "Dracula", "Quantity": "9"}, "Quantity", "We have 5 copies of Dracula"),
    ],
)
def test_place_order_reasks_for_what_cannot_be_ordered(services, slots, slot, fragment) -> None:
    response = turn(services, "PlaceOrder", slots, **CAROL)
    assert response["sessionState"]["dialogAction"] == {"type": "ElicitSlot", "slotToElicit": slot}
    assert fragment in message(response)


def test_sold_out_book_ends_the_order_politely(services) -> None:
    response = turn(services, "PlaceOrder", {"Title": "Emma"}, **CAROL)
    assert state(response) == ("Close", "Failed")
    assert "sold out" in message(response)


def test_orders_need_a_signed_in_caller(services) -> None:
    for intent in ("PlaceOrder", "OrderStatus", "CancelOrder"):
        response = turn(services, intent, {}, username=None, groups=None)
        assert state(response) == ("Close", "Failed"), intent
        assert "sign in" in message(response)


def _ordered(services: Any, quantity: int = 1) -> str:
    turn(services, "PlaceOrder", {"Title": "Dracula", "Quantity": str(quantity)}, invocation="FulfillmentCodeHook",
         confirmation="Confirmed", transcript=f"yes {quantity}", **CAROL)  # fmt: skip
    return str(services.orders.latest("carol").order_id)


def test_order_status_of_the_latest_or_a_named_order(services) -> None:
    assert "no orders yet" in message(turn(services, "OrderStatus", {}, invocation="FulfillmentCodeHook", **CAROL))
    order_id = _ordered(services)
    latest = turn(services, "OrderStatus", {}, invocation="FulfillmentCodeHook", **CAROL)
    assert message(latest) == f"Your order {order_id} (1 x Dracula, $8.99) is PLACED."
    named = turn(services, "OrderStatus", {"OrderId": order_id.lower()}, invocation="FulfillmentCodeHook", **CAROL)
    assert order_id in message(named)


def test_order_status_without_an_id_lists_the_recent_orders_newest_first(services) -> None:
    from bookstore.catalog_models import OrderLineRequest
    from bookstore.services.orders import PlaceOrderRequest

    placed = [
        services.orders.place(
            PlaceOrderRequest(
                username="carol",
                idempotency_key=f"recent-orders-{number}",
                lines=[OrderLineRequest(book_id="dracula-bram-stoker", quantity=1)],
            )
        ).order_id
        for number in range(4)
    ]
    recent = message(turn(services, "OrderStatus", {}, invocation="FulfillmentCodeHook", **CAROL))
    assert recent.startswith("Your latest orders: ")
    positions = [recent.index(order_id) for order_id in (placed[3], placed[2], placed[1])]
    assert positions == sorted(positions)
    assert placed[0] not in recent  # three at most
    assert recent.count("(1 x Dracula, $8.99) is PLACED") == 3


def test_someone_elses_order_is_not_found(services) -> None:
    order_id = _ordered(services)
    response = turn(services, "OrderStatus", {"OrderId": order_id}, invocation="FulfillmentCodeHook",
                    username="mallory", groups="customers")  # fmt: skip
    assert state(response) == ("Close", "Failed")
    assert "You have no order" in message(response)


def test_cancel_confirms_the_latest_order_then_returns_stock(services) -> None:
    order_id = _ordered(services, quantity=2)
    confirm = turn(services, "CancelOrder", {}, **CAROL)
    assert confirm["sessionState"]["dialogAction"] == {"type": "ConfirmIntent"}
    assert message(confirm) == f"Cancel order {order_id} (2 x Dracula, $17.98)?"
    done = turn(services, "CancelOrder", {"OrderId": order_id}, invocation="FulfillmentCodeHook",
                confirmation="Confirmed", **CAROL)  # fmt: skip
    assert state(done) == ("Close", "Fulfilled")
    assert "2 book(s) went back on the shelf" in message(done)
    assert services.catalog.get(DRACULA.book_id).stock == 5


def test_cancel_refuses_a_shipped_order(services) -> None:
    order_id = _ordered(services)
    services.orders.move(order_id, "SHIPPED")
    response = turn(services, "CancelOrder", {"OrderId": order_id}, **CAROL)
    assert state(response) == ("Close", "Failed")
    assert "SHIPPED and can no longer be cancelled" in message(response)
