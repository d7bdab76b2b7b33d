"""Cognito post-confirmation trigger: a self-registered user becomes a customer with a profile.

Cognito waits 5 s for a trigger, so its AWS clients use bookstore.aws.TRIGGER_CONFIG (short timeouts, no retry
of their own: Cognito retries the trigger): the sign-up's two calls together stay below 4 s, which leaves room
for the start-up.

The event is read through a TypedDict rather than Powertools' PostConfirmationTriggerEvent: importing any
Powertools event data class imports all of them (about 40 ms at a cold start, a tenth of this function's),
for four fields.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypedDict, cast

from bookstore import aws
from bookstore.env import UsersTableEnv
from bookstore.observability import logger, metrics, tracer
from bookstore.repositories.directory import CognitoDirectory
from bookstore.repositories.users import UserRepository
from bookstore.services.accounts import AccountService

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

ENV = UsersTableEnv.load()
SIGN_UP = "PostConfirmation_ConfirmSignUp"


class PostConfirmationRequest(TypedDict):
    userAttributes: dict[str, str]


class PostConfirmationEvent(TypedDict):
    """The fields of Cognito's post-confirmation event this trigger reads (the event has more)."""

    triggerSource: str
    userPoolId: str
    userName: str
    request: PostConfirmationRequest


def accounts(user_pool_id: str) -> AccountService:
    """The account service over the trigger's clients (cached per cold start, with the trigger's time budget)."""
    return AccountService(
        users=UserRepository(ENV.users_table_name, client=aws.client("dynamodb", aws.TRIGGER_CONFIG)),
        directory=CognitoDirectory(user_pool_id, client=aws.client("cognito-idp", aws.TRIGGER_CONFIG)),
    )


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
@tracer.capture_lambda_handler(capture_response=False)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    trigger = cast(PostConfirmationEvent, event)
    # ConfirmForgotPassword also fires this trigger; only a sign-up creates an account.
    if trigger["triggerSource"] != SIGN_UP:
        return event
    attributes = trigger["request"]["userAttributes"]
    tracer.put_annotation("trigger", trigger["triggerSource"])
    accounts(trigger["userPoolId"]).on_sign_up_confirmed(
        username=trigger["userName"],
        email=attributes["email"],
        given_name=attributes.get("given_name"),
        family_name=attributes.get("family_name"),
    )
    # Cognito requires the event back unchanged.
    return event
