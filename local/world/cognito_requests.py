"""Cognito requests checked against botocore's model of the API before the local pool acts on them.

moto trusts its input: a number where a string belongs, a missing field or a string where a list belongs became a
500 and a traceback. Cognito refuses such requests with 400: a value of the wrong JSON type is a
SerializationException, a missing required member or a value outside its length or range an
InvalidParameterException, an action the service does not have an UnknownOperationException. The model
(`cognito-idp` in botocore's data) gives every operation's members, types and constraints.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

import botocore.session
from botocore.model import ListShape, MapShape, OperationNotFoundError, ServiceModel, Shape, StructureShape

from local.world.cognito_pool import CognitoError

_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "long": (int,),
    "boolean": (bool,),
    "double": (int, float),
    "float": (int, float),
    "timestamp": (int, float, str),
    "blob": (str,),
    "structure": (dict,),
    "map": (dict,),
    "list": (list,),
}


@cache
def _model() -> ServiceModel:
    return botocore.session.get_session().get_service_model("cognito-idp")


def check_request(action: str, params: Mapping[str, Any]) -> None:
    """Raise the CognitoError Cognito would answer `params` with, if any."""
    try:
        operation = _model().operation_model(action)
    except OperationNotFoundError:
        raise CognitoError("UnknownOperationException", f"Unknown operation {action}") from None
    if operation.input_shape is not None:
        _check(operation.input_shape, params, operation.input_shape.name)


def _check(shape: Shape, given: object, where: str) -> None:
    """Raise the CognitoError for `given` as a value of `shape` (named `where` in the message): first its JSON
    type, then what the kind of shape constrains."""
    expected = _JSON_TYPES.get(shape.type_name, (object,))
    if (isinstance(given, bool) and bool not in expected) or not isinstance(given, expected):
        raise CognitoError("SerializationException", f"Unexpected value at {where}: {shape.type_name} expected")
    value: Any = given
    if isinstance(shape, StructureShape):  # members the model does not name are ignored, as by the service
        _check_structure(shape, value)
    elif isinstance(shape, ListShape):
        _limits(shape, len(value), where)
        for item in value:
            _check(shape.member, item, where)
    elif isinstance(shape, MapShape):
        for key, item in value.items():
            _check(shape.key, key, where)
            _check(shape.value, item, where)
    elif shape.type_name == "string":
        # Lengths only: the model's patterns are Java regular expressions (\p{L}...) whose matching mode (whole
        # value or any part) the model does not say; the flows check what matters (codes, passwords, names).
        _limits(shape, len(value), where)
    elif shape.type_name in ("integer", "long"):
        _limits(shape, value, where, size=False)


def _check_structure(shape: StructureShape, value: Mapping[str, Any]) -> None:
    """A structure's required members are present (not null), then each member given is checked, in the
    model's order and under its own name."""
    for name in shape.required_members:
        if value.get(name) is None:
            raise CognitoError(
                "InvalidParameterException",
                f"1 validation error detected: Value null at '{name}' failed to "
                "satisfy constraint: Member must not be null",
            )
    for name, member in shape.members.items():
        if value.get(name) is not None:
            _check(member, value[name], name)


def _limits(shape: Shape, amount: int, where: str, *, size: bool = True) -> None:
    low, high = shape.metadata.get("min"), shape.metadata.get("max")
    what = "length" if size else "value"
    if low is not None and amount < low:
        raise CognitoError(
            "InvalidParameterException",
            f"1 validation error detected: Value at '{where}' failed to satisfy constraint: Member must have "
            f"{what} greater than or equal to {low}",
        )
    if high is not None and amount > high:
        raise CognitoError(
            "InvalidParameterException",
            f"1 validation error detected: Value at '{where}' failed to satisfy constraint: Member must have "
            f"{what} less than or equal to {high}",
        )
