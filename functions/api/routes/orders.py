"""A signed-in customer's orders: place (idempotent), list, one, cancel."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Header

from api.common import SIGNED_IN, responses
from api.schemas import AUTH, BODY, Cursor, Limit, OrderIdPath, OrderList, PlaceOrderBody
from api.shop import services, signed_in
from bookstore.orders import Order
from bookstore.services.orders import PlaceOrderRequest

router = Router()  # type: ignore[no-untyped-call]  # Powertools' Router.__init__ is unannotated

IdempotencyKey = Annotated[
    str, Header(alias="Idempotency-Key", min_length=8, max_length=128, pattern=r"^[A-Za-z0-9._:-]+$")
]


@router.get(
    "/orders",
    summary="My orders, newest first",
    tags=["orders"],
    security=SIGNED_IN,
    responses=responses(OrderList, 400, *AUTH),
)
def list_orders(limit: Limit = 20, cursor: Cursor = None) -> OrderList:
    page = services().orders.list_mine(signed_in(router), limit, cursor)
    return OrderList(items=page.items, next_cursor=page.next_cursor)


@router.post(
    "/orders",
    summary="Place an order",
    description="Idempotent on the Idempotency-Key header: a retry with the same key returns the same order "
    "and takes the stock once; the same key with other lines or another delivery address is a 409. Totals are "
    "computed from the catalog.",
    tags=["orders"],
    security=SIGNED_IN,
    responses=responses(
        Order,
        400,
        *AUTH,
        404,
        409,
        *BODY,
        status=201,
        description="The order (placed now, or placed by an earlier request with the same Idempotency-Key)",
    ),
)
def place_order(body: Annotated[PlaceOrderBody, Body()], idempotency_key: IdempotencyKey) -> Response[str]:
    who = signed_in(router)
    shop = services()
    request = PlaceOrderRequest(
        username=who.username,
        idempotency_key=idempotency_key,
        lines=body.lines,
        delivery_address=shop.profiles.delivery_address(who, body.delivery_address),
    )
    order = shop.orders.place(request, router.lambda_context)
    return Response(status_code=201, content_type="application/json", body=order.model_dump_json())


@router.get(
    "/orders/<order_id>",
    summary="One of my orders",
    tags=["orders"],
    security=SIGNED_IN,
    responses=responses(Order, 400, *AUTH, 404),
)
def get_order(order_id: OrderIdPath) -> Order:
    return services().orders.get_mine(signed_in(router), order_id)


@router.post(
    "/orders/<order_id>/cancel",
    summary="Cancel my order (while PLACED)",
    tags=["orders"],
    security=SIGNED_IN,
    responses=responses(Order, 400, *AUTH, 404, 409),
)
def cancel_order(order_id: OrderIdPath) -> Order:
    return services().orders.cancel_mine(signed_in(router), order_id)
