"""local.world.moto_gaps: Cognito RevokeToken on moto, as AWS documents it (the web front end signs out with it)."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from local.world.moto_gaps import patch_moto

PASSWORD = "Correct-horse-1"
FLOWS = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]


class Pool:
    def __init__(self, cognito: Any) -> None:
        self.cognito = cognito
        self.id = cognito.create_user_pool(PoolName="shoppers")["UserPool"]["Id"]
        self.client_id = self.new_client("web")["ClientId"]
        cognito.admin_create_user(UserPoolId=self.id, Username="ann", MessageAction="SUPPRESS")
        cognito.admin_set_user_password(UserPoolId=self.id, Username="ann", Password=PASSWORD, Permanent=True)

    def new_client(self, name: str, **settings: Any) -> dict[str, Any]:
        created = self.cognito.create_user_pool_client(
            UserPoolId=self.id, ClientName=name, ExplicitAuthFlows=FLOWS, **settings
        )
        return dict(created["UserPoolClient"])

    def sign_in(self, client_id: str | None = None, secret: str | None = None) -> dict[str, Any]:
        client_id = client_id or self.client_id
        parameters = {"USERNAME": "ann", "PASSWORD": PASSWORD}
        if secret:
            parameters["SECRET_HASH"] = secret_hash(client_id, secret)
        answer = self.cognito.initiate_auth(
            ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters=parameters
        )
        return dict(answer["AuthenticationResult"])

    def refresh(self, refresh_token: str, client_id: str | None = None, secret: str | None = None) -> dict[str, Any]:
        parameters = {"REFRESH_TOKEN": refresh_token}
        if secret:
            parameters["SECRET_HASH"] = secret_hash(client_id or self.client_id, secret)
        answer = self.cognito.initiate_auth(
            ClientId=client_id or self.client_id, AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters=parameters
        )
        return dict(answer["AuthenticationResult"])


def secret_hash(client_id: str, secret: str) -> str:
    digest = hmac.new(secret.encode(), ("ann" + client_id).encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def error_code(raised: pytest.ExceptionInfo[ClientError]) -> str:
    return str(raised.value.response["Error"]["Code"])


@pytest.fixture
def pool() -> Iterator[Pool]:
    with mock_aws():
        patch_moto()
        yield Pool(boto3.client("cognito-idp", region_name="us-east-1"))


def test_a_revoked_refresh_token_no_longer_refreshes_and_its_access_tokens_stop_working(pool: Pool) -> None:
    session = pool.sign_in()
    refreshed = pool.refresh(session["RefreshToken"])
    other_session = pool.sign_in()  # another device of the same user

    answer = pool.cognito.revoke_token(Token=session["RefreshToken"], ClientId=pool.client_id)

    assert {k: v for k, v in answer.items() if k != "ResponseMetadata"} == {}
    with pytest.raises(ClientError) as refused:
        pool.refresh(session["RefreshToken"])
    assert error_code(refused) == "NotAuthorizedException"
    assert "revoked" in str(refused.value)
    for access_token in (session["AccessToken"], refreshed["AccessToken"]):
        with pytest.raises(ClientError) as rejected:
            pool.cognito.get_user(AccessToken=access_token)
        assert error_code(rejected) == "NotAuthorizedException"
    # The user's other sessions are not affected.
    assert pool.cognito.get_user(AccessToken=other_session["AccessToken"])["Username"] == "ann"
    assert pool.refresh(other_session["RefreshToken"])["AccessToken"]


def test_revoking_twice_or_an_unknown_token_is_answered_like_the_first_time(pool: Pool) -> None:
    session = pool.sign_in()
    pool.cognito.revoke_token(Token=session["RefreshToken"], ClientId=pool.client_id)
    pool.cognito.revoke_token(Token=session["RefreshToken"], ClientId=pool.client_id)
    pool.cognito.revoke_token(Token="never-issued", ClientId=pool.client_id)
    with pytest.raises(ClientError) as refused:
        pool.refresh(session["RefreshToken"])
    assert error_code(refused) == "NotAuthorizedException"


def test_a_token_of_another_client_or_an_unknown_client_is_refused_and_the_token_keeps_working(pool: Pool) -> None:
    session = pool.sign_in()
    admin_app = pool.new_client("admin")["ClientId"]
    for client_id in (admin_app, "no-such-client"):
        with pytest.raises(ClientError) as refused:
            pool.cognito.revoke_token(Token=session["RefreshToken"], ClientId=client_id)
        assert error_code(refused) == "UnauthorizedException"
    assert pool.refresh(session["RefreshToken"])["AccessToken"]


def test_a_client_with_a_secret_must_give_it(pool: Pool) -> None:
    client = pool.new_client("server", GenerateSecret=True)
    client_id, secret = client["ClientId"], client["ClientSecret"]
    session = pool.sign_in(client_id, secret)
    for wrong in ({}, {"ClientSecret": "not-the-secret-of-this-client"}):
        with pytest.raises(ClientError) as refused:
            pool.cognito.revoke_token(Token=session["RefreshToken"], ClientId=client_id, **wrong)
        assert error_code(refused) == "UnauthorizedException"
    pool.cognito.revoke_token(Token=session["RefreshToken"], ClientId=client_id, ClientSecret=secret)
    with pytest.raises(ClientError) as refused:
        pool.refresh(session["RefreshToken"], client_id, secret)
    assert error_code(refused) == "NotAuthorizedException"


def test_only_refresh_tokens_of_clients_with_revocation_enabled_are_revoked(pool: Pool) -> None:
    session = pool.sign_in()
    with pytest.raises(ClientError) as refused:
        pool.cognito.revoke_token(Token=session["AccessToken"], ClientId=pool.client_id)
    assert error_code(refused) == "UnsupportedTokenTypeException"

    legacy = pool.new_client("legacy", EnableTokenRevocation=False)["ClientId"]
    legacy_session = pool.sign_in(legacy)
    with pytest.raises(ClientError) as refused:
        pool.cognito.revoke_token(Token=legacy_session["RefreshToken"], ClientId=legacy)
    assert error_code(refused) == "UnsupportedOperationException"
    assert pool.refresh(session["RefreshToken"])["AccessToken"]


def test_patching_again_changes_nothing(pool: Pool) -> None:
    from moto.cognitoidp.responses import CognitoIdpResponse

    # moto's own class has no revoke_token: patch_moto adds it, so its type stubs cannot know it.
    installed = CognitoIdpResponse.revoke_token  # type: ignore[attr-defined]
    patch_moto()
    assert CognitoIdpResponse.revoke_token is installed  # type: ignore[attr-defined]
    session = pool.sign_in()
    pool.cognito.revoke_token(Token=session["RefreshToken"], ClientId=pool.client_id)


@pytest.mark.parametrize(
    ("stored", "added", "result"),
    [("1.12345678", "-1.12345678", "0"), ("1.5", "-1.5", "0"), ("0", "1E-7", "0.0000001"), ("1E+2", "5", "105")],
)
def test_dynamodb_adds_any_number_form_and_stores_it_trimmed(stored: str, added: str, result: str) -> None:
    """moto's ADD read only int() or dotted numbers and stored Decimal's exponent forms ("0E-8"), which its next
    ADD could not read; DynamoDB takes any number form and trims zeroes (local/world/moto_gaps.py)."""
    patch_moto()
    with mock_aws():
        dynamodb = boto3.client("dynamodb", region_name="us-east-1")
        dynamodb.create_table(
            TableName="t",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        key = {"pk": {"S": "a"}}
        dynamodb.put_item(TableName="t", Item={**key, "n": {"N": stored}})
        for value in (added, "2"):  # the second ADD reads what the first stored
            dynamodb.update_item(
                TableName="t", Key=key, UpdateExpression="ADD n :d", ExpressionAttributeValues={":d": {"N": value}}
            )
            if value == added:
                assert dynamodb.get_item(TableName="t", Key=key)["Item"]["n"] == {"N": result}
        assert Decimal(dynamodb.get_item(TableName="t", Key=key)["Item"]["n"]["N"]) == Decimal(result) + 2
