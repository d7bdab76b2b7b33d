"""The local stack learns from orders like the deployed one: an order placed by chatting reaches the
recommendations worker through the orders table's stream, and the bot's next recommendations use it."""

from __future__ import annotations

import time

from tests.conversations.conftest import LexTarget, session_id
from tests.support.addresses import save_address

WAIT_SECONDS = 60  # a deadline, not a sleep: a loaded machine (parallel tests) needs longer


def _say(lex_target: LexTarget, session: str, text: str, username: str) -> str:
    response = lex_target.client.recognize_text(
        botId=lex_target.bot_id, botAliasId=lex_target.alias_id, localeId=lex_target.locale_id,
        sessionId=session, text=text,
        requestAttributes={"bookstore:username": username, "bookstore:groups": "customers"},
    )  # fmt: skip
    return " ".join(m.get("content", "") for m in response.get("messages", []))


def test_what_two_customers_bought_together_is_recommended_to_a_third(lex_target: LexTarget) -> None:
    # Two customers buy Frankenstein and Dracula; a third buys Frankenstein and asks for recommendations.
    for username in ("hana", "ivan", "jun"):
        if lex_target.aws is not None:  # as after their first checkout in the shop (deployed: check out once)
            save_address(lex_target.aws.tables["UsersTable"], lex_target.aws.client("dynamodb"), username)
        session = session_id(f"learn-{username}")
        books = ["Frankenstein"] if username == "jun" else ["Frankenstein", "Dracula"]
        for title in books:
            assert "Shall I place the order?" in _say(lex_target, session, f"buy 1 copy of {title}", username)
            assert "Done! Order" in _say(lex_target, session, "yes", username)

    deadline = time.monotonic() + WAIT_SECONDS
    answer = ""
    while time.monotonic() < deadline:  # the worker reads the stream every 0.3 s
        answer = _say(lex_target, session_id("learn-recommend"), "recommend me a book", "jun")
        if "because you bought Frankenstein" in answer:
            break
        time.sleep(0.5)
    assert "Dracula by Bram Stoker (because you bought Frankenstein)" in answer
