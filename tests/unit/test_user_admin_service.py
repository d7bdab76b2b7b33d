"""UserAdminService on in-memory fakes: registering and editing users, their checks, and every compensation path
(a later step fails, so the earlier ones are undone before the error is raised)."""

from __future__ import annotations

import pytest

from bookstore.errors import EmailAlreadyUsed, NotAuthorized, UserAlreadyExists, UserNotFound, ValidationError
from bookstore.identity import SignedIn
from bookstore.services.user_admin import STAFF_MFA_NEEDED, UserAdminService
from bookstore.users import UserProfile
from tests.unit.fakes import AwsError, FakeDirectory, FakeUsers

pytestmark = pytest.mark.usefixtures("no_aws")

JDOE = UserProfile(username="jdoe", email="jdoe@example.com", given_name="John", family_name="Doe", source="staff",
                   created_at="2024-01-01T00:00:00.000Z", updated_at="2024-01-02T00:00:00.000Z")  # fmt: skip


@pytest.fixture
def users() -> FakeUsers:
    return FakeUsers()


@pytest.fixture
def directory() -> FakeDirectory:
    return FakeDirectory()


@pytest.fixture
def admin(users: FakeUsers, directory: FakeDirectory) -> UserAdminService:
    return UserAdminService(users=users, directory=directory, staff_mfa_required=True)


@pytest.fixture
def jdoe(users: FakeUsers, directory: FakeDirectory) -> UserProfile:
    """An existing customer: profile, email guard and Cognito user in `customers`."""
    users.create(JDOE)
    directory.add("jdoe", JDOE.email, "customers")
    directory.attributes["jdoe"].update(given_name="John", family_name="Doe")
    return JDOE


def register_jane(admin: UserAdminService) -> bool:
    return admin.register(username=" JSmith ", email="Jane.Smith@Example.com ", given_name="Jane", family_name="Smith")


def nothing_stored(users: FakeUsers, directory: FakeDirectory) -> bool:
    return not users.profiles and not users.guards and not directory.attributes


# ---- register ------------------------------------------------------------------------------------------------


def test_register_creates_the_profile_and_an_invited_customer(admin, users, directory) -> None:
    assert register_jane(admin) is True

    profile = users.profiles["jsmith"]
    assert (profile.email, profile.given_name, profile.family_name, profile.source) == (
        "jane.smith@example.com", "Jane", "Smith", "staff",
    )  # fmt: skip
    assert users.guards == {"jane.smith@example.com": "jsmith"}
    assert directory.attributes["jsmith"] == {
        "sub": "sub-jsmith",
        "email": "jane.smith@example.com",
        "email_verified": "true",
        "given_name": "Jane",
        "family_name": "Smith",
    }
    assert directory.groups["jsmith"] == {"customers"}


def test_a_retried_registration_is_done_once(admin, users, directory) -> None:
    # Given a registration that completed
    assert register_jane(admin) is True

    # When the same request comes again (a retried fulfillment)
    again = register_jane(admin)

    # Then it reports "already done" and creates nothing more
    assert again is False
    assert list(users.profiles) == list(directory.attributes) == ["jsmith"]
    assert directory.calls.count("create_user") == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"username": "j"}, "not a valid username"),
        ({"username": "9lives"}, "not a valid username"),
        ({"username": "jane smith"}, "not a valid username"),
        ({"email": "jane@"}, "not a valid email address"),
        ({"email": "jane smith@example.com"}, "not a valid email address"),
        ({"given_name": "J4ne"}, "does not look like a first name"),
        ({"family_name": "Smith!"}, "does not look like a last name"),
        ({"family_name": "x" * 65}, "does not look like a last name"),
    ],
)
def test_register_refuses_invalid_values_before_writing(admin, users, directory, fields, message: str) -> None:
    values = {"username": "jsmith", "email": "jane@example.com", "given_name": "Jane", "family_name": "Smith"}

    with pytest.raises(ValidationError, match=message):
        admin.register(**{**values, **fields})

    assert users.calls == directory.calls == []


def test_a_username_held_by_someone_else_is_refused(admin, users, directory, jdoe) -> None:
    with pytest.raises(UserAlreadyExists):
        admin.register(username="jdoe", email="other@example.com")

    assert users.profiles == {"jdoe": jdoe}
    assert directory.calls == []


def test_an_email_held_by_someone_else_is_refused(admin, users, directory, jdoe) -> None:
    with pytest.raises(EmailAlreadyUsed):
        admin.register(username="jsmith", email=jdoe.email)

    assert list(users.profiles) == ["jdoe"]
    assert users.guards == {jdoe.email: "jdoe"}
    assert list(directory.attributes) == ["jdoe"]


@pytest.mark.parametrize(
    "error",
    [AwsError("InternalErrorException"), EmailAlreadyUsed("That email address is already used by another user.")],
    ids=["cognito down", "email alias taken"],
)
def test_cognito_refusing_the_user_removes_the_new_profile(admin, users, directory, error: Exception) -> None:
    # Given Cognito will refuse to create the user
    directory.fail("create_user", error)

    # When staff register someone
    with pytest.raises(type(error)):
        register_jane(admin)

    # Then the profile written first is removed again, guard and all
    assert nothing_stored(users, directory)
    assert users.calls[-1] == "delete"


def test_a_failed_group_membership_removes_the_new_cognito_user_and_profile(admin, users, directory) -> None:
    # Given adding the new user to `customers` fails
    directory.fail("add_to_group", AwsError("TooManyRequestsException"))

    # When staff register someone
    with pytest.raises(AwsError, match="TooManyRequestsException"):
        register_jane(admin)

    # Then both the Cognito user and the profile are gone
    assert nothing_stored(users, directory)
    assert directory.calls[-1] == "delete_user"


def test_a_cognito_user_of_that_name_with_another_email_is_left_alone(admin, users, directory) -> None:
    # Given Cognito has a jsmith (with no profile) who is someone else
    directory.add("jsmith", "someone.else@example.com", "customers")

    # When staff register jsmith with another address
    with pytest.raises(UserAlreadyExists):
        register_jane(admin)

    # Then the profile just written is removed and the existing Cognito user is untouched
    assert users.profiles == users.guards == {}
    assert directory.attributes["jsmith"]["email"] == "someone.else@example.com"
    assert "delete_user" not in directory.calls


def test_a_staff_member_cannot_be_registered_over(admin, users, directory) -> None:
    # Given Cognito has a staff member jsmith (with no profile), with the same address
    directory.add("jsmith", "jane.smith@example.com", "staff")

    # When staff register jsmith
    with pytest.raises(NotAuthorized, match="staff member"):
        register_jane(admin)

    # Then no profile is left behind and the staff member keeps their groups
    assert users.profiles == users.guards == {}
    assert directory.groups["jsmith"] == {"staff"}
    assert "delete_user" not in directory.calls


def test_a_cognito_user_left_by_an_earlier_attempt_is_completed(admin, users, directory) -> None:
    # Given an earlier attempt created the Cognito user (same address) but not the membership or the profile
    directory.add("jsmith", "jane.smith@example.com")

    # When staff register again
    assert register_jane(admin) is True

    # Then the profile exists and the user is a customer
    assert list(users.profiles) == ["jsmith"]
    assert directory.groups["jsmith"] == {"customers"}


def test_a_retry_whose_cognito_step_fails_keeps_the_profile_it_did_not_create(admin, users, directory) -> None:
    # Given the profile exists from an earlier attempt of this registration, and Cognito now fails
    users.create(UserProfile(username="jsmith", email="jane.smith@example.com", source="staff"))
    directory.fail("create_user", AwsError("InternalErrorException"))

    # When staff retry the registration
    with pytest.raises(AwsError):
        register_jane(admin)

    # Then the earlier attempt's profile is not this attempt's to remove
    assert list(users.profiles) == ["jsmith"]
    assert "delete" not in users.calls


def test_a_failed_compensation_still_raises_the_original_error(admin, users, directory) -> None:
    # Given Cognito refuses the user, and removing the profile fails too
    directory.fail("create_user", AwsError("InternalErrorException"))
    users.fail("delete", AwsError("ProvisionedThroughputExceededException"))

    # When staff register someone
    with pytest.raises(AwsError) as raised:
        register_jane(admin)

    # Then the caller learns why the registration failed (the clean-up failure is logged for an operator)
    assert raised.value.code == "InternalErrorException"
    assert list(users.profiles) == ["jsmith"]


# ---- edit ----------------------------------------------------------------------------------------------------


def test_edit_changes_the_profile_and_cognito(admin, users, directory, jdoe) -> None:
    result = admin.edit(username="JDoe", attribute=" First  Name ", value="  Johnny ")

    assert result.changed is True
    assert result.profile == users.profiles["jdoe"]
    assert (result.profile.given_name, result.profile.updated_at != jdoe.updated_at) == ("Johnny", True)
    assert directory.attributes["jdoe"]["given_name"] == "Johnny"


def test_an_email_edit_moves_the_guard_and_leaves_the_new_address_unverified(admin, users, directory, jdoe) -> None:
    result = admin.edit(username="jdoe", attribute="email", value="John.Doe@Example.org")

    assert result.profile.email == "john.doe@example.org"
    assert users.guards == {"john.doe@example.org": "jdoe"}
    assert (directory.attributes["jdoe"]["email"], directory.attributes["jdoe"]["email_verified"]) == (
        "john.doe@example.org", "false",
    )  # fmt: skip


def test_an_unchanged_value_is_a_no_op_that_still_repairs_cognito(admin, users, directory, jdoe) -> None:
    # Given Cognito lost the first name the profile has
    del directory.attributes["jdoe"]["given_name"]

    # When staff set the first name the profile already has
    result = admin.edit(username="jdoe", attribute="first name", value="John")

    # Then nothing changed in the profile, and Cognito has the name again
    assert (result.changed, result.profile) == (False, jdoe)
    assert "update" not in users.calls[1:]
    assert directory.attributes["jdoe"]["given_name"] == "John"


@pytest.mark.parametrize(
    ("username", "attribute", "value", "error", "message"),
    [
        ("jdoe", "password", "x", ValidationError, "email, first name or last name"),
        ("jdoe", "first name", "J0hn", ValidationError, "does not look like a first name"),
        ("jdoe", "email", "not-an-email", ValidationError, "not a valid email address"),
        ("J D", "email", "j@example.com", ValidationError, "not a valid username"),
        ("nobody", "email", "j@example.com", UserNotFound, "can't find a user named nobody"),
    ],
)
def test_edit_refuses_bad_requests_without_writing(
    admin, users, directory, jdoe, username, attribute, value, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        admin.edit(username=username, attribute=attribute, value=value)

    assert users.profiles == {"jdoe": jdoe}
    assert "update_attributes" not in directory.calls


def test_staff_members_cannot_be_edited(admin, users, directory) -> None:
    users.create(UserProfile(username="boss", email="boss@example.com", source="staff"))
    directory.add("boss", "boss@example.com", "staff")

    with pytest.raises(NotAuthorized, match="staff member"):
        admin.edit(username="boss", attribute="last name", value="Smith")

    assert "update" not in users.calls[1:]


def test_an_email_of_another_user_is_refused(admin, users, directory, jdoe) -> None:
    users.create(UserProfile(username="jsmith", email="jane@example.com", source="staff"))

    with pytest.raises(EmailAlreadyUsed):
        admin.edit(username="jdoe", attribute="email", value="jane@example.com")

    assert users.profiles["jdoe"] == jdoe


@pytest.mark.parametrize(
    ("attribute", "value", "error"),
    [
        ("last name", "Smith", AwsError("InternalErrorException")),
        ("email", "john@example.org", AwsError("InternalErrorException")),
        # Cognito knows the address as another user's sign-in alias, though no profile claims it.
        ("email", "john@example.org", EmailAlreadyUsed("That email address is already used by another user.")),
    ],
    ids=["name, cognito down", "email, cognito down", "email, alias taken"],
)
def test_an_edit_cognito_refuses_is_undone_in_the_profile(
    admin, users, directory, jdoe, attribute: str, value: str, error: Exception
) -> None:
    # Given Cognito will refuse the change
    directory.fail("update_attributes", error)

    # When staff edit the user
    with pytest.raises(type(error)):
        admin.edit(username="jdoe", attribute=attribute, value=value)

    # Then the profile and the email guard are as they were
    restored = users.profiles["jdoe"]
    assert (restored.email, restored.given_name, restored.family_name) == (jdoe.email, "John", "Doe")
    assert users.guards == {jdoe.email: "jdoe"}
    assert directory.attributes["jdoe"]["email"] == jdoe.email


def test_a_failed_undo_of_an_edit_still_raises_the_original_error(admin, users, directory, jdoe) -> None:
    # Given Cognito refuses the change, and writing the old profile back fails too
    directory.fail("update_attributes", AwsError("InternalErrorException"))
    users.fail("update", AwsError("ProvisionedThroughputExceededException"), skip=1)

    # When staff edit the user
    with pytest.raises(AwsError) as raised:
        admin.edit(username="jdoe", attribute="last name", value="Smith")

    # Then the caller sees Cognito's error; the profile keeps the change (logged for an operator)
    assert raised.value.code == "InternalErrorException"
    assert users.profiles["jdoe"].family_name == "Smith"


# ---- checks --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["profile", "cognito"])
def test_a_new_username_must_be_free_in_the_profiles_and_in_cognito(admin, users, directory, where: str) -> None:
    if where == "profile":
        users.create(UserProfile(username="jsmith", email="jane@example.com", source="self-sign-up"))
    else:
        directory.add("jsmith", "jane@example.com")

    with pytest.raises(UserAlreadyExists, match="jsmith is already taken"):
        admin.check_new_username("JSmith")
    assert admin.check_new_username(" Other ") == "other"


@pytest.mark.parametrize(
    ("required", "totp", "allowed"),
    [(True, True, True), (True, False, False), (False, False, True), (False, True, True)],
)
def test_staff_actions_need_a_second_factor_where_required(
    users, directory, required: bool, totp: bool, allowed: bool
) -> None:
    directory.add("boss", "boss@example.com", "staff", totp=totp)
    admin = UserAdminService(users=users, directory=directory, staff_mfa_required=required)
    who = SignedIn("boss", frozenset({"staff"}))

    if allowed:
        admin.require_staff_second_factor(who)
    else:
        with pytest.raises(NotAuthorized, match=STAFF_MFA_NEEDED):
            admin.require_staff_second_factor(who)
