"""Two-step sign-in with an authenticator app (TOTP) in the local user pool: a secret of each user's own, and
codes checked against it (cognito_flows.py)."""

from __future__ import annotations

import base64
import secrets
from collections.abc import Mapping
from typing import Any

from local.world.cognito_pool import CODE_DIGITS, CognitoError, Forward, PoolFlows


def totp_matches(secret: str, code: Any, now: float) -> bool:
    """RFC 6238 (SHA-1, 6 digits, 30 s), one step of clock skew either way, as authenticator apps need."""
    from cryptography.hazmat.primitives.hashes import SHA1
    from cryptography.hazmat.primitives.twofactor import InvalidToken
    from cryptography.hazmat.primitives.twofactor.totp import TOTP

    given = str(code or "").strip()
    if len(given) != CODE_DIGITS or not given.isdigit():
        return False
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    totp = TOTP(key, CODE_DIGITS, SHA1(), 30, enforce_key_length=False)  # noqa: S303 (RFC 6238's default)
    for step in (0, -30, 30):
        try:
            totp.verify(given.encode(), int(now) + step)
            return True
        except InvalidToken:
            continue
    return False


class TotpFlows(PoolFlows):
    """AssociateSoftwareToken, VerifySoftwareToken and the SOFTWARE_TOKEN_MFA challenge."""

    def associate_software_token(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """A secret of this user's own (moto hands every user one fixed secret)."""
        user = self._token_owner(params)
        secret = base64.b32encode(secrets.token_bytes(20)).decode().rstrip("=")
        with self._lock:
            self._totp_secrets[user.username] = secret
        return {"SecretCode": secret}

    def verify_software_token(self, params: Mapping[str, Any], forward: Forward) -> dict[str, Any]:
        user = self._token_owner(params)
        with self._lock:
            secret = self._totp_secrets.get(user.username)
        if secret is None:
            raise CognitoError("InvalidParameterException", "Call AssociateSoftwareToken first.")
        if not totp_matches(secret, params.get("UserCode"), self.clock()):
            raise CognitoError("EnableSoftwareTokenMFAException", "Code mismatch")
        return forward(params)

    def check_mfa_answer(self, params: Mapping[str, Any]) -> None:
        """RespondToAuthChallenge SOFTWARE_TOKEN_MFA: the code must come from the user's own secret."""
        session = self.backend.sessions.get(params.get("Session"))
        if session is None:
            raise CognitoError("NotAuthorizedException", "Invalid session for the user, session is expired.")
        user = self.find_user(session[0])
        with self._lock:
            secret = self._totp_secrets.get(user.username) if user is not None else None
        code = (params.get("ChallengeResponses") or {}).get("SOFTWARE_TOKEN_MFA_CODE")
        if secret is None or not totp_matches(secret, code, self.clock()):
            raise CognitoError("CodeMismatchException", "Invalid code received for user")
