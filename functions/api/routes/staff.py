"""Bookstore staff only (the `staff` group, and TOTP where staff MFA is required): the catalog, any order, users."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body

from api.common import SIGNED_IN, responses
from api.schemas import (
    BODY,
    STAFF,
    BookIdPath,
    BookOut,
    Cursor,
    ImageUpload,
    ImageUploadBody,
    Limit,
    NewUserBody,
    OrderIdPath,
    OrderList,
    Registered,
    StatusBody,
    StatusQuery,
    StockBody,
    UserChangeBody,
    UsernamePath,
)
from api.shop import book_out, services, staff
from bookstore.catalog import BookChanges, NewBook
from bookstore.orders import Order
from bookstore.services.user_admin import check_username_format
from bookstore.users import UserProfile

router = Router()  # type: ignore[no-untyped-call]  # Powertools' Router.__init__ is unannotated


@router.post(
    "/books",
    summary="Create a book",
    tags=["staff"],
    security=SIGNED_IN,
    responses=responses(BookOut, 400, *STAFF, 409, *BODY, status=201, description="The book, created"),
)
def create_book(book: Annotated[NewBook, Body()]) -> Response[str]:
    staff(router)
    created = services().catalog.create(book)
    return Response(status_code=201, content_type="application/json", body=book_out(created).model_dump_json())


@router.patch(
    "/books/<book_id>",
    summary="Change a book's details",
    tags=["staff"],
    security=SIGNED_IN,
    responses=responses(BookOut, 400, *STAFF, 404, 409, *BODY),  # 409: changed by someone else meanwhile
)
def update_book(book_id: BookIdPath, changes: Annotated[BookChanges, Body()]) -> BookOut:
    staff(router)
    return book_out(services().catalog.update(book_id, changes))


@router.put(
    "/books/<book_id>/stock",
    summary="Set a book's stock",
    tags=["staff"],
    security=SIGNED_IN,
    responses=responses(BookOut, 400, *STAFF, 404, *BODY),
)
def set_stock(book_id: BookIdPath, body: Annotated[StockBody, Body()]) -> BookOut:
    staff(router)
    return book_out(services().catalog.set_stock(book_id, body.stock))


@router.post(
    "/books/<book_id>/image-upload",
    summary="Presigned upload of a cover",
    tags=["staff"],
    security=SIGNED_IN,
    responses=responses(ImageUpload, 400, *STAFF, 404, *BODY),
)
def image_upload(book_id: BookIdPath, body: Annotated[ImageUploadBody, Body()]) -> ImageUpload:
    staff(router)
    return ImageUpload(**services().catalog.image_upload(book_id, body.content_type))


@router.get(
    "/staff/orders",
    summary="Orders in a status, newest first",
    tags=["staff"],
    security=SIGNED_IN,
    responses=responses(OrderList, 400, *STAFF),
)
def staff_list_orders(status: StatusQuery, limit: Limit = 20, cursor: Cursor = None) -> OrderList:
    staff(router)
    page = services().orders.list_by_status(status, limit, cursor)
    return OrderList(items=page.items, next_cursor=page.next_cursor)


@router.get(
    "/staff/orders/<order_id>",
    summary="Any order",
    tags=["staff"],
    security=SIGNED_IN,
    responses=responses(Order, 400, *STAFF, 404),
)
def staff_get_order(order_id: OrderIdPath) -> Order:
    staff(router)
    return services().orders.get_any(order_id)


@router.put(
    "/staff/orders/<order_id>/status",
    summary="Move an order: PLACED -> SHIPPED -> DELIVERED, or PLACED -> CANCELLED",
    tags=["staff"],
    security=SIGNED_IN,
    responses=responses(Order, 400, *STAFF, 404, 409, *BODY),
)
def move_order(order_id: OrderIdPath, body: Annotated[StatusBody, Body()]) -> Order:
    staff(router)
    return services().orders.move(order_id, body.status)


@router.post(
    "/users",
    summary="Register a user (Cognito invitation + profile)",
    description="201 when the user is created; 200 when a retry finds the same user already registered.",
    tags=["staff"],
    security=SIGNED_IN,
    responses={
        **responses(Registered, 400, *STAFF, 409, *BODY, status=201, description="Registered now"),
        **responses(Registered, description="Already registered with this e-mail (a retry)"),
    },
)
def register_user(body: Annotated[NewUserBody, Body()]) -> Response[str]:
    staff(router)
    created = services().admin.register(
        username=body.username, email=body.email, given_name=body.given_name, family_name=body.family_name
    )
    result = Registered(username=check_username_format(body.username), created=created)
    return Response(status_code=201 if created else 200, content_type="application/json", body=result.model_dump_json())


@router.patch(
    "/users/<username>",
    summary="Change a user's email or name",
    tags=["staff"],
    security=SIGNED_IN,
    responses=responses(UserProfile, 400, *STAFF, 404, 409, *BODY),
)
def edit_user(username: UsernamePath, body: Annotated[UserChangeBody, Body()]) -> UserProfile:
    staff(router)
    return services().admin.edit(username=username, attribute=body.attribute, value=body.value).profile
