"""MonitoringStack: a dashboard per stage, every alarm (metric, threshold, action, runbook), the encrypted topic,
and tracing on every function and on the API stage."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.infrastructure.conftest import masked
from tests.infrastructure.test_functions import CDK_INTERNAL_PREFIXES
from tests.support.templates import of_type

ALARM = "AWS::CloudWatch::Alarm"
OPERATIONS = Path(__file__).resolve().parents[2] / "docs" / "operations.md"
FUNCTIONS = ("Api", "Chat", "BotFulfillment", "PostConfirmation", "RecommendationsWorker")
TABLES = ("Users", "Products", "Orders", "Recommendations", "Idempotency")


def _alarms(stage) -> dict[str, dict]:
    prefix = f"Bookstore-{stage.config.name}-"
    alarms = {}
    for alarm in of_type(stage.template("Monitoring"), ALARM).values():
        props = alarm["Properties"]
        alarms[props["AlarmName"].removeprefix(prefix)] = props
    return alarms


def _metric_names(props: dict) -> set[str]:
    if "MetricName" in props:
        return {props["MetricName"]}
    return {m["MetricStat"]["Metric"]["MetricName"] for m in props["Metrics"] if "MetricStat" in m}


def _topic_ref(stage) -> dict:
    topics = of_type(stage.template("Monitoring"), "AWS::SNS::Topic")
    assert len(topics) == 1
    return {"Ref": next(iter(topics))}


def test_one_dashboard_per_stage(stage) -> None:
    dashboards = of_type(stage.template("Monitoring"), "AWS::CloudWatch::Dashboard")
    assert len(dashboards) == 1
    props = next(iter(dashboards.values()))["Properties"]
    assert props["DashboardName"] == f"Bookstore-{stage.config.name}"
    body = json.dumps(props["DashboardBody"])
    for shown in ("TPS", "4XXError", "5XXError", "Latency", "p50", "p90", "p99", "Invocations", "Throttles", "ConcurrentExecutions", "ConsumedReadCapacityUnits",
                  "ReadThrottleEvents", "WriteThrottleEvents", "SystemErrors", "RuntimeRequestCount", "RuntimeSuccessfulRequestLatency",
                  "MissedUtteranceCount", "UsersRegistered", "OrdersPlaced", "OrderValue", "ChatTurns",
                  "FallbackTurns", "StaffIntentRefused"):  # fmt: skip
        assert shown in body, shown


def test_every_alarm_notifies_the_topic_and_names_its_runbook_section(stage) -> None:
    anchors = set(re.findall(r'<a id="([a-z0-9-]+)"></a>', OPERATIONS.read_text()))
    topic = _topic_ref(stage)
    for name, props in _alarms(stage).items():
        assert props["AlarmActions"] == [topic], name
        runbook = re.search(r"Runbook: docs/operations\.md#([a-z0-9-]+)", props["AlarmDescription"])
        assert runbook, name
        assert runbook.group(1) in anchors, f"{name}: no section {runbook.group(1)} in docs/operations.md"


def test_api_alarms(stage) -> None:
    alarms = _alarms(stage)
    fault = alarms["RestApi-Fault-Rate-Critical"]
    assert _metric_names(fault) == {"5XXError"}
    assert (fault["Threshold"], fault["ComparisonOperator"]) == (0.01, "GreaterThanThreshold")
    latency = alarms["RestApi-Latency-P99-Warning"]
    assert _metric_names(latency) == {"Latency"}
    assert latency["Threshold"] == 3000


@pytest.mark.parametrize("function", FUNCTIONS)
def test_each_function_has_error_rate_p99_and_throttle_alarms(stage, function) -> None:
    alarms = _alarms(stage)
    assert _metric_names(alarms[f"{function}-Fault-Rate-Critical"]) >= {"Errors"}
    assert alarms[f"{function}-Fault-Rate-Critical"]["Threshold"] == 0.02
    p99 = alarms[f"{function}-Latency-P99-Warning"]
    assert _metric_names(p99) == {"Duration"}
    assert p99.get("ExtendedStatistic", json.dumps(p99)).count("p99") >= 1
    throttles = alarms[f"{function}-Throttled-Count-Warning"]
    assert (_metric_names(throttles), throttles["Threshold"]) == ({"Throttles"}, 0)


def test_p99_duration_alarms_sit_at_80_percent_of_each_timeout(stage) -> None:
    alarms = _alarms(stage)
    expected = {"Api": 8000, "Chat": 20000, "BotFulfillment": 12000, "PostConfirmation": 4000,
                "RecommendationsWorker": 96000}  # fmt: skip
    assert {f: alarms[f"{f}-Latency-P99-Warning"]["Threshold"] for f in FUNCTIONS} == expected


def test_worker_falling_behind_and_dead_letters_alarm(stage) -> None:
    alarms = _alarms(stage)
    age = alarms["RecommendationsWorker-Iterator-Age-Max-Warning"]
    assert (_metric_names(age), age["Threshold"]) == ({"IteratorAge"}, 15 * 60 * 1000)
    dlq = alarms["WorkerDLQ-Queue-Message-Count-Max-Critical"]
    assert _metric_names(dlq) == {"ApproximateNumberOfMessagesVisible"}
    assert (dlq["Threshold"], dlq["ComparisonOperator"]) == (0, "GreaterThanThreshold")
    assert (dlq["EvaluationPeriods"], dlq["DatapointsToAlarm"]) == (1, 1)  # the first dead letter alarms
    assert "RecommendationsWorkerDeadLetterQueue" in json.dumps(dlq["Metrics"])


@pytest.mark.parametrize("table", TABLES)
def test_each_table_has_throttle_and_system_error_alarms(stage, table) -> None:
    alarms = _alarms(stage)
    for kind in ("Read-Throttled-Events-Warning", "Write-Throttled-Events-Warning", "SystemError-Count-Warning"):
        assert alarms[f"{table}-{kind}"]["Threshold"] == 0, kind
    assert "SystemErrors" in json.dumps(alarms[f"{table}-SystemError-Count-Warning"])


def test_bot_fallback_rate_alarm_divides_fallback_turns_by_recognize_text_requests(stage) -> None:
    props = _alarms(stage)["Bot-FallbackRate-Warning"]
    assert _metric_names(props) == {"RuntimeRequestCount", "FallbackTurns"}
    expression = next(m["Expression"] for m in props["Metrics"] if "Expression" in m)
    assert "fallback" in expression
    assert "/ requests" in expression
    assert (props["Threshold"], props["ComparisonOperator"]) == (0.25, "GreaterThanThreshold")
    assert (props["EvaluationPeriods"], props["DatapointsToAlarm"]) == (1, 1)
    lex = next(m["MetricStat"]["Metric"] for m in props["Metrics"] if m.get("Id") == "requests")
    assert {d["Name"] for d in lex["Dimensions"]} == {"BotId", "BotAliasId", "LocaleId", "Operation"}


def test_no_orders_alarm_only_in_prod(stage) -> None:
    alarms = _alarms(stage)
    if not stage.config.is_production:
        assert "Business-NoOrders-Critical" not in alarms
        return
    props = alarms["Business-NoOrders-Critical"]
    assert _metric_names(props) == {"OrdersPlaced"}
    assert (props["Threshold"], props["ComparisonOperator"]) == (1, "LessThanThreshold")
    assert props["TreatMissingData"] == "breaching"
    assert (props["EvaluationPeriods"], props["DatapointsToAlarm"]) == (1, 1)
    assert all(m["MetricStat"]["Period"] == 6 * 3600 for m in props["Metrics"] if "MetricStat" in m)


def test_alarm_topic_is_encrypted_tls_only_and_subscribed_only_when_an_email_is_set(stage) -> None:
    template = stage.template("Monitoring")
    topic = next(iter(of_type(template, "AWS::SNS::Topic").values()))["Properties"]
    assert "KmsMasterKeyId" in topic
    policy = next(iter(of_type(template, "AWS::SNS::TopicPolicy").values()))["Properties"]["PolicyDocument"]
    assert any(s["Effect"] == "Deny" and "aws:SecureTransport" in json.dumps(s) for s in policy["Statement"])
    key = next(iter(of_type(template, "AWS::KMS::Key").values()))["Properties"]
    assert key["EnableKeyRotation"] is True
    assert "cloudwatch.amazonaws.com" in json.dumps(key["KeyPolicy"])
    subscribed = [s["Properties"]["Endpoint"] for s in of_type(template, "AWS::SNS::Subscription").values()]
    assert subscribed == ([stage.config.alarm_email] if stage.config.alarm_email else [])  # prod requires one


def test_an_alarm_email_subscribes_to_the_topic(tmp_path) -> None:
    from stacks.app import build_app
    from tests.support.synth import new_app

    app, config = new_app("dev", tmp_path, alarmEmail="ops@example.com")
    build_app(app, config)
    template = next(s.template for s in app.synth().stacks if s.stack_name.endswith("Monitoring"))
    subscriptions = of_type(template, "AWS::SNS::Subscription")
    assert [s["Properties"]["Endpoint"] for s in subscriptions.values()] == ["ops@example.com"]
    assert [s["Properties"]["Protocol"] for s in subscriptions.values()] == ["email"]


def test_every_function_and_the_api_stage_are_traced(stage) -> None:
    functions = [
        f["Properties"] for t in stage.templates.values() for k, f in of_type(t, "AWS::Lambda::Function").items()
        if not k.startswith(CDK_INTERNAL_PREFIXES)
    ]  # fmt: skip
    assert len(functions) == 6  # API, chat, fulfillment, pre-sign-up, post-confirmation, recommendations worker
    assert all(f["TracingConfig"] == {"Mode": "Active"} for f in functions)
    stages = of_type(stage.template("Api"), "AWS::ApiGateway::Stage")
    assert [s["Properties"]["TracingEnabled"] for s in stages.values()] == [True]


def test_monitoring_stack_matches_snapshot(stage, snapshot_json) -> None:
    assert masked(stage.template("Monitoring")) == snapshot_json
