"""BotStack: the bot in the template is exactly the model, wired to its code hook, version and alias."""

from __future__ import annotations

import copy
import json

import yaml
from aws_cdk import App

from bot import DEFAULT_MODEL_PATH, load_bot_model
from bot.loader import parse_bot_model
from stacks.auth_stack import AuthStack
from stacks.bot_stack import BotStack
from stacks.config import load_stage_config
from stacks.data_stack import DataStack
from tests.infrastructure.conftest import masked
from tests.support.synth import cdk_json_context
from tests.support.templates import logical_id, of_type, policy_statements, rendered_version_hash, resource

MODEL = load_bot_model()


def _bot(stage) -> dict:
    bots = of_type(stage.template("Bot"), "AWS::Lex::Bot")
    assert len(bots) == 1
    return next(iter(bots.values()))["Properties"]


def _locale(stage) -> dict:
    [locale] = _bot(stage)["BotLocales"]
    return locale


def _intents(stage) -> dict[str, dict]:
    return {i["Name"]: i for i in _locale(stage)["Intents"]}


def test_locale_and_threshold_come_from_the_model(dev) -> None:
    locale = _locale(dev)
    assert locale["LocaleId"] == MODEL.locale == "en_US"
    assert locale["NluConfidenceThreshold"] == MODEL.nlu_confidence_threshold


def test_every_intent_utterance_and_slot_of_the_model_is_in_the_template(dev) -> None:
    intents = _intents(dev)
    assert set(intents) == {i.name for i in MODEL.intents}
    for intent in MODEL.intents:
        rendered = intents[intent.name]
        assert [u["Utterance"] for u in rendered.get("SampleUtterances", [])] == intent.utterances
        slots = {s["Name"]: s for s in rendered.get("Slots", [])}
        assert set(slots) == {s.name for s in intent.slots}, intent.name
        for slot in intent.slots:
            setting = slots[slot.name]["ValueElicitationSetting"]
            assert slots[slot.name]["SlotTypeName"] == slot.type
            assert setting["SlotConstraint"] == ("Required" if slot.required else "Optional")
            assert setting["PromptSpecification"]["MaxRetries"] == slot.max_retries


def test_every_slot_has_a_priority(stage) -> None:
    for name, intent in _intents(stage).items():
        slots = {s["Name"] for s in intent.get("Slots", [])}
        priorities = {p["SlotName"]: p["Priority"] for p in intent.get("SlotPriorities", [])}
        assert set(priorities) == slots, name
        assert len(set(priorities.values())) == len(priorities), f"{name}: priorities must differ"


def test_fallback_intent_exists(dev) -> None:
    assert _intents(dev)["FallbackIntent"]["ParentIntentSignature"] == "AMAZON.FallbackIntent"


def test_staff_intents_use_dialog_and_fulfillment_hooks_and_confirm(dev) -> None:
    intents = _intents(dev)
    for name in ("RegisterUser", "EditUser"):
        assert intents[name]["DialogCodeHook"] == {"Enabled": True}, name
        assert intents[name]["FulfillmentCodeHook"] == {"Enabled": True}, name
        confirmation = intents[name]["IntentConfirmationSetting"]
        prompt = confirmation["PromptSpecification"]["MessageGroupsList"][0]["Message"]["PlainTextMessage"]["Value"]
        assert "{Username}" in prompt, name
        assert confirmation["DeclinationResponse"]["MessageGroupsList"], name


def test_user_attribute_slot_type_resolves_synonyms_to_values(dev) -> None:
    slot_type = next(t for t in _locale(dev)["SlotTypes"] if t["Name"] == "UserAttribute")
    assert slot_type["ValueSelectionSetting"] == {"ResolutionStrategy": "TOP_RESOLUTION"}
    values = {
        v["SampleValue"]["Value"]: [s["Value"] for s in v.get("Synonyms", [])] for v in slot_type["SlotTypeValues"]
    }
    assert set(values) == {"email", "first name", "last name"}
    assert "surname" in values["last name"]


def test_username_slot_type_extends_alphanumeric_with_the_model_regex(dev) -> None:
    """AWS::Lex::Bot SlotType ParentSlotTypeSignature ("Only AMAZON.AlphaNumeric is supported") with a
    SlotValueRegexFilter Pattern (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/
    aws-properties-lex-bot-slotvalueregexfilter.html): the regex reaches Lex exactly as in the model, the
    backslash of each \\uXXXX included; no sample values."""
    slot_type = next(t for t in _locale(dev)["SlotTypes"] if t["Name"] == "UsernameValue")
    model_type = MODEL.slot_type("UsernameValue")
    assert model_type is not None
    assert slot_type["ParentSlotTypeSignature"] == "AMAZON.AlphaNumeric"
    assert slot_type["ValueSelectionSetting"] == {
        "ResolutionStrategy": "ORIGINAL_VALUE",
        "RegexFilter": {"Pattern": model_type.regex},
    }
    assert "\\u002E" in slot_type["ValueSelectionSetting"]["RegexFilter"]["Pattern"]
    assert "SlotTypeValues" not in slot_type
    users = {s["Name"]: s["SlotTypeName"] for i in _locale(dev)["Intents"] for s in i.get("Slots", [])}
    assert users["Username"] == "UsernameValue"


def test_bot_settings(stage) -> None:
    bot = _bot(stage)
    assert bot["Name"] == f"BookstoreBot-{stage.config.name}"
    assert bot["DataPrivacy"] == {"ChildDirected": False}
    assert bot["AutoBuildBotLocales"] is True
    assert bot["IdleSessionTTLInSeconds"] == MODEL.idle_session_ttl_seconds


def _hook_arn(setting: dict) -> dict:
    hook = setting["CodeHookSpecification"]["LambdaCodeHook"]
    assert hook["CodeHookInterfaceVersion"] == "1.0"
    return hook["LambdaArn"]


def test_code_hook_is_attached_to_the_test_alias_and_the_live_alias(dev) -> None:
    template = dev.template("Bot")
    function_arn = {"Fn::GetAtt": [logical_id(template, "FulfillmentFunction"), "Arn"]}
    [test_setting] = _bot(dev)["TestBotAliasSettings"]["BotAliasLocaleSettings"]
    assert test_setting["BotAliasLocaleSetting"]["Enabled"] is True
    assert _hook_arn(test_setting["BotAliasLocaleSetting"]) == function_arn
    alias = resource(template, "LiveAlias", "AWS::Lex::BotAlias")["Properties"]
    [live_setting] = alias["BotAliasLocaleSettings"]
    assert _hook_arn(live_setting["BotAliasLocaleSetting"]) == function_arn


def test_live_alias_points_to_the_version_of_this_model(stage) -> None:
    template = stage.template("Bot")
    versions = of_type(template, "AWS::Lex::BotVersion")
    assert list(versions) == [f"BotVersion{rendered_version_hash(template)[:12]}"]
    alias = resource(template, "LiveAlias", "AWS::Lex::BotAlias")["Properties"]
    assert alias["BotAliasName"] == "live"
    assert alias["BotVersion"] == {"Fn::GetAtt": [next(iter(versions)), "BotVersion"]}
    [spec] = next(iter(versions.values()))["Properties"]["BotVersionLocaleSpecification"]
    assert spec == {"LocaleId": "en_US", "BotVersionLocaleDetails": {"SourceBotVersion": "DRAFT"}}


def test_a_changed_model_cuts_a_new_version(tmp_path) -> None:
    raw = yaml.safe_load(DEFAULT_MODEL_PATH.read_text())
    changed = copy.deepcopy(raw)
    next(i for i in changed["intents"] if i["name"] == "Help")["utterances"].append("flibbertigibbet quasar wobble")
    ids: list[str] = []
    for data in (raw, changed):
        app = App(context=cdk_json_context(), outdir=str(tmp_path / str(len(ids))))
        config = load_stage_config("dev")
        data_stack = DataStack(app, "D", config=config)
        auth = AuthStack(app, "A", config=config, users_table=data_stack.users_table)
        bot = BotStack(
            app,
            "B",
            config=config,
            model=parse_bot_model(data, base=DEFAULT_MODEL_PATH.parent),
            tables=data_stack.shop_tables,
            user_pool=auth.user_pool,
        )
        ids.append(bot.version.node.id)
    assert ids[0] != ids[1]


def test_lambda_permission_is_scoped_to_this_bots_aliases(stage) -> None:
    template = stage.template("Bot")
    permissions = [
        p["Properties"]
        for p in of_type(template, "AWS::Lambda::Permission").values()
        if p["Properties"]["Principal"] == "lexv2.amazonaws.com"
    ]
    assert len(permissions) == 1
    source = permissions[0]["SourceArn"]["Fn::Join"][1]
    assert {"Fn::GetAtt": ["Bot", "Id"]} in source
    assert source[-1] == "/*"
    assert any(isinstance(p, str) and ":bot-alias/" in p for p in source)


def test_conversation_logs_are_kms_encrypted_with_stage_retention(stage) -> None:
    template = stage.template("Bot")
    group = resource(template, "ConversationLogs", "AWS::Logs::LogGroup")["Properties"]
    assert group["KmsKeyId"] == {"Fn::GetAtt": [logical_id(template, "ConversationLogsKey"), "Arn"]}
    assert group["RetentionInDays"] == stage.config.log_retention_days
    key = resource(template, "ConversationLogsKey", "AWS::KMS::Key")["Properties"]
    assert key["EnableKeyRotation"] is True
    alias = resource(template, "LiveAlias", "AWS::Lex::BotAlias")["Properties"]
    [text_log] = alias["ConversationLogSettings"]["TextLogSettings"]
    assert text_log["Enabled"] is True


def test_bot_role_is_assumed_by_lex_and_may_only_write_its_logs(dev) -> None:
    template = dev.template("Bot")
    role = resource(template, "BotRole", "AWS::IAM::Role")["Properties"]
    [statement] = role["AssumeRolePolicyDocument"]["Statement"]
    assert statement["Principal"] == {"Service": "lexv2.amazonaws.com"}
    assert "ManagedPolicyArns" not in role
    role_id = logical_id(template, "BotRole")
    actions: set[str] = set()
    for policy in of_type(template, "AWS::IAM::Policy").values():
        if {"Ref": role_id} in policy["Properties"]["Roles"]:
            for s in policy["Properties"]["PolicyDocument"]["Statement"]:
                actions.update([s["Action"]] if isinstance(s["Action"], str) else s["Action"])
    assert actions == {"logs:CreateLogStream", "logs:PutLogEvents"}


def test_code_hook_may_manage_users_of_this_pool_only(dev) -> None:
    statements = [s for s in policy_statements(dev.template("Bot")) if "cognito-idp:AdminCreateUser" in s["Action"]]
    assert len(statements) == 1
    assert "Fn::ImportValue" in statements[0]["Resource"]
    assert "*" not in str(statements[0]["Resource"])


def test_outputs_name_bot_alias_and_locale(dev) -> None:
    outputs = dev.template("Bot")["Outputs"]
    assert outputs["BotId"]["Value"] == {"Fn::GetAtt": ["Bot", "Id"]}
    assert outputs["BotAliasId"]["Value"] == {"Fn::GetAtt": ["LiveAlias", "BotAliasId"]}
    assert outputs["BotLocaleId"]["Value"] == "en_US"


def test_bot_stack_matches_snapshot(stage, snapshot_json) -> None:
    assert masked(stage.template("Bot")) == snapshot_json


def test_catalog_slot_types_keep_what_the_user_said(dev) -> None:
    types = {t["Name"]: t for t in _locale(dev)["SlotTypes"]}
    for name in ("BookTitle", "BookAuthor"):
        assert types[name]["ValueSelectionSetting"] == {"ResolutionStrategy": "ORIGINAL_VALUE"}
        assert len(types[name]["SlotTypeValues"]) >= 100
    assert types["BookGenre"]["ValueSelectionSetting"] == {"ResolutionStrategy": "TOP_RESOLUTION"}


def test_code_hook_may_use_the_shop_tables_without_scan(dev) -> None:
    statements = policy_statements(dev.template("Bot"))
    rendered = json.dumps(statements)
    for table in ("ProductsTable", "OrdersTable", "IdempotencyTable", "RecommendationsTable"):
        assert table in rendered, table
    assert "dynamodb:Scan" not in rendered
