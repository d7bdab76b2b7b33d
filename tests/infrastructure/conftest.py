from __future__ import annotations

import json
import re
from typing import Any

import pytest
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.json import JSONSnapshotExtension

_ASSET_HASH = re.compile(r"[0-9a-f]{64}")


def masked(template: dict[str, Any]) -> dict[str, Any]:
    """Asset hashes change with every code edit; the infrastructure around them must not churn."""
    result: dict[str, Any] = json.loads(_ASSET_HASH.sub("ASSET-HASH", json.dumps(template)))
    return result


@pytest.fixture
def snapshot_json(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    return snapshot.use_extension(JSONSnapshotExtension)
