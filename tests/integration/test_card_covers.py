"""The code hook's card covers: `<site url>/<image key>`, the site URL read from the SSM parameter the environment
names (the Frontend stack writes it), cached, and left out rather than broken when it cannot be had."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from bookstore.catalog import Book
from bot_fulfillment import cards
from tests.support.aws import LocalAws

PARAMETER = "/bookstore/test/site-url"
SITE = "https://d111111abcdef8.cloudfront.net"
DRACULA = Book(book_id="dracula-bram-stoker", title="Dracula", author="Bram Stoker", genre="horror", year=1897,
               price_cents=899, stock=5, image_key="books/covers/dracula-bram-stoker.png")  # fmt: skip


class Clock:
    """time.monotonic of the cards module, moved by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


@pytest.fixture(autouse=True)
def cold_start(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    """Each test is a new cold start of the code hook, with the parameter's name in its environment."""
    clock = Clock()
    monkeypatch.setattr(cards, "time", clock)
    monkeypatch.setenv(cards.SITE_URL_PARAMETER, PARAMETER)
    cards.site_url.cache_clear()
    yield clock
    cards.site_url.cache_clear()


def _publish(value: str) -> None:
    boto3.client("ssm").put_parameter(Name=PARAMETER, Value=value, Type="String", Overwrite=True)


def _image_url(book: Book) -> Any:
    return cards.book_card(book).dump()["imageResponseCard"].get("imageUrl")


def test_a_card_shows_the_cover_at_the_site_url(local_aws: LocalAws) -> None:
    _publish(SITE)
    url = _image_url(DRACULA)
    assert url == f"{SITE}/books/covers/dracula-bram-stoker.png"
    assert len(url) <= cards.TEXT_MAX
    # Every card of the hook: found, to confirm, ordered.
    assert cards.confirm_card(DRACULA, 2).dump()["imageResponseCard"]["imageUrl"] == url


def test_the_site_url_is_cached(local_aws: LocalAws) -> None:
    _publish(SITE + "/")  # a trailing slash is not doubled
    assert _image_url(DRACULA) == f"{SITE}/books/covers/dracula-bram-stoker.png"
    _publish("https://shop.example.com")
    assert _image_url(DRACULA) == f"{SITE}/books/covers/dracula-bram-stoker.png"  # cached: no SSM call per card
    cards.site_url.cache_clear()  # the next cold start (or the next read after SITE_URL_MAX_AGE)
    assert _image_url(DRACULA) == "https://shop.example.com/books/covers/dracula-bram-stoker.png"


def test_without_the_parameter_cards_have_no_cover_until_it_is_written_and_the_miss_expires(
    local_aws: LocalAws, cold_start: Clock
) -> None:
    assert _image_url(DRACULA) is None  # e.g. the Bot stack deployed, the Frontend stack not yet
    _publish(SITE)
    assert _image_url(DRACULA) is None  # the miss is remembered: SSM is not asked for every card
    cold_start.now += cards.SITE_URL_MAX_AGE + 1
    assert _image_url(DRACULA) == f"{SITE}/books/covers/dracula-bram-stoker.png"


def test_no_cover_without_the_variable_a_key_outside_the_covers_or_a_url_too_long(
    local_aws: LocalAws, monkeypatch: pytest.MonkeyPatch
) -> None:
    _publish(SITE)
    assert _image_url(DRACULA.model_copy(update={"image_key": None})) is None
    assert _image_url(DRACULA.model_copy(update={"image_key": "private/ledger.csv"})) is None  # not served
    too_long = "books/" + "x" * 250 + ".png"
    assert _image_url(DRACULA.model_copy(update={"image_key": too_long})) is None  # Lex allows 250 characters
    monkeypatch.delenv(cards.SITE_URL_PARAMETER)
    assert _image_url(DRACULA) is None


def test_a_value_that_is_not_a_url_gives_no_cover(local_aws: LocalAws) -> None:
    _publish("d111111abcdef8.cloudfront.net")
    assert _image_url(DRACULA) is None


def test_ssm_failing_leaves_the_cover_out_without_failing_the_turn(
    local_aws: LocalAws, monkeypatch: pytest.MonkeyPatch
) -> None:
    from botocore.exceptions import ClientError

    class Refusing:
        def get_parameter(self, **_: Any) -> Any:
            raise ClientError({"Error": {"Code": "AccessDeniedException", "Message": "no"}}, "GetParameter")

    from bookstore import aws

    monkeypatch.setattr(aws, "client", lambda service, config=None: Refusing())
    assert _image_url(DRACULA) is None
