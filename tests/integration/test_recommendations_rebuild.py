"""`python -m local.recommendations rebuild`: the model recomputed from the orders equals what the worker built;
without --stage or --endpoint it rebuilds the running `make dev`."""

from __future__ import annotations

import io
import os
from typing import Any

import pytest
from botocore.stub import Stubber

from local.cli import CliError, ProgressBar
from local.recommendations import PausedWorker
from tests.support.recommendations import Shop


def semantic(table: dict[tuple[str, str], dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    """Items without their write versions (a rebuild starts them again), zero counts dropped."""
    result = {}
    for key, item in table.items():
        result[key] = {k: v for k, v in item.items() if k != "v" and not (k.startswith("c#") and v == {"N": "0"})}
    return result


def quiet(label: str, total: int, unit: str) -> ProgressBar:
    return ProgressBar(label, total, unit, stream=io.StringIO())


def test_a_rebuild_reproduces_the_worker_s_model_and_the_stream_then_changes_nothing(shop: Shop) -> None:
    shop.order_history()
    learned = semantic(shop.table())
    for pk, sk in list(shop.table()):  # lose everything derived
        shop.aws.dynamodb.delete_item(TableName=shop.repo.table, Key={"pk": {"S": pk}, "sk": {"S": sk}})

    report = shop.rebuild(progress=quiet)

    assert (report.orders, report.cancelled, report.customers) == (6, 1, 4)
    rebuilt = semantic(shop.table())
    assert rebuilt.keys() == learned.keys()
    for key in learned:
        if key[1] == "SIMILAR":
            assert [e["M"]["b"] for e in rebuilt[key]["items"]["L"]] == [
                e["M"]["b"] for e in learned[key]["items"]["L"]
            ]
        else:
            assert rebuilt[key] == learned[key], key
    # The worker carries on from there: replaying every record is a no-op, a new order is learned.
    records = shop.reader.__class__(shop.reader.streams, shop.reader.stream_arn).read(limit=1000)
    assert shop.handle(records) == {"batchItemFailures": []}
    assert semantic(shop.table()).keys() == rebuilt.keys()
    shop.order("eve", "a", "b")
    shop.learn()
    assert shop.row("a").co["book-b"] == 2


def test_a_rebuild_deletes_what_no_order_supports_and_keeps_featured_books(shop: Shop) -> None:
    shop.repo.put_featured(["book-f", "book-e", "book-a"])
    shop.order("ann", "a", "b")
    shop.aws.dynamodb.put_item(TableName=shop.repo.table, Item={"pk": {"S": "BOOK#gone"}, "sk": {"S": "STATS"}})
    report = shop.rebuild(progress=quiet)
    assert report.deleted == 1
    assert ("BOOK#gone", "STATS") not in shop.table()
    # Sold books first (b's sale came in the same order, so the tie keeps id order), then the featured ones.
    assert shop.repo.bestsellers() == ["book-a", "book-b", "book-f", "book-e"]


def test_an_interrupted_rebuild_is_finished_by_running_it_again(shop: Shop) -> None:
    shop.order_history()
    shop.rebuild()
    complete = semantic(shop.table())
    for pk, sk in list(shop.table()):
        shop.aws.dynamodb.delete_item(TableName=shop.repo.table, Key={"pk": {"S": pk}, "sk": {"S": sk}})

    class Interrupting:
        """The DynamoDB client, until Ctrl-C arrives during the second batch write."""

        def __init__(self, client: Any) -> None:
            self.client, self.writes = client, 0

        def __getattr__(self, name: str) -> Any:
            if name != "batch_write_item":
                return getattr(self.client, name)
            self.writes += 1
            if self.writes == 2:
                raise KeyboardInterrupt
            return self.client.batch_write_item

    with pytest.raises(KeyboardInterrupt):
        shop.rebuild(Interrupting(shop.aws.dynamodb), threads=1)  # one thread: the interruption lands at a known point
    assert 0 < len(shop.table()) < len(complete)
    shop.rebuild()
    assert semantic(shop.table()) == complete


MAPPING = "6f1c2d3e-4a5b-4c6d-8e7f-901a2b3c4d5e"


def test_the_worker_is_paused_during_a_stage_rebuild_and_resumed_even_after_a_failure() -> None:
    import boto3

    client = boto3.client("lambda", region_name="us-east-1")
    with Stubber(client) as stub:
        stub.add_response("update_event_source_mapping", {}, {"UUID": MAPPING, "Enabled": False})
        stub.add_response("get_event_source_mapping", {"State": "Disabling"}, {"UUID": MAPPING})
        stub.add_response("get_event_source_mapping", {"State": "Disabled"}, {"UUID": MAPPING})
        stub.add_response("update_event_source_mapping", {}, {"UUID": MAPPING, "Enabled": True})
        stub.add_response("get_event_source_mapping", {"State": "Enabled"}, {"UUID": MAPPING})
        with pytest.raises(RuntimeError, match="boom"), PausedWorker(client, MAPPING, sleep=lambda _: None):
            raise RuntimeError("boom")
        stub.assert_no_pending_responses()


def test_an_unreadable_order_is_reported_and_the_others_are_rebuilt(shop: Shop, capsys) -> None:
    from local import recommendations as command

    shop.order("ann", "a", "b")
    broken = {"pk": {"S": "CUSTOMER#zed"}, "sk": {"S": "ORDER#01BROKEN"}, "status": {"S": "PLACED"}}
    shop.aws.dynamodb.put_item(TableName=shop.aws.tables["OrdersTable"], Item=broken)
    report = shop.rebuild(progress=quiet)
    assert report.unreadable == ["CUSTOMER#zed/ORDER#01BROKEN"]
    assert (report.orders, shop.row("a").n) == (1, 1)
    with pytest.raises(CliError, match=r"cannot reach http://127\.0\.0\.1:9"):
        command.main(["rebuild", "--endpoint", "http://127.0.0.1:9"])


def test_without_a_target_it_rebuilds_the_running_make_dev(running_make_dev, capsys) -> None:
    from bookstore.repositories.dynamo import to_item
    from local import recommendations as command

    order = {"pk": "CUSTOMER#ann", "sk": "ORDER#01", "order_id": "01", "username": "ann", "status": "PLACED",
             "created_at": "2026-01-02T03:04:05.000000Z", "updated_at": "2026-01-02T03:04:05.000000Z",
             "lines": [{"book_id": "book-a", "title": "A", "quantity": 1}, {"book_id": "book-b", "title": "B", "quantity": 2}]}  # fmt: skip
    dynamodb = running_make_dev.client("dynamodb")
    dynamodb.put_item(TableName=running_make_dev.tables["OrdersTable"], Item=to_item(order))

    assert command.main(["rebuild"]) == 0
    out, err = capsys.readouterr()
    assert (
        f"Rebuilding recommendations of the running `make dev` (pid {os.getpid()}, AWS {running_make_dev.endpoint})"
        in err
    )
    assert out.startswith("Rebuilt from 1 orders (0 cancelled) of 1 customers: 2 books")
    stats = dynamodb.get_item(TableName=running_make_dev.tables["RecommendationsTable"],
                              Key={"pk": {"S": "BOOK#book-a"}, "sk": {"S": "STATS"}})  # fmt: skip
    assert "Item" in stats


def test_without_a_target_or_a_running_make_dev_it_says_what_to_do(tmp_path, monkeypatch) -> None:
    from local import recommendations as command

    monkeypatch.setenv("BOOKSTORE_RUNNING_DIR", str(tmp_path))
    with pytest.raises(CliError, match=r"no `make dev` is running .*--stage STAGE .*--endpoint URL"):
        command.main(["rebuild"])
