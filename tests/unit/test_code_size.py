"""Code a maintainer can read at once: no module over 400 lines and no function over 100 in the product's code
(docs/contributing.md#the-gates). Complexity has its own gate: ruff's C901 at 10 (pyproject.toml)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHECKED = ("functions", "stacks", "local", "bot")
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 100


def _modules() -> list[Path]:
    found = [p for folder in CHECKED for p in (ROOT / folder).rglob("*.py") if "__pycache__" not in p.parts]
    return sorted([*found, ROOT / "app.py"])


def _long_functions(path: Path, root: Path = ROOT) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    return [
        f"{path.relative_to(root)}:{node.lineno} {node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]


def test_the_checked_folders_hold_the_code() -> None:
    # Given the folders the limits apply to, when they are listed, then they hold the product's modules.
    modules = _modules()
    assert len(modules) > 100
    assert ROOT / "functions" / "api" / "app.py" in modules


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_is_over_400_lines(path: Path) -> None:
    lines = len(path.read_text().splitlines())
    assert lines <= MAX_MODULE_LINES, f"{path.relative_to(ROOT)} has {lines} lines: split it along its seams"


def test_no_function_is_over_100_lines() -> None:
    long = [found for path in _modules() for found in _long_functions(path)]
    assert not long, "split these into named steps: " + ", ".join(long)


def test_a_long_function_is_found(tmp_path: Path) -> None:
    # Given a module with a 101-line function and one with 100 lines
    body = "\n".join(f"    x{i} = {i}" for i in range(100))
    sample = tmp_path / "sample.py"
    sample.write_text(f"def long():\n{body}\n\n\ndef fits():\n{body[: body.rindex(chr(10))]}\n")
    # When it is measured, then only the long one is reported
    assert _long_functions(sample, tmp_path) == ["sample.py:1 long (101 lines)"]
