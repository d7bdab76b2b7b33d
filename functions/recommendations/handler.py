"""Recommendations worker: learns from the orders table's stream (see bookstore.recommendations.engine).

Each record is applied exactly once; a record that fails is reported back as a partial batch failure, so the
event source mapping retries from it (bisecting the batch, bounded retries and record age) and finally sends
its position in the stream to the dead-letter queue. Records before it are never applied twice.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from bookstore.env import RecommendationsWorkerEnv
from bookstore.observability import logger, metrics, tracer
from bookstore.recommendations.engine import RecommendationEngine
from bookstore.recommendations.store import RecommendationRepository
from bookstore.repositories.products import ProductRepository

ENV = RecommendationsWorkerEnv.load()
ENGINE = RecommendationEngine(
    RecommendationRepository(ENV.recommendations_table_name), ProductRepository(ENV.products_table_name)
)
processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
@tracer.capture_lambda_handler(capture_response=False)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    records: list[dict[str, Any]] = event.get("Records") or []
    batch = ENGINE.batch()
    batch.prefetch(DynamoDBRecord(record) for record in records)
    # The processor hands each record to batch.record as a DynamoDBRecord; one that raises fails alone.
    with processor(records, batch.record, context):
        processor.process()
    # Only after the counts: refresh the lists of every book the batch touched (idempotent; a failure here
    # fails the invocation and the whole batch is retried, its records then being no-ops).
    batch.refresh()
    batch.record_metrics()
    response = processor.response()
    failed = len(response.get("batchItemFailures", []))
    tracer.put_annotation("outcome", "partial" if failed else "ok")
    logger.info(
        "Batch learned",
        extra={"records": len(records), "applied": batch.applied, "skipped": batch.skipped, "failed": failed},
    )
    return response
