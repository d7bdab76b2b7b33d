"""Catalog and order models. Money is integer cents; timestamps are ISO-8601 UTC."""

from __future__ import annotations

import hashlib
from typing import Annotated, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bookstore.ids import slug

GENRES: tuple[str, ...] = (
    "adventure", "children", "classics", "drama", "fantasy", "history", "horror", "mystery", "philosophy",
    "poetry", "romance", "satire", "science fiction",
)  # fmt: skip
Genre = Literal[
    "adventure", "children", "classics", "drama", "fantasy", "history", "horror", "mystery", "philosophy",
    "poetry", "romance", "satire", "science fiction",
]  # fmt: skip
OrderStatus = Literal["PLACED", "SHIPPED", "DELIVERED", "CANCELLED"]
BOOK_ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,95}$"
ORDER_ID_PATTERN = r"^[0-9A-HJKMNP-TV-Z]{26}$"
MAX_ORDER_LINES = 20
MAX_QUANTITY = 50

BookId = Annotated[str, Field(pattern=BOOK_ID_PATTERN, description="Book id, e.g. pride-and-prejudice-jane-austen")]
OrderId = Annotated[str, Field(pattern=ORDER_ID_PATTERN, description="Order id (ULID)")]
Cents = Annotated[int, Field(ge=0, le=100_000_00, description="Amount in US cents")]
# Something to read: at least one character that is not a space.
Title = Annotated[str, Field(min_length=1, max_length=200, pattern=r"\S")]
Author = Annotated[str, Field(min_length=1, max_length=120, pattern=r"\S")]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Book(_Model):
    book_id: BookId
    title: Title
    author: Author
    genre: Genre
    year: Annotated[int, Field(ge=-3000, le=2100)]
    price_cents: Cents
    stock: Annotated[int, Field(ge=0, le=1_000_000)]
    description: Annotated[str, Field(max_length=2000)] = ""
    image_key: str | None = None
    created_at: str | None = None
    updated_at: str | None = None

    @field_validator("title", "author", "description")
    @classmethod
    def _strip(cls, value: str) -> str:
        return " ".join(value.split())


class NewBook(_Model):
    """What staff send to create a book; the id is derived from title and author."""

    title: Title
    author: Author
    genre: Genre
    year: Annotated[int, Field(ge=-3000, le=2100)]
    price_cents: Cents
    stock: Annotated[int, Field(ge=0, le=1_000_000)] = 0
    description: Annotated[str, Field(max_length=2000)] = ""

    @property
    def book_id(self) -> str:
        """A readable slug of the title and author; a title and author with no letter or digit from A to Z (東京
        by 夏目, or "!!!") get a stable id from their hash instead."""
        readable = slug(self.title, self.author)
        if readable:
            return readable
        digest = hashlib.sha256(f"{self.title}\n{self.author}".encode()).hexdigest()[:16]
        return f"book-{digest}"


class BookChanges(_Model):
    title: Title | None = None
    author: Author | None = None
    genre: Genre | None = None
    year: Annotated[int, Field(ge=-3000, le=2100)] | None = None
    price_cents: Cents | None = None
    description: Annotated[str, Field(max_length=2000)] | None = None


class OrderLineRequest(_Model):
    book_id: BookId
    quantity: Annotated[int, Field(ge=1, le=MAX_QUANTITY)]


class OrderLine(_Model):
    book_id: BookId
    title: str
    quantity: int
    unit_price_cents: int
    line_total_cents: int


class StatusChange(_Model):
    status: OrderStatus
    at: str


class Order(_Model):
    order_id: OrderId
    username: str
    lines: list[OrderLine]
    total_cents: int
    currency: Literal["USD"] = "USD"
    status: OrderStatus
    created_at: str
    updated_at: str
    history: list[StatusChange] = []


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


class SearchHit(_Model):
    book: Book
    score: float
