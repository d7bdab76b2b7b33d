"""Create AWS resources (in moto, or any endpoint) from the synthesized CloudFormation templates.

Tests and the local stack build their tables and user pools from the same templates CDK deploys, so
the two can never drift apart.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_HASH_SUFFIX = re.compile(r"[0-9A-F]{8}$")
TABLE_TYPES = ("AWS::DynamoDB::GlobalTable", "AWS::DynamoDB::Table")


def logical_name(logical_id: str) -> str:
    """`UsersTable9725E9C8` -> `UsersTable`."""
    return _HASH_SUFFIX.sub("", logical_id)


def resources_of_type(template: Mapping[str, Any], *types: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in template.get("Resources", {}).items() if v.get("Type") in types}


def table_definitions(template: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """CreateTable arguments for every table in a template, keyed by the table's logical name."""
    tables: dict[str, dict[str, Any]] = {}
    for logical_id, resource in resources_of_type(template, *TABLE_TYPES).items():
        props = resource["Properties"]
        definition: dict[str, Any] = {
            "KeySchema": props["KeySchema"],
            "AttributeDefinitions": props["AttributeDefinitions"],
            "BillingMode": "PAY_PER_REQUEST",
        }
        if props.get("GlobalSecondaryIndexes"):
            definition["GlobalSecondaryIndexes"] = [
                {"IndexName": g["IndexName"], "KeySchema": g["KeySchema"], "Projection": g["Projection"]}
                for g in props["GlobalSecondaryIndexes"]
            ]
        stream = props.get("StreamSpecification")
        if stream:
            definition["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": stream["StreamViewType"]}
        ttl = props.get("TimeToLiveSpecification")
        tables[logical_name(logical_id)] = {"definition": definition, "ttl": ttl}
    return tables


def create_tables(template: Mapping[str, Any], dynamodb: Any, *, prefix: str = "") -> dict[str, str]:
    """Create the template's tables; returns {logical name: physical table name}."""
    names: dict[str, str] = {}
    for name, spec in table_definitions(template).items():
        table_name = f"{prefix}{name}"
        dynamodb.create_table(TableName=table_name, **spec["definition"])
        ttl = spec["ttl"]
        if ttl and ttl.get("Enabled"):
            dynamodb.update_time_to_live(
                TableName=table_name,
                TimeToLiveSpecification={"Enabled": True, "AttributeName": ttl["AttributeName"]},
            )
        names[name] = table_name
    return names


def user_pool_groups(template: Mapping[str, Any]) -> list[dict[str, Any]]:
    groups = []
    for resource in resources_of_type(template, "AWS::Cognito::UserPoolGroup").values():
        props = resource["Properties"]
        groups.append({k: props[k] for k in ("GroupName", "Description", "Precedence") if k in props})
    return groups


# What a local pool cannot take from the template: ARNs of functions, SES identities and roles (the local world
# runs the triggers itself, local/world/cognito.py) and what only billing or tagging reads.
_POOL_NOT_LOCAL = frozenset(
    {"LambdaConfig", "EmailConfiguration", "SmsConfiguration", "UserPoolAddOns", "UserPoolTags", "UserPoolTier"}
)


def _settable(cognito: Any, operation: str, properties: Mapping[str, Any], skip: frozenset[str]) -> dict[str, Any]:
    """The template's properties that `operation` takes (its botocore input shape), e.g. the client's
    PreventUserExistenceErrors, Read/WriteAttributes and token validity, the pool's recovery and update settings."""
    members = cognito.meta.service_model.operation_model(operation).input_shape.members
    return {key: value for key, value in properties.items() if key in members and key not in skip}


def create_user_pool(template: Mapping[str, Any], cognito: Any, *, name: str = "bookstore") -> dict[str, str]:
    """Create the template's user pool, its groups and its app client; returns their ids."""
    pools = resources_of_type(template, "AWS::Cognito::UserPool")
    if len(pools) != 1:
        raise ValueError(f"expected one user pool in the template, found {len(pools)}")
    props = next(iter(pools.values()))["Properties"]
    create_args: dict[str, Any] = {"PoolName": name, **_settable(cognito, "CreateUserPool", props, _POOL_NOT_LOCAL)}
    pool_id = cognito.create_user_pool(**create_args)["UserPool"]["Id"]
    for group in user_pool_groups(template):
        cognito.create_group(UserPoolId=pool_id, **group)
    clients = resources_of_type(template, "AWS::Cognito::UserPoolClient")
    client_id = ""
    for resource in clients.values():
        cprops = resource["Properties"]
        settings = _settable(cognito, "CreateUserPoolClient", cprops, frozenset({"UserPoolId", "ClientName"}))
        client_id = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="web", **settings)["UserPoolClient"][
            "ClientId"
        ]
    return {"user_pool_id": pool_id, "client_id": client_id}
