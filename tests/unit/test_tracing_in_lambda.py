"""In Lambda the Tracer is active and traces every AWS call, while loading only what the functions use.

Tests disable tracing (POWERTOOLS_TRACE_DISABLED), so this looks at a fresh interpreter started with the
environment Lambda gives a function: the one benchmarks.cold_start measures the handlers' imports in.
"""

from __future__ import annotations

import json

from benchmarks.cold_start import HANDLERS, child_env, run

PROBE = """
import json, sys
import {module}
from aws_xray_sdk.core import patcher
import botocore.client
from bookstore.observability import tracer
print(json.dumps({{
    "disabled": tracer.disabled,
    "patched": sorted(patcher._PATCHED_MODULES),
    "botocore_wrapped": hasattr(botocore.client.BaseClient._make_api_call, "__wrapped__"),
    "loaded": sorted(name for name in ("requests", "sqlite3", "httpx") if name in sys.modules),
}}))
"""


def _probe(module: str) -> dict[str, object]:
    result: dict[str, object] = json.loads(run(PROBE.format(module=module), child_env()).stdout)
    return result


def test_tracer_is_active_and_patches_botocore_only() -> None:
    assert _probe("bookstore.observability") == {
        "disabled": False,
        "patched": ["botocore"],
        "botocore_wrapped": True,
        "loaded": [],
    }


def test_every_handler_is_traced_in_lambda() -> None:
    for module in HANDLERS:
        probe = _probe(module)
        assert probe["disabled"] is False, module
        assert probe["botocore_wrapped"] is True, module
