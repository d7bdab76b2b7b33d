"""The functions' AWS client configurations: each fits its caller's time budget, and botocore reads it so."""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

import pytest
from botocore.config import Config
from botocore.stub import ANY, Stubber

from bookstore import aws
from local.emulators.context import LocalLambdaContext
from tests.support.aws import load_event


def _effective(client: Any) -> tuple[float, float, int]:
    """(connect timeout, read timeout, total attempts) as the client itself will apply them."""
    config = client.meta.config
    return config.connect_timeout, config.read_timeout, config.retries["total_max_attempts"]


def test_lex_client_never_retries_a_turn() -> None:
    # The timeouts around it (code hook, chat function, API Gateway) are checked against the templates in
    # tests/infrastructure/test_deploy_rules.py.
    config = aws.LEX_RUNTIME_CONFIG
    assert aws.attempts(config) == 1
    assert _effective(aws.client("lexv2-runtime", config)) == (2, 20, 1)


def test_the_sign_up_s_calls_together_stay_below_four_seconds() -> None:
    config = aws.TRIGGER_CONFIG
    worst = aws.worst_case_seconds(config)
    assert worst == pytest.approx(0.5 + 1.0)
    assert aws.SIGN_UP_AWS_CALLS * worst < 4
    assert aws.attempts(config) == 1  # Cognito retries a failed trigger itself
    assert _effective(aws.client("dynamodb", config)) == (0.5, 1, 1)


def test_default_configuration_is_unchanged_for_the_rest_of_the_code() -> None:
    assert _effective(aws.client("dynamodb")) == (2, 5, 4)
    assert aws.client("dynamodb") is aws.client("dynamodb", aws.DEFAULT_CONFIG)


def test_worst_case_counts_every_attempt_and_the_pauses_between_them() -> None:
    assert aws.worst_case_seconds(Config(connect_timeout=1, read_timeout=2, retries={"total_max_attempts": 3})) == 11
    assert aws.attempts(Config(retries={"max_attempts": 3})) == 4  # botocore's `max_attempts` counts retries
    assert aws.attempts(Config()) == 3  # botocore's standard-mode default


def test_one_cached_client_per_service_and_configuration() -> None:
    trigger = aws.client("dynamodb", aws.TRIGGER_CONFIG)
    assert aws.client("dynamodb", aws.TRIGGER_CONFIG) is trigger
    assert aws.client("dynamodb") is not trigger
    aws.clear_clients()
    assert aws.client("dynamodb", aws.TRIGGER_CONFIG) is not trigger


@pytest.fixture
def trigger(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.setenv("USERS_TABLE_NAME", "UsersTable")
    return importlib.reload(importlib.import_module("auth_triggers.post_confirmation"))


def test_trigger_repositories_use_the_trigger_configuration(trigger: ModuleType) -> None:
    service = trigger.accounts("us-east-1_EXAMPLE01")
    assert service.users.client is aws.client("dynamodb", aws.TRIGGER_CONFIG)
    assert service.directory.client is aws.client("cognito-idp", aws.TRIGGER_CONFIG)
    assert _effective(service.directory.client) == (0.5, 1, 1)


def test_trigger_makes_its_calls_through_the_trigger_clients(trigger: ModuleType) -> None:
    # Stub the TRIGGER_CONFIG clients only: a call through any other client would reach for the (blocked) network.
    cognito = aws.client("cognito-idp", aws.TRIGGER_CONFIG)
    dynamodb = aws.client("dynamodb", aws.TRIGGER_CONFIG)
    event = load_event("auth/post_confirmation_sign_up.json")
    with Stubber(cognito) as cognito_stub, Stubber(dynamodb) as dynamodb_stub:
        cognito_stub.add_response(
            "admin_add_user_to_group",
            {},
            {"UserPoolId": "us-east-1_EXAMPLE01", "Username": "jdoe", "GroupName": "customers"},
        )
        dynamodb_stub.add_response("transact_write_items", {}, {"TransactItems": ANY})
        # The Stubbers refuse any other call: these are the sign-up's SIGN_UP_AWS_CALLS calls.
        assert aws.SIGN_UP_AWS_CALLS == 2
        assert trigger.lambda_handler(event, LocalLambdaContext("post-confirmation")) == event
        cognito_stub.assert_no_pending_responses()
        dynamodb_stub.assert_no_pending_responses()
