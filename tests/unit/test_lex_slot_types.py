"""Each slot type the bot uses takes, in the local runtime, what Lex V2 documents it takes, and nothing more.

The local runtime may never be more lenient than AWS: a value the deployed bot would not capture must not be
captured here either, or a conversation that passes locally fails on the real bot. Every case names the page
of the Lex V2 developer guide (or the CloudFormation reference) it comes from. The runtime's slot types are read
from the dev stage's synthesized Bot template, as the runtime serves them (local/emulators/lex/template.py).
"""

from __future__ import annotations

import itertools
import re
from typing import Any

import pytest
from aws_cdk import aws_lex as lex

from bookstore.ids import ulid
from bookstore.users import USERNAME_RE
from bot import load_bot_model
from bot.lex_regex import REGEX_VALUE_MAX_LENGTH, compile_regex_filter, regex_accepts, regex_filter_problems
from bot.loader import parse_bot_model
from local.emulators.lex.model import SlotType
from local.emulators.lex.slot_numbers import recognize_number
from local.emulators.lex.slots import (
    BUILTIN_RECOGNIZERS,
    recognize_alphanumeric,
    recognize_email,
    recognize_first_name,
    recognize_last_name,
    recognizer_for,
)
from stacks.bot_definition import bot_locale

MODEL = load_bot_model()
ALPHANUMERIC = "https://docs.aws.amazon.com/lexv2/latest/dg/built-in-slot-alphanumeric.html"
EMAIL = "https://docs.aws.amazon.com/lexv2/latest/dg/built-in-slot-email.html"
FIRST_NAME = "https://docs.aws.amazon.com/lexv2/latest/dg/built-in-slot-first-name.html"
LAST_NAME = "https://docs.aws.amazon.com/lexv2/latest/dg/built-in-slot-last-name.html"
NUMBER = "https://docs.aws.amazon.com/lexv2/latest/dg/built-in-slot-number.html"
REGEX_FILTER = (
    "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-lex-bot-slotvalueregexfilter.html"
)
SLOT_TYPE = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-lex-bot-slottype.html"
VALUE_SELECTION = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-lex-bot-slotvalueselectionsetting.html"


def _value(resolved: Any) -> str | None:
    return None if resolved is None else str(resolved.interpreted)


def test_every_built_in_type_the_bot_uses_has_a_documented_recognizer(locale) -> None:
    used = {s.type for i in locale.intents for s in i.slots if s.type.startswith("AMAZON.")}
    used |= {t.parent for t in locale.slot_types if t.parent}
    assert used == {
        "AMAZON.AlphaNumeric",
        "AMAZON.EmailAddress",
        "AMAZON.FirstName",
        "AMAZON.LastName",
        "AMAZON.Number",
    }
    assert used <= set(BUILTIN_RECOGNIZERS)


# AMAZON.AlphaNumeric


@pytest.mark.parametrize("word", ["APQ123", "ABC", "123", "jdoe2", "JDoe"])
def test_alphanumeric_takes_letters_and_digits(word) -> None:
    """ALPHANUMERIC: "Recognizes strings made up of letters and numbers, such as APQ123": alphabetical
    characters (ABC), numeric characters (123), a combination (ABC123)."""
    assert _value(recognize_alphanumeric([word])) == word


@pytest.mark.parametrize("word", ["j.doe", "j_doe", "j-doe", "jdoe@example.com", "APQ-123", "a+b", "jdöe"])
def test_alphanumeric_takes_nothing_but_letters_and_digits(word) -> None:
    """ALPHANUMERIC: letters and numbers only, so `.`, `_`, `-`, `@`, `+` are not captured (the reason usernames
    and e-mail addresses have their own slot types)."""
    assert recognize_alphanumeric([word]) is None


def test_alphanumeric_carries_an_order_id_in_either_case(locale) -> None:
    """ALPHANUMERIC: an order id is a 26-character Crockford ULID (digits and capital letters without I, L, O,
    U): letters and numbers, so the plain type carries it, lower-case too (the hook upper-cases it)."""
    order_id = ulid()
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{26}", order_id)
    assert _value(recognize_alphanumeric([order_id])) == order_id
    assert _value(recognize_alphanumeric([order_id.lower()])) == order_id.lower()
    assert recognize_alphanumeric([f"{order_id[:13]}-{order_id[13:]}"]) is None


@pytest.fixture(scope="module")
def order_reference(locale) -> Any:
    return recognizer_for("OrderReference", locale.slot_types)


def test_order_slots_take_an_order_reference(locale) -> None:
    for intent in ("OrderStatus", "CancelOrder"):
        assert locale.intent(intent).slot("OrderId").type == "OrderReference"
    assert locale.slot_type("OrderReference").parent == "AMAZON.AlphaNumeric"


@pytest.mark.parametrize(
    "word", ["BK-7K3M-9QXT", "bk-7k3m-9qxt", "BK7K3M9QXT", "BK-7K3M9QXT", "01J9ZQ4M8X2C7V5N3R1T6Y0W8K"]
)
def test_order_reference_takes_an_order_id_or_number(order_reference, word) -> None:
    """An order id (26 letters and digits) or a number BK-XXXX-XXXX, hyphens optional: the regex extension of
    AMAZON.AlphaNumeric the OrderId slots use (bot/model.yaml OrderReference)."""
    assert _value(order_reference([word])) == word


@pytest.mark.parametrize(
    "word", ["BK-7K3M", "BK--7K3M-9QXT", "XX-7K3M-9QXT", "01J9ZQ4M8X2C7V5N3R1T6Y0W8", "BK_7K3M_9QXT"]
)
def test_order_reference_refuses_what_is_neither(order_reference, word) -> None:
    assert order_reference([word]) is None


# AMAZON.AlphaNumeric extended by a regular expression: the UsernameValue slot type.


def _rendered_username_type() -> Any:
    """The UsernameValue slot type as BotStack renders it into AWS::Lex::Bot (stacks/bot_definition.py)."""
    slot_types = bot_locale(MODEL).slot_types
    assert isinstance(slot_types, list)
    return next(t for t in slot_types if isinstance(t, lex.CfnBot.SlotTypeProperty) and t.name == "UsernameValue")


def test_username_type_is_rendered_as_an_alphanumeric_extension_with_the_regex(locale) -> None:
    """SLOT_TYPE: ParentSlotTypeSignature "Only AMAZON.AlphaNumeric is supported"; REGEX_FILTER: the Pattern
    validates the value. No sample values: the regex is the type. The runtime serves it as the template has it."""
    rendered = _rendered_username_type()
    assert rendered.parent_slot_type_signature == "AMAZON.AlphaNumeric"
    assert rendered.slot_type_values is None
    assert rendered.value_selection_setting.resolution_strategy == "ORIGINAL_VALUE"
    model_type = MODEL.slot_type("UsernameValue")
    assert model_type is not None
    assert rendered.value_selection_setting.regex_filter.pattern == model_type.regex
    assert locale.slot_type("UsernameValue") == SlotType(
        name="UsernameValue", parent="AMAZON.AlphaNumeric", regex=model_type.regex, resolution="ORIGINAL_VALUE"
    )


@pytest.fixture(scope="module")
def username(locale) -> Any:
    return recognizer_for("UsernameValue", locale.slot_types)


@pytest.mark.parametrize("word", ["jdoe", "j.doe", "mary_ann-lee", "j.doe_2-x", "JDoe", "abc", "a" * 30])
def test_username_type_takes_what_matches_the_whole_regex(username, word) -> None:
    """ALPHANUMERIC: "If the input matches the expression, the value is accepted for the slot"; the regex
    writes '.', '_', '-' as \\u002E, \\u005F, \\u002D (Unicode characters are supported as \\uXXXX)."""
    assert _value(username([word])) == word


@pytest.mark.parametrize("word", ["9lives", "jd", "_jdoe", "jd!oe", "jdöe", "j@doe", "j doe", "a" * 31])
def test_username_type_refuses_what_the_regex_or_the_length_limit_refuses(username, word) -> None:
    """ALPHANUMERIC: "If the input does not match, Amazon Lex V2 prompts the user to repeat the input"; "The
    maximum length of a string stored in an AMAZON.AlphaNumeric slot type that uses a regular expression is
    30 characters"."""
    assert username([word]) is None


def _candidates() -> list[str]:
    alphabet = "aZ9._-@ é"
    short = ["".join(p) for n in range(5) for p in itertools.product(alphabet, repeat=n)]
    lengths = [f"a{'b' * n}" for n in range(26, 34)] + [f"A{'.' * n}" for n in range(26, 34)]
    return short + lengths


def test_username_regex_is_the_project_username_rule_in_either_case(locale) -> None:
    """The template's regex (as the runtime serves it) and functions/bookstore/users.py USERNAME_RE accept the
    same names, up to case (the hook lower-cases: the user pool is case-insensitive). Lex's rule wins on length: 30."""
    served = locale.slot_type("UsernameValue")
    assert served is not None
    assert served.regex is not None
    compiled = compile_regex_filter(served.regex)
    disagree = [
        c for c in _candidates() if regex_accepts(compiled, c) != bool(USERNAME_RE.match(c.lower()) and c.isascii())
    ]
    assert disagree == []
    assert REGEX_VALUE_MAX_LENGTH == 30
    assert USERNAME_RE.match("a" * 30)
    assert not USERNAME_RE.match("a" * 31)


@pytest.mark.parametrize(
    "pattern",
    ["[A-Z]{3}[0-9]{1,3}", "[A-DP-T]{3} [1-5]{1,3}", "CP[0-9]{9}US", "[0-9]{9}", "[\\u0041-\\u005A]{2}"],
)
def test_regex_filter_accepts_the_documented_examples(pattern) -> None:
    """ALPHANUMERIC: its example regular expressions, and [\\u0041-\\u005A] "is equivalent to [A-Z]"."""
    assert regex_filter_problems(pattern) == []
    assert regex_accepts(compile_regex_filter("[\\u0041-\\u005A]{2}"), "AZ")


@pytest.mark.parametrize(
    ("pattern", "problem"),
    [
        ("[A-Z]*", "infinite repeater"),
        ("[0-9]+", "infinite repeater"),
        ("[0-9]{3,}", "without an upper bound"),
        ("A.B", "wild card"),
        ("[a-z]\\d{2}", "escape"),
        ("^[a-z]{3}$", "not a character Lex supports"),
        ("[a-z_]{3}", "not a character Lex supports"),
        ("a" * 301, "1 to 300"),
        ("[a-z", "not a valid regular expression"),
    ],
)
def test_regex_filter_refuses_what_lex_refuses(pattern, problem) -> None:
    """ALPHANUMERIC / REGEX_FILTER: supported characters A-Z, a-z, 0-9 and \\uXXXX; not supported: infinite
    repeaters (*, +, {x,} with no upper bound) and the wild card (.); Pattern length 1 to 300."""
    assert any(problem in p for p in regex_filter_problems(pattern)), regex_filter_problems(pattern)


def _with_slot_type(extra: dict[str, Any]) -> list[str]:
    raw = {
        "name": "Bot",
        "nlu_confidence_threshold": 0.4,
        "slot_types": [{"name": "Code", **extra}],
        "intents": [
            {"name": "Ask", "utterances": ["code {Code}"], "slots": [
                {"name": "Code", "type": "Code", "required": True, "priority": 1, "prompt": "Which code?"}]},
            {"name": "FallbackIntent", "parent": "AMAZON.FallbackIntent"},
        ],
    }  # fmt: skip
    try:
        parse_bot_model(raw)
    except ValueError as err:
        return list(getattr(err, "problems", [str(err)]))
    return []


def test_loader_accepts_an_alphanumeric_extension_with_a_regex() -> None:
    assert _with_slot_type({"parent": "AMAZON.AlphaNumeric", "regex": "[A-Z]{2}[0-9]{4}"}) == []


@pytest.mark.parametrize(
    ("slot_type", "problem"),
    [
        ({"parent": "AMAZON.AlphaNumeric", "regex": "[A-Z]+"}, "slot_types[0] (Code).regex: position 5"),
        ({"parent": "AMAZON.AlphaNumeric"}, "needs the regex"),
        ({"regex": "[A-Z]{2}", "values": [{"value": "AB"}]}, "needs parent AMAZON.AlphaNumeric"),
        ({"parent": "AMAZON.AlphaNumeric", "regex": "[A-Z]{2}", "values": [{"value": "AB"}]}, "not values"),
        ({"parent": "AMAZON.AlphaNumeric", "regex": "[A-Z]{2}", "resolution": "TOP_RESOLUTION"}, "ORIGINAL_VALUE"),
        ({"parent": "AMAZON.Number", "regex": "[0-9]{2}"}, "parent"),
    ],
)
def test_loader_refuses_a_slot_type_lex_would_refuse(slot_type, problem) -> None:
    """SLOT_TYPE: only AMAZON.AlphaNumeric can be a parent; REGEX_FILTER rules; VALUE_SELECTION: with
    TOP_RESOLUTION and "no resolution list, null is returned", so a type without values needs ORIGINAL_VALUE."""
    problems = _with_slot_type(slot_type)
    assert any(problem in p for p in problems), problems


# AMAZON.EmailAddress


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("jdoe@example.com", "jdoe@example.com"),
        ("j_doe-2.x+books@mail.example.co.uk", "j_doe-2.x+books@mail.example.co.uk"),
        ("Jane.Doe@Example.COM", "jane.doe@example.com"),
        ("jane dot doe plus books at example dot org", "jane.doe+books@example.org"),
    ],
)
def test_email_takes_username_at_domain_with_the_documented_special_characters(words, expected) -> None:
    """EMAIL: "Recognizes words that represent an email address provided as username@domain. Addresses can
    include the following special characters in a user name: underscore (_), hyphen (-), period (.), and the
    plus sign (+).\""""
    assert _value(recognize_email(words.split())) == expected


@pytest.mark.parametrize(
    "words",
    ["jane#doe@example.com", "jane!doe@example.com", "o'brien@example.com", "jane@example", "jane@@example.com",
     "jane@example!com", "jane", "at dot"],
)  # fmt: skip
def test_email_takes_no_other_special_character_and_needs_a_domain(words) -> None:
    """EMAIL: only the four special characters are listed for the user name (RFC 5322 allows more, such as
    `#`, `!` or `'`, but Lex does not say it captures them, so neither does the local runtime)."""
    assert recognize_email(words.split()) is None


# AMAZON.FirstName and AMAZON.LastName


@pytest.mark.parametrize("name", ["Emily", "John", "Sophie", "Anil Kumar", "john", "Mary-Jane"])
def test_first_name_takes_names_of_one_or_more_words_as_sent(name) -> None:
    """FIRST_NAME: examples Emily, John, Sophie, Anil Kumar ("names consisting of more than one word"); "The
    name sent to your intent is the value sent by the user" (no change of case)."""
    assert _value(recognize_first_name(name.split())) == name


@pytest.mark.parametrize("name", ["R2D2", "j.doe", "email", "Mary Ann Lee Smith"])
def test_first_name_is_not_digits_punctuation_or_sentence_words(name) -> None:
    assert recognize_first_name(name.split()) is None


@pytest.mark.parametrize("name", ["Brosky", "Dasher", "Evers", "Parres", "Welt", "Smith-Jones", "O'Brien"])
def test_last_name_takes_one_word_as_sent(name) -> None:
    """LAST_NAME: examples Brosky, Dasher, Evers, Parres, Welt: one word each (unlike AMAZON.FirstName, the
    page does not say last names of several words are recognized, so the local runtime takes one)."""
    assert _value(recognize_last_name([name])) == name


@pytest.mark.parametrize("name", ["R2D2", "de Souza", "smith@example.com", "surname"])
def test_last_name_is_not_two_words_digits_or_sentence_words(name) -> None:
    assert recognize_last_name(name.split()) is None


# AMAZON.Number


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("one hundred twenty three point four five", "123.45"),
        ("one hundred twenty three dot four five", "123.45"),
        ("point four two", "0.42"),
        ("point forty two", "0.42"),
        ("232.998", "232.998"),
        ("50", "50"),
        ("-15", "-15"),
        ("minus 15", "-15"),
        ("minus fifteen point two four five", "-15.245"),
    ],
)
def test_number_resolves_the_documented_table(words, expected) -> None:
    """NUMBER: "Converts words or numbers that express a number into digits, including decimal numbers", with
    this exact input/response table."""
    assert _value(recognize_number(words.split())) == expected


@pytest.mark.parametrize("words", ["a dozen", "a couple", "lots", "a", "two hundred and", "point"])
def test_number_takes_no_quantity_words_the_page_does_not_list(words) -> None:
    """NUMBER: words that express a number; "a dozen" or "a couple" are quantities the page does not convert."""
    assert recognize_number(words.split()) is None
