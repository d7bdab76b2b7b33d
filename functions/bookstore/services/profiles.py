"""A customer's own profile."""

from __future__ import annotations

from dataclasses import dataclass

from bookstore.errors import ValidationError
from bookstore.models import UserProfile
from bookstore.services.accounts import AccountService
from bookstore.services.user_admin import UserAdminService


@dataclass
class ProfileService:
    admin: UserAdminService
    accounts: AccountService

    def me(self, username: str, email: str | None) -> UserProfile:
        """The caller's profile; created from their verified token if the sign-up trigger never made it."""
        profile = self.admin.users.get(username.lower())
        if profile is None:
            if not email:
                raise ValidationError("Your profile is missing and your token carries no email to rebuild it.")
            self.accounts.on_sign_up_confirmed(username=username, email=email)
            profile = self.admin.users.get(username.lower())
            assert profile is not None
        return profile

    def update_me(
        self, username: str, email: str | None, *, given_name: str | None, family_name: str | None
    ) -> UserProfile:
        if given_name is None and family_name is None:
            raise ValidationError("Nothing to change: send given_name and/or family_name.")
        profile = self.me(username, email)
        if given_name is not None:
            profile = self.admin.edit(username=profile.username, attribute="first name", value=given_name).profile
        if family_name is not None:
            profile = self.admin.edit(username=profile.username, attribute="last name", value=family_name).profile
        return profile
