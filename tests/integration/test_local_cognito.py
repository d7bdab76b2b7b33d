"""The local user pool is as strict as Cognito in every flow a user meets (local/world/cognito_flows.py), and the
e-mails it would send land in the local outbox. Driven with boto3, as the web front end drives Cognito's API."""

from __future__ import annotations

import base64
import json
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives.hashes import SHA1
from cryptography.hazmat.primitives.twofactor.totp import TOTP

from local.world import assembly
from local.world.cognito_flows import CognitoFlows
from local.world.cognito_settings import policy_problem
from local.world.outbox import Mail
from local.world.stack import LocalStack, Ports, start_stack

PASSWORD = "Reader-Pass-2026!"


@pytest.fixture(scope="module")
def stack(dev) -> Iterator[LocalStack]:
    started = start_stack(assembly.read(dev.outdir, "dev"), parts={"aws", "functions", "web"}, ports=Ports.block(0))
    yield started
    started.stop()


@pytest.fixture
def cognito(stack: LocalStack) -> Any:
    return stack.aws.client("cognito-idp")


@pytest.fixture
def flows(stack: LocalStack) -> Iterator[CognitoFlows]:
    found = stack.aws.server.cognito_gate.flows
    assert isinstance(found, CognitoFlows)
    yield found
    found.clock = time.time


def name(prefix: str = "u") -> str:
    return f"{prefix}{uuid.uuid4().hex[:10]}"


def error(call: Any, **kwargs: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as raised:
        call(**kwargs)
    return raised.value.response["Error"]["Code"], raised.value.response["Error"]["Message"]


def last_mail(stack: LocalStack, username: str) -> Mail:
    return next(m for m in stack.outbox.messages() if m.username == username)


def sign_up(stack: LocalStack, cognito: Any, username: str, email: str | None = None) -> dict[str, Any]:
    answer: dict[str, Any] = cognito.sign_up(
        ClientId=stack.aws.client_id,
        Username=username,
        Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": email or f"{username}@example.com"}],
    )
    return answer


def confirmed_user(stack: LocalStack, cognito: Any) -> str:
    username = name()
    sign_up(stack, cognito, username)
    cognito.confirm_sign_up(
        ClientId=stack.aws.client_id, Username=username, ConfirmationCode=last_mail(stack, username).code
    )
    return username


def sign_in(stack: LocalStack, cognito: Any, username: str, password: str = PASSWORD) -> dict[str, Any]:
    answer: dict[str, Any] = cognito.initiate_auth(
        ClientId=stack.aws.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password},
    )
    return answer


def attributes(stack: LocalStack, cognito: Any, username: str) -> dict[str, str]:
    user = cognito.admin_get_user(UserPoolId=stack.aws.user_pool_id, Username=username)
    return {a["Name"]: a["Value"] for a in user["UserAttributes"]}


# ---- sign-up and confirmation ---------------------------------------------------------------------------


def test_sign_up_mails_a_code_that_alone_confirms_the_account(stack: LocalStack, cognito: Any) -> None:
    username = name()
    answer = sign_up(stack, cognito, username)
    assert answer["UserConfirmed"] is False
    assert answer["CodeDeliveryDetails"] == {
        "Destination": "u***@e***",
        "DeliveryMedium": "EMAIL",
        "AttributeName": "email",
    }
    mail = last_mail(stack, username)
    assert (mail.kind, mail.to) == ("sign-up code", f"{username}@example.com")
    assert mail.code in mail.body
    assert len(mail.code) == 6
    assert mail.code.isdigit()

    wrong = "000000" if mail.code != "000000" else "111111"
    assert (
        error(cognito.confirm_sign_up, ClientId=stack.aws.client_id, Username=username, ConfirmationCode=wrong)[0]
        == "CodeMismatchException"
    )
    assert error(sign_in, stack=stack, cognito=cognito, username=username)[0] == "UserNotConfirmedException"

    cognito.confirm_sign_up(ClientId=stack.aws.client_id, Username=username, ConfirmationCode=mail.code)
    assert attributes(stack, cognito, username)["email_verified"] == "true"
    groups = cognito.admin_list_groups_for_user(UserPoolId=stack.aws.user_pool_id, Username=username)["Groups"]
    assert [g["GroupName"] for g in groups] == ["customers"]  # the post-confirmation trigger ran
    assert "AuthenticationResult" in sign_in(stack, cognito, username)
    code, message = error(
        cognito.confirm_sign_up, ClientId=stack.aws.client_id, Username=username, ConfirmationCode=mail.code
    )
    assert (code, message) == ("NotAuthorizedException", "User cannot be confirmed. Current status is CONFIRMED")


def test_a_new_code_replaces_the_old_one_and_a_confirmed_user_gets_none(stack: LocalStack, cognito: Any) -> None:
    username = name()
    sign_up(stack, cognito, username)
    first = last_mail(stack, username).code
    cognito.resend_confirmation_code(ClientId=stack.aws.client_id, Username=username)
    second = last_mail(stack, username)
    assert second.kind == "sign-up code"
    if first != second.code:
        assert (
            error(cognito.confirm_sign_up, ClientId=stack.aws.client_id, Username=username, ConfirmationCode=first)[0]
            == "CodeMismatchException"
        )
    cognito.confirm_sign_up(ClientId=stack.aws.client_id, Username=username, ConfirmationCode=second.code)
    assert error(cognito.resend_confirmation_code, ClientId=stack.aws.client_id, Username=username) == (
        "InvalidParameterException",
        "User is already confirmed.",
    )


def test_guessing_spends_the_code_and_an_old_code_expires(stack: LocalStack, cognito: Any, flows: CognitoFlows) -> None:
    username = name()
    sign_up(stack, cognito, username)
    code = last_mail(stack, username).code
    wrong = "000000" if code != "000000" else "111111"
    codes = [
        error(cognito.confirm_sign_up, ClientId=stack.aws.client_id, Username=username, ConfirmationCode=wrong)[0]
        for _ in range(5)
    ]
    assert codes == ["CodeMismatchException"] * 4 + ["TooManyFailedAttemptsException"]
    # the right code no longer works either: a new one must be asked for
    assert (
        error(cognito.confirm_sign_up, ClientId=stack.aws.client_id, Username=username, ConfirmationCode=code)[0]
        == "ExpiredCodeException"
    )

    cognito.resend_confirmation_code(ClientId=stack.aws.client_id, Username=username)
    later = time.time() + 24 * 3600 + 1
    flows.clock = lambda: later
    fresh = last_mail(stack, username).code
    assert (
        error(cognito.confirm_sign_up, ClientId=stack.aws.client_id, Username=username, ConfirmationCode=fresh)[0]
        == "ExpiredCodeException"
    )


@pytest.mark.parametrize(
    "username", ["Dave", "da ve", "ab", "bob📚", "ë-name", "jo+1", "o'brien", "1abc", "a" * 31, "x" * 95]
)
def test_a_username_outside_the_rule_cannot_sign_up(stack: LocalStack, cognito: Any, username: str) -> None:
    code, message = error(
        cognito.sign_up,
        ClientId=stack.aws.client_id,
        Username=username,
        Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": "someone@example.com"}],
    )
    assert code == "UserLambdaValidationException"
    assert message.startswith("PreSignUp failed with error ")
    assert "lowercase" in message
    assert (
        error(cognito.admin_get_user, UserPoolId=stack.aws.user_pool_id, Username=username)[0]
        == "UserNotFoundException"
    )


def test_usernames_are_unique_whatever_their_case(stack: LocalStack, cognito: Any) -> None:
    username = confirmed_user(stack, cognito)
    code, _ = error(
        cognito.sign_up,
        ClientId=stack.aws.client_id,
        Username=username.upper(),
        Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": "other@example.com"}],
    )
    assert code in ("UsernameExistsException", "UserLambdaValidationException")


def test_sign_up_may_write_only_what_the_client_allows(stack: LocalStack, cognito: Any) -> None:
    username = name()
    code, message = error(
        cognito.sign_up,
        ClientId=stack.aws.client_id,
        Username=username,
        Password=PASSWORD,
        UserAttributes=[
            {"Name": "email", "Value": f"{username}@example.com"},
            {"Name": "email_verified", "Value": "true"},
        ],
    )
    assert (code, message) == ("NotAuthorizedException", "A client attempted to write unauthorized attribute")


@pytest.mark.parametrize(
    ("password", "rule"),
    [
        ("Short-1a", "Password not long enough"),
        ("lowercase-only-1", "Password must have uppercase characters"),
        ("UPPERCASE-ONLY-1", "Password must have lowercase characters"),
        ("No-Digits-Here!", "Password must have numeric characters"),
        ("NoSymbols12345", "Password must have symbol characters"),
    ],
)
def test_passwords_are_held_to_the_template_policy(stack: LocalStack, cognito: Any, password: str, rule: str) -> None:
    code, message = error(
        cognito.sign_up,
        ClientId=stack.aws.client_id,
        Username=name(),
        Password=password,
        UserAttributes=[{"Name": "email", "Value": "p@example.com"}],
    )
    assert (code, message) == ("InvalidPasswordException", f"Password did not conform with policy: {rule}")
    assert policy_problem(PASSWORD, {"MinimumLength": 12}) is None


# ---- forgot password --------------------------------------------------------------------------------------


def test_forgot_password_end_to_end(stack: LocalStack, cognito: Any) -> None:
    username = confirmed_user(stack, cognito)
    details = cognito.forgot_password(ClientId=stack.aws.client_id, Username=username)["CodeDeliveryDetails"]
    assert details["DeliveryMedium"] == "EMAIL"
    mail = last_mail(stack, username)
    assert (mail.kind, mail.to) == ("password reset", f"{username}@example.com")
    code, _ = error(
        cognito.confirm_forgot_password,
        ClientId=stack.aws.client_id,
        Username=username,
        ConfirmationCode=mail.code,
        Password="too-weak",
    )
    assert code == "InvalidPasswordException"
    cognito.confirm_forgot_password(
        ClientId=stack.aws.client_id, Username=username, ConfirmationCode=mail.code, Password="Brand-New-Pass-1"
    )
    assert error(sign_in, stack=stack, cognito=cognito, username=username)[0] == "NotAuthorizedException"
    assert "AuthenticationResult" in sign_in(stack, cognito, username, "Brand-New-Pass-1")
    # a code works once
    assert (
        error(
            cognito.confirm_forgot_password,
            ClientId=stack.aws.client_id,
            Username=username,
            ConfirmationCode=mail.code,
            Password="Another-Pass-12",
        )[0]
        == "ExpiredCodeException"
    )


def test_a_reset_code_lives_one_hour(stack: LocalStack, cognito: Any, flows: CognitoFlows) -> None:
    username = confirmed_user(stack, cognito)
    cognito.forgot_password(ClientId=stack.aws.client_id, Username=username)
    later = time.time() + 3601
    flows.clock = lambda: later
    assert (
        error(
            cognito.confirm_forgot_password,
            ClientId=stack.aws.client_id,
            Username=username,
            ConfirmationCode=last_mail(stack, username).code,
            Password="Brand-New-Pass-1",
        )[0]
        == "ExpiredCodeException"
    )


def test_no_recovery_without_a_verified_address(stack: LocalStack, cognito: Any) -> None:
    unconfirmed = name()
    sign_up(stack, cognito, unconfirmed)
    assert error(cognito.forgot_password, ClientId=stack.aws.client_id, Username=unconfirmed) == (
        "InvalidParameterException",
        "Cannot reset password for the user as there is no registered/verified email or phone_number",
    )
    assert [m.kind for m in stack.outbox.messages() if m.username == unconfirmed] == ["sign-up code"]


def test_an_unknown_user_is_never_revealed(stack: LocalStack, cognito: Any) -> None:
    ghost = name("ghost")
    assert error(sign_in, stack=stack, cognito=cognito, username=ghost) == (
        "NotAuthorizedException",
        "Incorrect username or password.",
    )
    assert (
        cognito.forgot_password(ClientId=stack.aws.client_id, Username=ghost)["CodeDeliveryDetails"]["DeliveryMedium"]
        == "EMAIL"
    )
    assert cognito.resend_confirmation_code(ClientId=stack.aws.client_id, Username=ghost)["CodeDeliveryDetails"]
    assert not [m for m in stack.outbox.messages() if m.username == ghost]


# ---- invitations --------------------------------------------------------------------------------------


def invite(stack: LocalStack, cognito: Any, username: str, **extra: Any) -> None:
    cognito.admin_create_user(
        UserPoolId=stack.aws.user_pool_id,
        Username=username,
        UserAttributes=[
            {"Name": "email", "Value": f"{username}@example.com"},
            {"Name": "email_verified", "Value": "true"},
        ],
        DesiredDeliveryMediums=["EMAIL"],
        **extra,
    )


def test_an_invited_user_chooses_a_password_at_first_sign_in(stack: LocalStack, cognito: Any) -> None:
    username = name()
    invite(stack, cognito, username)
    mail = last_mail(stack, username)
    assert mail.kind == "invitation"
    assert mail.subject == "Your bookstore account"
    assert f"Username: {username}" in mail.body
    assert mail.code in mail.body
    assert policy_problem(mail.code, stack.aws.server.cognito_gate.flows.settings.password_policy) is None
    # recovery cannot be used before the invitation was
    assert (
        error(cognito.forgot_password, ClientId=stack.aws.client_id, Username=username)[0] == "NotAuthorizedException"
    )

    challenge = sign_in(stack, cognito, username, mail.code)
    assert challenge["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    parameters = challenge["ChallengeParameters"]
    assert parameters["USER_ID_FOR_SRP"] == username
    assert json.loads(parameters["requiredAttributes"]) == []
    assert json.loads(parameters["userAttributes"])["email"] == f"{username}@example.com"

    def respond(password: str) -> dict[str, Any]:
        answer: dict[str, Any] = cognito.respond_to_auth_challenge(
            ClientId=stack.aws.client_id,
            ChallengeName="NEW_PASSWORD_REQUIRED",
            Session=challenge["Session"],
            ChallengeResponses={"USERNAME": parameters["USER_ID_FOR_SRP"], "NEW_PASSWORD": password},
        )
        return answer

    assert error(respond, password="weak-password") == (
        "InvalidPasswordException",
        "Password did not conform with policy: Password must have uppercase characters",
    )
    assert "IdToken" in respond(PASSWORD)["AuthenticationResult"]
    assert "AuthenticationResult" in sign_in(stack, cognito, username)


def test_a_suppressed_invitation_sends_nothing_and_resend_sends_a_new_password(stack: LocalStack, cognito: Any) -> None:
    username = name()
    invite(stack, cognito, username, MessageAction="SUPPRESS", TemporaryPassword="Temp-Pass-2026!")
    assert not [m for m in stack.outbox.messages() if m.username == username]
    cognito.admin_add_user_to_group(UserPoolId=stack.aws.user_pool_id, Username=username, GroupName="customers")
    invite(stack, cognito, username, MessageAction="RESEND")
    mail = last_mail(stack, username)
    assert mail.kind == "invitation"
    assert mail.code != "Temp-Pass-2026!"
    assert (
        error(sign_in, stack=stack, cognito=cognito, username=username, password="Temp-Pass-2026!")[0]
        == "NotAuthorizedException"
    )
    assert sign_in(stack, cognito, username, mail.code)["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    groups = cognito.admin_list_groups_for_user(UserPoolId=stack.aws.user_pool_id, Username=username)["Groups"]
    assert [g["GroupName"] for g in groups] == ["customers"]  # the user was kept, not replaced


def test_a_temporary_password_expires_after_the_template_days(
    stack: LocalStack, cognito: Any, flows: CognitoFlows
) -> None:
    assert flows.settings.temporary_password_days == 3  # stacks/auth_stack.py temp_password_validity
    username = name()
    invite(stack, cognito, username)
    password = last_mail(stack, username).code
    later = time.time() + 3 * 86400 + 60
    flows.clock = lambda: later
    assert error(sign_in, stack=stack, cognito=cognito, username=username, password=password) == (
        "NotAuthorizedException",
        "Temporary password has expired and must be reset by an administrator.",
    )


def test_an_invitation_is_refused_for_a_username_outside_the_rule(stack: LocalStack, cognito: Any) -> None:
    code, _ = error(
        cognito.admin_create_user,
        UserPoolId=stack.aws.user_pool_id,
        Username="Not Allowed",
        UserAttributes=[{"Name": "email", "Value": "n@example.com"}],
    )
    assert code == "UserLambdaValidationException"
    assert not [m for m in stack.outbox.messages() if m.username == "Not Allowed"]


# ---- e-mail changes ---------------------------------------------------------------------------------------


def test_staff_cannot_redirect_recovery_to_another_address(stack: LocalStack, cognito: Any) -> None:
    username = confirmed_user(stack, cognito)
    original = f"{username}@example.com"
    cognito.admin_update_user_attributes(
        UserPoolId=stack.aws.user_pool_id,
        Username=username,
        UserAttributes=[
            {"Name": "email", "Value": "attacker@evil.example"},
            {"Name": "email_verified", "Value": "false"},
        ],
    )
    assert {k: v for k, v in attributes(stack, cognito, username).items() if k.startswith("email")} == {
        "email": original,
        "email_verified": "true",
    }
    verification = last_mail(stack, username)
    assert (verification.kind, verification.to) == ("email verification", "attacker@evil.example")
    cognito.forgot_password(ClientId=stack.aws.client_id, Username=username)
    reset = last_mail(stack, username)
    assert (reset.kind, reset.to) == ("password reset", original)


def test_a_customer_changes_their_email_only_by_proving_the_new_one(stack: LocalStack, cognito: Any) -> None:
    username = confirmed_user(stack, cognito)
    token = sign_in(stack, cognito, username)["AuthenticationResult"]["AccessToken"]
    answer = cognito.update_user_attributes(
        AccessToken=token, UserAttributes=[{"Name": "email", "Value": "new@example.com"}]
    )
    assert answer["CodeDeliveryDetailsList"][0]["Destination"] == "n***@e***"
    assert attributes(stack, cognito, username)["email"] == f"{username}@example.com"
    assert (
        error(cognito.verify_user_attribute, AccessToken=token, AttributeName="email", Code="12345x")[0]
        == "CodeMismatchException"
    )
    cognito.get_user_attribute_verification_code(AccessToken=token, AttributeName="email")
    mail = last_mail(stack, username)
    assert mail.to == "new@example.com"
    cognito.verify_user_attribute(AccessToken=token, AttributeName="email", Code=mail.code)
    assert attributes(stack, cognito, username)["email"] == "new@example.com"
    assert attributes(stack, cognito, username)["email_verified"] == "true"


def test_a_customer_cannot_mark_their_own_address_verified(stack: LocalStack, cognito: Any) -> None:
    username = confirmed_user(stack, cognito)
    token = sign_in(stack, cognito, username)["AuthenticationResult"]["AccessToken"]
    for attribute in ("email_verified", "custom:role"):
        assert error(
            cognito.update_user_attributes, AccessToken=token, UserAttributes=[{"Name": attribute, "Value": "true"}]
        ) == ("NotAuthorizedException", "A client attempted to write unauthorized attribute")


def test_change_password_checks_the_old_one_and_the_policy(stack: LocalStack, cognito: Any) -> None:
    username = confirmed_user(stack, cognito)
    token = sign_in(stack, cognito, username)["AuthenticationResult"]["AccessToken"]
    assert error(
        cognito.change_password,
        AccessToken=token,
        PreviousPassword="Wrong-Pass-123",
        ProposedPassword="Next-Pass-2026!",
    ) == (
        "NotAuthorizedException",
        "Incorrect username or password.",
    )
    assert (
        error(cognito.change_password, AccessToken=token, PreviousPassword=PASSWORD, ProposedPassword="short")[0]
        == "InvalidPasswordException"
    )
    cognito.change_password(AccessToken=token, PreviousPassword=PASSWORD, ProposedPassword="Next-Pass-2026!")
    assert "AuthenticationResult" in sign_in(stack, cognito, username, "Next-Pass-2026!")


# ---- two-step sign-in ---------------------------------------------------------------------------------


def totp(secret: str, at: float | None = None) -> str:
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    generator = TOTP(key, 6, SHA1(), 30, enforce_key_length=False)  # noqa: S303
    return generator.generate(int(at if at is not None else time.time())).decode()


def test_an_authenticator_app_is_checked_with_the_users_own_secret(stack: LocalStack, cognito: Any) -> None:
    username = confirmed_user(stack, cognito)
    token = sign_in(stack, cognito, username)["AuthenticationResult"]["AccessToken"]
    secret = cognito.associate_software_token(AccessToken=token)["SecretCode"]
    other = cognito.associate_software_token(
        AccessToken=sign_in(stack, cognito, confirmed_user(stack, cognito))["AuthenticationResult"]["AccessToken"]
    )["SecretCode"]
    assert secret != other
    wrong = totp(other) if totp(other) != totp(secret) else "000000"
    assert (
        error(cognito.verify_software_token, AccessToken=token, UserCode=wrong)[0] == "EnableSoftwareTokenMFAException"
    )
    assert (
        cognito.verify_software_token(AccessToken=token, UserCode=totp(secret), FriendlyDeviceName="Bookstore")[
            "Status"
        ]
        == "SUCCESS"
    )
    cognito.set_user_mfa_preference(AccessToken=token, SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True})

    challenge = sign_in(stack, cognito, username)
    assert challenge["ChallengeName"] == "SOFTWARE_TOKEN_MFA"

    def answer(code: str) -> dict[str, Any]:
        result: dict[str, Any] = cognito.respond_to_auth_challenge(
            ClientId=stack.aws.client_id,
            ChallengeName="SOFTWARE_TOKEN_MFA",
            Session=challenge["Session"],
            ChallengeResponses={"USERNAME": username, "SOFTWARE_TOKEN_MFA_CODE": code},
        )
        return result

    assert error(answer, code=wrong)[0] == "CodeMismatchException"
    assert "IdToken" in answer(totp(secret))["AuthenticationResult"]


# ---- the outbox -----------------------------------------------------------------------------------------


def test_the_outbox_is_listed_on_the_local_site(stack: LocalStack, cognito: Any) -> None:
    username = name()
    sign_up(stack, cognito, username)
    assert stack.web is not None
    with urllib.request.urlopen(f"{stack.web.url}_outbox.json", timeout=10) as response:  # noqa: S310 (local)
        listed = json.loads(response.read())["messages"]
    newest = listed[0]
    assert (newest["username"], newest["kind"], newest["to"]) == (username, "sign-up code", f"{username}@example.com")
    assert newest["code"] in newest["body"]
    with urllib.request.urlopen(f"{stack.web.url}_outbox", timeout=10) as response:  # noqa: S310 (local)
        page = response.read().decode()
        assert response.headers["Content-Type"].startswith("text/html")
        assert "Content-Security-Policy" in response.headers
    assert f"{username}@example.com" in page
    assert "<script" not in page


def test_a_console_line_per_mail(stack: LocalStack, cognito: Any) -> None:
    lines: list[str] = []
    stack.outbox.on_delivery(lambda mail: lines.append(mail.console_line()))
    username = name()
    sign_up(stack, cognito, username)
    code = last_mail(stack, username).code
    assert any(
        line.startswith(f"[outbox] sign-up code for {username} to {username}@example.com") and code in line
        for line in lines
    )


def test_a_browser_may_read_every_answer_of_the_local_pool(stack: LocalStack) -> None:
    """The web front end calls Cognito from its own origin: answers, errors included, allow any origin, as
    Cognito's endpoint does (a missing header is a 'network error' in the browser)."""
    for action, body in (
        ("SignUp", {"ClientId": stack.aws.client_id, "Username": "Bad Name", "Password": PASSWORD}),
        ("ForgotPassword", {"ClientId": stack.aws.client_id, "Username": name("ghost")}),
        ("InitiateAuth", {"ClientId": stack.aws.client_id, "AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": {}}),
    ):
        sent = urllib.request.Request(  # noqa: S310 (the local stack)
            stack.aws.endpoint,
            data=json.dumps(body).encode(),
            method="POST",
            headers={
                "Content-Type": "application/x-amz-json-1.1",
                "X-Amz-Target": f"AWSCognitoIdentityProviderService.{action}",
                "Origin": "http://127.0.0.1:8080",
            },
        )
        try:
            with urllib.request.urlopen(sent, timeout=10) as response:  # noqa: S310 (the local stack)
                headers = response.headers
        except urllib.error.HTTPError as err:
            headers = err.headers
        assert headers["Access-Control-Allow-Origin"] in ("*", "http://127.0.0.1:8080"), action


# ---- what the review found ---------------------------------------------------------------------------------


def test_any_case_of_the_name_or_the_verified_email_signs_in(stack: LocalStack, cognito: Any) -> None:
    username = confirmed_user(stack, cognito)
    for name in (username.upper(), f"{username}@example.com", f"{username.upper()}@EXAMPLE.com"):
        assert "AuthenticationResult" in sign_in(stack, cognito, name), name


def test_two_users_never_hold_the_same_verified_email(stack: LocalStack, cognito: Any) -> None:
    first = confirmed_user(stack, cognito)
    second = name()
    sign_up(stack, cognito, second, email=f"{first}@example.com")
    code = last_mail(stack, second).code
    assert error(cognito.confirm_sign_up, ClientId=stack.aws.client_id, Username=second, ConfirmationCode=code) == (
        "AliasExistsException",
        "An account with the given email already exists.",
    )
    assert (
        error(
            cognito.admin_create_user,
            UserPoolId=stack.aws.user_pool_id,
            Username=name(),
            UserAttributes=[
                {"Name": "email", "Value": f"{first}@example.com"},
                {"Name": "email_verified", "Value": "true"},
            ],
        )[0]
        == "AliasExistsException"
    )
    # a customer cannot verify someone else's address as theirs either
    token = sign_in(stack, cognito, confirmed_user(stack, cognito))["AuthenticationResult"]["AccessToken"]
    cognito.update_user_attributes(
        AccessToken=token, UserAttributes=[{"Name": "email", "Value": f"{first}@example.com"}]
    )
    stolen = next(m for m in stack.outbox.messages() if m.kind == "email verification")
    assert stolen.to == f"{first}@example.com"  # only the owner of the address sees the code
    assert error(cognito.verify_user_attribute, AccessToken=token, AttributeName="email", Code=stolen.code)[0] == (
        "AliasExistsException"
    )


@pytest.mark.parametrize(
    ("attributes", "message"),
    [
        ([], "The attribute email is required"),
        ([{"Name": "email", "Value": "not-an-email"}], "Invalid email address format."),
    ],
)
def test_a_sign_up_without_a_usable_email_is_refused(stack: LocalStack, cognito: Any, attributes, message) -> None:
    username = name()
    code, text = error(
        cognito.sign_up, ClientId=stack.aws.client_id, Username=username, Password=PASSWORD, UserAttributes=attributes
    )
    assert code == "InvalidParameterException"
    assert message in text
    assert (
        error(cognito.admin_get_user, UserPoolId=stack.aws.user_pool_id, Username=username)[0]
        == "UserNotFoundException"
    )


def test_an_email_shaped_username_is_refused_whether_or_not_the_address_is_used(
    stack: LocalStack, cognito: Any
) -> None:
    used = f"{confirmed_user(stack, cognito)}@example.com"
    for username in (used, "nobody-yet@example.com"):
        assert error(
            cognito.sign_up,
            ClientId=stack.aws.client_id,
            Username=username,
            Password=PASSWORD,
            UserAttributes=[{"Name": "email", "Value": "x@example.com"}],
        ) == (
            "InvalidParameterException",
            "Username cannot be of email format, since user pool is configured for email alias.",
        )


def raw(stack: LocalStack, action: str, body: bytes) -> tuple[int, dict[str, Any]]:
    sent = urllib.request.Request(  # noqa: S310 (the local stack)
        stack.aws.endpoint,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": f"AWSCognitoIdentityProviderService.{action}",
        },
    )
    try:
        with urllib.request.urlopen(sent, timeout=5) as response:  # noqa: S310 (the local stack)
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"{}")


@pytest.mark.parametrize(
    ("action", "body", "status", "kind"),
    [
        ("SignUp", b"", 400, "InvalidParameterException"),  # no body: every required member missing
        ("SignUp", b"{not json", 400, "SerializationException"),
        ("SignUp", b"[]", 400, "SerializationException"),
        ("SignUp", b'{"ClientId": "x", "Username": 123, "Password": "Abcdefgh-123"}', 400, "SerializationException"),
        (
            "SignUp",
            b'{"ClientId": "x", "Username": "a", "Password": "P", "UserAttributes": "email=x"}',
            400,
            "SerializationException",
        ),
        ("SignUp", b'{"ClientId": "x", "Username": "abc"}', 400, "InvalidParameterException"),
        ("ForgotPassword", b'{"ClientId": "x"}', 400, "InvalidParameterException"),
        (
            "InitiateAuth",
            b'{"ClientId": "x", "AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": "u"}',
            400,
            "SerializationException",
        ),
        ("NoSuchAction", b"{}", 400, "UnknownOperationException"),
        ("DeleteUser", b'{"AccessToken": "x"}', 400, "UnsupportedOperationException"),
    ],
)
def test_a_malformed_request_is_a_clear_400_never_a_hang_or_a_500(
    stack: LocalStack, action, body, status, kind
) -> None:
    if b'"ClientId": "x"' in body:
        body = body.replace(b'"ClientId": "x"', f'"ClientId": "{stack.aws.client_id}"'.encode())
    answer_status, answer = raw(stack, action, body)
    assert (answer_status, answer["__type"]) == (status, kind)
    assert answer["message"]


def test_a_password_longer_than_cognito_takes_is_refused(stack: LocalStack, cognito: Any) -> None:
    code, text = error(
        cognito.sign_up,
        ClientId=stack.aws.client_id,
        Username=name(),
        Password="Aa1!" * 70,
        UserAttributes=[{"Name": "email", "Value": "long@example.com"}],
    )
    assert code == "InvalidParameterException"
    assert "less than or equal to 256" in text


def test_a_code_is_taken_exactly_as_sent(stack: LocalStack, cognito: Any) -> None:
    username = name()
    sign_up(stack, cognito, username)
    code = last_mail(stack, username).code
    assert (
        error(cognito.confirm_sign_up, ClientId=stack.aws.client_id, Username=username, ConfirmationCode=f" {code} ")[0]
        == "CodeMismatchException"
    )
