"""The REST API's request and response bodies and its path/query parameters (docs/openapi.json is made from
these). Domain models (Book, Order, UserProfile) are returned as they are; these add what only the API shows."""

from __future__ import annotations

from typing import Annotated, Literal

from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from pydantic import BaseModel, ConfigDict, Field

from bookstore.addresses import DeliveryAddress
from bookstore.catalog import BOOK_ID_PATTERN, MAX_PAGE_SIZE, Book
from bookstore.orders import MAX_ORDER_LINES, ORDER_ID_PATTERN, Order, OrderLineRequest, OrderStatus
from bookstore.users import USERNAME_MAX_LENGTH, USERNAME_MIN_LENGTH

# The error statuses of the routes (docs/openapi.json; 429 is added to every route): signed in, staff, a body.
AUTH, STAFF, BODY = (401,), (401, 403), (413, 415)
# What check_username_format enforces (bookstore.users.USERNAME_RE after strip() and lower()).
USERNAME_INPUT_PATTERN = rf"^\s*[A-Za-z][A-Za-z0-9._-]{{{USERNAME_MIN_LENGTH - 1},{USERNAME_MAX_LENGTH - 1}}}\s*$"
BookIdPath = Annotated[str, Path(pattern=BOOK_ID_PATTERN, description="Book id")]
OrderIdPath = Annotated[str, Path(pattern=ORDER_ID_PATTERN, description="Order id")]
UsernamePath = Annotated[
    str, Path(min_length=USERNAME_MIN_LENGTH, max_length=USERNAME_MAX_LENGTH, pattern=USERNAME_INPUT_PATTERN)
]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="Page size")]
Cursor = Annotated[str | None, Query(max_length=512, description="next_cursor of the previous page")]
StatusQuery = Annotated[OrderStatus, Query(description="The status whose orders to list")]

# ---- responses --------------------------------------------------------------------------------------


class BookOut(Book):
    image_url: str | None = None
    score: float | None = None


class BookList(BaseModel):
    items: list[BookOut]
    next_cursor: str | None = None
    did_you_mean: str | None = Field(
        default=None, description="The query with its misspelt words corrected, when a search corrected one"
    )


class HomeRow(BaseModel):
    id: str = Field(description="featured, bestsellers (books that sold), staff-picks (until one has), new-arrivals")
    title: str
    items: list[BookOut]


class Home(BaseModel):
    rows: list[HomeRow] = Field(description="In the order shown; a row with no book is left out")


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


class ImageUpload(BaseModel):
    url: str
    fields: dict[str, str]
    image_key: str
    expires_in: int


class Registered(BaseModel):
    username: str
    created: bool


# ---- requests ---------------------------------------------------------------------------------------


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PlaceOrderBody(_Request):
    lines: list[OrderLineRequest] = Field(min_length=1, max_length=MAX_ORDER_LINES)
    delivery_address: DeliveryAddress | None = Field(
        default=None,
        description="Where to send the books; part of what the Idempotency-Key stands for. Without it, the address "
        "saved on my profile (PATCH /me); with neither, 400.",
    )


class ProfileChanges(_Request):
    given_name: Annotated[str, Field(min_length=1, max_length=64)] | None = None
    family_name: Annotated[str, Field(min_length=1, max_length=64)] | None = None
    # Only the address the caller has verified in Cognito (docs/api.md#account-rules).
    email: Annotated[str, Field(min_length=3, max_length=254)] | None = None
    # Saved for my next orders (the shop's checkout saves it; the bot orders to it); null forgets it.
    delivery_address: DeliveryAddress | None = Field(
        default=None, description="Where my orders go unless I name another; null forgets the saved one"
    )


class StockBody(_Request):
    stock: Annotated[int, Field(ge=0, le=1_000_000, strict=True)]


class ImageUploadBody(_Request):
    content_type: Literal["image/jpeg", "image/png", "image/webp"]


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
