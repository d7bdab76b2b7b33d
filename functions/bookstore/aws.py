"""Cached boto3 clients: one per cold start, created on first use. Tests call `clear_clients()`."""

from __future__ import annotations

from functools import cache
from typing import Any

import boto3
from botocore.config import Config

_CONFIG = Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=2, read_timeout=5)


@cache
def client(service: str) -> Any:
    return boto3.client(service, config=_CONFIG)


def clear_clients() -> None:
    client.cache_clear()
