"""Load the sample catalog (data/books.csv) into a store's tables:

    python -m local.seed                          the running `make dev` (the default)
    python -m local.seed --stage dev              a deployed stage
    python -m local.seed --endpoint URL           another local AWS endpoint, e.g. of `python -m local.lex`

Batched (BatchGetItem to find what exists, BatchWriteItem for the rest), shows progress, and is safe to re-run:
a book that exists is left as it is, so a re-run never resets stock that orders have moved. Until the
recommendation engine has learned bestsellers from orders, the store's featured lists (shown after the
bestsellers) are seeded from stock levels (the store stocks most of what sells best); existing featured lists
are never overwritten.

With --stage, each book's cover (title and author, drawn as `make dev` draws them) is uploaded to the stage's
images bucket (the ProductImagesBucketName output) and the new books point at it. Books the stage already had
keep the image they have.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import local  # noqa: F401  (functions/ on sys.path)
from bookstore.catalog import Book
from local.cli import CliError, ProgressBar, attach, friendly_error, run
from local.world.catalog import CATALOG, load_catalog, seed_catalog
from local.world.covers import with_covers
from local.world.targets import Target, endpoint_target, stage_target

TABLES = ("ProductsTable", "RecommendationsTable")
IMAGES_BUCKET = "ProductImagesBucketName"  # the Data stack's output
OFFLINE_HINT = "or run without --stage to seed the running `make dev`"


def find_target(args: argparse.Namespace) -> Target:
    if args.stage:
        return stage_target(args.stage, args.region, TABLES)
    if args.endpoint:
        return endpoint_target(args.endpoint, TABLES)
    target = attach(TABLES)
    print(f"Seeding the store of {target.description}", file=sys.stderr)
    return target


def with_stage_covers(found: Target, books: list[Book]) -> list[Book]:
    """The books with their covers uploaded to the target's images bucket, if it names one (a deployed stage)."""
    bucket = found.outputs.get(IMAGES_BUCKET)
    if not bucket:
        return books
    print(f"Drawing and uploading {len(books)} covers to s3://{bucket}/books/covers/", file=sys.stderr)
    with ProgressBar("covers", len(books), "covers") as bar:
        return with_covers(found.client("s3"), bucket, books, bar.advance)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local.seed", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    target = parser.add_mutually_exclusive_group()
    target.add_argument("--stage", help="a deployed stage (table names from the Bookstore-<stage>-Data outputs)")
    target.add_argument("--endpoint", help="a local AWS endpoint, e.g. the moto server of `python -m local.lex`")
    parser.add_argument("--region", help="AWS region of --stage")
    parser.add_argument("--catalog", type=Path, default=CATALOG, help="CSV to load (default data/books.csv)")
    args = parser.parse_args(argv)
    try:
        books = load_catalog(args.catalog)
        found = find_target(args)
        books = with_stage_covers(found, books)
        products, recommendations = found.tables["ProductsTable"], found.tables["RecommendationsTable"]
        print(f"Seeding {len(books)} books into {products}", file=sys.stderr)
        with ProgressBar("books", len(books), "books") as bar:
            created, kept = seed_catalog(found.client("dynamodb"), products, recommendations, books, bar.update)
    except CliError:
        raise
    except Exception as err:
        raise friendly_error(err, offline_hint=OFFLINE_HINT, not_found="table not found") from err
    print(f"{created} books created, {kept} already there (left unchanged)")
    return 0


if __name__ == "__main__":
    run(main)
