"""CatalogService on an in-memory products fake: get, browse, search, find_by_title and the staff operations."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest

from bookstore.catalog import Book, BookChanges, NewBook
from bookstore.errors import BookNotFound, Conflict, ValidationError
from bookstore.services.catalog import CatalogService
from tests.unit.fakes import FakeProducts

pytestmark = pytest.mark.usefixtures("no_aws")


def book(title: str, author: str, genre: Any = "classics", **fields: Any) -> Book:
    new = NewBook(title=title, author=author, genre=genre, year=1900, price_cents=999, stock=5)
    return Book(book_id=new.book_id, **{**new.model_dump(), **fields})


DRACULA = book("Dracula", "Bram Stoker", "horror")
FRANKENSTEIN = book("Frankenstein", "Mary Shelley", "horror")
CARMILLA = book("Carmilla", "Sheridan Le Fanu", "horror")
PRINCE = book("The Prince", "Niccolo Machiavelli", "philosophy")
HAPPY_PRINCE = book("The Happy Prince and Other Tales", "Oscar Wilde", "children")
DORIAN = book("The Picture of Dorian Gray", "Oscar Wilde", "classics")


@pytest.fixture
def products() -> FakeProducts:
    return FakeProducts(DRACULA, FRANKENSTEIN, CARMILLA, PRINCE, HAPPY_PRINCE, DORIAN)


@pytest.fixture
def catalog(products: FakeProducts) -> CatalogService:
    return CatalogService(products)


# ---- reading -------------------------------------------------------------------------------------------------


def test_get_finds_a_book_or_says_it_is_missing(catalog) -> None:
    assert catalog.get(DRACULA.book_id) == DRACULA
    with pytest.raises(BookNotFound, match="no-such-book"):
        catalog.get("no-such-book")


def test_browsing_a_genre_pages_by_title(catalog) -> None:
    # When I browse horror two books at a time
    first = catalog.browse("horror", limit=2)
    second = catalog.browse("horror", limit=2, cursor=first.next_cursor)

    # Then I get the genre's books in title order, each once
    assert [b.title for b in first.items] == ["Carmilla", "Dracula"]
    assert [b.title for b in second.items] == ["Frankenstein"]
    assert first.next_cursor is not None
    assert second.next_cursor is None


@pytest.mark.parametrize(
    ("genre", "limit", "cursor", "message"),
    [
        ("vampires", 20, None, "Unknown genre 'vampires'"),
        ("Horror", 20, None, "Unknown genre"),
        ("horror", 0, None, "limit must be between 1 and 50"),
        ("horror", 51, None, "limit must be between 1 and 50"),
        ("horror", 20, "%%%", "cursor is not valid"),
        ("horror", 20, "WzFd", "cursor is not valid"),  # base64 of a JSON list, not an object
    ],
)
def test_browse_refuses_bad_requests(catalog, genre: str, limit: int, cursor: str | None, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        catalog.browse(genre, limit=limit, cursor=cursor)


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ("dracula", ["Dracula"]),
        ("DRACULA!", ["Dracula"]),
        ("oscar wilde", ["The Happy Prince and Other Tales", "The Picture of Dorian Gray"]),
        # The book matching both words comes before the one matching only "prince".
        ("happy prince", ["The Happy Prince and Other Tales", "The Prince"]),
        # Equal matches and weights (the genre word): by title.
        ("horror", ["Carmilla", "Dracula", "Frankenstein"]),
        ("unicorn", []),
    ],
)
def test_search_ranks_by_words_matched_then_weight_then_title(catalog, query: str, titles: list[str]) -> None:
    assert [hit.book.title for hit in catalog.search(query).items] == titles


def test_search_scores_title_words_above_author_words(products) -> None:
    products.create(book("Wilde Nights", "Someone Else"))
    hits = CatalogService(products).search("wilde").items

    assert [(hit.book.title, hit.score) for hit in hits] == [
        ("Wilde Nights", 3.0),
        ("The Happy Prince and Other Tales", 2.0),
        ("The Picture of Dorian Gray", 2.0),
    ]


def test_search_pages_by_offset(catalog) -> None:
    first = catalog.search("horror", limit=2)
    second = catalog.search("horror", limit=2, cursor=first.next_cursor)

    assert [hit.book.title for hit in first.items + second.items] == ["Carmilla", "Dracula", "Frankenstein"]
    assert second.next_cursor is None


@pytest.mark.parametrize("query", ["", "   ", "the of and", "!!!"])
def test_a_search_without_a_word_to_look_for_is_refused(catalog, query: str) -> None:
    with pytest.raises(ValidationError, match="at least one word"):
        catalog.search(query)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("The Prince", "The Prince"),  # the exact title wins over a better-ranked title containing it
        ("the happy prince", "The Happy Prince and Other Tales"),
        ("dracula", "Dracula"),
        ("picture of dorian", "The Picture of Dorian Gray"),
        ("unicorn", None),
        ("Gray Unicorn Pony", None),  # too few of the words typed are in the best hit's title
    ],
)
def test_find_by_title(catalog, typed: str, expected: str | None) -> None:
    found = catalog.find_by_title(typed)

    assert (found.title if found else None) == expected


# ---- staff operations ----------------------------------------------------------------------------------------


def test_create_derives_the_id_and_stamps_the_times(catalog, products) -> None:
    new = NewBook(title="Emma", author="Jane Austen", genre="romance", year=1815, price_cents=1299, stock=3)

    created = catalog.create(new)

    assert created.book_id == "emma-jane-austen"
    assert created.created_at is not None
    assert created.updated_at == created.created_at
    assert products.books["emma-jane-austen"] == created
    assert [hit.book for hit in catalog.search("austen").items] == [created]


def test_creating_an_existing_book_is_a_conflict(catalog, products) -> None:
    new = NewBook(title="Dracula", author="Bram Stoker", genre="horror", year=1897, price_cents=1, stock=1)

    with pytest.raises(Conflict, match="already exists"):
        catalog.create(new)

    assert products.books[DRACULA.book_id] == DRACULA


def test_update_changes_details_and_reindexes_but_never_stock(catalog, products) -> None:
    # Given Dracula's stock moved since the catalog was seeded
    products.set_stock(DRACULA.book_id, 7)

    # When staff retitle it and change its price
    updated = catalog.update(DRACULA.book_id, BookChanges(title="Dracula's Guest", price_cents=1099))

    # Then the details change, the stock does not, and search finds the new title only
    stored = products.books[DRACULA.book_id]
    assert (stored.title, stored.price_cents, stored.stock) == ("Dracula's Guest", 1099, 7)
    assert updated.title == "Dracula's Guest"
    assert [hit.book.title for hit in catalog.search("guest").items] == ["Dracula's Guest"]


def test_an_update_with_nothing_to_change_is_refused(catalog, products) -> None:
    with pytest.raises(ValidationError, match="Nothing to change"):
        catalog.update(DRACULA.book_id, BookChanges())

    assert "replace" not in products.calls


def test_updating_a_missing_book_is_not_found(catalog) -> None:
    with pytest.raises(BookNotFound):
        catalog.update("no-such-book", BookChanges(title="Anything"))


def test_an_update_over_a_concurrent_edit_is_a_conflict(catalog, products, monkeypatch) -> None:
    # Given staff read Dracula, then someone else edits it
    stale = products.books[DRACULA.book_id]
    catalog.update(DRACULA.book_id, BookChanges(price_cents=1))
    monkeypatch.setattr(products, "get", lambda book_id: stale)

    # When the first edit is written
    with pytest.raises(Conflict, match="changed meanwhile"):
        catalog.update(DRACULA.book_id, BookChanges(price_cents=2))

    # Then the other edit stands
    assert products.books[DRACULA.book_id].price_cents == 1


@pytest.mark.parametrize(("stock", "valid"), [(-1, False), (0, True), (1_000_000, True), (1_000_001, False)])
def test_set_stock_bounds(catalog, products, stock: int, valid: bool) -> None:
    if valid:
        assert catalog.set_stock(DRACULA.book_id, stock).stock == stock
    else:
        with pytest.raises(ValidationError, match="between 0 and 1000000"):
            catalog.set_stock(DRACULA.book_id, stock)
        assert products.books[DRACULA.book_id].stock == DRACULA.stock


def test_set_stock_of_a_missing_book_is_not_found(catalog) -> None:
    with pytest.raises(BookNotFound):
        catalog.set_stock("no-such-book", 1)


class FakeS3:
    def generate_presigned_post(self, **kwargs: Any) -> dict[str, Any]:
        return {"url": "https://s3.example/bucket", "fields": {"key": kwargs["Key"]}}

    def generate_presigned_url(self, operation: str, Params: dict[str, str], ExpiresIn: int) -> str:  # noqa: N803
        return f"https://s3.example/{Params['Key']}"


def test_an_image_upload_records_the_key_of_the_cover(products) -> None:
    catalog = CatalogService(products, images_bucket="covers", s3=FakeS3())

    upload = catalog.image_upload(DRACULA.book_id, "image/png")

    assert upload["image_key"].startswith(f"books/{DRACULA.book_id}/")
    assert upload["image_key"].endswith(".png")
    assert products.books[DRACULA.book_id].image_key == upload["image_key"]
    assert catalog.image_url(products.books[DRACULA.book_id]) == f"https://s3.example/{upload['image_key']}"


@pytest.mark.parametrize(
    ("book_id", "content_type", "configured", "error"),
    [
        (DRACULA.book_id, "image/gif", True, ValidationError),
        ("no-such-book", "image/png", True, BookNotFound),
        (DRACULA.book_id, "image/png", False, ValidationError),
    ],
)
def test_image_upload_refusals(products, book_id: str, content_type: str, configured: bool, error) -> None:
    catalog = CatalogService(products, images_bucket="covers", s3=FakeS3()) if configured else CatalogService(products)

    with pytest.raises(error):
        catalog.image_upload(book_id, content_type)

    assert "set_image" not in products.calls


# ---- these unit tests stay off AWS -----------------------------------------------------------------------------

IN_MEMORY_FILES = [
    "fakes.py",
    "shop_data.py",
    "test_order_service.py",
    "test_order_tracking.py",
    "test_user_admin_service.py",
    "test_catalog_service.py",
]


@pytest.mark.parametrize("name", IN_MEMORY_FILES)
def test_the_service_unit_tests_import_no_aws_sdk_and_no_moto(name: str) -> None:
    imported: set[str] = set()
    for node in ast.walk(ast.parse((Path(__file__).parent / name).read_text())):
        if isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module or "")

    assert not {m for m in imported if m.split(".")[0] in {"boto3", "botocore", "moto"}}
    assert not {m for m in imported if m.startswith(("bookstore.repositories", "tests.support"))} - {
        "bookstore.repositories.products",  # fakes.py reads POSTINGS_PER_TERM and WORDS_PER_PARTITION, constants
        "bookstore.repositories.orders",  # and checked_start_key, the pure check of a paging cursor's shape
        "bookstore.repositories.cursor",  # encode_cursor: base64 of a key, no client
    }
