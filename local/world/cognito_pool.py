"""The local user pool as the e-mail flows see it (cognito_flows.py): who the users and clients are, the codes
that go out by e-mail and their checks, what Cognito refuses before it makes or changes a user, and the
pre-sign-up trigger."""

from __future__ import annotations

import re
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from local.emulators import REGION
from local.world.cognito_settings import PoolSettings, policy_problem
from local.world.moto_gaps import token_claims
from local.world.outbox import Kind, Outbox

Trigger = Callable[[dict[str, Any]], Any]
Forward = Callable[[Mapping[str, Any]], dict[str, Any]]
"""Passes a request (as amended) on to moto; its answer, or its error raised as a CognitoError."""

CODE_DIGITS = 6
# After this many wrong codes the code is spent and a new one must be asked for (Cognito throttles guessing).
MAX_CODE_ATTEMPTS = 5

WRONG_CODE = "Invalid verification code provided, please try again."
EXPIRED_CODE = "Invalid code provided, please request a code again."
EMAIL_TAKEN = "An account with the given email already exists."
# What Cognito takes for an e-mail address: something@something.something, no spaces.
EMAIL_FORMAT = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class CognitoError(Exception):
    """An error Cognito answers with: HTTP 400, {"__type": code, "message": message}."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class _Code:
    code: str
    expires: float
    attempts: int = 0


def masked(address: str) -> str:
    """How Cognito shows where it sent a code: j***@e***."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain[:1]}***"


def delivery(address: str) -> dict[str, str]:
    return {"Destination": masked(address), "DeliveryMedium": "EMAIL", "AttributeName": "email"}


class PoolFlows:
    """One user pool held by this process's moto backend, and what every flow of it needs."""

    def __init__(
        self,
        backend: Any,
        pool_id: str,
        settings: PoolSettings,
        outbox: Outbox,
        *,
        pre_sign_up: Trigger | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.backend = backend
        self.pool_id = pool_id
        self.settings = settings
        self.outbox = outbox
        self.pre_sign_up = pre_sign_up
        self.clock = clock
        self._lock = threading.RLock()
        self._codes: dict[tuple[str, str], _Code] = {}  # (username, purpose) -> the code that is out
        self._pending_email: dict[str, str] = {}  # username -> a new address waiting for its code
        self._temporary_since: dict[str, float] = {}  # username -> when its temporary password was issued
        self._totp_secrets: dict[str, str] = {}  # username -> its authenticator app's secret (base32)

    # ---- what is ours -----------------------------------------------------------------------------------

    @property
    def pool(self) -> Any:
        return self.backend.user_pools[self.pool_id]

    def owns_client(self, client_id: str | None) -> bool:
        return bool(client_id) and client_id in self.pool.clients

    def owns_pool(self, pool_id: str | None) -> bool:
        return pool_id == self.pool_id

    def token_user(self, access_token: str | None) -> Any | None:
        if not access_token or access_token not in self.pool.access_tokens:
            return None
        _, username = self.pool.access_tokens[access_token]
        return self.pool._get_user(username)

    def _token_owner(self, params: Mapping[str, Any]) -> Any:
        """The user whose access token the request carries; NotAuthorizedException for any other token."""
        user = self.token_user(params.get("AccessToken"))
        if user is None:
            raise CognitoError("NotAuthorizedException", "Invalid Access Token")
        return user

    def find_user(self, name: str | None) -> Any | None:
        """By username (case-insensitively, as the pool is) or by a verified e-mail alias."""
        if not name:
            return None
        user = self.pool._get_user(name) or self.pool._get_user(name.lower())
        if user is not None:
            return user
        for candidate in self.pool.users.values():
            attributes = candidate.attribute_lookup
            if attributes.get("email", "").lower() == name.lower() and attributes.get("email_verified") == "true":
                return candidate
        return None

    def hides_users(self, client_id: str) -> bool:
        client = self.pool.clients[client_id]
        return bool(client.extended_config.get("PreventUserExistenceErrors") == "ENABLED")

    def unknown_user_code(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """The answer to a code request (ForgotPassword, ResendConfirmationCode) for a user who does not exist: a
        pretend delivery when the client hides users (PreventUserExistenceErrors), else UserNotFoundException."""
        if self.hides_users(params.get("ClientId", "")):
            return {"CodeDeliveryDetails": delivery(f"{params.get('Username', 'x')}@example.com")}
        raise CognitoError("UserNotFoundException", "Username/client id combination not found.")

    def _token_client(self, access_token: str) -> str | None:
        client = token_claims(access_token).get("client_id")
        return client if isinstance(client, str) and self.owns_client(client) else None

    # ---- codes and mail -----------------------------------------------------------------------------------

    def _issue(self, username: str, purpose: str, seconds: int) -> str:
        code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
        with self._lock:
            self._codes[(username, purpose)] = _Code(code, self.clock() + seconds)
        return code

    def _check(self, username: str, purpose: str, given: str | None) -> None:
        with self._lock:
            issued = self._codes.get((username, purpose))
            if issued is None or self.clock() > issued.expires:
                self._codes.pop((username, purpose), None)
                raise CognitoError("ExpiredCodeException", EXPIRED_CODE)
            if not secrets.compare_digest(issued.code, str(given or "")):
                issued.attempts += 1
                if issued.attempts >= MAX_CODE_ATTEMPTS:
                    self._codes.pop((username, purpose), None)
                    raise CognitoError(
                        "TooManyFailedAttemptsException", "Too many failed attempts; request a new code."
                    )
                raise CognitoError("CodeMismatchException", WRONG_CODE)
            del self._codes[(username, purpose)]

    def _send_code(self, username: str, address: str, kind: Kind, purpose: str, seconds: int) -> dict[str, str]:
        code = self._issue(username, purpose, seconds)
        self.outbox.deliver(
            to=address,
            username=username,
            kind=kind,
            subject=self.settings.verification_subject,
            body=self.settings.verification_message.replace("{####}", code),
            code=code,
        )
        return delivery(address)

    # ---- what Cognito refuses -------------------------------------------------------------------------------

    def check_password(self, password: str | None) -> None:
        problem = policy_problem(password or "", self.settings.password_policy)
        if problem:
            raise CognitoError("InvalidPasswordException", problem)

    def _check_writable(self, client_id: str, attributes: list[Mapping[str, str]]) -> None:
        writable = self.pool.clients[client_id].extended_config.get("WriteAttributes")
        if writable is None:
            return  # a client without the setting may write every writable attribute
        if any(a.get("Name") not in writable for a in attributes):
            raise CognitoError("NotAuthorizedException", "A client attempted to write unauthorized attribute")

    def _check_new_user(self, username: str, attributes: list[Mapping[str, str]]) -> None:
        """What Cognito refuses before it makes a user: an e-mail-shaped username in a pool with an e-mail alias,
        a missing required attribute, an address that is no address."""
        if "email" in self.settings.alias_attributes and EMAIL_FORMAT.fullmatch(username):
            raise CognitoError(
                "InvalidParameterException",
                "Username cannot be of email format, since user pool is configured for email alias.",
            )
        given = {a.get("Name"): a.get("Value") for a in attributes}
        for name in sorted(self.settings.required_attributes - set(given)):
            raise CognitoError(
                "InvalidParameterException",
                f"Attributes did not conform to the schema: {name}: The attribute {name} is required",
            )
        email = given.get("email")
        if email is not None and not EMAIL_FORMAT.fullmatch(str(email)):
            raise CognitoError("InvalidParameterException", "Invalid email address format.")

    def _check_alias_free(self, email: str | None, owner: Any) -> None:
        """A verified e-mail is a sign-in alias: no two users may hold the same one (ForceAliasCreation is not
        offered here), https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ConfirmSignUp.html"""
        if not email or "email" not in self.settings.alias_attributes:
            return
        for user in self.pool.users.values():
            if user is owner:
                continue
            attributes = user.attribute_lookup
            if attributes.get("email", "").lower() == email.lower() and attributes.get("email_verified") == "true":
                raise CognitoError("AliasExistsException", EMAIL_TAKEN)

    def canonical_username(self, name: str | None) -> str | None:
        """The username a sign-in name stands for: any case of it, or a verified e-mail alias."""
        user = self.find_user(name)
        return None if user is None else str(user.username)

    # ---- triggers -----------------------------------------------------------------------------------------

    def run_pre_sign_up(self, source: str, username: str, attributes: list[Mapping[str, str]], client_id: str) -> None:
        if self.pre_sign_up is None:
            return
        event = {
            "version": "1",
            "region": REGION,
            "userPoolId": self.pool_id,
            "userName": username,
            "callerContext": {
                "awsSdkVersion": "aws-sdk-unknown-unknown",
                "clientId": client_id or "CLIENT_ID_NOT_APPLICABLE",
            },
            "triggerSource": source,
            "request": {"userAttributes": {a["Name"]: a["Value"] for a in attributes}, "validationData": None},
            "response": {"autoConfirmUser": False, "autoVerifyEmail": False, "autoVerifyPhone": False},
        }
        try:
            self.pre_sign_up(event)
        except Exception as err:  # the trigger refused: Cognito reports the function's own message
            message = getattr(err, "message", None) or str(err) or type(err).__name__
            raise CognitoError("UserLambdaValidationException", f"PreSignUp failed with error {message}.") from err
