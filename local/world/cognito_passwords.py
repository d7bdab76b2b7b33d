"""Passwords in the local user pool: recovery by an e-mailed code, temporary passwords and the invitations that
carry them, and the sign-in checks and challenge parameters around them (cognito_flows.py)."""

from __future__ import annotations

import json
import secrets
import string
from collections.abc import Mapping
from typing import Any

from local.world.cognito_pool import WRONG_CODE, CognitoError, Forward, PoolFlows

RESET_CODE_SECONDS = 3600
NO_VERIFIED_ADDRESS = "Cannot reset password for the user as there is no registered/verified email or phone_number"


class PasswordFlows(PoolFlows):
    """ForgotPassword, ConfirmForgotPassword, AdminCreateUser (and its RESEND), and InitiateAuth's checks."""

    def temporary_password(self) -> str:
        """A temporary password that meets the pool's policy (Cognito makes one when the admin gives none)."""
        length = max(int(self.settings.password_policy.get("MinimumLength", 8)), 12)
        pools = (string.ascii_uppercase, string.ascii_lowercase, string.digits, "!@#%&*+-=?")
        chars = [secrets.choice(p) for p in pools]
        chars += [secrets.choice("".join(pools)) for _ in range(length - len(chars))]
        secrets.SystemRandom().shuffle(chars)
        return "".join(chars)

    def forgot_password(self, params: Mapping[str, Any]) -> dict[str, Any]:
        user = self.find_user(params.get("Username"))
        if user is None:
            return self.unknown_user_code(params)
        if not user.enabled:
            raise CognitoError("NotAuthorizedException", "User is disabled.")
        if user.status == "FORCE_CHANGE_PASSWORD":
            raise CognitoError("NotAuthorizedException", "User password cannot be reset in the current state.")
        attributes = user.attribute_lookup
        if attributes.get("email_verified") != "true" or not attributes.get("email"):
            raise CognitoError("InvalidParameterException", NO_VERIFIED_ADDRESS)
        return {
            "CodeDeliveryDetails": self._send_code(
                user.username, attributes["email"], "password reset", "reset", RESET_CODE_SECONDS
            )
        }

    def confirm_forgot_password(self, params: Mapping[str, Any]) -> dict[str, Any]:
        user = self.find_user(params.get("Username"))
        if user is None:
            raise CognitoError("CodeMismatchException", WRONG_CODE)
        self.check_password(params.get("Password"))
        self._check(user.username, "reset", params.get("ConfirmationCode"))
        user.password = params["Password"]
        if user.status == "RESET_REQUIRED":
            user.status = "CONFIRMED"
        return {}

    def admin_create_user(self, params: Mapping[str, Any], forward: Forward) -> dict[str, Any]:
        username = params.get("Username", "")
        action = params.get("MessageAction")
        if action == "RESEND":
            return self._resend_invitation(username)
        attributes = list(params.get("UserAttributes") or [])
        self._check_new_user(username, attributes)
        if self.find_user(username) is not None:
            raise CognitoError("UsernameExistsException", "User account already exists")
        given = {a.get("Name"): a.get("Value") for a in attributes}
        if given.get("email_verified") == "true":
            self._check_alias_free(given.get("email"), None)
        password = params.get("TemporaryPassword") or self.temporary_password()
        self.check_password(password)
        self.run_pre_sign_up("PreSignUp_AdminCreateUser", username, attributes, "")
        answer = forward({**params, "TemporaryPassword": password})
        user = self.pool._get_user(username)
        with self._lock:
            self._temporary_since[user.username] = self.clock()
        if action != "SUPPRESS":
            self._invite(user, password)
        return answer

    def _invite(self, user: Any, password: str) -> None:
        email = user.attribute_lookup.get("email")
        if not email:
            return
        body = self.settings.invitation_message.replace("{username}", user.username).replace("{####}", password)
        self.outbox.deliver(
            to=email,
            username=user.username,
            kind="invitation",
            subject=self.settings.invitation_subject,
            body=body,
            code=password,
        )

    def _resend_invitation(self, username: str) -> dict[str, Any]:
        user = self.find_user(username)
        if user is None:
            raise CognitoError("UserNotFoundException", "User does not exist.")
        if user.status != "FORCE_CHANGE_PASSWORD":
            raise CognitoError("UnsupportedUserStateException", "User is not in FORCE_CHANGE_PASSWORD state")
        password = self.temporary_password()
        user.password = password
        with self._lock:
            self._temporary_since[user.username] = self.clock()
        self._invite(user, password)
        return {
            "User": {
                "Username": user.username,
                "Attributes": [{"Name": k, "Value": v} for k, v in user.attribute_lookup.items()],
                "Enabled": user.enabled,
                "UserStatus": user.status,
                "UserCreateDate": user.create_date.timestamp(),
                "UserLastModifiedDate": user.last_modified_date.timestamp(),
            }
        }

    def before_initiate_auth(self, params: Mapping[str, Any]) -> None:
        if params.get("AuthFlow") != "USER_PASSWORD_AUTH":
            return
        auth = params.get("AuthParameters") or {}
        user = self.find_user(auth.get("USERNAME"))
        if user is None or user.status != "FORCE_CHANGE_PASSWORD" or user.password != auth.get("PASSWORD"):
            return
        with self._lock:
            since = self._temporary_since.get(user.username)
        if since is not None and self.clock() - since > self.settings.temporary_password_days * 86400:
            raise CognitoError(
                "NotAuthorizedException", "Temporary password has expired and must be reset by an administrator."
            )

    def after_initiate_auth(self, params: Mapping[str, Any], answer: dict[str, Any]) -> dict[str, Any]:
        """Cognito's NEW_PASSWORD_REQUIRED parameters (moto gives only USERNAME)."""
        if answer.get("ChallengeName") != "NEW_PASSWORD_REQUIRED":
            return answer
        user = self.find_user((answer.get("ChallengeParameters") or {}).get("USERNAME"))
        if user is None:
            return answer
        shown = {k: v for k, v in user.attribute_lookup.items() if k != "sub"}
        answer["ChallengeParameters"] = {
            "USER_ID_FOR_SRP": user.username,
            "requiredAttributes": "[]",
            "userAttributes": json.dumps(shown),
        }
        return answer
