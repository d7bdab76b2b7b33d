"""Cognito pre-sign-up trigger: a username outside the app's one rule never reaches the user pool.

The rule is bookstore.users.USERNAME_RE (3 to 30 characters: a lowercase letter, then lowercase letters, digits,
'.', '_' or '-'), the one the API, the bot and the sign-up form apply too. Cognito invokes this trigger on
self-service sign-up (triggerSource PreSignUp_SignUp), on AdminCreateUser (PreSignUp_AdminCreateUser: staff
registrations and operators) and on a federated user's first sign-in (PreSignUp_ExternalProvider, left through
untouched: the pool has no identity provider, and such a user's name is the provider's, not one a person chose).
The event carries `userName`, `triggerSource` and `request.userAttributes`; the trigger must return the event, and
an exception fails the sign-up: the caller gets UserLambdaValidationException "PreSignUp failed with error
<message>.", so the message is a sentence for the person signing up.
https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-sign-up.html

It never sets `autoConfirmUser`, `autoVerifyEmail` or `autoVerifyPhone`: the response is returned as Cognito sent
it, so a self-registered user still proves their e-mail with the code Cognito sends.

Uniqueness regardless of case needs nothing here: the pool is case-insensitive (`sign_in_case_sensitive=False`,
UsernameConfiguration CaseSensitive false: "JDoe" and "jdoe" are the same user and a case variation cannot be
given to another user,
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UsernameConfigurationType.html),
and the rule admits lowercase names only, so every stored name is already in its one canonical form.

No AWS call and no table: the check is pure, well inside Cognito's 5 s for a trigger. The event is read through
a TypedDict, not Powertools' PreSignUpTriggerEvent, for the cold-start reason given in post_confirmation.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypedDict, cast

from aws_lambda_powertools.metrics import MetricUnit

from bookstore.observability import logger, metrics, tracer
from bookstore.users import USERNAME_RE

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

CHECKED_SOURCES = frozenset({"PreSignUp_SignUp", "PreSignUp_AdminCreateUser"})
USERNAME_REFUSED = "Choose a username of 3 to 30 lowercase letters, digits, '.', '_' or '-', starting with a letter."


class UsernameRefused(Exception):
    """Raised to fail the sign-up; Cognito shows its message to the caller."""


class PreSignUpEvent(TypedDict):
    """The fields of Cognito's pre-sign-up event this trigger reads (the event has more)."""

    triggerSource: str
    userName: str


def check_username(username: str) -> None:
    # fullmatch: USERNAME_RE ends with `$`, which `match` would also let match before a trailing newline.
    if not USERNAME_RE.fullmatch(username):
        raise UsernameRefused(USERNAME_REFUSED)


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
@tracer.capture_lambda_handler(capture_response=False)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    trigger = cast(PreSignUpEvent, event)
    source = trigger["triggerSource"]
    tracer.put_annotation("trigger", source)
    if source not in CHECKED_SOURCES:
        return event
    try:
        check_username(trigger["userName"])
    except UsernameRefused:
        # The name itself is not logged: a refused name can be anything a person typed.
        logger.info("Sign-up refused: username outside the rule", extra={"trigger": source})
        metrics.add_metric(name="SignUpsRefused", unit=MetricUnit.Count, value=1)
        raise
    # Cognito requires the event back; nothing in its response is changed (no auto-confirm, no auto-verify).
    return event
