"""The pre-sign-up trigger accepts exactly the app's usernames (USERNAME_RE) and refuses the rest with a sentence.

Property checks without a generator library: every character class is swept exhaustively (all of the Basic
Multilingual Plane and a band of astral code points, emoji included, in every position), every length from 0 to
100 is tried, and thousands of seeded random names are drawn from the rule itself.
"""

from __future__ import annotations

import copy
import random
import string
from typing import Any

import pytest

from auth_triggers import pre_sign_up
from bookstore.errors import ValidationError
from bookstore.services.user_admin import check_username_format

FIRST = string.ascii_lowercase
REST = string.ascii_lowercase + string.digits + "._-"
MESSAGE = "Choose a username of 3 to 30 lowercase letters, digits, '.', '_' or '-', starting with a letter."
# The Basic Multilingual Plane (surrogates excluded: not characters) and the emoji blocks of plane 1.
SWEPT = [c for c in range(0x10000) if not 0xD800 <= c <= 0xDFFF] + list(range(0x1F000, 0x1FB00))


def _event(username: str, source: str = "PreSignUp_SignUp") -> dict[str, Any]:
    """Cognito's pre-sign-up event
    (https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-sign-up.html)."""
    return {
        "version": "1",
        "triggerSource": source,
        "region": "eu-west-1",
        "userPoolId": "eu-west-1_TEST",
        "userName": username,
        "callerContext": {"awsSdkVersion": "aws-sdk-js-3.0.0", "clientId": "client"},
        "request": {"userAttributes": {"email": "jdoe@example.com"}, "validationData": None},
        "response": {"autoConfirmUser": False, "autoVerifyEmail": False, "autoVerifyPhone": False},
    }


def _refusal(username: str) -> str | None:
    try:
        pre_sign_up.check_username(username)
    except pre_sign_up.UsernameRefused as refused:
        return str(refused)
    return None


def _accepted(username: str) -> bool:
    refusal = _refusal(username)
    assert refusal in (None, MESSAGE)  # every refusal is the one sentence
    return refusal is None


def _random_valid(rng: random.Random) -> str:
    length = rng.randint(3, 30)
    return rng.choice(FIRST) + "".join(rng.choice(REST) for _ in range(length - 1))


def test_every_name_the_rule_accepts_passes() -> None:
    rng = random.Random(20260611)  # noqa: S311 (reproducible test data)
    names = [_random_valid(rng) for _ in range(5000)]
    names += [f + r + r for f in FIRST for r in REST]  # every first letter with every later character, 3 long
    names += ["a" + r * 29 for r in REST]  # the longest, with each later character throughout
    for name in names:
        assert _accepted(name), name


@pytest.mark.parametrize("length", range(101))
def test_only_3_to_30_characters_pass(length: int) -> None:
    assert _accepted("j" * length) == (3 <= length <= 30)


def test_a_character_outside_the_rule_is_refused_wherever_it_stands() -> None:
    for code in SWEPT:
        c = chr(code)
        assert _accepted("jd" + c + "oe") == (c in REST), repr(c)
        assert _accepted(c + "doe") == (c in FIRST), repr(c)
        assert _accepted("jdoe" + c) == (c in REST), repr(c)


@pytest.mark.parametrize(
    "username",
    [
        "JDoe",  # uppercase
        "jdoE",
        "jdoë",  # a letter outside a-z
        "zoë",
        "j+doe",  # '+'
        "o'brien",  # apostrophe
        "j doe",  # space
        " jdoe",
        "jdoe ",
        "jdoe\n",  # a trailing newline (`$` alone would let it through)
        "jd",  # 2 characters
        "j" * 31,  # 31 characters
        "jdoe" * 23 + "abc",  # 95 characters
        "jdoe😀",  # emoji
        "1jdoe",  # not starting with a letter
        "_jdoe",
        ".jdoe",
        "-jdoe",
        "",
        "jdoe@example.com",
    ],
)
@pytest.mark.parametrize("source", ["PreSignUp_SignUp", "PreSignUp_AdminCreateUser"])
def test_refused_names_fail_the_sign_up_with_a_sentence_for_a_person(username, source, lambda_context, capsys) -> None:
    with pytest.raises(pre_sign_up.UsernameRefused) as refused:
        pre_sign_up.lambda_handler(_event(username, source), lambda_context)
    # Cognito answers UserLambdaValidationException "PreSignUp failed with error <this>."
    assert str(refused.value) == MESSAGE
    assert '"SignUpsRefused"' in capsys.readouterr().out


@pytest.mark.parametrize("source", ["PreSignUp_SignUp", "PreSignUp_AdminCreateUser"])
@pytest.mark.parametrize("username", ["jdoe", "abc", "j.doe_2-x", "a" * 30])
def test_an_accepted_sign_up_gets_its_event_back_unchanged(username, source, lambda_context) -> None:
    event = _event(username, source)
    sent = copy.deepcopy(event)
    result = pre_sign_up.lambda_handler(event, lambda_context)
    assert result == sent
    # Nothing is confirmed or verified on the user's behalf.
    assert result["response"] == {"autoConfirmUser": False, "autoVerifyEmail": False, "autoVerifyPhone": False}


def test_a_federated_first_sign_in_passes_untouched(lambda_context) -> None:
    event = _event("Google_1234567890", "PreSignUp_ExternalProvider")
    sent = copy.deepcopy(event)
    assert pre_sign_up.lambda_handler(event, lambda_context) == sent


def test_the_trigger_and_staff_registration_agree_on_every_normalized_name() -> None:
    """A name staff may register (check_username_format's result) is never refused by the trigger on
    AdminCreateUser, and the trigger accepts no name that staff registration would refuse."""
    rng = random.Random(7)  # noqa: S311 (reproducible test data)
    alphabet = REST + string.ascii_uppercase + " +'ë😀"
    candidates = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 34))) for _ in range(5000)]
    for raw in candidates:
        try:
            normalized = check_username_format(raw)
        except ValidationError:
            assert not _accepted(raw), repr(raw)
        else:
            assert _accepted(normalized), repr(raw)
            assert _accepted(raw) == (raw == normalized), repr(raw)
