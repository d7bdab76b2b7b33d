"""Orders: lines, totals and the status history. Money is integer cents; timestamps are ISO-8601 UTC."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from bookstore.catalog import BookId, Model

OrderStatus = Literal["PLACED", "SHIPPED", "DELIVERED", "CANCELLED"]
ORDER_ID_PATTERN = r"^[0-9A-HJKMNP-TV-Z]{26}$"
MAX_ORDER_LINES = 20
MAX_QUANTITY = 50
OrderId = Annotated[str, Field(pattern=ORDER_ID_PATTERN, description="Order id (ULID)")]


class OrderLineRequest(Model):
    book_id: BookId
    quantity: Annotated[int, Field(ge=1, le=MAX_QUANTITY)]


class OrderLine(Model):
    book_id: BookId
    title: str
    quantity: int
    unit_price_cents: int
    line_total_cents: int


class StatusChange(Model):
    status: OrderStatus
    at: str


class Order(Model):
    order_id: OrderId
    username: str
    lines: list[OrderLine]
    total_cents: int
    currency: Literal["USD"] = "USD"
    status: OrderStatus
    created_at: str
    updated_at: str
    history: list[StatusChange] = []  # noqa: RUF012 (a pydantic field: each model gets its own copy)
