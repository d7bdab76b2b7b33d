"""The typed Lex V2 event/response models accept what Lex sends and produce what Lex accepts."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bookstore.identity import Caller
from bot_fulfillment.lex import LexEvent, close, delegate, elicit_intent, elicit_slot
from tests.support.lex import lex_event


def test_event_parses_and_keeps_unknown_fields() -> None:
    raw = lex_event("RegisterUser", {"Username": "jdoe"})
    raw["someFutureField"] = {"x": 1}
    event = LexEvent.model_validate(raw)
    assert event.intent.name == "RegisterUser"
    assert event.intent.value("Username") == "jdoe"
    assert event.intent.value("Email") is None
    assert event.interpretations[0].nlu_confidence == 0.92  # a bare number in the code-hook event
    assert event.model_extra == {"someFutureField": {"x": 1}}


def test_event_without_a_known_invocation_source_is_rejected() -> None:
    raw = lex_event("Help")
    raw["invocationSource"] = "Somewhere"
    with pytest.raises(ValidationError):
        LexEvent.model_validate(raw)


def test_elicit_slot_clears_the_slot_and_keeps_unfilled_slots_as_null() -> None:
    event = LexEvent.model_validate(lex_event("RegisterUser", {"Username": "9x", "Email": "a@b.co"}))
    response = elicit_slot(event, "Username", "Try again").dump()
    assert response["sessionState"]["dialogAction"] == {"type": "ElicitSlot", "slotToElicit": "Username"}
    slots = response["sessionState"]["intent"]["slots"]
    assert slots["Username"] is None
    assert slots["FirstName"] is None
    assert slots["Email"]["value"]["interpretedValue"] == "a@b.co"
    assert response["messages"] == [{"contentType": "PlainText", "content": "Try again"}]


def test_close_sets_the_state_and_keeps_session_attributes() -> None:
    event = LexEvent.model_validate(lex_event("Help", session_attributes={"k": "v"}))
    response = close(event, "Fulfilled", "Bye").dump()
    assert response["sessionState"]["intent"]["state"] == "Fulfilled"
    assert response["sessionState"]["dialogAction"] == {"type": "Close"}
    assert response["sessionState"]["sessionAttributes"] == {"k": "v"}


def test_delegate_has_no_messages_and_elicit_intent_has_one() -> None:
    event = LexEvent.model_validate(lex_event("Help"))
    assert "messages" not in delegate(event).dump()
    assert elicit_intent(event, "Say again?").dump()["messages"][0]["content"] == "Say again?"


def test_overlong_message_is_cut_to_what_lex_accepts() -> None:
    event = LexEvent.model_validate(lex_event("Help"))
    assert len(close(event, "Fulfilled", "x" * 5000).dump()["messages"][0]["content"]) == 1024


@pytest.mark.parametrize(
    ("attributes", "staff"),
    [
        ({"bookstore:username": "alice", "bookstore:groups": "staff"}, True),
        ({"bookstore:username": "alice", "bookstore:groups": "customers, staff"}, True),
        ({"bookstore:username": "carol", "bookstore:groups": "customers"}, False),
        ({"bookstore:groups": "Staff"}, False),
        ({"bookstore:groups": "staffers"}, False),
        ({}, False),
        (None, False),
    ],
)
def test_caller_is_staff_only_with_the_exact_group(attributes, staff) -> None:
    assert Caller.from_request_attributes(attributes).is_staff is staff
