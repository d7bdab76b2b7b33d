"""A WSGI layer in front of the local moto server: Cognito requests for the local pool go through
`CognitoFlows` (local/world/cognito_flows.py), everything else reaches moto untouched.

Cognito's JSON protocol: POST, `X-Amz-Target: AWSCognitoIdentityProviderService.<Action>`, a JSON body; an error
is HTTP 400 with `{"__type": "<Code>", "message": "..."}`. The gate answers the actions moto lacks itself, and for
the others checks the request first and passes it (or an amended copy) on, then amends moto's answer where moto
differs from Cognito. Nothing here raises into werkzeug: an unexpected fault is a logged InternalErrorException,
as Cognito would answer, never a traceback on the `make dev` console.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from local.world.cognito_flows import CognitoFlows
from local.world.cognito_pool import CognitoError, Forward
from local.world.cognito_requests import check_request

log = logging.getLogger("local.world.cognito")

TARGET_PREFIX = "AWSCognitoIdentityProviderService."
JSON = "application/x-amz-json-1.1"

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

# What the gate answers itself, moto having no such action.
GATE_ACTIONS = frozenset(
    {"ResendConfirmationCode", "GetUserAttributeVerificationCode", "VerifyUserAttribute", "RevokeToken"}
)

PASSWORD_OF = {
    "ChangePassword": "ProposedPassword",
    "AdminSetUserPassword": "Password",
}


class CognitoGate:
    def __init__(self, app: WsgiApp) -> None:
        self.app = app
        self.flows: CognitoFlows | None = None  # set once the local pool exists (local/world/stack.py)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        if self.flows is None or environ.get("REQUEST_METHOD") != "POST" or not target.startswith(TARGET_PREFIX):
            return self.app(environ, start_response)
        try:
            length = max(int(environ.get("CONTENT_LENGTH") or 0), 0)
        except ValueError:
            length = 0
        body = environ["wsgi.input"].read(length) if length else b""  # never "read to the end": that waits
        environ["wsgi.input"] = io.BytesIO(body)  # moto reads it again when the gate passes the request on
        try:
            params = json.loads(body or b"{}")
        except ValueError:
            params = None
        if not isinstance(params, dict):
            return _reply(start_response, 400, {"__type": "SerializationException", "message": "Malformed JSON body"})
        action = target.removeprefix(TARGET_PREFIX)
        forward = self._forwarder(environ)
        try:
            check_request(action, params)
            if not _moto_has(action) and action not in GATE_ACTIONS:
                raise CognitoError(
                    "UnsupportedOperationException", f"The local user pool (moto) does not emulate {action}."
                )
            answer = self.route(self.flows, action, params, forward)
        except CognitoError as err:
            return _reply(start_response, 400, {"__type": err.code, "message": err.message})
        except Exception as err:  # one line on the console; the traceback only with --verbose
            log.error("local Cognito layer failed on %s: %r", action, err, exc_info=log.isEnabledFor(logging.INFO))
            return _reply(start_response, 500, {"__type": "InternalErrorException", "message": "Internal error"})
        if answer is None:
            try:
                answer = forward(params)  # moto's answer, its errors as they are, never its HTML 500 page
            except CognitoError as err:
                return _reply(
                    start_response,
                    400 if err.code != "InternalErrorException" else 500,
                    {"__type": err.code, "message": err.message},
                )
        return _reply(start_response, 200, answer)

    @staticmethod
    def route(flows: CognitoFlows, action: str, params: dict[str, Any], forward: Forward) -> dict[str, Any] | None:
        """The answer for a request the flows take, or None to let moto answer it unchanged."""
        take = _ROUTES.get(action)
        return None if take is None else take(flows, action, params, forward)

    def _forwarder(self, environ: Mapping[str, Any]) -> Forward:
        def forward(params: Mapping[str, Any]) -> dict[str, Any]:
            body = json.dumps(params).encode()
            inner = {**environ, "wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body))}
            status: list[str] = []

            def start(status_line: str, headers: Any, exc_info: Any = None) -> None:
                status.append(status_line)

            chunks = self.app(inner, start)
            try:
                raw = b"".join(chunks)
            finally:
                close = getattr(chunks, "close", None)
                if close is not None:
                    close()
            try:
                answer = json.loads(raw or b"{}")
            except ValueError:  # moto's own HTML page for a fault of its own
                raise CognitoError(
                    "InternalErrorException", "The local user pool (moto) failed; see --verbose"
                ) from None
            if not status or not status[0].startswith("2"):
                code = str(answer.get("__type") or "InternalErrorException").rsplit("#", 1)[-1]
                raise CognitoError(code, str(answer.get("message") or answer.get("Message") or code))
            return dict(answer)

        return forward


_Route = Callable[[CognitoFlows, str, dict[str, Any], Forward], dict[str, Any] | None]
_ClientAction = Callable[[CognitoFlows, dict[str, Any], Forward], dict[str, Any] | None]


def _password_action(
    flows: CognitoFlows, action: str, params: dict[str, Any], forward: Forward
) -> dict[str, Any] | None:
    """ChangePassword and AdminSetUserPassword for the local pool (by its id or a user's token): the new password
    meets the policy before moto sets it; other pools' requests are moto's."""
    if not (flows.owns_pool(params.get("UserPoolId")) or flows.token_user(params.get("AccessToken"))):
        return None
    flows.check_password(params.get(PASSWORD_OF[action]))
    if action == "ChangePassword":
        return _hide_wrong_previous(forward, params)
    return None


def _client_action(flows: CognitoFlows, action: str, params: dict[str, Any], forward: Forward) -> dict[str, Any] | None:
    """A request of an app client (sign-up, sign-in, forgotten password): the flows take those of the local
    pool's clients (`_CLIENT_ACTIONS`), moto the others."""
    if not flows.owns_client(params.get("ClientId")):
        return None
    return _CLIENT_ACTIONS[action](flows, params, forward)


def _initiate_auth(flows: CognitoFlows, params: dict[str, Any], forward: Forward) -> dict[str, Any] | None:
    """InitiateAuth as moto carries it out, on the user's own name, with the flows' checks before and their
    amendments after; a client that hides users answers an unknown one as a wrong password."""
    auth = params.get("AuthParameters") or {}
    if params.get("AuthFlow") == "USER_PASSWORD_AUTH" and auth.get("USERNAME"):
        # Any case of the name, or a verified e-mail alias, signs in as the user (moto knows only the name).
        canonical = flows.canonical_username(auth["USERNAME"])
        if canonical is not None:
            params = {**params, "AuthParameters": {**auth, "USERNAME": canonical}}
    flows.before_initiate_auth(params)
    try:
        answer = forward(params)
    except CognitoError as err:
        if err.code == "UserNotFoundException" and flows.hides_users(params["ClientId"]):
            raise CognitoError("NotAuthorizedException", "Incorrect username or password.") from err
        raise
    return flows.after_initiate_auth(params, answer)


def _respond_to_auth_challenge(flows: CognitoFlows, params: dict[str, Any], forward: Forward) -> None:
    """RespondToAuthChallenge: the MFA code is checked, and the new password meets the policy, before moto sees
    them (moto answers)."""
    responses = params.get("ChallengeResponses") or {}
    if params.get("ChallengeName") == "SOFTWARE_TOKEN_MFA":
        flows.check_mfa_answer(params)
    if params.get("ChallengeName") == "NEW_PASSWORD_REQUIRED":
        flows.check_password(responses.get("NEW_PASSWORD"))


_CLIENT_ACTIONS: dict[str, _ClientAction] = {
    "SignUp": lambda flows, params, forward: flows.sign_up(params, forward),
    "ConfirmSignUp": lambda flows, params, _forward: flows.confirm_sign_up(params),
    "ResendConfirmationCode": lambda flows, params, _forward: flows.resend_confirmation_code(params),
    "ForgotPassword": lambda flows, params, _forward: flows.forgot_password(params),
    "ConfirmForgotPassword": lambda flows, params, _forward: flows.confirm_forgot_password(params),
    "InitiateAuth": _initiate_auth,
    "RespondToAuthChallenge": _respond_to_auth_challenge,
}


def _admin_action(flows: CognitoFlows, action: str, params: dict[str, Any], forward: Forward) -> dict[str, Any] | None:
    """AdminCreateUser and AdminUpdateUserAttributes on the local pool (moto's for other pools)."""
    if not flows.owns_pool(params.get("UserPoolId")):
        return None
    if action == "AdminCreateUser":
        return flows.admin_create_user(params, forward)
    return flows.admin_update_user_attributes(params, forward)


def _software_token_action(
    flows: CognitoFlows, action: str, params: dict[str, Any], forward: Forward
) -> dict[str, Any] | None:
    """AssociateSoftwareToken and VerifySoftwareToken with an access token of the local pool; moto's with another
    pool's token or with a session instead of a token."""
    if not params.get("AccessToken") or flows.token_user(params.get("AccessToken")) is None:
        return None
    if action == "AssociateSoftwareToken":
        return flows.associate_software_token(params)
    return flows.verify_software_token(params, forward)


def _token_attribute_action(
    flows: CognitoFlows, action: str, params: dict[str, Any], forward: Forward
) -> dict[str, Any] | None:
    """A user's own attributes, by access token: the local pool's users' are the flows'."""
    if flows.token_user(params.get("AccessToken")) is None:
        if action == "UpdateUserAttributes":
            return None  # another pool's token: moto's own answer
        raise CognitoError("NotAuthorizedException", "Invalid Access Token")
    if action == "UpdateUserAttributes":
        return flows.update_user_attributes(params, forward)
    if action == "GetUserAttributeVerificationCode":
        return flows.get_user_attribute_verification_code(params)
    return flows.verify_user_attribute(params)


# What the flows take, by action; moto answers every other action unchanged.
_ROUTES: dict[str, _Route] = {
    **dict.fromkeys(PASSWORD_OF, _password_action),
    **dict.fromkeys(_CLIENT_ACTIONS, _client_action),
    **dict.fromkeys(("AdminCreateUser", "AdminUpdateUserAttributes"), _admin_action),
    **dict.fromkeys(("AssociateSoftwareToken", "VerifySoftwareToken"), _software_token_action),
    **dict.fromkeys(
        ("UpdateUserAttributes", "GetUserAttributeVerificationCode", "VerifyUserAttribute"), _token_attribute_action
    ),
}


def _hide_wrong_previous(forward: Forward, params: Mapping[str, Any]) -> dict[str, Any]:
    """moto names the user in its NotAuthorizedException for a wrong previous password; Cognito does not."""
    try:
        return forward(params)
    except CognitoError as err:
        if err.code == "NotAuthorizedException":
            raise CognitoError("NotAuthorizedException", "Incorrect username or password.") from err
        raise


def _moto_has(action: str) -> bool:
    from botocore import xform_name
    from moto.cognitoidp.responses import CognitoIdpResponse

    return hasattr(
        CognitoIdpResponse, xform_name(action)
    )  # moto's method for SetUserMFAPreference: set_user_mfa_preference


def _reply(start_response: StartResponse, status: int, body: Mapping[str, Any]) -> list[bytes]:
    data = json.dumps(body).encode()
    reason = {200: "OK", 400: "Bad Request", 500: "Internal Server Error"}[status]
    # Cognito's endpoint answers browsers from any origin, as moto's server does (flask-cors) for what it answers.
    headers = [("Content-Type", JSON), ("Content-Length", str(len(data))), ("Access-Control-Allow-Origin", "*")]
    start_response(f"{status} {reason}", headers)
    return [data]
