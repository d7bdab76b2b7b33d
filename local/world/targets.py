"""Where the operator commands (seed, recommendations rebuild) act: a deployed stage, found by its stack outputs,
or a local stack's endpoint, found by its table names."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any


class TargetError(Exception):
    pass


@dataclass
class Target:
    description: str
    tables: dict[str, str]  # logical name (e.g. OrdersTable) -> table name
    outputs: dict[str, str] = field(default_factory=dict)  # stack outputs of a stage (other than the tables)
    session: Any = None
    endpoint: str | None = None

    def client(self, service: str) -> Any:
        import boto3

        if self.endpoint:
            return boto3.client(
                service,
                endpoint_url=self.endpoint,
                region_name="us-east-1",
                aws_access_key_id="local",
                aws_secret_access_key="local",  # noqa: S106 (a local endpoint accepts any)
            )
        return self.session.client(service)


def _output_name(logical: str) -> str:
    return f"{logical}Name"  # OrdersTable -> OrdersTableName, as DataStack exports them


def stage_target(stage: str, region: str | None, logicals: tuple[str, ...], stacks: tuple[str, ...] = ()) -> Target:
    """Table names from the outputs of Bookstore-<stage>-Data; other outputs from `stacks` (e.g. Api)."""
    import boto3

    session = boto3.session.Session(region_name=region)
    cloudformation = session.client("cloudformation")
    outputs: dict[str, str] = {}
    for component in ("Data", *stacks):
        stack = f"Bookstore-{stage}-{component}"
        described = cloudformation.describe_stacks(StackName=stack)
        outputs.update({o["OutputKey"]: o["OutputValue"] for o in described["Stacks"][0].get("Outputs", [])})
    missing = [_output_name(n) for n in logicals if _output_name(n) not in outputs]
    if missing:
        raise TargetError(
            f"stack Bookstore-{stage}-Data has no output {', '.join(missing)}; deploy the current version first"
        )
    tables = {n: outputs[_output_name(n)] for n in logicals}
    return Target(f"stage {stage}", tables, outputs, session=session)


def endpoint_target(endpoint: str, logicals: tuple[str, ...]) -> Target:
    target = Target(f"the local stack at {endpoint}", {}, endpoint=endpoint)
    names = target.client("dynamodb").list_tables()["TableNames"]
    for logical in logicals:
        matches = [n for n in names if n == logical or logical in n]
        if len(matches) != 1:
            raise TargetError(f"expected one {logical} at {endpoint}, found {matches or 'none'}")
        target.tables[logical] = str(matches[0])
    return target


def batch_write(
    dynamodb: Any,
    table: str,
    requests: list[dict[str, Any]],
    *,
    threads: int = 1,
    on_written: Callable[[int], None] = lambda count: None,
    again: str = "run the command again",
) -> None:
    """BatchWriteItem in chunks of 25 on `threads` threads, retrying unprocessed items with backoff;
    `on_written(count)` after each chunk. A stop (Ctrl-C, an error) cancels the chunks not yet started."""
    lock = threading.Lock()

    def write(chunk: list[dict[str, Any]]) -> None:
        pending: dict[str, Any] = {table: chunk}
        for attempt in range(10):
            pending = dynamodb.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
            if not pending:
                with lock:
                    on_written(len(chunk))
                return
            time.sleep(min(0.05 * 2**attempt, 2.0))
        raise TargetError(f"DynamoDB kept items unprocessed after 10 retries; {again}")

    chunks = [requests[start : start + 25] for start in range(0, len(requests), 25)]
    with ThreadPoolExecutor(max_workers=threads) as pool:
        futures = [pool.submit(write, chunk) for chunk in chunks]
        try:
            for future in futures:
                future.result()
        except BaseException:
            for future in futures:
                future.cancel()
            raise
