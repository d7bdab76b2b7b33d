"""The recommendations worker in ApiStack: its stream mapping (bisect, retries, max age, DLQ, filters), the queue."""

from __future__ import annotations

import json

from tests.support.templates import logical_id, of_type, policy_statements, resource

MAPPING = "AWS::Lambda::EventSourceMapping"


def _mapping(stage) -> dict:
    mappings = of_type(stage.template("Api"), MAPPING)
    assert len(mappings) == 1
    return next(iter(mappings.values()))["Properties"]


def test_worker_runs_the_stream_handler_with_its_tables(stage) -> None:
    props = resource(stage.template("Api"), "RecommendationsWorkerHandlerFunction", "AWS::Lambda::Function")[
        "Properties"
    ]
    assert props["Handler"] == "recommendations.handler.lambda_handler"
    env = props["Environment"]["Variables"]
    assert set(env) >= {"PRODUCTS_TABLE_NAME", "RECOMMENDATIONS_TABLE_NAME", "POWERTOOLS_SERVICE_NAME"}
    assert props["TracingConfig"] == {"Mode": "Active"}


def test_mapping_reads_the_orders_stream_with_partial_failures_bisect_bounded_retries_and_age(stage) -> None:
    props = _mapping(stage)
    assert "OrdersTable" in json.dumps(props["EventSourceArn"])
    assert "StreamArn" in json.dumps(props["EventSourceArn"])
    assert props["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert props["BisectBatchOnFunctionError"] is True
    assert props["MaximumRetryAttempts"] == 5
    assert props["MaximumRecordAgeInSeconds"] == 6 * 3600
    assert props["StartingPosition"] == "TRIM_HORIZON"
    assert props["ParallelizationFactor"] == 1
    assert props["BatchSize"] == 100


def test_what_still_fails_goes_to_the_encrypted_dead_letter_queue(stage) -> None:
    template = stage.template("Api")
    queue_id = logical_id(template, "RecommendationsWorkerDeadLetterQueue")
    assert _mapping(stage)["DestinationConfig"] == {"OnFailure": {"Destination": {"Fn::GetAtt": [queue_id, "Arn"]}}}
    queue = template["Resources"][queue_id]["Properties"]
    assert queue["SqsManagedSseEnabled"] is True
    assert queue["MessageRetentionPeriod"] == 14 * 86400
    # TLS only.
    policy = next(iter(of_type(template, "AWS::SQS::QueuePolicy").values()))["Properties"]["PolicyDocument"]
    deny = [s for s in policy["Statement"] if s["Effect"] == "Deny"]
    assert deny[0]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    sends = [s for s in policy_statements(template) if "sqs:SendMessage" in s["Action"]]
    assert sends[0]["Resource"] == {"Fn::GetAtt": [queue_id, "Arn"]}


def test_only_new_cancelled_or_deleted_orders_invoke_the_worker(stage) -> None:
    patterns = [json.loads(f["Pattern"]) for f in _mapping(stage)["FilterCriteria"]["Filters"]]
    assert {p["eventName"][0] for p in patterns} == {"INSERT", "MODIFY", "REMOVE"}
    for pattern in patterns:
        assert pattern["dynamodb"]["Keys"] == {"sk": {"S": [{"prefix": "ORDER#"}]}}
    modify = next(p for p in patterns if p["eventName"] == ["MODIFY"])
    assert modify["dynamodb"]["NewImage"] == {"status": {"S": ["CANCELLED"]}}


def _worker_statements(stage) -> list[dict]:
    template = stage.template("Api")
    statements = []
    for logical, policy in of_type(template, "AWS::IAM::Policy").items():
        if logical.startswith("RecommendationsWorker"):
            statements += policy["Properties"]["PolicyDocument"]["Statement"]
    return statements


def test_worker_may_read_the_stream_write_recommendations_and_only_read_products(stage) -> None:
    by_resource: dict[str, set[str]] = {}
    for statement in _worker_statements(stage):
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        by_resource.setdefault(json.dumps(statement["Resource"]), set()).update(actions)
    stream = next(v for k, v in by_resource.items() if "StreamArn" in k)
    assert stream == {"dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"}
    products = next(v for k, v in by_resource.items() if "ProductsTable" in k)
    assert products == {"dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:DescribeTable"}
    recommendations = next(v for k, v in by_resource.items() if "RecommendationsTable" in k)
    assert {"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:BatchGetItem"} <= recommendations
    assert not any("dynamodb:Scan" in actions for actions in by_resource.values())
    assert "OrdersTable" not in " ".join(k for k in by_resource if "StreamArn" not in k)  # no access to orders
    assert by_resource['"*"'] == {"dynamodb:ListStreams", "xray:PutTraceSegments", "xray:PutTelemetryRecords"}


def test_outputs_name_the_worker_mapping_and_queue(stage) -> None:
    outputs = stage.template("Api")["Outputs"]
    assert {"WorkerFunctionName", "WorkerEventSourceMappingId", "WorkerDeadLetterQueueUrl"} <= set(outputs)
