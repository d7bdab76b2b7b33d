"""What the worker reads from a record of the orders table's stream, parsed through Powertools' DynamoDBRecord:
realistic INSERT, MODIFY and REMOVE records of an order item with the NewImage/OldImage shapes of a
NEW_AND_OLD_IMAGES stream."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from bookstore.errors import ValidationError
from bookstore.recommendations.stream import order_change

ORDER_ID = "01M80XPDT4C00JY8WYHFDP5GGD"


def order_image(status: str, *, at: str = "2026-11-22T06:04:33.476Z") -> dict[str, Any]:
    """An order item as the orders table's stream carries it (typed attribute values, index keys included)."""
    line = {
        "book_id": {"S": "dracula-bram-stoker"},
        "title": {"S": "Dracula"},
        "quantity": {"N": "2"},
        "unit_price_cents": {"N": "899"},
        "line_total_cents": {"N": "1798"},
    }
    return {
        "pk": {"S": "CUSTOMER#dave"},
        "sk": {"S": f"ORDER#{ORDER_ID}"},
        "type": {"S": "order"},
        "gsi1pk": {"S": f"ORDER#{ORDER_ID}"},
        "gsi1sk": {"S": "ORDER"},
        "gsi2pk": {"S": f"STATUS#{status}"},
        "gsi2sk": {"S": f"{at}#{ORDER_ID}"},
        "order_id": {"S": ORDER_ID},
        "username": {"S": "dave"},
        "lines": {"L": [{"M": line}]},
        "total_cents": {"N": "1798"},
        "currency": {"S": "USD"},
        "status": {"S": status},
        "created_at": {"S": at},
        "updated_at": {"S": at},
        "history": {"L": [{"M": {"status": {"S": status}, "at": {"S": at}}}]},
    }


def stream_record(name: str, old: dict[str, Any] | None = None, new: dict[str, Any] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "ApproximateCreationDateTime": 1795327473,
        "Keys": {"pk": {"S": "CUSTOMER#dave"}, "sk": {"S": f"ORDER#{ORDER_ID}"}},
        "SequenceNumber": "4421584500000000017450439091",
        "SizeBytes": 1342,
        "StreamViewType": "NEW_AND_OLD_IMAGES",
    }
    if old is not None:
        body["OldImage"] = old
    if new is not None:
        body["NewImage"] = new
    return {
        "eventID": "46fb8bbd3f174f2fa341cca016cc66f5",
        "eventName": name,
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": "us-east-1",
        "dynamodb": body,
        "eventSourceARN": "arn:aws:dynamodb:us-east-1:123456789012:table/Orders/stream/2026-01-01T00:00:00.000",
    }


def change(record: dict[str, Any]) -> tuple[str, str, str] | None:
    found = order_change(DynamoDBRecord(record))
    return None if found is None else (found[0], found[1].order_id, found[1].status)


def test_an_insert_of_an_order_is_an_order_to_learn_with_its_lines_typed() -> None:
    found = order_change(DynamoDBRecord(stream_record("INSERT", new=order_image("PLACED"))))
    assert found is not None
    action, order = found
    assert (action, order.order_id, order.username, order.created_at) == (
        "add",
        ORDER_ID,
        "dave",
        "2026-11-22T06:04:33.476Z",
    )
    assert [(x.book_id, x.title, x.quantity, x.unit_price_cents) for x in order.lines] == [
        ("dracula-bram-stoker", "Dracula", 2, 899)
    ]
    assert type(order.lines[0].quantity) is int  # Powertools gives Decimal; the order model takes it as int


def test_a_modify_counts_only_as_a_cancellation() -> None:
    placed, cancelled, shipped = order_image("PLACED"), order_image("CANCELLED"), order_image("SHIPPED")
    assert change(stream_record("MODIFY", old=placed, new=cancelled)) == ("remove", ORDER_ID, "CANCELLED")
    assert change(stream_record("MODIFY", old=placed, new=shipped)) is None
    assert change(stream_record("MODIFY", old=cancelled, new=cancelled)) is None
    assert change(stream_record("MODIFY", old=cancelled, new=placed)) is None


def test_a_removed_active_order_is_taken_out_and_other_records_are_skipped() -> None:
    assert change(stream_record("REMOVE", old=order_image("PLACED"))) == ("remove", ORDER_ID, "PLACED")
    assert change(stream_record("REMOVE", old=order_image("CANCELLED"))) is None
    assert change(stream_record("INSERT", new=order_image("CANCELLED"))) is None
    other = stream_record("INSERT", new={"pk": {"S": "IDEMPOTENCY#x"}, "sk": {"S": "KEY"}})
    other["dynamodb"]["Keys"] = {"pk": {"S": "IDEMPOTENCY#x"}, "sk": {"S": "KEY"}}
    assert change(other) is None


def _poison(record: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        order_change(DynamoDBRecord(record))


def test_records_that_are_not_well_formed_order_events_are_poison() -> None:
    _poison(stream_record("UPSERT", new=order_image("PLACED")), "Not a DynamoDB stream record")
    _poison({"eventName": "INSERT"}, "Not a DynamoDB stream record")
    _poison({"eventName": "INSERT", "dynamodb": "not a body"}, "Not a DynamoDB stream record")
    _poison(stream_record("INSERT"), "lacks the order image")
    _poison(stream_record("MODIFY", new=order_image("CANCELLED")), "lacks the order image")
    broken = copy.deepcopy(order_image("PLACED"))
    broken["lines"] = {"S": "not a list of lines"}
    _poison(stream_record("INSERT", new=broken), "order image is invalid")
    unknown_type = stream_record("INSERT", new=order_image("PLACED"))
    unknown_type["dynamodb"]["NewImage"]["total_cents"] = {"X": "1"}
    _poison(unknown_type, "order image is invalid")
