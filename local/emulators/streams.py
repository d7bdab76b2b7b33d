"""DynamoDB streams on the local stack: read a table's stream like Lambda's event source mapping does and
hand the records, in Lambda's event shape, to a handler running in this process."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

log = logging.getLogger("local.emulators.streams")
BATCH_SIZE = 100
MAX_ATTEMPTS = 3


def lambda_record(record: dict[str, Any], stream_arn: str) -> dict[str, Any]:
    """A GetRecords record as Lambda delivers it: epoch-second timestamps and the stream's ARN."""
    body = dict(record["dynamodb"])
    created = body.get("ApproximateCreationDateTime")
    if isinstance(created, datetime):
        body["ApproximateCreationDateTime"] = created.timestamp()
    return {**record, "dynamodb": body, "eventSourceARN": stream_arn}


class StreamReader:
    """Every shard of one stream, in order: from its start (TRIM_HORIZON), or from now on (LATEST) when what
    is already in the table has been accounted for (a local stack restored from a saved state)."""

    def __init__(self, streams: Any, stream_arn: str, *, start: str = "TRIM_HORIZON") -> None:
        self.streams = streams
        self.stream_arn = stream_arn
        self.start = start
        self._iterators: dict[str, str | None] = {}

    def read(self, limit: int = BATCH_SIZE) -> list[dict[str, Any]]:
        description = self.streams.describe_stream(StreamArn=self.stream_arn)["StreamDescription"]
        for shard in description.get("Shards", []):
            if shard["ShardId"] not in self._iterators:
                self._iterators[shard["ShardId"]] = self.streams.get_shard_iterator(
                    StreamArn=self.stream_arn, ShardId=shard["ShardId"], ShardIteratorType=self.start
                )["ShardIterator"]
        records: list[dict[str, Any]] = []
        for shard_id, iterator in self._iterators.items():
            if iterator is None or len(records) >= limit:
                continue
            response = self.streams.get_records(ShardIterator=iterator, Limit=limit - len(records))
            self._iterators[shard_id] = response.get("NextShardIterator")
            records += [lambda_record(r, self.stream_arn) for r in response.get("Records", [])]
        return records


def deliver(records: list[dict[str, Any]], handler: Callable[[dict[str, Any]], dict[str, Any]]) -> list[dict[str, Any]]:
    """Invoke `handler` as the event source mapping would (partial batch responses, retry from the first
    failed record). Returns the records that still failed after MAX_ATTEMPTS (the mapping's dead letters)."""
    pending = records
    for _ in range(MAX_ATTEMPTS):
        if not pending:
            return []
        try:
            response = handler({"Records": pending})
        except Exception:  # a failed invocation retries the whole batch, as Lambda does
            log.exception("The stream handler failed; retrying the batch")
            continue
        failures = [f["itemIdentifier"] for f in response.get("batchItemFailures", [])]
        if not failures:
            return []
        numbers = [r["dynamodb"]["SequenceNumber"] for r in pending]
        first = min(numbers.index(f) for f in failures if f in numbers)
        pending = pending[first:]
    return pending


class StreamWorker:
    """A background thread that feeds a table's stream to a handler, like the deployed event source mapping."""

    def __init__(
        self,
        reader: StreamReader,
        handler: Callable[[dict[str, Any]], dict[str, Any]],
        interval: float = 0.3,
    ) -> None:
        self.reader = reader
        self.handler = handler
        self.interval = interval
        self.dead_letters: list[dict[str, Any]] = []
        self._stop = threading.Event()
        self._idle = threading.Event()
        self._thread = threading.Thread(target=self._run, name="stream-worker", daemon=True)

    def start(self) -> StreamWorker:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def drain(self, timeout: float = 10.0) -> None:
        """Wait until everything in the stream so far has been delivered."""
        self._idle.clear()
        if not self._idle.wait(timeout):
            raise TimeoutError("the stream worker did not catch up")

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                records = self.reader.read()
            except Exception:  # the local endpoint is going away, or hiccuped: try again
                log.debug("Reading the stream failed", exc_info=True)
                records = []
            if records:
                failed = deliver(records, self.handler)
                for record in failed:
                    log.error("Stream record failed after retries: %s", record["dynamodb"]["SequenceNumber"])
                self.dead_letters += failed
                continue
            self._idle.set()
            self._stop.wait(self.interval)
