"""One dashboard and the alarms of a stage, built with cdk-monitoring-constructs; alarms go to an encrypted SNS
topic (an email subscription when StageConfig has an alarm email). Every alarm's description names its runbook
section in docs/operations.md."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from aws_cdk import CfnOutput, CrossStackReferences, Duration, ReferenceStrength, Stack
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from cdk_monitoring_constructs import (
    AlarmFactoryDefaults,
    CustomMetricGroup,
    CustomMetricWithAlarm,
    CustomThreshold,
    DefaultDashboardFactory,
    ErrorCountThreshold,
    ErrorRateThreshold,
    LatencyThreshold,
    MaxAgeThreshold,
    MaxMessageCountThreshold,
    MetricFactoryDefaults,
    MonitoringFacade,
    SnsAlarmActionStrategy,
    ThrottledEventsThreshold,
)
from constructs import Construct

from stacks.config import StageConfig
from stacks.constructs.function import METRICS_NAMESPACE
from stacks.permissions import any_in_account

RUNBOOK = "docs/operations.md#"
OUTPUT_ALARM_TOPIC = "AlarmTopicArn"
OUTPUT_DASHBOARD = "DashboardName"

# Thresholds (documented with their runbooks in docs/operations.md).
API_5XX_RATE = 0.01  # 1% of requests (the metric is the average of 5XXError, 0 to 1)
API_P99_LATENCY = Duration.seconds(3)
FUNCTION_ERROR_RATE = 0.02  # 2% of invocations
FUNCTION_P99_SHARE_OF_TIMEOUT = 0.8  # p99 duration above 80% of the function's timeout
WORKER_ITERATOR_AGE = Duration.minutes(15)
BOT_FALLBACK_RATE = 0.25  # a quarter of the turns end in the fallback intent
BOT_MIN_TURNS = 20  # below this many turns in the period, the rate says nothing
QUIET_HOURS_WITHOUT_ORDERS = 6  # prod only
PERIOD = Duration.minutes(5)


@dataclass(frozen=True)
class MonitoredFunction:
    name: str  # as shown on the dashboard
    function: lambda_.IFunction
    timeout: Duration
    is_stream_worker: bool = False


def _runbook(section: str) -> str:
    return RUNBOOK + section


def business_metric(name: str, service: str, statistic: str = "Sum") -> cloudwatch.Metric:
    """A Powertools metric: namespace Bookstore, dimension service (low cardinality)."""
    return cloudwatch.Metric(
        namespace=METRICS_NAMESPACE,
        metric_name=name,
        dimensions_map={"service": service},
        statistic=statistic,
        period=PERIOD,
    )


def summed(
    label: str, *metrics: cloudwatch.Metric, period: Duration = PERIOD
) -> cloudwatch.Metric | cloudwatch.MathExpression:
    """One line for a metric emitted by several services (e.g. orders placed by the API and by the bot)."""
    if len(metrics) == 1:
        return metrics[0].with_(label=label, period=period)
    names = {f"m{i}": m.with_(period=period) for i, m in enumerate(metrics)}
    return cloudwatch.MathExpression(
        expression=" + ".join(f"FILL({k}, 0)" for k in names), using_metrics=names, label=label, period=period
    )


class MonitoringStack(Stack):
    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        config: StageConfig,
        api: apigw.IRestApi,
        api_stage: str,
        functions: Sequence[MonitoredFunction],
        tables: Sequence[tuple[str, dynamodb.ITableV2]],
        dead_letter_queue: sqs.IQueue,
        bot_id: str,
        bot_alias_id: str,
        bot_locale_id: str,
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, id_, **kwargs)
        # Watching a resource must never block changing it: every value read from the watched stacks (function
        # names change when a function is replaced) comes through Fn::GetStackOutput, not an export.
        CrossStackReferences.of(self).consume(ReferenceStrength.WEAK)
        prefix = config.stack_name("")[:-1]  # Bookstore-<stage>

        self.alarm_topic = self._build_alarm_topic(config, prefix)
        facade = self._build_facade(prefix)
        self._monitor_api(facade, api, api_stage)
        self._monitor_functions(facade, functions)
        self._monitor_tables(facade, tables)
        self._monitor_dead_letter_queue(facade, dead_letter_queue)
        self._monitor_bot(facade, bot_id, bot_alias_id, bot_locale_id)
        self._monitor_business(facade, config)

        CfnOutput(self, OUTPUT_ALARM_TOPIC, value=self.alarm_topic.topic_arn)
        CfnOutput(self, OUTPUT_DASHBOARD, value=f"{prefix}")

    def _build_alarm_topic(self, config: StageConfig, prefix: str) -> sns.Topic:
        key = kms.Key(
            self,
            "AlarmTopicKey",
            description=f"Encrypts the {prefix} alarm topic",
            enable_key_rotation=True,
            removal_policy=config.removal_policy,
        )
        # CloudWatch publishes alarm notifications to the encrypted topic.
        key.add_to_resource_policy(
            iam.PolicyStatement(
                principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
                actions=["kms:Decrypt", "kms:GenerateDataKey*"],
                resources=["*"],  # in a key policy, "*" is this key
                conditions={"StringEquals": {"aws:SourceAccount": self.account}},
            )
        )
        topic = sns.Topic(self, "AlarmTopic", display_name=f"{prefix} alarms", master_key=key, enforce_ssl=True)
        # enforce_ssl gives the topic a policy of its own, which replaces SNS's default one: CloudWatch (a service
        # principal) may publish only if that policy says so, for this account's alarms.
        topic.add_to_resource_policy(
            iam.PolicyStatement(
                sid="AllowCloudWatchAlarmsOfThisAccount",
                principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
                actions=["sns:Publish"],
                resources=[topic.topic_arn],
                conditions={
                    "ArnLike": {"aws:SourceArn": any_in_account(self, "cloudwatch", "alarm")},
                    "StringEquals": {"aws:SourceAccount": self.account},
                },
            )
        )
        if config.alarm_email:
            topic.add_subscription(subscriptions.EmailSubscription(config.alarm_email))
        return topic

    def _build_facade(self, prefix: str) -> MonitoringFacade:
        self.dashboards = DefaultDashboardFactory(
            self,
            "Dashboards",
            dashboard_name_prefix=prefix,
            create_dashboard=True,
            create_summary_dashboard=False,
            create_alarm_dashboard=False,
        )
        return MonitoringFacade(
            self,
            "Monitoring",
            alarm_factory_defaults=AlarmFactoryDefaults(
                alarm_name_prefix=prefix,
                actions_enabled=True,
                action=SnsAlarmActionStrategy(on_alarm_topic=self.alarm_topic),
            ),
            metric_factory_defaults=MetricFactoryDefaults(namespace=METRICS_NAMESPACE),
            dashboard_factory=self.dashboards,
        )

    @staticmethod
    def _monitor_api(facade: MonitoringFacade, api: apigw.IRestApi, api_stage: str) -> None:
        facade.monitor_api_gateway(
            api=api,
            api_stage=api_stage,
            human_readable_name="REST API",
            alarm_friendly_name="RestApi",
            add5_xx_fault_rate_alarm={
                "Critical": ErrorRateThreshold(max_error_rate=API_5XX_RATE, runbook_link=_runbook("alarm-api-5xx-rate"))
            },
            add_latency_p99_alarm={
                "Warning": LatencyThreshold(max_latency=API_P99_LATENCY, runbook_link=_runbook("alarm-api-p99-latency"))
            },
        )

    @staticmethod
    def _monitor_functions(facade: MonitoringFacade, functions: Sequence[MonitoredFunction]) -> None:
        for monitored in functions:
            p99_limit = Duration.millis(int(monitored.timeout.to_milliseconds() * FUNCTION_P99_SHARE_OF_TIMEOUT))
            extra: dict[str, Any] = {}
            if monitored.is_stream_worker:
                extra["is_iterator"] = True
                extra["add_max_iterator_age_alarm"] = {
                    "Warning": MaxAgeThreshold(
                        max_age_in_millis=WORKER_ITERATOR_AGE.to_milliseconds(),
                        runbook_link=_runbook("alarm-worker-behind"),
                    )
                }
            facade.monitor_lambda_function(
                lambda_function=monitored.function,
                human_readable_name=f"{monitored.name} function",
                alarm_friendly_name=monitored.name,
                add_fault_rate_alarm={
                    "Critical": ErrorRateThreshold(
                        max_error_rate=FUNCTION_ERROR_RATE, runbook_link=_runbook("alarm-function-error-rate")
                    )
                },
                add_latency_p99_alarm={
                    "Warning": LatencyThreshold(
                        max_latency=p99_limit, runbook_link=_runbook("alarm-function-p99-duration")
                    )
                },
                add_throttles_count_alarm={
                    "Warning": ErrorCountThreshold(max_error_count=0, runbook_link=_runbook("alarm-function-throttles"))
                },
                **extra,
            )

    @staticmethod
    def _monitor_tables(facade: MonitoringFacade, tables: Sequence[tuple[str, dynamodb.ITableV2]]) -> None:
        for name, table in tables:
            facade.monitor_dynamo_table(
                table=table,
                human_readable_name=f"{name} table",
                alarm_friendly_name=name,
                add_read_throttled_events_count_alarm={
                    "Warning": ThrottledEventsThreshold(
                        max_throttled_events_threshold=0, runbook_link=_runbook("alarm-table-throttles")
                    )
                },
                add_write_throttled_events_count_alarm={
                    "Warning": ThrottledEventsThreshold(
                        max_throttled_events_threshold=0, runbook_link=_runbook("alarm-table-throttles")
                    )
                },
                add_system_error_count_alarm={
                    "Warning": ErrorCountThreshold(
                        max_error_count=0, runbook_link=_runbook("alarm-table-system-errors")
                    )
                },
            )

    @staticmethod
    def _monitor_dead_letter_queue(facade: MonitoringFacade, dead_letter_queue: sqs.IQueue) -> None:
        facade.monitor_sqs_queue(
            queue=dead_letter_queue,
            human_readable_name="Recommendations worker dead-letter queue",
            alarm_friendly_name="WorkerDLQ",
            add_queue_max_size_alarm={
                "Critical": MaxMessageCountThreshold(
                    max_message_count=0,
                    evaluation_periods=1,
                    datapoints_to_alarm=1,
                    runbook_link=_runbook("alarm-dead-letter-queue"),
                )
            },
        )

    def _monitor_bot(self, facade: MonitoringFacade, bot_id: str, alias_id: str, locale_id: str) -> None:
        dimensions = {"BotId": bot_id, "BotAliasId": alias_id, "LocaleId": locale_id, "Operation": "RecognizeText"}

        def lex(name: str, statistic: str) -> cloudwatch.Metric:
            return cloudwatch.Metric(
                namespace="AWS/Lex", metric_name=name, dimensions_map=dimensions, statistic=statistic,
                period=Duration.minutes(5),
            )  # fmt: skip

        requests = lex("RuntimeRequestCount", "Sum")
        fallback_rate = cloudwatch.MathExpression(
            # Turns that ended in FallbackIntent (counted by the code hook) over RecognizeText requests; nothing
            # when there were too few turns to say anything.
            expression=f"IF(requests >= {BOT_MIN_TURNS}, FILL(fallback, 0) / requests, 0)",
            using_metrics={"requests": requests, "fallback": business_metric("FallbackTurns", "bot")},
            label="Fallback rate",
            period=Duration.minutes(15),
        )
        facade.monitor_custom(
            human_readable_name="Bot (live alias)",
            alarm_friendly_name="Bot",
            metric_groups=[
                CustomMetricGroup(title="RecognizeText requests", metrics=[requests.with_(label="Requests")]),
                CustomMetricGroup(
                    title="RecognizeText latency",
                    metrics=[
                        lex("RuntimeSuccessfulRequestLatency", "p50").with_(label="p50"),
                        lex("RuntimeSuccessfulRequestLatency", "p99").with_(label="p99"),
                    ],
                ),
                CustomMetricGroup(title="Missed utterances", metrics=[lex("MissedUtteranceCount", "Sum")]),
                CustomMetricGroup(
                    title="Fallback rate",
                    metrics=[
                        CustomMetricWithAlarm(
                            metric=fallback_rate,
                            alarm_friendly_name="FallbackRate",
                            add_alarm={
                                "Warning": CustomThreshold(
                                    threshold=BOT_FALLBACK_RATE,
                                    comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
                                    dedupe_string="FallbackRate",
                                    evaluation_periods=1,  # a 15-minute window with at least 20 turns
                                    datapoints_to_alarm=1,
                                    runbook_link=_runbook("alarm-bot-fallback-rate"),
                                )
                            },
                        )
                    ],
                ),
            ],
        )

    def _monitor_business(self, facade: MonitoringFacade, config: StageConfig) -> None:
        groups = [
            self._orders_placed(config),
            CustomMetricGroup(
                title="Users registered",
                metrics=[
                    summed(
                        "Users registered",
                        business_metric("UsersRegistered", "auth"),
                        business_metric("UsersRegistered", "bot"),
                        business_metric("UsersRegistered", "api"),
                    )
                ],
            ),
            CustomMetricGroup(
                title="Order value (cents)",
                metrics=[
                    summed("Order value", business_metric("OrderValue", "api"), business_metric("OrderValue", "bot"))
                ],
            ),
            CustomMetricGroup(
                title="Chat",
                metrics=[
                    business_metric("ChatTurns", "chat").with_(label="Chat turns"),
                    business_metric("FallbackTurns", "bot").with_(label="Fallback turns"),
                    business_metric("StaffIntentRefused", "bot").with_(label="Refused staff intents"),
                ],
            ),
        ]
        facade.monitor_custom(human_readable_name="Business", alarm_friendly_name="Business", metric_groups=groups)

    @staticmethod
    def _orders_placed(config: StageConfig) -> CustomMetricGroup:
        """Orders placed by the API and the bot; in prod, with an alarm when a whole window has none."""
        if not config.is_production:
            orders = summed(
                "Orders placed", business_metric("OrdersPlaced", "api"), business_metric("OrdersPlaced", "bot")
            )
            return CustomMetricGroup(title="Orders placed", metrics=[orders])
        quiet = Duration.hours(QUIET_HOURS_WITHOUT_ORDERS)
        return CustomMetricGroup(
            title="Orders placed",
            metrics=[
                CustomMetricWithAlarm(
                    metric=summed(
                        "Orders placed",
                        business_metric("OrdersPlaced", "api"),
                        business_metric("OrdersPlaced", "bot"),
                        period=quiet,
                    ),
                    alarm_friendly_name="NoOrders",
                    add_alarm={
                        "Critical": CustomThreshold(
                            threshold=1,
                            comparison_operator=cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
                            dedupe_string="NoOrders",
                            evaluation_periods=1,  # one 6-hour window without an order
                            datapoints_to_alarm=1,
                            treat_missing_data_override=cloudwatch.TreatMissingData.BREACHING,
                            # Before launch (`-c launched=true`) a quiet shop is normal: the alarm
                            # shows on the dashboard and pages nobody (docs/operations.md).
                            actions_enabled=config.launched,
                            runbook_link=_runbook("alarm-no-orders"),
                        )
                    },
                )
            ],
        )
