"""A function's environment as its template gives it, resolved against a target: the local world (its tables,
pool, bucket and bot ids, plus the endpoints that point boto3 at it) or a deployed stage (CloudFormation)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from local.emulators import REGION
from local.emulators.lex.engine import BOT_ID, LIVE_ALIAS_ID
from local.world.aws import LocalAws
from local.world.functions import Resolver, UnresolvableValue, resource_type
from local.world.provision import TABLE_TYPES, logical_name


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
        "AWS_ENDPOINT_URL_SSM": aws.endpoint,  # the site URL parameter (the bot's card covers)
        "POWERTOOLS_TRACE_DISABLED": "true",  # no X-Ray daemon here
    }
    if lex_endpoint:
        env["AWS_ENDPOINT_URL_LEX_RUNTIME_V2"] = lex_endpoint
    return env
