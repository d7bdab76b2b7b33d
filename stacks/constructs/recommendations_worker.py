"""The recommendation engine's write side: a worker on the orders table's stream and its dead-letter queue
(part of ApiStack: the worker is code over the Data stack's tables, deployed with the API's functions)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aws_cdk import Acknowledgment, CfnOutput, Duration, ReferenceStrength, Stack, Validations
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from stacks.config import StageConfig
from stacks.constructs.function import BookstoreFunctionConstruct
from stacks.permissions import grant_table

# Output keys read by `python -m local.recommendations rebuild --stage` and the tests.
OUTPUT_WORKER_FUNCTION = "WorkerFunctionName"
OUTPUT_EVENT_SOURCE_MAPPING = "WorkerEventSourceMappingId"
OUTPUT_DEAD_LETTER_QUEUE = "WorkerDeadLetterQueueUrl"

BATCH_SIZE = 100
BATCHING_WINDOW = Duration.seconds(2)
RETRY_ATTEMPTS = 5
MAX_RECORD_AGE = Duration.hours(6)


def order_event_filters() -> list[Mapping[str, Any]]:
    """Only what changes the model reaches the worker: new orders, cancellations and deletions of orders."""
    order_keys = {"Keys": {"sk": {"S": lambda_.FilterRule.begins_with("ORDER#")}}}
    return [
        lambda_.FilterCriteria.filter({"eventName": lambda_.FilterRule.is_equal("INSERT"), "dynamodb": order_keys}),
        lambda_.FilterCriteria.filter(
            {
                "eventName": lambda_.FilterRule.is_equal("MODIFY"),
                "dynamodb": {**order_keys, "NewImage": {"status": {"S": lambda_.FilterRule.is_equal("CANCELLED")}}},
            }
        ),
        lambda_.FilterCriteria.filter({"eventName": lambda_.FilterRule.is_equal("REMOVE"), "dynamodb": order_keys}),
    ]


class RecommendationsWorker(Construct):
    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        config: StageConfig,
        orders_table: dynamodb.ITableV2,
        products_table: dynamodb.ITableV2,
        recommendations_table: dynamodb.ITableV2,
    ) -> None:
        super().__init__(scope, id_)
        assert orders_table.table_stream_arn is not None, "the orders table must have a stream"
        # The stream ARN changes whenever the stream is turned off and on (a new label): read it with
        # Fn::GetStackOutput, so the Data stack can make that change while this stack uses the stream.
        stream_arn = Stack.consume_reference(orders_table.table_stream_arn, ReferenceStrength.WEAK)

        self.worker = self._build_worker(config, products_table, recommendations_table)
        list_streams = self._grant_tables_and_stream(stream_arn, products_table, recommendations_table)
        self.dead_letter_queue = self._build_dead_letter_queue()
        self.mapping = self._build_mapping(stream_arn, list_streams)
        self._add_outputs()

    def _build_worker(
        self, config: StageConfig, products_table: dynamodb.ITableV2, recommendations_table: dynamodb.ITableV2
    ) -> BookstoreFunctionConstruct:
        return BookstoreFunctionConstruct(
            self,
            "Handler",
            handler="recommendations.handler.lambda_handler",
            service="recommendations",
            description="Learns co-purchases, similar books and bestsellers from the orders table's stream",
            settings=config.function_settings,
            environment={
                "PRODUCTS_TABLE_NAME": products_table.table_name,
                "RECOMMENDATIONS_TABLE_NAME": recommendations_table.table_name,
            },
            timeout=Duration.seconds(120),
            memory_size=512,
        )

    def _grant_tables_and_stream(
        self, stream_arn: str, products_table: dynamodb.ITableV2, recommendations_table: dynamodb.ITableV2
    ) -> iam.Policy:
        function = self.worker.function
        grant_table(function, recommendations_table, write=True)
        grant_table(function, products_table, write=False)
        # What the event source mapping needs to read the stream, on this stream only.
        function.add_to_role_policy(
            iam.PolicyStatement(
                actions=["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"],
                resources=[stream_arn],
            )
        )
        list_streams = iam.Policy(
            self,
            "ListStreamsPolicy",
            statements=[iam.PolicyStatement(actions=["dynamodb:ListStreams"], resources=["*"])],
        )
        list_streams.attach_to_role(self.worker.role)
        Validations.of(list_streams).acknowledge(
            Acknowledgment(
                id="AwsSolutions-IAM5[Resource::*]",
                reason="The Lambda event source mapping needs dynamodb:ListStreams, which lists the account's "
                "stream ARNs and is granted on * (as in AWSLambdaDynamoDBExecutionRole); reading records is "
                "granted on the orders table's stream only.",
            )
        )
        return list_streams

    def _build_dead_letter_queue(self) -> sqs.Queue:
        # Where the positions of records that still fail after the retries go (the records stay readable in
        # the stream for 24 hours; docs/operations.md says how to replay them or rebuild).
        queue = sqs.Queue(
            self,
            "DeadLetterQueue",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=Duration.days(14),
        )
        Validations.of(queue).acknowledge(
            Acknowledgment(
                id="AwsSolutions-SQS3",
                reason="This queue is itself the failure destination of the worker's stream mapping; nothing "
                "consumes it automatically, so a dead-letter queue behind it would never receive anything.",
            )
        )
        return queue

    def _build_mapping(self, stream_arn: str, list_streams: iam.Policy) -> lambda_.EventSourceMapping:
        mapping = lambda_.EventSourceMapping(
            self,
            "OrdersStream",
            target=self.worker.function,
            event_source_arn=stream_arn,
            starting_position=lambda_.StartingPosition.TRIM_HORIZON,
            batch_size=BATCH_SIZE,
            max_batching_window=BATCHING_WINDOW,
            bisect_batch_on_error=True,
            retry_attempts=RETRY_ATTEMPTS,
            max_record_age=MAX_RECORD_AGE,
            parallelization_factor=1,  # one batch per shard at a time: an order's events stay in order
            report_batch_item_failures=True,
            on_failure=sources.SqsDlq(self.dead_letter_queue),
            filters=order_event_filters(),
        )
        # The mapping validates its permissions on create. It names the function, which already waits for the
        # role's default policy; the ListStreams policy stands apart, so wait for it too.
        mapping.node.add_dependency(list_streams)
        return mapping

    def _add_outputs(self) -> None:
        stack = Stack.of(self)
        CfnOutput(stack, OUTPUT_WORKER_FUNCTION, value=self.worker.function.function_name)
        CfnOutput(stack, OUTPUT_EVENT_SOURCE_MAPPING, value=self.mapping.event_source_mapping_id)
        CfnOutput(stack, OUTPUT_DEAD_LETTER_QUEUE, value=self.dead_letter_queue.queue_url)
