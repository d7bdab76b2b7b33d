"""Users table: profiles (USER#<username>/PROFILE) and email guards (EMAIL#<email>/GUARD).

Uniqueness of username and email is enforced by one transaction of two conditional puts, never by
read-then-write.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from bookstore import aws
from bookstore.errors import EmailAlreadyUsed, UserAlreadyExists
from bookstore.models import UserProfile
from bookstore.repositories.dynamo import cancellation_codes, from_item, to_item

PROFILE_SK = "PROFILE"
GUARD_SK = "GUARD"


def user_key(username: str) -> dict[str, Any]:
    return to_item({"pk": f"USER#{username}", "sk": PROFILE_SK})


def email_key(email: str) -> dict[str, Any]:
    return to_item({"pk": f"EMAIL#{email}", "sk": GUARD_SK})


class UserRepository:
    def __init__(self, table_name: str, client: Any | None = None) -> None:
        self._table = table_name
        self._client = client

    @property
    def client(self) -> Any:
        return self._client or aws.client("dynamodb")

    def create(self, profile: UserProfile) -> bool:
        """Store a new profile and claim its email. True if created, False if this exact user exists.

        Raises UserAlreadyExists / EmailAlreadyUsed when another user holds the username or email.
        """
        item = {
            "pk": f"USER#{profile.username}",
            "sk": PROFILE_SK,
            "type": "user",
            **profile.model_dump(),
        }
        guard = {"pk": f"EMAIL#{profile.email}", "sk": GUARD_SK, "type": "email-guard", "username": profile.username}
        try:
            self.client.transact_write_items(
                TransactItems=[
                    {
                        "Put": {
                            "TableName": self._table,
                            "Item": to_item(item),
                            "ConditionExpression": "attribute_not_exists(pk)",
                        }
                    },
                    {
                        "Put": {
                            "TableName": self._table,
                            "Item": to_item(guard),
                            "ConditionExpression": "attribute_not_exists(pk) OR username = :u",
                            "ExpressionAttributeValues": to_item({":u": profile.username}),
                        }
                    },
                ]
            )
            return True
        except ClientError as err:
            if err.response["Error"]["Code"] != "TransactionCanceledException":
                raise
            codes = cancellation_codes(err)
            if codes and codes[0] == "ConditionalCheckFailed":
                existing = self.get(profile.username)
                if existing is not None and existing.email == profile.email:
                    return False  # a retry of the same registration
                raise UserAlreadyExists(f"The username {profile.username!r} is already taken.") from err
            if len(codes) > 1 and codes[1] == "ConditionalCheckFailed":
                raise EmailAlreadyUsed(f"The email {profile.email!r} is already used by another user.") from err
            raise

    def get(self, username: str) -> UserProfile | None:
        response = self.client.get_item(TableName=self._table, Key=user_key(username), ConsistentRead=True)
        item = response.get("Item")
        if item is None:
            return None
        return UserProfile.model_validate(from_item(item))

    def email_owner(self, email: str) -> str | None:
        response = self.client.get_item(TableName=self._table, Key=email_key(email), ConsistentRead=True)
        item = response.get("Item")
        return None if item is None else str(from_item(item)["username"])
