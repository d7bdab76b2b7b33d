"""Every Cognito flow a shopper meets, in a browser on the local stack: sign-up rules, confirmation (now or later),
a staff invitation's temporary password, a forgotten password, the account page, sign-out, and the messages for
wrong codes and expired steps. The codes come from the local outbox (`<web>/_outbox.json`), where `make dev`
delivers the e-mails Cognito would send."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import struct
import time
import urllib.request
import uuid
from typing import Any

import pytest

from local.world.cognito import DEMO_ACCOUNTS
from tests.e2e.conftest import (
    DevStack,
    PageWatch,
    check_out,
    fits_the_screen,
    sign_in,
    signed_in_fetch,
    unlabelled_controls,
    wait_until,
)

ALICE, CAROL = DEMO_ACCOUNTS
POLICY = [
    "At least 12 characters",
    "An upper case letter (A\u2013Z)",
    "A lower case letter (a\u2013z)",
    "A digit (0\u20139)",
    "A symbol, such as ! @ # $ % & * - _ ?",
    "No space at the start or end",
]


# ---------------------------------------------------------------------------------------------------------
# Helpers


def _name(prefix: str) -> str:
    """A username of the app's rule (lowercase letter first, at most 30 characters), unique to this run."""
    return f"{prefix}.{uuid.uuid4().hex[:10]}"


def _outbox(web: str) -> list[dict[str, Any]]:
    url = f"{web.rstrip('/')}/_outbox.json"
    assert url.startswith("http://"), url  # the local web server
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310  (http only, checked above)
        messages: list[dict[str, Any]] = json.load(response)["messages"]
    return messages


def _last_id(web: str) -> int:
    messages = _outbox(web)
    return int(messages[0]["id"]) if messages else 0


def _mail(web: str, username: str, kind: str, after: int = 0) -> dict[str, Any]:
    """The newest e-mail of that kind to that user, newer than the message id `after`."""

    def find() -> dict[str, Any] | None:
        for message in _outbox(web):  # newest first
            if message["username"] == username and message["kind"] == kind and int(message["id"]) > after:
                return message
        return None

    found = wait_until(find, timeout=15)
    assert found, f"no {kind!r} e-mail for {username} in the outbox"
    return found


def _outbox_ready(dev_stack: DevStack) -> None:
    try:
        _outbox(dev_stack.web)
    except OSError as err:
        pytest.fail(f"the local outbox ({dev_stack.web}_outbox.json) does not answer: {err}")


def _totp(secret: str, at: float | None = None) -> str:
    """RFC 6238 (30 s, 6 digits, SHA-1): what an authenticator app shows for the secret key."""
    key = base64.b32decode(secret.replace(" ", "").upper() + "=" * (-len(secret.replace(" ", "")) % 8))
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


def _alert(page: Any) -> str:
    alert = page.locator('[role="alert"]:not(:empty)').first
    alert.wait_for()
    return str(alert.inner_text())


def _signed_in(page: Any, username: str) -> None:
    page.get_by_role("button", name=f"Sign out {username}").wait_for()


def _sign_out(page: Any, username: str) -> None:
    page.get_by_role("button", name=f"Sign out {username}").click()
    page.get_by_role("link", name="Sign in", exact=True).wait_for()


def _sign_up(page: Any, web: str, username: str, password: str) -> None:
    page.goto(f"{web}#/signup")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Email").fill(f"{username}@example.com")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Create account").click()
    page.get_by_role("heading", name="Confirm your account").wait_for()


def _confirm(page: Any, code: str) -> None:
    page.get_by_label("Confirmation code").fill(code)
    page.get_by_role("button", name="Confirm", exact=True).click()


def _policy_ticks(page: Any) -> list[bool]:
    ticks: list[bool] = page.locator(".rules .rule").evaluate_all(
        "items => items.map((li) => li.classList.contains('met'))"
    )
    return ticks


def _cognito_answers(page: Any, action: str, code: str, message: str) -> None:
    """Make the page's Cognito calls of `action` answer this error, as Cognito's JSON API does (HTTP 400)."""
    page.add_init_script(
        """(([action, code, message]) => {
            const realFetch = window.fetch.bind(window);
            window.fetch = (url, options = {}) => {
                const target = (options.headers || {})["X-Amz-Target"] || "";
                if (target === `AWSCognitoIdentityProviderService.${action}`) {
                    return Promise.resolve(new Response(JSON.stringify({ __type: code, message }), {
                        status: 400, headers: { "Content-Type": "application/x-amz-json-1.1" },
                    }));
                }
                return realFetch(url, options);
            };
        })("""
        + json.dumps([action, code, message])
        + ")"
    )


# ---------------------------------------------------------------------------------------------------------
# Without the outbox


BAD_USERNAMES = ["da ve", "ab", "bob\U0001f4da", "Dave", "\u00eb-name"]
GOOD_USERNAMES = ["dave", "j.doe_2"]


def test_sign_up_username_pattern_compiles_with_the_v_flag_and_is_the_apps_rule(page: Any, dev_stack: DevStack) -> None:
    page.goto(f"{dev_stack.web}#/signup")
    username = page.get_by_label("Username")
    username.wait_for()
    pattern = username.get_attribute("pattern")
    assert pattern
    # Browsers compile a pattern attribute with the `v` flag; one that does not compile is silently ignored.
    assert page.evaluate("(p) => { try { new RegExp(p, 'v'); return true; } catch { return false; } }", pattern)
    assert page.evaluate("(p) => new RegExp(`^(?:${p})$`, 'v').test('a' + 'b'.repeat(29))", pattern)
    assert not page.evaluate("(p) => new RegExp(`^(?:${p})$`, 'v').test('a' + 'b'.repeat(30))", pattern)
    hint = page.locator(f"#{username.get_attribute('aria-describedby').split()[0]}").inner_text()
    assert "3 to 30 characters" in hint
    assert "lowercase letter first" in hint

    for value in BAD_USERNAMES:
        username.fill(value)
        assert username.evaluate("el => el.validity.patternMismatch"), value
        assert username.input_value() == value  # refused as typed, never rewritten
    # The form is not sent: the browser's message, and ours saying what is wrong.
    username.fill("Dave")
    page.get_by_label("Email").fill("dave@example.com")
    page.get_by_label("Password").fill("Reading-Is-Fun-2026!")
    page.get_by_role("button", name="Create account").click()
    assert page.get_by_role("heading", name="Create an account").is_visible()
    assert username.evaluate("el => el.validationMessage") != ""
    page.get_by_text("Use lowercase letters only: “dave”, not “Dave”.").wait_for()
    assert username.get_attribute("aria-invalid") == "true"
    page.shots("username-refused")

    for value in GOOD_USERNAMES:
        username.fill(value)
        assert username.evaluate("el => el.validity.valid"), value
    assert page.get_by_text("Use lowercase letters only").count() == 0
    page.shots("username-accepted")


def test_the_password_policy_is_listed_before_submitting_and_ticked_as_the_user_types(
    page: Any, dev_stack: DevStack
) -> None:
    page.goto(f"{dev_stack.web}#/signup")
    rules = page.locator(".rules .rule")
    rules.first.wait_for()
    texts = page.locator(".rules .rule-text").evaluate_all("items => items.map((el) => el.firstChild.textContent)")
    assert texts == POLICY
    password = page.get_by_label("Password")
    assert _policy_ticks(page) == [False] * 6
    password.fill("abc")
    assert _policy_ticks(page) == [False, False, True, False, False, True]
    password.fill("abcDEF123456")
    assert _policy_ticks(page) == [True, True, True, True, False, True]
    # Not met yet: the browser refuses the form with our sentence, naming what is missing.
    assert password.evaluate("el => el.validationMessage") == "The password needs a symbol."
    page.shots("policy-partly-met")
    password.fill(" abcDEF123456!")
    assert _policy_ticks(page) == [True] * 5 + [False]
    assert password.evaluate("el => el.validationMessage") == "The password cannot start or end with a space."
    password.fill("abcDEF123456!")
    assert _policy_ticks(page) == [True] * 6
    assert password.evaluate("el => el.validity.valid")
    page.shots("policy-met")


def _pool_id(dev_stack: DevStack) -> str:
    cognito = dev_stack.client("cognito-idp")
    return str(cognito.list_user_pools(MaxResults=5)["UserPools"][0]["Id"])


def test_a_challenge_that_took_too_long_sends_the_user_back_to_sign_in(page: Any, dev_stack: DevStack) -> None:
    """Cognito's challenge session lasts 3 minutes; its refusal after that reads as a step that took too long."""
    web = dev_stack.web
    username = _name("slow")
    cognito = dev_stack.client("cognito-idp")
    cognito.admin_create_user(
        UserPoolId=_pool_id(dev_stack),
        Username=username,
        TemporaryPassword="Temp-Pass-2026!x",
        UserAttributes=[
            {"Name": "email", "Value": f"{username}@example.com"},
            {"Name": "email_verified", "Value": "true"},
        ],
        MessageAction="SUPPRESS",
    )

    # Cognito's answer once the challenge's session has run out (3 minutes), without waiting 3 minutes.
    _cognito_answers(
        page, "RespondToAuthChallenge", "NotAuthorizedException", "Invalid session for the user, session is expired."
    )
    sign_in(page, web, username, "Temp-Pass-2026!x")
    page.get_by_role("heading", name="Choose a new password").wait_for()
    page.get_by_label("New password", exact=True).fill("My-Own-Password-2026")
    page.get_by_role("button", name="Save the password and sign in").click()
    page.get_by_role("heading", name="Sign in").wait_for()
    page.get_by_text("This step took too long; sign in again.").wait_for()
    assert page.get_by_label("Username").input_value() == username
    page.shots("session-expired")


# ---------------------------------------------------------------------------------------------------------
# With the outbox: the codes and temporary passwords Cognito would e-mail


def _register_in_chat(page: Any, web: str, username: str) -> None:
    sign_in(page, web, ALICE.username, ALICE.password)
    _signed_in(page, ALICE.username)
    page.get_by_role("link", name="Chat", exact=True).click()
    message = page.get_by_label("Message")
    message.fill(f"register a user named {username} with email {username}@example.com")
    message.press("Enter")
    page.locator(".message.bot", has_text=f"Register the user {username}").last.wait_for()
    message.fill("yes")
    message.press("Enter")
    page.locator(".message.bot", has_text=f"{username} is registered").last.wait_for()
    page.shots("registered-in-chat")


def test_an_invited_user_chooses_a_password_signs_in_and_orders(page: Any, dev_stack: DevStack) -> None:
    _outbox_ready(dev_stack)
    web = dev_stack.web
    username = _name("inv")
    _register_in_chat(page, web, username)
    _sign_out(page, ALICE.username)

    invitation = _mail(web, username, "invitation")
    assert invitation["to"] == f"{username}@example.com"
    temporary = invitation["code"]
    assert temporary
    assert temporary in invitation["body"]

    sign_in(page, web, username, temporary)
    page.get_by_role("heading", name="Choose a new password").wait_for()
    # The policy is there before anything is sent, and follows what is typed.
    for rule in POLICY:
        page.locator(".rules .rule", has_text=rule).wait_for()
    new_password = page.get_by_label("New password", exact=True)
    new_password.fill("weak")
    assert _policy_ticks(page) == [False, False, True, False, False, True]
    assert fits_the_screen(page)
    assert unlabelled_controls(page) == []
    page.shots("new-password-policy")
    new_password.fill("Invited-Reader-2026!")
    assert _policy_ticks(page) == [True] * 6
    page.shots("new-password-ready")
    page.get_by_role("button", name="Save the password and sign in").click()
    _signed_in(page, username)
    page.shots("signed-in")

    # A new customer has no saved address: "Add to cart and check out" leads to the checkout, which asks for one.
    page.goto(f"{web}#/books/dracula-bram-stoker")
    page.get_by_role("button", name="Add to cart and check out").click()
    check_out(page, {"Full name": "Ivy Invited", "Address line 1": "1 Main Street", "City": "Springfield",
                     "Postal code": "12345"}, country="US")  # fmt: skip
    page.locator(".badge", has_text="PLACED").wait_for()
    page.shots("ordered")

    # The temporary password is spent; the chosen one signs in.
    _sign_out(page, username)
    sign_in(page, web, username, temporary)
    assert _alert(page) == "Incorrect username or password."
    sign_in(page, web, username, "Invited-Reader-2026!")
    _signed_in(page, username)


def test_forgot_password_end_to_end(page: Any, dev_stack: DevStack) -> None:
    _outbox_ready(dev_stack)
    web = dev_stack.web
    username = _name("fgt")
    old_password, new_password = "First-Password-2026!", "Second-Password-2026?"
    _sign_up(page, web, username, old_password)
    _confirm(page, _mail(web, username, "sign-up code")["code"])
    _signed_in(page, username)
    _sign_out(page, username)

    page.goto(f"{web}#/signin")
    page.get_by_label("Username").fill(username)
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_role("heading", name="Forgot your password?").wait_for()
    assert page.get_by_label("Username").input_value() == username
    page.shots("forgot")
    before = _last_id(web)
    page.get_by_role("button", name="Send me a code").click()
    page.get_by_role("heading", name="Choose a new password").wait_for()
    reset = _mail(web, username, "password reset", after=before)
    sent = page.get_by_text(re.compile(r"^We sent a code to \S+\.$"))
    sent.wait_for()
    for rule in POLICY:
        page.locator(".rules .rule", has_text=rule).wait_for()
    page.shots("reset-code-sent")

    page.get_by_label("Code", exact=True).fill(reset["code"])
    page.get_by_label("New password", exact=True).fill(new_password)
    page.get_by_role("button", name="Save the password and sign in").click()
    _signed_in(page, username)
    page.shots("signed-in-with-new-password")

    _sign_out(page, username)
    sign_in(page, web, username, old_password)
    assert _alert(page) == "Incorrect username or password."
    page.shots("old-password-refused")
    sign_in(page, web, username, new_password)
    _signed_in(page, username)


def test_confirm_later_from_sign_in(page: Any, dev_stack: DevStack) -> None:
    _outbox_ready(dev_stack)
    web = dev_stack.web
    username = _name("later")
    password = "Confirm-Later-2026!"
    _sign_up(page, web, username, password)
    first = _mail(web, username, "sign-up code")
    page.shots("confirm-page")
    # Leave, and forget everything the page knew (a new visit).
    page.goto(f"{web}#/catalog")
    page.reload()

    # Signing in to the unconfirmed account leads to its confirmation page, which can send a new code.
    sign_in(page, web, username, password)
    page.get_by_role("heading", name="Confirm your account").wait_for()
    assert page.get_by_label("Username").input_value() == username
    page.get_by_text("Confirm your account first").wait_for()
    page.shots("unconfirmed-sign-in")
    page.get_by_role("button", name="Send a new code").click()
    page.get_by_text(re.compile(r"^We sent a code to \S+\.$")).wait_for()
    newest = _mail(web, username, "sign-up code", after=int(first["id"]))
    page.shots("new-code-sent")

    # Later again: from the sign-in page's link, giving the username.
    page.goto(f"{web}#/catalog")
    page.reload()
    page.goto(f"{web}#/signin")
    page.get_by_role("link", name="Have a confirmation code?").click()
    page.get_by_role("heading", name="Confirm your account").wait_for()
    page.get_by_label("Username").fill(username)
    _confirm(page, newest["code"])
    page.get_by_role("heading", name="Sign in").wait_for()
    page.get_by_text("Your account is confirmed; sign in.").wait_for()
    page.shots("confirmed")

    # Confirming again says so, in words.
    page.goto(f"{web}#/confirm?username={username}")
    _confirm(page, newest["code"])
    assert _alert(page) == "This account is already confirmed; sign in."
    page.shots("already-confirmed")

    sign_in(page, web, username, password)
    _signed_in(page, username)


def test_sign_out_ends_the_conversation_and_a_new_sign_in_starts_an_empty_chat(page: Any, dev_stack: DevStack) -> None:
    web = dev_stack.web
    calls: list[str] = []
    page.on(
        "request",
        lambda request: calls.append(
            f"{request.method} {request.url.rstrip('/').rsplit('/', 1)[-1]}"
            if request.method != "POST" or "x-amz-target" not in request.headers
            else request.headers["x-amz-target"].rsplit(".", 1)[-1]
        ),
    )
    sign_in(page, web, CAROL.username, CAROL.password)
    _signed_in(page, CAROL.username)
    page.get_by_role("link", name="Chat", exact=True).click()
    message = page.get_by_label("Message")
    message.fill("find dracula")
    message.press("Enter")
    page.locator(".message.bot").first.wait_for()
    assert page.locator(".chat-log > li").count() >= 2
    page.shots("chat-before")

    calls.clear()
    _sign_out(page, CAROL.username)
    assert wait_until(lambda: "RevokeToken" in calls)
    assert "DELETE chat" in calls
    assert calls.index("DELETE chat") < calls.index("RevokeToken")  # the conversation ends while signed in
    assert page.evaluate("sessionStorage.getItem('bookstore.chat')") is None

    sign_in(page, web, CAROL.username, CAROL.password)
    _signed_in(page, CAROL.username)
    page.get_by_role("link", name="Chat", exact=True).click()
    page.get_by_label("Message").wait_for()
    assert page.locator(".chat-log > li").count() == 0
    page.shots("chat-after")


def test_a_wrong_code_gets_a_clear_message(page: Any, dev_stack: DevStack) -> None:
    _outbox_ready(dev_stack)
    web = dev_stack.web
    username = _name("wrong")
    _sign_up(page, web, username, "Wrong-Code-2026!")
    right = _mail(web, username, "sign-up code")["code"]
    wrong = "000000" if right != "000000" else "111111"
    _confirm(page, wrong)
    assert _alert(page) == "That code is not right; check the e-mail and try again."
    page.shots("wrong-code")
    _confirm(page, right)
    _signed_in(page, username)


def test_the_account_page_changes_password_email_and_turns_on_two_step_sign_in(page: Any, dev_stack: DevStack) -> None:
    _outbox_ready(dev_stack)
    web = dev_stack.web
    username = _name("acct")
    password, changed = "Account-Page-2026!", "Account-Changed-2026#"
    _sign_up(page, web, username, password)
    _confirm(page, _mail(web, username, "sign-up code")["code"])
    _signed_in(page, username)

    page.get_by_role("link", name="Account", exact=True).click()
    page.get_by_role("heading", name="My account").wait_for()
    assert page.locator("#account-email").inner_text() == f"{username}@example.com"
    assert fits_the_screen(page)
    assert unlabelled_controls(page) == []
    page.shots("account")

    # Password: a wrong current one is said so; then changed.
    page.get_by_label("Current password", exact=True).fill("Not-My-Password-1!")
    page.get_by_label("New password", exact=True).fill(changed)
    page.get_by_role("button", name="Change the password").click()
    assert _alert(page) == "Your current password is not right."
    page.get_by_label("Current password", exact=True).fill(password)
    page.get_by_role("button", name="Change the password").click()
    page.get_by_text("Your password is changed.").wait_for()
    page.shots("password-changed")

    # E-mail: the old address stays until the code sent to the new one is entered.
    new_address = f"{username}.new@example.com"
    before = _last_id(web)
    page.get_by_label("New e-mail address").fill(new_address)
    page.get_by_role("button", name="Change the e-mail address").click()
    page.get_by_label(f"Code sent to {new_address}").wait_for()
    assert page.locator("#account-email").inner_text() == f"{username}@example.com"
    first = _mail(web, username, "email verification", after=before)
    assert first["to"] == new_address
    page.get_by_role("button", name="Send the code again").click()
    verification = _mail(web, username, "email verification", after=int(first["id"]))
    assert verification["to"] == new_address
    page.get_by_label(f"Code sent to {new_address}").fill("000000" if verification["code"] != "000000" else "111111")
    page.get_by_role("button", name="Verify the new address").click()
    assert _alert(page) == "That code is not right; check the e-mail and try again."
    page.get_by_label(f"Code sent to {new_address}").fill(verification["code"])
    page.get_by_role("button", name="Verify the new address").click()
    page.get_by_text(f"Your e-mail address is now {new_address}.").wait_for()
    assert page.locator("#account-email").inner_text() == new_address
    # The shop's profile followed the verified address (PATCH /me), the e-mail guard with it.
    users = dev_stack.client("dynamodb")
    profile_key = {"pk": {"S": f"USER#{username}"}, "sk": {"S": "PROFILE"}}
    assert wait_until(
        lambda: users.get_item(TableName="UsersTable", Key=profile_key)["Item"]["email"]["S"] == new_address
    )
    page.shots("email-changed")

    # Two-step sign-in with an authenticator app.
    page.get_by_role("button", name="Set up two-step sign-in").click()
    secret_text = page.locator("#totp-secret").inner_text()
    assert re.fullmatch(r"[A-Z2-7=]{1,4}( [A-Z2-7=]{1,4})*", secret_text), secret_text
    page.shots("totp-secret")
    page.get_by_label("Code from the app").fill(_totp(secret_text))
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    page.get_by_text("Two-step sign-in is on").first.wait_for()
    page.shots("totp-on")

    _sign_out(page, username)
    sign_in(page, web, username, changed)
    page.get_by_role("heading", name="Enter the 6-digit code from your authenticator app").wait_for()
    page.shots("totp-challenge")
    page.get_by_label("Code", exact=True).fill(_totp(secret_text))
    page.get_by_role("button", name="Sign in").click()
    _signed_in(page, username)


def test_a_refusal_of_the_pre_sign_up_trigger_shows_just_its_sentence(page: Any, dev_stack: DevStack) -> None:
    _cognito_answers(
        page,
        "SignUp",
        "UserLambdaValidationException",
        "PreSignUp failed with error Usernames cannot contain 'admin'..",
    )
    page.goto(f"{dev_stack.web}#/signup")
    page.get_by_label("Username").fill("shopadmin")
    page.get_by_label("Email").fill("shopadmin@example.com")
    page.get_by_label("Password").fill("Reading-Is-Fun-2026!")
    page.get_by_role("button", name="Create account").click()
    assert _alert(page) == "Usernames cannot contain 'admin'."
    page.shots("pre-sign-up-refused")


def test_forgot_password_for_an_unknown_user_answers_like_for_a_known_one(page: Any, dev_stack: DevStack) -> None:
    """The client hides which usernames exist (PreventUserExistenceErrors): the same page, the same sentence."""
    _outbox_ready(dev_stack)
    page.goto(f"{dev_stack.web}#/forgot?username={_name('nobody')}")
    page.get_by_role("button", name="Send me a code").click()
    page.get_by_role("heading", name="Choose a new password").wait_for()
    page.get_by_text(re.compile(r"^We sent a code to \S+\.$")).wait_for()
    page.shots("unknown-user")


# ---------------------------------------------------------------------------------------------------------
# The delivery address on the account page

# What a new customer types on the account page (labels of the shared address form) and what the API then keeps.
NEW_ADDRESS = {
    "Full name": "Ada Adder",
    "Address line 1": "5 Elm Road",
    "Address line 2 (optional)": "Flat 2",
    "City": "Leeds",
    "Postal code": "LS1 4AP",
}
NEW_ADDRESS_SAVED = {
    "name": "Ada Adder",
    "line1": "5 Elm Road",
    "line2": "Flat 2",
    "city": "Leeds",
    "postal_code": "LS1 4AP",
    "country": "GB",
}
# What Chromium logs for the API's 400 that the form shows field by field.
BAD_REQUEST = "the server responded with a status of 400"


def _new_customer(page: Any, dev_stack: DevStack, prefix: str) -> str:
    """Signs up and confirms a new customer (so with no saved address), signed in on `page`; the username."""
    _outbox_ready(dev_stack)
    web = dev_stack.web
    username = _name(prefix)
    _sign_up(page, web, username, "Address-Reader-2026!")
    _confirm(page, _mail(web, username, "sign-up code")["code"])
    _signed_in(page, username)
    return username


def _open_account(page: Any, web: str) -> Any:
    """The account page's "Delivery address" section, once it has read the profile."""
    page.goto(f"{web}#/account")
    panel = page.get_by_role("region", name="Delivery address")
    panel.get_by_role("button").first.wait_for()
    return panel


def test_a_new_customer_adds_an_address_on_the_account_page_and_orders_by_chat(
    page: Any, dev_stack: DevStack, watch: PageWatch
) -> None:
    web = dev_stack.web
    _new_customer(page, dev_stack, "addr")
    assert signed_in_fetch(page, "GET", "me").get("delivery_address") is None

    panel = _open_account(page, web)
    panel.get_by_text("No delivery address is saved.").wait_for()
    assert panel.get_by_role("button", name="Forget this address").count() == 0
    # The form opens from the keyboard, with the focus on its first field.
    add = panel.get_by_role("button", name="Add a delivery address")
    add.focus()
    page.keyboard.press("Enter")
    page.get_by_role("form", name="Add a delivery address").wait_for()
    assert page.evaluate("document.activeElement.id") == "account-addr-name"
    assert page.get_by_label("Country").input_value() == "US"
    assert unlabelled_controls(page) == []
    assert fits_the_screen(page)
    page.shots("account-address-form")
    for label, value in NEW_ADDRESS.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("Country").select_option("GB")
    page.get_by_label("Postal code").press("Enter")  # submits the form

    # Saved: the panel shows it, with the focus on it, and the profile holds it.
    saved = panel.locator(".saved-address")
    saved.wait_for()
    assert wait_until(lambda: page.evaluate("document.activeElement.classList.contains('saved-address')"))
    assert "Leeds LS1 4AP" in saved.inner_text()
    assert "United Kingdom" in saved.inner_text()
    page.get_by_text("Your delivery address is saved.").wait_for()
    assert signed_in_fetch(page, "GET", "me")["delivery_address"] == NEW_ADDRESS_SAVED
    page.shots("account-address-saved")

    # A reload reads it back from the server.
    page.reload()
    panel = _open_account(page, web)
    saved = panel.locator(".saved-address")
    saved.wait_for()
    assert "5 Elm Road" in saved.inner_text()
    assert "Flat 2" in saved.inner_text()
    panel.get_by_role("button", name="Change").wait_for()
    panel.get_by_role("button", name="Forget this address").wait_for()

    # "Change" opens the form prefilled; "Cancel" leaves the address as it is.
    panel.get_by_role("button", name="Change").click()
    page.get_by_role("form", name="Change your delivery address").wait_for()
    for label, value in NEW_ADDRESS.items():
        assert page.get_by_label(label, exact=True).input_value() == value, label
    assert page.get_by_label("Country").input_value() == "GB"
    page.get_by_role("button", name="Cancel").click()
    panel.get_by_role("button", name="Change").wait_for()
    assert page.evaluate("document.activeElement.textContent") == "Change"

    # The chat orders to it, and says so before placing the order.
    page.get_by_role("link", name="Chat", exact=True).click()
    message = page.get_by_label("Message")
    message.fill("buy 1 copy of Emma")
    message.press("Enter")
    page.locator(".message.bot", has_text="sent to Ada Adder, 5 Elm Road, Flat 2, Leeds LS1 4AP, GB").last.wait_for()
    page.shots("chat-confirms-the-address")
    assert watch.take() == []


def test_a_bad_address_on_the_account_page_shows_the_field_error_and_saves_nothing(
    page: Any, dev_stack: DevStack, watch: PageWatch
) -> None:
    web = dev_stack.web
    _new_customer(page, dev_stack, "badaddr")
    before = signed_in_fetch(page, "GET", "me")
    assert before.get("delivery_address") is None

    panel = _open_account(page, web)
    panel.get_by_role("button", name="Add a delivery address").click()
    page.get_by_role("form", name="Add a delivery address").wait_for()
    for label, value in {**NEW_ADDRESS, "Postal code": "LS1 4AP!"}.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_role("button", name="Save the address").click()
    page.get_by_text("A postal code is 2 to 10 letters, digits, spaces or hyphens.").wait_for()
    postal = page.get_by_label("Postal code")
    assert postal.get_attribute("aria-invalid") == "true"
    assert page.evaluate("document.activeElement.id") == "account-addr-postal_code"
    assert postal.input_value() == "LS1 4AP!"  # what was typed stays
    page.shots("account-address-bad-postal-code")
    assert signed_in_fetch(page, "GET", "me") == before

    # What the server refuses anyway comes back as a 400 naming the field: its message shows under the city,
    # nothing else is marked, and everything typed stays. (The browser now refuses every line the server would, so
    # the request is changed on its way: a right-to-left override in the city, for the real server to refuse.)
    def override_the_city(route: Any) -> None:
        if route.request.method != "PATCH":
            route.fallback()
            return
        body = json.loads(route.request.post_data or "{}")
        body["delivery_address"]["city"] += "\u202e"
        route.fallback(post_data=json.dumps(body))

    page.route(re.compile(r"/me$"), override_the_city)
    postal.fill("LS1 4AP")
    page.get_by_role("button", name="Save the address").click()
    city_error = page.locator("#account-addr-city-error")
    wait_until(lambda: city_error.inner_text().strip() != "")
    assert "on one line" in city_error.inner_text()
    assert page.get_by_label("City").get_attribute("aria-invalid") == "true"
    assert postal.get_attribute("aria-invalid") is None
    assert page.evaluate("document.activeElement.id") == "account-addr-city"
    assert page.get_by_label("City").input_value() == "Leeds"
    assert page.get_by_label("Full name").input_value() == "Ada Adder"
    assert page.get_by_role("form", name="Add a delivery address").is_visible()
    page.shots("account-address-server-error")
    page.unroute(re.compile(r"/me$"), override_the_city)
    assert signed_in_fetch(page, "GET", "me") == before
    assert watch.take(expected=(BAD_REQUEST,)) == []


def test_the_address_form_applies_the_servers_rule_for_a_line_in_the_browser(
    page: Any, dev_stack: DevStack, watch: PageWatch
) -> None:
    """Each way a line breaks the server's rule gets its own message before anything is sent, and lengths count
    characters as the server does (an emoji is one), with nothing cut as it is typed or pasted."""
    web = dev_stack.web
    _new_customer(page, dev_stack, "ruleaddr")
    before = signed_in_fetch(page, "GET", "me")
    assert before.get("delivery_address") is None
    sent: list[str] = []
    page.on("request", lambda request: sent.append(request.method) if re.search(r"/me$", request.url) else None)

    panel = _open_account(page, web)
    panel.get_by_role("button", name="Add a delivery address").click()
    form = page.get_by_role("form", name="Add a delivery address")
    form.wait_for()
    for label, value in NEW_ADDRESS.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("Country").select_option("GB")
    save = page.get_by_role("button", name="Save the address")

    def refused(label: str, field: str, value: str, message: str) -> None:
        page.get_by_label(label, exact=True).fill(value)
        save.click()
        page.get_by_text(message, exact=True).wait_for()
        assert page.locator(f"#account-addr-{field}-error").inner_text() == message
        assert page.get_by_label(label, exact=True).get_attribute("aria-invalid") == "true"
        assert page.evaluate("document.activeElement.id") == f"account-addr-{field}"
        assert page.get_by_label(label, exact=True).input_value() == value  # nothing cut
        page.get_by_label(label, exact=True).fill(NEW_ADDRESS.get(label, ""))

    # Only zero-width spaces: nothing to read.
    refused("City", "city", "\u200b\u200b", "Enter the city.")
    # A right-to-left override, a line separator.
    refused("Full name", "name", "Ada\u202e Adder", "The full name can't contain text-direction control characters.")
    refused("City", "city", "Leeds\u2028Centre", "The city must be on one line.")
    # 101 emoji are 101 characters for the server (202 UTF-16 units), one too many; a pasted line is kept whole.
    refused(
        "Address line 1",
        "line1",
        "\U0001f4da" * 101,
        "The street and number can be at most 100 characters (it has 101).",
    )
    refused("Address line 1", "line1", "x" * 116, "The street and number can be at most 100 characters (it has 116).")
    page.shots("account-address-rule-errors")
    assert form.is_visible()
    assert "PATCH" not in sent  # the browser refused every one of them
    assert signed_in_fetch(page, "GET", "me") == before

    # 100 emoji are accepted and saved as typed.
    page.get_by_label("Address line 1").fill("\U0001f4da" * 100)
    save.click()
    panel.locator(".saved-address").wait_for()
    assert page.locator(".field-error:not(:empty)").count() == 0
    assert signed_in_fetch(page, "GET", "me")["delivery_address"] == {**NEW_ADDRESS_SAVED, "line1": "\U0001f4da" * 100}
    assert watch.take() == []
