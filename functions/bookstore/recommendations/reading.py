"""The read path of recommendations, shared by GET /recommendations, GET /books/{id}/similar and the bot: the
ranking (pure functions over the stored lists) and the service that reads those lists.

Every request makes at most 3 DynamoDB requests: for a customer, their history (GetItem), the similar lists
of their recent purchases with the bestseller lists in one BatchGetItem, then the books in one BatchGetItem;
for a book, the book (GetItem), its similar list with its genre's bestsellers, then the books.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict

from bookstore.catalog import GENRES, Book, page_size
from bookstore.errors import BookNotFound, ValidationError
from bookstore.identity import SignedIn
from bookstore.recommendations.model import RECENT_PURCHASES, History, Line, SimilarEntry
from bookstore.recommendations.store import RecommendationRepository
from bookstore.repositories.products import ProductRepository

# ---- the ranking ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pick:
    book_id: str
    reason: str


def rank_for_customer(
    history: History | None,
    similar: Mapping[str, Sequence[SimilarEntry]],
    genre_lists: Mapping[str, Sequence[str]],
    overall: Sequence[str],
    *,
    genre: str | None = None,
    limit: int = 10,
    recent_purchases: int = RECENT_PURCHASES,
    sold: Collection[str] | None = None,
) -> list[Pick]:
    """Merge the similar lists of the recent purchases, drop what was bought, backfill with bestsellers of the
    favourite genres (or of the asked genre), then overall bestsellers (unless a genre was asked)."""
    history = history or History()
    bought = history.bought()
    picks = _similar_to_recent(history.recent(recent_purchases), similar, bought, genre)
    genres = [genre] if genre else history.favourite_genres()
    liked = "" if genre else ", a genre you like"
    for name in genres:
        _backfill(
            picks,
            genre_lists.get(name, ()),
            bought,
            sold,
            f"a bestseller in {name}{liked}",
            f"a staff pick in {name}{liked}",
        )
    if genre is None:
        _backfill(picks, overall, bought, sold, "a bestseller", "a staff pick")
    return [Pick(b, r) for b, r in list(picks.items())[: limit * 2]]  # room for books that are sold out


def _similar_to_recent(
    recent: Sequence[Line],
    similar: Mapping[str, Sequence[SimilarEntry]],
    bought: set[str],
    genre: str | None,
) -> dict[str, str]:
    """The books similar to the recent purchases, best summed score first, each with the purchase it is most
    similar to as the reason; never one already bought, and only of `genre` when one is asked."""
    scores: dict[str, float] = {}
    because: dict[str, tuple[float, str]] = {}
    for line in recent:
        for entry in similar.get(line.book_id, ()):
            if entry.book_id in bought or (genre is not None and entry.genre != genre):
                continue
            scores[entry.book_id] = scores.get(entry.book_id, 0.0) + entry.score
            if entry.score > because.get(entry.book_id, (0.0, ""))[0]:
                because[entry.book_id] = (entry.score, line.title)
    ranked = sorted(scores, key=lambda b: (-scores[b], b))
    return {b: f"because you bought {because[b][1]}" for b in ranked}


def _backfill(
    picks: dict[str, str],
    book_ids: Sequence[str],
    bought: Collection[str],
    sold: Collection[str] | None,
    bestseller: str,
    staff_pick: str,
) -> None:
    """Add the books not bought and not picked yet, in order: a book that has sold as `bestseller`, one the store
    picked (the featured lists that follow the sales) as `staff_pick`. `sold` None: every listed book has sold."""
    for book_id in book_ids:
        if book_id not in bought:
            picks.setdefault(book_id, bestseller if sold is None or book_id in sold else staff_pick)


def rank_similar(
    book_id: str,
    title: str,
    similar: Sequence[SimilarEntry],
    genre_list: Sequence[str],
    genre: str,
    *,
    limit: int = 10,
    sold: Collection[str] | None = None,
) -> list[Pick]:
    """Books bought with `book_id`, then bestsellers (or, unsold, staff picks) of its genre."""
    picks: dict[str, str] = {}
    for entry in similar:
        if entry.book_id != book_id:
            picks.setdefault(entry.book_id, f"often bought with {title}")
    _backfill(picks, genre_list, {book_id}, sold, f"a bestseller in {genre}", f"a staff pick in {genre}")
    return [Pick(b, r) for b, r in list(picks.items())[: limit * 2]]


# ---- the service ----------------------------------------------------------------------------------------


class Recommendation(BaseModel):
    model_config = ConfigDict(frozen=True)

    book: Book
    reason: str


@dataclass
class RecommendationService:
    recommendations: RecommendationRepository
    products: ProductRepository

    def for_customer(self, who: SignedIn | None, genre: str | None = None, limit: int = 10) -> list[Recommendation]:
        """Picked for a signed-in customer (or, signed out, the bestsellers), each with a short reason."""
        if genre is not None and genre not in GENRES:
            raise ValidationError(f"Unknown genre {genre!r}. Genres: {', '.join(GENRES)}.")
        page_size(limit)
        history = self.recommendations.history(who.username) if who else History()
        genres = [genre] if genre else history.favourite_genres()
        similar, genre_lists, overall, sold = self.recommendations.lists(
            similar_of=[line.book_id for line in history.recent()], genres=genres, overall=genre is None
        )
        picks = rank_for_customer(history, similar, genre_lists, overall, genre=genre, limit=limit, sold=sold)
        return self._books(picks, limit)

    def similar_to(self, book_id: str, limit: int = 10) -> list[Recommendation]:
        """Books bought by the customers who bought this one, then bestsellers of its genre."""
        page_size(limit)
        book = self.products.get(book_id)
        if book is None:
            raise BookNotFound(f"There is no book {book_id}.")
        similar, genre_lists, _, sold = self.recommendations.lists(similar_of=[book_id], genres=[book.genre])
        picks = rank_similar(
            book_id, book.title, similar[book_id], genre_lists[book.genre], book.genre, limit=limit, sold=sold
        )
        return self._books(picks, limit)

    def _books(self, picks: Sequence[Pick], limit: int) -> list[Recommendation]:
        books = self.products.get_many([p.book_id for p in picks])
        available = [
            Recommendation(book=books[p.book_id], reason=p.reason)
            for p in picks
            if p.book_id in books and books[p.book_id].stock > 0
        ]
        return available[:limit]
