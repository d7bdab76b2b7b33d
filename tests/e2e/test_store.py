"""The store in a browser, on the local stack, on a phone-sized screen."""

from __future__ import annotations

import json
import re
import urllib.request
from typing import Any

from local.world.cognito import DEMO_ACCOUNTS
from tests.e2e.conftest import (
    ROOT,
    DevStack,
    check_out,
    fits_the_screen,
    sign_in,
    signed_in_fetch,
    unlabelled_controls,
    wait_until,
)

ALICE, CAROL = DEMO_ACCOUNTS


def _expect_text(page: Any, selector: str, text: str) -> None:
    page.locator(selector, has_text=text).first.wait_for()


def test_customer_signs_in_searches_orders_and_sees_the_order(page: Any, dev_stack: DevStack) -> None:
    web = dev_stack.web
    page.goto(f"{web}#/catalog")
    page.get_by_role("link", name="horror").wait_for()
    assert unlabelled_controls(page) == []
    page.shots("catalog")

    sign_in(page, web, CAROL.username, CAROL.password)
    page.get_by_role("button", name=f"Sign out {CAROL.username}").wait_for()

    page.get_by_label("Search books").fill("dracula")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Dracula").first.wait_for()
    assert page.get_by_role("button", name="Show more").is_hidden()  # one page of results only
    assert fits_the_screen(page)
    page.shots("search-results")

    page.get_by_role("link", name="Dracula").first.click()
    page.get_by_role("heading", name="Dracula").wait_for()
    cover = page.get_by_role("img", name="Cover of Dracula")
    # A real image from the product-images bucket (presigned URL), loaded and allowed by the CSP.
    assert wait_until(lambda: cover.evaluate("img => img.complete && img.naturalWidth") == 400)  # its own cover
    # The page says "In stock" (or "Only N left" under 5); the count itself is the API's.
    assert re.search(r"In stock|Only \d+ left", page.locator(".book-details").inner_text())
    stock_before = signed_in_fetch(page, "GET", "books/dracula-bram-stoker")["stock"]
    page.get_by_label("Quantity").fill("2")
    assert unlabelled_controls(page) == []
    page.shots("book-page")
    # "Add to cart and check out": the copies go in the cart and the checkout asks where to send them.
    page.get_by_role("button", name="Add to cart and check out").click()
    page.get_by_role("heading", name="Checkout", level=1).wait_for()
    assert unlabelled_controls(page) == []
    order_id = check_out(page)
    _expect_text(page, ".badge", "PLACED")
    assert "2 \u00d7 Dracula" in page.locator(".order").inner_text()  # "2 x Dracula", with the multiplication sign
    assert fits_the_screen(page)
    page.shots("order-placed")

    page.get_by_role("link", name="My orders", exact=True).click()
    order = page.locator(f'[data-order-id="{order_id}"]')
    order.wait_for()
    assert "PLACED" in order.inner_text()
    assert "Dracula" in order.inner_text()
    page.shots("my-orders")

    # Stock went down by what was ordered.
    assert signed_in_fetch(page, "GET", "books/dracula-bram-stoker")["stock"] == stock_before - 2


def _carol_orders(page: Any, web: str, book_id: str) -> str:
    """Carol signs in and buys one copy of the book from its page (through the checkout); the new order's id."""
    sign_in(page, web, CAROL.username, CAROL.password)
    page.get_by_role("button", name=f"Sign out {CAROL.username}").wait_for()
    page.goto(f"{web}#/books/{book_id}")
    page.get_by_role("button", name="Add to cart and check out").click()
    return check_out(page)


def test_customer_follows_and_cancels_an_order(page: Any, dev_stack: DevStack) -> None:
    _carol_orders(page, dev_stack.web, "emma-jane-austen")
    page.get_by_role("heading", name="Progress").wait_for()

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Cancel order").click()
    _expect_text(page, ".badge", "CANCELLED")
    assert page.get_by_role("button", name="Cancel order").count() == 0
    page.shots("order-cancelled")


def test_staff_registers_a_user_through_the_chat_and_the_user_can_be_found(page: Any, dev_stack: DevStack) -> None:
    web = dev_stack.web
    sign_in(page, web, ALICE.username, ALICE.password)
    page.get_by_role("button", name=f"Sign out {ALICE.username}").wait_for()
    page.get_by_role("link", name="Chat", exact=True).click()
    message = page.get_by_label("Message")

    message.fill("register a user named e2e.reader with email e2e.reader@example.com")
    message.press("Enter")
    _expect_text(page, ".message.bot", "Register the user e2e.reader with email e2e.reader@example.com?")
    message.fill("yes")
    message.press("Enter")
    _expect_text(page, ".message.bot", "e2e.reader is registered")
    page.shots("chat-registered")

    # The bot finds the new user when staff go to edit them...
    message.fill("change the email of e2e.reader")
    message.press("Enter")
    _expect_text(page, ".message.bot", "What is the new email for e2e.reader?")
    assert fits_the_screen(page)
    page.shots("chat-found")

    # ...and the user pool and the users table have them, a customer with that email.
    cognito = dev_stack.client("cognito-idp")
    pool_id = cognito.list_user_pools(MaxResults=5)["UserPools"][0]["Id"]
    user = cognito.admin_get_user(UserPoolId=pool_id, Username="e2e.reader")
    attributes = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
    assert attributes["email"] == "e2e.reader@example.com"
    groups = cognito.admin_list_groups_for_user(UserPoolId=pool_id, Username="e2e.reader")["Groups"]
    assert [g["GroupName"] for g in groups] == ["customers"]

    # The conversation survives a reload (history kept for the session).
    page.reload()
    _expect_text(page, ".message.bot", "e2e.reader is registered")


def test_invalid_sign_in_shows_an_error_and_stays_signed_out(page: Any, dev_stack: DevStack) -> None:
    page.goto(f"{dev_stack.web}#/signin")
    # Keyboard only: the username field has focus, Tab moves to the password, Enter submits.
    page.get_by_label("Username").wait_for()
    page.keyboard.type(CAROL.username)
    page.keyboard.press("Tab")
    page.keyboard.type("not-her-password")
    page.keyboard.press("Enter")
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert alert.inner_text() == "Incorrect username or password."
    assert page.get_by_role("link", name="Sign in").count() == 1
    page.shots("sign-in-error")


def outbox_code(stack: DevStack, username: str) -> str:
    """The code of the newest e-mail to `username` in the local outbox (what the user would read in the mail)."""
    with urllib.request.urlopen(f"{stack.web}_outbox.json", timeout=10) as response:  # noqa: S310 (local stack)
        messages = json.loads(response.read())["messages"]
    return str(next(m["code"] for m in messages if m["username"] == username))


def test_new_customer_signs_up_confirms_and_gets_recommendations(page: Any, dev_stack: DevStack) -> None:
    web = dev_stack.web
    page.goto(f"{web}#/signup")
    page.get_by_label("Username").fill("newreader")
    page.get_by_label("Email").fill("newreader@example.com")
    page.get_by_label("First name (optional)").fill("Nia")
    page.get_by_label("Password").fill("short")
    page.get_by_role("button", name="Create account").click()
    # The browser's own validation stops a too-short password before Cognito is asked.
    assert page.get_by_label("Password").evaluate("el => el.validity.tooShort")
    page.get_by_label("Password").fill("Reading-Is-Fun-2026!")
    page.shots("sign-up")
    page.get_by_role("button", name="Create account").click()
    page.get_by_label("Confirmation code").wait_for()
    page.get_by_label("Confirmation code").fill(outbox_code(dev_stack, "newreader"))
    page.shots("confirm")
    page.get_by_role("button", name="Confirm").click()
    page.get_by_role("button", name="Sign out newreader").wait_for()

    # The post-confirmation trigger made them a customer with a profile, as Cognito does in AWS.
    users = dev_stack.client("dynamodb")
    found = wait_until(
        lambda: users.get_item(TableName="UsersTable", Key={"pk": {"S": "USER#newreader"}, "sk": {"S": "PROFILE"}}).get(
            "Item"
        )
    )
    assert found, "no profile for the new customer"

    page.get_by_role("link", name="For you").click()
    page.locator(".card").first.wait_for()
    assert page.locator(".reason").count() >= 1
    page.shots("recommendations")


def test_make_chat_talks_to_the_running_store_and_sees_an_order_placed_on_the_web(
    page: Any, dev_stack: DevStack
) -> None:
    """`make chat` while `make dev` runs: the same store, said in its first line, not a store of its own."""
    import subprocess
    import sys

    order_id = _carol_orders(page, dev_stack.web, "frankenstein-mary-shelley")

    chat = subprocess.run(
        [sys.executable, "-m", "local.chat", "--user", CAROL.username, "--groups", "customers"],
        input="where is my order\n", capture_output=True, text=True, timeout=120, check=False,
        cwd=ROOT,
    )  # fmt: skip
    assert chat.returncode == 0, chat.stderr
    first_line = chat.stdout.splitlines()[0]
    assert first_line.startswith(f"Talking to the bot of the running `make dev` (pid {dev_stack.process.pid}")
    from bookstore.orders import order_number

    # the newest of carol's recent orders, named by its number
    assert f"{order_number(order_id)} (1 x Frankenstein" in chat.stdout
    assert "Starting local AWS" not in chat.stderr  # attached: nothing of its own started
