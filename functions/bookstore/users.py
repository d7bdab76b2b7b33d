"""Domain models shared by the services, the API and the bot."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from bookstore.addresses import DeliveryAddress

# Lowercase letters, digits, '.', '_', '-'; 3 to 30 characters; starts with a letter. At most 30 because that is
# the longest value Lex stores in a slot of a regex-extended AMAZON.AlphaNumeric type, which is how the bot takes a
# username (bot/model.yaml UsernameValue, https://docs.aws.amazon.com/lexv2/latest/dg/built-in-slot-alphanumeric.html):
# a longer name could sign up but never be named to the bot.
USERNAME_MIN_LENGTH, USERNAME_MAX_LENGTH = 3, 30
USERNAME_RE = re.compile(rf"^[a-z][a-z0-9._-]{{{USERNAME_MIN_LENGTH - 1},{USERNAME_MAX_LENGTH - 1}}}$")
# Pragmatic address syntax: one '@', a dot in the domain, no spaces; at most 254 characters (RFC 5321).
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
EMAIL_RE = re.compile(rf"^[A-Za-z0-9.!#$%&'*+/=?^_`{{|}}~-]+@{_LABEL}(?:\.{_LABEL})+$")


def normalize_email(value: str) -> str:
    email = value.strip().lower()
    if len(email) > 254 or not EMAIL_RE.match(email):
        raise ValueError(f"{value!r} is not a valid email address")
    return email


def check_username(value: str) -> str:
    if not USERNAME_RE.fullmatch(value):  # `$` alone would let "jdoe\n" through
        raise ValueError("a username is 3 to 30 lowercase letters, digits, '.', '_' or '-', starting with a letter")
    return value


Username = Annotated[str, AfterValidator(check_username)]
Email = Annotated[str, AfterValidator(normalize_email)]
PersonName = Annotated[str, Field(min_length=1, max_length=64)]


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class UserProfile(BaseModel):
    model_config = ConfigDict(frozen=True)

    username: Username
    email: Email
    given_name: PersonName | None = None
    family_name: PersonName | None = None
    source: Literal["self-sign-up", "staff"]
    created_at: str = Field(default_factory=utc_now)
    updated_at: str | None = None
    # Where the customer's orders go unless they name another: saved at checkout (PATCH /me), used by the bot.
    delivery_address: DeliveryAddress | None = None
