"""Load the sample catalog (data/books.csv) into a stage's tables: `python -m local.seed --stage dev` or
`--endpoint http://127.0.0.1:PORT` for a local stack.

Batched (BatchGetItem to find what exists, BatchWriteItem for the rest), shows progress, and is safe to re-run:
a book that exists is left as it is, so a re-run never resets stock that orders have moved. Until the
recommendation engine has learned bestsellers from orders, the store's featured lists (shown after the
bestsellers) are seeded from stock levels (the store stocks most of what sells best); existing featured lists
are never overwritten.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import local  # noqa: F401  (functions/ on sys.path)
from local.progress import ProgressBar
from local.world.catalog import CATALOG, load_catalog, seed_catalog
from local.world.targets import TargetError, endpoint_target, stage_target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local.seed", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--stage", help="a deployed stage (table names from the Bookstore-<stage>-Data outputs)")
    target.add_argument("--endpoint", help="a local AWS endpoint, e.g. the moto server of `python -m local.lex`")
    parser.add_argument("--region", help="AWS region of --stage")
    parser.add_argument("--catalog", type=Path, default=CATALOG, help="CSV to load (default data/books.csv)")
    args = parser.parse_args(argv)
    try:
        books = load_catalog(args.catalog)
        logicals = ("ProductsTable", "RecommendationsTable")
        found = (
            stage_target(args.stage, args.region, logicals) if args.stage else endpoint_target(args.endpoint, logicals)
        )
        products, recommendations = found.tables["ProductsTable"], found.tables["RecommendationsTable"]
        print(f"Seeding {len(books)} books into {products}", file=sys.stderr)
        bar = ProgressBar("books", len(books), "books")
        created, kept = seed_catalog(found.client("dynamodb"), products, recommendations, books, bar.update)
        bar.finish()
    except TargetError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    except Exception as err:
        from local.chat import friendly_error

        print(f"error: {friendly_error(err)}", file=sys.stderr)
        return 1
    print(f"{created} books created, {kept} already there (left unchanged)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
