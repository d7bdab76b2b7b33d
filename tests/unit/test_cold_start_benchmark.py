"""benchmarks.cold_start measures every function the stacks deploy."""

from __future__ import annotations

import re
from pathlib import Path

from benchmarks.cold_start import HANDLERS

STACKS = Path(__file__).resolve().parents[2] / "stacks"


def test_benchmark_covers_every_handler_in_the_stacks() -> None:
    deployed = {
        match.group(1)
        for source in STACKS.rglob("*.py")
        for match in re.finditer(r'handler="([\w.]+)\.lambda_handler"', source.read_text())
    }
    assert deployed == set(HANDLERS)
