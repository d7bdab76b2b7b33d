"""One construct for every Lambda function of the project, so their defaults cannot drift."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from aws_cdk import Acknowledgment, Duration, Stack, Validations
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_ssm as ssm
from constructs import Construct

from stacks.config import FunctionSettings, powertools_layer_parameter
from stacks.constructs.lint import REDUNDANT_ROLE_DEPENDENCY, ignore_cfn_lint_rule

FUNCTIONS_DIR = Path(__file__).resolve().parents[2] / "functions"

RUNTIME = lambda_.Runtime.PYTHON_3_13
ARCHITECTURE = lambda_.Architecture.ARM_64
METRICS_NAMESPACE = "Bookstore"

# The whole functions/ folder is one asset; tests and caches never ship.
ASSET_EXCLUDES = [
    "**/__pycache__",
    "**/*.pyc",
    "**/.mypy_cache",
    "**/.pytest_cache",
    "**/.ruff_cache",
    "**/tests",
    "requirements.txt",
]


def powertools_layer_arn(stack: Stack, version: str) -> str:
    """The layer version ARN of Powertools `version` for this runtime and architecture, read at deploy time from
    the public SSM parameter Powertools publishes per release (one CloudFormation parameter per stack)."""
    parameter = powertools_layer_parameter(version, python=RUNTIME.name, arch=ARCHITECTURE.name)  # python3.13, arm64
    return ssm.StringParameter.value_for_string_parameter(stack, parameter)


class BookstoreFunctionConstruct(Construct):
    """A Powertools-instrumented Python function with its own role and log group.

    The role starts empty (no AWS managed policy): the log group grant and X-Ray are added here,
    everything else is granted by the stack that wires the function to a resource (`grant_*`).
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        handler: str,
        service: str,
        description: str,
        settings: FunctionSettings,
        environment: Mapping[str, str] | None = None,
        timeout: Duration | None = None,
        memory_size: int = 256,
    ) -> None:
        super().__init__(scope, id_)
        self.timeout = timeout or Duration.seconds(10)

        self.log_group = logs.LogGroup(
            self,
            "LogGroup",
            retention=settings.log_retention,
            removal_policy=settings.removal_policy,
        )
        self.role = iam.Role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"Execution role of the {service} function",
        )
        self.log_group.grant_write(self.role)
        self.function = self._build_function(
            handler=handler,
            service=service,
            description=description,
            settings=settings,
            environment=environment,
            memory_size=memory_size,
        )
        self._acknowledge_findings()

    def _build_function(
        self,
        *,
        handler: str,
        service: str,
        description: str,
        settings: FunctionSettings,
        environment: Mapping[str, str] | None,
        memory_size: int,
    ) -> lambda_.Function:
        layer = lambda_.LayerVersion.from_layer_version_arn(
            self, "PowertoolsLayer", powertools_layer_arn(Stack.of(self), settings.powertools_version)
        )
        env = {
            "POWERTOOLS_SERVICE_NAME": service,
            "POWERTOOLS_METRICS_NAMESPACE": METRICS_NAMESPACE,
            "POWERTOOLS_LOG_LEVEL": settings.log_level,
            **(environment or {}),
        }
        function = lambda_.Function(
            self,
            "Function",
            runtime=RUNTIME,
            architecture=ARCHITECTURE,
            handler=handler,
            code=lambda_.Code.from_asset(str(FUNCTIONS_DIR), exclude=ASSET_EXCLUDES),
            layers=[layer],
            description=description,
            environment=env,
            timeout=self.timeout,
            memory_size=memory_size,
            tracing=lambda_.Tracing.ACTIVE,
            logging_format=lambda_.LoggingFormat.JSON,
            application_log_level_v2=lambda_.ApplicationLogLevel.DEBUG
            if settings.log_level == "DEBUG"
            else lambda_.ApplicationLogLevel.INFO,
            system_log_level_v2=lambda_.SystemLogLevel.WARN,
            log_group=self.log_group,
            role=self.role,
        )
        cfn_function = function.node.default_child
        assert isinstance(cfn_function, lambda_.CfnFunction)
        ignore_cfn_lint_rule(cfn_function, REDUNDANT_ROLE_DEPENDENCY)
        return function

    def _acknowledge_findings(self) -> None:
        Validations.of(self.role).acknowledge(
            Acknowledgment(
                id="AwsSolutions-IAM5[Resource::*]",
                reason="Active tracing needs xray:PutTraceSegments and xray:PutTelemetryRecords, which "
                "support no resource-level permissions (the statement CDK adds for Tracing.ACTIVE).",
            )
        )
        Validations.of(self.function).acknowledge(
            Acknowledgment(
                id="AwsSolutions-L1",
                reason="python3.13 is pinned on purpose: the Powertools layer is built per Python minor "
                "(/aws/service/powertools/python/arm64/python3.13/<release>), so runtime and layer move in one "
                "upgrade.",
            )
        )

    @property
    def function_name(self) -> str:
        return self.function.function_name
