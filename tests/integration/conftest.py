from __future__ import annotations

import importlib
from collections.abc import Iterator
from types import ModuleType

import pytest
from moto import mock_aws

from local.world.aws import table_env_variable
from tests.support.api import load_api_modules
from tests.support.aws import LocalAws, build_local_aws
from tests.support.recommendations import Shop, new_shop


@pytest.fixture
def local_aws(dev) -> Iterator[LocalAws]:
    with mock_aws():
        yield build_local_aws(dev.template("Data"), dev.template("Auth"))


@pytest.fixture
def shop(local_aws: LocalAws) -> Shop:
    """Books, orders and the recommendations worker on the orders table's stream."""
    return new_shop(local_aws)


@pytest.fixture
def function_env(local_aws: LocalAws, monkeypatch: pytest.MonkeyPatch) -> LocalAws:
    """The environment a deployed function finds (its tables, the user pool), pointed at moto."""
    for logical, name in local_aws.tables.items():
        monkeypatch.setenv(table_env_variable(logical), name)
    monkeypatch.setenv("USER_POOL_ID", local_aws.user_pool_id)
    return local_aws


@pytest.fixture
def api_handler(function_env: LocalAws) -> ModuleType:
    """The REST API function's handler, imported as at a cold start with that environment."""
    load_api_modules({table_env_variable(k): v for k, v in function_env.tables.items()}
                     | {"USER_POOL_ID": function_env.user_pool_id})  # fmt: skip
    return importlib.reload(importlib.import_module("api.handler"))
