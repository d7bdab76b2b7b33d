"""The bot's response cards in the web chat: cover, title linking to the book's page, buttons that answer."""

from __future__ import annotations

from typing import Any

from local.world.cognito import DEMO_ACCOUNTS
from tests.e2e.conftest import DevStack, sign_in, wait_until

CAROL = DEMO_ACCOUNTS[1]


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
    page.get_by_role("link", name="Chat", exact=True).click()

    _say(page, "do you have Draculla")
    _bot_said(page, "I found: Dracula by Bram Stoker")
    card = page.locator(".chat-card", has=page.get_by_role("link", name="Dracula", exact=True)).first
    card.wait_for()
    assert "by Bram Stoker" in card.inner_text()
    # The cover is the card's own imageUrl: the site's /books/ path, which the web server serves from the bucket
    # (as the distribution does), at the URL the code hook read from the site-URL parameter.
    cover = card.get_by_role("img", name="Cover of Dracula")
    assert cover.get_attribute("src") == f"{web.rstrip('/')}/books/covers/horror.png"
    assert wait_until(lambda: cover.evaluate("img => img.complete && img.naturalWidth") == 200)
    link = card.get_by_role("link", name="Dracula", exact=True)
    assert wait_until(lambda: link.get_attribute("href") == "#/books/dracula-bram-stoker")
    page.shots("chat-card")

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
