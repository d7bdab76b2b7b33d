"""Rules AWS enforces at deploy or run time that no schema check (cfn-lint, cdk-nag) sees.

One test per rule, over the synthesized templates of both stages; each docstring names the AWS behaviour and
the documentation it comes from. A test here fails when its rule is broken again (the fix deleted, a new
resource that forgets it), so the first `cdk deploy` of a stage keeps working.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import App, Stack
from aws_cdk import aws_lex as lex

from bot import load_bot_model
from local.world.functions import functions
from stacks.app import build_app
from stacks.bot_definition import bot_locale
from stacks.bot_stack import version_hash
from stacks.config import SUPPORTED_REGIONS, ConfigError, load_stage_config
from tests.support.synth import EXAMPLE_CONTEXT, new_app
from tests.support.templates import of_type, render, rendered_version_hash

ROOT = Path(__file__).resolve().parents[2]
ACCOUNT = "123456789012"


def _region(stage) -> str:
    return stage.config.region or "eu-west-1"


def _render(stage, value: Any) -> Any:
    return render(value, region=_region(stage), account=stage.config.account or ACCOUNT)


def _statements(key: dict) -> list[dict]:
    return key["Properties"]["KeyPolicy"]["Statement"]


def _actions(statement: dict) -> set[str]:
    actions = statement["Action"]
    return {actions} if isinstance(actions, str) else set(actions)


def _service_principals(stage, statement: dict) -> set[str]:
    services = _render(stage, statement.get("Principal", {})).get("Service", [])
    return {services} if isinstance(services, str) else set(services)


def _key_of(template: dict, reference: Any) -> dict:
    """The AWS::KMS::Key a `KmsKeyId` / `KmsMasterKeyId` points at (in the same template)."""
    logical = reference["Fn::GetAtt"][0] if "Fn::GetAtt" in reference else reference["Ref"]
    key = template["Resources"][logical]
    assert key["Type"] == "AWS::KMS::Key", f"{logical} is not a customer managed key of this stack"
    return key


def _encrypted(stage, type_: str, key_property: str) -> list[tuple[str, str, dict]]:
    found = []
    for stack, template in stage.templates.items():
        for logical, resource in of_type(template, type_).items():
            reference = resource["Properties"].get(key_property)
            if reference is not None:
                found.append((stack, logical, _key_of(template, reference)))
    return found


# 1. KMS keys and the services that use them ---------------------------------------------------------------


def test_every_key_that_encrypts_a_log_group_lets_cloudwatch_logs_use_it(stage) -> None:
    """CloudWatch Logs uses a customer managed key on the log group's behalf and checks the key policy when it
    creates the group: without a statement for the regional service principal `logs.<region>.amazonaws.com`
    the create fails with "The specified KMS key does not exist or is not allowed to be used with Arn ..." and
    the stack rolls back. The documented statement allows kms:Encrypt*, Decrypt*, ReEncrypt*, GenerateDataKey*
    and Describe* with an `kms:EncryptionContext:aws:logs:arn` condition on the account's log groups.
    https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html"""
    encrypted = _encrypted(stage, "AWS::Logs::LogGroup", "KmsKeyId")
    assert encrypted, "the bot's conversation logs are encrypted with a customer managed key"
    region, account = _region(stage), stage.config.account or ACCOUNT
    needed = {"kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"}
    for stack, logical, key in encrypted:
        grants = [
            s
            for s in _statements(key)
            if s["Effect"] == "Allow" and f"logs.{region}.amazonaws.com" in _service_principals(stage, s)
        ]
        assert grants, f"{stack}/{logical}: its key does not trust logs.{region}.amazonaws.com"
        [grant] = grants
        assert needed <= _actions(grant), f"{stack}/{logical}: {sorted(needed - _actions(grant))} missing"
        condition = _render(stage, grant["Condition"])
        assert condition == {
            "ArnLike": {"kms:EncryptionContext:aws:logs:arn": f"arn:aws:logs:{region}:{account}:log-group:*"}
        }, f"{stack}/{logical}: the grant must be scoped to this account's log groups"


def test_the_alarm_topic_key_lets_cloudwatch_publish(stage) -> None:
    """CloudWatch alarms can publish to an SNS topic encrypted with a customer managed key only if the key
    policy allows the `cloudwatch.amazonaws.com` principal kms:Decrypt and kms:GenerateDataKey*; otherwise the
    notification is silently dropped. https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html
    (Configuring AWS KMS permissions for AWS services: "CloudWatch: cloudwatch.amazonaws.com")."""
    topics = _encrypted(stage, "AWS::SNS::Topic", "KmsMasterKeyId")
    assert topics, "the alarm topic is encrypted with a customer managed key"
    for stack, logical, key in topics:
        grants = [
            s
            for s in _statements(key)
            if s["Effect"] == "Allow" and "cloudwatch.amazonaws.com" in _service_principals(stage, s)
        ]
        assert grants, f"{stack}/{logical}: CloudWatch cannot publish alarms to it"
        assert {"kms:Decrypt", "kms:GenerateDataKey*"} <= set().union(*map(_actions, grants))


def test_the_alarm_topic_policy_lets_cloudwatch_publish_this_account_s_alarms(stage) -> None:
    """A topic with a policy of its own (CDK writes one for enforce_ssl) no longer has SNS's default policy;
    CloudWatch alarm actions publish as the `cloudwatch.amazonaws.com` service principal and need an Allow of
    sns:Publish there, scoped with aws:SourceArn to the account's alarms.
    https://repost.aws/knowledge-center/cloudwatch-receive-sns-for-alarm-trigger"""
    template = stage.template("Monitoring")
    [(topic, _)] = of_type(template, "AWS::SNS::Topic").items()
    statements = [
        s
        for policy in of_type(template, "AWS::SNS::TopicPolicy").values()
        if {"Ref": topic} in policy["Properties"]["Topics"]
        for s in policy["Properties"]["PolicyDocument"]["Statement"]
    ]
    [grant] = [
        s for s in statements if s["Effect"] == "Allow" and "cloudwatch.amazonaws.com" in _service_principals(stage, s)
    ]
    assert _actions(grant) == {"sns:Publish"}
    region, account = _region(stage), stage.config.account or ACCOUNT
    assert _render(stage, grant["Condition"]) == {
        "ArnLike": {"aws:SourceArn": f"arn:aws:cloudwatch:{region}:{account}:alarm:*"},
        "StringEquals": {"aws:SourceAccount": account},
    }


def test_every_customer_managed_key_has_a_known_user(stage) -> None:
    """Each customer managed key is checked above against the documented policy of the service that uses it;
    a key for another service needs its own rule here before it can deploy."""
    checked = {
        id(key)
        for kind, prop in (("AWS::Logs::LogGroup", "KmsKeyId"), ("AWS::SNS::Topic", "KmsMasterKeyId"))
        for _, _, key in _encrypted(stage, kind, prop)
    }
    for stack, template in stage.templates.items():
        for logical, key in of_type(template, "AWS::KMS::Key").items():
            assert id(key) in checked, f"{stack}/{logical}: no rule checks its key policy"


# 2. Termination protection and the first deployment ------------------------------------------------------


def test_a_first_prod_deployment_has_no_termination_protection_and_later_ones_do(tmp_path) -> None:
    """A stack whose first create fails is left in ROLLBACK_COMPLETE; the only way on is to delete it, and
    CloudFormation refuses to delete a stack with termination protection ("Stack ... cannot be deleted while
    TerminationProtection is enabled"), so the CDK CLI cannot recreate it.
    https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-protect-stacks.html
    The first deployment (`-c firstDeployment=true`) goes without it; every later deploy turns it on."""
    app, config = new_app("prod", tmp_path, firstDeployment="true")
    first = build_app(app, config)
    assert [s.termination_protection for s in first.all()] == [False] * 6
    assert load_stage_config("prod", EXAMPLE_CONTEXT["prod"]).stack_termination_protection
    assert not load_stage_config("dev").stack_termination_protection


def test_prod_stacks_are_protected_and_dev_stacks_are_not(stage) -> None:
    manifest = json.loads((stage.outdir / "manifest.json").read_text())
    protection = {
        name: artifact["properties"].get("terminationProtection", False)
        for name, artifact in manifest["artifacts"].items()
        if artifact["type"] == "aws:cloudformation:stack"
    }
    assert len(protection) == 6
    assert set(protection.values()) == {stage.config.is_production}


# 3. Bot versions -----------------------------------------------------------------------------------------


def test_bot_versions_are_retained_and_named_by_what_they_snapshot(stage) -> None:
    """A model change replaces the AWS::Lex::BotVersion resource; without a Retain policy CloudFormation deletes
    the previous version in the update's cleanup, so no earlier version is left to roll the `live` alias back
    to. https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html and
    https://docs.aws.amazon.com/lexv2/latest/dg/versions-aliases.html"""
    template = stage.template("Bot")
    [(logical, version)] = of_type(template, "AWS::Lex::BotVersion").items()
    assert version["DeletionPolicy"] == "Retain"
    assert version["UpdateReplacePolicy"] == "Retain"
    assert logical == f"BotVersion{rendered_version_hash(template)[:12]}"


def _hash_of(**bot_fields: Any) -> str:
    model = load_bot_model()
    stack = Stack(App(), "S")
    bot = lex.CfnBot(
        stack,
        "Bot",
        name=bot_fields.get("name", "bot"),
        role_arn="arn:aws:iam::123456789012:role/lex",
        data_privacy={"ChildDirected": False},
        idle_session_ttl_in_seconds=bot_fields.get("ttl", 300),
        description=bot_fields.get("description"),
        bot_locales=[bot_locale(bot_fields.get("model", model))],
    )
    return version_hash(stack, bot)


def test_only_what_a_version_snapshots_cuts_a_new_bot_version() -> None:
    """The alias points at a numbered version; a new version resource for an unchanged bot would publish the
    same bot under a new number (and use up the quota of 100 versions a bot keeps), while a change a version
    snapshots (the locale, the idle session TTL: DescribeBotVersion returns both) must reach `live`."""
    base = _hash_of()
    assert _hash_of(description="a new description", name="renamed") == base
    assert _hash_of(ttl=600) != base
    model = load_bot_model()
    help_intent = next(i for i in model.intents if i.name == "Help")
    changed = model.model_copy(
        update={
            "intents": [
                i if i is not help_intent else i.model_copy(update={"utterances": [*i.utterances, "what can you do"]})
                for i in model.intents
            ]
        }
    )
    assert _hash_of(model=changed) != base


# 6. Lambda resource-based policies -----------------------------------------------------------------------

POLICY_LIMIT_BYTES = 20 * 1024
# A rendered statement, with every value at a realistic deployed length (ARNs of long generated names).
_LONG = "x" * 64


def _policy_statement_bytes(permission: dict) -> int:
    props = permission["Properties"]
    statement = {
        "Sid": "Bookstore-prod-Api-ApiFunctionApiPermissionBookstoreprodApiRestApi0C43BF4B" + _LONG[:20],
        "Effect": "Allow",
        "Principal": {"Service": props["Principal"]},
        "Action": props["Action"],
        "Resource": f"arn:aws:lambda:eu-west-1:123456789012:function:{_LONG}",
        "Condition": {"ArnLike": {"AWS:SourceArn": json.dumps(props.get("SourceArn", "")) + _LONG}},
    }
    return len(json.dumps(statement))


def test_each_function_policy_has_one_statement_per_caller_and_stays_far_below_20_kb(stage) -> None:
    """A function's resource-based policy is limited to 20 KB; past it, adding a permission fails the deploy
    ("The final policy size (...) is bigger than the limit (20480)").
    https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
    One statement per function and API (not two per route), so new routes do not grow it."""
    per_function: dict[str, list[dict]] = {}
    for stack, template in stage.templates.items():
        for permission in of_type(template, "AWS::Lambda::Permission").values():
            function = json.dumps(permission["Properties"]["FunctionName"])
            per_function.setdefault(f"{stack}:{function}", []).append(permission)
    assert per_function
    for function, permissions in per_function.items():
        assert len(permissions) <= 3, f"{function}: {len(permissions)} permission statements"
        size = sum(_policy_statement_bytes(p) for p in permissions)
        assert size < POLICY_LIMIT_BYTES / 2, f"{function}: about {size} bytes of policy"


# 7. Account-level resources ------------------------------------------------------------------------------


def test_the_account_wide_api_gateway_logging_role_outlives_every_stage(stage) -> None:
    """AWS::ApiGateway::Account sets the CloudWatch role of API Gateway for the whole account and region:
    every REST API there, of every stage, logs through it. Deleting it with one stage (cdk destroy dev) would
    stop prod's API logging. https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html
    and https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-apigateway-account.html"""
    template = stage.template("Api")
    [(_, account)] = of_type(template, "AWS::ApiGateway::Account").items()
    role = template["Resources"][account["Properties"]["CloudWatchRoleArn"]["Fn::GetAtt"][0]]
    for resource in (account, role):
        assert (resource["DeletionPolicy"], resource["UpdateReplacePolicy"]) == ("Retain", "Retain")


# 8. The Powertools layer and the region ------------------------------------------------------------------


def _pin(requirements: Path, package: str) -> str:
    match = re.search(rf"^{re.escape(package)}(\[[^\]]*\])?==([^\s#]+)", requirements.read_text(), re.MULTILINE)
    assert match, f"{package} is not pinned in {requirements}"
    return match.group(2)


def test_the_powertools_layer_carries_the_versions_the_tests_run_against(stage) -> None:
    """Functions import Powertools and pydantic from the AWS-managed layer, not from the asset: the layer in the
    template must be the release the tests install. Powertools publishes a public SSM parameter per release
    (`/aws/service/powertools/python/<arch>/<python>/<release>` -> that release's layer version ARN,
    https://docs.powertools.aws.dev/lambda/python/latest/#lambda-layer), which the template names; the layer
    bundles `aws-lambda-powertools[all]` of that release, so the tests' pydantic must be one it accepts."""
    from importlib.metadata import requires

    from packaging.requirements import Requirement

    version = stage.config.powertools_version
    assert version == _pin(ROOT / "functions" / "requirements.txt", "aws-lambda-powertools")
    parameter = f"/aws/service/powertools/python/arm64/python3.13/{version}"
    for spec in functions(stage.templates):
        template = stage.templates[spec.stack]
        [layer] = template["Resources"][spec.logical_id]["Properties"]["Layers"]
        assert template["Parameters"][layer["Ref"]]["Default"] == parameter, spec.name
    pydantic = _pin(ROOT / "requirements.txt", "pydantic")
    bundled = [r for r in map(Requirement, requires("aws-lambda-powertools") or []) if r.name == "pydantic"]
    assert bundled, "the installed Powertools declares its pydantic range"
    assert all(pydantic in r.specifier for r in bundled), (pydantic, [str(r) for r in bundled])


def test_a_region_without_lex_v2_or_the_layer_fails_synth_with_the_supported_list() -> None:
    """Amazon Lex V2 exists in a subset of regions (https://docs.aws.amazon.com/general/latest/gr/lex.html);
    a stage pinned elsewhere must fail at synth, not half-way through a deploy."""
    with pytest.raises(ConfigError, match=r"Region 'af-south-1' lacks .*Supported regions: ap-northeast-1"):
        load_stage_config("dev", {"region": "af-south-1"})  # Lex V2 yes, CloudFront log delivery no
    assert "eu-west-1" in SUPPORTED_REGIONS
    assert load_stage_config("dev", {"region": "eu-west-1"}).region == "eu-west-1"


def test_prod_names_its_account_region_and_sender() -> None:
    with pytest.raises(
        ConfigError, match=r"-c account=123456789012 -c region=eu-west-1 -c emailFrom=.* -c alarmEmail="
    ):
        load_stage_config("prod")
    config = load_stage_config("prod", EXAMPLE_CONTEXT["prod"])
    assert config.env is not None
    assert (config.env.account, config.env.region) == ("111111111111", "eu-west-1")


# 9. Timeouts along every synchronous caller chain --------------------------------------------------------

API_GATEWAY_INTEGRATION_TIMEOUT_S = 29
COGNITO_TRIGGER_TIMEOUT_S = 5
LEX_CODE_HOOK_TIMEOUT_S = 30


def _timeout(stage, handler: str) -> int:
    [spec] = [f for f in functions(stage.templates) if f.handler == handler]
    return spec.timeout


def test_the_cognito_trigger_and_its_aws_calls_fit_in_cognitos_5_seconds(stage) -> None:
    """Cognito calls a trigger synchronously and waits 5 seconds; a slower trigger is retried and the sign-up
    confirmation fails ("... failed with error Sandbox.Timedout" or a timeout exception).
    https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-working-with-lambda-triggers.html"""
    from bookstore.aws import SIGN_UP_AWS_CALLS, TRIGGER_CONFIG, worst_case_seconds

    timeout = _timeout(stage, "auth_triggers.post_confirmation.lambda_handler")
    assert timeout <= COGNITO_TRIGGER_TIMEOUT_S
    # A second of the budget is left for a cold start and the work between the calls.
    assert SIGN_UP_AWS_CALLS * worst_case_seconds(TRIGGER_CONFIG) <= COGNITO_TRIGGER_TIMEOUT_S - 1


def test_the_pre_sign_up_trigger_fits_in_cognitos_5_seconds(stage) -> None:
    """The same wait as for post-confirmation; the pre-sign-up trigger makes no AWS call."""
    assert _timeout(stage, "auth_triggers.pre_sign_up.lambda_handler") <= COGNITO_TRIGGER_TIMEOUT_S


def test_a_chat_turn_fits_in_every_caller_s_timeout(stage) -> None:
    """API Gateway waits at most 29 s for a Lambda integration
    (https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html); the chat function waits for
    RecognizeText, which waits for the code hook (Lex stops waiting for a code hook after 30 s). Each caller must
    wait longer than what it calls, and the chat function must not resend a turn Lex is still working on."""
    from bookstore.aws import LEX_RUNTIME_CONFIG, worst_case_seconds

    hook = _timeout(stage, "bot_fulfillment.handler.lambda_handler")
    chat = _timeout(stage, "api.chat.lambda_handler")
    api = _timeout(stage, "api.handler.lambda_handler")
    attempts = (LEX_RUNTIME_CONFIG.retries or {}).get("total_max_attempts")
    assert attempts == 1, "a dialog turn is never sent to Lex twice"
    assert hook < LEX_CODE_HOOK_TIMEOUT_S
    assert hook < LEX_RUNTIME_CONFIG.read_timeout
    assert worst_case_seconds(LEX_RUNTIME_CONFIG) < chat
    assert chat < API_GATEWAY_INTEGRATION_TIMEOUT_S
    assert api < API_GATEWAY_INTEGRATION_TIMEOUT_S


# 10. Cross-stack references ------------------------------------------------------------------------------

# Attributes whose value changes when their resource is replaced or reconfigured.
VOLATILE = {
    ("AWS::Lex::Bot", "Id"),
    ("AWS::Lex::BotAlias", "BotAliasId"),
    ("AWS::Lex::BotAlias", "Arn"),
    ("AWS::CloudFront::Distribution", "DomainName"),
    ("AWS::CloudFront::Distribution", "Ref"),
    ("AWS::DynamoDB::GlobalTable", "StreamArn"),
    ("AWS::DynamoDB::Table", "StreamArn"),
}


def _exported(template: dict) -> list[tuple[str, str, str]]:
    found = []
    for output in template.get("Outputs", {}).values():
        if "Export" not in output:
            continue
        value = output["Value"]
        logical, attribute = value["Fn::GetAtt"] if "Fn::GetAtt" in value else (value.get("Ref"), "Ref")
        found.append((output["Export"]["Name"], template["Resources"][logical]["Type"], attribute))
    return found


def test_values_that_can_change_are_never_exported(stage) -> None:
    """CloudFormation refuses to change an exported value while another stack imports it ("Export ... cannot
    be updated as it is in use by ..."), so a later `cdk deploy --all` that replaces the bot, its alias, the
    distribution or the orders stream fails. Those values cross stacks as weak references (Fn::GetStackOutput),
    and the Monitoring stack, which only watches, imports nothing.
    https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-stack-exports.html"""
    for stack, template in stage.templates.items():
        for name, type_, attribute in _exported(template):
            assert (type_, attribute) not in VOLATILE, f"{stack} exports {name} ({type_}.{attribute})"
    assert "Fn::ImportValue" not in json.dumps(stage.template("Monitoring"))


def _stack_outputs(value: Any) -> list[dict]:
    if isinstance(value, dict):
        if "Fn::GetStackOutput" in value:
            return [value["Fn::GetStackOutput"]]
        return [r for v in value.values() for r in _stack_outputs(v)]
    if isinstance(value, list):
        return [r for v in value for r in _stack_outputs(v)]
    return []


def test_every_weak_reference_names_an_output_of_a_stack_deployed_before_it(stage) -> None:
    manifest = json.loads((stage.outdir / "manifest.json").read_text())
    for stack, template in stage.templates.items():
        references = _stack_outputs(template["Resources"])
        dependencies = manifest["artifacts"][stack].get("dependencies", [])
        for reference in references:
            producer = reference["StackName"]
            assert reference["OutputName"] in stage.templates[producer]["Outputs"], reference
            assert producer in dependencies, f"{stack} reads {producer} but is not deployed after it"


# 11. Alarms, log delivery, request validation, e-mail ----------------------------------------------------


def test_the_no_orders_alarm_pages_nobody_before_launch(stage, tmp_path) -> None:
    """A shop with no customers yet has no orders every night: before `-c launched=true`, the alarm changes
    state on the dashboard but its actions are off (https://docs.aws.amazon.com/AmazonCloudWatch/latest/
    monitoring/AlarmThatSendsEmail.html: ActionsEnabled)."""
    alarms = {
        a["Properties"]["AlarmName"]: a["Properties"]
        for a in of_type(stage.template("Monitoring"), "AWS::CloudWatch::Alarm").values()
    }
    no_orders = [p for name, p in alarms.items() if "NoOrders" in name]
    if not stage.config.is_production:
        assert no_orders == []
        return
    [alarm] = no_orders
    assert alarm["ActionsEnabled"] is False
    assert all(p.get("ActionsEnabled", True) for name, p in alarms.items() if "NoOrders" not in name)
    assert load_stage_config("prod", {**EXAMPLE_CONTEXT["prod"], "launched": "true"}).launched


def test_s3_log_delivery_is_limited_to_this_account_s_source_buckets(stage) -> None:
    """S3 server access logging: the documented bucket policy for `logging.s3.amazonaws.com` carries
    aws:SourceArn (the source bucket) and aws:SourceAccount conditions, so no other bucket can write logs into
    this one. https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html"""
    statements = [
        s
        for template in stage.templates.values()
        for policy in of_type(template, "AWS::S3::BucketPolicy").values()
        for s in policy["Properties"]["PolicyDocument"]["Statement"]
        if s.get("Principal", {}).get("Service") == "logging.s3.amazonaws.com"
    ]
    assert len(statements) == 2  # product images, site
    for statement in statements:
        conditions = statement.get("Condition", {})
        assert "aws:SourceArn" in conditions.get("ArnLike", {}), statement
        assert "aws:SourceAccount" in conditions.get("StringEquals", {}), statement


def test_no_request_validator_without_models(stage) -> None:
    """A REST API request validator checks bodies only against a model; with no models it validates nothing
    and only suggests that the gateway does.
    https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-method-request-validation.html"""
    template = stage.template("Api")
    if of_type(template, "AWS::ApiGateway::RequestValidator"):
        assert of_type(template, "AWS::ApiGateway::Model")


def test_prod_cognito_email_goes_through_ses(stage) -> None:
    """Cognito's default e-mail sender sends a limited number of e-mails per day (50); a shop's invitations,
    codes and password resets need Amazon SES (EmailSendingAccount DEVELOPER, a verified SES identity).
    https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-email.html"""
    [pool] = of_type(stage.template("Auth"), "AWS::Cognito::UserPool").values()
    email = pool["Properties"].get("EmailConfiguration", {})
    if not stage.config.is_production:
        assert email.get("EmailSendingAccount", "COGNITO_DEFAULT") == "COGNITO_DEFAULT"
        return
    assert email["EmailSendingAccount"] == "DEVELOPER"
    assert email["From"].endswith("<no-reply@shop.example.com>") or email["From"] == "no-reply@shop.example.com"
    assert _render(stage, email["SourceArn"]) == "arn:aws:ses:eu-west-1:111111111111:identity/shop.example.com"
