"""Browser tests: `python -m local.dev` (what `make dev` runs) on free ports, driven by Debian's chromium
through Playwright. Screenshots of every page go to test-artifacts/e2e/."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "e2e"
# Debian's chromium; CHROMIUM_PATH names another Chromium-based browser (GitHub's runners have google-chrome).
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PHONE = {"width": 390, "height": 844}
STARTUP_SECONDS = 120
CALL_REPORT = pytest.StashKey[pytest.TestReport]()
# axe-core (package.json's pinned devDependency, installed by `npm ci`), injected into pages under test.
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_BLOCKING = ("serious", "critical")  # the impacts that fail a page
_URL = re.compile(r"^\s+(Web front end|REST API|Lex V2 runtime|AWS \(moto\))\s+(\S+)")


@dataclass
class DevStack:
    process: subprocess.Popen[str]
    urls: dict[str, str]
    output: list[str] = field(default_factory=list)

    @property
    def web(self) -> str:
        return self.urls["Web front end"]

    @property
    def aws(self) -> str:
        return self.urls["AWS (moto)"]

    def client(self, service: str) -> Any:
        """A boto3 client for the stack's moto endpoint, as local tooling makes them."""
        from local.world.aws import local_client

        return local_client(service, self.aws)


def _start(templates: Path, *extra: str) -> DevStack:
    process = subprocess.Popen(
        [sys.executable, "-m", "local.dev", "--port", "0", "--templates", str(templates), *extra],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    stack = DevStack(process=process, urls={})
    ready = threading.Event()

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            stack.output.append(line)
            found = _URL.match(line)
            if found:
                stack.urls[found.group(1)] = found.group(2)
            if "Press Ctrl-C to stop." in line:
                ready.set()
        ready.set()

    threading.Thread(target=pump, daemon=True).start()
    if not ready.wait(STARTUP_SECONDS) or process.poll() is not None:
        process.kill()
        raise RuntimeError("make dev did not start:\n" + "".join(stack.output))
    return stack


def _stop(stack: DevStack) -> int:
    stack.process.send_signal(signal.SIGINT)
    try:
        return stack.process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        stack.process.kill()
        raise


@pytest.fixture(scope="session")
def dev_templates(dev) -> Path:
    """The templates this session synthesized once (the same `make dev` synthesizes itself)."""
    return dev.outdir


@pytest.fixture(scope="session")
def dev_stack(dev_templates: Path) -> Iterator[DevStack]:
    stack = _start(dev_templates)
    yield stack
    assert _stop(stack) == 0, "".join(stack.output)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (`apt-get install chromium`; .ci/run does)")
    from playwright.sync_api import sync_playwright

    shutil.rmtree(ARTIFACTS, ignore_errors=True)  # only this run's screenshots

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


class Shots:
    """Screenshots named <test>-<n>-<what>.png under test-artifacts/e2e/."""

    def __init__(self, page: Any, test: str) -> None:
        self.page = page
        self.test = test
        self.count = 0
        ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def __call__(self, what: str) -> None:
        self.count += 1
        self.page.screenshot(path=str(ARTIFACTS / f"{self.test}-{self.count:02d}-{what}.png"), full_page=True)


@pytest.fixture
def page(browser: Any, dev_stack: DevStack, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A phone-sized page with a fresh session; fails the test on any script error in the page."""
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(20_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.shots = Shots(page, request.node.name)
    yield page
    report = request.node.stash.get(CALL_REPORT, None)
    if report is not None and report.failed:
        page.shots("failure")
    context.close()
    assert errors == [], f"script errors in the page: {errors}"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report: pytest.TestReport = yield
    if report.when == "call":
        item.stash[CALL_REPORT] = report
    return report


@pytest.fixture
def staff_page(browser: Any, dev_stack: DevStack, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A second browser (its own session) where alice, staff, is signed in."""
    from local.world.cognito import DEMO_ACCOUNTS

    alice = DEMO_ACCOUNTS[0]
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(20_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.shots = Shots(page, f"{request.node.name}-staff")
    sign_in(page, dev_stack.web, alice.username, alice.password)
    page.get_by_role("button", name=f"Sign out {alice.username}").wait_for()
    yield page
    context.close()
    assert errors == [], f"script errors in the staff page: {errors}"


def staff_card(page: Any, web: str, status: str, order_id: str) -> Any:
    """On the staff page, the card of the order in the list of `status` (e.g. "SHIPPED")."""
    page.goto(f"{web}#/staff/orders?status={status}")
    page.get_by_role("heading", name=f"{status.title()} orders").wait_for()
    card = page.locator(f'[data-order-id="{order_id}"]')
    card.wait_for()
    return card


def timeline_steps(page: Any) -> list[dict[str, Any]]:
    """The order page's timeline: each step's name, state, whether it is the current one, and its text."""
    steps: list[dict[str, Any]] = page.evaluate(
        """() => [...document.querySelectorAll('.order .timeline li')].map((li) => ({
            name: li.querySelector('.step-name').textContent,
            state: ['done', 'current', 'pending'].find((s) => li.classList.contains(s)),
            current: li.getAttribute('aria-current'),
            text: li.textContent,
        }))"""
    )
    return steps


def sign_in(page: Any, web: str, username: str, password: str) -> None:
    page.goto(f"{web}#/signin")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def wait_until(predicate: Any, timeout: float = 10.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.2)


def signed_in_fetch(page: Any, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
    """Calls the REST API from the page as its signed-in user (the session the web front end keeps), as the front
    end does; the JSON answer, or an AssertionError with the status and body."""
    answer: dict[str, Any] = page.evaluate(
        """async ([method, path, body, headers]) => {
            const session = JSON.parse(sessionStorage.getItem("bookstore.session") || "null");
            const config = await (await fetch("config.json", { cache: "no-store" })).json();
            const base = config.apiUrl.endsWith("/") ? config.apiUrl : config.apiUrl + "/";
            const response = await fetch(new URL(path, base), {
                method,
                headers: { ...headers, Authorization: session.idToken, "Content-Type": "application/json" },
                body: body === null ? undefined : JSON.stringify(body),
            });
            return { status: response.status, text: await response.text() };
        }""",
        [method, path.lstrip("/"), body, headers or {}],
    )
    assert answer["status"] < 300, f"{method} {path} answered {answer['status']}: {answer['text']}"
    return json.loads(answer["text"]) if answer["text"] else None


def place_order(page: Any, lines: list[dict[str, Any]], address: dict[str, Any] | None = None) -> dict[str, Any]:
    """The signed-in user of `page` places an order through the API (POST /orders); the order."""
    body: dict[str, Any] = {"lines": lines}
    if address is not None:
        body["delivery_address"] = address
    order: dict[str, Any] = signed_in_fetch(page, "POST", "orders", body, {"Idempotency-Key": str(uuid.uuid4())})
    return order


# The checkout's address form: its labels and the values typed (the country is a select, by its ISO code).
# An address as the API takes it (PATCH /me, POST /orders), for tests that place orders without the checkout form.
DELIVERY_ADDRESS = {
    "name": "Carol Reader",
    "line1": "12 Library Lane",
    "line2": "Flat 3",
    "city": "Bath",
    "postal_code": "BA1 1AA",
    "country": "GB",
}
CHECKOUT_ADDRESS = {
    "Full name": "Carol Reader",
    "Address line 1": "221B Baker Street",
    "City": "London",
    "Postal code": "NW1 6XE",
}
SAVE_ADDRESS = "Save this address for my next orders and for ordering by chat"
ORDER_URL = re.compile(r"#/orders/([0-9A-Z]{26})$")


def fill_address(page: Any, address: dict[str, str] | None = None, country: str = "GB") -> None:
    """On the checkout's address step: types the address over whatever is prefilled and chooses the country."""
    page.get_by_role("heading", name="Where should we send your books?").wait_for()
    page.get_by_label("Address line 2 (optional)").fill("")
    for label, value in (address or CHECKOUT_ADDRESS).items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("Country").select_option(country)


def check_out(page: Any, address: dict[str, str] | None = None, country: str = "GB") -> str:
    """From the checkout's address step (e.g. after "Add to cart and check out"): the address, the review, "Place order"; the id of
    the order placed, once its page shows."""
    fill_address(page, address, country)
    page.get_by_role("button", name="Continue to review").click()
    page.get_by_role("heading", name="Review your order", level=1).wait_for()
    page.get_by_role("button", name="Place order").click()
    page.wait_for_url(ORDER_URL)
    placed = ORDER_URL.search(page.url)
    assert placed is not None
    return placed.group(1)


# ---- accessibility and page hygiene ------------------------------------------------------------------------


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's violations on the page as it is now (every rule axe runs by default), each as {id, impact,
    help, nodes: [{target, html}]}.

    The site's CSP (script-src 'self') refuses inline scripts, which is what add_script_tag(path=...) would add;
    so the pinned node_modules/axe-core/axe.min.js is served at a same-origin URL through page.route (no
    network: Playwright answers it) and added with add_script_tag(url=...): the page keeps its real CSP."""
    if not AXE_SCRIPT.exists():
        pytest.fail(f"{AXE_SCRIPT} is missing: run `npm ci` (axe-core is a pinned devDependency in package.json)")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        url = urljoin(page.url, "/__e2e__/axe.min.js")
        page.route(url, lambda route: route.fulfill(path=str(AXE_SCRIPT), content_type="text/javascript"))
        page.add_script_tag(url=url)
    violations: list[dict[str, Any]] = page.evaluate(
        """async () => {
            const results = await window.axe.run(document, { resultTypes: ["violations"] });
            return results.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map((n) => ({ target: n.target.join(" "), html: n.html.slice(0, 200) })),
            }));
        }"""
    )
    return violations


def blocking(violations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The violations that fail a page: serious or critical."""
    return [v for v in violations if v["impact"] in AXE_BLOCKING]


def describe_violations(violations: list[dict[str, Any]]) -> str:
    return "; ".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {', '.join(n['target'] for n in v['nodes'][:5])}"
        for v in violations
    )


def fits_the_screen(page: Any) -> bool:
    """Nothing wider than the screen (no sideways scrolling on a phone)."""
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def unlabelled_controls(page: Any) -> list[str]:
    """Inputs, selects and buttons a screen reader could not name."""
    result: list[str] = page.evaluate(
        """() => [...document.querySelectorAll('input, select, textarea, button')]
            .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                            && !(el.tagName === 'BUTTON' && el.textContent.trim()))
            .map((el) => el.outerHTML)"""
    )
    return result


@dataclass
class PageWatch:
    """What a page did besides rendering: console errors, uncaught script errors, and requests to any host but
    the local servers of the stack (the web front end, the API, Lex and moto)."""

    allowed_hosts: frozenset[str]
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)

    def attach(self, page: Any) -> None:
        page.on("console", lambda message: self._console(message))
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        page.on("request", lambda request: self._request(request.url))

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.console_errors.append(f"{message.text} ({message.location.get('url', '')})")

    def _request(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about"):
            return
        if parts.netloc not in self.allowed_hosts:
            self.foreign_requests.append(url)

    def take(self, expected: tuple[str, ...] = ()) -> list[str]:
        """The problems seen since the last call (and forgets them). `expected`: parts of console errors the page
        is meant to cause, e.g. Chromium's "Failed to load resource: ... 404" for a page about a missing book."""
        problems = [
            *(f"console error: {text}" for text in self.console_errors if not any(e in text for e in expected)),
            *(f"script error: {text}" for text in self.page_errors),
            *(f"request to another host: {url}" for url in self.foreign_requests),
        ]
        self.console_errors.clear()
        self.page_errors.clear()
        self.foreign_requests.clear()
        return problems


@pytest.fixture
def watch(page: Any, dev_stack: DevStack) -> PageWatch:
    """Watches `page` for console errors, script errors and requests leaving the local stack."""
    watcher = PageWatch(allowed_hosts=frozenset(urlsplit(url).netloc for url in dev_stack.urls.values()))
    watcher.attach(page)
    return watcher
