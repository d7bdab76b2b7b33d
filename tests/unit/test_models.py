from __future__ import annotations

import pytest
from pydantic import ValidationError

from bookstore.users import UserProfile, normalize_email


# At most 30: the longest value Lex stores in a regex-extended AMAZON.AlphaNumeric slot, which is how the bot
# takes usernames (https://docs.aws.amazon.com/lexv2/latest/dg/built-in-slot-alphanumeric.html).
@pytest.mark.parametrize("username", ["jdoe", "j.doe", "j_doe-2", "abc", "a" * 30])
def test_username_valid_forms_accepted(username) -> None:
    assert UserProfile(username=username, email="a@example.com", source="staff").username == username


@pytest.mark.parametrize(
    "username",
    ["jd", "a" * 31, "JDoe", "1doe", "-doe", "j doe", "jdoe!", "", "jdöe", "jdoe\n"],
)
def test_username_invalid_forms_rejected_with_the_rule(username) -> None:
    with pytest.raises(ValidationError, match="3 to 30 lowercase letters"):
        UserProfile(username=username, email="a@example.com", source="staff")


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [("JDoe@Example.COM", "jdoe@example.com"), ("  a.b+tag@sub.example.co.uk ", "a.b+tag@sub.example.co.uk")],
)
def test_email_is_trimmed_and_lowercased(raw, normalized) -> None:
    assert normalize_email(raw) == normalized


@pytest.mark.parametrize(
    "email", ["jdoe", "jdoe@", "@example.com", "jdoe@example", "j doe@example.com", "a@-x.com", f"{'a' * 250}@x.com"]
)
def test_email_invalid_forms_rejected(email) -> None:
    with pytest.raises(ValueError, match="not a valid email address"):
        normalize_email(email)


def test_profile_timestamps_are_iso8601_utc() -> None:
    profile = UserProfile(username="jdoe", email="a@example.com", source="staff")
    assert profile.created_at.endswith("Z")
    assert "T" in profile.created_at
