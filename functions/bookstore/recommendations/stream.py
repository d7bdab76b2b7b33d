"""What a record of the orders table's stream means to the model: an order placed ("add"), an order cancelled or
deleted ("remove"), or nothing it counts.

Records come as Powertools' DynamoDBRecord (the worker's BatchProcessor builds them), whose StreamRecord
deserializes the typed keys and images. The stream is NEW_AND_OLD_IMAGES: a MODIFY carries both images.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import (
    DynamoDBRecord,
    DynamoDBRecordEventName,
    StreamRecord,
)

from bookstore.errors import ValidationError
from bookstore.orders import Order
from bookstore.recommendations.learning import Action

INSERT, MODIFY, REMOVE = DynamoDBRecordEventName.INSERT, DynamoDBRecordEventName.MODIFY, DynamoDBRecordEventName.REMOVE


def order_change(record: DynamoDBRecord) -> tuple[Action, Order] | None:
    """("add" | "remove", order) for a DynamoDB stream record of the orders table, or None when the record
    does not change what the model counts (another item type, a move to SHIPPED or DELIVERED).

    Raises ValidationError for a record that is not a well-formed order event (a poison record)."""
    name, body = _event_name(record), record.dynamodb
    if body is None or not isinstance(body.raw_event, dict):
        raise ValidationError(f"Not a DynamoDB stream record (eventName={record.get('eventName')!r})")
    if not _sort_key(body).startswith("ORDER#"):
        return None
    old = _order(body, "OldImage") if name != INSERT else None
    new = _order(body, "NewImage") if name != REMOVE else None
    if name == INSERT and new is not None and new.status != "CANCELLED":
        return "add", new
    if name == MODIFY and old is not None and new is not None:
        if old.status != "CANCELLED" and new.status == "CANCELLED":
            return "remove", new
        return None
    if name == REMOVE and old is not None and old.status != "CANCELLED":
        return "remove", old
    return None


def _event_name(record: DynamoDBRecord) -> DynamoDBRecordEventName:
    try:
        name = record.event_name
    except KeyError:  # Powertools looks the name up in its enum: not INSERT, MODIFY or REMOVE
        name = None
    if name is None:
        raise ValidationError(f"Not a DynamoDB stream record (eventName={record.get('eventName')!r})")
    return name


def _sort_key(body: StreamRecord) -> str:
    try:
        sort_key: Any = body.keys.get("sk")
    except Exception as err:  # keys that are not typed DynamoDB values: a poison record
        raise ValidationError(f"The stream record's keys are invalid: {err}") from err
    return sort_key if isinstance(sort_key, str) else ""


def _order(body: StreamRecord, image: str) -> Order:
    if body.get(image) is None:
        raise ValidationError("The stream record lacks the order image (the stream must be NEW_AND_OLD_IMAGES)")
    try:
        data = body.new_image if image == "NewImage" else body.old_image
        return Order.model_validate({k: v for k, v in data.items() if k in Order.model_fields})
    except Exception as err:  # a malformed image in any way is a poison record
        raise ValidationError(f"The stream record's order image is invalid: {err}") from err
