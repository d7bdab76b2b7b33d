"""The lexv2-runtime service model, as botocore ships it, and request validation against it.

The local runtime takes its constraints from the same model boto3 and the AWS CLI are generated from
(`botocore/data/lexv2-runtime/2020-08-07/service-2.json`): every request member is checked for its type,
required members, enum values, length and value ranges and regular-expression patterns, as the service
does before anything else, and answered with a `ValidationException` worded as AWS words them ("1 validation
error detected: Value 'x' at 'sessionState.dialogAction.type' failed to satisfy constraint: Member must
satisfy enum value set: [...]"). Sensitive members (the text, the session state of RecognizeUtterance) are
named without their value, as AWS does. botocore itself checks only types, required members and minimum
lengths before sending, so a client that turns its parameter validation off reaches these checks.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

from local.emulators.lex.errors import Validation

SERVICE = "lexv2-runtime"


@cache
def service_model() -> Any:
    """botocore's ServiceModel of lexv2-runtime (loaded once; botocore is installed with boto3)."""
    import botocore.session

    return botocore.session.get_session().get_service_model(SERVICE)


def shape(name: str) -> Any:
    return service_model().shape_for(name)


def metadata(name: str) -> dict[str, Any]:
    """The constraints of a shape: min, max, pattern, enum, sensitive (whichever the model sets)."""
    found = shape(name)
    data = dict(found.metadata)
    if getattr(found, "enum", None):
        data["enum"] = list(found.enum)
    return data


@cache
def _regex(pattern: str) -> re.Pattern[str]:
    # The model's patterns are Java regular expressions matched against the whole value.
    return re.compile(pattern.removeprefix("^").removesuffix("$"))


def _shown(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def _value_at(value: Any, path: str, sensitive: bool) -> str:
    return f"Value at '{path}'" if sensitive else f"Value '{_shown(value)}' at '{path}'"


_Fails = Callable[[str], list[str]]
# The problems of a value of one kind of shape: (member, value, path, sensitive, fails) -> sentences.
_KindCheck = Callable[[Any, Any, str, bool, _Fails], list[str]]


def problems(member: Any, value: Any, path: str, *, sensitive: bool = False) -> list[str]:
    """What is wrong with `value` as an instance of the botocore shape `member`, one sentence per problem."""
    sensitive = sensitive or bool(member.metadata.get("sensitive"))
    where = _value_at(value, path, sensitive)

    def fails(constraint: str) -> list[str]:
        return [f"{where} failed to satisfy constraint: Member must {constraint}"]

    check = _KIND_CHECKS.get(member.type_name)
    if value is None or check is None:  # a kind without constraints here (timestamp, blob): nothing to check
        return []
    return check(member, value, path, sensitive, fails)


def _structure_problems(member: Any, value: Any, path: str, sensitive: bool, fails: _Fails) -> list[str]:
    if not isinstance(value, Mapping):
        return fails("be a structure (a JSON object)")
    found: list[str] = []
    for name in member.required_members:
        if value.get(name) is None:
            found.append(f"Value null at '{path}.{name}' failed to satisfy constraint: Member must not be null")
    for name, child in member.members.items():
        if name in value:
            found += problems(child, value[name], f"{path}.{name}", sensitive=sensitive)
    return found


def _list_problems(member: Any, value: Any, path: str, sensitive: bool, fails: _Fails) -> list[str]:
    if not isinstance(value, list):
        return fails("be a list (a JSON array)")
    found = _length(member, len(value), fails)
    for index, item in enumerate(value, 1):
        if item is None:
            found.append(f"Value null at '{path}.{index}.member' failed to satisfy constraint: Member must not be null")
        else:
            found += problems(member.member, item, f"{path}.{index}.member", sensitive=sensitive)
    return found


def _map_problems(member: Any, value: Any, path: str, sensitive: bool, fails: _Fails) -> list[str]:
    if not isinstance(value, Mapping):
        return fails("be a map (a JSON object)")
    found = _length(member, len(value), fails)
    for key, item in value.items():
        found += problems(member.key, key, f"{path}.key", sensitive=sensitive)
        if item is None:
            found.append(f"Value null at '{path}.{key}' failed to satisfy constraint: Member must not be null")
        else:
            found += problems(member.value, item, f"{path}.{key}", sensitive=sensitive)
    return found


def _string_problems(member: Any, value: Any, path: str, sensitive: bool, fails: _Fails) -> list[str]:
    if not isinstance(value, str):
        return fails("be a string")
    found = _length(member, len(value), fails)
    enum = getattr(member, "enum", None)
    if enum and value not in enum:
        found += fails(f"satisfy enum value set: [{', '.join(enum)}]")
    pattern = member.metadata.get("pattern")
    if pattern and not _regex(pattern).fullmatch(value):
        found += fails(f"satisfy regular expression pattern: {pattern}")
    return found


def _integer_problems(member: Any, value: Any, path: str, sensitive: bool, fails: _Fails) -> list[str]:
    if isinstance(value, bool) or not isinstance(value, int):
        return fails("be an integer")
    found = []
    if "min" in member.metadata and value < member.metadata["min"]:
        found += fails(f"have value greater than or equal to {member.metadata['min']}")
    if "max" in member.metadata and value > member.metadata["max"]:
        found += fails(f"have value less than or equal to {member.metadata['max']}")
    return found


def _number_problems(member: Any, value: Any, path: str, sensitive: bool, fails: _Fails) -> list[str]:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return fails("be a number")
    return []


def _boolean_problems(member: Any, value: Any, path: str, sensitive: bool, fails: _Fails) -> list[str]:
    return [] if isinstance(value, bool) else fails("be a boolean")


_KIND_CHECKS: dict[str, _KindCheck] = {
    "structure": _structure_problems,
    "list": _list_problems,
    "map": _map_problems,
    "string": _string_problems,
    "integer": _integer_problems,
    "long": _integer_problems,
    "double": _number_problems,
    "float": _number_problems,
    "boolean": _boolean_problems,
}


def _length(member: Any, length: int, fails: Any) -> list[str]:
    found: list[str] = []
    if "min" in member.metadata and length < member.metadata["min"]:
        found += fails(f"have length greater than or equal to {member.metadata['min']}")
    if "max" in member.metadata and length > member.metadata["max"]:
        found += fails(f"have length less than or equal to {member.metadata['max']}")
    return found


def raise_if(found: list[str]) -> None:
    """A ValidationException listing the problems, as AWS lists them (nothing when there are none)."""
    if not found:
        return
    count = f"{len(found)} validation error{'s' if len(found) > 1 else ''} detected"
    raise Validation(f"{count}: {'; '.join(found)}")


def check_input(operation: str, values: Mapping[str, Any]) -> None:
    """Validate members of an operation's input (`values` by member name; the ones the caller read from the
    request) against the model: a required one given as None is missing. Raises a ValidationException."""
    operation_input = service_model().operation_model(operation).input_shape
    found: list[str] = []
    for name, value in values.items():
        if value is None and name in operation_input.required_members:
            found.append(f"Value null at '{name}' failed to satisfy constraint: Member must not be null")
        elif name in operation_input.members:
            found += problems(operation_input.members[name], value, name)
    raise_if(found)


def check_shape(name: str, value: Any, path: str, *, sensitive: bool = False) -> None:
    """Validate `value` as the model's shape `name` (reported at `path`). Raises a ValidationException."""
    raise_if(problems(shape(name), value, path, sensitive=sensitive))
