"""to_item: the same attribute values as boto3's TypeSerializer, faster for our shapes."""

from __future__ import annotations

from decimal import Decimal

import pytest
from boto3.dynamodb.types import TypeSerializer

from bookstore.repositories.dynamo import from_item, to_item

VALUES = {
    "s": "text", "n": 7, "neg": -3, "d": Decimal("1.5"), "b": True, "l": [1, "a", None, {"x": False}],
    "m": {"k": [Decimal("2"), {"deep": "yes"}]}, "ss": {"a", "b"}, "bin": b"\x00\x01", "empty": [],
}  # fmt: skip


def test_to_item_matches_boto3_and_round_trips() -> None:
    serializer = TypeSerializer()
    assert to_item(VALUES) == {k: serializer.serialize(v) for k, v in VALUES.items()}
    back = from_item(to_item({"n": 7, "d": Decimal("1.5"), "l": [1, None]}))
    assert back == {"n": 7, "d": 1.5, "l": [1, None]}


def test_top_level_none_is_no_attribute() -> None:
    assert to_item({"a": None, "b": "x"}) == {"b": {"S": "x"}}


@pytest.mark.parametrize(
    ("number", "written"),
    [
        (Decimal("0E-8"), "0"),
        (Decimal("-0E-8"), "0"),
        (Decimal("1E-7"), "0.0000001"),
        (Decimal("1E+2"), "100"),
        (Decimal("1.50"), "1.5"),
        (Decimal("-2.500"), "-2.5"),
        (Decimal("1.12345678") - Decimal("1.12345678"), "0"),
        (10**37, "1" + "0" * 37),
        (0, "0"),
    ],
)
def test_numbers_are_written_as_plain_trimmed_digits(number, written) -> None:
    """Never an exponent form (which moto's ADD, and other strict readers, cannot parse); zeroes trimmed as
    DynamoDB trims them."""
    assert to_item({"x": number}) == {"x": {"N": written}}
    assert Decimal(written) == number


def test_more_than_38_significant_digits_is_refused() -> None:
    with pytest.raises(ArithmeticError):
        to_item({"x": Decimal("1." + "1" * 40)})


@pytest.mark.parametrize("bad", [1.5, Decimal("NaN"), Decimal("Infinity")])
def test_floats_and_non_numbers_are_refused(bad) -> None:
    with pytest.raises(TypeError):
        to_item({"x": bad})
