"""Every scripted conversation in tests/conversations/scripts/, through boto3, against the target bot.

`pytest tests/conversations --target deployed --stage dev` runs the same scripts against a deployed alias
(credentials in REAL_AWS_ACCESS_KEY_ID / REAL_AWS_SECRET_ACCESS_KEY / REAL_AWS_REGION).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import load_bot_model
from tests.conversations.workbench import load_script, run_conversation

SCRIPTS = sorted((Path(__file__).parent / "scripts").glob("*.csv"))


@pytest.mark.parametrize("script", SCRIPTS, ids=[p.stem for p in SCRIPTS])
def test_script(lex_target, script) -> None:
    if lex_target.aws is not None:
        lex_target.aws.reset_data()  # each file starts from an empty store
    failures = []
    for conversation in load_script(script):
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
