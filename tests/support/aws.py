"""moto-backed AWS for integration tests, built from the synthesized templates."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3

from local.world.provision import create_tables, create_user_pool

EVENTS_DIR = Path(__file__).resolve().parents[2] / "events"


@dataclass
class LocalAws:
    dynamodb: Any
    cognito: Any
    tables: dict[str, str]
    user_pool_id: str
    client_id: str
    images_bucket: str = "product-images"

    def items(self, table: str) -> list[dict[str, Any]]:
        return list(self.dynamodb.scan(TableName=self.tables[table])["Items"])  # tests only

    def create_cognito_user(self, username: str, email: str) -> None:
        self.cognito.admin_create_user(
            UserPoolId=self.user_pool_id,
            Username=username,
            UserAttributes=[{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"}],
            MessageAction="SUPPRESS",
        )

    def groups_of(self, username: str) -> list[str]:
        response = self.cognito.admin_list_groups_for_user(UserPoolId=self.user_pool_id, Username=username)
        return sorted(g["GroupName"] for g in response["Groups"])


class SerializedClient:
    """moto's in-memory backend is not atomic across threads (DynamoDB is): one call at a time, so concurrent
    requests still interleave call by call, and only conditional writes decide who wins, as in DynamoDB."""

    _lock = threading.Lock()

    def __init__(self, client: Any) -> None:
        self._client = client

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._client, name)
        if not callable(attribute):
            return attribute

        def call(*args: Any, **kwargs: Any) -> Any:
            with self._lock:
                return attribute(*args, **kwargs)

        return call


def build_local_aws(data_template: dict[str, Any], auth_template: dict[str, Any]) -> LocalAws:
    dynamodb = boto3.client("dynamodb")
    cognito = boto3.client("cognito-idp")
    tables = create_tables(data_template, dynamodb)
    pool = create_user_pool(auth_template, cognito)
    boto3.client("s3").create_bucket(Bucket="product-images")
    return LocalAws(dynamodb, cognito, tables, pool["user_pool_id"], pool["client_id"])


def load_event(relative: str, **overrides: Any) -> dict[str, Any]:
    event: dict[str, Any] = json.loads((EVENTS_DIR / relative).read_text())
    event.update(overrides)
    return event


def shop_environment(aws: LocalAws) -> dict[str, str]:
    """The shop functions' resource variables (stacks/shop_tables.py ShopTables.environment() and USER_POOL_ID),
    pointed at this test's moto tables and pool: the one copy the test fixtures use."""
    return {
        "USERS_TABLE_NAME": aws.tables["UsersTable"],
        "PRODUCTS_TABLE_NAME": aws.tables["ProductsTable"],
        "ORDERS_TABLE_NAME": aws.tables["OrdersTable"],
        "RECOMMENDATIONS_TABLE_NAME": aws.tables["RecommendationsTable"],
        "IDEMPOTENCY_TABLE_NAME": aws.tables["IdempotencyTable"],
        "USER_POOL_ID": aws.user_pool_id,
    }


def services_for(aws: LocalAws, *, cognito: Any = None, dynamodb: Any = None) -> Any:
    """The bot's and API's services over moto, with clients that tests may wrap (failures, serialization)."""
    from bookstore.env import ShopEnv
    from bookstore.wiring import build_services

    env = ShopEnv.load(shop_environment(aws))
    return build_services(env, dynamodb=dynamodb or aws.dynamodb, cognito=cognito or aws.cognito)
