from __future__ import annotations

import importlib
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest
from moto import mock_aws

from tests.support.api import load_api_modules
from tests.support.aws import LocalAws, build_local_aws
from tests.support.recommendations import Shop, new_shop
from tests.support.running import running_store


@pytest.fixture
def local_aws(dev) -> Iterator[LocalAws]:
    with mock_aws():
        yield build_local_aws(dev.template("Data"), dev.template("Auth"))


@pytest.fixture
def shop(local_aws: LocalAws) -> Shop:
    """Books, orders and the recommendations worker on the orders table's stream."""
    return new_shop(local_aws)


def resource_environment(dev, local_aws: LocalAws) -> dict[str, str]:
    """The tables and user pool the templates give the API function and the bot's code hook, resolved to this
    test's moto resources by the same resolver `make dev` uses (no naming convention of our own)."""
    from local.world.aws import LocalAws as WorldAws
    from local.world.environment import local_resolver
    from local.world.functions import find_function

    world = WorldAws(endpoint="", tables=local_aws.tables, user_pool_id=local_aws.user_pool_id, client_id="")
    resolver = local_resolver(dev.templates, world)
    environment: dict[str, str] = {}
    for function in ("ApiFunction", "FulfillmentFunction"):
        resolved = resolver.environment(find_function(dev.templates, function))
        environment |= {k: v for k, v in resolved.items() if k.endswith("_TABLE_NAME") or k == "USER_POOL_ID"}
    return environment


@pytest.fixture
def function_env(dev, local_aws: LocalAws, monkeypatch: pytest.MonkeyPatch) -> LocalAws:
    """The environment a deployed function finds (its tables, the user pool), pointed at moto."""
    for name, value in resource_environment(dev, local_aws).items():
        monkeypatch.setenv(name, value)
    return local_aws


@pytest.fixture
def api_handler(dev, function_env: LocalAws) -> ModuleType:
    """The REST API function's handler, imported as at a cold start with that environment."""
    load_api_modules(resource_environment(dev, function_env))
    return importlib.reload(importlib.import_module("api.handler"))


@pytest.fixture
def running_make_dev(dev, tmp_path, monkeypatch) -> Iterator[Any]:
    """A local AWS announced as a running `make dev` (this process plays its part)."""
    from local.world.aws import start_local_aws
    from local.world.running import announce

    monkeypatch.setenv("BOOKSTORE_RUNNING_DIR", str(tmp_path))
    aws = start_local_aws({"Data": dev.template("Data"), "Auth": dev.template("Auth")})
    try:
        announce(running_store(aws.endpoint, tables=aws.tables, user_pool_id=aws.user_pool_id,
                               client_id=aws.client_id, images_bucket=aws.images_bucket, assembly=str(dev.outdir)))  # fmt: skip
        yield aws
    finally:
        aws.stop()
