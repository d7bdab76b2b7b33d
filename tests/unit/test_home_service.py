"""The home page's rows on in-memory fakes: featured, bestsellers only when books sold (staff picks until
then), new arrivals newest first; missing ids skipped, sold-out books last, empty rows left out."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest

from bookstore.catalog import Book, NewBook
from bookstore.services.home import ROW_SIZE, HomeService
from tests.unit.fakes import FakeProducts

pytestmark = pytest.mark.usefixtures("no_aws")


def book(title: str, stock: int = 5, created_at: str | None = None) -> Book:
    new = NewBook(title=title, author="Some Author", genre="classics", year=1900, price_cents=999, stock=stock)
    return Book(book_id=new.book_id, created_at=created_at, **new.model_dump())


@dataclass
class Ranked:
    entries: list[tuple[str, float]]


@dataclass
class FakeSales:
    """The recommendations store's lists: the bestsellers learned from orders, and the store's picks."""

    sold: list[tuple[str, float]] = field(default_factory=list)
    picks: list[str] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)

    def ranked_lists(self, genres: Iterable[str | None]) -> Mapping[str | None, Ranked]:
        self.calls.append("ranked_lists")
        return {g: Ranked(self.sold if g is None else []) for g in genres}

    def bestsellers(self, genre: str | None = None) -> list[str]:
        self.calls.append("bestsellers")
        return list(dict.fromkeys([b for b, _ in self.sold] + self.picks))


OLD, MIDDLE, NEW = (book(t, created_at=f"2026-0{m}-01T00:00:00Z") for t, m in (("Old", 1), ("Middle", 2), ("New", 3)))
SOLD_OUT = book("Sold Out", stock=0, created_at="2026-04-01T00:00:00Z")


def rows(home: HomeService) -> list[tuple[str, str, list[str]]]:
    return [(r.id, r.title, [b.title for b in r.books]) for r in home.rows()]


def test_rows_are_featured_bestsellers_then_new_arrivals() -> None:
    products = FakeProducts(OLD, MIDDLE, NEW, SOLD_OUT)
    sales = FakeSales(sold=[(MIDDLE.book_id, 3.0), (OLD.book_id, 1.0)])
    home = HomeService(products, sales, featured=(NEW.book_id, "no-such-book", OLD.book_id))

    assert rows(home) == [
        ("featured", "Featured", ["New", "Old"]),  # the missing id skipped
        ("bestsellers", "Bestsellers", ["Middle", "Old"]),
        ("new-arrivals", "New arrivals", ["New", "Middle", "Old", "Sold Out"]),  # available first, newest first
    ]
    # a constant number of reads: the sales list, the arrivals, one batch of books
    assert (sales.calls, products.calls) == (["ranked_lists"], ["arrivals", "get_many"])


def test_with_nothing_sold_the_store_s_picks_are_staff_picks_never_bestsellers() -> None:
    products = FakeProducts(OLD, MIDDLE, NEW)
    sales = FakeSales(sold=[(OLD.book_id, 0.0)], picks=[NEW.book_id, MIDDLE.book_id])  # a cancelled sale: 0
    home = HomeService(products, sales, featured=(NEW.book_id,))

    found = rows(home)

    assert found[1] == ("staff-picks", "Staff picks", ["Middle"])  # not repeating the featured book
    assert "bestsellers" not in [row_id for row_id, _, _ in found]


def test_empty_rows_are_left_out() -> None:
    home = HomeService(FakeProducts(book("Undated")), FakeSales(), featured=())
    assert rows(home) == []  # seeded without created_at: no arrival item

    home.products.create(book("Brand New"))
    assert rows(home) == [("new-arrivals", "New arrivals", ["Brand New"])]


def test_a_row_holds_at_most_row_size_books() -> None:
    many = [book(f"Volume {i}", created_at=f"2026-01-01T00:00:{i:02d}Z") for i in range(20)]
    home = HomeService(FakeProducts(*many), FakeSales(), featured=tuple(b.book_id for b in many))
    assert [len(row.books) for row in home.rows()] == [ROW_SIZE, ROW_SIZE]


def test_the_default_featured_books_are_in_the_sample_catalog() -> None:
    from bookstore.catalog import FEATURED_BOOK_IDS
    from local.world.catalog import load_catalog

    ids: set[Any] = {b.book_id for b in load_catalog()}
    assert set(FEATURED_BOOK_IDS) <= ids
