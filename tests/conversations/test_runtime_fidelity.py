"""The local runtime answers the lexv2-runtime API as Lex V2 does, checked through boto3 and the AWS CLI against
botocore's service model (botocore/data/lexv2-runtime/2020-08-07/service-2.json): RecognizeUtterance with text,
interpretations of the current turn, PutSession's dialog actions, session-state validation, active contexts,
runtime hints, and a Lex-shaped answer to every request. docs/bot.md "The runtime API" says what and why."""

from __future__ import annotations

import base64
import gzip
import json
import logging
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.conversations.conftest import ALIAS, BOT, LOCALE, STAFF, LocalLexProcess, lex_client, session_id

TARGET = {"botId": BOT, "botAliasId": ALIAS, "localeId": LOCALE}
TEXT_IN, TEXT_OUT = "text/plain; charset=utf-8", "text/plain;charset=utf-8"
MODEL = botocore.session.get_session().get_service_model("lexv2-runtime")


@pytest.fixture
def unchecked(local_lex: LocalLexProcess) -> Any:
    """A client that sends whatever it is given (botocore checks only types, required members and minimum
    lengths itself): what the server refuses is then the server's doing."""
    return boto3.client(
        "lexv2-runtime",
        endpoint_url=local_lex.url,
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
        config=Config(parameter_validation=False, retries={"max_attempts": 1}),
    )


def encode(value: Any) -> str:
    return base64.b64encode(gzip.compress(json.dumps(value).encode())).decode()


def decode(header: str) -> Any:
    raw = base64.b64decode(header)
    assert raw[:2] == b"\x1f\x8b", "not gzip-compressed"
    return json.loads(gzip.decompress(raw))


def gzip_members(shape: str) -> set[str]:
    """The members the service model documents as gzip-compressed, then base64-encoded."""
    return {name for name, member in MODEL.shape_for(shape).members.items() if "gzip" in member.documentation}


def say(lex: Any, session: str, text: str, **kwargs: Any) -> dict[str, Any]:
    response: dict[str, Any] = lex.recognize_text(**TARGET, sessionId=session, text=text, **kwargs)
    return response


def utter(lex: Any, session: str, text: str, **kwargs: Any) -> dict[str, Any]:
    response: dict[str, Any] = lex.recognize_utterance(
        **TARGET,
        sessionId=session,
        requestContentType=TEXT_IN,
        responseContentType=TEXT_OUT,
        inputStream=text.encode(),
        **kwargs,
    )
    return response


def put(lex: Any, session: str, state: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """PutSession, with its gzip+base64 headers decoded."""
    response = lex.put_session(**TARGET, sessionId=session, sessionState=state, **kwargs)
    assert response["audioStream"].read() == b""
    decoded: dict[str, Any] = {"contentType": response["contentType"], "sessionId": response["sessionId"]}
    for name in ("sessionState", "messages", "requestAttributes"):
        if name in response:
            decoded[name] = decode(response[name])
    return decoded


def error_of(call: Any) -> dict[str, Any]:
    with pytest.raises(ClientError) as failure:
        call()
    error: dict[str, Any] = failure.value.response["Error"]
    error["status"] = failure.value.response["ResponseMetadata"]["HTTPStatusCode"]
    return error


def _user(aws: Any, username: str) -> dict[str, str]:
    user = aws.client("cognito-idp").admin_get_user(UserPoolId=aws.user_pool_id, Username=username)
    return {a["Name"]: a["Value"] for a in user["UserAttributes"]}


# ---- RecognizeUtterance: text in, text out -----------------------------------------------------------


def test_recognize_utterance_with_text_answers_in_gzip_base64_headers(lex) -> None:
    session = session_id("utterance")
    response = utter(
        lex,
        session,
        "please register a new user",
        sessionState=encode({"sessionAttributes": {"channel": "ivr"}}),
        requestAttributes=encode(STAFF),
    )
    assert gzip_members("RecognizeUtteranceRequest") == {"sessionState", "requestAttributes"}
    compressed = gzip_members("RecognizeUtteranceResponse")
    assert compressed == {"messages", "interpretations", "sessionState", "requestAttributes", "inputTranscript"}
    decoded = {name: decode(response[name]) for name in compressed}  # each one gzip, then base64
    assert decoded["inputTranscript"] == "please register a new user"
    assert decoded["sessionState"]["dialogAction"] == {"type": "ElicitSlot", "slotToElicit": "Username"}
    assert decoded["sessionState"]["sessionAttributes"] == {"channel": "ivr"}
    assert decoded["messages"][0]["content"] == "What username should the new user have?"
    assert decoded["interpretations"][0]["intent"]["name"] == "RegisterUser"
    assert decoded["requestAttributes"] == STAFF
    # Not compressed: the session id, the input mode and the content type (as requested).
    assert (response["sessionId"], response["inputMode"], response["contentType"]) == (session, "Text", TEXT_OUT)
    assert response["audioStream"].read() == b""  # text out: no audio

    # The conversation goes on with RecognizeText on the same session.
    assert say(lex, session, "jdoe", requestAttributes=STAFF)["sessionState"]["dialogAction"]["slotToElicit"] == "Email"


def test_recognize_utterance_request_headers_must_be_gzip_then_base64(lex) -> None:
    plain_base64 = base64.b64encode(json.dumps(STAFF).encode()).decode()
    error = error_of(lambda: utter(lex, session_id("plain-b64"), "help", requestAttributes=plain_base64))
    assert (error["Code"], error["status"]) == ("ValidationException", 400)
    assert (
        "x-amz-lex-request-attributes header must be JSON, gzip-compressed and then base64-encoded" in error["Message"]
    )
    bad_state = encode({"dialogAction": {"type": "Teleport"}})
    error = error_of(lambda: utter(lex, session_id("bad-state"), "help", sessionState=bad_state))
    assert error["Code"] == "ValidationException"
    assert (
        "at 'sessionState.dialogAction.type' failed to satisfy constraint: Member must satisfy enum" in error["Message"]
    )


@pytest.mark.parametrize(
    ("request_type", "response_type", "fragment"),
    [
        ("audio/l16; rate=16000; channels=1", TEXT_OUT, "has no speech recognition"),
        ("audio/x-l16; sample-rate=16000; channel-count=1", TEXT_OUT, "has no speech recognition"),
        (
            "audio/lpcm; sample-rate=8000; sample-size-bits=16; channel-count=1; is-big-endian=false",
            TEXT_OUT,
            "has no speech recognition",
        ),
        (
            "audio/x-cbr-opus-with-preamble;preamble-size=0;bit-rate=256000;frame-size-milliseconds=4",
            TEXT_OUT,
            "has no speech recognition",
        ),
        (TEXT_IN, "audio/mpeg", "has no speech synthesis"),
        (TEXT_IN, "audio/pcm", "has no speech synthesis"),
        ("application/json", TEXT_OUT, "Invalid requestContentType"),
        ("text/plain; charset=latin-1", TEXT_OUT, "Invalid requestContentType"),
    ],
)
def test_audio_is_a_clear_validation_error(lex, request_type, response_type, fragment) -> None:
    def call() -> Any:
        return lex.recognize_utterance(
            **TARGET,
            sessionId=session_id("audio"),
            requestContentType=request_type,
            responseContentType=response_type,
            inputStream=b"\x00\x01" * 800,
        )

    error = error_of(call)
    assert (error["Code"], error["status"]) == ("ValidationException", 400)
    assert fragment in error["Message"]


def test_aws_cli_completes_recognize_utterance_with_text(lex, local_lex, tmp_path) -> None:
    aws_cli = shutil.which("aws", path=str(Path(sys.executable).parent))
    assert aws_cli is not None, "the AWS CLI is not installed in the virtualenv (requirements-dev.txt)"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("AWS_")},
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    session = session_id("cli-utterance")

    def cli(text: str, number: int) -> tuple[dict[str, Any], Path]:
        (tmp_path / f"in{number}.txt").write_text(text, encoding="utf-8")
        outfile = tmp_path / f"out{number}.bin"
        result = subprocess.run(
            [aws_cli, "lexv2-runtime", "recognize-utterance", "--endpoint-url", local_lex.url, "--bot-id", BOT,
             "--bot-alias-id", ALIAS, "--locale-id", LOCALE, "--session-id", session,
             "--request-content-type", TEXT_IN, "--response-content-type", TEXT_OUT,
             "--request-attributes", encode(STAFF), "--input-stream", str(tmp_path / f"in{number}.txt"),
             str(outfile), "--output", "json"],
            capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60, check=False,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        parsed: dict[str, Any] = json.loads(result.stdout)
        return parsed, outfile

    first, outfile = cli("register a user named cliuser with email cliuser@example.com", 1)
    assert outfile.exists()
    assert outfile.read_bytes() == b""
    assert first["contentType"] == TEXT_OUT
    assert first["inputMode"] == "Text"
    assert first["sessionId"] == session
    assert decode(first["sessionState"])["dialogAction"] == {"type": "ConfirmIntent"}
    assert decode(first["inputTranscript"]) == "register a user named cliuser with email cliuser@example.com"
    done, _ = cli("yes", 2)
    assert decode(done["sessionState"])["intent"]["state"] == "Fulfilled"
    assert _user(local_lex.aws, "cliuser")["email"] == "cliuser@example.com"


# ---- text over the model's limit -----------------------------------------------------------------------


def test_text_over_the_limit_is_refused_at_once(lex) -> None:
    limit = MODEL.shape_for("Text").metadata["max"]
    assert limit == 1024
    started = time.monotonic()
    error = error_of(lambda: say(lex, session_id("long"), "find " + "dracula " * 1000))
    assert (error["Code"], error["status"]) == ("ValidationException", 400)
    assert (
        f"Value at 'text' failed to satisfy constraint: Member must have length less than or equal to {limit}"
        in (error["Message"])
    )
    error = error_of(lambda: utter(lex, session_id("long-utterance"), "x" * (limit + 1)))
    assert "Member must have length less than or equal to 1024" in error["Message"]
    assert time.monotonic() - started < 5  # validation, not the NLU on 8000 characters


# ---- interpretations of the current turn ---------------------------------------------------------------


def test_interpretations_are_those_of_the_current_turn(lex) -> None:
    session = session_id("interpretations")
    say(lex, session, "please register a new user", requestAttributes=STAFF)
    answered = say(lex, session, "jdoe", requestAttributes=STAFF)
    first = answered["interpretations"][0]
    assert first["intent"] == answered["sessionState"]["intent"]
    assert first["intent"]["slots"]["Username"]["value"]["interpretedValue"] == "jdoe"
    email = say(lex, session, "jdoe@example.com", requestAttributes=STAFF)
    assert email["interpretations"][0]["intent"]["slots"]["Email"]["value"]["interpretedValue"] == "jdoe@example.com"
    assert email["interpretations"][0]["intent"] == email["sessionState"]["intent"]
    confirmed = say(lex, session, "yes", requestAttributes=STAFF)
    assert confirmed["interpretations"][0]["intent"]["confirmationState"] == "Confirmed"
    got = lex.get_session(**TARGET, sessionId=session)
    assert got["interpretations"] == confirmed["interpretations"]


# ---- PutSession acts on its dialog action ----------------------------------------------------------------


def _register(username: str, email: str | None = None, **intent: Any) -> dict[str, Any]:
    slots: dict[str, Any] = {"Username": {"value": {"interpretedValue": username, "originalValue": username}}}
    if email:
        slots["Email"] = {"value": {"interpretedValue": email, "originalValue": email}}
    return {"name": "RegisterUser", "slots": slots, **intent}


def test_put_session_delegate_lets_lex_take_the_next_step(lex, local_lex) -> None:
    session = session_id("delegate")
    elicit = put(lex, session, {"intent": _register("deleg"), "dialogAction": {"type": "Delegate"}},
                 requestAttributes=STAFF)  # fmt: skip
    assert elicit["sessionState"]["dialogAction"] == {"type": "ElicitSlot", "slotToElicit": "Email"}
    assert elicit["messages"][0]["content"] == "What is deleg's email address?"
    assert elicit["requestAttributes"] == STAFF
    assert say(lex, session, "deleg@example.com", requestAttributes=STAFF)["sessionState"]["dialogAction"] == {
        "type": "ConfirmIntent"
    }

    fulfilled = put(
        lex,
        session_id("delegate-all"),
        {"intent": _register("delegall", "delegall@example.com", confirmationState="Confirmed"),
         "dialogAction": {"type": "Delegate"}},
        requestAttributes=STAFF,
    )  # fmt: skip
    assert fulfilled["sessionState"]["intent"]["state"] == "Fulfilled"
    assert fulfilled["sessionState"]["dialogAction"] == {"type": "Close"}
    assert fulfilled["messages"][-1]["content"] == "Anything else I can do for you?"  # the closing response
    assert _user(local_lex.aws, "delegall")["email"] == "delegall@example.com"


def test_put_session_confirm_intent_sends_the_confirmation_prompt(lex, local_lex) -> None:
    session = session_id("confirm")
    confirm = put(lex, session, {"intent": _register("conf", "conf@example.com"),
                                 "dialogAction": {"type": "ConfirmIntent"}})  # fmt: skip
    assert confirm["messages"] == [
        {"contentType": "PlainText", "content": "Register the user conf with email conf@example.com?"}
    ]
    assert confirm["sessionState"]["intent"]["state"] == "InProgress"
    done = say(lex, session, "yes", requestAttributes=STAFF)
    assert done["sessionState"]["intent"]["state"] == "Fulfilled"
    assert _user(local_lex.aws, "conf")["email"] == "conf@example.com"


def test_put_session_elicit_slot_with_messages_sends_those(lex) -> None:
    session = session_id("elicit-own")
    own = [{"contentType": "PlainText", "content": "Which address shall I use?"}]
    elicit = put(lex, session, {"intent": _register("own"), "dialogAction": {"type": "ElicitSlot", "slotToElicit": "Email"}},
                 messages=own)  # fmt: skip
    assert elicit["messages"] == own
    assert lex.get_session(**TARGET, sessionId=session)["messages"] == own


@pytest.mark.parametrize("action", ["ElicitIntent", "Close"])
def test_put_session_elicit_intent_and_close_send_the_messages_then_take_a_new_intent(lex, action) -> None:
    session = session_id(action)
    said = [{"contentType": "PlainText", "content": "What would you like to do?"}]
    response = put(lex, session, {"intent": _register("someone"), "dialogAction": {"type": action}}, messages=said)
    assert response["messages"] == said
    assert response["sessionState"]["dialogAction"] == {"type": action}
    assert say(lex, session, "help")["sessionState"]["intent"]["name"] == "Help"


def test_put_session_answers_text_only(unchecked) -> None:
    error = error_of(
        lambda: unchecked.put_session(
            **TARGET, sessionId="audio-put", sessionState={}, responseContentType="audio/mpeg"
        )
    )
    assert (error["Code"], error["status"]) == ("ValidationException", 400)
    assert "has no speech synthesis" in error["Message"]


# ---- session state validated as the service model requires ------------------------------------------


def _enum(shape: str) -> str:
    return f"Member must satisfy enum value set: [{', '.join(MODEL.shape_for(shape).enum)}]"


def _range(shape: str, side: str) -> int:
    value: int = MODEL.shape_for(shape).metadata[side]
    return value


def _context(**changes: Any) -> dict[str, Any]:
    context: dict[str, Any] = {
        "name": "orderFollowUp",
        "timeToLive": {"timeToLiveInSeconds": 600, "turnsToLive": 5},
        "contextAttributes": {"orderId": "01ABC"},
    }
    context.update(changes)
    return {k: v for k, v in context.items() if v is not None}


_INVALID_STATES = [
    ({"intent": {"name": "RegisterUser", "state": "Done"}}, f"at 'sessionState.intent.state' failed to satisfy constraint: {_enum('IntentState')}"),
    ({"intent": {"name": "RegisterUser", "confirmationState": "Maybe"}}, _enum("ConfirmationState")),
    ({"dialogAction": {"type": "Teleport"}}, _enum("DialogActionType")),
    ({"dialogAction": {}}, "Value null at 'sessionState.dialogAction.type' failed to satisfy constraint: Member must not be null"),
    ({"intent": {"name": "RegisterUser"}, "dialogAction": {"type": "ElicitSlot"}}, "ElicitSlot needs the slot to elicit"),
    ({"intent": {"name": "RegisterUser"}, "dialogAction": {"type": "ElicitSlot", "slotToElicit": "Nope"}}, "intent RegisterUser has no slot Nope"),
    ({"dialogAction": {"type": "ConfirmIntent"}}, "ConfirmIntent needs an intent"),
    ({"intent": {"name": "NoSuchIntent"}}, "intent NoSuchIntent does not exist"),
    ({"intent": {"slots": {}}}, "Value null at 'sessionState.intent.name' failed to satisfy constraint: Member must not be null"),
    ({"intent": {"name": "RegisterUser", "slots": {"Nickname": {"value": {"interpretedValue": "jd"}}}}}, "intent RegisterUser has no slot Nickname"),
    ({"intent": {"name": "RegisterUser", "slots": {"Username": {"value": {"originalValue": "jdoe"}}}}},
     "Value null at 'sessionState.intent.slots.Username.value.interpretedValue' failed to satisfy constraint"),
    ({"intent": {"name": "RegisterUser", "slots": {"Username": {"shape": "Scalar"}}}}, "a Scalar slot needs a value"),
    ({"intent": {"name": "RegisterUser", "slots": {"Username": {"shape": "List", "values": [{"value": {"interpretedValue": "a"}}]}}}},
     "does not allow multiple values"),
    ({"intent": {"name": "RegisterUser", "slots": {"Username": {"shape": "Round", "value": {"interpretedValue": "a"}}}}}, _enum("Shape")),
    ({"activeContexts": [_context(timeToLive=None)]},
     "Value null at 'sessionState.activeContexts.1.member.timeToLive' failed to satisfy constraint: Member must not be null"),
    ({"activeContexts": [_context(contextAttributes=None)]}, "activeContexts.1.member.contextAttributes' failed to satisfy constraint: Member must not be null"),
    ({"activeContexts": [_context(name=None)]}, "activeContexts.1.member.name' failed to satisfy constraint: Member must not be null"),
    ({"activeContexts": [_context(timeToLive={"timeToLiveInSeconds": 600})]}, "timeToLive.turnsToLive' failed to satisfy constraint: Member must not be null"),
    ({"activeContexts": [_context(timeToLive={"timeToLiveInSeconds": 600, "turnsToLive": 21})]},
     f"Member must have value less than or equal to {_range('ActiveContextTurnsToLive', 'max')}"),
    ({"activeContexts": [_context(timeToLive={"timeToLiveInSeconds": 4, "turnsToLive": 1})]},
     f"Member must have value greater than or equal to {_range('ActiveContextTimeToLiveInSeconds', 'min')}"),
    ({"activeContexts": [_context(name="order-follow-up")]},
     f"Member must satisfy regular expression pattern: {MODEL.shape_for('ActiveContextName').metadata['pattern']}"),
    ({"activeContexts": [_context(name=f"c{i}") for i in range(21)]},
     f"at 'sessionState.activeContexts' failed to satisfy constraint: Member must have length less than or equal to {_range('ActiveContextsList', 'max')}"),
    ({"activeContexts": [_context(contextAttributes={f"k{i}": "v" for i in range(11)})]}, "Member must have length less than or equal to 10"),
    ({"activeContexts": [_context(), _context()]}, "names a context more than once: orderFollowUp"),
    ({"sessionAttributes": {"count": 1}}, "at 'sessionState.sessionAttributes.count' failed to satisfy constraint: Member must be a string"),
    ({"runtimeHints": {"slotHints": {"NoSuchIntent": {"Genre": {"runtimeHintValues": [{"phrase": "poetry"}]}}}}}, "intent NoSuchIntent does not exist"),
    ({"runtimeHints": {"slotHints": {"RecommendBooks": {"Mood": {"runtimeHintValues": [{"phrase": "happy"}]}}}}}, "intent RecommendBooks has no slot Mood"),
    ({"runtimeHints": {"slotHints": {"RecommendBooks": {"Genre": {"runtimeHintValues": []}}}}}, "Member must have length greater than or equal to 1"),
    ({"runtimeHints": {"slotHints": {"RecommendBooks": {"Genre": {"runtimeHintValues": [{"phrase": "x" * 141}]}}}}},
     f"Member must have length less than or equal to {_range('RuntimeHintPhrase', 'max')}"),
]  # fmt: skip


@pytest.mark.parametrize(("state", "fragment"), _INVALID_STATES)
def test_invalid_session_state_is_a_validation_exception(unchecked, state, fragment) -> None:
    for call in (
        lambda: unchecked.put_session(**TARGET, sessionId=session_id("invalid-put"), sessionState=state),
        lambda: unchecked.recognize_text(
            **TARGET, sessionId=session_id("invalid-text"), text="help", sessionState=state
        ),
    ):
        error = error_of(call)
        assert (error["Code"], error["status"]) == ("ValidationException", 400)
        assert fragment in error["Message"]


@pytest.mark.parametrize(
    ("session", "fragment"),
    [
        ("a", "Member must have length greater than or equal to 2"),
        ("x" * 101, "Member must have length less than or equal to 100"),
        ("has space", "Member must satisfy regular expression pattern: [0-9a-zA-Z._:-]+"),
        ("semi;colon", "Member must satisfy regular expression pattern"),
    ],
)
def test_session_id_is_checked_as_the_model_says(unchecked, session, fragment) -> None:
    assert MODEL.shape_for("SessionId").metadata == {"min": 2, "max": 100, "pattern": "[0-9a-zA-Z._:-]+"}
    error = error_of(lambda: unchecked.recognize_text(**TARGET, sessionId=session, text="help"))
    assert (error["Code"], error["status"]) == ("ValidationException", 400)
    assert "at 'sessionId' failed to satisfy constraint" in error["Message"]
    assert fragment in error["Message"]


def test_put_session_messages_are_checked(unchecked) -> None:
    eleven = [{"contentType": "PlainText", "content": f"message {i}"} for i in range(11)]
    error = error_of(lambda: unchecked.put_session(**TARGET, sessionId="msgs", sessionState={}, messages=eleven))
    assert (
        "at 'messages' failed to satisfy constraint: Member must have length less than or equal to 10"
        in error["Message"]
    )
    error = error_of(
        lambda: unchecked.put_session(
            **TARGET, sessionId="msgs", sessionState={}, messages=[{"contentType": "PlainText"}]
        )
    )
    assert "a PlainText message needs content" in error["Message"]
    error = error_of(lambda: unchecked.put_session(**TARGET, sessionId="msgs", sessionState={},
                                                   messages=[{"contentType": "Video", "content": "x"}]))  # fmt: skip
    assert _enum("MessageContentType") in error["Message"]


def test_a_refused_put_session_changes_nothing(lex, unchecked) -> None:
    session = session_id("unchanged")
    put(lex, session, {"sessionAttributes": {"kept": "yes"}})
    error_of(lambda: unchecked.put_session(**TARGET, sessionId=session, sessionState={"sessionAttributes": {"kept": "no"},
                                                                                      "dialogAction": {"type": "Teleport"}}))  # fmt: skip
    assert lex.get_session(**TARGET, sessionId=session)["sessionState"]["sessionAttributes"] == {"kept": "yes"}
    error_of(lambda: unchecked.put_session(**TARGET, sessionId=session + "-new", sessionState={"dialogAction": {}}))
    assert (
        error_of(lambda: lex.get_session(**TARGET, sessionId=session + "-new"))["Code"] == "ResourceNotFoundException"
    )


# ---- active contexts expire ----------------------------------------------------------------------------


def test_active_contexts_expire_by_turns(lex) -> None:
    session = session_id("context-turns")
    context = _context(timeToLive={"timeToLiveInSeconds": 600, "turnsToLive": 2})
    assert put(lex, session, {"activeContexts": [context]})["sessionState"]["activeContexts"] == [context]
    first = say(lex, session, "help")
    [left] = first["sessionState"]["activeContexts"]
    assert left["timeToLive"] == {"timeToLiveInSeconds": 600, "turnsToLive": 1}
    assert left["contextAttributes"] == {"orderId": "01ABC"}
    second = say(lex, session, "help")
    assert "activeContexts" not in second["sessionState"]
    # A context sent with the turn lives that turn: turnsToLive 1 is gone from its response.
    once = _context(timeToLive={"timeToLiveInSeconds": 600, "turnsToLive": 1})
    assert "activeContexts" not in say(lex, session, "help", sessionState={"activeContexts": [once]})["sessionState"]


def test_active_contexts_expire_by_time(lex) -> None:
    session = session_id("context-time")
    seconds = _range("ActiveContextTimeToLiveInSeconds", "min")
    short = _context(name="short", timeToLive={"timeToLiveInSeconds": seconds, "turnsToLive": 20})
    long = _context(name="long", timeToLive={"timeToLiveInSeconds": 600, "turnsToLive": 20})
    put(lex, session, {"activeContexts": [short, long]})
    assert [c["name"] for c in say(lex, session, "help")["sessionState"]["activeContexts"]] == ["short", "long"]
    time.sleep(seconds + 0.5)
    got = lex.get_session(**TARGET, sessionId=session)
    assert [c["name"] for c in got["sessionState"]["activeContexts"]] == ["long"]
    assert [c["name"] for c in say(lex, session, "help")["sessionState"]["activeContexts"]] == ["long"]


def test_an_empty_context_list_clears_the_contexts(lex) -> None:
    session = session_id("context-clear")
    put(lex, session, {"activeContexts": [_context()]})
    assert "activeContexts" not in say(lex, session, "help", sessionState={"activeContexts": []})["sessionState"]


# ---- runtime hints -------------------------------------------------------------------------------------------


def _genre_prompt(lex: Any, session: str) -> None:
    asked = put(lex, session, {"intent": {"name": "RecommendBooks"},
                               "dialogAction": {"type": "ElicitSlot", "slotToElicit": "Genre"}})  # fmt: skip
    assert asked["messages"][0]["content"] == "Any genre in particular?"


def _hints(*phrases: str) -> dict[str, Any]:
    values = [{"phrase": phrase} for phrase in phrases]
    return {"runtimeHints": {"slotHints": {"RecommendBooks": {"Genre": {"runtimeHintValues": values}}}}}


@pytest.mark.parametrize("hinted", ["mystery", "horror"])
def test_a_runtime_hint_chooses_the_slot_value(lex, hinted) -> None:
    session = session_id(f"hint-{hinted}")
    _genre_prompt(lex, session)
    response = say(lex, session, "mystery or horror", sessionState=_hints(hinted))
    intent = response["sessionState"]["intent"]
    assert intent["name"] == "RecommendBooks"
    assert intent["slots"]["Genre"]["value"]["interpretedValue"] == hinted
    assert response["sessionState"]["runtimeHints"] == _hints(hinted)["runtimeHints"]


def test_a_runtime_hint_never_adds_a_value_the_slot_type_refuses(lex) -> None:
    session = session_id("hint-unlisted")
    _genre_prompt(lex, session)
    response = say(lex, session, "vampire fiction or horror", sessionState=_hints("vampire fiction"))
    assert response["sessionState"]["intent"]["slots"]["Genre"]["value"]["interpretedValue"] == "horror"


def test_runtime_hints_apply_only_when_a_slot_is_elicited(lex) -> None:
    """ "Runtime hints are used only when eliciting a slot value from a user": the first utterance is not changed."""
    response = say(lex, session_id("hint-first"), "recommend some horror books", sessionState=_hints("mystery"))
    assert response["sessionState"]["intent"]["slots"]["Genre"]["value"]["interpretedValue"] == "horror"


# ---- every request gets a Lex-shaped answer -------------------------------------------------------------


def _raw(url: str, request: bytes) -> bytes:
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(request)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return answer


def _parts(answer: bytes) -> tuple[int, dict[str, str], Any]:
    head, _, body = answer.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines)}
    return int(status_line.split()[1]), headers, json.loads(body)


PATH = f"/bots/{BOT}/botAliases/{ALIAS}/botLocales/{LOCALE}/sessions/raw-fidelity"


@pytest.mark.parametrize(
    ("request_bytes", "status", "error_type", "fragment"),
    [
        (f"BREW {PATH} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode(), 404, "ResourceNotFoundException",
         f"No lexv2-runtime operation at BREW {PATH}"),
        (b"NONSENSE\r\n\r\n", 400, "ValidationException", "Malformed HTTP request"),
        (f"GET {PATH}/text HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode(), 404, "ResourceNotFoundException",
         "No lexv2-runtime operation at GET"),
        (f"POST {PATH}/conversation HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".encode(), 400,
         "ValidationException", "StartConversation"),
        (f"POST {PATH}/text HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999\r\n\r\n{{}}".encode(), 400,
         "ValidationException", "larger than"),
        (f"POST {PATH}/text HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\n[]".encode(), 400,
         "ValidationException", "must be a JSON object"),
    ],
)  # fmt: skip
def test_every_request_gets_a_lex_shaped_answer(local_lex, request_bytes, status, error_type, fragment) -> None:
    got_status, headers, body = _parts(_raw(local_lex.url, request_bytes))
    assert (got_status, headers["x-amzn-errortype"]) == (status, error_type)
    assert fragment in body["message"]
    assert headers["content-type"] == "application/json"


def test_a_chunked_request_body_is_read(local_lex) -> None:
    body = b'{"text": "help"}'
    request = (
        f"POST {PATH}/text HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n".encode()
        + f"{len(body):x}\r\n".encode()
        + body
        + b"\r\n0\r\n\r\n"
    )
    status, _, answer = _parts(_raw(local_lex.url, request))
    assert status == 200
    assert answer["sessionState"]["intent"]["name"] == "Help"


class _BrokenEngine:
    def recognize_text(self, *args: Any) -> Any:
        raise KeyError("a bug in the emulator")


def test_an_internal_fault_is_a_logged_internal_server_exception(caplog) -> None:
    from local.emulators.lex.server import LexHTTPServer

    server = LexHTTPServer(_BrokenEngine()).start()  # type: ignore[arg-type]
    try:
        with caplog.at_level(logging.ERROR, logger="local.lex"):
            error = error_of(lambda: lex_client(server.url).recognize_text(**TARGET, sessionId="fault", text="help"))
        assert (error["Code"], error["status"]) == ("InternalServerException", 500)
        assert "KeyError" in error["Message"]
        assert "a bug in the emulator" in caplog.text
        assert "Traceback" in caplog.text
        request = urllib.request.Request(server.url + "/anything", method="GET")  # noqa: S310 (loopback)
        with pytest.raises(urllib.error.HTTPError) as still:
            urllib.request.urlopen(request, timeout=10)  # noqa: S310 (loopback test server)
        assert still.value.code == 404  # still serving
    finally:
        server.stop()


def test_a_body_nested_too_deeply_is_a_validation_exception(local_lex) -> None:
    """Found by a reviewer: JSON nested 5000 deep was a 500 (RecursionError); it is the caller's bad body."""
    body = b"[" * 5000 + b"]" * 5000
    request = (
        f"POST {PATH}/text HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode() + body
    status, headers, answer = _parts(_raw(local_lex.url, request))
    assert (status, headers["x-amzn-errortype"]) == (400, "ValidationException")
    assert "nested too deeply" in answer["message"]
