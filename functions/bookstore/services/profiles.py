"""A customer's own profile."""

from __future__ import annotations

from dataclasses import dataclass

from bookstore.addresses import DeliveryAddress
from bookstore.errors import Conflict, ValidationError
from bookstore.identity import SignedIn
from bookstore.services.accounts import AccountService
from bookstore.services.user_admin import UserAdminService, check_email_format
from bookstore.users import UserProfile, utc_now

NO_ADDRESS = (
    "An order needs a delivery address, and you have none saved: add one on your account page in the shop (or "
    "give one at checkout; it is kept for your next orders), then order again."
)


@dataclass
class ProfileService:
    admin: UserAdminService
    accounts: AccountService

    def me(self, who: SignedIn, email: str | None) -> UserProfile:
        """The caller's profile; created from their verified token if the sign-up trigger never made it."""
        profile = self.admin.users.get(who.username)
        if profile is None:
            if not email:
                raise ValidationError("Your profile is missing and your token carries no email to rebuild it.")
            self.accounts.on_sign_up_confirmed(username=who.username, email=email)
            profile = self.admin.users.get(who.username)
            if profile is None:  # deleted again between the two reads
                raise Conflict("Your profile changed while it was being rebuilt; please try again.")
        return profile

    def update_me(
        self,
        who: SignedIn,
        email: str | None,
        *,
        given_name: str | None,
        family_name: str | None,
        new_email: str | None = None,
        address: DeliveryAddress | None = None,
        forget_address: bool = False,
    ) -> UserProfile:
        if given_name is None and family_name is None and new_email is None and address is None and not forget_address:
            raise ValidationError("Nothing to change: send given_name, family_name, email and/or delivery_address.")
        profile = self.me(who, email)
        if new_email is not None:
            profile = self._take_verified_email(profile, new_email)
        if address is not None or forget_address:
            profile = self._keep_address(profile, address)
        if given_name is not None:
            profile = self.admin.edit(username=profile.username, attribute="first name", value=given_name).profile
        if family_name is not None:
            profile = self.admin.edit(username=profile.username, attribute="last name", value=family_name).profile
        return profile

    def _take_verified_email(self, profile: UserProfile, raw: str) -> UserProfile:
        """The profile takes the address the user has verified in Cognito, and no other: a customer changes
        their address through Cognito (UpdateUserAttributes, then VerifyUserAttribute with the code sent to the
        new address; the pool keeps the old one until then), and this brings the profile along."""
        address = check_email_format(raw)
        cognito = self.admin.directory.get_attributes(profile.username) or {}
        if cognito.get("email", "").lower() != address or cognito.get("email_verified") != "true":
            raise ValidationError(
                "Verify the new address first: change it on your account page and enter the code we sent to it."
            )
        if profile.email == address:
            return profile
        changed = profile.model_copy(update={"email": address, "updated_at": utc_now()})
        self.admin.users.update(profile, changed)  # moves the e-mail guard; EmailAlreadyUsed if it is taken
        return changed

    def delivery_address(self, who: SignedIn, given: DeliveryAddress | None = None) -> DeliveryAddress:
        """Where an order goes: the address given with it, else the one saved on the customer's profile.
        ValidationError when there is neither: no order is placed without somewhere to send it."""
        address = given or self.saved_address(who)
        if address is None:
            raise ValidationError(NO_ADDRESS)
        return address

    def saved_address(self, who: SignedIn) -> DeliveryAddress | None:
        profile = self.admin.users.get(who.username)
        return None if profile is None else profile.delivery_address

    def _keep_address(self, profile: UserProfile, address: DeliveryAddress | None) -> UserProfile:
        """Save `address` as where the customer's orders go by default (None: forget the saved one)."""
        if profile.delivery_address == address:
            return profile
        changed = profile.model_copy(update={"delivery_address": address, "updated_at": utc_now()})
        self.admin.users.update(profile, changed)
        return changed
