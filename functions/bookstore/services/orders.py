"""Orders: place (idempotent on a client key), list mine, find one by id or number, cancel, and staff status moves
and listings by status."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.idempotency import (
    BasePersistenceLayer,
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyValidationError,
)
from aws_lambda_powertools.utilities.idempotency.serialization.pydantic import PydanticSerializer
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel, ConfigDict, Field

from bookstore import aws
from bookstore.addresses import DeliveryAddress
from bookstore.catalog import MAX_PAGE_SIZE, Page, page_size
from bookstore.errors import BookNotFound, Conflict, InvalidTransition, OrderNotFound, ValidationError
from bookstore.identity import SignedIn
from bookstore.ids import ulid
from bookstore.observability import logger, metrics
from bookstore.orders import (
    MAX_ORDER_LINES,
    Order,
    OrderLine,
    OrderLineRequest,
    OrderStatus,
    StatusChange,
    parse_order_number,
)
from bookstore.ports import BookLookup, OrderStore
from bookstore.repositories.cursor import decode_cursor, encode_cursor
from bookstore.users import utc_now

IDEMPOTENCY_TTL_SECONDS = 24 * 3600
# Staff moves: PLACED -> SHIPPED -> DELIVERED; CANCELLED only from PLACED (and returns the stock).
TRANSITIONS: dict[str, set[str]] = {"PLACED": {"SHIPPED", "CANCELLED"}, "SHIPPED": {"DELIVERED"}}
# How far back an order number is looked for among the caller's orders (newest first): two queries at most.
NUMBER_LOOK_BACK = 2 * MAX_PAGE_SIZE
# What the idempotency record compares on a retry: the lines, and the address when there is one. Without an
# address this is `lines` alone, as before addresses existed, so records written then still match their retries.
PAYLOAD_VALIDATION = "delivery_address && [lines, delivery_address] || lines"


class PlaceOrderRequest(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    username: str  # SignedIn.username: normalized
    idempotency_key: str = Field(min_length=8, max_length=128, pattern=r"^[A-Za-z0-9._:-]+$")
    lines: list[OrderLineRequest] = Field(min_length=1, max_length=MAX_ORDER_LINES)
    delivery_address: DeliveryAddress  # given at checkout, or the one saved on the profile (ProfileService)


def _idempotency_config() -> IdempotencyConfig:
    """One order per (customer, key); the same key with other lines or another address is refused; records kept
    24 hours."""
    return IdempotencyConfig(
        event_key_jmespath="[username, idempotency_key]",
        payload_validation_jmespath=PAYLOAD_VALIDATION,
        raise_on_no_idempotency_key=True,
        expires_after_seconds=IDEMPOTENCY_TTL_SECONDS,
    )


@dataclass
class OrderService:
    orders: OrderStore
    products: BookLookup
    idempotency_table: str
    idempotency_client: Any = None
    # The idempotency records' store. None (every deployed function): Powertools' DynamoDB layer over
    # `idempotency_table`, built once (_persistence). Unit tests pass an in-memory BasePersistenceLayer here, so
    # place() runs Powertools' real idempotency logic (keys, payload validation, in-progress) without DynamoDB.
    persistence: BasePersistenceLayer | None = None

    def place(self, request: PlaceOrderRequest, context: LambdaContext | None) -> Order:
        """Place an order once per (customer, idempotency key): a retry returns the first result.

        The same key with different lines or another delivery address is a Conflict, as is a retry while the first
        is still running. `context` is the current invocation's (the API route and the bot's code hook pass theirs):
        an in-progress record then expires with the invocation instead of blocking retries for an hour. None
        outside Lambda (scripts, tests).
        """
        if len({line.book_id for line in request.lines}) != len(request.lines):
            raise ValidationError("Each book may appear once in an order; set its quantity instead.")
        config = _idempotency_config()
        if context is not None:
            config.register_lambda_context(context)  # an in-progress record expires with the invocation
        place_once = idempotent_function(
            self._place,
            data_keyword_argument="request",
            persistence_store=self._persistence,
            config=config,
            output_serializer=PydanticSerializer(model=Order),
        )
        try:
            result: Order = place_once(request=request)
        except IdempotencyValidationError as err:
            raise Conflict("This idempotency key was already used for a different order.") from err
        except IdempotencyAlreadyInProgressError as err:
            raise Conflict("This order is already being placed; retry in a moment to get its result.") from err
        return result

    @cached_property
    def _persistence(self) -> BasePersistenceLayer:
        # Once per cold start, on the function's cached client: not a new layer and client per order.
        layer = self.persistence or DynamoDBPersistenceLayer(
            table_name=self.idempotency_table, boto3_client=self.idempotency_client or aws.client("dynamodb")
        )
        # Configured here, once (cached_property holds a lock while it builds, on Python 3.11): Powertools marks a
        # layer configured before it compiles its key expressions, so threads sharing a layer that its first
        # calls configure could use it half-built ('NoneType' object has no attribute 'search'). Later configure()
        # calls from idempotent_function return at once; the per-call config still carries the Lambda context.
        layer.configure(_idempotency_config(), function_name="_place")
        return layer

    def _place(self, request: PlaceOrderRequest) -> Order:
        books = self.products.get_many([line.book_id for line in request.lines])
        missing = [line.book_id for line in request.lines if line.book_id not in books]
        if missing:
            raise BookNotFound(f"There is no book {missing[0]}.")
        # Totals come from the catalog, never from the client.
        lines = [
            OrderLine(
                book_id=line.book_id,
                title=books[line.book_id].title,
                quantity=line.quantity,
                unit_price_cents=books[line.book_id].price_cents,
                line_total_cents=books[line.book_id].price_cents * line.quantity,
            )
            for line in request.lines
        ]
        now = utc_now()
        order = Order(
            order_id=ulid(),
            username=request.username,
            lines=lines,
            total_cents=sum(line.line_total_cents for line in lines),
            status="PLACED",
            created_at=now,
            updated_at=now,
            history=[StatusChange(status="PLACED", at=now)],
            delivery_address=request.delivery_address,
        )
        self.orders.place(order, books)
        metrics.add_metric(name="OrdersPlaced", unit=MetricUnit.Count, value=1)
        metrics.add_metric(name="OrderValue", unit=MetricUnit.Count, value=order.total_cents)
        logger.info("Order placed", extra={"order_id": order.order_id, "total_cents": order.total_cents})
        return order

    def list_mine(self, who: SignedIn, limit: int = 20, cursor: str | None = None) -> Page[Order]:
        orders, last = self.orders.list_for(who.username, page_size(limit), decode_cursor(cursor))
        return Page[Order](items=orders, next_cursor=encode_cursor(last))

    def latest(self, who: SignedIn) -> Order | None:
        orders, _ = self.orders.list_for(who.username, 1, None)
        return orders[0] if orders else None

    def latest_cancellable(self, who: SignedIn, look_back: int = 50) -> Order | None:
        """The newest of the customer's `look_back` latest orders that can still be cancelled (PLACED), or None.
        Orders leave PLACED when they ship, so an older one still PLACED is rare: the look-back bounds the reads."""
        return next((order for order in self._recent(who, look_back, 20) if order.status == "PLACED"), None)

    def _recent(self, who: SignedIn, look_back: int, page: int) -> Iterator[Order]:
        """The customer's `look_back` latest orders, newest first, read `page` at a time as they are consumed."""
        start: dict[str, Any] | None = None
        seen = 0
        while seen < look_back:
            orders, start = self.orders.list_for(who.username, min(page, look_back - seen), start)
            yield from orders
            seen += len(orders)
            if start is None or not orders:
                return

    def find_mine(self, who: SignedIn, reference: str) -> Order:
        """One of my orders by its id (any case) or its number (BK-XXXX-XXXX, as parse_order_number reads it).

        A number is looked for among my NUMBER_LOOK_BACK latest orders only: numbers are not unique across
        customers, so someone else's is reported exactly like a missing one. Two of mine with the same number (a
        40-bit collision) are refused, never guessed: the customer gives the id instead."""
        number = parse_order_number(reference)
        if number is None:
            return self.get_mine(who, reference.strip().upper())
        found = [order for order in self._recent(who, NUMBER_LOOK_BACK, MAX_PAGE_SIZE) if order.number == number]
        if not found:
            raise OrderNotFound(f"You have no order {number}.")
        if len(found) > 1:
            raise Conflict(f"{len(found)} of your orders have the number {number}; please give the order id instead.")
        return found[0]

    def get_mine(self, who: SignedIn, order_id: str) -> Order:
        order = self.orders.get(order_id)
        # Someone else's order is reported exactly like a missing one: nothing leaks.
        if order is None or order.username != who.username:
            raise OrderNotFound(f"You have no order {order_id}.")
        return order

    def list_by_status(self, status: OrderStatus, limit: int = 20, cursor: str | None = None) -> Page[Order]:
        """Staff: the orders in `status`, newest first. A cursor is only good for the status it was made for."""
        orders, last = self.orders.list_by_status(status, page_size(limit), decode_cursor(cursor))
        return Page[Order](items=orders, next_cursor=encode_cursor(last))

    def get_any(self, order_id: str) -> Order:
        order = self.orders.get(order_id)
        if order is None:
            raise OrderNotFound(f"There is no order {order_id}.")
        return order

    def cancel_mine(self, who: SignedIn, order_id: str) -> Order:
        order = self.get_mine(who, order_id)
        if order.status == "CANCELLED":
            return order  # cancelling twice is not an error
        if order.status != "PLACED":
            raise InvalidTransition(f"Order {order_id} is {order.status}; only a PLACED order can be cancelled.")
        cancelled = self.orders.change_status(order, "CANCELLED", utc_now(), return_stock=True)
        metrics.add_metric(name="OrdersCancelled", unit=MetricUnit.Count, value=1)
        return cancelled

    def move(self, order_id: str, status: OrderStatus) -> Order:
        order = self.get_any(order_id)
        if order.status == status:
            return order
        if status not in TRANSITIONS.get(order.status, set()):
            raise InvalidTransition(f"Order {order_id} is {order.status} and cannot become {status}.")
        return self.orders.change_status(order, status, utc_now(), return_stock=status == "CANCELLED")
