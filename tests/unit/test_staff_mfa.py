"""Staff MFA where required (STAFF_MFA_REQUIRED=true, prod): a staff action needs the caller's TOTP enabled.

Against moto's Cognito built from the dev Auth template (MFA OPTIONAL, TOTP), in process: the API's staff routes
and the bot's staff intents, through their real handlers, with the flag off, on without TOTP, and on after the
staff member enrolled an authenticator (AssociateSoftwareToken, VerifySoftwareToken, AdminSetUserMFAPreference).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import importlib
import struct
import time
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest
from moto import mock_aws

from bookstore.repositories.directory import CognitoDirectory
from bookstore.services.user_admin import STAFF_MFA_NEEDED
from tests.support.api import api_environment, load_api_modules
from tests.support.apigw import call
from tests.support.aws import LocalAws, build_local_aws
from tests.support.lex import lex_event

PASSWORD = "Alice-Staff-2026!"
NEW_BOOK = {"title": "Dracula", "author": "Bram Stoker", "genre": "horror", "year": 1897, "price_cents": 999,
            "stock": 3}  # fmt: skip
MESSAGE = "Staff actions need two-step sign-in: turn on an authenticator app in your account page, then sign in again."


@pytest.fixture
def local_aws(dev, monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalAws]:
    # moto checks the TOTP code of VerifySoftwareToken only when asked to: the code must be a real one.
    monkeypatch.setenv("MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP", "true")
    with mock_aws():
        yield build_local_aws(dev.template("Data"), dev.template("Auth"))


@pytest.fixture
def shop_env(local_aws: LocalAws, monkeypatch: pytest.MonkeyPatch) -> LocalAws:
    """The functions' environment over moto; monkeypatch restores it after the test."""
    for name, value in api_environment(local_aws).items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("STAFF_MFA_REQUIRED", raising=False)
    return local_aws


def _staff_member(aws: LocalAws, username: str = "alice") -> None:
    aws.create_cognito_user(username, f"{username}@example.com")
    aws.cognito.admin_set_user_password(
        UserPoolId=aws.user_pool_id, Username=username, Password=PASSWORD, Permanent=True
    )
    aws.cognito.admin_add_user_to_group(UserPoolId=aws.user_pool_id, Username=username, GroupName="staff")


def _totp(secret: str, at: float | None = None) -> str:
    """RFC 6238 code of a base32 secret (30 s steps, 6 digits, HMAC-SHA1), as an authenticator app shows it."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8), casefold=True)
    digest = hmac.new(key, struct.pack(">Q", int((at or time.time()) // 30)), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


def _enrol_totp(aws: LocalAws, username: str = "alice") -> None:
    """What the account page does: sign in, associate an authenticator, verify its code, make TOTP the MFA."""
    tokens = aws.cognito.initiate_auth(
        ClientId=aws.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": PASSWORD},
    )["AuthenticationResult"]
    secret = aws.cognito.associate_software_token(AccessToken=tokens["AccessToken"])["SecretCode"]
    verified = aws.cognito.verify_software_token(AccessToken=tokens["AccessToken"], UserCode=_totp(secret))
    assert verified["Status"] == "SUCCESS"
    aws.cognito.admin_set_user_mfa_preference(
        UserPoolId=aws.user_pool_id,
        Username=username,
        SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True},
    )


def _api(monkeypatch: pytest.MonkeyPatch, aws: LocalAws, required: str | None) -> ModuleType:
    if required is not None:
        monkeypatch.setenv("STAFF_MFA_REQUIRED", required)
    load_api_modules(api_environment(aws))
    return importlib.reload(importlib.import_module("api.handler"))


def _hook(monkeypatch: pytest.MonkeyPatch, required: str | None) -> ModuleType:
    if required is not None:
        monkeypatch.setenv("STAFF_MFA_REQUIRED", required)
    module = importlib.reload(importlib.import_module("bot_fulfillment.handler"))
    module.services.cache_clear()
    return module


def _register(hook: ModuleType, lambda_context: Any, username: str = "jdoe") -> dict[str, Any]:
    event = lex_event(
        "RegisterUser",
        {"Username": username, "Email": f"{username}@example.com"},
        invocation="FulfillmentCodeHook",
        confirmation="Confirmed",
        username="alice",
        groups="staff",
    )
    response: dict[str, Any] = hook.lambda_handler(event, lambda_context)
    return response


def _message(response: dict[str, Any]) -> str:
    return " ".join(m["content"] for m in response.get("messages", []) if m["contentType"] == "PlainText")


def _cognito_users(aws: LocalAws) -> set[str]:
    return {u["Username"] for u in aws.cognito.list_users(UserPoolId=aws.user_pool_id)["Users"]}


# The directory reads the user's MFA settings.


def test_mfa_enabled_only_once_totp_is_verified_and_turned_on(local_aws) -> None:
    directory = CognitoDirectory(local_aws.user_pool_id, client=local_aws.cognito)
    _staff_member(local_aws)
    assert directory.mfa_enabled("alice") is False
    assert directory.mfa_enabled("nobody") is False
    _enrol_totp(local_aws)
    assert directory.mfa_enabled("alice") is True
    local_aws.cognito.admin_set_user_mfa_preference(
        UserPoolId=local_aws.user_pool_id, Username="alice", SoftwareTokenMfaSettings={"Enabled": False}
    )
    assert directory.mfa_enabled("alice") is False


def test_the_template_pool_keeps_mfa_optional_so_customers_are_not_forced(local_aws) -> None:
    config = local_aws.cognito.get_user_pool_mfa_config(UserPoolId=local_aws.user_pool_id)
    assert config["MfaConfiguration"] == "OPTIONAL"


# The API's staff routes.


def test_api_refuses_staff_without_totp_when_required_and_changes_nothing(shop_env, monkeypatch) -> None:
    _staff_member(shop_env)
    api = _api(monkeypatch, shop_env, "true")
    status, body = call(api, "POST", "/books", user="alice", groups="staff", body=NEW_BOOK)
    assert (status, body) == (403, {"error": "NotAuthorized", "message": MESSAGE})
    status, body = call(api, "POST", "/users", user="alice", groups="staff",
                        body={"username": "jdoe", "email": "jdoe@example.com"})  # fmt: skip
    assert (status, body["error"]) == (403, "NotAuthorized")
    assert _cognito_users(shop_env) == {"alice"}
    assert call(api, "GET", "/books/dracula-bram-stoker")[0] == 404


def test_api_allows_staff_with_totp_when_required(shop_env, monkeypatch) -> None:
    _staff_member(shop_env)
    _enrol_totp(shop_env)
    api = _api(monkeypatch, shop_env, "true")
    status, created = call(api, "POST", "/books", user="alice", groups="staff", body=NEW_BOOK)
    assert status == 201
    assert call(api, "GET", f"/books/{created['book_id']}")[0] == 200


@pytest.mark.parametrize("required", [None, "false"])
def test_api_allows_staff_without_totp_when_not_required(shop_env, monkeypatch, required) -> None:
    _staff_member(shop_env)
    api = _api(monkeypatch, shop_env, required)
    assert call(api, "POST", "/books", user="alice", groups="staff", body=NEW_BOOK)[0] == 201


def test_api_still_refuses_customers_as_not_staff_when_mfa_is_required(shop_env, monkeypatch) -> None:
    shop_env.create_cognito_user("carol", "carol@example.com")
    api = _api(monkeypatch, shop_env, "true")
    status, body = call(api, "POST", "/books", user="carol", groups="customers", body=NEW_BOOK)
    assert (status, body["message"]) == (403, "Only bookstore staff may do this.")


# The bot's staff intents.


def test_bot_closes_a_staff_intent_without_totp_when_required(shop_env, monkeypatch, lambda_context, capsys) -> None:
    _staff_member(shop_env)
    response = _register(_hook(monkeypatch, "true"), lambda_context)
    assert response["sessionState"]["dialogAction"]["type"] == "Close"
    assert response["sessionState"]["intent"]["state"] == "Failed"
    assert _message(response) == MESSAGE
    assert '"StaffActionsWithoutMfa"' in capsys.readouterr().out
    assert _cognito_users(shop_env) == {"alice"}


def test_bot_refuses_every_turn_of_a_staff_dialog_without_totp(shop_env, monkeypatch, lambda_context) -> None:
    _staff_member(shop_env)
    hook = _hook(monkeypatch, "true")
    for intent, slots in (("RegisterUser", {"Username": "jdoe"}), ("EditUser", {"Username": "jdoe"})):
        response = hook.lambda_handler(lex_event(intent, slots, username="alice", groups="staff"), lambda_context)
        assert response["sessionState"]["dialogAction"]["type"] == "Close", intent
        assert _message(response) == MESSAGE, intent


def test_bot_fulfils_a_staff_intent_with_totp_when_required(shop_env, monkeypatch, lambda_context) -> None:
    _staff_member(shop_env)
    _enrol_totp(shop_env)
    response = _register(_hook(monkeypatch, "true"), lambda_context)
    assert response["sessionState"]["intent"]["state"] == "Fulfilled", _message(response)
    assert _cognito_users(shop_env) == {"alice", "jdoe"}


@pytest.mark.parametrize("required", [None, "false"])
def test_bot_fulfils_a_staff_intent_without_totp_when_not_required(
    shop_env, monkeypatch, lambda_context, required
) -> None:
    _staff_member(shop_env)
    response = _register(_hook(monkeypatch, required), lambda_context)
    assert response["sessionState"]["intent"]["state"] == "Fulfilled", _message(response)
    assert _cognito_users(shop_env) == {"alice", "jdoe"}


def test_the_refusal_is_the_sentence_the_docs_give() -> None:
    assert STAFF_MFA_NEEDED == MESSAGE
