"""The catalog: books, genres and pages of results. Money is integer cents; timestamps are ISO-8601 UTC."""

from __future__ import annotations

import hashlib
from typing import Annotated, Generic, Literal, TypeVar, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bookstore.errors import ValidationError
from bookstore.ids import slug

Genre = Literal[
    "adventure", "children", "classics", "drama", "fantasy", "history", "horror", "mystery", "philosophy",
    "poetry", "romance", "satire", "science fiction",
]  # fmt: skip
# The genres, in the order shown; the bot's Genre slot type lists the same (tests/unit/test_bot_model.py).
GENRES: tuple[str, ...] = get_args(Genre)
BOOK_ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,95}$"

BookId = Annotated[str, Field(pattern=BOOK_ID_PATTERN, description="Book id, e.g. pride-and-prejudice-jane-austen")]
Cents = Annotated[int, Field(ge=0, le=100_000_00, description="Amount in US cents")]
# Something to read: at least one character that is not a space.
Title = Annotated[str, Field(min_length=1, max_length=200, pattern=r"\S")]
Author = Annotated[str, Field(min_length=1, max_length=120, pattern=r"\S")]


class Model(BaseModel):
    """Frozen, and refuses unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Book(Model):
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


class NewBook(Model):
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


class BookChanges(Model):
    title: Title | None = None
    author: Author | None = None
    genre: Genre | None = None
    year: Annotated[int, Field(ge=-3000, le=2100)] | None = None
    price_cents: Cents | None = None
    description: Annotated[str, Field(max_length=2000)] | None = None


T = TypeVar("T")
# Items in one page of any listing (books, orders, recommendations): the API's `limit`, the services and the bot.
MAX_PAGE_SIZE = 50


def page_size(limit: int) -> int:
    """`limit` if it is a page size every listing accepts; else a ValidationError (400)."""
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise ValidationError(f"limit must be between 1 and {MAX_PAGE_SIZE}")
    return limit


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


class SearchHit(Model):
    book: Book
    score: float


class SearchPage(Page[SearchHit]):
    """A page of search hits; `did_you_mean` is the query with its misspelt words corrected, when one was."""

    did_you_mean: str | None = None


# The staff's picks: the home page's "featured" row, in this order (ids of the sample catalog, data/books.csv).
# There is no picking UI: staff change this list, and ids the catalog does not have are skipped.
FEATURED_BOOK_IDS: tuple[str, ...] = (
    "pride-and-prejudice-jane-austen",
    "dracula-bram-stoker",
    "the-adventures-of-sherlock-holmes-arthur-conan-doyle",
    "les-miserables-victor-hugo",
    "moby-dick-herman-melville",
    "the-count-of-monte-cristo-alexandre-dumas",
)
