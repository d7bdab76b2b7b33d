"""The regular expressions Lex V2 accepts on a slot type that extends AMAZON.AlphaNumeric, and how they match.

Encoded from the AWS documentation (each rule names its source):

- https://docs.aws.amazon.com/lexv2/latest/dg/built-in-slot-alphanumeric.html: "Amazon Lex V2 supports the
  following characters in the regular expression: A-Z, a-z, 0-9", Unicode characters written `\\uXXXX` (four
  digits); not supported: infinite repeaters (`*`, `+`, `{x,}` with no upper bound) and the wild card (`.`);
  "The maximum length of the regular expression is 300 characters"; "The maximum length of a string stored in
  an AMAZON.AlphaNumeric slot type that uses a regular expression is 30 characters"; "If the input matches the
  expression, the value is accepted for the slot. If the input does not match, Amazon Lex V2 prompts the user
  to repeat the input."
- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-lex-bot-slotvalueregexfilter.html
  (AWS::Lex::Bot SlotValueRegexFilter `Pattern`): the same characters and operators, length 1 to 300.

What the documentation leaves open is decided the strict way: besides the documented characters only the
standard operators of its own examples are accepted (`[...]` classes with ranges, bounded `{n}` / `{n,m}`
repeaters, a literal space as in its `[A-DP-T]{3} [1-5]{1,3}` example) plus grouping `( )`, alternation `|`
and the bounded `?`; anchors, other escapes and any other character are refused. A value is accepted only
when the whole of it matches (a regex that validates a value describes all of it).
"""

from __future__ import annotations

import re

ALPHANUMERIC_DOC = "https://docs.aws.amazon.com/lexv2/latest/dg/built-in-slot-alphanumeric.html"
REGEX_MAX_LENGTH = 300
# The longest value Lex stores in an AMAZON.AlphaNumeric slot type that uses a regular expression.
REGEX_VALUE_MAX_LENGTH = 30

_UNICODE_ESCAPE = re.compile(r"\\u[0-9A-Fa-f]{4}")
_BOUNDED_REPEATER = re.compile(r"\{(\d+)(?:(,)(\d*))?\}")
_OPERATORS = frozenset("[]()|?- ")


def regex_filter_problems(pattern: str) -> list[str]:
    """Why Lex would refuse `pattern` as a slot type's regexFilter (empty when it is acceptable)."""
    problems: list[str] = []
    if not 1 <= len(pattern) <= REGEX_MAX_LENGTH:
        problems.append(f"is {len(pattern)} characters long; Lex accepts 1 to {REGEX_MAX_LENGTH}")
    position = 0
    while position < len(pattern):
        problem, position = _token_problem(pattern, position)
        if problem is not None:
            problems.append(problem)
    if not problems:
        try:
            re.compile(pattern)
        except re.error as err:
            problems.append(f"is not a valid regular expression: {err}")
    return problems


def _token_problem(pattern: str, position: int) -> tuple[str | None, int]:
    """Whether Lex refuses the token at `position` (an escape, a `{...}` repeater or one character), and where
    the next token starts."""
    char = pattern[position]
    if char == "\\":
        return _escape_problem(pattern, position)
    if char == "{":
        return _repeater_problem(pattern, position)
    return _character_problem(char, position), position + 1


def _escape_problem(pattern: str, position: int) -> tuple[str | None, int]:
    """A backslash is accepted only as `\\uXXXX`; any other escape is refused and skipped with its character."""
    escape = _UNICODE_ESCAPE.match(pattern, position)
    if escape is None:
        problem = (
            f"position {position}: {pattern[position : position + 2]!r} is not supported; the only escape "
            "Lex accepts is a Unicode character written \\uXXXX (four hex digits)"
        )
        return problem, position + 2
    return None, escape.end()


def _repeater_problem(pattern: str, position: int) -> tuple[str | None, int]:
    """A `{` must start a bounded repeater `{n}` or `{n,m}` with n <= m; a malformed one skips only the `{`."""
    repeater = _BOUNDED_REPEATER.match(pattern, position)
    if repeater is None:
        return f"position {position}: '{{' must start a repeater {{n}} or {{n,m}}", position + 1
    if repeater.group(2) and not repeater.group(3):
        return f"position {position}: {repeater.group(0)} repeats without an upper bound", repeater.end()
    if repeater.group(3) and int(repeater.group(3)) < int(repeater.group(1)):
        return f"position {position}: {repeater.group(0)} has its bounds the wrong way round", repeater.end()
    return None, repeater.end()


def _character_problem(char: str, position: int) -> str | None:
    """Any other character: refused if it is an infinite repeater, the wild card, or neither an ASCII letter or
    digit nor one of the accepted operators."""
    if char in "*+":
        return f"position {position}: {char!r} is an infinite repeater, not supported by Lex"
    if char == ".":
        return f"position {position}: the wild card '.' is not supported by Lex (write \\u002E)"
    if not ((char.isascii() and char.isalnum()) or char in _OPERATORS):
        return (
            f"position {position}: {char!r} is not a character Lex supports in a regular expression "
            "(A-Z, a-z, 0-9, \\uXXXX)"
        )
    return None


def compile_regex_filter(pattern: str) -> re.Pattern[str]:
    """The pattern as Python matches it (Python reads `\\uXXXX` in a pattern as Lex does)."""
    problems = regex_filter_problems(pattern)
    if problems:
        raise ValueError(f"regex {pattern!r}: " + "; ".join(problems))
    return re.compile(pattern)


def regex_accepts(compiled: re.Pattern[str], value: str) -> bool:
    """Whether Lex stores `value` in a slot of the type: the whole value matches and fits in 30 characters."""
    return len(value) <= REGEX_VALUE_MAX_LENGTH and compiled.fullmatch(value) is not None
