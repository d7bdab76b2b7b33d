"""The local user pool behaves like the deployed one: its Lambda triggers run, and two demo accounts exist.

moto keeps a user pool but runs no triggers. The local stack reads the pool's `LambdaConfig` from the
synthesized Auth template and calls the named function (the real handler, in this process) when a sign-up
is confirmed, as Cognito does, so a user who signs up in the local front end becomes a customer with a
profile exactly as in AWS.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from local.emulators import REGION
from local.world.aws import LocalAws

log = logging.getLogger("local.world.cognito")


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    groups: tuple[str, ...]
    given_name: str
    family_name: str

    @property
    def email(self) -> str:
        return f"{self.username}@example.com"

    @property
    def role(self) -> str:
        return "staff member" if "staff" in self.groups else "customer"


# The accounts the sample events in events/ act as (alice on staff routes and intents, carol as a customer),
# so `python -m local.invoke ... --event events/...` against the local stack finds them.
DEMO_ACCOUNTS = (
    DemoAccount("alice", "Alice-Staff-2026!", ("staff",), "Alice", "Archer"),
    DemoAccount("carol", "Carol-Reader-2026!", ("customers",), "Carol", "Reed"),
)

Trigger = Callable[[dict[str, Any]], Any]


def post_confirmation_event(
    pool_id: str, client_id: str, username: str, attributes: Mapping[str, str], *, source: str
) -> dict[str, Any]:
    """The event Cognito sends a post-confirmation trigger."""
    return {
        "version": "1",
        "region": REGION,
        "userPoolId": pool_id,
        "userName": username,
        "callerContext": {
            "awsSdkVersion": "aws-sdk-unknown-unknown",
            "clientId": client_id or "CLIENT_ID_NOT_APPLICABLE",
        },
        "triggerSource": source,
        "request": {"userAttributes": {**attributes, "cognito:user_status": "CONFIRMED"}},
        "response": {},
    }


def trigger_function(auth_template: Mapping[str, Any], trigger: str = "PostConfirmation") -> str | None:
    """The logical id of the function the template's user pool calls for `trigger`, if any."""
    for resource in auth_template.get("Resources", {}).values():
        if resource.get("Type") == "AWS::Cognito::UserPool":
            target = (resource.get("Properties", {}).get("LambdaConfig") or {}).get(trigger)
            if isinstance(target, dict) and "Fn::GetAtt" in target:
                return str(target["Fn::GetAtt"][0])
    return None


def user_pool_properties(template: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The Properties of the template's AWS::Cognito::UserPool, if it has one."""
    for resource in template.get("Resources", {}).values():
        if resource.get("Type") == "AWS::Cognito::UserPool":
            properties: Mapping[str, Any] = resource.get("Properties", {})
            return properties
    return None


def _user_attributes(user: Any) -> dict[str, str]:
    return {a["Name"]: a["Value"] for a in getattr(user, "attributes", [])}


def moto_backend(aws: LocalAws) -> Any:
    """The moto Cognito backend holding the local pool (the local stack's moto server runs in this process)."""
    from moto.cognitoidp.models import cognitoidp_backends

    for account in cognitoidp_backends.values():
        for backend in account.values():
            if aws.user_pool_id in backend.user_pools:
                return backend
    raise LookupError(f"user pool {aws.user_pool_id} is not in this process's moto backend")


def install_post_confirmation(aws: LocalAws, trigger: Trigger) -> None:
    """Call `trigger` after every ConfirmSignUp / AdminConfirmSignUp on the local pool, as Cognito does.
    Patches this process's moto backend: moto runs no triggers itself."""
    backend = moto_backend(aws)

    def fire(username: str, client_id: str) -> None:
        pool = backend.user_pools[aws.user_pool_id]
        user = pool._get_user(username)
        event = post_confirmation_event(
            aws.user_pool_id,
            client_id,
            user.username,
            {**_user_attributes(user), "sub": user.id},
            source="PostConfirmation_ConfirmSignUp",
        )
        try:
            trigger(event)
        except Exception as err:  # Cognito reports a failed trigger but the user stays confirmed
            print(f"[cognito] post-confirmation trigger failed for {username}: {err}", file=sys.stderr)

    original_confirm = backend.confirm_sign_up
    original_admin_confirm = backend.admin_confirm_sign_up

    def confirm_sign_up(client_id: str, username: str) -> str:
        result: str = original_confirm(client_id, username)
        if client_id in backend.user_pools[aws.user_pool_id].clients:
            fire(username, client_id)
        return result

    def admin_confirm_sign_up(user_pool_id: str, username: str) -> str:
        result: str = original_admin_confirm(user_pool_id, username)
        if user_pool_id == aws.user_pool_id:
            fire(username, "")
        return result

    backend.confirm_sign_up = confirm_sign_up
    backend.admin_confirm_sign_up = admin_confirm_sign_up


def ensure_user(aws: LocalAws, username: str, attributes: Mapping[str, str], password: str | None = None) -> bool:
    """Create a confirmed user in the local pool unless one exists; True when created."""
    cognito = aws.client("cognito-idp")
    try:
        cognito.admin_get_user(UserPoolId=aws.user_pool_id, Username=username)
        return False
    except cognito.exceptions.UserNotFoundException:
        pass
    settable = {k: v for k, v in attributes.items() if k in ("email", "given_name", "family_name", "email_verified")}
    cognito.admin_create_user(
        UserPoolId=aws.user_pool_id,
        Username=username,
        UserAttributes=[{"Name": k, "Value": v} for k, v in {**settable, "email_verified": "true"}.items()],
        MessageAction="SUPPRESS",
    )
    if password:
        cognito.admin_set_user_password(
            UserPoolId=aws.user_pool_id, Username=username, Password=password, Permanent=True
        )
    return True


def create_demo_accounts(aws: LocalAws, trigger: Trigger | None) -> list[DemoAccount]:
    """The staff member and the customer of DEMO_ACCOUNTS, signed up the way a real user is (the
    post-confirmation trigger makes the profile and the customers membership); returns those created."""
    cognito = aws.client("cognito-idp")
    created = []
    for account in DEMO_ACCOUNTS:
        attributes = {"email": account.email, "given_name": account.given_name, "family_name": account.family_name}
        if not ensure_user(aws, account.username, attributes, account.password):
            continue
        created.append(account)
        if trigger is not None:
            user = cognito.admin_get_user(UserPoolId=aws.user_pool_id, Username=account.username)
            attrs = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
            trigger(
                post_confirmation_event(
                    aws.user_pool_id, aws.client_id, account.username, attrs, source="PostConfirmation_ConfirmSignUp"
                )
            )
        for group in account.groups:
            cognito.admin_add_user_to_group(UserPoolId=aws.user_pool_id, Username=account.username, GroupName=group)
    return created
