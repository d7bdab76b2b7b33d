"""A function's environment as its template gives it, resolved against a target: the local world (its tables,
pool, bucket and bot ids, plus the endpoints that point boto3 at it) or a deployed stage (CloudFormation)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from local.emulators import REGION
from local.emulators.lex.engine import BOT_ID, LIVE_ALIAS_ID
from local.world.aws import LocalAws
from local.world.functions import Resolver, UnresolvableValue, resource_type
from local.world.provision import TABLE_TYPES, logical_name


def _local_table(aws: LocalAws, table: str, attribute: str | None) -> str:
    """A table of the local stack: its name (Ref), its stream's ARN, or its ARN (any other attribute)."""
    if attribute is None:
        return table
    if attribute == "StreamArn":
        return str(aws.client("dynamodb").describe_table(TableName=table)["Table"].get("LatestStreamArn", ""))
    return f"arn:aws:dynamodb:{REGION}:000000000000:table/{table}"


def _local_user_pool(aws: LocalAws, name: str, attribute: str | None) -> str:
    """The local user pool: its id (Ref), else its ARN."""
    return (
        aws.user_pool_id
        if attribute is None
        else f"arn:aws:cognito-idp:{REGION}:000000000000:userpool/{aws.user_pool_id}"
    )


def _local_user_pool_client(aws: LocalAws, name: str, attribute: str | None) -> str:
    """The local user pool's app client: its id, whatever is asked."""
    return aws.client_id


def _local_bucket(aws: LocalAws, name: str, attribute: str | None) -> str:
    """A bucket: the local images bucket for ProductImagesBucket, else the logical name in lower case; its name
    (Ref), else its ARN."""
    bucket = aws.images_bucket if name == "ProductImagesBucket" else name.lower()
    return bucket if attribute is None else f"arn:aws:s3:::{bucket}"


def _local_bot(aws: LocalAws, name: str, attribute: str | None) -> str:
    """The local bot's id, whatever is asked."""
    return BOT_ID


def _local_bot_alias(aws: LocalAws, name: str, attribute: str | None) -> str:
    """The local bot's live alias: its id (Ref or BotAliasId), else its ARN."""
    return (
        LIVE_ALIAS_ID
        if attribute in (None, "BotAliasId")
        else f"arn:aws:lex:{REGION}:000000000000:bot-alias/{BOT_ID}/{LIVE_ALIAS_ID}"
    )


# (local stack, resource's name without its hash, attribute or None for Ref) -> the value, per resource type.
_LOCAL_RESOURCES: dict[str, Callable[[LocalAws, str, str | None], str]] = {
    "AWS::Cognito::UserPool": _local_user_pool,
    "AWS::Cognito::UserPoolClient": _local_user_pool_client,
    "AWS::S3::Bucket": _local_bucket,
    "AWS::Lex::Bot": _local_bot,
    "AWS::Lex::BotAlias": _local_bot_alias,
}


def local_resolver(
    templates: Mapping[str, Mapping[str, Any]], aws: LocalAws, *, site_domain: str = "localhost"
) -> Resolver:
    """Physical names of the local stack: its tables, pool, client and bucket, the local bot's ids."""

    def physical(stack: str, logical: str, attribute: str | None) -> str:
        kind = resource_type(templates, stack, logical)
        name = logical_name(logical)
        if kind in TABLE_TYPES and name in aws.tables:
            return _local_table(aws, aws.tables[name], attribute)
        if kind in _LOCAL_RESOURCES:
            return _LOCAL_RESOURCES[kind](aws, name, attribute)
        if kind == "AWS::CloudFront::Distribution" and attribute == "DomainName":
            return site_domain
        return f"local-{name}" if attribute is None else f"arn:aws:local:{REGION}:000000000000:{name}/{attribute}"

    return Resolver(templates, physical, region=REGION)


class _DeployedStage:
    """CloudFormation's view of a deployed stage, each kind of lookup read once and cached: the account's
    exports, a stack's outputs, a stack's resources."""

    def __init__(self, cloudformation: Any) -> None:
        self.cloudformation = cloudformation
        self.exports: dict[str, str] = {}
        self.outputs: dict[str, dict[str, str]] = {}
        self.resources: dict[str, dict[str, str]] = {}

    def imports(self, name: str) -> str:
        """The value of export `name` (Fn::ImportValue)."""
        if not self.exports:
            for page in self.cloudformation.get_paginator("list_exports").paginate():
                self.exports.update({e["Name"]: e["Value"] for e in page["Exports"]})
        if name not in self.exports:
            raise UnresolvableValue(f"No export {name!r} in this account and region: is the stage deployed?")
        return self.exports[name]

    def stack_output(self, stack: str, name: str) -> str:
        """The output `name` of a deployed stack (a weak cross-stack reference)."""
        if stack not in self.outputs:
            described = self.cloudformation.describe_stacks(StackName=stack)["Stacks"][0].get("Outputs", [])
            self.outputs[stack] = {o["OutputKey"]: o["OutputValue"] for o in described}
        if name not in self.outputs[stack]:
            raise UnresolvableValue(f"{stack} has no output {name!r}: deploy it from this commit first")
        return self.outputs[stack][name]

    def physical(self, stack: str, logical: str, attribute: str | None) -> str:
        """The physical id of a deployed resource (Ref); attributes (Fn::GetAtt) are not resolved."""
        if attribute is not None:
            raise UnresolvableValue(f"{stack}/{logical}.{attribute}: only Ref and exports resolve against AWS")
        if stack not in self.resources:
            described = self.cloudformation.describe_stack_resources(StackName=stack)["StackResources"]
            self.resources[stack] = {r["LogicalResourceId"]: r["PhysicalResourceId"] for r in described}
        if logical not in self.resources[stack]:
            raise UnresolvableValue(f"{stack} has no deployed resource {logical}")
        return self.resources[stack][logical]


def aws_resolver(templates: Mapping[str, Mapping[str, Any]], session: Any) -> Resolver:
    """Physical names of a deployed stage: CloudFormation exports, stack outputs and stack resources."""
    stage = _DeployedStage(session.client("cloudformation"))
    return Resolver(
        templates,
        stage.physical,
        region=session.region_name or REGION,
        imports=stage.imports,
        outputs=stage.stack_output,
    )


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
        "AWS_ENDPOINT_URL_SSM": aws.endpoint,  # the site URL parameter (the bot's card covers)
        "POWERTOOLS_TRACE_DISABLED": "true",  # no X-Ray daemon here
    }
    if lex_endpoint:
        env["AWS_ENDPOINT_URL_LEX_RUNTIME_V2"] = lex_endpoint
    return env
