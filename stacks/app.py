"""Compose the stacks of one stage and attach cdk-nag. Used by app.py, the tests and the benchmarks."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aws_cdk import App, Tags, Validations
from cdk_nag import AwsSolutionsChecks

from bot import load_bot_model
from stacks.api_stack import ApiStack
from stacks.auth_stack import AuthStack
from stacks.bot_stack import BotStack
from stacks.config import APP_NAME, StageConfig
from stacks.data_stack import DataStack
from stacks.frontend_stack import FrontendStack
from stacks.monitoring_stack import MonitoredFunction, MonitoringStack

ROOT = Path(__file__).resolve().parents[1]


def cdk_json_context() -> dict[str, Any]:
    """The context the CDK CLI would pass from cdk.json (feature flags, default stage)."""
    context: dict[str, Any] = json.loads((ROOT / "cdk.json").read_text())["context"]
    return context


@dataclass(frozen=True)
class BookstoreStacks:
    data: DataStack
    auth: AuthStack
    bot: BotStack
    frontend: FrontendStack
    api: ApiStack
    monitoring: MonitoringStack

    def all(self) -> tuple[DataStack, AuthStack, BotStack, FrontendStack, ApiStack, MonitoringStack]:
        return (self.data, self.auth, self.bot, self.frontend, self.api, self.monitoring)


def build_app(app: App, config: StageConfig) -> BookstoreStacks:
    data = DataStack(
        app,
        config.stack_name("Data"),
        config=config,
        **_stack_props(config, "DynamoDB tables and the product-images bucket"),
    )
    auth = AuthStack(
        app,
        config.stack_name("Auth"),
        config=config,
        users_table=data.users_table,
        **_stack_props(config, "Cognito user pool, groups and app client"),
    )
    tables = data.shop_tables
    bot = BotStack(
        app,
        config.stack_name("Bot"),
        config=config,
        model=load_bot_model(),
        tables=tables,
        user_pool=auth.user_pool,
        **_stack_props(config, "Lex V2 bot, its live alias and code hook"),
    )
    frontend = FrontendStack(
        app,
        config.stack_name("Frontend"),
        config=config,
        images_bucket=data.images_bucket,  # its covers are served under /books/*
        **_stack_props(config, "the web front end on S3 behind CloudFront"),
    )
    api = _api_stack(app, config, data, auth, bot, frontend)
    monitoring = _monitoring_stack(app, config, data, auth, bot, api)

    Tags.of(app).add("Project", APP_NAME)
    Tags.of(app).add("Stage", config.name)
    # An unacknowledged finding fails synth; acknowledgments sit on the resources themselves.
    Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    return BookstoreStacks(data=data, auth=auth, bot=bot, frontend=frontend, api=api, monitoring=monitoring)


def _stack_props(config: StageConfig, what: str) -> dict[str, Any]:
    """What every stack of the stage is given: its environment, a description, termination protection."""
    return {
        "env": config.env,
        "description": f"{APP_NAME} ({config.name}): {what}",
        "termination_protection": config.stack_termination_protection,
    }


def _api_stack(
    app: App, config: StageConfig, data: DataStack, auth: AuthStack, bot: BotStack, frontend: FrontendStack
) -> ApiStack:
    return ApiStack(
        app,
        config.stack_name("Api"),
        config=config,
        tables=data.shop_tables,
        images_bucket=data.images_bucket,
        user_pool=auth.user_pool,
        user_pool_client=auth.web_client,
        frontend_origin=frontend.origin,
        site_bucket=frontend.site_bucket,
        distribution=frontend.distribution,
        bot_id=bot.bot.attr_id,
        bot_alias_id=bot.alias.attr_bot_alias_id,
        bot_alias_arn=bot.alias.attr_arn,
        bot_locale_id=bot.model.locale,
        **_stack_props(config, "REST API, authorizer, WAF, API, chat and recommendations functions"),
    )


def _monitoring_stack(
    app: App, config: StageConfig, data: DataStack, auth: AuthStack, bot: BotStack, api: ApiStack
) -> MonitoringStack:
    worker = api.recommendations_worker
    return MonitoringStack(
        app,
        config.stack_name("Monitoring"),
        config=config,
        api=api.api,
        api_stage=api.api.deployment_stage.stage_name,
        functions=[
            MonitoredFunction(name, construct.function, construct.timeout, is_stream_worker=construct is worker.worker)
            for name, construct in (
                ("Api", api.api_function),
                ("Chat", api.chat_function),
                ("BotFulfillment", bot.fulfillment),
                ("PostConfirmation", auth.post_confirmation),
                ("PreSignUp", auth.pre_sign_up),
                ("RecommendationsWorker", worker.worker),
            )
        ],
        tables=data.shop_tables.by_name(),
        dead_letter_queue=worker.dead_letter_queue,
        bot_id=bot.bot.attr_id,
        bot_alias_id=bot.alias.attr_bot_alias_id,
        bot_locale_id=bot.model.locale,
        **_stack_props(config, "dashboard, alarms and the alarm topic"),
    )
