"""AuthStack: how users sign in, which groups exist, and the post-confirmation trigger."""

from __future__ import annotations

from tests.infrastructure.conftest import masked
from tests.support.templates import logical_id, of_type, policy_statements, resource

POOL = "AWS::Cognito::UserPool"


def _pool(stage) -> dict:
    return resource(stage.template("Auth"), "UserPool", POOL)


def test_password_policy_is_strong(stage) -> None:
    policy = _pool(stage)["Properties"]["Policies"]["PasswordPolicy"]
    assert policy["MinimumLength"] >= 12
    for requirement in ("RequireLowercase", "RequireUppercase", "RequireNumbers", "RequireSymbols"):
        assert policy[requirement] is True, requirement
    assert policy["TemporaryPasswordValidityDays"] <= 7


def test_sign_in_by_username_or_email_case_insensitive_email_unique(stage) -> None:
    props = _pool(stage)["Properties"]
    # Email as an alias (not as the username) makes a verified email unique across the pool.
    assert props["AliasAttributes"] == ["email"]
    assert "UsernameAttributes" not in props
    assert props["UsernameConfiguration"] == {"CaseSensitive": False}


def test_self_sign_up_with_email_verification(stage) -> None:
    props = _pool(stage)["Properties"]
    assert props["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is False
    assert props["AutoVerifiedAttributes"] == ["email"]
    assert props["VerificationMessageTemplate"]["DefaultEmailOption"] == "CONFIRM_WITH_CODE"
    email = next(a for a in props["Schema"] if a["Name"] == "email")
    assert email["Required"] is True


def test_mfa_is_optional_totp_only(stage) -> None:
    props = _pool(stage)["Properties"]
    assert props["MfaConfiguration"] == "OPTIONAL"
    assert props["EnabledMfas"] == ["SOFTWARE_TOKEN_MFA"]


def test_staff_and_customers_groups_exist(stage) -> None:
    resources = of_type(stage.template("Auth"), "AWS::Cognito::UserPoolGroup").values()
    groups = {g["Properties"]["GroupName"]: g["Properties"] for g in resources}
    assert set(groups) == {"staff", "customers"}
    assert groups["staff"]["Precedence"] < groups["customers"]["Precedence"]


def test_web_client_is_public_with_srp_and_password_auth_only(stage) -> None:
    clients = of_type(stage.template("Auth"), "AWS::Cognito::UserPoolClient")
    assert len(clients) == 1
    props = next(iter(clients.values()))["Properties"]
    assert props.get("GenerateSecret", False) is False
    assert sorted(props["ExplicitAuthFlows"]) == [
        "ALLOW_REFRESH_TOKEN_AUTH",
        "ALLOW_USER_PASSWORD_AUTH",
        "ALLOW_USER_SRP_AUTH",
    ]
    assert "AllowedOAuthFlows" not in props
    assert props["PreventUserExistenceErrors"] == "ENABLED"


def test_web_client_writes_only_the_names_a_customer_may_change(stage) -> None:
    (client,) = of_type(stage.template("Auth"), "AWS::Cognito::UserPoolClient").values()
    props = client["Properties"]
    # not email_verified, phone numbers or any other attribute; email because sign-up writes it (stacks/auth_stack.py)
    assert sorted(props["WriteAttributes"]) == ["email", "family_name", "given_name"]
    assert sorted(props["ReadAttributes"]) == ["email", "email_verified", "family_name", "given_name"]


def _cognito_may_invoke(template: dict, function_id: str) -> bool:
    """An AWS::Lambda::Permission lets Cognito, for this pool only, invoke the function."""
    pool_arn = {"Fn::GetAtt": [logical_id(template, "UserPool"), "Arn"]}
    return any(
        p["Properties"]["Principal"] == "cognito-idp.amazonaws.com"
        and p["Properties"]["Action"] == "lambda:InvokeFunction"
        and p["Properties"]["FunctionName"] == {"Fn::GetAtt": [function_id, "Arn"]}
        and p["Properties"]["SourceArn"] == pool_arn
        for p in of_type(template, "AWS::Lambda::Permission").values()
    )


def test_the_pool_has_exactly_the_pre_sign_up_and_post_confirmation_triggers(stage) -> None:
    template = stage.template("Auth")
    assert _pool(stage)["Properties"]["LambdaConfig"] == {
        "PreSignUp": {"Fn::GetAtt": [logical_id(template, "PreSignUpFunction"), "Arn"]},
        "PostConfirmation": {"Fn::GetAtt": [logical_id(template, "PostConfirmationFunction"), "Arn"]},
    }


def test_post_confirmation_trigger_is_wired_to_the_function(stage) -> None:
    template = stage.template("Auth")
    function_id = logical_id(template, "PostConfirmationFunction")
    assert _pool(stage)["Properties"]["LambdaConfig"]["PostConfirmation"] == {"Fn::GetAtt": [function_id, "Arn"]}
    function = template["Resources"][function_id]["Properties"]
    assert function["Handler"] == "auth_triggers.post_confirmation.lambda_handler"
    assert "USERS_TABLE_NAME" in function["Environment"]["Variables"]
    assert _cognito_may_invoke(template, function_id)


def test_pre_sign_up_trigger_is_wired_to_the_username_rule_function(stage) -> None:
    template = stage.template("Auth")
    function_id = logical_id(template, "PreSignUpFunction")
    assert _pool(stage)["Properties"]["LambdaConfig"]["PreSignUp"] == {"Fn::GetAtt": [function_id, "Arn"]}
    function = template["Resources"][function_id]["Properties"]
    assert function["Handler"] == "auth_triggers.pre_sign_up.lambda_handler"
    assert function["Timeout"] == 5  # Cognito's wait for a trigger
    # It reads nothing but the event: no table, no pool, only the Powertools settings every function has.
    assert {k for k in function["Environment"]["Variables"] if not k.startswith("POWERTOOLS_")} == set()
    assert _cognito_may_invoke(template, function_id)


def test_pre_sign_up_role_may_only_log_and_trace(stage) -> None:
    template = stage.template("Auth")
    role = {"Ref": logical_id(template, "PreSignUpRole")}
    actions = set()
    for policy in of_type(template, "AWS::IAM::Policy").values():
        if role in policy["Properties"]["Roles"]:
            for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
                action = statement["Action"]
                actions |= {action} if isinstance(action, str) else set(action)
    assert actions == {"logs:CreateLogStream", "logs:PutLogEvents", "xray:PutTelemetryRecords", "xray:PutTraceSegments"}


def test_trigger_may_add_users_to_groups_of_this_pool_only(stage) -> None:
    template = stage.template("Auth")
    grants = [s for s in policy_statements(template) if s["Action"] == "cognito-idp:AdminAddUserToGroup"]
    assert len(grants) == 1
    assert grants[0]["Resource"] == {"Fn::GetAtt": [logical_id(template, "UserPool"), "Arn"]}


def test_prod_user_pool_is_retained_protected_and_threat_protected(prod) -> None:
    pool = _pool(prod)
    assert pool["DeletionPolicy"] == "Retain"
    assert pool["Properties"]["DeletionProtection"] == "ACTIVE"
    assert pool["Properties"]["UserPoolTier"] == "PLUS"
    assert pool["Properties"]["UserPoolAddOns"] == {"AdvancedSecurityMode": "ENFORCED"}


def test_dev_user_pool_is_destroyed_with_the_stack(dev) -> None:
    pool = _pool(dev)
    assert pool["DeletionPolicy"] == "Delete"
    assert pool["Properties"].get("DeletionProtection", "INACTIVE") == "INACTIVE"


def test_auth_stack_matches_snapshot(stage, snapshot_json) -> None:
    assert masked(stage.template("Auth")) == snapshot_json
