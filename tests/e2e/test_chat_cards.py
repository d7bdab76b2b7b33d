"""The bot's response cards in the web chat: cover, title linking to the book's page, buttons that answer."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from local.world.cognito import DEMO_ACCOUNTS
from local.world.covers import WIDTH as COVER_WIDTH
from tests.e2e.conftest import DevStack, sign_in, signed_in_fetch, wait_until

ALICE, CAROL = DEMO_ACCOUNTS
# The bot orders only to a saved address (without one it refuses): carol keeps this one on her profile.
ADDRESS = {
    "name": "Carol Reader",
    "line1": "12 Library Lane",
    "city": "Bath",
    "postal_code": "BA1 1AA",
    "country": "GB",
}


def _say(page: Any, text: str) -> None:
    message = page.get_by_label("Message")
    message.fill(text)
    message.press("Enter")


def _bot_said(page: Any, text: str) -> None:
    page.locator(".message.bot", has_text=text).last.wait_for()


def test_a_found_book_comes_as_a_card_with_cover_link_and_buttons(page: Any, dev_stack: DevStack) -> None:
    web = dev_stack.web
    sign_in(page, web, CAROL.username, CAROL.password)
    page.get_by_role("button", name=f"Sign out {CAROL.username}").wait_for()
    signed_in_fetch(page, "PATCH", "me", {"delivery_address": ADDRESS})
    page.get_by_role("link", name="Chat", exact=True).click()

    _say(page, "do you have Draculla")
    _bot_said(page, "I found: Dracula by Bram Stoker")
    card = page.locator(".chat-card", has=page.get_by_role("link", name="Dracula", exact=True)).first
    card.wait_for()
    assert "by Bram Stoker" in card.inner_text()
    # Found in the catalog: the card is a book card, author and price from the catalog, and "Add to cart".
    add = card.get_by_role("button", name="Add to cart: Dracula")
    add.wait_for()
    assert card.locator(".author").inner_text() == "by Bram Stoker"
    assert re.fullmatch(r"\$\d+\.\d\d", card.locator(".price").inner_text())
    assert card.get_by_role("heading", name="Dracula").count() == 1
    # The cover is the card's own imageUrl: the site's /books/ path, which the web server serves from the bucket
    # (as the distribution does), at the URL the code hook read from the site-URL parameter.
    cover = card.get_by_role("img", name="Cover of Dracula")
    # The book's own cover key (the one whose presigned URL the API gives), at the site's public /books/ path.
    book = page.request.get(f"{dev_stack.urls['REST API'].rstrip('/')}/books/dracula-bram-stoker").json()
    key = urlsplit(book["image_url"]).path.split("/", 2)[2]  # /<bucket>/<key>
    assert key.startswith("books/covers/")
    assert cover.get_attribute("src") == f"{web.rstrip('/')}/{key}"
    assert wait_until(lambda: cover.evaluate("img => img.complete && img.naturalWidth") == COVER_WIDTH)
    link = card.get_by_role("link", name="Dracula", exact=True)
    assert wait_until(lambda: link.get_attribute("href") == "#/books/dracula-bram-stoker")
    page.shots("chat-card")

    # "Add to cart" puts one copy in the cart (the cart's link counts it) without a message to the bot.
    sent = page.locator(".message.user").count()
    add.click()
    page.get_by_role("link", name=re.compile(r"^Cart, 1 item")).wait_for()
    assert page.locator(".message.user").count() == sent

    # A button sends its value as the next message, and the bot answers it.
    card.get_by_role("button", name="More like this: Dracula").click()
    page.locator(".message.user", has_text="recommend some horror books").wait_for()
    _bot_said(page, "You might like:")
    card.get_by_role("button", name="Order: Dracula").click()
    page.locator(".message.user", has_text="order Dracula").wait_for()
    _bot_said(page, "How many copies of Dracula?")
    page.shots("chat-card-buttons")

    # The conversation, cards included, survives a reload; the card's title leads to the book's page.
    page.reload()
    again = page.get_by_role("link", name="Dracula", exact=True).first
    assert wait_until(lambda: again.get_attribute("href") == "#/books/dracula-bram-stoker")
    again.click()
    page.get_by_role("heading", name="Dracula").wait_for()
    assert page.url.endswith("#/books/dracula-bram-stoker")


def test_suggestion_chips_send_what_the_bot_understands(page: Any, dev_stack: DevStack) -> None:
    """Every chip is a message the bot understands (never its fallback), for customers and for staff."""
    web = dev_stack.web
    sign_in(page, web, CAROL.username, CAROL.password)
    page.get_by_role("button", name=f"Sign out {CAROL.username}").wait_for()
    page.get_by_role("link", name="Chat", exact=True).click()
    chips = page.get_by_role("list", name="Suggestions")
    assert chips.get_by_role("button").all_inner_texts() == [
        "Find a mystery",
        "Recommend me a book",
        "Where are my orders?",
        "What can you do?",
    ]
    answers = {
        "Find a mystery": "I found:",
        "Recommend me a book": "You might like:",
        "Where are my orders?": "order",
        "What can you do?": "I can find books",
    }
    for chip, answer in answers.items():
        replies = page.locator(".message.bot").count()
        chips.get_by_role("button", name=chip).click()
        page.locator(".message.user", has_text=chip).last.wait_for()
        assert wait_until(lambda n=replies: page.locator(".message.bot").count() > n)
        _bot_said(page, answer)
    page.locator(".chat-card").first.wait_for()  # the mystery and the recommendations came as cards
    page.shots("chat-chips")

    # Staff have their own: registering a user starts the registration dialog.
    page.get_by_role("button", name=f"Sign out {CAROL.username}").click()
    page.get_by_role("link", name="Sign in", exact=True).wait_for()
    sign_in(page, web, ALICE.username, ALICE.password)
    page.get_by_role("button", name=f"Sign out {ALICE.username}").wait_for()
    page.goto(f"{web}#/chat")
    chips = page.get_by_role("list", name="Suggestions")
    assert "Register a user" in chips.get_by_role("button").all_inner_texts()
    chips.get_by_role("button", name="Register a user").click()
    _bot_said(page, "What username should the new user have?")
    page.get_by_role("button", name="Start over").click()
    page.get_by_text("Started a new conversation.").wait_for()
    chips.get_by_role("button", name="Change a user's email").click()
    _bot_said(page, "Which user do you want to edit?")
