"""`python -m local.seed`: the sample catalog loads in batches, shows progress, and is safe to re-run."""

from __future__ import annotations

import pytest

from bookstore.repositories.products import ProductRepository
from bookstore.repositories.recommendations import RecommendationRepository
from local.world.catalog import SeedError, load_catalog, seed_catalog
from tests.support.aws import LocalAws


def test_catalog_has_at_least_200_complete_public_domain_books() -> None:
    books = load_catalog()
    assert len(books) >= 200
    assert all(b.year <= 1929 for b in books)  # public domain in the US
    assert all(b.description and b.price_cents > 0 for b in books)
    assert len({b.genre for b in books}) >= 10


def test_seed_loads_everything_and_a_rerun_changes_nothing(local_aws: LocalAws) -> None:
    books = load_catalog()
    tables = local_aws.tables
    progress: list[tuple[int, int]] = []
    created, kept = seed_catalog(local_aws.dynamodb, tables["ProductsTable"], tables["RecommendationsTable"], books,
                                 lambda done, total: progress.append((done, total)))  # fmt: skip
    assert (created, kept) == (len(books), 0)
    assert progress[-1] == (len(books), len(books))
    products = ProductRepository(tables["ProductsTable"], client=local_aws.dynamodb)
    products.set_stock(books[0].book_id, 1)  # as if orders had sold the rest

    assert seed_catalog(local_aws.dynamodb, tables["ProductsTable"], tables["RecommendationsTable"], books) == (
        0,
        len(books),
    )
    book = products.get(books[0].book_id)
    assert book is not None
    assert book.stock == 1  # a re-run never resets stock
    assert [p["book_id"] for p in products.postings("musketeer")]  # search works on seeded data


def test_seed_writes_featured_lists_once_and_keeps_the_store_s_own(local_aws: LocalAws) -> None:
    tables = local_aws.tables
    recommendations = RecommendationRepository(tables["RecommendationsTable"], client=local_aws.dynamodb)
    recommendations.put_featured(["chosen-by-the-store"], genre="horror")
    seed_catalog(local_aws.dynamodb, tables["ProductsTable"], tables["RecommendationsTable"], load_catalog())
    assert len(recommendations.bestsellers()) == 20
    assert recommendations.bestsellers("horror") == ["chosen-by-the-store"]
    assert not [i for i in local_aws.items("RecommendationsTable") if i["pk"]["S"] == "BESTSELLERS"]


def test_a_broken_catalog_names_the_line(tmp_path) -> None:
    path = tmp_path / "books.csv"
    path.write_text("title,author,genre,year,price_cents,stock,description\nEmma,Jane Austen,romance,1815,cheap,3,x\n")
    with pytest.raises(SeedError, match=r"books\.csv line 2"):
        load_catalog(path)
