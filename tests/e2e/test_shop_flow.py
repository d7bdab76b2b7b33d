"""The shop in a browser, on the local stack, on a phone-sized screen: the home page, a forgiving search, the
cart (kept in the browser, merged at sign-in), the checkout with a delivery address (saved for the next orders and
for ordering by chat), and the order followed until staff deliver it."""

from __future__ import annotations

import re
from typing import Any

from local.world.cognito import DEMO_ACCOUNTS
from tests.e2e.conftest import (
    CHECKOUT_ADDRESS,
    SAVE_ADDRESS,
    DevStack,
    PageWatch,
    axe_violations,
    blocking,
    check_out,
    describe_violations,
    fill_address,
    fits_the_screen,
    sign_in,
    signed_in_fetch,
    staff_card,
    timeline_steps,
    unlabelled_controls,
    wait_until,
)

ALICE, CAROL = DEMO_ACCOUNTS
_ORDER_ID = re.compile(r"#/orders/([0-9A-Z]{26})$")
TIMES = "\u00d7"  # the multiplication sign the pages write between quantity and title
_ORDER_NUMBER = re.compile(r"BK-[0-9A-Z]{4}-[0-9A-Z]{4}")
DRACULA = "dracula-bram-stoker"
FRANKENSTEIN = "frankenstein-mary-shelley"
EMMA = "emma-jane-austen"
ADDRESS = CHECKOUT_ADDRESS  # typed at checkout, by label
SAVED = {
    "name": "Carol Reader",
    "line1": "221B Baker Street",
    "line2": None,
    "city": "London",
    "postal_code": "NW1 6XE",
    "country": "GB",
}


def _check_page(page: Any, watch: PageWatch) -> None:
    """Fits a phone, every control named, no serious accessibility problem, nothing wrong in the console."""
    assert fits_the_screen(page)
    assert unlabelled_controls(page) == []
    serious = blocking(axe_violations(page))
    assert serious == [], describe_violations(serious)
    assert watch.take() == []


def _no_null_text(page: Any) -> None:
    """The page never shows a stray "null" (a missing value written out as text)."""
    text = page.locator("main").inner_text()
    assert re.search(r"\bnull\b", text) is None, text


def _cart_link(page: Any, count: int) -> None:
    page.locator("#cart-link", has_text=f"Cart ({count})").wait_for()


def _signed_in(page: Any, username: str) -> None:
    page.get_by_role("button", name=f"Sign out {username}").wait_for()


def _book(page: Any, book_id: str) -> dict[str, Any]:
    """The book as the API has it now (the page's own origin and config)."""
    book: dict[str, Any] = signed_in_fetch(page, "GET", f"books/{book_id}")
    return book


def _money(cents: int) -> str:
    return f"${cents // 100}.{cents % 100:02d}"


def _card_button(page: Any, title: str) -> Any:
    """A book card's "Add to cart" button (its name also says the title)."""
    card = page.locator(".card", has=page.get_by_role("link", name=title, exact=True)).first
    return card.get_by_role("button", name=re.compile(r"^Add to cart"))


def test_home_page_shows_books_before_any_search(page: Any, dev_stack: DevStack, watch: PageWatch) -> None:
    page.goto(dev_stack.web)
    page.get_by_role("heading", name="Find your next book", level=1).wait_for()
    page.locator(".home-row .card").first.wait_for()
    assert "Loading" not in page.locator("main").inner_text()
    assert page.get_by_label("Search books").is_visible()
    titles = page.locator(".home-row h2").all_inner_texts()
    assert "Featured" in titles, titles
    # Every card can go in the cart from here; the visible text is "Add to cart", its name says which book.
    first_card = page.locator(".home-row .card").first
    title = first_card.locator("h3").inner_text()
    assert first_card.get_by_role("button", name=f"Add to cart, {title}").inner_text() == "Add to cart"
    _cart_link(page, 0)
    _check_page(page, watch)
    page.shots("home")

    # The brand link and #/home are the home page too.
    page.goto(f"{dev_stack.web}#/catalog")
    page.get_by_role("heading", name="Catalog").wait_for()
    page.get_by_role("link", name="Bookstore").click()
    page.get_by_role("heading", name="Find your next book").wait_for()


def _say_in_chat(page: Any, text: str) -> None:
    message = page.get_by_label("Message")
    message.fill(text)
    message.press("Enter")


def test_customer_finds_a_misspelt_book_checks_out_a_cart_and_follows_the_order_until_delivered(
    page: Any, staff_page: Any, dev_stack: DevStack, watch: PageWatch
) -> None:
    """One customer, start to end: a misspelt search, two books in the cart, one order with both at a new address
    (saved), staff ship and deliver it, the customer sees it delivered; the next checkout starts from the saved
    address, and the chat orders to it."""
    web = dev_stack.web
    sign_in(page, web, CAROL.username, CAROL.password)
    _signed_in(page, CAROL.username)
    # She starts with no saved address (other tests may have left one): the checkout asks for it.
    signed_in_fetch(page, "PATCH", "me", {"delivery_address": None})
    newest_before = (signed_in_fetch(page, "GET", "orders?limit=1")["items"] or [{"order_id": ""}])[0]["order_id"]

    # A misspelt search from the home page still finds Dracula, and says what it searched for.
    page.goto(f"{web}#/")
    page.locator(".home-row .card").first.wait_for()
    page.get_by_label("Search books").fill("drakula")
    page.get_by_role("button", name="Search", exact=True).click()
    page.get_by_text("Showing results for").wait_for()
    assert "dracula" in page.locator("main").inner_text().lower()
    page.get_by_role("link", name="Dracula", exact=True).first.wait_for()
    _check_page(page, watch)
    page.shots("did-you-mean")

    _card_button(page, "Dracula").click()
    _cart_link(page, 1)
    page.get_by_role("status").filter(has_text=f"Added 1 {TIMES} Dracula to your cart").wait_for()

    # A second book from its own page.
    page.goto(f"{web}#/books/{FRANKENSTEIN}")
    page.get_by_role("heading", name="Frankenstein", level=1).wait_for()
    details = page.locator(".book-details").inner_text()
    assert re.search(r"In stock|Only \d+ left", details), details
    for fact in ("Genre", "Year", "Price", "Availability"):
        assert fact in details
    page.get_by_role("heading", name="You might also like").wait_for()
    assert page.get_by_role("button", name="Place order").count() == 0  # the web orders through the checkout only
    _check_page(page, watch)
    page.shots("book-page")
    page.get_by_role("button", name="Add to cart", exact=True).click()
    _cart_link(page, 2)
    assert page.locator("#cart-link").get_attribute("aria-label") == "Cart, 2 items"

    # The cart: prices from the server, a line total each and the subtotal.
    page.locator("#cart-link").click()
    page.get_by_role("heading", name="Your cart", level=1).wait_for()
    lines = page.locator(".cart-line")
    lines.nth(1).wait_for()
    assert lines.count() == 2
    dracula, frankenstein = _book(page, DRACULA), _book(page, FRANKENSTEIN)
    text = page.locator("main").inner_text()
    assert f"{_money(dracula['price_cents'])} each" in text
    assert f"{_money(frankenstein['price_cents'])} each" in text
    assert f"Subtotal (2 items): {_money(dracula['price_cents'] + frankenstein['price_cents'])}" in text
    _check_page(page, watch)
    page.shots("cart")

    # Checkout: the address form says what is missing, field by field.
    page.get_by_role("link", name="Checkout").click()
    page.get_by_role("heading", name="Checkout", level=1).wait_for()
    page.get_by_role("heading", name="Where should we send your books?").wait_for()
    assert page.get_by_label("Address line 1").input_value() == ""  # nothing saved yet
    _no_null_text(page)
    # Every country the API accepts (ISO 3166-1 alpha-2, 249 codes), by name; the United States by default.
    countries = page.get_by_label("Country").evaluate("s => [...s.options].map((o) => [o.value, o.textContent])")
    assert len(countries) == 249
    assert len({code for code, _ in countries}) == 249
    assert all(re.fullmatch(r"[A-Z]{2}", code) and name and name != code for code, name in countries), countries
    assert ["DE", "Germany"] in countries
    assert ["AX", "Åland Islands"] in countries
    assert (countries[0][1], countries[-1][1]) == ("Afghanistan", "Zimbabwe")  # by name, not by code
    assert page.get_by_label("Country").input_value() == "US"
    save = page.get_by_label(SAVE_ADDRESS)
    assert save.is_checked()  # saving is the default
    page.get_by_label("Full name").fill("")  # prefilled from her profile
    page.get_by_role("button", name="Continue to review").click()
    page.get_by_text("Enter the full name.").wait_for()
    assert page.get_by_label("Full name").get_attribute("aria-invalid") == "true"
    assert page.evaluate("document.activeElement.id") == "addr-name"  # the first field to fix has the focus
    _check_page(page, watch)
    page.shots("address-errors")
    for label, value in ADDRESS.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("Country").select_option("GB")
    # The checkbox works from the keyboard: Space unticks and ticks it again.
    save.focus()
    page.keyboard.press("Space")
    assert not save.is_checked()
    page.keyboard.press("Space")
    assert save.is_checked()
    page.shots("address")
    page.get_by_role("button", name="Continue to review").click()

    # The review: the books, the total, the address; then one order with both lines.
    page.get_by_role("heading", name="Review your order", level=1).wait_for()
    page.get_by_role("button", name="Place order").wait_for()  # after the cart's books are read again
    review = page.locator("main").inner_text()
    assert f"1 {TIMES} Dracula" in review
    assert f"1 {TIMES} Frankenstein" in review
    assert f"Total: {_money(dracula['price_cents'] + frankenstein['price_cents'])}" in review
    assert "221B Baker Street" in review
    assert "London NW1 6XE" in review  # the city, then the postal code, as on the order and account pages
    assert "United Kingdom" in review
    assert "Saved for your next orders" in review
    _check_page(page, watch)
    page.shots("review")
    page.get_by_role("button", name="Place order").click()

    page.wait_for_url(_ORDER_ID)
    placed = _ORDER_ID.search(page.url)
    assert placed is not None
    order_id = placed.group(1)
    order = signed_in_fetch(page, "GET", f"orders/{order_id}")
    number = order["number"]
    assert sorted((line["book_id"], line["quantity"]) for line in order["lines"]) == [(DRACULA, 1), (FRANKENSTEIN, 1)]
    assert order["delivery_address"]["postal_code"] == "NW1 6XE"
    assert order["delivery_address"]["country"] == "GB"
    page.get_by_role("heading", name=f"Order {number}").wait_for()  # the order page says its number
    assert _ORDER_NUMBER.fullmatch(number)
    shown = page.locator(".order").inner_text()
    assert f"1 {TIMES} Dracula" in shown
    assert f"1 {TIMES} Frankenstein" in shown
    _cart_link(page, 0)
    assert page.locator(".warning").count() == 0  # the address was saved: no note about it
    _no_null_text(page)
    # The address reads as everywhere else: the city, then the postal code.
    assert "London NW1 6XE" in page.locator(".delivery").inner_text()
    _check_page(page, watch)
    page.shots("order-placed")

    # Exactly one new order; the address is saved on her profile.
    recent = signed_in_fetch(page, "GET", "orders?limit=5")["items"]
    ids = [o["order_id"] for o in recent]
    new = ids[: ids.index(newest_before)] if newest_before in ids else ids
    assert new == [order_id]
    assert signed_in_fetch(page, "GET", "me")["delivery_address"] == SAVED

    # Staff (their own browser) ship the order, then deliver it, on the staff page.
    staff = staff_page
    card = staff_card(staff, web, "PLACED", order_id)
    assert number in card.inner_text()
    assert CAROL.username in card.inner_text()
    card.get_by_role("button", name=f"Mark as shipped {number}").click()
    card.wait_for(state="detached")
    staff.get_by_text(f"Order {number} is now shipped.").wait_for()
    card = staff_card(staff, web, "SHIPPED", order_id)
    card.get_by_role("button", name=f"Mark as delivered {number}").click()
    card.wait_for(state="detached")
    staff_card(staff, web, "DELIVERED", order_id)
    staff.shots("delivered-list")

    # The customer's order page: the timeline has reached DELIVERED.
    page.reload()
    page.get_by_role("heading", name=f"Order {number}").wait_for()
    assert wait_until(lambda: page.locator(".badge").inner_text() == "DELIVERED")
    assert [(s["name"], s["state"], s["current"]) for s in timeline_steps(page)] == [
        ("Placed", "done", None),
        ("Shipped", "done", None),
        ("Delivered", "current", "step"),
    ]
    _check_page(page, watch)
    page.shots("order-delivered")

    # Her next checkout ("Add to cart and check out" on a book's page) starts from the saved address.
    page.goto(f"{web}#/books/{EMMA}")
    page.get_by_role("heading", name="Emma", level=1).wait_for()
    page.get_by_role("button", name="Add to cart and check out").click()
    page.get_by_role("heading", name="Where should we send your books?").wait_for()
    page.get_by_text("Your saved address is filled in").wait_for()
    for label, value in ADDRESS.items():
        assert page.get_by_label(label, exact=True).input_value() == value, label
    assert page.get_by_label("Country").input_value() == "GB"
    assert page.get_by_label(SAVE_ADDRESS).is_checked()
    _check_page(page, watch)
    page.shots("address-saved")
    second_id = check_out(page, ADDRESS)
    second = signed_in_fetch(page, "GET", f"orders/{second_id}")
    assert [(line["book_id"], line["quantity"]) for line in second["lines"]] == [(EMMA, 1)]
    assert second["delivery_address"] == SAVED
    _cart_link(page, 0)

    # The chat orders to the saved address, and says so before placing the order.
    page.get_by_role("link", name="Chat", exact=True).click()
    page.get_by_label("Message").wait_for()
    _say_in_chat(page, "buy 1 copy of Emma")
    page.locator(".message.bot", has_text="sent to Carol Reader, 221B Baker Street, London NW1 6XE, GB").last.wait_for()
    _say_in_chat(page, "yes")
    done = page.locator(".message.bot", has_text="Done! Order").last
    done.wait_for()
    chat_number = re.search(r"Done! Order (BK-[0-9A-Z]{4}-[0-9A-Z]{4})", done.inner_text())
    assert chat_number is not None
    page.shots("chat-ordered")
    by_chat = signed_in_fetch(page, "GET", "orders?limit=1")["items"][0]
    assert by_chat["number"] == chat_number.group(1)
    assert by_chat["delivery_address"] == SAVED
    assert watch.take() == []


def test_the_cart_survives_a_reload_and_is_merged_at_sign_in(page: Any, dev_stack: DevStack, watch: PageWatch) -> None:
    web = dev_stack.web
    sign_in(page, web, CAROL.username, CAROL.password)
    _signed_in(page, CAROL.username)
    page.goto(f"{web}#/books/{EMMA}")
    page.get_by_label("Quantity").fill("2")
    page.get_by_role("button", name="Add to cart", exact=True).click()
    _cart_link(page, 2)

    page.reload()
    _signed_in(page, CAROL.username)
    _cart_link(page, 2)

    # Signed out: the visitor's own cart (empty); carol's waits for her.
    page.get_by_role("button", name=f"Sign out {CAROL.username}").click()
    page.get_by_role("link", name="Sign in").first.wait_for()
    _cart_link(page, 0)
    page.goto(f"{web}#/books/{EMMA}")
    page.get_by_role("button", name="Add to cart", exact=True).click()
    page.goto(f"{web}#/books/{DRACULA}")
    page.get_by_role("button", name="Add to cart", exact=True).click()
    _cart_link(page, 2)
    page.locator("#cart-link").click()
    page.locator(".cart-line").nth(1).wait_for()
    page.get_by_role("link", name="Sign in to check out").wait_for()
    assert page.get_by_role("link", name="Checkout").count() == 0
    _check_page(page, watch)
    page.shots("cart-signed-out")

    # Signing in from the cart merges the visitor's cart into carol's and comes back to the cart.
    page.get_by_role("link", name="Sign in to check out").click()
    page.get_by_label("Username").fill(CAROL.username)
    page.get_by_label("Password").fill(CAROL.password)
    page.get_by_role("button", name="Sign in").click()
    _signed_in(page, CAROL.username)
    page.get_by_role("heading", name="Your cart", level=1).wait_for()
    _cart_link(page, 4)  # Emma 2 + 1, Dracula 1
    page.locator(".cart-line").nth(1).wait_for()
    assert page.get_by_label("Quantity of Emma").input_value() == "3"
    assert page.get_by_label("Quantity of Dracula").input_value() == "1"
    page.shots("cart-merged")

    # Changing a quantity and removing a line update the totals at once.
    emma = _book(page, EMMA)
    page.get_by_label("Quantity of Emma").fill("1")
    page.get_by_label("Quantity of Emma").press("Enter")
    page.get_by_role("button", name="Remove Dracula").click()
    _cart_link(page, 1)
    page.get_by_text(f"Subtotal (1 item): {_money(emma['price_cents'])}").wait_for()
    assert page.locator(".cart-line").count() == 1
    page.get_by_role("button", name="Remove Emma").click()
    page.get_by_text("Your cart is empty.").wait_for()
    _cart_link(page, 0)
    assert watch.take() == []


def test_an_address_that_cannot_be_saved_does_not_hide_the_order(page: Any, dev_stack: DevStack) -> None:
    """Saving the address after the order is best effort: when PATCH /me fails, the order page still shows the
    order placed, with a short note that the address was not kept."""
    web = dev_stack.web
    sign_in(page, web, CAROL.username, CAROL.password)
    _signed_in(page, CAROL.username)

    def refuse_saving(route: Any) -> None:
        if route.request.method == "PATCH":
            route.fulfill(status=503, content_type="application/json", body='{"message": "Try again later."}')
        else:
            route.fallback()

    page.route(re.compile(r"/me$"), refuse_saving)
    page.goto(f"{web}#/books/{EMMA}")
    page.get_by_role("button", name="Add to cart and check out").click()
    page.get_by_role("heading", name="Where should we send your books?").wait_for()
    assert page.get_by_label(SAVE_ADDRESS).is_checked()
    order_id = check_out(page)
    page.get_by_role("heading", name="Your order", level=1).wait_for()
    note = page.locator(".warning")
    note.wait_for()
    assert "Your order is placed, but your address could not be saved for next time (Try again later.)" in (
        note.inner_text()
    )
    assert page.locator(f'.order[data-order-id="{order_id}"]').is_visible()
    _cart_link(page, 0)
    page.shots("address-not-saved")


def test_a_checkout_address_typed_by_one_user_is_never_shown_to_the_next(page: Any, dev_stack: DevStack) -> None:
    """Carol types an address and reaches the review, then signs out without ordering; alice signs in in the same
    tab: her checkout (both steps) never shows carol's address, so she can neither order to it nor save it."""
    web = dev_stack.web
    street = "7 Private Mews"
    sign_in(page, web, CAROL.username, CAROL.password)
    _signed_in(page, CAROL.username)
    page.goto(f"{web}#/books/{EMMA}")
    page.get_by_role("button", name="Add to cart and check out").click()
    fill_address(page, {**ADDRESS, "Address line 1": street})
    page.get_by_role("button", name="Continue to review").click()
    page.get_by_role("heading", name="Review your order", level=1).wait_for()
    page.get_by_role("button", name="Place order").wait_for()
    assert street in page.locator("main").inner_text()

    page.get_by_role("button", name=f"Sign out {CAROL.username}").click()
    page.get_by_role("link", name="Sign in").first.wait_for()
    sign_in(page, web, ALICE.username, ALICE.password)  # the same tab: the page is not reloaded
    _signed_in(page, ALICE.username)
    page.goto(f"{web}#/books/{DRACULA}")
    page.get_by_role("button", name="Add to cart", exact=True).click()

    page.goto(f"{web}#/checkout")
    page.get_by_role("heading", name="Where should we send your books?").wait_for()
    assert page.get_by_label("Address line 1").input_value() != street
    assert street not in page.locator("main").inner_text()
    page.shots("next-user-checkout")

    # The review's URL has no address for her: it goes back to the address step.
    page.goto(f"{web}#/checkout/review")
    page.wait_for_url(re.compile(r"#/checkout$"))
    page.get_by_role("heading", name="Where should we send your books?").wait_for()
    assert page.get_by_label("Address line 1").input_value() != street
    assert street not in page.locator("main").inner_text()
    assert page.get_by_role("button", name="Place order").count() == 0
