"""Orders you can follow: staff move a customer's order on the staff page (PLACED -> SHIPPED -> DELIVERED), and
the customer sees its number, its delivery address and the timeline reach DELIVERED."""

from __future__ import annotations

import re
from typing import Any

from local.world.cognito import DEMO_ACCOUNTS
from tests.e2e.conftest import (
    DELIVERY_ADDRESS,
    DevStack,
    place_order,
    sign_in,
    signed_in_fetch,
    staff_card,
    timeline_steps,
    wait_until,
)

ALICE, CAROL = DEMO_ACCOUNTS
NUMBER = re.compile(r"^BK-[0-9A-Z]{4}-[0-9A-Z]{4}$")


def test_staff_ship_and_deliver_an_order_and_the_customer_follows_it(
    page: Any, staff_page: Any, dev_stack: DevStack
) -> None:
    web = dev_stack.web
    sign_in(page, web, CAROL.username, CAROL.password)
    page.get_by_role("button", name=f"Sign out {CAROL.username}").wait_for()
    # Customers have no staff page: no link, and the page says so.
    assert page.get_by_role("link", name="Staff", exact=True).count() == 0
    page.goto(f"{web}#/staff/orders")
    page.get_by_role("heading", name="Staff only").wait_for()

    order = place_order(page, [{"book_id": "frankenstein-mary-shelley", "quantity": 1}], DELIVERY_ADDRESS)
    order_id, number = order["order_id"], order["number"]
    assert NUMBER.match(number), number

    # The customer's order: its number (the id as secondary text and in the URL), address, timeline at PLACED.
    page.goto(f"{web}#/orders/{order_id}")
    page.get_by_role("heading", name=f"Order {number}").wait_for()
    assert order_id in page.locator(".order-id").inner_text()
    address = page.locator(".delivery").inner_text()
    assert "12 Library Lane" in address
    assert "Bath BA1 1AA" in address
    assert "United Kingdom" in address
    steps = timeline_steps(page)
    assert [(s["name"], s["state"], s["current"]) for s in steps] == [
        ("Placed", "current", "step"),
        ("Shipped", "pending", None),
        ("Delivered", "pending", None),
    ]
    page.shots("placed")

    # Staff: the order is in the PLACED list with its number; shipped, it leaves that list...
    staff = staff_page
    staff.get_by_role("link", name="Staff", exact=True).click()
    staff.get_by_role("heading", name="Placed orders").wait_for()
    card = staff.locator(f'[data-order-id="{order_id}"]')
    card.wait_for()
    assert number in card.inner_text()
    assert CAROL.username in card.inner_text()
    staff.shots("placed-list")
    card.get_by_role("button", name=f"Mark as shipped {number}").click()
    card.wait_for(state="detached")
    staff.get_by_text(f"Order {number} is now shipped.").wait_for()

    # ...and is in the SHIPPED one, where it can only be delivered.
    card = staff_card(staff, web, "SHIPPED", order_id)
    assert card.get_by_role("button").all_inner_texts() == ["Mark as delivered"]
    staff.shots("shipped-list")
    card.get_by_role("button", name=f"Mark as delivered {number}").click()
    card.wait_for(state="detached")
    card = staff_card(staff, web, "DELIVERED", order_id)
    assert card.get_by_role("button").count() == 0
    staff.shots("delivered-list")

    # The customer sees the timeline reach DELIVERED, each step with its time, and can no longer cancel.
    page.reload()
    page.get_by_role("heading", name=f"Order {number}").wait_for()
    assert wait_until(lambda: page.locator(".badge").inner_text() == "DELIVERED")
    steps = timeline_steps(page)
    assert [(s["name"], s["state"], s["current"]) for s in steps] == [
        ("Placed", "done", None),
        ("Shipped", "done", None),
        ("Delivered", "current", "step"),
    ]
    assert all("not yet" not in s["text"] and re.search(r"\d", s["text"]) for s in steps), steps
    assert page.get_by_role("button", name="Cancel order").count() == 0
    page.shots("delivered")
    page.get_by_role("link", name="All my orders").click()
    mine = page.locator(f'[data-order-id="{order_id}"]')
    mine.wait_for()
    assert number in mine.inner_text()
    assert "DELIVERED" in mine.inner_text()


def test_staff_cancel_after_confirming_and_see_a_clear_error_when_the_order_moved_meanwhile(
    page: Any, staff_page: Any, dev_stack: DevStack
) -> None:
    web = dev_stack.web
    sign_in(page, web, CAROL.username, CAROL.password)
    page.get_by_role("button", name=f"Sign out {CAROL.username}").wait_for()
    first = place_order(page, [{"book_id": "emma-jane-austen", "quantity": 1}], DELIVERY_ADDRESS)
    second = place_order(page, [{"book_id": "emma-jane-austen", "quantity": 2}], DELIVERY_ADDRESS)

    staff = staff_page
    card = staff_card(staff, web, "PLACED", first["order_id"])
    # Cancelling asks first: dismissed, nothing happens; accepted, the order is cancelled.
    staff.once("dialog", lambda dialog: dialog.dismiss())
    card.get_by_role("button", name=f"Cancel order {first['number']}").click()
    staff.wait_for_timeout(300)
    assert card.is_visible()
    staff.once("dialog", lambda dialog: dialog.accept())
    card.get_by_role("button", name=f"Cancel order {first['number']}").click()
    card.wait_for(state="detached")
    staff_card(staff, web, "CANCELLED", first["order_id"])

    # The customer cancels the second order while staff look at it: moving it is a clear 409.
    card = staff_card(staff, web, "PLACED", second["order_id"])
    signed_in_fetch(page, "POST", f"orders/{second['order_id']}/cancel")
    card.get_by_role("button", name=f"Mark as shipped {second['number']}").click()
    alert = card.get_by_role("alert")
    assert wait_until(lambda: "reload the list" in alert.inner_text())
    assert f"Order {second['number']} could not become shipped" in alert.inner_text()
    assert "CANCELLED" in alert.inner_text()
    staff.shots("conflict")
