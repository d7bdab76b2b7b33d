"""Following an order: its number, its delivery address, the staff listing by status and the timeline, on fakes.

OrderService runs on the in-memory fakes of tests/unit/fakes.py with Powertools' real idempotency logic; the
DynamoDB side (gsi2, cursors, what is stored) is in tests/integration/test_api.py.
"""

from __future__ import annotations

import itertools
import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from aws_lambda_powertools.utilities.jmespath_utils import query
from pydantic import ValidationError as PydanticValidationError

from bookstore import orders as orders_domain
from bookstore.addresses import COUNTRY_CODES, DeliveryAddress
from bookstore.errors import Conflict, OrderNotFound, ValidationError
from bookstore.identity import SignedIn
from bookstore.ids import ulid
from bookstore.orders import (
    ORDER_NUMBER_PATTERN,
    Order,
    OrderLineRequest,
    order_number,
    parse_order_number,
)
from bookstore.repositories.cursor import encode_cursor
from bookstore.services import orders as orders_module
from bookstore.services.orders import NUMBER_LOOK_BACK, PAYLOAD_VALIDATION, OrderService, PlaceOrderRequest
from tests.unit.fakes import FakeOrders, FakeProducts, InMemoryIdempotency
from tests.unit.shop_data import ALICE, BOB, DRACULA, EMMA, HOME

pytestmark = [
    pytest.mark.usefixtures("no_aws"),
    pytest.mark.filterwarnings("ignore:Couldn't determine the remaining time left"),
]


@pytest.fixture(autouse=True)
def one_millisecond_per_order(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = itertools.count(1_700_000_000_000)
    monkeypatch.setattr(orders_module, "ulid", lambda: ulid(next(clock)))
    seconds = itertools.count(0)  # created_at moves on with every order too (gsi2 sorts by it)
    monkeypatch.setattr(orders_module, "utc_now", lambda: f"2024-01-01T00:{next(seconds):05.2f}Z".replace(".", ":"))


@pytest.fixture
def products() -> FakeProducts:
    return FakeProducts(DRACULA, EMMA)


@pytest.fixture
def orders(products: FakeProducts) -> FakeOrders:
    return FakeOrders(products)


@pytest.fixture
def service(orders: FakeOrders, products: FakeProducts) -> OrderService:
    return OrderService(orders=orders, products=products, idempotency_table="-", persistence=InMemoryIdempotency())


def place(
    service: OrderService,
    quantity: int = 1,
    *,
    who: SignedIn = ALICE,
    key: str = "key-00000001",
    address: dict[str, Any] | None = None,
) -> Order:
    request = PlaceOrderRequest(
        username=who.username,
        idempotency_key=key,
        lines=[OrderLineRequest(book_id=DRACULA.book_id, quantity=quantity)],
        delivery_address=DeliveryAddress.model_validate(HOME if address is None else address),
    )
    return service.place(request, None)


# ---- the order number ----------------------------------------------------------------------------------------


def test_the_number_is_bk_and_eight_unambiguous_characters_derived_from_the_id() -> None:
    ids = [ulid() for _ in range(2000)]
    numbers = [order_number(order_id) for order_id in ids]

    assert all(re.fullmatch(ORDER_NUMBER_PATTERN, number) for number in numbers)
    assert not set("ILOU") & set("".join(n.removeprefix("BK-") for n in numbers))
    assert numbers == [order_number(order_id) for order_id in ids]  # deterministic
    assert len(set(numbers)) == len(numbers)  # 40 bits: 2000 numbers collide with odds of about 2e-6


def test_an_order_shows_its_number_and_reads_back_from_its_own_dump() -> None:
    order = Order(order_id="01ARZ3NDEKTSV4RRFFQ69G5FAV", username="alice", lines=[], total_cents=0,
                  status="PLACED", created_at="2024-01-01T00:00:00.000Z", updated_at="2024-01-01T00:00:00.000Z")  # fmt: skip

    assert order.number == order_number(order.order_id)
    assert order.model_dump()["number"] == order.number
    assert Order.model_validate(order.model_dump()) == order  # the idempotency record's round trip
    assert Order.model_validate({**order.model_dump(), "number": "BK-0000-0000"}).number == order.number


@pytest.mark.parametrize(
    ("said", "number"),
    [
        ("BK-7K3M-9QXT", "BK-7K3M-9QXT"),
        ("bk-7k3m-9qxt", "BK-7K3M-9QXT"),
        ("BK7K3M9QXT", "BK-7K3M-9QXT"),
        (" bk 7k3m 9qxt ", "BK-7K3M-9QXT"),
        ("BK-O0I1-L000", "BK-0011-1000"),  # O is 0; I and L are 1 (Crockford's decoding)
    ],
)
def test_a_number_is_read_however_it_is_written(said: str, number: str) -> None:
    assert parse_order_number(said) == number


@pytest.mark.parametrize(
    "said",
    ["01ARZ3NDEKTSV4RRFFQ69G5FAV", "BK-7K3M-9QX", "BK-7K3M-9QXTT", "XK-7K3M-9QXT", "BK-UUUU-0000", "BK-7K3M_9QXT"],
)
def test_what_is_no_number_is_not_read_as_one(said: str) -> None:
    assert parse_order_number(said) is None


def test_i_find_my_order_by_its_id_or_its_number(service) -> None:
    order = place(service)

    assert service.find_mine(ALICE, order.order_id.lower()) == order
    assert service.find_mine(ALICE, order.number) == order
    assert service.find_mine(ALICE, order.number.replace("-", "").lower()) == order


def test_someone_elses_number_looks_exactly_like_a_missing_one(service) -> None:
    theirs = place(service, who=BOB).number
    missing = next(n for n in ("BK-0000-0000", "BK-1111-1111") if n != theirs)

    with pytest.raises(OrderNotFound) as other:
        service.find_mine(ALICE, theirs)
    with pytest.raises(OrderNotFound) as absent:
        service.find_mine(ALICE, missing)

    assert str(other.value).replace(theirs, "<n>") == str(absent.value).replace(missing, "<n>")


def test_a_number_is_looked_for_among_my_recent_orders_only(service, orders, products) -> None:
    # Given my oldest order, then NUMBER_LOOK_BACK newer ones
    products.books[DRACULA.book_id] = DRACULA.model_copy(update={"stock": 1000})
    oldest = place(service, key="key-oldest")
    for n in range(NUMBER_LOOK_BACK):
        place(service, key=f"key-newer-{n}")
    orders.calls.clear()

    # When I name the oldest by its number
    with pytest.raises(OrderNotFound):
        service.find_mine(ALICE, oldest.number)

    # Then it is out of reach (its id still finds it), and the look-back cost two reads
    assert orders.calls == ["list_for", "list_for"]
    assert service.find_mine(ALICE, oldest.order_id) == oldest


def test_two_of_my_orders_with_one_number_are_refused_not_guessed(service, monkeypatch) -> None:
    # Given two of my orders whose numbers collide (forced here: 40 bits make it rare, not impossible)
    first, second = place(service, key="key-first"), place(service, key="key-second")
    monkeypatch.setattr(orders_domain, "order_number", lambda order_id: "BK-AAAA-AAAA")

    # When I name that number
    with pytest.raises(Conflict, match="2 of your orders have the number BK-AAAA-AAAA; please give the order id"):
        service.find_mine(ALICE, "BK-AAAA-AAAA")

    # Then the ids still tell them apart
    assert [service.find_mine(ALICE, o.order_id).order_id for o in (first, second)] == [first.order_id, second.order_id]


# ---- the delivery address ------------------------------------------------------------------------------------


def test_the_address_is_stored_with_the_order(service, orders) -> None:
    order = place(service, address={**HOME, "name": "  Alice Liddell  ", "line2": "Flat 2"})

    assert orders.orders[order.order_id].delivery_address == DeliveryAddress(
        name="Alice Liddell", line1="1 Rabbit Hole", line2="Flat 2", city="Oxford", postal_code="OX1 1AA", country="GB"
    )


def test_an_order_request_without_an_address_is_refused() -> None:
    with pytest.raises(PydanticValidationError, match="delivery_address"):
        PlaceOrderRequest.model_validate(
            {
                "username": "alice",
                "idempotency_key": "key-00000001",
                "lines": [{"book_id": DRACULA.book_id, "quantity": 1}],
            }
        )


def test_orders_stored_before_addresses_were_required_still_read(service, orders) -> None:
    placed = place(service)
    stored = orders.orders[placed.order_id].model_dump()
    stored.pop("delivery_address")

    assert Order.model_validate(stored).delivery_address is None


@pytest.mark.parametrize(
    ("first", "again"),
    [(HOME, {**HOME, "line1": "2 Rabbit Hole"}), (HOME, {**HOME, "line2": "Flat 2"})],
    ids=["another street", "a flat added"],
)
def test_the_same_key_with_another_address_is_a_conflict(service, orders, products, first, again) -> None:
    # Given an order placed with a key
    placed = place(service, 2, address=first)

    # When the same key comes with the same lines but another address
    with pytest.raises(Conflict, match="already used for a different order"):
        place(service, 2, address=again)

    # Then the first order stands alone and the books were sold once
    assert list(orders.orders) == [placed.order_id]
    assert products.stock(DRACULA.book_id) == 8


def test_a_retry_with_the_same_address_returns_the_first_order(service, orders) -> None:
    first = place(service, address=HOME)

    assert place(service, address=dict(HOME)) == first
    assert len(orders.orders) == 1


def test_without_an_address_the_key_stands_for_the_lines_alone_as_before_addresses() -> None:
    """Idempotency records written before addresses hashed `lines`: their retries still match."""
    lines = [{"book_id": DRACULA.book_id, "quantity": 1}]

    assert query({"lines": lines, "delivery_address": None}, PAYLOAD_VALIDATION) == lines
    assert query({"lines": lines, "delivery_address": HOME}, PAYLOAD_VALIDATION) == [lines, HOME]


def test_the_shop_offers_exactly_the_countries_the_api_takes() -> None:
    shop = (Path(__file__).parents[2] / "frontend_stub" / "js" / "shop.js").read_text()
    listed = re.search(r"export const COUNTRY_CODES = `([^`]*)`", shop)
    assert listed is not None
    assert set(listed.group(1).split()) == COUNTRY_CODES


def test_the_country_codes_are_iso_3166_1_alpha_2() -> None:
    assert len(COUNTRY_CODES) == 249  # the officially assigned codes
    assert {"GB", "US", "DE", "FR", "JP", "AX", "SS"} <= COUNTRY_CODES
    assert not {"UK", "EU", "XK", "ZZ"} & COUNTRY_CODES  # reserved or user-assigned, not countries


# What an address line takes: ordinary text of any script, and nothing that breaks the line, hides, or turns the
# text's direction around (it would make an address read otherwise on the staff page).
LINES_TAKEN = [
    "Zoë O'Brien",
    "12 Baker Street",
    "李雷",
    "Müller-Lüdenscheidt",
    "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",
    "Flat 2 \U0001f600",
]
LINES_REFUSED = ["", "   ", "Carol\nReed", "Carol\u2028Reed", "Carol\u2029Reed", "Carol\u0085Reed", "Carol\x9bReed",
                 "\u200b", "\u200b \ufeff", "\u202eevil", "a\u2066b", "\x00"]  # fmt: skip


@pytest.mark.parametrize("line", LINES_TAKEN)
def test_an_address_line_of_any_script_is_taken(line: str) -> None:
    assert DeliveryAddress.model_validate({**HOME, "name": line}).name == line.strip()


@pytest.mark.parametrize("line", LINES_REFUSED)
def test_an_address_line_that_breaks_hides_or_turns_text_around_is_refused(line: str) -> None:
    with pytest.raises(PydanticValidationError, match="name"):
        DeliveryAddress.model_validate({**HOME, "name": line})


def test_the_documented_pattern_is_the_rule_as_ecmascript_reads_it() -> None:
    """The document's pattern, run by Node's RegExp (what a JavaScript client or validator uses), decides every
    sample as the Python validator does."""
    pattern = DeliveryAddress.model_json_schema()["properties"]["name"]["pattern"]
    samples = LINES_TAKEN + LINES_REFUSED
    script = "const [p, s] = JSON.parse(require('fs').readFileSync(0, 'utf8'));" \
             "console.log(JSON.stringify(s.map((x) => new RegExp(p).test(x))));"  # fmt: skip
    node = subprocess.run(["node", "-e", script], input=json.dumps([pattern, samples]), capture_output=True,
                          text=True, check=True)  # fmt: skip
    assert json.loads(node.stdout) == [True] * len(LINES_TAKEN) + [False] * len(LINES_REFUSED)


# ---- staff: orders by status ---------------------------------------------------------------------------------


def test_staff_list_orders_in_a_status_newest_first_page_by_page(service) -> None:
    # Given five orders of two customers, one of them shipped
    placed = [place(service, who=who, key=f"order-key-{n}") for n, who in enumerate([ALICE, BOB, ALICE, BOB, ALICE])]
    service.move(placed[2].order_id, "SHIPPED")

    # When staff page through the PLACED ones two at a time
    pages: list[list[str]] = []
    cursor: str | None = None
    while True:
        page = service.list_by_status("PLACED", limit=2, cursor=cursor)
        pages.append([order.order_id for order in page.items])
        if (cursor := page.next_cursor) is None:
            break

    # Then they see each PLACED order once, newest first, and only those
    assert [order_id for ids in pages for order_id in ids] == [placed[n].order_id for n in (4, 3, 1, 0)]
    assert [order.order_id for order in service.list_by_status("SHIPPED").items] == [placed[2].order_id]
    assert service.list_by_status("DELIVERED").items == []


@pytest.mark.parametrize(
    "cursor",
    [
        "not a cursor!",
        encode_cursor({"order_id": "01ARZ3NDEKTSV4RRFFQ69G5FAV"}),
        encode_cursor({"pk": "CUSTOMER#alice", "sk": "ORDER#x", "gsi2pk": "STATUS#PLACED", "gsi2sk": "x"}),
        encode_cursor(
            {"pk": {"S": "USER#alice"}, "sk": {"S": "ORDER#x"}, "gsi2pk": {"S": "STATUS#PLACED"}, "gsi2sk": {"S": "x"}}
        ),
    ],
    ids=["not base64 JSON", "another listing's", "untyped values", "another table's key"],
)
def test_a_cursor_that_is_not_this_listings_is_refused(service, cursor: str) -> None:
    with pytest.raises(ValidationError, match="cursor is not valid"):
        service.list_by_status("PLACED", cursor=cursor)


def test_a_cursor_of_another_status_is_refused(service) -> None:
    place(service, key="order-key-1")
    place(service, key="order-key-2")
    cursor = service.list_by_status("PLACED", limit=1).next_cursor

    with pytest.raises(ValidationError, match="cursor is not valid"):
        service.list_by_status("SHIPPED", cursor=cursor)


def test_my_orders_refuse_a_cursor_of_someone_elses(service) -> None:
    place(service, who=BOB, key="order-key-1")
    place(service, who=BOB, key="order-key-2")
    bobs = service.list_mine(BOB, limit=1).next_cursor

    with pytest.raises(ValidationError, match="cursor is not valid"):
        service.list_mine(ALICE, cursor=bobs)


@pytest.mark.parametrize("limit", [0, 51])
def test_the_staff_listing_takes_pages_of_1_to_50(service, limit: int) -> None:
    with pytest.raises(ValidationError, match="limit must be between 1 and 50"):
        service.list_by_status("PLACED", limit=limit)


# ---- the timeline --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "moves",
    [["SHIPPED", "DELIVERED"], ["CANCELLED"], ["cancel by the customer"]],
    ids=["shipped and delivered", "cancelled by staff", "cancelled by the customer"],
)
def test_every_transition_appends_to_the_history(service, orders, moves: list[str]) -> None:
    # Given a placed order
    order = place(service)

    # When it moves through `moves`
    for move in moves:
        if move == "cancel by the customer":
            service.cancel_mine(ALICE, order.order_id)
        else:
            service.move(order.order_id, move)

    # Then its history holds every status it had, in order, with the time of each move
    stored = orders.orders[order.order_id]
    statuses = ["CANCELLED" if m == "cancel by the customer" else m for m in moves]
    assert [h.status for h in stored.history] == ["PLACED", *statuses]
    assert [h.at for h in stored.history] == sorted(h.at for h in stored.history)
    assert stored.history[-1].at == stored.updated_at
    assert service.get_mine(ALICE, order.order_id).history == stored.history
