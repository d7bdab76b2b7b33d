"""Account lifecycle: what happens when a user joins the store."""

from __future__ import annotations

from dataclasses import dataclass

from aws_lambda_powertools.metrics import MetricUnit

from bookstore.identity import CUSTOMERS_GROUP
from bookstore.observability import logger, metrics
from bookstore.repositories.directory import CognitoDirectory
from bookstore.repositories.users import UserRepository
from bookstore.users import UserProfile


@dataclass
class AccountService:
    users: UserRepository
    directory: CognitoDirectory

    def on_sign_up_confirmed(
        self, *, username: str, email: str, given_name: str | None = None, family_name: str | None = None
    ) -> bool:
        """A customer confirmed their own sign-up: put them in `customers` and create their profile.

        Safe to call again for the same user (Cognito retries triggers): the group membership is
        idempotent and the profile is created once. Returns True when the profile was created now.
        """
        # The pool is case-insensitive: Cognito is called with the name as registered, while the
        # profile is keyed by its lowercase form so "JDoe" and "jdoe" are one user everywhere.
        profile = UserProfile(
            username=username.lower(),
            email=email,
            given_name=given_name or None,
            family_name=family_name or None,
            source="self-sign-up",
        )
        # Group first: it is idempotent, and a customer without a profile can still be repaired later,
        # while a profile without the group would leave the user unable to shop.
        self.directory.add_to_group(username, CUSTOMERS_GROUP)
        created = self.users.create(profile)
        if created:
            metrics.add_metric(name="UsersRegistered", unit=MetricUnit.Count, value=1)
            logger.info("Customer profile created", extra={"username": profile.username})
        else:
            logger.info("Customer profile already existed; nothing to do", extra={"username": profile.username})
        return created
