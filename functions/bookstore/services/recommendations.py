"""The read path of recommendations, shared by GET /recommendations, GET /books/{id}/similar and the bot.

Every request makes at most 3 DynamoDB requests: for a customer, their history (GetItem), the similar lists
of their recent purchases with the bestseller lists in one BatchGetItem, then the books in one BatchGetItem;
for a book, the book (GetItem), its similar list with its genre's bestsellers, then the books.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict

from bookstore.catalog import GENRES, Book
from bookstore.errors import BookNotFound, ValidationError
from bookstore.recommender import History, Pick, rank_for_customer, rank_similar
from bookstore.repositories.products import ProductRepository
from bookstore.repositories.recommendations import RecommendationRepository


class Recommendation(BaseModel):
    model_config = ConfigDict(frozen=True)

    book: Book
    reason: str


@dataclass
class RecommendationService:
    recommendations: RecommendationRepository
    products: ProductRepository

    def for_customer(self, username: str | None, genre: str | None = None, limit: int = 10) -> list[Recommendation]:
        """Picked for a customer (or, signed out, the bestsellers), each with a short reason."""
        if genre is not None and genre not in GENRES:
            raise ValidationError(f"Unknown genre {genre!r}. Genres: {', '.join(GENRES)}.")
        _check_limit(limit)
        history = self.recommendations.history(username.lower()) if username else History()
        genres = [genre] if genre else history.favourite_genres()
        similar, genre_lists, overall = self.recommendations.lists(
            similar_of=[line.book_id for line in history.recent()], genres=genres, overall=genre is None
        )
        picks = rank_for_customer(history, similar, genre_lists, overall, genre=genre, limit=limit)
        return self._books(picks, limit)

    def similar_to(self, book_id: str, limit: int = 10) -> list[Recommendation]:
        """Books bought by the customers who bought this one, then bestsellers of its genre."""
        _check_limit(limit)
        book = self.products.get(book_id)
        if book is None:
            raise BookNotFound(f"There is no book {book_id}.")
        similar, genre_lists, _ = self.recommendations.lists(similar_of=[book_id], genres=[book.genre])
        picks = rank_similar(book_id, book.title, similar[book_id], genre_lists[book.genre], book.genre, limit=limit)
        return self._books(picks, limit)

    def _books(self, picks: Sequence[Pick], limit: int) -> list[Recommendation]:
        books = self.products.get_many([p.book_id for p in picks])
        available = [
            Recommendation(book=books[p.book_id], reason=p.reason)
            for p in picks
            if p.book_id in books and books[p.book_id].stock > 0
        ]
        return available[:limit]


def _check_limit(limit: int) -> None:
    if not 1 <= limit <= 50:
        raise ValidationError("limit must be between 1 and 50")
