"""Staff user administration: register a user, edit a user. Used by the bot (and the staff API routes).

Every write sequence leaves no partial state: the users table is written first (its conditional
transaction is what decides races on a username or an email), then Cognito; when a later step fails,
the earlier ones are undone before the error is raised. A retried request that already succeeded
returns the same result instead of an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from aws_lambda_powertools.metrics import MetricUnit

from bookstore.env import StaffMfaEnv
from bookstore.errors import (
    EmailAlreadyUsed,
    NotAuthorized,
    NotStaff,
    UserAlreadyExists,
    UserNotFound,
    ValidationError,
)
from bookstore.identity import CUSTOMERS_GROUP, STAFF_GROUP, SignedIn
from bookstore.observability import logger, metrics
from bookstore.ports import UserDirectory, UserStore
from bookstore.users import USERNAME_RE, UserProfile, normalize_email, utc_now

Attribute = Literal["email", "first name", "last name"]
ATTRIBUTES: dict[str, Attribute] = {"email": "email", "first name": "first name", "last name": "last name"}
_COGNITO_ATTRIBUTE = {"email": "email", "first name": "given_name", "last name": "family_name"}
_PROFILE_FIELD = {"email": "email", "first name": "given_name", "last name": "family_name"}
_NAME_RE = re.compile(r"^[^\W\d_]+(?:[ '.-][^\W\d_]+)*\.?$")

STAFF_MFA_NEEDED = (
    "Staff actions need two-step sign-in: turn on an authenticator app in your account page, then sign in again."
)

USERNAME_RULE = (
    "A username is 3 to 30 lowercase letters, digits, dots, underscores or hyphens, and starts with a letter."
)


def check_username_format(raw: str) -> str:
    # The user pool is case-insensitive, so "JDoe" names the same user as "jdoe".
    username = raw.strip().lower()
    if not USERNAME_RE.fullmatch(username):
        raise ValidationError(f"{raw.strip()!r} is not a valid username. {USERNAME_RULE}")
    return username


def check_email_format(raw: str) -> str:
    try:
        return normalize_email(raw)
    except ValueError:
        raise ValidationError(f"{raw.strip()!r} is not a valid email address, like jdoe@example.com.") from None


def check_person_name(raw: str, what: str) -> str:
    name = " ".join(raw.split())
    if not (1 <= len(name) <= 64) or not _NAME_RE.match(name):
        raise ValidationError(
            f"{raw.strip()!r} does not look like a {what}: use letters, spaces, hyphens or apostrophes."
        )
    return name


def check_attribute(raw: str) -> Attribute:
    attribute = ATTRIBUTES.get(" ".join(raw.lower().split()))
    if attribute is None:
        raise ValidationError(f"I can change the email, first name or last name, not {raw.strip()!r}.")
    return attribute


def profile_value(profile: UserProfile, attribute: Attribute) -> str:
    return str(getattr(profile, _PROFILE_FIELD[attribute]) or "")


@dataclass(frozen=True)
class EditResult:
    profile: UserProfile
    changed: bool


def _staff_mfa_required() -> bool:
    return StaffMfaEnv.load().staff_mfa_required


@dataclass
class UserAdminService:
    users: UserStore
    directory: UserDirectory
    # STAFF_MFA_REQUIRED of the function's environment when not given (read once, where the function builds its
    # services at a cold start).
    staff_mfa_required: bool = field(default_factory=_staff_mfa_required)

    def require_staff(self, who: SignedIn | None) -> SignedIn:
        """The caller, if bookstore staff, with TOTP enabled where staff MFA is required; NotStaff or NotAuthorized
        otherwise. The one check in front of every staff action: the REST API's staff routes and the bot's staff
        intents both call it."""
        if who is None or not who.is_staff:
            raise NotStaff("Only bookstore staff may do this.")
        self.require_staff_second_factor(who)
        return who

    def require_staff_second_factor(self, who: SignedIn) -> None:
        """Where staff MFA is required, refuse a staff action unless the caller's Cognito user has TOTP enabled.

        The pool's MFA is OPTIONAL, and Cognito requires MFA at every sign-in of a user who has activated a factor
        (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_SetUserPoolMfaConfig.html,
        https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-mfa.html): once a staff
        member has TOTP enabled, nobody signs in to their account without it. Limit: tokens issued by a sign-in
        from before the factor was enabled (and the refresh token of that sign-in) are not told apart, so the
        account page should sign out everywhere once TOTP is turned on (docs/api.md#account-rules).
        """
        if not self.staff_mfa_required:
            return
        if self.directory.mfa_enabled(who.username):
            return
        metrics.add_metric(name="StaffActionsWithoutMfa", unit=MetricUnit.Count, value=1)
        logger.info("Staff action refused: no TOTP MFA", extra={"caller": who.username})
        raise NotAuthorized(STAFF_MFA_NEEDED)

    # Checks used while the conversation collects values (dialog code hook) and again at fulfillment.

    def check_new_username(self, raw: str) -> str:
        username = check_username_format(raw)
        if self.users.get(username) is not None or self.directory.get_attributes(username) is not None:
            raise UserAlreadyExists(f"The username {username} is already taken. Please choose another one.")
        return username

    def check_new_email(self, raw: str, *, for_username: str | None = None) -> str:
        email = check_email_format(raw)
        owner = self.users.email_owner(email)
        others = [u for u in self.directory.users_with_email(email) if u.lower() != for_username]
        if (owner is not None and owner != for_username) or others:
            raise EmailAlreadyUsed(f"The email {email} is already used by another user. Please give another one.")
        return email

    def existing_user(self, raw: str) -> UserProfile:
        username = check_username_format(raw)
        profile = self.users.get(username)
        if profile is None:
            raise UserNotFound(f"I can't find a user named {username}. Please check the username.")
        self.refuse_staff_target(username)
        return profile

    def refuse_staff_target(self, username: str) -> None:
        """Staff may not edit or re-register a staff member: only an operator can, outside the app."""
        if self.directory.get_attributes(username) is None:
            return
        if STAFF_GROUP in self.directory.groups_of(username):
            raise NotAuthorized(
                f"{username} is a staff member: staff accounts can only be changed by an operator, not here."
            )

    def check_new_value(self, attribute: Attribute, raw: str, username: str) -> str:
        if attribute == "email":
            return self.check_new_email(raw, for_username=username)
        return check_person_name(raw, attribute)

    # Writes.

    def register(
        self, *, username: str, email: str, given_name: str | None = None, family_name: str | None = None
    ) -> bool:
        """Create the profile and the Cognito user (invited by email, in `customers`).

        Returns True when created now, False when this exact registration had already been done (a retried
        fulfillment). Raises UserAlreadyExists / EmailAlreadyUsed / ValidationError otherwise.
        """
        profile = UserProfile(
            username=check_username_format(username),
            email=check_email_format(email),
            given_name=check_person_name(given_name, "first name") if given_name else None,
            family_name=check_person_name(family_name, "last name") if family_name else None,
            source="staff",
        )
        created = self.users.create(profile)
        if not created:
            stored = self.users.get(profile.username)
            if stored is None or stored.source != "staff":
                raise UserAlreadyExists(f"The username {profile.username} is already taken.")
            profile = stored
        cognito_created = False
        try:
            existing = self.directory.get_attributes(profile.username)
            if existing is None:
                # email_verified=true without a code, on purpose: the invitation's temporary password is sent only
                # to this address, and Cognito refuses ForgotPassword to a user in FORCE_CHANGE_PASSWORD (the status
                # until the first sign-in with that password: "users can't use the ForgotPassword API",
                # https://repost.aws/knowledge-center/cognito-forgot-password). So the address is proven by the
                # first sign-in before any recovery can use it. Unverified, it would leave the user no recovery
                # (EMAIL_ONLY) until they verified it themselves: ForgotPassword answers InvalidParameterException
                # when no verified e-mail exists,
                # https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ForgotPassword.html.
                attributes = {"email": profile.email, "email_verified": "true"}
                if profile.given_name:
                    attributes["given_name"] = profile.given_name
                if profile.family_name:
                    attributes["family_name"] = profile.family_name
                self.directory.create_user(profile.username, attributes)
                cognito_created = True
            elif existing.get("email", "").lower() != profile.email:
                raise UserAlreadyExists(f"The username {profile.username} is already taken.")
            else:
                self.refuse_staff_target(profile.username)
            self.directory.add_to_group(profile.username, CUSTOMERS_GROUP)
        except Exception:
            if created or cognito_created:
                self._undo_registration(profile, delete_profile=created, delete_cognito_user=cognito_created)
            raise
        if created or cognito_created:
            metrics.add_metric(name="UsersRegistered", unit=MetricUnit.Count, value=1)
            logger.info("User registered by staff", extra={"username": profile.username})
            return True
        logger.info("Registration already complete (retried request)", extra={"username": profile.username})
        return False

    def _undo_registration(self, profile: UserProfile, *, delete_profile: bool, delete_cognito_user: bool) -> None:
        logger.warning("Undoing a partial registration", extra={"username": profile.username})
        try:
            if delete_cognito_user:
                self.directory.delete_user(profile.username)
            if delete_profile:
                self.users.delete(profile)
        except Exception:  # the original error matters more; this one is logged for an operator
            logger.exception("Compensation failed; manual clean-up needed", extra={"username": profile.username})

    def edit(self, *, username: str, attribute: str, value: str) -> EditResult:
        """Change one attribute in the profile and in Cognito. An unchanged value is a successful no-op."""
        current = self.existing_user(username)
        name = check_attribute(attribute)
        new_value = self.check_new_value(name, value, current.username)
        field = _PROFILE_FIELD[name]
        if getattr(current, field) == new_value:
            cognito = self.directory.get_attributes(current.username) or {}
            if cognito.get(_COGNITO_ATTRIBUTE[name]) != new_value:
                self.directory.update_attributes(current.username, self._cognito_attributes(name, new_value))
            return EditResult(profile=current, changed=False)
        changed = current.model_copy(update={field: new_value, "updated_at": utc_now()})
        self.users.update(current, changed)
        try:
            self.directory.update_attributes(current.username, self._cognito_attributes(name, new_value))
        except Exception:
            self._undo_edit(current, changed)
            raise
        metrics.add_metric(name="UsersEdited", unit=MetricUnit.Count, value=1)
        logger.info("User edited by staff", extra={"username": current.username, "attribute": name})
        return EditResult(profile=changed, changed=True)

    @staticmethod
    def _cognito_attributes(attribute: Attribute, value: str) -> dict[str, str]:
        attributes = {_COGNITO_ATTRIBUTE[attribute]: value}
        if attribute == "email":
            # Never "true": staff have not proven the new address belongs to the user, and a verified address
            # is where "forgot password" sends its code (account recovery is EMAIL_ONLY). AdminUpdateUserAttributes
            # with email_verified=true is the documented way to skip verification; without it, in a pool that
            # auto-verifies e-mail and keeps the original until the change is verified (auth stack
            # keep_original), Cognito sends a code to the new address and keeps the old one until it is
            # confirmed. https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UserAttributeUpdateSettingsType.html
            # and https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminUpdateUserAttributes.html
            attributes["email_verified"] = "false"
        return attributes

    def _undo_edit(self, current: UserProfile, changed: UserProfile) -> None:
        logger.warning("Undoing a partial edit", extra={"username": current.username})
        try:
            self.users.update(changed, current)
        except Exception:
            logger.exception("Compensation failed; manual clean-up needed", extra={"username": current.username})
