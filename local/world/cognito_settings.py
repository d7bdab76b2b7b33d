"""What the local user pool's flows take from the synthesized AWS::Cognito::UserPool (`PoolSettings`, never a
parallel description), and its password policy, checked with Cognito's messages."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# Cognito's password symbols: https://docs.aws.amazon.com/cognito/latest/developerguide/managing-users-passwords.html
SYMBOLS = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- "


@dataclass(frozen=True)
class PoolSettings:
    """What the flows need from the synthesized AWS::Cognito::UserPool (never a parallel description)."""

    verification_subject: str
    verification_message: str
    invitation_subject: str
    invitation_message: str
    temporary_password_days: int
    password_policy: Mapping[str, Any]
    keep_original: frozenset[str]
    required_attributes: frozenset[str] = frozenset()
    alias_attributes: frozenset[str] = frozenset()

    @classmethod
    def from_template(cls, properties: Mapping[str, Any]) -> PoolSettings:
        verification = properties.get("VerificationMessageTemplate") or {}
        invite = (properties.get("AdminCreateUserConfig") or {}).get("InviteMessageTemplate") or {}
        policy = (properties.get("Policies") or {}).get("PasswordPolicy") or {}
        update = properties.get("UserAttributeUpdateSettings") or {}
        return cls(
            verification_subject=verification.get("EmailSubject")
            or properties.get("EmailVerificationSubject")
            or "Your verification code",
            verification_message=verification.get("EmailMessage")
            or properties.get("EmailVerificationMessage")
            or "Your verification code is {####}.",
            invitation_subject=invite.get("EmailSubject") or "Your temporary password",
            invitation_message=invite.get("EmailMessage")
            or "Your username is {username} and temporary password is {####}.",
            temporary_password_days=int(policy.get("TemporaryPasswordValidityDays", 7)),
            password_policy=dict(policy),
            keep_original=frozenset(update.get("AttributesRequireVerificationBeforeUpdate") or ()),
            required_attributes=frozenset(a["Name"] for a in properties.get("Schema") or () if a.get("Required")),
            alias_attributes=frozenset(properties.get("AliasAttributes") or ()),
        )


def policy_problem(password: str, policy: Mapping[str, Any]) -> str | None:
    """Cognito's message for the first rule `password` breaks, or None."""
    checks = (
        (len(password) >= int(policy.get("MinimumLength", 8)), "Password not long enough"),
        (
            not policy.get("RequireUppercase", True) or any(c.isupper() for c in password),
            "Password must have uppercase characters",
        ),
        (
            not policy.get("RequireLowercase", True) or any(c.islower() for c in password),
            "Password must have lowercase characters",
        ),
        (
            not policy.get("RequireNumbers", True) or any(c.isdigit() for c in password),
            "Password must have numeric characters",
        ),
        (
            not policy.get("RequireSymbols", True) or any(c in SYMBOLS for c in password),
            "Password must have symbol characters",
        ),
    )
    for ok, message in checks:
        if not ok:
            return f"Password did not conform with policy: {message}"
    if password != password.strip():
        return "Password did not conform with policy: Password cannot begin or end with a space"
    return None
