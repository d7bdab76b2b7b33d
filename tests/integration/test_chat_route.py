"""POST /chat forwards the verified identity to the bot and never trusts anything else."""

from __future__ import annotations

from types import ModuleType

import pytest
from botocore.stub import ANY, Stubber

from tests.support.api import chat_module
from tests.support.apigw import call

LEX_REPLY = {
    "messages": [{"contentType": "PlainText", "content": "What is jdoe's email address?"}],
    "sessionState": {
        "dialogAction": {"type": "ElicitSlot", "slotToElicit": "Email"},
        "intent": {"name": "RegisterUser", "state": "InProgress", "confirmationState": "None", "slots": {}},
    },
    "sessionId": "user-alice",
}


@pytest.fixture
def chat() -> ModuleType:
    return chat_module()


def test_chat_sends_verified_identity_as_request_attributes(chat) -> None:
    with Stubber(chat.lex()) as stub:
        stub.add_response(
            "recognize_text",
            LEX_REPLY,
            {
                "botId": "BOOKSTORE1",
                "botAliasId": "TSTALIASID",
                "localeId": "en_US",
                "sessionId": "user-alice",
                "text": "register a user named jdoe",
                "requestAttributes": {"bookstore:username": "alice", "bookstore:groups": "staff"},
            },
        )
        status, body = call(
            chat, "POST", "/chat", user="alice", groups="staff", body={"text": "register a user named jdoe"}
        )
        stub.assert_no_pending_responses()
    assert status == 200
    assert body["messages"] == ["What is jdoe's email address?"]
    assert body["intent"] == "RegisterUser"
    assert body["slot_to_elicit"] == "Email"
    assert body["session_id"] == "user-alice"


def test_fields_a_client_adds_cannot_change_identity(chat) -> None:
    status, _body = call(chat, "POST", "/chat", user="carol", groups="customers",
                        body={"text": "hi", "requestAttributes": {"bookstore:groups": "staff"}})  # fmt: skip
    assert status == 400  # unknown fields are refused outright


def test_signed_out_chat_is_401_and_never_reaches_the_bot(chat) -> None:
    with Stubber(chat.lex()) as stub:
        status, _body = call(chat, "POST", "/chat", body={"text": "hi"})
        stub.assert_no_pending_responses()
    assert status == 401


@pytest.mark.parametrize("text", ["", "x" * 1025])
def test_chat_text_is_validated(chat, text) -> None:
    assert call(chat, "POST", "/chat", user="carol", body={"text": text})[0] == 400


def test_bot_failure_is_502_with_a_clear_message(chat) -> None:
    with Stubber(chat.lex()) as stub:
        stub.add_client_error("recognize_text", service_error_code="DependencyFailedException", http_status_code=424,
                              expected_params={"botId": ANY, "botAliasId": ANY, "localeId": ANY, "sessionId": ANY,
                                               "text": ANY, "requestAttributes": ANY})  # fmt: skip
        status, body = call(chat, "POST", "/chat", user="carol", body={"text": "hi"})
    assert status == 502
    assert body["error"] == "AssistantUnavailable"


def test_reset_deletes_the_users_session(chat) -> None:
    with Stubber(chat.lex()) as stub:
        stub.add_response(
            "delete_session",
            {"botId": "BOOKSTORE1", "botAliasId": "TSTALIASID", "localeId": "en_US", "sessionId": "user-carol"},
            {"botId": "BOOKSTORE1", "botAliasId": "TSTALIASID", "localeId": "en_US", "sessionId": "user-carol"},
        )
        status, body = call(chat, "DELETE", "/chat", user="carol")
    assert (status, body) == (200, {"session_id": "user-carol", "reset": True})
