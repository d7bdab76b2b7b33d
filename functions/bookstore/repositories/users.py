"""Users table: profiles (USER#<username>/PROFILE) and email guards (EMAIL#<email>/GUARD).

Uniqueness of username and email is enforced by one transaction of two conditional puts, never by
read-then-write.
"""

from __future__ import annotations

from typing import Any

from bookstore.errors import Conflict, EmailAlreadyUsed, UserAlreadyExists
from bookstore.repositories.dynamo import DynamoRepository, from_item, to_item
from bookstore.users import UserProfile, utc_now

PROFILE_SK = "PROFILE"
GUARD_SK = "GUARD"


def user_key(username: str) -> dict[str, Any]:
    return to_item({"pk": f"USER#{username}", "sk": PROFILE_SK})


def email_key(email: str) -> dict[str, Any]:
    return to_item({"pk": f"EMAIL#{email}", "sk": GUARD_SK})


def _claim_email(table: str, email: str, username: str) -> dict[str, Any]:
    """Put the email guard for `username`: succeeds if the email is free or already theirs."""
    guard = {"pk": f"EMAIL#{email}", "sk": GUARD_SK, "type": "email-guard", "username": username}
    return {
        "Put": {
            "TableName": table,
            "Item": to_item(guard),
            "ConditionExpression": "attribute_not_exists(pk) OR username = :u",
            "ExpressionAttributeValues": to_item({":u": username}),
        }
    }


class UserRepository(DynamoRepository):
    def create(self, profile: UserProfile) -> bool:
        """Store a new profile and claim its email. True if created, False if this exact user exists.

        Raises UserAlreadyExists / EmailAlreadyUsed when another user holds the username or email.
        """
        item = {
            "pk": f"USER#{profile.username}",
            "sk": PROFILE_SK,
            "type": "user",
            **profile.model_dump(exclude_none=True),
        }
        codes = self.transact(
            [
                {
                    "Put": {
                        "TableName": self.table,
                        "Item": to_item(item),
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
                _claim_email(self.table, profile.email, profile.username),
            ]
        )
        if codes is None:
            return True
        if codes[0] == "ConditionalCheckFailed":
            existing = self.get(profile.username)
            if existing is not None and existing.email == profile.email:
                return False  # a retry of the same registration
            raise UserAlreadyExists(f"The username {profile.username!r} is already taken.")
        raise EmailAlreadyUsed(f"The email {profile.email!r} is already used by another user.")

    def get(self, username: str) -> UserProfile | None:
        response = self.client.get_item(TableName=self.table, Key=user_key(username), ConsistentRead=True)
        item = response.get("Item")
        if item is None:
            return None
        return UserProfile.model_validate(from_item(item))

    def email_owner(self, email: str) -> str | None:
        response = self.client.get_item(TableName=self.table, Key=email_key(email), ConsistentRead=True)
        item = response.get("Item")
        return None if item is None else str(from_item(item)["username"])

    def delete(self, profile: UserProfile) -> None:
        """Compensation: remove a profile and its email guard, only if they are still exactly ours."""
        self.client.transact_write_items(
            TransactItems=[
                {
                    "Delete": {
                        "TableName": self.table,
                        "Key": user_key(profile.username),
                        "ConditionExpression": "email = :e",
                        "ExpressionAttributeValues": to_item({":e": profile.email}),
                    }
                },
                {
                    "Delete": {
                        "TableName": self.table,
                        "Key": email_key(profile.email),
                        "ConditionExpression": "username = :u",
                        "ExpressionAttributeValues": to_item({":u": profile.username}),
                    }
                },
            ]
        )

    def update(self, current: UserProfile, changed: UserProfile) -> None:
        """Write `changed` over `current` in one transaction; moves the email guard when the email changes.

        Conditional on the stored profile still holding `current`'s email, so a concurrent edit is not
        silently overwritten. Raises EmailAlreadyUsed if the new email belongs to someone else.
        """
        names = {"#e": "email", "#g": "given_name", "#f": "family_name", "#t": "updated_at", "#a": "delivery_address"}
        values: dict[str, Any] = {":e": changed.email, ":old": current.email, ":t": changed.updated_at or utc_now()}
        sets = ["#e = :e", "#t = :t"]
        removes = []
        for placeholder, field in (("#g", "given_name"), ("#f", "family_name"), ("#a", "delivery_address")):
            value = changed.model_dump(include={field}, exclude_none=True).get(field)
            if value is None:
                removes.append(placeholder)
            else:
                values[f":{field}"] = value
                sets.append(f"{placeholder} = :{field}")
        expression = "SET " + ", ".join(sets) + (" REMOVE " + ", ".join(removes) if removes else "")
        items: list[dict[str, Any]] = [
            {
                "Update": {
                    "TableName": self.table,
                    "Key": user_key(current.username),
                    "UpdateExpression": expression,
                    "ConditionExpression": "attribute_exists(pk) AND #e = :old",
                    "ExpressionAttributeNames": names,
                    "ExpressionAttributeValues": to_item(values),
                }
            }
        ]
        if changed.email != current.email:
            items += [
                {
                    "Delete": {
                        "TableName": self.table,
                        "Key": email_key(current.email),
                        "ConditionExpression": "username = :u",
                        "ExpressionAttributeValues": to_item({":u": current.username}),
                    }
                },
                _claim_email(self.table, changed.email, current.username),
            ]
        codes = self.transact(items)
        if codes is None:
            return
        if len(codes) > 2 and codes[2] == "ConditionalCheckFailed":
            raise EmailAlreadyUsed(f"The email {changed.email!r} is already used by another user.")
        raise Conflict(f"The user {current.username!r} changed meanwhile; please try again.")
