"""The user pool's e-mail flows, as strict as Cognito: what moto (5.2.5) leaves out or lets through.

moto stores users and issues tokens, but sends nothing and checks few codes: ConfirmSignUp and
ConfirmForgotPassword accept any code, ResendConfirmationCode, GetUserAttributeVerificationCode and
VerifyUserAttribute do not exist, AdminCreateUser sends no invitation (and its RESEND replaces the user), an
e-mail change applies at once although the pool keeps the original until the new one is verified, and no
pre-sign-up trigger runs. `CognitoGate` (local/world/cognito_gate.py) sends these actions for the local pool here;
everything else goes to moto as before. What each flow does, with the page it follows:

- SignUp: the pool's pre-sign-up trigger runs first (a refusal is UserLambdaValidationException "PreSignUp failed
  with error <message>."); only the attributes the app client may write are accepted; a 6-digit code valid 24 h
  goes to the e-mail address (the pool's EmailVerificationMessage). ConfirmSignUp checks it (CodeMismatch-,
  ExpiredCodeException), marks the address verified, and the post-confirmation trigger runs; a confirmed user
  cannot be confirmed again (NotAuthorizedException). ResendConfirmationCode sends a new code, or answers
  InvalidParameterException for a confirmed user.
  https://docs.aws.amazon.com/cognito/latest/developerguide/signing-up-users-in-your-app.html
- ForgotPassword sends a code valid 1 h, only to a verified address (InvalidParameterException otherwise: "Cannot
  reset password for the user as there is no registered/verified email or phone_number"), never for a user who
  still has a temporary password (NotAuthorizedException). ConfirmForgotPassword checks the code and the policy.
  https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ForgotPassword.html
- AdminCreateUser: the trigger runs (PreSignUp_AdminCreateUser); a temporary password meeting the policy is made
  when none is given and e-mailed with the pool's InviteMessageTemplate ({username}, {####}) unless
  MessageAction=SUPPRESS; RESEND sends a new one to a user still in FORCE_CHANGE_PASSWORD. The temporary password
  expires after TemporaryPasswordValidityDays: InitiateAuth then answers NotAuthorizedException "Temporary
  password has expired and must be reset by an administrator."
  https://docs.aws.amazon.com/cognito/latest/developerguide/how-to-create-user-accounts.html
- E-mail changes (UpdateUserAttributes, AdminUpdateUserAttributes without email_verified=true): with
  AttributesRequireVerificationBeforeUpdate on email, the original stays, and stays where recovery goes, until
  the new address is verified with the code sent to it (VerifyUserAttribute;
  GetUserAttributeVerificationCode sends another).
  https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UserAttributeUpdateSettingsType.html
- With PreventUserExistenceErrors ENABLED on the client, an unknown user is never revealed: sign-in answers
  "Incorrect username or password.", recovery and resend answer with a simulated delivery, confirmation with
  CodeMismatchException.
  https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-managing-errors.html
- Passwords are checked against the pool's policy before moto sees them, with Cognito's messages
  ("Password did not conform with policy: Password must have symbol characters").
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import string
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from local.emulators import REGION
from local.world.moto_gaps import token_claims
from local.world.outbox import Kind, Outbox

Trigger = Callable[[dict[str, Any]], Any]
Forward = Callable[[Mapping[str, Any]], dict[str, Any]]
"""Passes a request (as amended) on to moto; its answer, or its error raised as a CognitoError."""

CODE_DIGITS = 6
SIGN_UP_CODE_SECONDS = 24 * 3600
RESET_CODE_SECONDS = 3600
ATTRIBUTE_CODE_SECONDS = 24 * 3600
# After this many wrong codes the code is spent and a new one must be asked for (Cognito throttles guessing).
MAX_CODE_ATTEMPTS = 5
# Cognito's password symbols: https://docs.aws.amazon.com/cognito/latest/developerguide/managing-users-passwords.html
SYMBOLS = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- "

WRONG_CODE = "Invalid verification code provided, please try again."
EXPIRED_CODE = "Invalid code provided, please request a code again."
EMAIL_TAKEN = "An account with the given email already exists."
# What Cognito takes for an e-mail address: something@something.something, no spaces.
EMAIL_FORMAT = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
NO_VERIFIED_ADDRESS = "Cannot reset password for the user as there is no registered/verified email or phone_number"


class CognitoError(Exception):
    """An error Cognito answers with: HTTP 400, {"__type": code, "message": message}."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class _Code:
    code: str
    expires: float
    attempts: int = 0


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


def _status(user: Any) -> str:
    return str(getattr(user.status, "value", user.status))


def masked(address: str) -> str:
    """How Cognito shows where it sent a code: j***@e***."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain[:1]}***"


def delivery(address: str) -> dict[str, str]:
    return {"Destination": masked(address), "DeliveryMedium": "EMAIL", "AttributeName": "email"}


def _email_only(params: Mapping[str, Any]) -> None:
    if params.get("AttributeName") != "email":
        raise CognitoError("InvalidParameterException", "This pool verifies e-mail addresses only.")


class CognitoFlows:
    """The flows of the module docstring for one user pool held by this process's moto backend."""

    def __init__(
        self,
        backend: Any,
        pool_id: str,
        settings: PoolSettings,
        outbox: Outbox,
        *,
        pre_sign_up: Trigger | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.backend = backend
        self.pool_id = pool_id
        self.settings = settings
        self.outbox = outbox
        self.pre_sign_up = pre_sign_up
        self.clock = clock
        self._lock = threading.RLock()
        self._codes: dict[tuple[str, str], _Code] = {}  # (username, purpose) -> the code that is out
        self._pending_email: dict[str, str] = {}  # username -> a new address waiting for its code
        self._temporary_since: dict[str, float] = {}  # username -> when its temporary password was issued
        self._totp_secrets: dict[str, str] = {}  # username -> its authenticator app's secret (base32)

    # ---- what is ours -----------------------------------------------------------------------------------

    @property
    def pool(self) -> Any:
        return self.backend.user_pools[self.pool_id]

    def owns_client(self, client_id: str | None) -> bool:
        return bool(client_id) and client_id in self.pool.clients

    def owns_pool(self, pool_id: str | None) -> bool:
        return pool_id == self.pool_id

    def token_user(self, access_token: str | None) -> Any | None:
        if not access_token or access_token not in self.pool.access_tokens:
            return None
        _, username = self.pool.access_tokens[access_token]
        return self.pool._get_user(username)

    def _token_owner(self, params: Mapping[str, Any]) -> Any:
        """The user whose access token the request carries; NotAuthorizedException for any other token."""
        user = self.token_user(params.get("AccessToken"))
        if user is None:
            raise CognitoError("NotAuthorizedException", "Invalid Access Token")
        return user

    def find_user(self, name: str | None) -> Any | None:
        """By username (case-insensitively, as the pool is) or by a verified e-mail alias."""
        if not name:
            return None
        user = self.pool._get_user(name) or self.pool._get_user(name.lower())
        if user is not None:
            return user
        for candidate in self.pool.users.values():
            attributes = candidate.attribute_lookup
            if attributes.get("email", "").lower() == name.lower() and attributes.get("email_verified") == "true":
                return candidate
        return None

    def hides_users(self, client_id: str) -> bool:
        client = self.pool.clients[client_id]
        return bool(client.extended_config.get("PreventUserExistenceErrors") == "ENABLED")

    # ---- codes and mail -----------------------------------------------------------------------------------

    def _issue(self, username: str, purpose: str, seconds: int) -> str:
        code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
        with self._lock:
            self._codes[(username, purpose)] = _Code(code, self.clock() + seconds)
        return code

    def _check(self, username: str, purpose: str, given: str | None) -> None:
        with self._lock:
            issued = self._codes.get((username, purpose))
            if issued is None or self.clock() > issued.expires:
                self._codes.pop((username, purpose), None)
                raise CognitoError("ExpiredCodeException", EXPIRED_CODE)
            if not secrets.compare_digest(issued.code, str(given or "")):
                issued.attempts += 1
                if issued.attempts >= MAX_CODE_ATTEMPTS:
                    self._codes.pop((username, purpose), None)
                    raise CognitoError(
                        "TooManyFailedAttemptsException", "Too many failed attempts; request a new code."
                    )
                raise CognitoError("CodeMismatchException", WRONG_CODE)
            del self._codes[(username, purpose)]

    def _send_code(self, username: str, address: str, kind: Kind, purpose: str, seconds: int) -> dict[str, str]:
        code = self._issue(username, purpose, seconds)
        self.outbox.deliver(
            to=address,
            username=username,
            kind=kind,
            subject=self.settings.verification_subject,
            body=self.settings.verification_message.replace("{####}", code),
            code=code,
        )
        return delivery(address)

    def check_password(self, password: str | None) -> None:
        problem = policy_problem(password or "", self.settings.password_policy)
        if problem:
            raise CognitoError("InvalidPasswordException", problem)

    def _check_writable(self, client_id: str, attributes: list[Mapping[str, str]]) -> None:
        writable = self.pool.clients[client_id].extended_config.get("WriteAttributes")
        if writable is None:
            return  # a client without the setting may write every writable attribute
        if any(a.get("Name") not in writable for a in attributes):
            raise CognitoError("NotAuthorizedException", "A client attempted to write unauthorized attribute")

    def _check_new_user(self, username: str, attributes: list[Mapping[str, str]]) -> None:
        """What Cognito refuses before it makes a user: an e-mail-shaped username in a pool with an e-mail alias,
        a missing required attribute, an address that is no address."""
        if "email" in self.settings.alias_attributes and EMAIL_FORMAT.fullmatch(username):
            raise CognitoError(
                "InvalidParameterException",
                "Username cannot be of email format, since user pool is configured for email alias.",
            )
        given = {a.get("Name"): a.get("Value") for a in attributes}
        for name in sorted(self.settings.required_attributes - set(given)):
            raise CognitoError(
                "InvalidParameterException",
                f"Attributes did not conform to the schema: {name}: The attribute {name} is required",
            )
        email = given.get("email")
        if email is not None and not EMAIL_FORMAT.fullmatch(str(email)):
            raise CognitoError("InvalidParameterException", "Invalid email address format.")

    def _check_alias_free(self, email: str | None, owner: Any) -> None:
        """A verified e-mail is a sign-in alias: no two users may hold the same one (ForceAliasCreation is not
        offered here), https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ConfirmSignUp.html"""
        if not email or "email" not in self.settings.alias_attributes:
            return
        for user in self.pool.users.values():
            if user is owner:
                continue
            attributes = user.attribute_lookup
            if attributes.get("email", "").lower() == email.lower() and attributes.get("email_verified") == "true":
                raise CognitoError("AliasExistsException", EMAIL_TAKEN)

    def canonical_username(self, name: str | None) -> str | None:
        """The username a sign-in name stands for: any case of it, or a verified e-mail alias."""
        user = self.find_user(name)
        return None if user is None else str(user.username)

    def temporary_password(self) -> str:
        """A temporary password that meets the pool's policy (Cognito makes one when the admin gives none)."""
        length = max(int(self.settings.password_policy.get("MinimumLength", 8)), 12)
        pools = (string.ascii_uppercase, string.ascii_lowercase, string.digits, "!@#%&*+-=?")
        chars = [secrets.choice(p) for p in pools]
        chars += [secrets.choice("".join(pools)) for _ in range(length - len(chars))]
        secrets.SystemRandom().shuffle(chars)
        return "".join(chars)

    # ---- triggers -----------------------------------------------------------------------------------------

    def run_pre_sign_up(self, source: str, username: str, attributes: list[Mapping[str, str]], client_id: str) -> None:
        if self.pre_sign_up is None:
            return
        event = {
            "version": "1",
            "region": REGION,
            "userPoolId": self.pool_id,
            "userName": username,
            "callerContext": {
                "awsSdkVersion": "aws-sdk-unknown-unknown",
                "clientId": client_id or "CLIENT_ID_NOT_APPLICABLE",
            },
            "triggerSource": source,
            "request": {"userAttributes": {a["Name"]: a["Value"] for a in attributes}, "validationData": None},
            "response": {"autoConfirmUser": False, "autoVerifyEmail": False, "autoVerifyPhone": False},
        }
        try:
            self.pre_sign_up(event)
        except Exception as err:  # the trigger refused: Cognito reports the function's own message
            message = getattr(err, "message", None) or str(err) or type(err).__name__
            raise CognitoError("UserLambdaValidationException", f"PreSignUp failed with error {message}.") from err

    # ---- the flows ----------------------------------------------------------------------------------------

    def sign_up(self, params: Mapping[str, Any], forward: Forward) -> dict[str, Any]:
        client_id, username = params.get("ClientId", ""), params.get("Username", "")
        attributes = list(params.get("UserAttributes") or [])
        self._check_writable(client_id, attributes)
        self._check_new_user(username, attributes)
        self.check_password(params.get("Password"))
        if self.find_user(username) is not None:
            raise CognitoError("UsernameExistsException", "User already exists")
        self.run_pre_sign_up("PreSignUp_SignUp", username, attributes, client_id)
        answer = forward(params)
        user = self.pool._get_user(username)
        email = user.attribute_lookup.get("email")
        if email:
            answer["CodeDeliveryDetails"] = self._send_code(
                user.username, email, "sign-up code", "sign-up", SIGN_UP_CODE_SECONDS
            )
        answer["UserConfirmed"] = False
        return answer

    def confirm_sign_up(self, params: Mapping[str, Any]) -> dict[str, Any]:
        client_id = params.get("ClientId", "")
        user = self.find_user(params.get("Username"))
        if user is None:
            raise CognitoError("CodeMismatchException", WRONG_CODE)
        if user.status != "UNCONFIRMED":
            raise CognitoError("NotAuthorizedException", f"User cannot be confirmed. Current status is {_status(user)}")
        self._check(user.username, "sign-up", params.get("ConfirmationCode"))
        self._check_alias_free(user.attribute_lookup.get("email"), user)
        user.update_attributes([{"Name": "email_verified", "Value": "true"}])
        self.backend.confirm_sign_up(client_id, user.username)  # the post-confirmation trigger runs here
        return {}

    def resend_confirmation_code(self, params: Mapping[str, Any]) -> dict[str, Any]:
        client_id = params.get("ClientId", "")
        user = self.find_user(params.get("Username"))
        if user is None:
            if self.hides_users(client_id):
                return {"CodeDeliveryDetails": delivery(f"{params.get('Username', 'x')}@example.com")}
            raise CognitoError("UserNotFoundException", "Username/client id combination not found.")
        if user.status != "UNCONFIRMED":
            raise CognitoError("InvalidParameterException", "User is already confirmed.")
        email = user.attribute_lookup.get("email", "")
        return {
            "CodeDeliveryDetails": self._send_code(
                user.username, email, "sign-up code", "sign-up", SIGN_UP_CODE_SECONDS
            )
        }

    def forgot_password(self, params: Mapping[str, Any]) -> dict[str, Any]:
        client_id = params.get("ClientId", "")
        user = self.find_user(params.get("Username"))
        if user is None:
            if self.hides_users(client_id):
                return {"CodeDeliveryDetails": delivery(f"{params.get('Username', 'x')}@example.com")}
            raise CognitoError("UserNotFoundException", "Username/client id combination not found.")
        if not user.enabled:
            raise CognitoError("NotAuthorizedException", "User is disabled.")
        if user.status == "FORCE_CHANGE_PASSWORD":
            raise CognitoError("NotAuthorizedException", "User password cannot be reset in the current state.")
        attributes = user.attribute_lookup
        if attributes.get("email_verified") != "true" or not attributes.get("email"):
            raise CognitoError("InvalidParameterException", NO_VERIFIED_ADDRESS)
        return {
            "CodeDeliveryDetails": self._send_code(
                user.username, attributes["email"], "password reset", "reset", RESET_CODE_SECONDS
            )
        }

    def confirm_forgot_password(self, params: Mapping[str, Any]) -> dict[str, Any]:
        user = self.find_user(params.get("Username"))
        if user is None:
            raise CognitoError("CodeMismatchException", WRONG_CODE)
        self.check_password(params.get("Password"))
        self._check(user.username, "reset", params.get("ConfirmationCode"))
        user.password = params["Password"]
        if user.status == "RESET_REQUIRED":
            user.status = "CONFIRMED"
        return {}

    def admin_create_user(self, params: Mapping[str, Any], forward: Forward) -> dict[str, Any]:
        username = params.get("Username", "")
        action = params.get("MessageAction")
        if action == "RESEND":
            return self._resend_invitation(username)
        attributes = list(params.get("UserAttributes") or [])
        self._check_new_user(username, attributes)
        if self.find_user(username) is not None:
            raise CognitoError("UsernameExistsException", "User account already exists")
        given = {a.get("Name"): a.get("Value") for a in attributes}
        if given.get("email_verified") == "true":
            self._check_alias_free(given.get("email"), None)
        password = params.get("TemporaryPassword") or self.temporary_password()
        self.check_password(password)
        self.run_pre_sign_up("PreSignUp_AdminCreateUser", username, attributes, "")
        answer = forward({**params, "TemporaryPassword": password})
        user = self.pool._get_user(username)
        with self._lock:
            self._temporary_since[user.username] = self.clock()
        if action != "SUPPRESS":
            self._invite(user, password)
        return answer

    def _invite(self, user: Any, password: str) -> None:
        email = user.attribute_lookup.get("email")
        if not email:
            return
        body = self.settings.invitation_message.replace("{username}", user.username).replace("{####}", password)
        self.outbox.deliver(
            to=email,
            username=user.username,
            kind="invitation",
            subject=self.settings.invitation_subject,
            body=body,
            code=password,
        )

    def _resend_invitation(self, username: str) -> dict[str, Any]:
        user = self.find_user(username)
        if user is None:
            raise CognitoError("UserNotFoundException", "User does not exist.")
        if user.status != "FORCE_CHANGE_PASSWORD":
            raise CognitoError("UnsupportedUserStateException", "User is not in FORCE_CHANGE_PASSWORD state")
        password = self.temporary_password()
        user.password = password
        with self._lock:
            self._temporary_since[user.username] = self.clock()
        self._invite(user, password)
        return {
            "User": {
                "Username": user.username,
                "Attributes": [{"Name": k, "Value": v} for k, v in user.attribute_lookup.items()],
                "Enabled": user.enabled,
                "UserStatus": user.status,
                "UserCreateDate": user.create_date.timestamp(),
                "UserLastModifiedDate": user.last_modified_date.timestamp(),
            }
        }

    def before_initiate_auth(self, params: Mapping[str, Any]) -> None:
        if params.get("AuthFlow") != "USER_PASSWORD_AUTH":
            return
        auth = params.get("AuthParameters") or {}
        user = self.find_user(auth.get("USERNAME"))
        if user is None or user.status != "FORCE_CHANGE_PASSWORD" or user.password != auth.get("PASSWORD"):
            return
        with self._lock:
            since = self._temporary_since.get(user.username)
        if since is not None and self.clock() - since > self.settings.temporary_password_days * 86400:
            raise CognitoError(
                "NotAuthorizedException", "Temporary password has expired and must be reset by an administrator."
            )

    def after_initiate_auth(self, params: Mapping[str, Any], answer: dict[str, Any]) -> dict[str, Any]:
        """Cognito's NEW_PASSWORD_REQUIRED parameters (moto gives only USERNAME)."""
        if answer.get("ChallengeName") != "NEW_PASSWORD_REQUIRED":
            return answer
        user = self.find_user((answer.get("ChallengeParameters") or {}).get("USERNAME"))
        if user is None:
            return answer
        shown = {k: v for k, v in user.attribute_lookup.items() if k != "sub"}
        answer["ChallengeParameters"] = {
            "USER_ID_FOR_SRP": user.username,
            "requiredAttributes": "[]",
            "userAttributes": json.dumps(shown),
        }
        return answer

    def update_user_attributes(self, params: Mapping[str, Any], forward: Forward) -> dict[str, Any]:
        user = self._token_owner(params)
        attributes = list(params.get("UserAttributes") or [])
        client_id = self._token_client(params.get("AccessToken", ""))
        if client_id:
            self._check_writable(client_id, attributes)
        rest, details = self._hold_email(user, attributes)
        if rest:
            forward({**params, "UserAttributes": rest})
        return {"CodeDeliveryDetailsList": details}

    def admin_update_user_attributes(self, params: Mapping[str, Any], forward: Forward) -> dict[str, Any]:
        user = self.find_user(params.get("Username"))
        if user is None:
            raise CognitoError("UserNotFoundException", "User does not exist.")
        attributes = list(params.get("UserAttributes") or [])
        if any(a.get("Name") == "email_verified" and a.get("Value") == "true" for a in attributes):
            new = next((a.get("Value") for a in attributes if a.get("Name") == "email"), None)
            self._check_alias_free(new or user.attribute_lookup.get("email"), user)
            forward(params)  # an administrator vouches for the address: Cognito applies it at once
            return {}
        rest, _ = self._hold_email(user, attributes)
        if rest:
            forward({**params, "UserAttributes": rest})
        return {}

    def _hold_email(
        self, user: Any, attributes: list[Mapping[str, str]]
    ) -> tuple[list[Mapping[str, str]], list[dict[str, str]]]:
        """Keep a new e-mail pending until verified (keep_original); the other attributes pass."""
        new = next((a["Value"] for a in attributes if a.get("Name") == "email"), None)
        if new is not None and not EMAIL_FORMAT.fullmatch(new):
            raise CognitoError("InvalidParameterException", "Invalid email address format.")
        if new is None or "email" not in self.settings.keep_original:
            return attributes, []
        rest = [a for a in attributes if a.get("Name") not in ("email", "email_verified")]
        if new.lower() == user.attribute_lookup.get("email", "").lower():
            with self._lock:
                self._pending_email.pop(user.username, None)
            return rest, []
        with self._lock:
            self._pending_email[user.username] = new
        details = self._send_code(user.username, new, "email verification", "email", ATTRIBUTE_CODE_SECONDS)
        return rest, [details]

    def pending_email(self, username: str) -> str | None:
        with self._lock:
            return self._pending_email.get(username)

    def get_user_attribute_verification_code(self, params: Mapping[str, Any]) -> dict[str, Any]:
        user = self._token_owner(params)
        _email_only(params)
        address = self.pending_email(user.username) or user.attribute_lookup.get("email", "")
        return {
            "CodeDeliveryDetails": self._send_code(
                user.username, address, "email verification", "email", ATTRIBUTE_CODE_SECONDS
            )
        }

    def verify_user_attribute(self, params: Mapping[str, Any]) -> dict[str, Any]:
        user = self._token_owner(params)
        _email_only(params)
        with self._lock:
            pending = self._pending_email.get(user.username)
        self._check(user.username, "email", params.get("Code"))
        self._check_alias_free(pending or user.attribute_lookup.get("email"), user)
        with self._lock:
            new = self._pending_email.pop(user.username, None)
        update = [{"Name": "email_verified", "Value": "true"}]
        if new is not None:
            update.insert(0, {"Name": "email", "Value": new})
        user.update_attributes(update)
        return {}

    # ---- TOTP (two-step sign-in) ---------------------------------------------------------------------

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

    def _token_client(self, access_token: str) -> str | None:
        client = token_claims(access_token).get("client_id")
        return client if isinstance(client, str) and self.owns_client(client) else None


PASSWORD_FIELDS = {
    "ChangePassword": "ProposedPassword",
    "AdminSetUserPassword": "Password",
}
"""Actions moto carries out itself, whose new password is checked against the policy first."""
