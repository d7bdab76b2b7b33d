"""A value of a CloudFormation template and where it is (`Node`), read as the local Lex V2 runtime reads a bot:
literal values of the expected kind only, every problem a `TemplateError` that names its place."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

_Named = TypeVar("_Named")


class TemplateError(ValueError):
    """The template defines a bot the local runtime cannot serve as Lex would. `place` names the stack, the
    resource and the property path (e.g. `Bookstore-dev-Bot/Bot BotLocales[0](en_US).Intents[2](Help)`)."""

    def __init__(self, place: str, problem: str) -> None:
        self.place = place
        self.problem = problem
        super().__init__(f"{place}: {problem}")


def is_function(value: Any) -> bool:
    return isinstance(value, dict) and len(value) == 1 and next(iter(value)).startswith(("Fn::", "Ref"))


@dataclass(frozen=True)
class Node:
    """A value of the template and where it is, for errors that name the place."""

    value: Any
    place: str
    root: bool = False  # the resource's Properties: its place is `stack/LogicalId (Type)`

    def at(self, key: str) -> str:
        """The place of a property of this value."""
        return f"{self.place} {key}" if self.root else f"{self.place}.{key}"

    def error(self, problem: str) -> TemplateError:
        return TemplateError(self.place, problem)

    def _literal(self, value: Any, place: str, kind: str) -> Any:
        if is_function(value):
            raise TemplateError(
                place,
                f"is a CloudFormation function ({next(iter(value))}); the local runtime reads only a literal "
                f"{kind} here",
            )
        return value

    def props(self) -> Mapping[str, Any]:
        value = self._literal(self.value, self.place, "object")
        if not isinstance(value, Mapping):
            raise self.error(f"must be an object, not {type(value).__name__}")
        return value

    def has(self, key: str) -> bool:
        return self.props().get(key) is not None

    def child(self, key: str) -> Node | None:
        value = self.props().get(key)
        return None if value is None else Node(value, self.at(key))

    def need(self, key: str) -> Node:
        found = self.child(key)
        if found is None:
            raise self.error(f"{key} is required")
        return found

    def items(self, key: str) -> list[Node]:
        """The items of a list property (none when absent), each placed `Key[i](Name)`."""
        node = self.child(key)
        if node is None:
            return []
        values = self._literal(node.value, node.place, "list")
        if not isinstance(values, list):
            raise node.error(f"must be a list, not {type(values).__name__}")
        nodes = []
        for index, item in enumerate(values):
            label = (item.get("Name") or item.get("LocaleId")) if isinstance(item, dict) else None
            suffix = f"({label})" if isinstance(label, str) else ""
            nodes.append(Node(item, f"{self.at(key)}[{index}]{suffix}"))
        return nodes

    def _scalar(self, key: str, kinds: tuple[type, ...], kind: str, *, required: bool) -> Any:
        node = self.child(key)
        if node is None:
            if required:
                raise self.error(f"{key} is required")
            return None
        value = self._literal(node.value, node.place, kind)
        if not isinstance(value, kinds) or (bool not in kinds and isinstance(value, bool)):
            raise node.error(f"must be a {kind}, not {value!r}")
        return value

    def text(self, key: str) -> str:
        return str(self._scalar(key, (str,), "string", required=True))

    def optional_text(self, key: str) -> str | None:
        value = self._scalar(key, (str,), "string", required=False)
        return None if value is None else str(value)

    def flag(self, key: str, default: bool) -> bool:
        value = self._scalar(key, (bool,), "boolean", required=False)
        return default if value is None else bool(value)

    def integer(self, key: str, default: int | None = None) -> int:
        value = self._scalar(key, (int,), "integer", required=default is None)
        if value is None:
            assert default is not None
            return default
        return int(value)

    def number(self, key: str) -> float:
        return float(self._scalar(key, (int, float), "number", required=True))

    def refuse(self, refused: Mapping[str, str]) -> None:
        for key, what in refused.items():
            if self.has(key):
                raise TemplateError(
                    self.at(key),
                    f"{what} is not supported by the local Lex runtime (it would not answer as Lex does; docs/bot.md "
                    "lists what it serves)",
                )


def by_name(
    items: Iterable[Node], parse: Callable[[Node], _Named], name_of: Callable[[_Named], str], what: str
) -> dict[str, _Named]:
    """Each item parsed, by its name; a name defined twice is refused where its second definition is."""
    found: dict[str, _Named] = {}
    for item in items:
        value = parse(item)
        name = name_of(value)
        if name in found:
            raise item.error(f"{what} {name} is defined twice")
        found[name] = value
    return found
