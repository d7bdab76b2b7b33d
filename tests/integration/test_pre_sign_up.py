"""The pre-sign-up trigger the dev template wires to the pool, run the way Cognito runs it, in front of moto.

moto runs no trigger, so `_TriggeredCognito` does what Cognito does on SignUp and AdminCreateUser: it builds the
pre-sign-up event, invokes the function the pool's LambdaConfig names (its handler resolved from the template),
and turns an exception into UserLambdaValidationException "PreSignUp failed with error <message>."
(https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-sign-up.html). Everything else
goes to moto.
"""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from botocore.exceptions import ClientError

from bookstore.repositories.directory import CognitoDirectory
from bookstore.repositories.users import UserRepository
from bookstore.services.user_admin import UserAdminService
from local.emulators.context import LocalLambdaContext
from local.world.functions import functions
from tests.support.aws import LocalAws
from tests.support.templates import of_type

REFUSAL = (
    "PreSignUp failed with error Choose a username of 3 to 30 lowercase letters, digits, '.', '_' or '-', "
    "starting with a letter.."
)
PASSWORD = "Jdoe-Reader-2026!"


def _pre_sign_up_handler(dev) -> Any:
    """The handler of the function the Auth template's pool names as its PreSignUp trigger."""
    auth = dev.template("Auth")
    [pool] = of_type(auth, "AWS::Cognito::UserPool").values()
    function_id = pool["Properties"]["LambdaConfig"]["PreSignUp"]["Fn::GetAtt"][0]
    [spec] = [s for s in functions(dev.templates) if s.logical_id == function_id]
    module, _, name = spec.handler.rpartition(".")
    return getattr(importlib.import_module(module), name)


class _TriggeredCognito:
    def __init__(self, client: Any, handler: Any, pool_id: str) -> None:
        self._client, self._handler, self._pool_id = client, handler, pool_id
        self.events: list[dict[str, Any]] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def _trigger(self, source: str, username: str, attributes: list[dict[str, str]], operation: str) -> None:
        event = {
            "version": "1",
            "triggerSource": source,
            "region": "us-east-1",
            "userPoolId": self._pool_id,
            "userName": username,
            "callerContext": {"awsSdkVersion": "boto3", "clientId": "CLIENT_ID_NOT_APPLICABLE"},
            "request": {"userAttributes": {a["Name"]: a["Value"] for a in attributes}, "validationData": None},
            "response": {"autoConfirmUser": False, "autoVerifyEmail": False, "autoVerifyPhone": False},
        }
        self.events.append(event)
        try:
            returned = self._handler(event, LocalLambdaContext(function_name="PreSignUp"))
        except Exception as err:
            message = f"PreSignUp failed with error {err}."
            error = {"Error": {"Code": "UserLambdaValidationException", "Message": message}}
            raise ClientError(error, operation) from err
        assert returned["response"] == event["response"]  # nothing auto-confirmed or auto-verified

    def sign_up(self, **params: Any) -> Any:
        self._trigger("PreSignUp_SignUp", params["Username"], params.get("UserAttributes", []), "SignUp")
        return self._client.sign_up(**params)

    def admin_create_user(self, **params: Any) -> Any:
        attributes = params.get("UserAttributes", [])
        self._trigger("PreSignUp_AdminCreateUser", params["Username"], attributes, "AdminCreateUser")
        return self._client.admin_create_user(**params)


@pytest.fixture
def cognito(dev, local_aws: LocalAws) -> _TriggeredCognito:
    return _TriggeredCognito(local_aws.cognito, _pre_sign_up_handler(dev), local_aws.user_pool_id)


def _usernames(local_aws: LocalAws) -> set[str]:
    return {u["Username"] for u in local_aws.cognito.list_users(UserPoolId=local_aws.user_pool_id)["Users"]}


def _sign_up(cognito: _TriggeredCognito, local_aws: LocalAws, username: str) -> Any:
    return cognito.sign_up(
        ClientId=local_aws.client_id,
        Username=username,
        Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": "jdoe@example.com"}],
    )


@pytest.mark.parametrize("username", ["JDoe", "jd", "o'brien", "zoë", "j doe", "j" * 31])
def test_a_self_sign_up_outside_the_rule_is_refused_with_the_sentence(cognito, local_aws, username) -> None:
    with pytest.raises(ClientError) as refused:
        _sign_up(cognito, local_aws, username)
    assert refused.value.response["Error"]["Code"] == "UserLambdaValidationException"
    assert refused.value.response["Error"]["Message"] == REFUSAL
    assert _usernames(local_aws) == set()


def test_a_self_sign_up_inside_the_rule_is_created_unconfirmed(cognito, local_aws) -> None:
    _sign_up(cognito, local_aws, "jdoe")
    user = local_aws.cognito.admin_get_user(UserPoolId=local_aws.user_pool_id, Username="jdoe")
    # The trigger confirms nothing: the user still proves their address with Cognito's code.
    assert user["UserStatus"] == "UNCONFIRMED"
    assert [e["triggerSource"] for e in cognito.events] == ["PreSignUp_SignUp"]


def test_staff_registration_normalizes_the_name_so_the_trigger_accepts_it(cognito, local_aws) -> None:
    admin = UserAdminService(
        users=UserRepository(local_aws.tables["UsersTable"], client=local_aws.dynamodb),
        directory=CognitoDirectory(local_aws.user_pool_id, client=cognito),
        staff_mfa_required=False,
    )
    assert admin.register(username=" JDoe ", email="jdoe@example.com") is True
    assert [(e["triggerSource"], e["userName"]) for e in cognito.events] == [("PreSignUp_AdminCreateUser", "jdoe")]
    assert _usernames(local_aws) == {"jdoe"}


def test_an_operator_s_admin_create_user_outside_the_rule_is_refused(cognito, local_aws) -> None:
    directory = CognitoDirectory(local_aws.user_pool_id, client=cognito)
    with pytest.raises(ClientError) as refused:
        directory.create_user("Alice Admin", {"email": "alice@example.com"})
    assert refused.value.response["Error"]["Message"] == REFUSAL
    assert _usernames(local_aws) == set()
