"""Cognito post-confirmation trigger: a self-registered user becomes a customer with a profile."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.data_classes.cognito_user_pool_event import PostConfirmationTriggerEvent
from aws_lambda_powertools.utilities.typing import LambdaContext

from bookstore.env import UsersTableEnv
from bookstore.observability import logger, metrics, tracer
from bookstore.repositories.directory import CognitoDirectory
from bookstore.repositories.users import UserRepository
from bookstore.services.accounts import AccountService

ENV = UsersTableEnv.load()


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
@tracer.capture_lambda_handler(capture_response=False)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    trigger = PostConfirmationTriggerEvent(event)
    # ConfirmForgotPassword also fires this trigger; only a sign-up creates an account.
    if trigger.trigger_source != "PostConfirmation_ConfirmSignUp":
        return event
    attributes = trigger.request.user_attributes
    tracer.put_annotation("trigger", trigger.trigger_source)
    service = AccountService(
        users=UserRepository(ENV.users_table_name),
        directory=CognitoDirectory(trigger.user_pool_id),
    )
    service.on_sign_up_confirmed(
        username=trigger.user_name,
        email=attributes["email"],
        given_name=attributes.get("given_name"),
        family_name=attributes.get("family_name"),
    )
    # Cognito requires the event back unchanged.
    return event
