"""`python -m local.seed`: the sample catalog loads in batches, shows progress, and is safe to re-run; without
--stage or --endpoint it seeds the running `make dev`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bookstore.recommendations.store import RecommendationRepository
from bookstore.repositories.products import ProductRepository
from local.cli import CliError
from local.world.catalog import SeedError, load_catalog, seed_catalog
from tests.support.aws import LocalAws

ROOT = Path(__file__).resolve().parents[2]


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


def test_the_seeded_new_arrivals_are_a_mix_of_the_catalog_in_a_stable_order(local_aws: LocalAws) -> None:
    books = load_catalog()
    tables = local_aws.tables
    seed_catalog(local_aws.dynamodb, tables["ProductsTable"], tables["RecommendationsTable"], books)
    products = ProductRepository(tables["ProductsTable"], client=local_aws.dynamodb)
    newest = products.arrivals(12)
    stored = products.get_many(newest)

    assert len({stored[book_id].created_at for book_id in newest}) == 12  # not one timestamp ordered by id
    assert newest != sorted(newest, reverse=True)
    assert len({stored[book_id].genre for book_id in newest}) >= 4  # not the last genre of the file
    assert newest == products.arrivals(12)


def test_seed_writes_featured_lists_once_and_keeps_the_store_s_own(local_aws: LocalAws) -> None:
    tables = local_aws.tables
    recommendations = RecommendationRepository(tables["RecommendationsTable"], client=local_aws.dynamodb)
    recommendations.put_featured(["chosen-by-the-store"], genre="horror")
    seed_catalog(local_aws.dynamodb, tables["ProductsTable"], tables["RecommendationsTable"], load_catalog())
    assert len(recommendations.bestsellers()) == 20
    assert recommendations.bestsellers("horror") == ["chosen-by-the-store"]
    assert not [i for i in local_aws.items("RecommendationsTable") if i["pk"]["S"] == "BESTSELLERS"]


def test_a_stage_seed_uploads_each_new_book_s_cover_to_the_stage_s_images_bucket(local_aws: LocalAws, capsys) -> None:
    import boto3

    from local.seed import with_stage_covers
    from local.world.targets import Target

    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="stage-images")
    stage = Target("stage dev", {}, {"ProductImagesBucketName": "stage-images"}, session=boto3.session.Session())
    books = load_catalog()[:3]

    covered = with_stage_covers(stage, books)
    shown = capsys.readouterr().err
    assert "Drawing and uploading 3 covers to s3://stage-images/books/covers/" in shown
    assert "covers: 3/3 covers" in shown  # progress (a line per tenth when not on a terminal)

    assert [b.image_key for b in covered] == [f"books/covers/{b.book_id}.png" for b in books]
    for book in covered:
        body = s3.get_object(Bucket="stage-images", Key=book.image_key)["Body"].read()
        assert body.startswith(b"\x89PNG")
    local_target = Target("the local stack", {}, {})
    assert with_stage_covers(local_target, books) == books  # no bucket named: nothing drawn or uploaded


def test_a_broken_catalog_names_the_line(tmp_path) -> None:
    path = tmp_path / "books.csv"
    path.write_text("title,author,genre,year,price_cents,stock,description\nEmma,Jane Austen,romance,1815,cheap,3,x\n")
    with pytest.raises(SeedError, match=r"books\.csv line 2"):
        load_catalog(path)


def test_without_a_target_it_seeds_the_running_make_dev(running_make_dev, capsys) -> None:
    from local import seed

    assert seed.main([]) == 0
    out, err = capsys.readouterr()
    assert f"Seeding the store of the running `make dev` (pid {os.getpid()}, AWS {running_make_dev.endpoint})" in err
    books = load_catalog()
    assert out == f"{len(books)} books created, 0 already there (left unchanged)\n"
    products = running_make_dev.tables["ProductsTable"]
    assert running_make_dev.client("dynamodb").describe_table(TableName=products)["Table"]["ItemCount"] >= len(books)


def test_without_a_target_or_a_running_make_dev_it_says_what_to_do(tmp_path) -> None:
    env = {**os.environ, "BOOKSTORE_RUNNING_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "local.seed"], capture_output=True, text=True, timeout=60,
                          cwd=ROOT, env=env, check=False)  # fmt: skip
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        "error: no `make dev` is running (stage dev): start it with `make dev` in another terminal, "
        "or pass --stage STAGE (a deployed stage) or --endpoint URL (a local AWS endpoint)"
    ]


def test_a_stale_state_file_is_not_attached_to(tmp_path, monkeypatch) -> None:
    from local import seed
    from local.world.running import announce, state_file
    from tests.support.running import running_store

    monkeypatch.setenv("BOOKSTORE_RUNNING_DIR", str(tmp_path))
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True)  # fmt: skip
    announce(running_store("http://127.0.0.1:9", pid=int(gone.stdout)))
    with pytest.raises(CliError, match="no `make dev` is running"):
        seed.main([])
    assert not state_file("dev").exists()


def test_stage_and_endpoint_are_alternatives(capsys) -> None:
    from local import seed

    with pytest.raises(SystemExit) as usage:
        seed.main(["--stage", "dev", "--endpoint", "http://127.0.0.1:9"])
    assert usage.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err
