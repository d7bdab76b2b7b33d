from __future__ import annotations

from collections.abc import Iterator

import pytest
from moto import mock_aws

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
