"""Run a function's real handler in this process, configured from the synthesized template.

The environment is the template's, resolved against the target (the local stack or a deployed stage), plus
what the Lambda service itself provides (region, credentials) and, for the local stack, the endpoints that
point boto3 at it. Used by `local.invoke`, the API Gateway emulator and `make dev`.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
import threading
import warnings
from collections.abc import Mapping
from contextlib import redirect_stdout
from typing import IO, Any, cast

import local  # noqa: F401  (functions/ on sys.path)
from local.aws import REGION, LocalAws
from local.context import LocalLambdaContext
from local.functions import FunctionSpec, Resolver, UnresolvableValue, resource_type
from local.lex.engine import BOT_ID, LIVE_ALIAS_ID
from local.provision import TABLE_TYPES, logical_name

# Handler packages in functions/ (bookstore/ is the shared library, imported once and kept).
_HANDLER_PACKAGES = ("api", "auth_triggers", "bot_fulfillment", "recommendations")


def local_resolver(
    templates: Mapping[str, Mapping[str, Any]], aws: LocalAws, *, site_domain: str = "localhost"
) -> Resolver:
    """Physical names of the local stack: its tables, pool, client and bucket, the local bot's ids."""

    def physical(stack: str, logical: str, attribute: str | None) -> str:
        kind = resource_type(templates, stack, logical)
        name = logical_name(logical)
        if kind in TABLE_TYPES and name in aws.tables:
            table = aws.tables[name]
            if attribute is None:
                return table
            if attribute == "StreamArn":
                return str(aws.client("dynamodb").describe_table(TableName=table)["Table"].get("LatestStreamArn", ""))
            return f"arn:aws:dynamodb:{REGION}:000000000000:table/{table}"
        if kind == "AWS::Cognito::UserPool":
            return (
                aws.user_pool_id
                if attribute is None
                else f"arn:aws:cognito-idp:{REGION}:000000000000:userpool/{aws.user_pool_id}"
            )
        if kind == "AWS::Cognito::UserPoolClient":
            return aws.client_id
        if kind == "AWS::S3::Bucket":
            bucket = aws.images_bucket if name == "ProductImagesBucket" else name.lower()
            return bucket if attribute is None else f"arn:aws:s3:::{bucket}"
        if kind == "AWS::Lex::Bot":
            return BOT_ID
        if kind == "AWS::Lex::BotAlias":
            return (
                LIVE_ALIAS_ID
                if attribute in (None, "BotAliasId")
                else f"arn:aws:lex:{REGION}:000000000000:bot-alias/{BOT_ID}/{LIVE_ALIAS_ID}"
            )
        if kind == "AWS::CloudFront::Distribution" and attribute == "DomainName":
            return site_domain
        return f"local-{name}" if attribute is None else f"arn:aws:local:{REGION}:000000000000:{name}/{attribute}"

    return Resolver(templates, physical, region=REGION)


def aws_resolver(templates: Mapping[str, Mapping[str, Any]], session: Any) -> Resolver:
    """Physical names of a deployed stage: CloudFormation exports, stack outputs and stack resources."""
    cloudformation = session.client("cloudformation")
    exports: dict[str, str] = {}
    resources: dict[str, dict[str, str]] = {}

    def imports(name: str) -> str:
        if not exports:
            for page in cloudformation.get_paginator("list_exports").paginate():
                exports.update({e["Name"]: e["Value"] for e in page["Exports"]})
        if name not in exports:
            raise UnresolvableValue(f"No export {name!r} in this account and region: is the stage deployed?")
        return exports[name]

    outputs: dict[str, dict[str, str]] = {}

    def stack_output(stack: str, name: str) -> str:
        if stack not in outputs:
            described = cloudformation.describe_stacks(StackName=stack)["Stacks"][0].get("Outputs", [])
            outputs[stack] = {o["OutputKey"]: o["OutputValue"] for o in described}
        if name not in outputs[stack]:
            raise UnresolvableValue(f"{stack} has no output {name!r}: deploy it from this commit first")
        return outputs[stack][name]

    def physical(stack: str, logical: str, attribute: str | None) -> str:
        if attribute is not None:
            raise UnresolvableValue(f"{stack}/{logical}.{attribute}: only Ref and exports resolve against AWS")
        if stack not in resources:
            described = cloudformation.describe_stack_resources(StackName=stack)["StackResources"]
            resources[stack] = {r["LogicalResourceId"]: r["PhysicalResourceId"] for r in described}
        if logical not in resources[stack]:
            raise UnresolvableValue(f"{stack} has no deployed resource {logical}")
        return resources[stack][logical]

    return Resolver(templates, physical, region=session.region_name or REGION, imports=imports, outputs=stack_output)


def local_environment(aws: LocalAws, *, lex_endpoint: str | None = None) -> dict[str, str]:
    """What the local stack adds to every function's environment: credentials and endpoints."""
    env = {
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
        "AWS_ENDPOINT_URL_DYNAMODB": aws.endpoint,
        "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER": aws.endpoint,
        "AWS_ENDPOINT_URL_S3": aws.endpoint,
        "POWERTOOLS_TRACE_DISABLED": "true",  # no X-Ray daemon here
    }
    if lex_endpoint:
        env["AWS_ENDPOINT_URL_LEX_RUNTIME_V2"] = lex_endpoint
    return env


class FunctionRunner:
    """One function, imported as at a cold start with its environment; invoked one event at a time (like
    one Lambda execution environment)."""

    def __init__(self, spec: FunctionSpec, environment: Mapping[str, str]) -> None:
        self.spec = spec
        self.environment = dict(environment)
        self._lock = threading.Lock()
        self._handler: Any = None

    def load(self, *, fresh: bool = True) -> FunctionRunner:
        """Import the handler with this environment. `fresh` drops the handler packages already imported
        (their settings are read at import, as at a Lambda cold start)."""
        from bookstore import aws as function_clients

        os.environ.update(self.environment)
        # An invocation that records no business metric is normal; Powertools warns about it on every flush.
        warnings.filterwarnings("ignore", message="No application metrics to publish")
        if fresh:
            for loaded in [m for m in sys.modules if m.split(".")[0] in _HANDLER_PACKAGES]:
                del sys.modules[loaded]
            function_clients.clear_clients()
        module = importlib.import_module(self.spec.module)
        self._handler = getattr(module, self.spec.attribute)
        if fresh:
            self._configure_logger()
        return self

    def _configure_logger(self) -> None:
        """The shared Logger was built at the first import; give it this function's level and service, as
        its own cold start would."""
        from bookstore.observability import logger

        logger.setLevel(self.environment.get("POWERTOOLS_LOG_LEVEL", "INFO"))
        logger.service = self.spec.service
        formatter = logger.registered_formatter
        for keys in (getattr(formatter, "keys_combined", None), getattr(formatter, "log_format", None)):
            if isinstance(keys, dict) and "service" in keys:
                keys["service"] = self.spec.service

    def context(self) -> LocalLambdaContext:
        name = self.spec.name
        return LocalLambdaContext(
            function_name=name,
            invoked_function_arn=f"arn:aws:lambda:{REGION}:000000000000:function:{name}",
            memory_limit_in_mb=self.spec.memory,
            log_group_name=f"/aws/lambda/{name}",
            timeout_seconds=float(self.spec.timeout),
        )

    def invoke(self, event: Any, *, logs: IO[str] | None = None) -> Any:
        """Run the handler. With `logs`, the Powertools logs and metrics go there instead of stdout."""
        if self._handler is None:
            self.load()
        with self._lock:
            if logs is None:
                return self._handler(event, self.context())
            from bookstore.observability import logger

            handler = cast(logging.StreamHandler[IO[str]], logger.registered_handler)  # Powertools logs to a stream
            previous = handler.setStream(logs)
            try:
                with redirect_stdout(logs):  # EMF metrics are printed
                    return self._handler(event, self.context())
            finally:
                if previous is not None:
                    handler.setStream(previous)
