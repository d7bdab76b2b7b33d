"""The post-confirmation trigger against moto: group, profile, retries, and what it must refuse."""

from __future__ import annotations

import importlib
from types import ModuleType

import pytest

from bookstore.errors import EmailAlreadyUsed
from tests.support.aws import LocalAws, load_event


@pytest.fixture
def handler(local_aws: LocalAws, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.setenv("USERS_TABLE_NAME", local_aws.tables["UsersTable"])
    module = importlib.import_module("auth_triggers.post_confirmation")
    return importlib.reload(module)  # ENV is read at import (cold start)


def _sign_up_event(local_aws: LocalAws, username: str = "jdoe", email: str = "jdoe@example.com") -> dict:
    local_aws.create_cognito_user(username, email)
    event = load_event("auth/post_confirmation_sign_up.json", userPoolId=local_aws.user_pool_id, userName=username)
    event["request"]["userAttributes"]["email"] = email
    return event


def _profiles(local_aws: LocalAws) -> list[dict]:
    return [i for i in local_aws.items("UsersTable") if i["sk"]["S"] == "PROFILE"]


def test_sign_up_adds_customer_group_and_creates_profile(handler, local_aws, lambda_context) -> None:
    # Given a user who just confirmed their sign-up
    event = _sign_up_event(local_aws)
    # When the trigger runs
    result = handler.lambda_handler(event, lambda_context)
    # Then Cognito gets its event back, the user is a customer and has a profile
    assert result == event
    assert local_aws.groups_of("jdoe") == ["customers"]
    [profile] = _profiles(local_aws)
    assert profile["pk"]["S"] == "USER#jdoe"
    assert profile["email"]["S"] == "jdoe@example.com"
    assert profile["given_name"]["S"] == "Jane"
    assert profile["family_name"]["S"] == "Doe"
    assert profile["source"]["S"] == "self-sign-up"
    guards = [i for i in local_aws.items("UsersTable") if i["pk"]["S"] == "EMAIL#jdoe@example.com"]
    assert [g["username"]["S"] for g in guards] == ["jdoe"]


def test_retried_event_changes_nothing(handler, local_aws, lambda_context) -> None:
    event = _sign_up_event(local_aws)
    handler.lambda_handler(event, lambda_context)
    before = sorted(local_aws.items("UsersTable"), key=lambda i: i["pk"]["S"])

    handler.lambda_handler(event, lambda_context)

    assert sorted(local_aws.items("UsersTable"), key=lambda i: i["pk"]["S"]) == before
    assert local_aws.groups_of("jdoe") == ["customers"]


def test_mixed_case_username_is_stored_in_lowercase(handler, local_aws, lambda_context) -> None:
    event = _sign_up_event(local_aws, username="JDoe")
    handler.lambda_handler(event, lambda_context)
    [profile] = _profiles(local_aws)
    assert profile["username"]["S"] == "jdoe"


def test_forgot_password_confirmation_creates_nothing(handler, local_aws, lambda_context) -> None:
    local_aws.create_cognito_user("jdoe", "jdoe@example.com")
    event = load_event("auth/post_confirmation_forgot_password.json", userPoolId=local_aws.user_pool_id)
    assert handler.lambda_handler(event, lambda_context) == event
    assert local_aws.items("UsersTable") == []
    assert local_aws.groups_of("jdoe") == []


def test_email_held_by_another_profile_is_refused_and_nothing_is_written(handler, local_aws, lambda_context) -> None:
    handler.lambda_handler(_sign_up_event(local_aws, "jdoe", "shared@example.com"), lambda_context)
    before = local_aws.items("UsersTable")

    with pytest.raises(EmailAlreadyUsed):
        handler.lambda_handler(_sign_up_event(local_aws, "jsmith", "shared@example.com"), lambda_context)

    assert local_aws.items("UsersTable") == before


def test_business_metric_emitted_once_per_new_customer(handler, local_aws, lambda_context, capsys) -> None:
    event = _sign_up_event(local_aws)
    handler.lambda_handler(event, lambda_context)
    handler.lambda_handler(event, lambda_context)
    emitted = [line for line in capsys.readouterr().out.splitlines() if '"UsersRegistered"' in line]
    assert len(emitted) == 1
