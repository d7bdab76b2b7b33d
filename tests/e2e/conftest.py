"""Browser tests: `python -m local.dev` (what `make dev` runs) on free ports, driven by Debian's chromium
through Playwright. Screenshots of every page go to test-artifacts/e2e/."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "e2e"
# Debian's chromium; CHROMIUM_PATH names another Chromium-based browser (GitHub's runners have google-chrome).
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PHONE = {"width": 390, "height": 844}
STARTUP_SECONDS = 120
CALL_REPORT = pytest.StashKey[pytest.TestReport]()
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
