"""Anyone, signed in or not: the home page's rows, search and browse the catalog, one book, books bought
together, the genres."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from api.common import responses
from api.schemas import (
    BookIdPath,
    BookList,
    BookOut,
    Cursor,
    Genres,
    Home,
    HomeRow,
    Limit,
    RecommendationOut,
    Recommendations,
)
from api.shop import book_out, services
from bookstore.catalog import GENRES, Genre
from bookstore.errors import ValidationError

router = Router()  # type: ignore[no-untyped-call]  # Powertools' Router.__init__ is unannotated


@router.get("/books", summary="Search or browse books", tags=["catalog"], responses=responses(BookList, 400))
def list_books(
    q: Annotated[str | None, Query(max_length=200, description="Words of a title, an author or a genre")] = None,
    genre: Annotated[Genre | None, Query(description="Browse one genre, by title")] = None,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> BookList:
    catalog = services().catalog
    if q:
        page = catalog.search(q, limit, cursor)
        return BookList(
            items=[book_out(h.book, h.score) for h in page.items],
            next_cursor=page.next_cursor,
            did_you_mean=page.did_you_mean,
        )
    if genre:
        browsed = catalog.browse(genre, limit, cursor)
        return BookList(items=[book_out(b) for b in browsed.items], next_cursor=browsed.next_cursor)
    raise ValidationError("Give q to search or genre to browse.")


@router.get("/home", summary="The home page's rows of books", tags=["catalog"], responses=responses(Home))
def home() -> Home:
    return Home(
        rows=[HomeRow(id=r.id, title=r.title, items=[book_out(b) for b in r.books]) for r in services().home.rows()]
    )


@router.get("/books/<book_id>", summary="Get a book", tags=["catalog"], responses=responses(BookOut, 400, 404))
def get_book(book_id: BookIdPath) -> BookOut:
    return book_out(services().catalog.get(book_id))


@router.get(
    "/books/<book_id>/similar",
    summary="Customers who bought this book also bought",
    tags=["recommendations"],
    responses=responses(Recommendations, 400, 404),
)
def similar_books(book_id: BookIdPath, limit: Limit = 10) -> Recommendations:
    picks = services().recommendations.similar_to(book_id, limit)
    return Recommendations(items=[RecommendationOut(book=book_out(p.book), reason=p.reason) for p in picks])


@router.get("/genres", summary="The genres of the catalog", tags=["catalog"], responses=responses(Genres))
def list_genres() -> Genres:
    return Genres(genres=list(GENRES))
