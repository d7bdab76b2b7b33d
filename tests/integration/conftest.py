from __future__ import annotations

from collections.abc import Iterator

import pytest
from moto import mock_aws

from tests.support.aws import LocalAws, build_local_aws


@pytest.fixture
def local_aws(dev) -> Iterator[LocalAws]:
    with mock_aws():
        yield build_local_aws(dev.template("Data"), dev.template("Auth"))
