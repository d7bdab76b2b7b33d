"""Orders table: CUSTOMER#<username>/ORDER#<order id>, gsi1 by order id, gsi2 by status. Streams to the
recommendations worker.

Placing decrements every line's stock and writes the order in one transaction with conditions, so stock
never goes negative and nothing is sold twice; cancelling returns the stock in one transaction too.
"""

from __future__ import annotations

from typing import Any

from bookstore.catalog import Book
from bookstore.errors import Conflict, InvalidTransition, OrderNotFound, OutOfStock, ValidationError
from bookstore.orders import Order, OrderStatus
from bookstore.repositories.dynamo import DynamoRepository, from_item, to_item
from bookstore.repositories.products import ProductRepository


def order_key(username: str, order_id: str) -> dict[str, Any]:
    return to_item({"pk": f"CUSTOMER#{username}", "sk": f"ORDER#{order_id}"})


def _order_item(order: Order) -> dict[str, Any]:
    return {
        "pk": f"CUSTOMER#{order.username}",
        "sk": f"ORDER#{order.order_id}",
        "type": "order",
        "gsi1pk": f"ORDER#{order.order_id}",
        "gsi1sk": "ORDER",
        "gsi2pk": f"STATUS#{order.status}",
        "gsi2sk": f"{order.created_at}#{order.order_id}",
        **order.model_dump(exclude={"number"}),  # derived from the id on every read, never stored
    }


_BAD_CURSOR = "The cursor is not valid; use the next_cursor of a previous page."


def checked_start_key(
    start_key: dict[str, Any] | None, exact: dict[str, str], prefixes: dict[str, str]
) -> dict[str, Any] | None:
    """`start_key` (a decoded cursor) if it is a LastEvaluatedKey of this listing: exactly the attributes named in
    `exact` and `prefixes`, each a string, equal to its `exact` value or starting with its `prefixes` one. Else a
    ValidationError (400): never DynamoDB's ValidationException (a 500), nor a page of another listing."""
    if not start_key:
        return None
    if set(start_key) != set(exact) | set(prefixes):
        raise ValidationError(_BAD_CURSOR)
    for name, value in start_key.items():
        text = value.get("S") if isinstance(value, dict) and len(value) == 1 else None
        if not isinstance(text, str):
            raise ValidationError(_BAD_CURSOR)
        if (text != exact[name]) if name in exact else (not text.startswith(prefixes[name])):
            raise ValidationError(_BAD_CURSOR)
    return start_key


def _to_order(item: dict[str, Any]) -> Order:
    data = from_item(item)
    fields = set(Order.model_fields)

    return Order.model_validate({k: v for k, v in data.items() if k in fields})


class OrderRepository(DynamoRepository):
    """The orders table. Placing and cancelling also write the products table's stock, in the same transaction:
    `products` makes those transaction items (on the same DynamoDB client, which TransactWriteItems needs)."""

    def __init__(self, table_name: str, products: ProductRepository, client: Any | None = None) -> None:
        super().__init__(table_name, client)
        self.products = products

    def place(self, order: Order, books: dict[str, Book]) -> Order:
        items = [self.products.reserve_stock(books[line.book_id], line.quantity) for line in order.lines]
        items.append(
            {
                "Put": {
                    "TableName": self.table,
                    "Item": to_item(_order_item(order)),
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            }
        )
        codes = self.transact(items)
        for line, code in zip(order.lines, codes or [], strict=False):
            if code == "ConditionalCheckFailed":
                book = books[line.book_id]
                raise OutOfStock(
                    f"Not enough stock of {book.title!r} for {line.quantity} "
                    "(or its price just changed); please check the book and try again."
                )
        if codes:
            raise Conflict(f"Order {order.order_id} could not be written; please try again.")
        return order

    def get(self, order_id: str) -> Order | None:
        response = self.client.query(
            TableName=self.table,
            IndexName="gsi1",
            KeyConditionExpression="gsi1pk = :o",
            ExpressionAttributeValues=to_item({":o": f"ORDER#{order_id}"}),
            Limit=1,
        )
        items = response.get("Items", [])
        return _to_order(items[0]) if items else None

    def list_for(
        self, username: str, limit: int, start_key: dict[str, Any] | None
    ) -> tuple[list[Order], dict[str, Any] | None]:
        kwargs: dict[str, Any] = {
            "TableName": self.table,
            "KeyConditionExpression": "pk = :c AND begins_with(sk, :o)",
            "ExpressionAttributeValues": to_item({":c": f"CUSTOMER#{username}", ":o": "ORDER#"}),
            "ScanIndexForward": False,  # newest first: order ids sort by time
            "Limit": limit,
        }
        start = checked_start_key(start_key, {"pk": f"CUSTOMER#{username}"}, {"sk": "ORDER#"})
        if start:
            kwargs["ExclusiveStartKey"] = start
        response = self.client.query(**kwargs)
        return [_to_order(i) for i in response.get("Items", [])], response.get("LastEvaluatedKey")

    def list_by_status(
        self, status: OrderStatus, limit: int, start_key: dict[str, Any] | None
    ) -> tuple[list[Order], dict[str, Any] | None]:
        """The orders in `status`, newest first: gsi2 (STATUS#<status> / <created_at>#<order id>), read backwards."""
        kwargs: dict[str, Any] = {
            "TableName": self.table,
            "IndexName": "gsi2",
            "KeyConditionExpression": "gsi2pk = :s",
            "ExpressionAttributeValues": to_item({":s": f"STATUS#{status}"}),
            "ScanIndexForward": False,
            "Limit": limit,
        }
        prefixes = {"pk": "CUSTOMER#", "sk": "ORDER#", "gsi2sk": ""}
        start = checked_start_key(start_key, {"gsi2pk": f"STATUS#{status}"}, prefixes)
        if start:
            kwargs["ExclusiveStartKey"] = start
        response = self.client.query(**kwargs)
        return [_to_order(i) for i in response.get("Items", [])], response.get("LastEvaluatedKey")

    def change_status(self, order: Order, new_status: OrderStatus, at: str, *, return_stock: bool = False) -> Order:
        """Move an order from its current status; with `return_stock`, put its books back in the same transaction."""
        history = [*(h.model_dump() for h in order.history), {"status": new_status, "at": at}]
        update = {
            "Update": {
                "TableName": self.table,
                "Key": order_key(order.username, order.order_id),
                "UpdateExpression": "SET #s = :new, gsi2pk = :g, updated_at = :t, history = :h",
                "ConditionExpression": "#s = :old",
                "ExpressionAttributeNames": {"#s": "status"},
                "ExpressionAttributeValues": to_item(
                    {":new": new_status, ":old": order.status, ":g": f"STATUS#{new_status}", ":t": at, ":h": history}
                ),
            }
        }
        items: list[dict[str, Any]] = [update]
        if return_stock:
            items += [self.products.return_stock(line.book_id, line.quantity) for line in order.lines]
        codes = self.transact(items)
        if codes:
            current = self.get(order.order_id)
            if current is None:
                raise OrderNotFound(f"There is no order {order.order_id}.")
            raise InvalidTransition(f"Order {order.order_id} is {current.status} now and cannot become {new_status}.")
        return Order.model_validate({**order.model_dump(), "status": new_status, "updated_at": at, "history": history})
