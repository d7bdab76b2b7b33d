"""Account rules in the templates: staff MFA is required in prod (not in dev) by the functions that serve staff
actions, and those functions may read a user's MFA settings (AdminGetUser) in this stage's pool."""

from __future__ import annotations

from typing import Any

import pytest

from stacks.config import STAGES
from tests.support.templates import of_type

# The functions that serve staff actions: the API's staff routes and the bot's RegisterUser / EditUser.
STAFF_FUNCTIONS = {"Api": "api.handler.lambda_handler", "Bot": "bot_fulfillment.handler.lambda_handler"}


def _function(template: dict[str, Any], handler: str) -> tuple[str, dict[str, Any]]:
    [(logical_id, function)] = [
        (k, v["Properties"])
        for k, v in of_type(template, "AWS::Lambda::Function").items()
        if v["Properties"].get("Handler") == handler
    ]
    return logical_id, function


def _statements_of_role(template: dict[str, Any], role_id: str) -> list[dict[str, Any]]:
    return [
        statement
        for policy in of_type(template, "AWS::IAM::Policy").values()
        if {"Ref": role_id} in policy["Properties"]["Roles"]
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
    ]


def test_staff_mfa_is_required_in_prod_only() -> None:
    assert STAGES["prod"].staff_mfa_required is True
    assert STAGES["dev"].staff_mfa_required is False


@pytest.mark.parametrize("component", sorted(STAFF_FUNCTIONS))
def test_staff_functions_get_the_stage_s_staff_mfa_flag(stage, component) -> None:
    _, function = _function(stage.template(component), STAFF_FUNCTIONS[component])
    expected = "true" if stage.config.name == "prod" else "false"
    assert function["Environment"]["Variables"]["STAFF_MFA_REQUIRED"] == expected


@pytest.mark.parametrize("component", sorted(STAFF_FUNCTIONS))
def test_staff_functions_may_read_a_user_s_mfa_settings_in_this_pool(stage, component) -> None:
    template = stage.template(component)
    _, function = _function(template, STAFF_FUNCTIONS[component])
    role_id = function["Role"]["Fn::GetAtt"][0]
    pool_arn = f"{stage.config.stack_name('Auth')}:ExportsOutputFnGetAttUserPool"
    grants = [
        s
        for s in _statements_of_role(template, role_id)
        if "cognito-idp:AdminGetUser" in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])
    ]
    assert len(grants) == 1
    # The pool's ARN, imported from the Auth stack: this pool, not every pool of the account.
    assert grants[0]["Resource"]["Fn::ImportValue"].startswith(pool_arn)


def test_no_other_function_gets_the_staff_mfa_flag(stage) -> None:
    carriers = {
        v["Properties"]["Handler"]
        for template in stage.templates.values()
        for v in of_type(template, "AWS::Lambda::Function").values()
        if "STAFF_MFA_REQUIRED" in v["Properties"].get("Environment", {}).get("Variables", {})
    }
    assert carriers == set(STAFF_FUNCTIONS.values())
