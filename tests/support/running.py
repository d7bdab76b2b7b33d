"""A store announced as a running `make dev`, as local/dev.py announces itself (local/world/running.py)."""

from __future__ import annotations

import os
from collections.abc import Mapping

from local.world.running import RunningStore


def running_store(
    aws: str,
    *,
    pid: int | None = None,
    lex: str = "http://127.0.0.1:1",
    tables: Mapping[str, str] | None = None,
    user_pool_id: str = "us-east-1_x",
    client_id: str = "c",
    images_bucket: str = "product-images",
    assembly: str = "",
) -> RunningStore:
    """What `make dev` writes for a store whose AWS (moto) is at `aws`; by default this process plays `make dev`."""
    return RunningStore(
        pid=os.getpid() if pid is None else pid,
        stage="dev",
        web="http://127.0.0.1:1/",
        api="http://127.0.0.1:1/v1/",
        lex=lex,
        aws=aws,
        tables=dict(tables or {"UsersTable": "UsersTable"}),
        user_pool_id=user_pool_id,
        client_id=client_id,
        images_bucket=images_bucket,
        assembly=assembly,
        bot_id="BOOKSTORE1",
    )
