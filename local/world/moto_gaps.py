"""What moto (5.2.5) lacks that the store calls locally, answered as AWS documents it: `patch_moto()` once
before the local moto server starts (idempotent).

Cognito RevokeToken: the web front end revokes its refresh token on every sign-out. AWS (and now moto here):
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RevokeToken.html
https://docs.aws.amazon.com/cognito/latest/developerguide/token-revocation.html
- Token is a refresh token, ClientId the app client it was issued to, ClientSecret that client's secret if it has
  one; the answer is empty (`{}`).
- The refresh token is revoked, and so are the access and ID tokens it generated (and the ones of the sign-in
  that issued it): InitiateAuth REFRESH_TOKEN_AUTH with it then fails with NotAuthorizedException ("Refresh
  Token has been revoked"), GetUser with its access tokens too. The user's other refresh tokens still work.
- Errors, among those the API reference lists for RevokeToken: UnauthorizedException when the client cannot be
  authenticated (an unknown ClientId, a wrong or missing ClientSecret) or the token was issued to another client
  (RFC 7009 section 2.1: the server verifies the token was issued to the client asking); UnsupportedOperation-
  Exception when the client has token revocation turned off (EnableTokenRevocation, on by default);
  UnsupportedTokenTypeException for an access or ID token.
- A token that is unknown or already revoked is answered `{}`, as RFC 7009 section 2.2 asks of a revocation
  endpoint (the client's goal, that the token is unusable, is met), so a second sign-out never fails.

DynamoDB numbers in ADD (UpdateItem, TransactWriteItems): moto parses a stored or sent number with int() unless
it has a '.', so "1E-7" fails, and its own sums store Decimal's exponent forms ("1.5" + "-1.5" is "0.0", and
"1.12345678" - "1.12345678" is "0E-8"), which its next ADD then cannot read: the recommendations worker's
transaction failed on every re-order of a cancelled book. DynamoDB takes any number form and stores it with
leading and trailing zeroes trimmed
(https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html#HowItWorks.DataTypes.Number):
here too, sums are computed on Decimals and stored as plain trimmed digits.
"""

from __future__ import annotations

import base64
import json
import threading
from decimal import Decimal
from typing import Any

from moto.cognitoidp.models import CognitoIdpBackend, CognitoIdpUserPool, CognitoIdpUserPoolClient
from moto.cognitoidp.responses import CognitoIdpResponse
from moto.core.exceptions import JsonRESTError
from moto.core.responses import ActionResult, EmptyResult
from moto.dynamodb.models.dynamo_type import DDBType, DynamoType

_lock = threading.Lock()


class UnauthorizedException(JsonRESTError):
    def __init__(self, message: str) -> None:
        super().__init__("UnauthorizedException", message)


class UnsupportedOperationException(JsonRESTError):
    def __init__(self, message: str) -> None:
        super().__init__("UnsupportedOperationException", message)


class UnsupportedTokenTypeException(JsonRESTError):
    def __init__(self, message: str) -> None:
        super().__init__("UnsupportedTokenTypeException", message)


def _client(backend: CognitoIdpBackend, client_id: str) -> tuple[CognitoIdpUserPool, CognitoIdpUserPoolClient]:
    for pool in backend.user_pools.values():
        if client_id in pool.clients:
            return pool, pool.clients[client_id]
    raise UnauthorizedException(f"Invalid client id: {client_id}")


def token_claims(jwt: str) -> dict[str, Any]:
    try:
        payload = jwt.split(".")[1]
        claims: dict[str, Any] = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError):
        return {}
    return claims


def revoke_token(backend: CognitoIdpBackend, token: str, client_id: str, client_secret: str | None = None) -> None:
    """RevokeToken on moto's backend (see the module docstring)."""
    pool, client = _client(backend, client_id)
    if client.generate_secret and client_secret != client.secret:
        raise UnauthorizedException(f"Unable to verify the client secret of client {client_id}")
    if not client.extended_config.get("EnableTokenRevocation", True):
        raise UnsupportedOperationException(f"Token revocation is not enabled for client {client_id}")
    if token in pool.access_tokens or token in pool.id_tokens:
        raise UnsupportedTokenTypeException("Only a refresh token can be revoked")
    owner = next((p for p in backend.user_pools.values() if p.refresh_tokens.get(token)), None)
    if owner is None:
        return  # unknown or already revoked
    issued = owner.refresh_tokens[token]
    assert issued is not None  # found above
    issued_to, _, origin_jti = issued
    if issued_to != client_id:
        raise UnauthorizedException(f"The refresh token was not issued to client {client_id}")
    with _lock:
        owner.refresh_tokens[token] = None  # moto's own mark of a signed-out refresh token
        for generated in (owner.access_tokens, owner.id_tokens):
            for jwt in [t for t in generated if token_claims(t).get("origin_jti") == origin_jti]:
                generated.pop(jwt, None)


def _respond_revoke_token(self: CognitoIdpResponse) -> ActionResult:
    client_id = self._get_param("ClientId")
    # Unauthenticated like InitiateAuth: the request names no region, the client's pool says which backend.
    backend = self._get_region_agnostic_backend()._find_backend_for_clientid(client_id)
    revoke_token(backend, self._get_param("Token"), client_id, self._get_param("ClientSecret"))
    return EmptyResult()


def _backend_revoke_token(
    self: CognitoIdpBackend, token: str, client_id: str, client_secret: str | None = None
) -> None:
    revoke_token(self, token, client_id, client_secret)


def _number(text: str) -> Decimal:
    try:
        return Decimal(text)
    except ArithmeticError as err:
        raise ValueError(f"{text!r} is not a number") from err


def _trimmed(value: Decimal) -> str:
    if value == 0:
        return "0"
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _dynamo_add(self: DynamoType, other: DynamoType) -> DynamoType:
    if self.type != other.type:
        raise TypeError("Different types of operandi is not allowed.")
    if not self.is_number():
        return _moto_add(self, other)
    return DynamoType({DDBType.NUMBER: _trimmed(_number(self.value) + _number(other.value))})


def _dynamo_sub(self: DynamoType, other: DynamoType) -> DynamoType:
    if self.type != other.type or self.type != DDBType.NUMBER:
        return _moto_sub(self, other)
    return DynamoType({DDBType.NUMBER: _trimmed(_number(self.value) - _number(other.value))})


_moto_add = DynamoType.__add__
_moto_sub = DynamoType.__sub__


def patch_moto() -> None:
    """Teach moto the operations above (idempotent; a later moto that has its own RevokeToken keeps it)."""
    with _lock:
        if not hasattr(CognitoIdpResponse, "revoke_token"):
            # moto dispatches an action to the response method of its snake_case name.
            setattr(CognitoIdpResponse, "revoke_token", _respond_revoke_token)  # noqa: B010
        if not hasattr(CognitoIdpBackend, "revoke_token"):
            setattr(CognitoIdpBackend, "revoke_token", _backend_revoke_token)  # noqa: B010
        DynamoType.__add__ = _dynamo_add  # type: ignore[method-assign]
        DynamoType.__sub__ = _dynamo_sub  # type: ignore[method-assign]
