"""E-mail changes in the local user pool: a new address stays pending, the original kept, until the code sent to
it verifies it (AttributesRequireVerificationBeforeUpdate), unless an administrator vouches for it
(cognito_flows.py)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from local.world.cognito_pool import EMAIL_FORMAT, CognitoError, Forward, PoolFlows

ATTRIBUTE_CODE_SECONDS = 24 * 3600


def _email_only(params: Mapping[str, Any]) -> None:
    if params.get("AttributeName") != "email":
        raise CognitoError("InvalidParameterException", "This pool verifies e-mail addresses only.")


class AttributeFlows(PoolFlows):
    """UpdateUserAttributes, AdminUpdateUserAttributes, GetUserAttributeVerificationCode and VerifyUserAttribute."""

    def update_user_attributes(self, params: Mapping[str, Any], forward: Forward) -> dict[str, Any]:
        user = self._token_owner(params)
        attributes = list(params.get("UserAttributes") or [])
        client_id = self._token_client(params.get("AccessToken", ""))
        if client_id:
            self._check_writable(client_id, attributes)
        rest, details = self._hold_email(user, attributes)
        if rest:
            forward({**params, "UserAttributes": rest})
        return {"CodeDeliveryDetailsList": details}

    def admin_update_user_attributes(self, params: Mapping[str, Any], forward: Forward) -> dict[str, Any]:
        user = self.find_user(params.get("Username"))
        if user is None:
            raise CognitoError("UserNotFoundException", "User does not exist.")
        attributes = list(params.get("UserAttributes") or [])
        if any(a.get("Name") == "email_verified" and a.get("Value") == "true" for a in attributes):
            new = next((a.get("Value") for a in attributes if a.get("Name") == "email"), None)
            self._check_alias_free(new or user.attribute_lookup.get("email"), user)
            forward(params)  # an administrator vouches for the address: Cognito applies it at once
            return {}
        rest, _ = self._hold_email(user, attributes)
        if rest:
            forward({**params, "UserAttributes": rest})
        return {}

    def _hold_email(
        self, user: Any, attributes: list[Mapping[str, str]]
    ) -> tuple[list[Mapping[str, str]], list[dict[str, str]]]:
        """Keep a new e-mail pending until verified (keep_original); the other attributes pass."""
        new = next((a["Value"] for a in attributes if a.get("Name") == "email"), None)
        if new is not None and not EMAIL_FORMAT.fullmatch(new):
            raise CognitoError("InvalidParameterException", "Invalid email address format.")
        if new is None or "email" not in self.settings.keep_original:
            return attributes, []
        rest = [a for a in attributes if a.get("Name") not in ("email", "email_verified")]
        if new.lower() == user.attribute_lookup.get("email", "").lower():
            with self._lock:
                self._pending_email.pop(user.username, None)
            return rest, []
        with self._lock:
            self._pending_email[user.username] = new
        details = self._send_code(user.username, new, "email verification", "email", ATTRIBUTE_CODE_SECONDS)
        return rest, [details]

    def pending_email(self, username: str) -> str | None:
        with self._lock:
            return self._pending_email.get(username)

    def get_user_attribute_verification_code(self, params: Mapping[str, Any]) -> dict[str, Any]:
        user = self._token_owner(params)
        _email_only(params)
        address = self.pending_email(user.username) or user.attribute_lookup.get("email", "")
        return {
            "CodeDeliveryDetails": self._send_code(
                user.username, address, "email verification", "email", ATTRIBUTE_CODE_SECONDS
            )
        }

    def verify_user_attribute(self, params: Mapping[str, Any]) -> dict[str, Any]:
        user = self._token_owner(params)
        _email_only(params)
        with self._lock:
            pending = self._pending_email.get(user.username)
        self._check(user.username, "email", params.get("Code"))
        self._check_alias_free(pending or user.attribute_lookup.get("email"), user)
        with self._lock:
            new = self._pending_email.pop(user.username, None)
        update = [{"Name": "email_verified", "Value": "true"}]
        if new is not None:
            update.insert(0, {"Name": "email", "Value": new})
        user.update_attributes(update)
        return {}
