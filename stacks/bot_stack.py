"""The Lex V2 bot, generated from bot/model.yaml, with its version, `live` alias and code hook."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from aws_cdk import ArnFormat, CfnDeletionPolicy, CfnOutput, CrossStackReferences, Duration, ReferenceStrength, Stack
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lex as lex
from aws_cdk import aws_logs as logs
from constructs import Construct

from bot.schema import BotModel
from stacks.bot_definition import bot_locale
from stacks.config import StageConfig
from stacks.constructs.shop_function import ShopFunction
from stacks.permissions import any_in_account
from stacks.shop_tables import ShopTables
from stacks.site_policy import site_url_parameter

LIVE_ALIAS_NAME = "live"
# Lex waits for the code hook within RecognizeText; the chat function's Lex client waits longer than this.
FULFILLMENT_TIMEOUT = Duration.seconds(15)
CODE_HOOK_INTERFACE_VERSION = "1.0"
# Output keys read by the chat client, the API stack and the tests.
OUTPUT_BOT_ID = "BotId"
OUTPUT_BOT_ALIAS_ID = "BotAliasId"
OUTPUT_BOT_LOCALE_ID = "BotLocaleId"


def logs_service_key_statement(stack: Stack) -> iam.PolicyStatement:
    """The key-policy statement CloudWatch Logs needs to use a customer managed key for this account's log
    groups (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html)."""
    return iam.PolicyStatement(
        sid="AllowCloudWatchLogsOfThisAccount",
        principals=[iam.ServicePrincipal(f"logs.{stack.region}.amazonaws.com")],
        actions=["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        resources=["*"],  # in a key policy, "*" is this key
        conditions={"ArnLike": {"kms:EncryptionContext:aws:logs:arn": any_in_account(stack, "logs", "log-group")}},
    )


def _pascal(value: Any) -> Any:
    """CloudFormation's spelling of a resolved L1 property: every key PascalCase (Lex has no map-typed keys)."""
    if isinstance(value, dict):
        return {k[:1].upper() + k[1:]: _pascal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_pascal(v) for v in value]
    return value


# What a numbered bot version snapshots of the DRAFT (DescribeBotVersion returns them): the locales, and the
# bot-level settings the runtime applies. The bot's name, description and test alias are not in a version.
VERSIONED_BOT_PROPERTIES = ("BotLocales", "DataPrivacy", "IdleSessionTTLInSeconds", "RoleArn")


def version_hash(stack: Stack, bot: lex.CfnBot) -> str:
    """sha256 of what a version snapshots, as the template carries it (canonical JSON of VERSIONED_BOT_PROPERTIES)."""
    rendered = {
        "BotLocales": _pascal(stack.resolve(bot.bot_locales)),
        "DataPrivacy": stack.resolve(bot.data_privacy),  # already the raw CloudFormation shape
        "IdleSessionTTLInSeconds": bot.idle_session_ttl_in_seconds,
        "RoleArn": stack.resolve(bot.role_arn),
    }
    return hashlib.sha256(json.dumps(rendered, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


class BotStack(Stack):
    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        config: StageConfig,
        model: BotModel,
        tables: ShopTables,
        user_pool: cognito.IUserPool,
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, id_, **kwargs)
        self.model = model
        self._config = config

        self.fulfillment = self._build_code_hook(tables, user_pool)
        self._build_conversation_logs()
        self.bot_role = self._build_bot_role()
        self.bot = self._build_bot()
        self.version = self._build_version()
        self.alias = self._build_live_alias()

        # The bot id changes when the bot is replaced, the alias id when the alias is: the Api and Monitoring
        # stacks read them with Fn::GetStackOutput, not an export that would refuse the change while imported.
        for volatile in (self.bot, self.alias):
            CrossStackReferences.of(volatile).produce(ReferenceStrength.WEAK)
        self._let_lex_invoke_the_code_hook()
        self._add_outputs()

    def _build_code_hook(self, tables: ShopTables, user_pool: cognito.IUserPool) -> ShopFunction:
        config = self._config
        hook = ShopFunction(
            self,
            "Fulfillment",
            config=config,
            tables=tables,
            user_pool=user_pool,
            handler="bot_fulfillment.handler.lambda_handler",
            service="bot",
            description="Lex V2 code hook of the bookstore bot: validates slots and fulfils every intent",
            environment={
                # The cards' covers are at <site url>/books/...: the Frontend stack (deployed after this one)
                # writes that URL to this parameter, the hook reads it at run time (docs/decisions.md).
                "SITE_URL_PARAMETER": site_url_parameter(config.name),
            },
            timeout=FULFILLMENT_TIMEOUT,
        )
        hook.function.add_to_role_policy(
            iam.PolicyStatement(
                sid="ReadSiteUrl",
                actions=["ssm:GetParameter"],
                resources=[
                    self.format_arn(
                        service="ssm",
                        resource="parameter",
                        resource_name=site_url_parameter(config.name).lstrip("/"),
                        arn_format=ArnFormat.SLASH_RESOURCE_NAME,
                    )
                ],
            )
        )
        return hook

    def _build_conversation_logs(self) -> None:
        config = self._config
        # Conversation logs hold what users type (names, emails): encrypted with our own key.
        self.logs_key = kms.Key(
            self,
            "ConversationLogsKey",
            description="Encrypts the bookstore bot's conversation logs",
            enable_key_rotation=True,
            removal_policy=config.removal_policy,
        )
        # CloudWatch Logs encrypts with the key on the log group's behalf and checks this grant when it creates
        # the group: without it the create fails ("The specified KMS key does not exist or is not allowed to be
        # used with Arn ...") and the stack rolls back. Scoped by the encryption context to this account's log
        # groups in this region (a wildcard: naming the group would make key and group depend on each other).
        self.logs_key.add_to_resource_policy(logs_service_key_statement(self))
        self.conversation_logs = logs.LogGroup(
            self,
            "ConversationLogs",
            retention=config.log_retention,
            encryption_key=self.logs_key,
            removal_policy=config.removal_policy,
        )

    def _build_bot_role(self) -> iam.Role:
        role = iam.Role(
            self,
            "BotRole",
            assumed_by=iam.ServicePrincipal("lexv2.amazonaws.com"),
            description="Runtime role of the bookstore bot: writes its text conversation logs",
        )
        self.conversation_logs.grant_write(role)
        return role

    def _build_bot(self) -> lex.CfnBot:
        model = self.model
        bot = lex.CfnBot(
            self,
            "Bot",
            name=f"{model.name}-{self._config.name}",
            description=model.description[:200] or None,
            role_arn=self.bot_role.role_arn,
            # Typed Any in the bindings: it must be the raw CloudFormation (PascalCase) shape.
            data_privacy={"ChildDirected": model.child_directed},
            idle_session_ttl_in_seconds=model.idle_session_ttl_seconds,
            auto_build_bot_locales=True,
            bot_locales=[bot_locale(model)],
            test_bot_alias_settings=lex.CfnBot.TestBotAliasSettingsProperty(
                bot_alias_locale_settings=self._alias_locale_settings(lex.CfnBot),
                conversation_log_settings=self._conversation_log_settings(lex.CfnBot, "test-alias/"),
            ),
        )
        # The bot validates its log destination on create: the role's policy must exist first.
        role_policy = self.bot_role.node.try_find_child("DefaultPolicy")
        if role_policy is not None:
            bot.node.add_dependency(role_policy)
        return bot

    def _build_version(self) -> lex.CfnBotVersion:
        # A new version only when what a version snapshots changes: the rendered locale (intents, slots, slot
        # types, prompts) and the bot-level settings a version carries (idle session TTL, data privacy, role).
        # The bot's name, description and test alias are not part of it, so changing them keeps the version,
        # and its number, that the alias points to. A replaced version is retained, never deleted in the
        # update's cleanup: the previous numbers stay available for a rollback
        # (docs/operations.md#roll-back-the-bot) until pruned (a bot keeps at most 100 numbered versions).
        self.version_hash = version_hash(self, self.bot)
        version = lex.CfnBotVersion(
            self,
            f"BotVersion{self.version_hash[:12]}",
            bot_id=self.bot.attr_id,
            description=f"bot {self.version_hash[:12]}",
            bot_version_locale_specification=[
                lex.CfnBotVersion.BotVersionLocaleSpecificationProperty(
                    locale_id=self.model.locale,
                    bot_version_locale_details=lex.CfnBotVersion.BotVersionLocaleDetailsProperty(
                        source_bot_version="DRAFT"
                    ),
                )
            ],
        )
        version.cfn_options.deletion_policy = CfnDeletionPolicy.RETAIN
        version.cfn_options.update_replace_policy = CfnDeletionPolicy.RETAIN
        return version

    def _build_live_alias(self) -> lex.CfnBotAlias:
        return lex.CfnBotAlias(
            self,
            "LiveAlias",
            bot_id=self.bot.attr_id,
            bot_alias_name=LIVE_ALIAS_NAME,
            bot_version=self.version.attr_bot_version,
            description="What the API and the web front end talk to",
            bot_alias_locale_settings=self._alias_locale_settings(lex.CfnBotAlias),
            conversation_log_settings=self._conversation_log_settings(lex.CfnBotAlias, f"{LIVE_ALIAS_NAME}/"),
        )

    def _let_lex_invoke_the_code_hook(self) -> None:
        # Lex may invoke the code hook only on behalf of this bot's aliases (TSTALIASID and live).
        self.fulfillment.function.add_permission(
            "LexV2Invoke",
            principal=iam.ServicePrincipal("lexv2.amazonaws.com"),
            action="lambda:InvokeFunction",
            source_arn=self.format_arn(
                service="lex",
                resource="bot-alias",
                resource_name=f"{self.bot.attr_id}/*",
                arn_format=ArnFormat.SLASH_RESOURCE_NAME,
            ),
        )

    def _add_outputs(self) -> None:
        for key, value, description in (
            (OUTPUT_BOT_ID, self.bot.attr_id, "Lex V2 bot id"),
            (OUTPUT_BOT_ALIAS_ID, self.alias.attr_bot_alias_id, "Id of the live alias"),
            (OUTPUT_BOT_LOCALE_ID, self.model.locale, "Bot locale"),
        ):
            output = CfnOutput(self, key, value=value, description=description)
            output.override_logical_id(key)

    # The test alias (CfnBot) and the live alias (CfnBotAlias) take the same settings, built from the
    # same-named nested property classes of each L1 class.
    def _alias_locale_settings(self, family: Any) -> list[Any]:
        hook = family.CodeHookSpecificationProperty(
            lambda_code_hook=family.LambdaCodeHookProperty(
                lambda_arn=self.fulfillment.function.function_arn,
                code_hook_interface_version=CODE_HOOK_INTERFACE_VERSION,
            )
        )
        return [
            family.BotAliasLocaleSettingsItemProperty(
                locale_id=self.model.locale,
                bot_alias_locale_setting=family.BotAliasLocaleSettingsProperty(
                    enabled=True, code_hook_specification=hook
                ),
            )
        ]

    def _conversation_log_settings(self, family: Any, prefix: str) -> Any:
        destination = family.TextLogDestinationProperty(
            cloud_watch=family.CloudWatchLogGroupLogDestinationProperty(
                cloud_watch_log_group_arn=self.conversation_logs.log_group_arn, log_prefix=prefix
            )
        )
        return family.ConversationLogSettingsProperty(
            text_log_settings=[family.TextLogSettingProperty(enabled=True, destination=destination)]
        )
