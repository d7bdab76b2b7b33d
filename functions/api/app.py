"""The bookstore REST API: routes, validation from pydantic models, and one place mapping errors to statuses."""

from __future__ import annotations

from functools import cache
from typing import Annotated, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Header, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from api.common import SIGNED_IN, claims, create_resolver, responses
from api.common import caller as caller_from
from bookstore import aws
from bookstore.catalog import BOOK_ID_PATTERN, GENRES, Book, BookChanges, Genre, NewBook
from bookstore.env import ApiEnv
from bookstore.errors import NotAuthorized, ValidationError
from bookstore.identity import Caller
from bookstore.observability import tracer
from bookstore.orders import ORDER_ID_PATTERN, Order, OrderLineRequest, OrderStatus
from bookstore.services.orders import PlaceOrderRequest
from bookstore.users import USERNAME_MAX_LENGTH, USERNAME_MIN_LENGTH, UserProfile
from bookstore.wiring import Services, build_services

ENV = ApiEnv.load()
app = create_resolver(ENV.allowed_origin)


@cache
def services() -> Services:
    return build_services(ENV, images_bucket=ENV.images_bucket_name or None, s3=aws.client("s3"))


def caller() -> Caller:
    who = caller_from(app)
    tracer.put_annotation("caller_is_staff", who.is_staff)
    return who


def caller_email() -> str | None:
    email = claims(app).get("email")
    return str(email) if email else None


def staff() -> Caller:
    who = caller()
    if not who.is_staff:
        raise NotAuthorized("Only bookstore staff may do this.")
    # Where staff MFA is required (prod), the caller's account must have TOTP enabled (403 NotAuthorized).
    services().admin.require_staff_second_factor(who.username)
    return who


# ---- response models --------------------------------------------------------------------------------


class BookOut(Book):
    image_url: str | None = None
    score: float | None = None


class BookList(BaseModel):
    items: list[BookOut]
    next_cursor: str | None = None


class OrderList(BaseModel):
    items: list[Order]
    next_cursor: str | None = None


class Genres(BaseModel):
    genres: list[str]


class RecommendationOut(BaseModel):
    book: BookOut
    reason: str


class Recommendations(BaseModel):
    items: list[RecommendationOut]


# ---- request models ---------------------------------------------------------------------------------


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PlaceOrderBody(_Request):
    lines: list[OrderLineRequest] = Field(min_length=1, max_length=20)


class ProfileChanges(_Request):
    given_name: Annotated[str, Field(min_length=1, max_length=64)] | None = None
    family_name: Annotated[str, Field(min_length=1, max_length=64)] | None = None
    # Only the address the caller has verified in Cognito (docs/api.md#account-rules).
    email: Annotated[str, Field(min_length=3, max_length=254)] | None = None


class StockBody(_Request):
    stock: Annotated[int, Field(ge=0, le=1_000_000)]


class ImageUploadBody(_Request):
    content_type: Literal["image/jpeg", "image/png", "image/webp"]


class ImageUpload(BaseModel):
    url: str
    fields: dict[str, str]
    image_key: str
    expires_in: int


class StatusBody(_Request):
    status: OrderStatus


class NewUserBody(_Request):
    username: Annotated[
        str, Field(min_length=USERNAME_MIN_LENGTH, max_length=USERNAME_MAX_LENGTH, pattern=USERNAME_INPUT_PATTERN)
    ]
    email: Annotated[str, Field(min_length=3, max_length=254)]
    given_name: Annotated[str, Field(min_length=1, max_length=64)] | None = None
    family_name: Annotated[str, Field(min_length=1, max_length=64)] | None = None


class UserChangeBody(_Request):
    attribute: Literal["email", "first name", "last name"]
    value: Annotated[str, Field(min_length=1, max_length=254)]


class Registered(BaseModel):
    username: str
    created: bool


# The error statuses of the routes (docs/openapi.json; 429 is added to every route): signed in, staff, a body.
AUTH, STAFF, BODY = (401,), (401, 403), (413, 415)
# What check_username_format enforces (bookstore.users.USERNAME_RE after strip() and lower()).
USERNAME_INPUT_PATTERN = rf"^\s*[A-Za-z][A-Za-z0-9._-]{{{USERNAME_MIN_LENGTH - 1},{USERNAME_MAX_LENGTH - 1}}}\s*$"
BookIdPath = Annotated[str, Path(pattern=BOOK_ID_PATTERN, description="Book id")]
OrderIdPath = Annotated[str, Path(pattern=ORDER_ID_PATTERN, description="Order id")]
Limit = Annotated[int, Query(ge=1, le=50, description="Page size")]
Cursor = Annotated[str | None, Query(max_length=512, description="next_cursor of the previous page")]


def _book_out(book: Book, score: float | None = None) -> BookOut:
    return BookOut(**book.model_dump(), image_url=services().catalog.image_url(book), score=score)


# ---- public catalog ---------------------------------------------------------------------------------


@app.get("/books", summary="Search or browse books", tags=["catalog"], responses=responses(BookList, 400))
def list_books(
    q: Annotated[str | None, Query(max_length=200, description="Words of a title, an author or a genre")] = None,
    genre: Annotated[Genre | None, Query(description="Browse one genre, by title")] = None,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> BookList:
    catalog = services().catalog
    if q:
        page = catalog.search(q, limit, cursor)
        return BookList(items=[_book_out(h.book, h.score) for h in page.items], next_cursor=page.next_cursor)
    if genre:
        browsed = catalog.browse(genre, limit, cursor)
        return BookList(items=[_book_out(b) for b in browsed.items], next_cursor=browsed.next_cursor)
    raise ValidationError("Give q to search or genre to browse.")


@app.get("/books/<book_id>", summary="Get a book", tags=["catalog"], responses=responses(BookOut, 400, 404))
def get_book(book_id: BookIdPath) -> BookOut:
    return _book_out(services().catalog.get(book_id))


@app.get(
    "/books/<book_id>/similar",
    summary="Customers who bought this book also bought",
    tags=["recommendations"],
    responses=responses(Recommendations, 400, 404),
)
def similar_books(book_id: BookIdPath, limit: Limit = 10) -> Recommendations:
    picks = services().recommendations.similar_to(book_id, limit)
    return Recommendations(items=[RecommendationOut(book=_book_out(p.book), reason=p.reason) for p in picks])


@app.get("/genres", summary="The genres of the catalog", tags=["catalog"], responses=responses(Genres))
def list_genres() -> Genres:
    return Genres(genres=list(GENRES))


# ---- customer routes --------------------------------------------------------------------------------


@app.get("/me", summary="My profile", tags=["me"], security=SIGNED_IN, responses=responses(UserProfile, 400, *AUTH))
def get_me() -> UserProfile:
    who = caller()
    assert who.username is not None
    return services().profiles.me(who.username, caller_email())


@app.patch(
    "/me",
    summary="Change my name, or take my newly verified e-mail",
    tags=["me"],
    security=SIGNED_IN,
    responses=responses(UserProfile, 400, *AUTH, 403, 409, *BODY),
)
def patch_me(changes: Annotated[ProfileChanges, Body()]) -> UserProfile:
    who = caller()
    assert who.username is not None
    return services().profiles.update_me(
        who.username,
        caller_email(),
        given_name=changes.given_name,
        family_name=changes.family_name,
        new_email=changes.email,
    )


@app.get(
    "/orders",
    summary="My orders, newest first",
    tags=["orders"],
    security=SIGNED_IN,
    responses=responses(OrderList, 400, *AUTH),
)
def list_orders(limit: Limit = 20, cursor: Cursor = None) -> OrderList:
    who = caller()
    assert who.username is not None
    page = services().orders.list_mine(who.username.lower(), limit, cursor)
    return OrderList(items=page.items, next_cursor=page.next_cursor)


@app.post(
    "/orders",
    summary="Place an order",
    description="Idempotent on the Idempotency-Key header: a retry with the same key returns the same order "
    "and takes the stock once. Totals are computed from the catalog.",
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
def place_order(
    body: Annotated[PlaceOrderBody, Body()],
    idempotency_key: Annotated[
        str, Header(alias="Idempotency-Key", min_length=8, max_length=128, pattern=r"^[A-Za-z0-9._:-]+$")
    ],
) -> Response[str]:
    who = caller()
    assert who.username is not None
    order = services().orders.place(
        PlaceOrderRequest(username=who.username.lower(), idempotency_key=idempotency_key, lines=body.lines),
        app.lambda_context,
    )
    return Response(status_code=201, content_type="application/json", body=order.model_dump_json())


@app.get(
    "/orders/<order_id>",
    summary="One of my orders",
    tags=["orders"],
    security=SIGNED_IN,
    responses=responses(Order, 400, *AUTH, 404),
)
def get_order(order_id: OrderIdPath) -> Order:
    who = caller()
    assert who.username is not None
    return services().orders.get_mine(who.username.lower(), order_id)


@app.post(
    "/orders/<order_id>/cancel",
    summary="Cancel my order (while PLACED)",
    tags=["orders"],
    security=SIGNED_IN,
    responses=responses(Order, 400, *AUTH, 404, 409),
)
def cancel_order(order_id: OrderIdPath) -> Order:
    who = caller()
    assert who.username is not None
    return services().orders.cancel_mine(who.username.lower(), order_id)


@app.get(
    "/recommendations",
    summary="Books picked for me",
    tags=["recommendations"],
    security=SIGNED_IN,
    responses=responses(Recommendations, 400, *AUTH),
)
def recommendations(
    genre: Annotated[Genre | None, Query(description="Only this genre")] = None, limit: Limit = 10
) -> Recommendations:
    who = caller()
    picks = services().recommendations.for_customer(who.username, genre, limit)
    return Recommendations(items=[RecommendationOut(book=_book_out(p.book), reason=p.reason) for p in picks])


# ---- staff routes -----------------------------------------------------------------------------------


@app.post(
    "/books",
    summary="Create a book",
    tags=["staff"],
    security=SIGNED_IN,
    responses=responses(BookOut, 400, *STAFF, 409, *BODY, status=201, description="The book, created"),
)
def create_book(book: Annotated[NewBook, Body()]) -> Response[str]:
    staff()
    created = services().catalog.create(book)
    return Response(status_code=201, content_type="application/json", body=_book_out(created).model_dump_json())


@app.patch(
    "/books/<book_id>",
    summary="Change a book's details",
    tags=["staff"],
    security=SIGNED_IN,
    responses=responses(BookOut, 400, *STAFF, 404, 409, *BODY),  # 409: changed by someone else meanwhile
)
def update_book(book_id: BookIdPath, changes: Annotated[BookChanges, Body()]) -> BookOut:
    staff()
    return _book_out(services().catalog.update(book_id, changes))


@app.put(
    "/books/<book_id>/stock",
    summary="Set a book's stock",
    tags=["staff"],
    security=SIGNED_IN,
    responses=responses(BookOut, 400, *STAFF, 404, *BODY),
)
def set_stock(book_id: BookIdPath, body: Annotated[StockBody, Body()]) -> BookOut:
    staff()
    return _book_out(services().catalog.set_stock(book_id, body.stock))


@app.post(
    "/books/<book_id>/image-upload",
    summary="Presigned upload of a cover",
    tags=["staff"],
    security=SIGNED_IN,
    responses=responses(ImageUpload, 400, *STAFF, 404, *BODY),
)
def image_upload(book_id: BookIdPath, body: Annotated[ImageUploadBody, Body()]) -> ImageUpload:
    staff()
    return ImageUpload(**services().catalog.image_upload(book_id, body.content_type))


@app.get(
    "/staff/orders/<order_id>",
    summary="Any order",
    tags=["staff"],
    security=SIGNED_IN,
    responses=responses(Order, 400, *STAFF, 404),
)
def staff_get_order(order_id: OrderIdPath) -> Order:
    staff()
    return services().orders.get_any(order_id)


@app.put(
    "/staff/orders/<order_id>/status",
    summary="Move an order: PLACED -> SHIPPED -> DELIVERED, or PLACED -> CANCELLED",
    tags=["staff"],
    security=SIGNED_IN,
    responses=responses(Order, 400, *STAFF, 404, 409, *BODY),
)
def move_order(order_id: OrderIdPath, body: Annotated[StatusBody, Body()]) -> Order:
    staff()
    return services().orders.move(order_id, body.status)


@app.post(
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
    staff()
    created = services().admin.register(
        username=body.username, email=body.email, given_name=body.given_name, family_name=body.family_name
    )
    result = Registered(username=body.username.strip().lower(), created=created)
    return Response(status_code=201 if created else 200, content_type="application/json", body=result.model_dump_json())


@app.patch(
    "/users/<username>",
    summary="Change a user's email or name",
    tags=["staff"],
    security=SIGNED_IN,
    responses=responses(UserProfile, 400, *STAFF, 404, 409, *BODY),
)
def edit_user(
    username: Annotated[
        str, Path(min_length=USERNAME_MIN_LENGTH, max_length=USERNAME_MAX_LENGTH, pattern=USERNAME_INPUT_PATTERN)
    ],
    body: Annotated[UserChangeBody, Body()],
) -> UserProfile:
    staff()
    return services().admin.edit(username=username, attribute=body.attribute, value=body.value).profile
