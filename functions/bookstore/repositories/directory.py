"""The Cognito user pool as a directory of users and groups."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from botocore.exceptions import ClientError

from bookstore import aws
from bookstore.errors import EmailAlreadyUsed, UserAlreadyExists

TOTP_MFA = "SOFTWARE_TOKEN_MFA"


class CognitoDirectory:
    def __init__(self, user_pool_id: str, client: Any | None = None) -> None:
        self.user_pool_id = user_pool_id
        self._client = client

    @property
    def client(self) -> Any:
        return self._client or aws.client("cognito-idp")

    def add_to_group(self, username: str, group: str) -> None:
        """Idempotent: adding a member twice is not an error in Cognito."""
        self.client.admin_add_user_to_group(UserPoolId=self.user_pool_id, Username=username, GroupName=group)

    def groups_of(self, username: str) -> list[str]:
        response = self.client.admin_list_groups_for_user(UserPoolId=self.user_pool_id, Username=username)
        return [g["GroupName"] for g in response.get("Groups", [])]

    def get_attributes(self, username: str) -> dict[str, str] | None:
        """The user's attributes, or None when the pool has no such user (confirmed or not)."""
        try:
            response = self.client.admin_get_user(UserPoolId=self.user_pool_id, Username=username)
        except ClientError as err:
            if err.response["Error"]["Code"] == "UserNotFoundException":
                return None
            raise
        return {a["Name"]: a["Value"] for a in response.get("UserAttributes", [])}

    def mfa_enabled(self, username: str) -> bool:
        """Whether the user has TOTP MFA enabled: AdminGetUser's UserMFASettingList (the MFA types the user has
        activated) holds SOFTWARE_TOKEN_MFA. False for a user the pool does not have.
        https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminGetUser.html"""
        try:
            response = self.client.admin_get_user(UserPoolId=self.user_pool_id, Username=username)
        except ClientError as err:
            if err.response["Error"]["Code"] == "UserNotFoundException":
                return False
            raise
        return TOTP_MFA in (response.get("UserMFASettingList") or [])

    def users_with_email(self, email: str) -> list[str]:
        escaped = email.replace("\\", "\\\\").replace('"', '\\"')
        response = self.client.list_users(UserPoolId=self.user_pool_id, Filter=f'email = "{escaped}"', Limit=2)
        return [u["Username"] for u in response.get("Users", [])]

    def create_user(self, username: str, attributes: Mapping[str, str]) -> None:
        """Create a user; Cognito emails the invitation with a temporary password."""
        try:
            self.client.admin_create_user(
                UserPoolId=self.user_pool_id,
                Username=username,
                UserAttributes=[{"Name": k, "Value": v} for k, v in attributes.items()],
                DesiredDeliveryMediums=["EMAIL"],
            )
        except ClientError as err:
            code = err.response["Error"]["Code"]
            if code == "UsernameExistsException":
                raise UserAlreadyExists(f"The username {username!r} is already taken.") from err
            if code == "AliasExistsException":
                raise EmailAlreadyUsed("That email address is already used by another user.") from err
            raise

    def delete_user(self, username: str) -> None:
        try:
            self.client.admin_delete_user(UserPoolId=self.user_pool_id, Username=username)
        except ClientError as err:
            if err.response["Error"]["Code"] != "UserNotFoundException":
                raise

    def update_attributes(self, username: str, attributes: Mapping[str, str]) -> None:
        try:
            self.client.admin_update_user_attributes(
                UserPoolId=self.user_pool_id,
                Username=username,
                UserAttributes=[{"Name": k, "Value": v} for k, v in attributes.items()],
            )
        except ClientError as err:
            if err.response["Error"]["Code"] == "AliasExistsException":
                raise EmailAlreadyUsed("That email address is already used by another user.") from err
            raise

    def delete_attributes(self, username: str, names: list[str]) -> None:
        self.client.admin_delete_user_attributes(
            UserPoolId=self.user_pool_id, Username=username, UserAttributeNames=names
        )
