"""Lex V2 code hook of the bookstore bot: one function for every intent of the locale."""

from __future__ import annotations

from functools import cache
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from bookstore.env import BotEnv
from bookstore.lex import LexEvent
from bookstore.observability import logger, metrics, tracer
from bookstore.repositories.directory import CognitoDirectory
from bookstore.repositories.users import UserRepository
from bookstore.services.user_admin import UserAdminService
from bot_fulfillment.dialog import handle

ENV = BotEnv.load()


@cache
def user_admin() -> UserAdminService:
    return UserAdminService(
        users=UserRepository(ENV.users_table_name),
        directory=CognitoDirectory(ENV.user_pool_id),
    )


@logger.inject_lambda_context(correlation_id_path="sessionId", clear_state=True)
@metrics.log_metrics
@tracer.capture_lambda_handler(capture_response=False)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return handle(LexEvent.model_validate(event), user_admin()).dump()
