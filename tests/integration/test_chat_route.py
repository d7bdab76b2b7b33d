"""POST /chat forwards the verified identity to the bot and never trusts anything else."""

from __future__ import annotations

from types import ModuleType
from typing import Any

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


DRACULA_CARD = {
    "title": "Dracula",
    "subtitle": "by Bram Stoker \u00b7 $8.99",
    "imageUrl": "https://shop.example.com/books/covers/horror.png",
    "buttons": [
        {"text": "Order", "value": "order Dracula"},
        {"text": "More like this", "value": "recommend some horror books"},
    ],
}
FOUND_REPLY = {
    "messages": [
        {"contentType": "PlainText", "content": "I found: Dracula by Bram Stoker ($8.99, in stock)."},
        {"contentType": "ImageResponseCard", "imageResponseCard": DRACULA_CARD},
        {"contentType": "ImageResponseCard", "imageResponseCard": {"title": "Carmilla"}},
    ],
    "sessionState": {
        "dialogAction": {"type": "Close"},
        "intent": {"name": "FindBook", "state": "Fulfilled", "confirmationState": "None", "slots": {}},
    },
    "sessionId": "user-carol",
}


def test_chat_returns_the_bots_response_cards_next_to_its_text(chat) -> None:
    with Stubber(chat.lex()) as stub:
        stub.add_response("recognize_text", FOUND_REPLY, {"botId": ANY, "botAliasId": ANY, "localeId": ANY,
                          "sessionId": "user-carol", "text": "find dracula", "requestAttributes": ANY})  # fmt: skip
        status, body = call(chat, "POST", "/chat", user="carol", groups="customers", body={"text": "find dracula"})
    assert status == 200
    assert body["messages"] == ["I found: Dracula by Bram Stoker ($8.99, in stock)."]  # text only
    assert body["cards"] == [
        {
            "title": "Dracula",
            "subtitle": "by Bram Stoker \u00b7 $8.99",
            "image_url": "https://shop.example.com/books/covers/horror.png",
            "buttons": [
                {"text": "Order", "value": "order Dracula"},
                {"text": "More like this", "value": "recommend some horror books"},
            ],
        },
        {"title": "Carmilla", "subtitle": None, "image_url": None, "buttons": []},
    ]


def test_an_answer_without_cards_has_an_empty_card_list(chat) -> None:
    with Stubber(chat.lex()) as stub:
        stub.add_response("recognize_text", LEX_REPLY, {"botId": ANY, "botAliasId": ANY, "localeId": ANY,
                          "sessionId": ANY, "text": ANY, "requestAttributes": ANY})  # fmt: skip
        _status, body = call(chat, "POST", "/chat", user="alice", groups="staff", body={"text": "register jdoe"})
    assert body["cards"] == []


def test_the_chat_cli_prints_cards_as_text() -> None:
    import argparse
    import io

    from local.chat import Target, converse

    class Bot:
        def recognize_text(self, **_kwargs: Any) -> dict[str, Any]:
            return FOUND_REPLY

    args = argparse.Namespace(session_id=None, user="carol", groups="customers", verbose=False)
    out = io.StringIO()
    assert converse(Target(Bot(), "B", "A", "en_US", "a stub bot"), args, io.StringIO("find dracula\n"), out) == 0
    transcript = out.getvalue()
    assert (
        "you> find dracula\n"
        "bot> I found: Dracula by Bram Stoker ($8.99, in stock).\n"
        "bot> [card] Dracula\n"
        "       by Bram Stoker \u00b7 $8.99\n"
        "       cover: https://shop.example.com/books/covers/horror.png\n"
        '       buttons: Order (say "order Dracula") | More like this (say "recommend some horror books")\n'
        "bot> [card] Carmilla\n"
    ) in transcript
