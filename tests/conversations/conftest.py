"""The local Lex V2 runtime, started once per session exactly as a developer starts it, on free ports."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest

from local.world.aws import LocalAws

ROOT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 120


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--target",
        choices=["local", "deployed"],
        default="local",
        help="run the conversation scripts against the local runtime (default) or a deployed alias",
    )
    parser.addoption("--stage", default="dev", help="with --target deployed: the stage whose Bot stack to use")


@dataclass
class LexTarget:
    client: Any
    bot_id: str
    alias_id: str
    locale_id: str
    aws: LocalAws | None  # the local AWS behind the bot (None for a deployed bot)
    url: str | None = None


@dataclass
class LocalLexProcess:
    process: subprocess.Popen[str]
    url: str
    aws: LocalAws


def _start_local_lex(templates: Path, *extra: str) -> LocalLexProcess:
    """`python -m local.lex` serving the bot of the session's synth (its AWS::Lex::Bot, its aliases' code hook)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_ENDPOINT_URL")}
    process = subprocess.Popen(
        [sys.executable, "-m", "local.lex", "--port", "0", "--standalone", "--templates", str(templates), *extra],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    fields: dict[str, str] = {}
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            stderr = process.stderr.read() if process.stderr else ""
            raise RuntimeError(f"python -m local.lex exited early ({process.poll()}):\n{stderr}")
        key, _, value = line.strip().partition(": ")
        fields[key] = value
        if line.startswith("Ready."):
            break
    else:
        process.kill()
        raise RuntimeError("python -m local.lex did not become ready")
    aws = LocalAws(
        endpoint=fields["AWS (moto)"],
        tables={"UsersTable": fields["Users table"]},
        user_pool_id=fields["User pool"],
        client_id="",
    )
    return LocalLexProcess(process=process, url=fields["Lex V2 runtime"], aws=aws)


@pytest.fixture(scope="session")
def local_lex(dev) -> Iterator[LocalLexProcess]:
    server = _start_local_lex(dev.outdir)
    yield server
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()


def lex_client(url: str) -> Any:
    return boto3.client(
        "lexv2-runtime",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )


# The served bot's test alias, and a staff caller's request attributes, as the protocol tests address them.
BOT, ALIAS, LOCALE = "BOOKSTORE1", "TSTALIASID", "en_US"
STAFF = {"bookstore:username": "alice", "bookstore:groups": "staff"}


@pytest.fixture
def lex(local_lex: LocalLexProcess) -> Any:
    """A boto3 lexv2-runtime client of the session's local runtime, on emptied tables."""
    local_lex.aws.reset_data()
    return lex_client(local_lex.url)


@pytest.fixture(scope="session")
def lex_target(request: pytest.FixtureRequest) -> LexTarget:
    if request.config.getoption("--target") == "deployed":
        return _deployed_target(request.config.getoption("--stage"))
    server: LocalLexProcess = request.getfixturevalue("local_lex")
    return LexTarget(lex_client(server.url), "BOOKSTORE1", "TSTALIASID", "en_US", server.aws, server.url)


def _deployed_target(stage: str) -> LexTarget:
    session = boto3.session.Session(
        aws_access_key_id=os.environ.get("REAL_AWS_ACCESS_KEY_ID"),
        aws_secret_access_key=os.environ.get("REAL_AWS_SECRET_ACCESS_KEY"),
        aws_session_token=os.environ.get("REAL_AWS_SESSION_TOKEN"),
        region_name=os.environ.get("REAL_AWS_REGION"),
    )
    if not os.environ.get("REAL_AWS_ACCESS_KEY_ID"):
        pytest.skip("--target deployed needs REAL_AWS_ACCESS_KEY_ID/REAL_AWS_SECRET_ACCESS_KEY/REAL_AWS_REGION")
    outputs = {
        o["OutputKey"]: o["OutputValue"]
        for o in session.client("cloudformation").describe_stacks(StackName=f"Bookstore-{stage}-Bot")["Stacks"][0][
            "Outputs"
        ]
    }
    return LexTarget(session.client("lexv2-runtime"), outputs["BotId"], outputs["BotAliasId"], "en_US", None)


_SAFE = re.compile(r"[^0-9a-zA-Z._:-]")


def session_id(name: str) -> str:
    return _SAFE.sub("-", name)[:90] + f"-{time.monotonic_ns() % 100000}"
