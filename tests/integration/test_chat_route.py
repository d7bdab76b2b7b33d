"""POST /chat forwards the verified identity to the bot and never trusts anything else."""

from __future__ import annotations

import random
import re
from types import ModuleType
from typing import Any

import pytest
from botocore.exceptions import ClientError
from botocore.stub import ANY, Stubber

from local.emulators.context import LocalLambdaContext
from tests.support.api import chat_module
from tests.support.apigw import api_event, call


def sid(chat: ModuleType, user: str, sign_in: str = "1") -> str:
    """The session id the route derives for `user`'s sign-in `sign_in` (see tests.support.apigw)."""
    claims = api_event("POST", "/chat", user=user, sign_in=sign_in)["requestContext"]["authorizer"]["claims"]
    return str(chat.session_id(claims["sub"], claims["origin_jti"]))


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
                "sessionId": sid(chat, "alice"),
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
    assert body["session_id"] == sid(chat, "alice")


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
            {"botId": "BOOKSTORE1", "botAliasId": "TSTALIASID", "localeId": "en_US", "sessionId": sid(chat, "carol")},
            {"botId": "BOOKSTORE1", "botAliasId": "TSTALIASID", "localeId": "en_US", "sessionId": sid(chat, "carol")},
        )
        status, body = call(chat, "DELETE", "/chat", user="carol")
    assert (status, body) == (200, {"session_id": sid(chat, "carol"), "reset": True})


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
                          "sessionId": sid(chat, "carol"), "text": "find dracula", "requestAttributes": ANY})  # fmt: skip
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


# ---------------------------------------------------------------------------------------------------------
# The conversation belongs to one sign-in (issue 16): sub + the ID token's origin_jti, never the username.

LEX_SESSION_ID = re.compile(r"[0-9a-zA-Z._:-]+")  # botocore's lexv2-runtime model, with 2 to 100 characters


def test_usernames_sharing_95_characters_never_share_a_conversation(chat) -> None:
    first, second = "a" * 95 + "-one", "a" * 95 + "-two"
    assert sid(chat, first) != sid(chat, second)


def test_every_sign_in_has_its_own_conversation(chat) -> None:
    assert sid(chat, "carol", sign_in="1") != sid(chat, "carol", sign_in="2")
    # Same sub and sign-in (a refreshed token keeps origin_jti): the same conversation.
    assert sid(chat, "carol", sign_in="1") == sid(chat, "carol", sign_in="1")


def test_the_session_id_never_depends_on_the_username(chat) -> None:
    claims = {"sub": "1f0c-sub", "origin_jti": "jti-1"}
    assert chat.session_id(claims["sub"], claims["origin_jti"]) == chat.session_id("1f0c-sub", "jti-1")
    assert "carol" not in sid(chat, "carol")


def test_without_origin_jti_auth_time_identifies_the_sign_in(chat) -> None:
    event = api_event("DELETE", "/chat", user="carol")
    claims = event["requestContext"]["authorizer"]["claims"]
    del claims["origin_jti"]
    with Stubber(chat.lex()) as stub:
        stub.add_response("delete_session", {}, {"botId": ANY, "botAliasId": ANY, "localeId": ANY,
                          "sessionId": chat.session_id(claims["sub"], claims["auth_time"])})  # fmt: skip
        response = chat.lambda_handler(event, LocalLambdaContext(function_name="api"))
    assert response["statusCode"] == 200


def test_a_token_that_names_no_sign_in_never_reaches_the_bot(chat) -> None:
    event = api_event("POST", "/chat", user="carol", body={"text": "hi"})
    claims = event["requestContext"]["authorizer"]["claims"]
    del claims["origin_jti"], claims["auth_time"]
    with Stubber(chat.lex()) as stub:
        response = chat.lambda_handler(event, LocalLambdaContext(function_name="api"))
        stub.assert_no_pending_responses()
    assert response["statusCode"] == 401


def _awkward_strings() -> list[str]:
    """Empty, huge, non-ASCII, separators and Lex-forbidden characters, plus seeded random text (hypothesis is
    not a dependency of this project)."""
    rng = random.Random(16)  # noqa: S311 (reproducible test data)
    alphabet = "aZ9._:-/ +@ë📚\n\x00'\"" + "".join(map(chr, range(0x20, 0x7F)))
    fixed = ["", ":", "a" * 10_000, "user-" + "a" * 95, "ë📚", "\x00\n", "1700000000"]
    return fixed + ["".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 300))) for _ in range(200)]


def test_session_ids_always_fit_lexs_pattern(chat) -> None:
    strings = _awkward_strings()
    ids = {chat.session_id(sub, sign_in) for sub in strings for sign_in in strings[:20]}
    assert len(ids) == len(set(strings)) * len(set(strings[:20]))  # no collisions either
    for session in ids:
        assert LEX_SESSION_ID.fullmatch(session)
        assert 2 <= len(session) <= 100


class RememberingLex:
    """A Lex runtime that remembers each session's turns: enough to tell a continued dialog from a fresh one."""

    def __init__(self) -> None:
        self.sessions: dict[str, list[str]] = {}

    def recognize_text(self, *, sessionId: str, text: str, **_: Any) -> dict[str, Any]:  # noqa: N803 (boto3's names)
        turns = self.sessions.setdefault(sessionId, [])
        turns.append(text)
        return {"messages": [{"contentType": "PlainText", "content": f"turn {len(turns)}"}], "sessionId": sessionId}

    def delete_session(self, *, sessionId: str, **_: Any) -> dict[str, Any]:  # noqa: N803
        if sessionId not in self.sessions:
            raise ClientError(
                {"Error": {"Code": "ResourceNotFoundException", "Message": "no session"}}, "DeleteSession"
            )
        del self.sessions[sessionId]
        return {"sessionId": sessionId}


def test_delete_chat_ends_the_conversation_and_the_next_message_starts_fresh(chat, monkeypatch) -> None:
    bot = RememberingLex()
    monkeypatch.setattr(chat, "lex", lambda: bot)
    assert call(chat, "POST", "/chat", user="carol", body={"text": "order dracula"})[1]["messages"] == ["turn 1"]
    assert call(chat, "POST", "/chat", user="carol", body={"text": "2"})[1]["messages"] == ["turn 2"]
    # Another user whose name shares carol's first 95 characters is not in carol's dialog.
    assert call(chat, "POST", "/chat", user="carol" + "x" * 95, body={"text": "hi"})[1]["messages"] == ["turn 1"]
    assert call(chat, "DELETE", "/chat", user="carol")[0] == 200
    assert call(chat, "POST", "/chat", user="carol", body={"text": "help"})[1]["messages"] == ["turn 1"]
    # Ending a conversation that is already gone is not an error.
    assert call(chat, "DELETE", "/chat", user="carol", sign_in="2")[0] == 200
    # A new sign-in of the same user starts fresh too.
    assert call(chat, "POST", "/chat", user="carol", sign_in="3", body={"text": "help"})[1]["messages"] == ["turn 1"]
