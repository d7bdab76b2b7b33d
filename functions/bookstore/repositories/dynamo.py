"""Small helpers over the low-level DynamoDB client (typed values in, plain Python out)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import DYNAMODB_CONTEXT, TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

from bookstore import aws
from bookstore.errors import Conflict

BATCH_GET_LIMIT = 100
_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def to_item(values: Mapping[str, Any]) -> dict[str, Any]:
    """Plain values as DynamoDB attribute values; None at the top level means "no attribute"."""
    return {k: _value(v) for k, v in values.items() if v is not None}


def _value(value: Any) -> dict[str, Any]:
    """boto3's TypeSerializer, with a fast path for the shapes our items use (a rebuild writes a million)."""
    kind = type(value)
    if kind is str:
        return {"S": value}
    if kind is bool:
        return {"BOOL": value}
    if kind is int or kind is Decimal:
        return {"N": plain_number(value)}
    if kind is dict:
        return {"M": {str(k): _value(v) for k, v in value.items()}}
    if kind is list:
        return {"L": [_value(v) for v in value]}
    if value is None:
        return {"NULL": True}
    return dict(_serializer.serialize(value))  # sets, bytes, subclasses; refuses floats


def plain_number(value: int | Decimal) -> str:
    """A DynamoDB number as plain digits, never an exponent form: Decimal arithmetic gives "0E-8" or "1E+2",
    which some clients cannot read back (moto's ADD calls int() on it). DynamoDB trims leading and trailing
    zeroes itself (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html#HowItWorks.DataTypes.Number);
    so does this. More than 38 significant digits is an error, as in DynamoDB (boto3's context traps it)."""
    number = DYNAMODB_CONTEXT.create_decimal(value)
    if not number.is_finite():
        raise TypeError("Infinity and NaN not supported")
    if number == 0:
        return "0"
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _plain(value: Any) -> Any:
    """DynamoDB numbers deserialize as Decimal: integral ones become int, others float, at any depth."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def from_item(item: Mapping[str, Any]) -> dict[str, Any]:
    return {k: _plain(_deserializer.deserialize(v)) for k, v in item.items()}


def cancellation_codes(error: Any) -> list[str]:
    """The per-item reason codes of a TransactionCanceledException, in request order."""
    reasons = error.response.get("CancellationReasons") or []
    return [str(r.get("Code") or "None") for r in reasons]


class DynamoRepository:
    """A table and a client (injectable for tests; the cached per-cold-start client otherwise)."""

    def __init__(self, table_name: str, client: Any | None = None) -> None:
        self.table = table_name
        self._client = client

    @property
    def client(self) -> Any:
        return self._client or aws.client("dynamodb")

    def batch_get(
        self, keys: Sequence[Mapping[str, Any]], *, consistent: bool = False, projection: str | None = None,
        names: Mapping[str, str] | None = None,
    ) -> list[dict[str, Any]]:  # fmt: skip
        """BatchGetItem in chunks of 100 (one request each), retrying unprocessed keys; missing keys are absent."""
        found: list[dict[str, Any]] = []
        for start in range(0, len(keys), BATCH_GET_LIMIT):
            spec: dict[str, Any] = {"Keys": list(keys[start : start + BATCH_GET_LIMIT]), "ConsistentRead": consistent}
            if projection:
                spec["ProjectionExpression"] = projection
            if names:
                spec["ExpressionAttributeNames"] = dict(names)
            request: dict[str, Any] = {self.table: spec}
            for _ in range(5):
                response = self.client.batch_get_item(RequestItems=request)
                found += response.get("Responses", {}).get(self.table, [])
                request = response.get("UnprocessedKeys") or {}
                if not request:
                    break
            else:
                raise Conflict("DynamoDB is busy (keys left unprocessed); please try again.")
        return found

    def transact(self, items: list[dict[str, Any]]) -> list[str] | None:
        """Run one TransactWriteItems. None when it succeeded; the per-item cancellation codes when a
        condition failed. A conflict with a concurrent transaction is a Conflict; anything else is raised."""
        try:
            self.client.transact_write_items(TransactItems=items)
            return None
        except ClientError as err:
            if err.response["Error"]["Code"] != "TransactionCanceledException":
                raise
            codes = cancellation_codes(err)
            if "TransactionConflict" in codes:
                raise Conflict("Something else is changing the same items right now; please try again.") from err
            if "ConditionalCheckFailed" not in codes:
                raise
            return codes
