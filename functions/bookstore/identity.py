"""Who is calling. Identity reaches the code hook only as Lex request attributes, set by trusted callers.

Only principals allowed to call lex:RecognizeText on the bot's aliases can set request attributes: the chat
API route (which copies the username and groups from the verified Cognito token) and operators with IAM
access. Nothing the user types and no session attribute is ever read for identity.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

USERNAME_ATTRIBUTE = "bookstore:username"
GROUPS_ATTRIBUTE = "bookstore:groups"
STAFF_GROUP = "staff"
CUSTOMERS_GROUP = "customers"


@dataclass(frozen=True)
class SignedIn:
    """A caller who is signed in: the username normalized once, as the pool keys it (stripped, lowercase; the
    pool is case-insensitive and the pre-sign-up trigger allows lowercase names only), and their groups.

    Services take this instead of a bare `str | None`, so no handler asserts or lowercases a username."""

    username: str
    groups: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        normalized = self.username.strip().lower()
        if not normalized:
            raise ValueError("a signed-in caller has a username")
        object.__setattr__(self, "username", normalized)

    @property
    def is_staff(self) -> bool:
        return STAFF_GROUP in self.groups

    def as_request_attributes(self) -> dict[str, str]:
        """What the chat route sends Lex, for the code hook's Caller.from_request_attributes."""
        return {USERNAME_ATTRIBUTE: self.username, GROUPS_ATTRIBUTE: ",".join(sorted(self.groups))}


@dataclass(frozen=True)
class Caller:
    username: str | None
    groups: frozenset[str]

    @property
    def is_staff(self) -> bool:
        return STAFF_GROUP in self.groups

    @property
    def is_anonymous(self) -> bool:
        return self.username is None

    def signed_in(self) -> SignedIn | None:
        """The caller as a SignedIn, or None when anonymous."""
        return SignedIn(self.username, self.groups) if self.username else None

    @classmethod
    def from_request_attributes(cls, attributes: Mapping[str, str] | None) -> Caller:
        attributes = attributes or {}
        username = (attributes.get(USERNAME_ATTRIBUTE) or "").strip() or None
        groups = frozenset(g.strip() for g in (attributes.get(GROUPS_ATTRIBUTE) or "").split(",") if g.strip())
        return cls(username=username, groups=groups)

    @classmethod
    def from_claims(cls, claims: Mapping[str, object] | None) -> Caller:
        """From the claims API Gateway's Cognito authorizer verified. `cognito:groups` arrives as a list, a
        "[a b]" string or an "a,b" string depending on the integration; all are accepted."""
        claims = claims or {}
        username = str(claims.get("cognito:username") or claims.get("username") or "").strip() or None
        raw = claims.get("cognito:groups") or ""
        if isinstance(raw, list | tuple):
            groups = frozenset(str(g).strip() for g in raw if str(g).strip())
        else:
            text = str(raw).strip().strip("[]")
            groups = frozenset(g for g in (p.strip() for p in text.replace(",", " ").split()) if g)
        return cls(username=username, groups=groups)
