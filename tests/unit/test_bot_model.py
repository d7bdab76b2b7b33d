"""The bot model loader: the shipped model is valid, and each kind of broken model is named precisely."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml

from bot import DEFAULT_MODEL_PATH, BotModelError, load_bot_model, model_hash
from bot.loader import parse_bot_model

STAFF_INTENTS = ("RegisterUser", "EditUser")


@pytest.fixture
def raw() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(DEFAULT_MODEL_PATH.read_text())
    return data


def _intent(raw: dict[str, Any], name: str) -> dict[str, Any]:
    return next(i for i in raw["intents"] if i["name"] == name)


BASE = DEFAULT_MODEL_PATH.parent


def _problems(raw: dict[str, Any]) -> list[str]:
    with pytest.raises(BotModelError) as failure:
        parse_bot_model(raw, "test.yaml", base=BASE)
    return failure.value.problems


def test_shipped_model_loads_with_the_required_intents() -> None:
    model = load_bot_model()
    assert [i.name for i in model.intents] == [
        "RegisterUser", "EditUser", "FindBook", "RecommendBooks", "PlaceOrder", "OrderStatus", "CancelOrder",
        "Help", "Greeting", "Thanks", "Cancel", "Stop", "StartOver", "FallbackIntent",
    ]  # fmt: skip
    assert model.intent("FallbackIntent").parent == "AMAZON.FallbackIntent"


def test_built_in_intents_of_the_model_have_a_closing_and_nothing_of_their_own() -> None:
    """Cancel, Stop and StartOver are Lex's built-in intents (their utterances are Lex's); each answers with its
    closing response and calls no code hook (the hook has no handler for them). Greeting and Thanks are small talk
    answered the same way."""
    model = load_bot_model()
    parents = {i.name: i.parent for i in model.intents if i.parent}
    assert parents == {
        "Cancel": "AMAZON.CancelIntent",
        "Stop": "AMAZON.StopIntent",
        "StartOver": "AMAZON.StartOverIntent",
        "FallbackIntent": "AMAZON.FallbackIntent",
    }
    for name in ("Cancel", "Stop", "StartOver", "Greeting", "Thanks"):
        intent = model.intent(name)
        assert intent.closing, name
        assert not intent.code_hooks.dialog, name
        assert not intent.code_hooks.fulfillment, name
        assert not intent.slots, name
        assert intent.confirmation is None, name
    assert "nothing was done" in (model.intent("Cancel").closing or "")


@pytest.mark.parametrize(
    ("name", "change", "problem"),
    [
        ("Cancel", {"parent": "AMAZON.RepeatIntent"}, "parent: unknown built-in intent 'AMAZON.RepeatIntent'"),
        ("Cancel", {"utterances": ["abandon ship"]}, "built on AMAZON.CancelIntent takes no utterances, slots"),
        ("Stop", {"parent": "AMAZON.CancelIntent"}, "parent: intent Cancel is already built on AMAZON.CancelIntent"),
    ],
    ids=["unknown-built-in", "utterances-of-a-built-in", "built-in-twice"],
)
def test_a_built_in_intent_lex_would_not_take_is_rejected(raw, name, change, problem) -> None:
    _intent(raw, name).update(change)
    problems = _problems(raw)
    assert any(p.startswith("intents[") and f"({name})" in p and problem in p for p in problems), problems


def test_staff_intents_have_at_least_twelve_utterances() -> None:
    model = load_bot_model()
    for name in STAFF_INTENTS:
        assert len(model.intent(name).utterances) >= 12, name


def test_required_slots_and_types_of_staff_intents() -> None:
    model = load_bot_model()
    register = {s.name: (s.type, s.required) for s in model.intent("RegisterUser").slots}
    assert register == {
        "Username": ("UsernameValue", True),
        "Email": ("AMAZON.EmailAddress", True),
        "FirstName": ("AMAZON.FirstName", False),
        "LastName": ("AMAZON.LastName", False),
    }
    # One slot per kind of new value, of the type Lex fills for it; optional: the hook elicits the right one.
    edit = {s.name: (s.type, s.required) for s in model.intent("EditUser").slots}
    assert edit == {
        "Username": ("UsernameValue", True),
        "Attribute": ("UserAttribute", True),
        "NewEmail": ("AMAZON.EmailAddress", False),
        "NewFirstName": ("AMAZON.FirstName", False),
        "NewLastName": ("AMAZON.LastName", False),
    }
    username = model.slot_type("UsernameValue")
    assert username is not None
    assert (username.parent, username.resolution, username.values) == ("AMAZON.AlphaNumeric", "ORIGINAL_VALUE", [])
    attribute = model.slot_type("UserAttribute")
    assert attribute is not None
    assert [v.value for v in attribute.values] == ["email", "first name", "last name"]


def test_confirmation_prompts_repeat_the_values() -> None:
    model = load_bot_model()
    register = model.intent("RegisterUser").confirmation
    assert register is not None
    assert "{Username}" in register.prompt
    assert "{Email}" in register.prompt
    edit = model.intent("EditUser").confirmation
    assert edit is not None  # the hook confirms with the new value; Lex's own prompt names what it can
    assert all(f"{{{s}}}" in edit.prompt for s in ("Attribute", "Username"))


def test_utterance_naming_an_unknown_slot_is_rejected(raw) -> None:
    _intent(raw, "RegisterUser")["utterances"].append("register {Nickname}")
    problems = _problems(raw)
    assert any("intents[0] (RegisterUser).utterances[" in p and "unknown slot {Nickname}" in p for p in problems)


def test_slot_of_an_undefined_type_is_rejected(raw) -> None:
    _intent(raw, "EditUser")["slots"][1]["type"] = "UserField"
    problems = _problems(raw)
    assert problems == ["intents[1] (EditUser).slots[1] (Attribute).type: undefined slot type 'UserField'"]


def test_missing_priority_is_rejected_with_its_place(raw) -> None:
    del _intent(raw, "RegisterUser")["slots"][1]["priority"]
    problems = _problems(raw)
    assert problems == ["intents[0] (RegisterUser).slots[1] (Email).priority: Field required"]


def test_duplicate_priority_is_rejected(raw) -> None:
    _intent(raw, "RegisterUser")["slots"][1]["priority"] = 1
    problems = _problems(raw)
    assert any("(Email).priority: 1 is also the priority of Username" in p for p in problems)


@pytest.mark.parametrize("bad_name", ["Register User", "Register__User", "_Register", "Régister", "x" * 101])
def test_name_lex_would_refuse_is_rejected(raw, bad_name) -> None:
    _intent(raw, "Help")["name"] = bad_name
    problems = _problems(raw)
    assert any(p.startswith("intents[7] (") and "is not accepted by Lex" in p for p in problems)


def test_duplicate_utterance_across_intents_is_rejected(raw) -> None:
    _intent(raw, "Help")["utterances"].append("Edit a user!")  # differs only by case and punctuation
    problems = _problems(raw)
    assert any("intents[7] (Help).utterances[" in p and "also in intent EditUser" in p for p in problems)


def test_missing_fallback_intent_is_rejected(raw) -> None:
    raw["intents"] = [i for i in raw["intents"] if i["name"] != "FallbackIntent"]
    assert any("FallbackIntent" in p for p in _problems(raw))


def test_unknown_field_is_rejected_with_its_place(raw) -> None:
    _intent(raw, "RegisterUser")["slots"][0]["promt"] = "typo"
    problems = _problems(raw)
    assert problems == ["intents[0] (RegisterUser).slots[0] (Username).promt: Extra inputs are not permitted"]


def test_confirmation_naming_an_unknown_slot_is_rejected(raw) -> None:
    _intent(raw, "RegisterUser")["confirmation"]["prompt"] = "Register {User}?"
    assert any("confirmation.prompt: names unknown slot {User}" in p for p in _problems(raw))


def test_every_problem_is_reported_at_once(raw) -> None:
    _intent(raw, "RegisterUser")["utterances"].append("register {Nickname}")
    _intent(raw, "EditUser")["slots"][1]["type"] = "UserField"
    assert len(_problems(raw)) == 2


def test_yaml_syntax_error_names_the_file(tmp_path) -> None:
    path = tmp_path / "model.yaml"
    path.write_text("name: [unclosed\n")
    with pytest.raises(BotModelError, match=r"model\.yaml"):
        load_bot_model(path)


def test_model_hash_changes_with_the_model_and_only_then(raw) -> None:
    first = model_hash(parse_bot_model(copy.deepcopy(raw), base=BASE))
    assert model_hash(parse_bot_model(copy.deepcopy(raw), base=BASE)) == first
    _intent(raw, "Help")["utterances"].append("show me the zebra menu of quokkas")  # in no intent of the model
    assert model_hash(parse_bot_model(raw, base=BASE)) != first


def test_genre_slot_type_matches_the_catalog_genres() -> None:
    from bookstore.catalog import GENRES

    genre = load_bot_model().slot_type("BookGenre")
    assert genre is not None
    assert [v.value for v in genre.values] == list(GENRES)


def test_title_and_author_values_come_from_the_catalog() -> None:
    from local.world.catalog import load_catalog

    model = load_bot_model()
    titles, authors = model.slot_type("BookTitle"), model.slot_type("BookAuthor")
    assert titles is not None
    assert authors is not None
    books = load_catalog()
    assert {v.value for v in titles.values} == {b.title for b in books}
    assert {v.value for v in authors.values} == {b.author for b in books}


def test_values_from_a_missing_column_is_rejected(raw) -> None:
    next(t for t in raw["slot_types"] if t["name"] == "BookTitle")["values_from"]["column"] = "name"
    assert any("has no column 'name'" in p for p in _problems(raw))
