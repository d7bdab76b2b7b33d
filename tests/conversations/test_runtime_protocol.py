"""The local runtime speaks lexv2-runtime: boto3 and the AWS CLI work unchanged, errors are Lex's errors."""

from __future__ import annotations

import base64
import gzip
import json
import os
import shutil
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.conversations.conftest import ALIAS, BOT, LOCALE, ROOT, STAFF, session_id


def _say(lex: Any, session: str, text: str, **kwargs: Any) -> dict[str, Any]:
    response: dict[str, Any] = lex.recognize_text(
        botId=BOT, botAliasId=ALIAS, localeId=LOCALE, sessionId=session, text=text, **kwargs
    )
    return response


def _user_exists(aws: Any, username: str, email: str) -> None:
    user = aws.client("cognito-idp").admin_get_user(UserPoolId=aws.user_pool_id, Username=username)
    assert {a["Name"]: a["Value"] for a in user["UserAttributes"]}["email"] == email
    groups = aws.client("cognito-idp").admin_list_groups_for_user(UserPoolId=aws.user_pool_id, Username=username)
    assert [g["GroupName"] for g in groups["Groups"]] == ["customers"]
    item = aws.client("dynamodb").get_item(
        TableName=aws.tables["UsersTable"], Key={"pk": {"S": f"USER#{username}"}, "sk": {"S": "PROFILE"}}
    )
    assert item["Item"]["email"]["S"] == email


def test_boto3_completes_a_register_user_conversation(lex, local_lex) -> None:
    session = session_id("boto3-register")
    first = _say(lex, session, "please register a new user", requestAttributes=STAFF)
    assert first["sessionState"]["dialogAction"] == {"type": "ElicitSlot", "slotToElicit": "Username"}
    assert first["interpretations"][0]["intent"]["name"] == "RegisterUser"
    assert isinstance(first["interpretations"][0]["nluConfidence"]["score"], float)
    assert first["requestAttributes"] == STAFF
    assert (
        _say(lex, session, "jdoe", requestAttributes=STAFF)["sessionState"]["dialogAction"]["slotToElicit"] == "Email"
    )
    confirm = _say(lex, session, "it's jdoe@example.com", requestAttributes=STAFF)
    assert confirm["sessionState"]["dialogAction"] == {"type": "ConfirmIntent"}
    assert "jdoe@example.com" in confirm["messages"][0]["content"]
    done = _say(lex, session, "yes please", requestAttributes=STAFF)
    assert done["sessionState"]["intent"]["state"] == "Fulfilled"
    assert done["sessionState"]["dialogAction"] == {"type": "Close"}
    assert [m["contentType"] for m in done["messages"]] == ["PlainText", "PlainText"]  # fulfillment + closing
    _user_exists(local_lex.aws, "jdoe", "jdoe@example.com")


def test_aws_cli_completes_a_register_user_conversation(lex, local_lex, tmp_path) -> None:
    # awscli is pinned in requirements-dev.txt: a missing CLI is a broken install, not a reason to skip.
    aws_cli = shutil.which("aws", path=str(Path(sys.executable).parent))
    assert aws_cli is not None, "the AWS CLI is not installed in the virtualenv (requirements-dev.txt)"
    session = session_id("cli-register")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("AWS_ENDPOINT_URL")},
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    attributes = json.dumps(STAFF)

    def cli(text: str) -> dict[str, Any]:
        result = subprocess.run(
            [aws_cli, "lexv2-runtime", "recognize-text", "--endpoint-url", local_lex.url, "--bot-id", BOT,
             "--bot-alias-id", ALIAS, "--locale-id", LOCALE, "--session-id", session, "--text", text,
             "--request-attributes", attributes, "--output", "json"],
            capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60, check=False,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        parsed: dict[str, Any] = json.loads(result.stdout)
        return parsed

    cli("register a user named jsmith with email jsmith@example.com")
    done = cli("yes")
    assert done["sessionState"]["intent"]["state"] == "Fulfilled"
    _user_exists(local_lex.aws, "jsmith", "jsmith@example.com")


@pytest.mark.parametrize(
    ("bot", "alias", "locale", "fragment"),
    [
        ("UNKNOWNBOT", ALIAS, LOCALE, "Bot UNKNOWNBOT does not exist"),
        (BOT, "NOSUCHALIA", LOCALE, "not a valid BotId/BotAliasId combination"),
        (BOT, "NO-SUCH-ALIAS", LOCALE, "not a valid BotId/BotAliasId combination"),  # alias ids: unconstrained
        (BOT, ALIAS, "fr_FR", "Locale fr_FR is not enabled"),
    ],
)
def test_unknown_bot_alias_or_locale_is_resource_not_found(lex, bot, alias, locale, fragment) -> None:
    with pytest.raises(ClientError) as failure:
        lex.recognize_text(botId=bot, botAliasId=alias, localeId=locale, sessionId="s-unknown", text="help")
    assert failure.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert failure.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert fragment in failure.value.response["Error"]["Message"]


@pytest.mark.parametrize("bot", ["BAD-BOT-ID", "BOOKSTORE1X"])
def test_a_malformed_bot_id_is_a_validation_error(lex, bot) -> None:
    """The service model's BotIdentifier is ten letters or digits (botocore checks only its minimum length)."""
    import botocore.session

    shape = botocore.session.get_session().get_service_model("lexv2-runtime").shape_for("BotIdentifier")
    assert (shape.metadata["min"], shape.metadata["max"], shape.metadata["pattern"]) == (10, 10, "^[0-9a-zA-Z]+$")
    with pytest.raises(ClientError) as failure:
        lex.recognize_text(botId=bot, botAliasId=ALIAS, localeId=LOCALE, sessionId="s-malformed", text="help")
    assert failure.value.response["Error"]["Code"] == "ValidationException"
    assert "at 'botId'" in failure.value.response["Error"]["Message"]


@pytest.mark.parametrize("method", ["PATCH", "OPTIONS", "PUT"])
def test_any_method_on_any_path_gets_a_lex_shaped_error(local_lex, method) -> None:
    status, headers, payload = _raw(local_lex.url, method, TEXT_PATH, b"{}")
    assert status == 404
    assert headers["x-amzn-ErrorType"] == "ResourceNotFoundException"
    assert "No lexv2-runtime operation" in json.loads(payload)["message"]


def test_head_gets_the_error_status_without_a_body(local_lex) -> None:
    status, headers, payload = _raw(local_lex.url, "HEAD", "/nothing/here", None)
    assert status == 404
    assert headers["x-amzn-ErrorType"] == "ResourceNotFoundException"
    assert payload == b""


def _raw(url: str, method: str, path: str, body: bytes | None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(  # noqa: S310 (http to the loopback test server)
        url + path, data=body, method=method, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (loopback test server)
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


TEXT_PATH = f"/bots/{BOT}/botAliases/{ALIAS}/botLocales/{LOCALE}/sessions/raw-session/text"


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b'{"text": ""}', "greater than or equal to 1"),
        (b'{"text": "   "}', "greater than or equal to 1"),
        (json.dumps({"text": "x" * 1025}).encode(), "less than or equal to 1024"),
        (b'{"text": 42}', "Value at 'text' failed to satisfy constraint: Member must be a string"),
        (b"{}", "Value null at 'text' failed to satisfy constraint: Member must not be null"),
        (b"{not json", "Could not parse the request body as JSON"),
        (b"[1, 2]", "must be a JSON object"),
        (b'{"text": "help", "requestAttributes": {"x-amz-lex:a": "b"}}', "reserved prefix"),
    ],
)
def test_bad_input_is_a_validation_error_and_the_server_keeps_serving(local_lex, body, fragment) -> None:
    status, headers, payload = _raw(local_lex.url, "POST", TEXT_PATH, body)
    assert status == 400
    assert headers["x-amzn-ErrorType"] == "ValidationException"
    assert fragment in json.loads(payload)["message"]
    ok_status, _, _ = _raw(local_lex.url, "POST", TEXT_PATH, b'{"text": "help"}')
    assert ok_status == 200


def test_text_of_1024_characters_is_accepted(lex) -> None:
    response = _say(lex, session_id("long"), "help " + "x" * 1019)
    assert response["sessionState"]["intent"]["name"]


def test_unknown_route_is_not_found(local_lex) -> None:
    status, headers, _ = _raw(local_lex.url, "GET", "/nothing/here", None)
    assert status == 404
    assert headers["x-amzn-ErrorType"] == "ResourceNotFoundException"


def _decode(header: str) -> Any:
    return json.loads(gzip.decompress(base64.b64decode(header)))


def test_put_get_and_delete_session(lex) -> None:
    session = session_id("sessions")
    put = lex.put_session(
        botId=BOT,
        botAliasId=ALIAS,
        localeId=LOCALE,
        sessionId=session,
        sessionState={
            "sessionAttributes": {"favourite": "poetry"},
            "intent": {
                "name": "RegisterUser",
                "slots": {"Username": {"value": {"interpretedValue": "jdoe", "originalValue": "jdoe"}}},
            },
            "dialogAction": {"type": "ElicitSlot", "slotToElicit": "Email"},
        },
    )
    state = _decode(put["sessionState"])
    assert state["intent"]["name"] == "RegisterUser"
    assert state["sessionAttributes"] == {"favourite": "poetry"}
    assert _decode(put["messages"])[0]["content"] == "What is jdoe's email address?"
    assert put["sessionId"] == session

    got = lex.get_session(botId=BOT, botAliasId=ALIAS, localeId=LOCALE, sessionId=session)
    assert got["sessionState"]["dialogAction"] == {"type": "ElicitSlot", "slotToElicit": "Email"}
    # The next turn continues from the session that was put.
    answer = _say(lex, session, "jdoe@example.com", requestAttributes=STAFF)
    assert answer["sessionState"]["dialogAction"] == {"type": "ConfirmIntent"}
    assert answer["sessionState"]["sessionAttributes"] == {"favourite": "poetry"}

    deleted = lex.delete_session(botId=BOT, botAliasId=ALIAS, localeId=LOCALE, sessionId=session)
    assert deleted["sessionId"] == session
    with pytest.raises(ClientError) as failure:
        lex.get_session(botId=BOT, botAliasId=ALIAS, localeId=LOCALE, sessionId=session)
    assert failure.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_session_id_is_url_decoded(lex) -> None:
    response = _say(lex, "user:1.a_b-c", "help")
    assert response["sessionId"] == "user:1.a_b-c"


def test_session_attributes_persist_and_request_attributes_are_echoed(lex) -> None:
    session = session_id("attributes")
    _say(lex, session, "help", sessionState={"sessionAttributes": {"k": "v"}})
    later = _say(lex, session, "what can you do", requestAttributes={"bookstore:groups": "customers"})
    assert later["sessionState"]["sessionAttributes"] == {"k": "v"}
    assert later["requestAttributes"] == {"bookstore:groups": "customers"}
    assert "requestAttributes" not in _say(lex, session, "help")


def test_port_already_taken_gives_a_clear_message() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "local.lex", "--port", str(port)],
            cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
    assert result.returncode == 2
    assert f"port {port} on 127.0.0.1 (the Lex V2 runtime) is already in use; pick another with --port" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--port", "9100", "--aws-port", "9100"], "--port and --aws-port must differ"),
        (["--bot-id", "x"], "'x' is not a Lex id"),
        (["--alias", "live=bad!"], "'bad!' is not a Lex id"),
        (["--alias", "live=TSTALIASID"], "each alias needs its own id"),
        (["--alias", "live"], "--alias takes NAME=ID"),
    ],
)
def test_bad_arguments_are_refused_before_anything_starts(arguments, message, capsys) -> None:
    from local.lex.__main__ import main as lex_main

    with pytest.raises(SystemExit) as exited:
        lex_main(arguments)
    assert exited.value.code == 2
    assert message in capsys.readouterr().err
