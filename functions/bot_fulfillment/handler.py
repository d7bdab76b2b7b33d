"""Lex V2 code hook of the bookstore bot: one function for every intent of the locale."""

from __future__ import annotations

from functools import cache
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from bookstore.env import ShopEnv
from bookstore.observability import logger, metrics, tracer
from bookstore.wiring import Services, build_services
from bot_fulfillment.dialog import handle
from bot_fulfillment.lex import LexEvent

ENV = ShopEnv.load()


@cache
def services() -> Services:
    return build_services(ENV)


@logger.inject_lambda_context(correlation_id_path="sessionId", clear_state=True)
@metrics.log_metrics
@tracer.capture_lambda_handler(capture_response=False)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return handle(LexEvent.model_validate(event), services(), context).dump()
