"""What to recommend. Until the recommendation engine (Step 5) learns from orders, bestsellers lists."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict

from bookstore.catalog_models import GENRES, Book
from bookstore.errors import ValidationError
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
        """At most 3 reads: the genre's list, the overall list if more are needed, one BatchGetItem."""
        if genre is not None and genre not in GENRES:
            raise ValidationError(f"Unknown genre {genre!r}. Genres: {', '.join(GENRES)}.")
        if not 1 <= limit <= 50:
            raise ValidationError("limit must be between 1 and 50")
        picks: list[tuple[str, str]] = []
        if genre:
            picks += [(b, f"a bestseller in {genre}") for b in self.recommendations.bestsellers(genre)]
        if len(picks) < limit and not genre:
            picks += [(b, "a bestseller") for b in self.recommendations.bestsellers()]
        chosen: dict[str, str] = {}
        for book_id, reason in picks:
            chosen.setdefault(book_id, reason)
            if len(chosen) >= limit * 2:  # room for books that turn out to be sold out
                break
        books = self.products.get_many(list(chosen))
        result = [
            Recommendation(book=books[b], reason=r) for b, r in chosen.items() if b in books and books[b].stock > 0
        ]
        return result[:limit]
