"""Orders: lines, totals, the delivery address, the status history and the order number. Money is integer cents;
timestamps are ISO-8601 UTC."""

from __future__ import annotations

import hashlib
import re
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, computed_field, model_validator

from bookstore.addresses import DeliveryAddress
from bookstore.catalog import BookId, Model

OrderStatus = Literal["PLACED", "SHIPPED", "DELIVERED", "CANCELLED"]
ORDER_ID_PATTERN = r"^[0-9A-HJKMNP-TV-Z]{26}$"
MAX_ORDER_LINES = 20
MAX_QUANTITY = 50
OrderId = Annotated[str, Field(pattern=ORDER_ID_PATTERN, description="Order id (ULID)")]

# ---- the order number ---------------------------------------------------------------------------------------
# BK-XXXX-XXXX: 8 characters of Crockford's base 32 (digits and capitals without I, L, O, U, so 1/I/L and 0/O
# cannot be told apart wrongly: a number read back with O, I or L means 0, 1, 1) made from the first 40 bits of
# BLAKE2b(order id). Derived, never stored: the same order always has the same number. 40 bits make a collision
# among one customer's orders improbable (n orders: about n*n / 2**41; 1e-8 for 100 orders), not impossible, and
# numbers are not unique across customers at all, so a number is only ever looked up among the caller's own
# recent orders, and two of them with one number are refused rather than guessed (OrderService.find_mine).
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CROCKFORD_CLASS = "[0-9A-HJKMNP-TV-Z]"
ORDER_NUMBER_PATTERN = rf"^BK-{_CROCKFORD_CLASS}{{4}}-{_CROCKFORD_CLASS}{{4}}$"
_NUMBER_SAID = re.compile(r"^BK-?([0-9A-Z]{4})-?([0-9A-Z]{4})$")
_NUMBER_DESCRIPTION = "The order number customers see and say, BK-XXXX-XXXX, derived from order_id"
_MISREAD = str.maketrans({"O": "0", "I": "1", "L": "1"})


def order_number(order_id: str) -> str:
    """The order's short number, BK-XXXX-XXXX, derived from its id."""
    value = int.from_bytes(hashlib.blake2b(order_id.encode(), digest_size=5).digest(), "big")
    chars = "".join(_CROCKFORD[(value >> shift) & 31] for shift in range(35, -1, -5))
    return f"BK-{chars[:4]}-{chars[4:]}"


def parse_order_number(text: str) -> str | None:
    """The number `text` names, as order_number() writes it, or None when it is no order number. Case, spaces
    and the hyphens do not matter ("bk7k3m9qxt"), and O, I, L are read as 0, 1, 1 (Crockford's decoding)."""
    match = _NUMBER_SAID.match(re.sub(r"\s+", "", text).upper())
    if match is None:
        return None
    chars = "".join(match.groups()).translate(_MISREAD)
    if any(char not in _CROCKFORD for char in chars):  # U: never in a number
        return None
    return f"BK-{chars[:4]}-{chars[4:]}"


class OrderLineRequest(Model):
    book_id: BookId
    quantity: Annotated[int, Field(ge=1, le=MAX_QUANTITY, strict=True)]  # not `true` nor "2": a count


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
    # The document shows `number` (a computed field) in the response schema: the API only ever sends an Order.
    model_config = ConfigDict(frozen=True, extra="forbid", json_schema_mode_override="serialization")

    order_id: OrderId
    username: str
    lines: list[OrderLine]
    total_cents: int
    currency: Literal["USD"] = "USD"
    status: OrderStatus
    created_at: str
    updated_at: str
    history: list[StatusChange] = []  # noqa: RUF012 (a pydantic field: each model gets its own copy)
    delivery_address: DeliveryAddress | None = None

    @computed_field(description=_NUMBER_DESCRIPTION)  # type: ignore[prop-decorator]  # pydantic's documented use
    @property
    def number(self) -> str:
        return order_number(self.order_id)

    @model_validator(mode="before")
    @classmethod
    def _derived_number(cls, data: Any) -> Any:
        """An order read back from its own dump (the idempotency record, a test) carries its number: derived from
        the id, so dropped here rather than refused as an unknown field."""
        if isinstance(data, dict) and "number" in data:
            data = {key: value for key, value in data.items() if key != "number"}
        return data
