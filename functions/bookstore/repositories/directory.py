"""The Cognito user pool as a directory of users and groups."""

from __future__ import annotations

from typing import Any

from bookstore import aws


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
