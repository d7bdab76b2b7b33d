"""Recompute the recommendation model from the orders table:

    python -m local.recommendations rebuild                        the running `make dev` (the default)
    python -m local.recommendations rebuild --stage dev            a deployed stage
    python -m local.recommendations rebuild --endpoint URL         a local stack (e.g. `python -m local.lex`)

Use it after changing the model (bookstore/recommendations/model.py), in a fresh deployment that already has
orders, or when the worker's dead-letter queue holds records older than the stream keeps (24 hours).

It reads every order, replays their placements and cancellations in time order through the same functions as
the worker, then overwrites every derived item and deletes those no order supports any more (the logic is
bookstore.recommendations.rebuild; this is its command line). Orders are only read. Against a stage it
pauses the worker's event source mapping while it runs (the stream keeps new orders for it) and resumes it at
the end, also when interrupted. Interrupting is safe: everything it writes is recomputed by the next run, so
run the same command again.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from typing import Any

import local  # noqa: F401  (functions/ on sys.path)
from bookstore.recommendations.rebuild import BatchWriter, RebuildReport, rebuild
from local.cli import CliError, ProgressBar, attach, friendly_error, run
from local.world.targets import Target, TargetError, batch_write, endpoint_target, stage_target

TABLES = ("OrdersTable", "ProductsTable", "RecommendationsTable")
MAPPING_OUTPUT = "WorkerEventSourceMappingId"
WRITE_THREADS = 8
AGAIN = "run the rebuild again"
OFFLINE_HINT = "or run without --stage to rebuild the running `make dev`"


class RebuildError(TargetError):
    pass


def writer(dynamodb: Any, threads: int = WRITE_THREADS) -> BatchWriter:
    """The rebuild's batch writes: on `threads` threads, retrying unprocessed items."""

    def write(table: str, requests: list[dict[str, Any]], on_written: Callable[[int], None]) -> None:
        batch_write(dynamodb, table, requests, threads=threads, on_written=on_written, again=AGAIN)

    return write


def _rebuild(target: Target) -> RebuildReport:
    dynamodb = target.client("dynamodb")
    return rebuild(dynamodb, target.tables, writer(dynamodb), progress=ProgressBar)


class PausedWorker:
    """Disables the worker's event source mapping for the duration; always re-enables it."""

    def __init__(self, lambda_client: Any, uuid: str, timeout: float = 300.0, sleep: Any = time.sleep) -> None:
        self.client, self.uuid, self.timeout, self.sleep = lambda_client, uuid, timeout, sleep

    def _set(self, enabled: bool) -> None:
        self.client.update_event_source_mapping(UUID=self.uuid, Enabled=enabled)
        wanted = "Enabled" if enabled else "Disabled"
        deadline = time.monotonic() + self.timeout
        while (state := self.client.get_event_source_mapping(UUID=self.uuid)["State"]) != wanted:
            if time.monotonic() > deadline:
                raise RebuildError(f"the worker's event source mapping stayed {state} (wanted {wanted})")
            self.sleep(2)

    def __enter__(self) -> PausedWorker:
        print("Pausing the recommendations worker (its stream keeps new orders)", file=sys.stderr)
        self._set(False)
        return self

    def __exit__(self, *_: object) -> None:
        print("Resuming the recommendations worker", file=sys.stderr)
        self._set(True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local.recommendations", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    commands = parser.add_subparsers(dest="command", required=True)
    command = commands.add_parser("rebuild", help="recompute the model from the orders table")
    target = command.add_mutually_exclusive_group()
    target.add_argument("--stage", help="a deployed stage (tables and worker from its stack outputs)")
    target.add_argument("--endpoint", help="a local AWS endpoint, e.g. the moto server of `python -m local.lex`")
    command.add_argument("--region", help="AWS region of --stage")
    args = parser.parse_args(argv)
    try:
        if args.stage:
            found = stage_target(args.stage, args.region, TABLES, stacks=("Api",))
            if MAPPING_OUTPUT not in found.outputs:
                raise RebuildError(f"stack Bookstore-{args.stage}-Api has no output {MAPPING_OUTPUT}; deploy it first")
            print(f"Rebuilding recommendations of {found.description}", file=sys.stderr)
            with PausedWorker(found.client("lambda"), found.outputs[MAPPING_OUTPUT]):
                report = _rebuild(found)
        else:
            # Locally the worker runs in the process of the stack (no event source mapping to pause).
            found = endpoint_target(args.endpoint, TABLES) if args.endpoint else attach(TABLES)
            print(f"Rebuilding recommendations of {found.description}", file=sys.stderr)
            report = _rebuild(found)
    except KeyboardInterrupt:
        print("\ninterrupted: nothing is lost; run the same command again to finish the rebuild", file=sys.stderr)
        return 130
    except CliError:
        raise
    except Exception as err:
        raise friendly_error(err, offline_hint=OFFLINE_HINT, not_found="table not found") from err
    if report.unreadable:
        print(
            f"warning: {len(report.unreadable)} order items could not be read and were left out: "
            + ", ".join(report.unreadable[:5]),
            file=sys.stderr,
        )
    print(
        f"Rebuilt from {report.orders} orders ({report.cancelled} cancelled) of {report.customers} customers: "
        f"{report.books} books, {report.written} items written, {report.deleted} stale items deleted "
        f"in {report.seconds:.1f} s"
    )
    return 0


if __name__ == "__main__":
    run(main)
