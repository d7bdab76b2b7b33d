"""The running `make dev`, found by the other local commands so they use its store instead of starting one.

`make dev` writes .local/running/<stage>.json when it is ready (its pid, endpoints, table names, user pool)
and removes it when it stops. A command attaches when that file names a live process whose AWS endpoint
answers; a stale file (a killed `make dev`) is ignored and removed; a paused one's is ignored and kept.
"""

from __future__ import annotations

import json
import os
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
# BOOKSTORE_RUNNING_DIR moves it (the test suite uses its own, so it never attaches to a developer's make dev).
RUNNING_DIR_VARIABLE = "BOOKSTORE_RUNNING_DIR"


def running_dir() -> Path:
    return Path(os.environ.get(RUNNING_DIR_VARIABLE) or ROOT / ".local" / "running")


@dataclass(frozen=True)
class RunningStore:
    pid: int
    stage: str
    web: str
    api: str
    lex: str
    aws: str
    tables: dict[str, str]
    user_pool_id: str
    client_id: str
    images_bucket: str
    assembly: str
    bot_id: str
    aliases: dict[str, str] = field(default_factory=dict)  # alias name -> id

    def describe(self) -> str:
        return f"the running `make dev` (pid {self.pid}: web {self.web}, AWS {self.aws})"


def state_file(stage: str = "dev", directory: Path | None = None) -> Path:
    return (directory or running_dir()) / f"{stage}.json"


def announce(store: RunningStore, directory: Path | None = None) -> Path:
    """Written by `make dev` once everything is up."""
    path = state_file(store.stage, directory)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".tmp")
    partial.write_text(json.dumps(asdict(store), indent=1))
    partial.replace(path)
    return path


def withdraw(store: RunningStore, directory: Path | None = None) -> None:
    """Removed by `make dev` when it stops (only its own file: another one may have started since)."""
    path = state_file(store.stage, directory)
    try:
        if json.loads(path.read_text()).get("pid") == store.pid:
            path.unlink()
    except (OSError, ValueError):
        pass


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _answers(endpoint: str) -> bool:
    try:
        with urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1):  # noqa: S310 (a local endpoint we wrote)
            return True
    except OSError:
        return False


def find(stage: str = "dev", directory: Path | None = None) -> RunningStore | None:
    """The running `make dev` of `stage`, or None (a stale state file is removed)."""
    path = state_file(stage, directory)
    try:
        data: dict[str, Any] = json.loads(path.read_text())
        store = RunningStore(**data)
    except (OSError, ValueError, TypeError):
        return None
    if not _alive(store.pid):
        path.unlink(missing_ok=True)  # a `make dev` that was killed
        return None
    # Alive but not answering (stopped with Ctrl-Z, or busy): not used now, and its file is kept for when it resumes.
    return store if _answers(store.aws) else None
