"""Card covers on the local world, by the deployed mechanism: the local world writes the Frontend template's
site-URL parameter with the local web server's origin, the web server serves the covers' keys from the local S3
(the distribution's `/books/*` behaviour), and a card the bot answers with through the Lex runtime has an
imageUrl of at most 250 characters that the web server answers with the cover itself: the book's own, a 400x600
PNG."""

from __future__ import annotations

import io
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from PIL import Image

from local.emulators.lex.engine import LIVE_ALIAS_ID
from local.world import assembly
from local.world.aws import local_client
from local.world.catalog import load_catalog
from local.world.covers import bucket_behaviours, cover_key, cover_png, site_url_parameters
from local.world.environment import local_resolver
from local.world.stack import BOT_PARTS, LocalStack, Ports, start_stack
from stacks.site_policy import site_url_parameter


@pytest.fixture(scope="module")
def stack(dev) -> Iterator[LocalStack]:
    """What `make lex` and `make chat` start (`make dev` starts these and more)."""
    started = start_stack(assembly.read(dev.outdir, "dev"), parts=BOT_PARTS, ports=Ports.block(0))
    yield started
    started.stop()


def _cards(stack: LocalStack, text: str) -> list[dict[str, Any]]:
    assert stack.lex is not None
    lex = local_client("lexv2-runtime", stack.lex.url)
    response = lex.recognize_text(
        botId=stack.lex.engine.bot_id, botAliasId=LIVE_ALIAS_ID, localeId="en_US", sessionId="covers-1", text=text
    )
    return [m["imageResponseCard"] for m in response.get("messages", []) if m["contentType"] == "ImageResponseCard"]


def _get(url: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, method=method)  # noqa: S310 (the local web server)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (the local web server)
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def test_the_local_world_writes_the_site_url_where_the_frontend_stack_does(stack, dev) -> None:
    assert stack.web is not None
    assert site_url_parameters(dev.templates) == [site_url_parameter("dev")]  # found in the Frontend template
    value = stack.aws.client("ssm").get_parameter(Name=site_url_parameter("dev"))["Parameter"]["Value"]
    assert value == stack.web.origin


def test_the_web_server_mounts_the_distributions_covers_behaviour_on_the_local_bucket(stack, dev) -> None:
    behaviours = bucket_behaviours(dev.templates, local_resolver(dev.templates, stack.aws))
    assert behaviours == [("/books/", stack.aws.images_bucket)]


def test_a_found_books_card_shows_its_cover_from_the_local_web_server(stack) -> None:
    assert stack.web is not None
    [card] = [c for c in _cards(stack, "do you have dracula") if c["title"] == "Dracula"]
    [dracula] = [b for b in load_catalog() if b.title == "Dracula"]
    url = card["imageUrl"]
    assert url == f"{stack.web.origin}/{cover_key(dracula.book_id)}"
    assert url.endswith("/books/covers/dracula-bram-stoker.png")  # the book's own cover, not its genre's
    assert len(url) <= 250
    status, headers, body = _get(url)
    assert status == 200
    assert headers["Content-Type"] == "image/png"
    assert body == cover_png(dracula)  # the bucket's object itself: Dracula's own cover
    assert Image.open(io.BytesIO(body)).size == (400, 600)
    assert headers["X-Content-Type-Options"] == "nosniff"  # the site's headers policy, as on the behaviour
    head_status, head_headers, head_body = _get(url, method="HEAD")
    assert (head_status, head_headers["Content-Length"], head_body) == (200, str(len(body)), b"")


def test_a_missing_cover_is_the_sites_not_found_page(stack) -> None:
    assert stack.web is not None
    status, headers, body = _get(f"{stack.web.origin}/books/covers/no-such-book.png")
    assert status == 404
    assert headers["Content-Type"].startswith("text/html")
    assert body == (stack.web.root / "404.html").read_bytes()
    # Outside the covers' prefix the bucket is not reachable: the site's own files (none by that name) answer.
    status, _, _ = _get(f"{stack.web.origin}/{cover_key('dracula-bram-stoker').removeprefix('books/')}")
    assert status == 404
