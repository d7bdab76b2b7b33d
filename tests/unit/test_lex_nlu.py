"""Slot recognizers and intent matching of the local Lex runtime, on the en_US locale of the dev stage's Bot
template."""

from __future__ import annotations

from datetime import date

import pytest

from local.emulators.lex.model import BotLocale
from local.emulators.lex.nlu import IntentClassifier
from local.emulators.lex.slot_numbers import parse_date, recognize_number
from local.emulators.lex.slots import (
    recognize_alphanumeric,
    recognize_email,
    recognize_first_name,
    recognizer_for,
)
from local.emulators.lex.text import edit_distance, tokenize


@pytest.fixture(scope="module")
def classifier(locale: BotLocale) -> IntentClassifier:
    return IntentClassifier(locale)


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("jdoe@example.com", "jdoe@example.com"),
        ("JDoe@Example.COM.", "jdoe@example.com"),
        ("jdoe at example dot com", "jdoe@example.com"),
        ("jane dot doe at mail dot example dot org", "jane.doe@mail.example.org"),
        ("j underscore doe at example dot co dot uk", "j_doe@example.co.uk"),
    ],
)
def test_email_written_or_spoken(words, expected) -> None:
    resolved = recognize_email(words.split())
    assert resolved is not None
    assert resolved.interpreted == expected


@pytest.mark.parametrize(
    "words", ["jdoe", "jdoe at example", "at dot", "jdoe@", "hello world", ".jdoe@example.com", "j..doe@example.com",
              "jdoe.@example.com"],
)  # fmt: skip
def test_not_an_email(words) -> None:
    assert recognize_email(words.split()) is None


@pytest.mark.parametrize(("words", "expected"), [("2", "2"), ("two", "2"), ("twenty five", "25"), ("twenty-five", "25"),
                                                 ("a thousand", "1000"), ("a hundred", "100"),
                                                 ("one hundred and three", "103"), ("3.5", "3.5")])  # fmt: skip
def test_numbers_in_digits_or_words(words, expected) -> None:
    resolved = recognize_number(words.split())
    assert resolved is not None
    assert resolved.interpreted == expected


def test_dates_absolute_and_relative() -> None:
    today = date(2026, 11, 22)  # a Sunday
    assert parse_date(["today"], today) == today
    assert parse_date(["tomorrow"], today) == date(2026, 11, 23)
    assert parse_date(["next", "monday"], today) == date(2026, 11, 23)
    assert parse_date(["sunday"], today) == today
    assert parse_date(["next", "sunday"], today) == date(2026, 11, 29)
    assert parse_date(["december", "3rd"], today) == date(2026, 12, 3)
    assert parse_date(["3", "march"], today) == date(2027, 3, 3)  # on or after today
    assert parse_date(["2027-01-15"], today) == date(2027, 1, 15)
    assert parse_date(["in", "three", "days"], today) == date(2026, 11, 25)
    assert parse_date(["someday"], today) is None


def test_alphanumeric_takes_one_word_that_is_not_a_sentence_word() -> None:
    resolved = recognize_alphanumeric(["jdoe2"])
    assert resolved is not None
    assert resolved.interpreted == "jdoe2"
    assert recognize_alphanumeric(["j.doe"]) is None  # letters and digits only (tests/unit/test_lex_slot_types.py)
    assert recognize_alphanumeric(["the"]) is None
    assert recognize_alphanumeric(["two", "words"]) is None


def test_names_keep_what_the_user_sent_and_sentence_words_are_rejected() -> None:
    resolved = recognize_first_name(["jane"])
    assert resolved is not None
    assert resolved.interpreted == "jane"  # "The name sent to your intent is the value sent by the user"
    assert recognize_first_name(["email"]) is None
    assert recognize_first_name(["R2D2"]) is None


def test_custom_type_resolves_synonyms_and_typos_to_the_value(locale) -> None:
    recognize = recognizer_for("UserAttribute", locale.slot_types)
    for said in (["surname"], ["Family", "Name"], ["lastname"], ["emial"]):
        resolved = recognize(said)
        assert resolved is not None, said
    surname = recognize(["surname"])
    assert surname is not None
    assert surname.interpreted == "last name"  # TOP_RESOLUTION
    assert surname.resolved == ("last name",)
    assert recognize(["password"]) is None


def test_tokenizer_keeps_emails_and_splits_possessives() -> None:
    assert [t.norm for t in tokenize("Change JDoe's e-mail to J.Doe@Example.com!")] == [
        "change", "jdoe", "'s", "e-mail", "to", "j.doe@example.com",
    ]  # fmt: skip


def test_edit_distance_counts_transpositions_as_one() -> None:
    assert edit_distance("regsiter", "register") == 1
    assert edit_distance("usr", "user") == 1
    assert edit_distance("cat", "dog", limit=1) == 2


REGISTER_BOTH = {"Username": "jdoe", "Email": "jdoe@example.com"}
EDIT_ALL = {"Username": "jdoe", "Attribute": "last name", "NewLastName": "Smith"}


@pytest.mark.parametrize(
    ("text", "intent", "slots"),
    [
        ("register a user named jdoe with email jdoe@example.com", "RegisterUser", REGISTER_BOTH),
        ("REGISTER A NEW USER!!!", "RegisterUser", {}),
        ("regsiter a new usr please", "RegisterUser", {}),
        ("change the surname of jdoe to Smith", "EditUser", EDIT_ALL),
        ("what can you do", "Help", {}),
    ],
)  # fmt: skip
def test_classifier_finds_intent_and_slots(classifier, locale, text, intent, slots) -> None:
    best = classifier.classify(text)[0]
    assert best.intent == intent
    assert best.confidence >= locale.nlu_confidence_threshold
    assert {k: v.interpreted for k, v in best.slots.items()} == slots


@pytest.mark.parametrize(
    "text", ["what's the weather in Paris", "tell me a joke", "blah blah", "what is the capital of France"]
)
def test_out_of_domain_text_stays_below_the_threshold(classifier, locale, text) -> None:
    matches = classifier.classify(text)
    assert not matches or matches[0].confidence < locale.nlu_confidence_threshold


def test_fill_slot_finds_the_value_inside_an_answer(classifier, locale) -> None:
    register = locale.intent("RegisterUser")
    email = classifier.fill_slot(register, "Email", "sure, it's jdoe@example.com thanks")
    assert email is not None
    assert email.interpreted == "jdoe@example.com"
    username = classifier.fill_slot(register, "Username", "the username should be jdoe")
    assert username is not None
    assert username.interpreted == "jdoe"
    assert classifier.fill_slot(register, "Email", "I don't know") is None


@pytest.mark.parametrize(
    ("text", "slots"),
    [
        ("find books by jules verne", {"Author": "jules verne"}),  # "verne" is not also "verse", the poetry genre
        ("books by verne", {"Author": "verne"}),
        ("find horror books by bram stoker", {"Author": "bram stoker", "Genre": "horror"}),
    ],
)
def test_a_word_fills_at_most_one_slot(classifier: IntentClassifier, text: str, slots: dict[str, str]) -> None:
    """Lex gives each word of the input to one slot at most: a word the aligned pattern gave to a slot is not
    offered again to the other slots of the intent."""
    [top, *_] = classifier.classify(text)
    assert top.intent == "FindBook"
    assert {name: value.interpreted for name, value in top.slots.items()} == slots
    taken = [i for start, end in top.spans.values() for i in range(start, end)]
    assert len(taken) == len(set(taken))


def test_trained_models_are_reused_from_the_cache(locale, tmp_path, monkeypatch) -> None:
    """The first classifier for a bot trains its models; the next one loads them (no training at start-up)."""
    from local.emulators.lex.nlu import learner

    monkeypatch.setenv(learner.CACHE_ENV, str(tmp_path))
    IntentClassifier(locale)
    trained = sorted(p.name for p in tmp_path.iterdir())
    assert trained
    assert all(name.endswith(".crfsuite") for name in trained)

    def no_training(*args: object, **kwargs: object) -> None:
        raise AssertionError("trained again although the cache holds the models")

    monkeypatch.setattr("local.emulators.lex.nlu.learner.pycrfsuite.Trainer", no_training)
    again = IntentClassifier(locale)
    assert again.classify("register a user named jdoe")[0].intent == "RegisterUser"
    assert sorted(p.name for p in tmp_path.iterdir()) == trained


def test_words_the_bot_never_saw_lower_the_confidence(classifier) -> None:
    """The same request about something the bot has no word for is less sure, and falls back."""
    book = classifier.classify("can you recommend a good book for tonight")[0]
    film = classifier.classify("can you recommend a good documentary for tonight")[0]
    assert book.intent == "RecommendBooks"
    assert film.confidence < book.confidence


@pytest.mark.parametrize(
    ("text", "intent"),
    [("please annul my order", "CancelOrder"), ("I would like to acquire a novel", "PlaceOrder")],
)
def test_a_synonym_of_a_sample_word_is_understood(classifier, locale, text, intent) -> None:
    best = classifier.classify(text)[0]
    assert (best.intent, best.confidence >= locale.nlu_confidence_threshold) == (intent, True)


def test_a_possessive_inside_a_value_is_kept_as_typed(classifier) -> None:
    best = classifier.classify("do you have Gulliver's Travels")[0]
    assert best.intent == "FindBook"
    assert best.slots["Title"].interpreted == "Gulliver's Travels"


def test_an_order_id_anywhere_in_the_sentence_fills_the_id_slot(classifier) -> None:
    best = classifier.classify("any news about 01JB2K6Q8Z3N4M5P6R7S8T9V0W please")[0]
    assert best.intent == "OrderStatus"
    assert best.slots["OrderId"].interpreted == "01JB2K6Q8Z3N4M5P6R7S8T9V0W"


def test_a_surname_alone_finds_the_author(classifier) -> None:
    """BookAuthor keeps what was said and takes values similar to the listed ones: "Dostoevsky" alone."""
    best = classifier.classify("anything by dostoevsky in stock")[0]
    assert best.intent == "FindBook"
    assert best.slots["Author"].interpreted == "dostoevsky"
    assert best.slots["Author"].resolved == ("Fyodor Dostoevsky",)
