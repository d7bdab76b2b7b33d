"""Every scripted conversation in tests/conversations/scripts/, through boto3, against the target bot.

`pytest tests/conversations --target deployed --stage dev` runs the same scripts against a deployed alias
(credentials in REAL_AWS_ACCESS_KEY_ID / REAL_AWS_SECRET_ACCESS_KEY / REAL_AWS_REGION). There, the customers the
scripts name must have a delivery address saved (check out once in the shop as them): the bot orders to it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import load_bot_model
from tests.conversations.workbench import Conversation, load_script, run_conversation
from tests.support.addresses import save_address

SCRIPTS = sorted((Path(__file__).parent / "scripts").glob("*.csv"))


# Customers the scripts name who have never checked out, so have no delivery address saved: the bot will not order
# for them (shopping.csv). Every other customer a script names has one, as after a first checkout in the shop.
NEVER_CHECKED_OUT = {"frank"}


def _customers(conversations: list[Conversation]) -> set[str]:
    return {
        turn.request_attributes["bookstore:username"]
        for conversation in conversations
        for turn in conversation.turns
        if turn.request_attributes.get("bookstore:groups") == "customers"
    }


@pytest.mark.parametrize("script", SCRIPTS, ids=[p.stem for p in SCRIPTS])
def test_script(lex_target, script) -> None:
    conversations = load_script(script)
    if lex_target.aws is not None:
        lex_target.aws.reset_data()  # each file starts from an empty store
        for username in sorted(_customers(conversations) - NEVER_CHECKED_OUT):
            save_address(lex_target.aws.tables["UsersTable"], lex_target.aws.client("dynamodb"), username)
    failures = []
    for conversation in conversations:
        failures += run_conversation(lex_target, conversation)
    assert failures == []


def test_scripts_cover_every_intent_of_the_model() -> None:
    covered = {
        turn.intent
        for script in SCRIPTS
        for conversation in load_script(script)
        for turn in conversation.turns
        if turn.intent
    }
    assert {i.name for i in load_bot_model().intents} <= covered
