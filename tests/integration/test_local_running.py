"""How the other local commands find a running `make dev`: its state file, a live process, an AWS that answers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from moto.server import ThreadedMotoServer

from local.world import running
from tests.support.running import running_store


def _store(endpoint: str, pid: int) -> running.RunningStore:
    return running_store(endpoint, pid=pid)


@pytest.fixture(scope="module")
def moto_endpoint() -> Any:
    server = ThreadedMotoServer(port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def test_a_running_store_is_found_and_withdrawn(tmp_path: Path, moto_endpoint: str) -> None:
    store = _store(moto_endpoint, os.getpid())
    running.announce(store, tmp_path)
    assert running.find("dev", tmp_path) == store
    running.withdraw(store, tmp_path)
    assert running.find("dev", tmp_path) is None


def test_a_dead_make_dev_is_ignored_and_its_file_removed(tmp_path: Path, moto_endpoint: str) -> None:
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    running.announce(_store(moto_endpoint, int(finished.stdout)), tmp_path)
    assert running.find("dev", tmp_path) is None
    assert not running.state_file("dev", tmp_path).exists()


def test_a_live_store_whose_aws_does_not_answer_is_ignored_and_kept(tmp_path: Path) -> None:
    """A `make dev` paused with Ctrl-Z: not used while it cannot answer, announced again once it resumes."""
    running.announce(_store("http://127.0.0.1:9", os.getpid()), tmp_path)
    assert running.find("dev", tmp_path) is None
    assert running.state_file("dev", tmp_path).exists()


def test_withdraw_leaves_another_make_devs_file(tmp_path: Path, moto_endpoint: str) -> None:
    mine, other = _store(moto_endpoint, os.getpid()), _store(moto_endpoint, os.getppid())
    running.announce(other, tmp_path)
    running.withdraw(mine, tmp_path)
    assert running.state_file("dev", tmp_path).exists()


def test_a_garbled_state_file_is_ignored(tmp_path: Path) -> None:
    running.state_file("dev", tmp_path).parent.mkdir(parents=True, exist_ok=True)
    running.state_file("dev", tmp_path).write_text("{not json")
    assert running.find("dev", tmp_path) is None
