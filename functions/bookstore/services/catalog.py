"""The catalog: get, browse by genre, keyword search (ranked, paginated, no Scan), staff operations."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from bookstore.catalog import GENRES, Book, BookChanges, NewBook, Page, SearchHit, SearchPage, page_size
from bookstore.errors import BookNotFound, ValidationError
from bookstore.ports import ProductStore
from bookstore.repositories.cursor import decode_cursor, encode_cursor
from bookstore.search import tokens
from bookstore.services.search import find, query_words

IMAGE_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
MAX_IMAGE_BYTES = 5 * 1024 * 1024
URL_TTL_SECONDS = 900


TITLE_CANDIDATES = 10  # search hits find_by_title looks through for the exact title


@dataclass
class CatalogService:
    products: ProductStore
    images_bucket: str | None = None
    s3: Any = None

    def get(self, book_id: str) -> Book:
        book = self.products.get(book_id)
        if book is None:
            raise BookNotFound(f"There is no book {book_id}.")
        return book

    def browse(self, genre: str, limit: int = 20, cursor: str | None = None) -> Page[Book]:
        if genre not in GENRES:
            raise ValidationError(f"Unknown genre {genre!r}. Genres: {', '.join(GENRES)}.")
        books, last = self.products.by_genre(genre, page_size(limit), decode_cursor(cursor))
        return Page[Book](items=books, next_cursor=encode_cursor(last))

    def search(self, query: str, limit: int = 20, cursor: str | None = None) -> SearchPage:
        """Rank books by the query words they contain (title 3, author 2, genre 1), exact words above the words
        completed from a prefix or corrected from a typo (bookstore.services.search)."""
        query_words(query)
        limit = page_size(limit)
        offset = (decode_cursor(cursor) or {}).get("offset", 0)
        if type(offset) is not int or offset < 0:
            raise ValidationError("The cursor is not valid; use the next_cursor of a previous page.")
        ranking, did_you_mean = find(self.products, query)
        ranked = ranking.ranked()
        page_ids = ranked[offset : offset + limit]
        books = self.products.get_many(page_ids)
        hits = [SearchHit(book=books[b], score=ranking.score(b)) for b in page_ids if b in books]
        next_offset = offset + limit
        return SearchPage(
            items=hits,
            next_cursor=encode_cursor({"offset": next_offset}) if next_offset < len(ranked) else None,
            did_you_mean=did_you_mean,
        )

    def find_by_title(self, title: str) -> Book | None:
        """The best single match for a title someone typed or said (the bot's PlaceOrder)."""
        page = self.search(title, limit=TITLE_CANDIDATES)
        hits = page.items
        if not hits:
            return None
        wanted = tokens(page.did_you_mean or title)  # "Drakula" is Dracula
        # The book whose title is what was typed wins over a better-ranked one that only contains it ("The Prince"
        # is not "The Happy Prince and Other Tales", "The Jungle Book" not "The Jungle").
        exact = next((hit.book for hit in hits if tokens(hit.book.title) == wanted), None)
        if exact is not None:
            return exact
        # Else the best-ranked book, if its title holds the words typed but at most one in three ("the great
        # gatsbee" is not Great Expectations: half the words is too few to order a book by).
        found = set(tokens(hits[0].book.title))
        needed = len(set(wanted)) - len(set(wanted)) // 3
        return hits[0].book if wanted and len(set(wanted) & found) >= max(1, needed) else None

    # Staff operations.

    def create(self, new: NewBook) -> Book:
        book = Book(book_id=new.book_id, **new.model_dump())
        return self.products.create(book)

    def update(self, book_id: str, changes: BookChanges) -> Book:
        current = self.get(book_id)
        updates = changes.model_dump(exclude_none=True)
        if not updates:
            raise ValidationError("Nothing to change: send at least one field.")
        return self.products.replace(current, current.model_copy(update=updates))

    def set_stock(self, book_id: str, stock: int) -> Book:
        if not 0 <= stock <= 1_000_000:
            raise ValidationError("stock must be between 0 and 1000000")
        return self.products.set_stock(book_id, stock)

    def image_upload(self, book_id: str, content_type: str) -> dict[str, Any]:
        """A presigned POST for staff to upload a cover (type and size enforced by S3)."""
        if content_type not in IMAGE_TYPES:
            raise ValidationError(f"content_type must be one of {', '.join(IMAGE_TYPES)}")
        self.get(book_id)
        if not self.images_bucket or self.s3 is None:
            raise ValidationError("Image uploads are not configured for this deployment.")
        key = f"books/{book_id}/{uuid.uuid4().hex}.{IMAGE_TYPES[content_type]}"
        post = self.s3.generate_presigned_post(
            Bucket=self.images_bucket,
            Key=key,
            Fields={"Content-Type": content_type},
            Conditions=[{"Content-Type": content_type}, ["content-length-range", 1, MAX_IMAGE_BYTES]],
            ExpiresIn=URL_TTL_SECONDS,
        )
        self.products.set_image(book_id, key)
        return {"url": post["url"], "fields": post["fields"], "image_key": key, "expires_in": URL_TTL_SECONDS}

    def image_url(self, book: Book) -> str | None:
        if not book.image_key or not self.images_bucket or self.s3 is None:
            return None
        url: str = self.s3.generate_presigned_url(
            "get_object", Params={"Bucket": self.images_bucket, "Key": book.image_key}, ExpiresIn=URL_TTL_SECONDS
        )
        return url
