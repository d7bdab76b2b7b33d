"""Sign-up in the local user pool: the pre-sign-up trigger, the code e-mailed to confirm the address, its check
and a new one on request (cognito_flows.py)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from local.world.cognito_pool import WRONG_CODE, CognitoError, Forward, PoolFlows

SIGN_UP_CODE_SECONDS = 24 * 3600


def _status(user: Any) -> str:
    return str(getattr(user.status, "value", user.status))


class SignUpFlows(PoolFlows):
    """SignUp, ConfirmSignUp and ResendConfirmationCode."""

    def sign_up(self, params: Mapping[str, Any], forward: Forward) -> dict[str, Any]:
        client_id, username = params.get("ClientId", ""), params.get("Username", "")
        attributes = list(params.get("UserAttributes") or [])
        self._check_writable(client_id, attributes)
        self._check_new_user(username, attributes)
        self.check_password(params.get("Password"))
        if self.find_user(username) is not None:
            raise CognitoError("UsernameExistsException", "User already exists")
        self.run_pre_sign_up("PreSignUp_SignUp", username, attributes, client_id)
        answer = forward(params)
        user = self.pool._get_user(username)
        email = user.attribute_lookup.get("email")
        if email:
            answer["CodeDeliveryDetails"] = self._send_code(
                user.username, email, "sign-up code", "sign-up", SIGN_UP_CODE_SECONDS
            )
        answer["UserConfirmed"] = False
        return answer

    def confirm_sign_up(self, params: Mapping[str, Any]) -> dict[str, Any]:
        client_id = params.get("ClientId", "")
        user = self.find_user(params.get("Username"))
        if user is None:
            raise CognitoError("CodeMismatchException", WRONG_CODE)
        if user.status != "UNCONFIRMED":
            raise CognitoError("NotAuthorizedException", f"User cannot be confirmed. Current status is {_status(user)}")
        self._check(user.username, "sign-up", params.get("ConfirmationCode"))
        self._check_alias_free(user.attribute_lookup.get("email"), user)
        user.update_attributes([{"Name": "email_verified", "Value": "true"}])
        self.backend.confirm_sign_up(client_id, user.username)  # the post-confirmation trigger runs here
        return {}

    def resend_confirmation_code(self, params: Mapping[str, Any]) -> dict[str, Any]:
        user = self.find_user(params.get("Username"))
        if user is None:
            return self.unknown_user_code(params)
        if user.status != "UNCONFIRMED":
            raise CognitoError("InvalidParameterException", "User is already confirmed.")
        email = user.attribute_lookup.get("email", "")
        return {
            "CodeDeliveryDetails": self._send_code(
                user.username, email, "sign-up code", "sign-up", SIGN_UP_CODE_SECONDS
            )
        }
