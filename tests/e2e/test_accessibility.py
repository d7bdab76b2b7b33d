"""Every page of the web front end, signed out and signed in, checked by axe-core (0 serious or critical
violations), with no console or script errors and no request leaving the local stack; a screenshot of each.

The results of every page (all violations, whatever their impact) are written to
test-artifacts/e2e/axe-<test>.json, next to the screenshots.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from local.world.cognito import DEMO_ACCOUNTS
from tests.e2e.conftest import (
    ARTIFACTS,
    DELIVERY_ADDRESS,
    SAVE_ADDRESS,
    DevStack,
    PageWatch,
    axe_violations,
    blocking,
    describe_violations,
    place_order,
    sign_in,
    signed_in_fetch,
    wait_until,
)

ALICE, CAROL = DEMO_ACCOUNTS
BOOK = "dracula-bram-stoker"
NO_ORDER = "01JAAAAAAAAAAAAAAAAAAAAAAA"
# What Chromium logs for the API's 404 that a "not found" page is about.
NOT_FOUND = "the server responded with a status of 404"


class Audit:
    """Visits pages one after the other and records, for each: axe's violations and what the watch saw."""

    def __init__(self, page: Any, watch: PageWatch, web: str) -> None:
        self.page = page
        self.watch = watch
        self.web = web
        self.results: dict[str, dict[str, Any]] = {}

    def visit(
        self, name: str, route: str, ready: Callable[[Any], None] | None = None, expected: tuple[str, ...] = ()
    ) -> None:
        """Opens `route` (a hash route), waits until its view has rendered and loaded, and checks it; `expected`:
        console errors the page is meant to cause (PageWatch.take)."""
        page = self.page
        if page.url.startswith(self.web) and page.locator("main").count():
            # The next view's heading is then the new page's, not the last one's.
            page.evaluate("document.getElementById('main').replaceChildren()")
        page.goto(f"{self.web}{route}")
        page.locator("main h1").first.wait_for()
        if ready is not None:
            ready(page)
        self.check(name, expected)

    def check(self, name: str, expected: tuple[str, ...] = ()) -> None:
        page = self.page
        assert wait_until(lambda: not page.evaluate("/Loading/.test(document.getElementById('main').innerText)"))
        page.wait_for_timeout(300)  # images and the last answers settle
        page.shots(name)
        violations = axe_violations(page)
        self.results[name] = {"url": page.url, "violations": violations, "problems": self.watch.take(expected)}

    def finish(self, test: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / f"axe-{test}.json").write_text(json.dumps(self.results, indent=2))
        failures = []
        for name, result in self.results.items():
            serious = blocking(result["violations"])
            if serious:
                failures.append(f"{name}: {describe_violations(serious)}")
            failures.extend(f"{name}: {problem}" for problem in result["problems"])
        assert failures == [], "\n".join(failures)


def _cards(page: Any) -> None:
    page.locator("main .card").first.wait_for()


def _heading(name: str) -> Callable[[Any], None]:
    return lambda page: page.get_by_role("heading", name=name, exact=True).first.wait_for()


def test_every_page_signed_out(page: Any, dev_stack: DevStack, watch: PageWatch) -> None:
    audit = Audit(page, watch, dev_stack.web)
    audit.visit("home", "#/", _cards)
    audit.visit("catalog", "#/catalog", lambda p: p.get_by_role("link", name="horror").wait_for())
    audit.visit(
        "search-results", "#/catalog?q=dracula", lambda p: p.get_by_role("link", name="Dracula").first.wait_for()
    )
    audit.visit("book", f"#/books/{BOOK}", _heading("Dracula"))
    audit.visit("book-not-found", "#/books/no-such-book", _heading("Book not found"), expected=(NOT_FOUND,))
    audit.visit("cart-empty", "#/cart")
    audit.visit("sign-in", "#/signin", _heading("Sign in"))
    audit.visit("sign-up", "#/signup", _heading("Create an account"))
    audit.visit("confirm", "#/confirm?username=someone", _heading("Confirm your account"))
    audit.visit("forgot", "#/forgot", _heading("Forgot your password?"))
    audit.visit("not-found", "#/no-such-page", _heading("Page not found"))
    # The pages that need a sign-in say so.
    audit.visit("orders-signed-out", "#/orders", _heading("My orders"))
    audit.visit("order-signed-out", f"#/orders/{NO_ORDER}", _heading("Order"))
    audit.visit("recommendations-signed-out", "#/recommendations")
    audit.visit("chat-signed-out", "#/chat")
    audit.visit("account-signed-out", "#/account")
    audit.visit("checkout-signed-out", "#/checkout")
    audit.visit("staff-orders-signed-out", "#/staff/orders", _heading("Staff: orders"))
    audit.finish("signed-out")


def test_every_page_of_a_signed_in_customer(page: Any, dev_stack: DevStack, watch: PageWatch) -> None:
    web = dev_stack.web
    audit = Audit(page, watch, web)
    sign_in(page, web, CAROL.username, CAROL.password)
    page.get_by_role("button", name=f"Sign out {CAROL.username}").wait_for()
    order = place_order(page, [{"book_id": "emma-jane-austen", "quantity": 1}], DELIVERY_ADDRESS)

    audit.visit("home-signed-in", "#/", _cards)
    audit.visit("book-signed-in", f"#/books/{BOOK}", _heading("Dracula"))
    # The chat, with the bot's book cards; one of them goes into the cart.
    audit.visit("chat", "#/chat", _heading("Chat with the bookstore"))
    page.get_by_role("button", name="Find a mystery").click()
    page.locator(".chat-card").first.wait_for()
    add = page.get_by_role("button", name="Add to cart: ").first
    add.wait_for()
    add.click()
    audit.check("chat-with-cards")
    audit.visit("cart", "#/cart", lambda p: p.locator("main li").first.wait_for())
    # The checkout and the account page with a saved address: the form prefilled, its "Save" checkbox; the review.
    signed_in_fetch(page, "PATCH", "me", {"delivery_address": DELIVERY_ADDRESS})
    audit.visit("checkout", "#/checkout", lambda p: p.get_by_label(SAVE_ADDRESS).wait_for())
    page.get_by_role("button", name="Continue to review").click()
    page.get_by_role("button", name="Place order").wait_for()
    audit.check("checkout-review")
    audit.visit("orders", "#/orders", lambda p: p.locator(f'[data-order-id="{order["order_id"]}"]').wait_for())
    audit.visit("order", f"#/orders/{order['order_id']}", _heading("Progress"))
    audit.visit("order-not-found", f"#/orders/{NO_ORDER}", _heading("Order not found"), expected=(NOT_FOUND,))
    audit.visit("recommendations", "#/recommendations", _heading("Picked for you"))
    audit.visit("account", "#/account", lambda p: p.get_by_role("button", name="Forget this address").wait_for())
    # Forgotten: the panel says where an address comes from.
    page.get_by_role("button", name="Forget this address").click()
    page.get_by_text("No delivery address is saved.").wait_for()
    audit.check("account-address-forgotten")
    # The address form, opened from the panel: empty, then with its field errors (nothing is sent).
    page.get_by_role("button", name="Add a delivery address").click()
    page.get_by_role("form", name="Add a delivery address").wait_for()
    audit.check("account-address-form")
    page.get_by_label("Address line 1").fill("")
    page.get_by_role("button", name="Save the address").click()
    page.get_by_text("Enter the street and number.").wait_for()
    audit.check("account-address-form-errors")
    audit.visit("staff-only", "#/staff/orders", _heading("Staff only"))
    audit.finish("customer")


def test_every_page_of_staff(page: Any, dev_stack: DevStack, watch: PageWatch) -> None:
    web = dev_stack.web
    audit = Audit(page, watch, web)
    sign_in(page, web, ALICE.username, ALICE.password)
    page.get_by_role("button", name=f"Sign out {ALICE.username}").wait_for()
    order = place_order(page, [{"book_id": BOOK, "quantity": 2}], DELIVERY_ADDRESS)

    placed = f'[data-order-id="{order["order_id"]}"]'
    audit.visit("staff-orders", "#/staff/orders", lambda p: p.locator(placed).wait_for())
    for status in ("SHIPPED", "DELIVERED", "CANCELLED"):
        audit.visit(
            f"staff-orders-{status.lower()}", f"#/staff/orders?status={status}", _heading(f"{status.title()} orders")
        )
    audit.visit("chat-staff", "#/chat", _heading("Chat with the bookstore"))
    audit.visit("account-staff", "#/account", _heading("My account"))
    audit.finish("staff")
