"""Stateful data: DynamoDB tables and the product-images bucket. Never replaced by a code change."""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Stack
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from constructs import Construct

from stacks.config import StageConfig
from stacks.constructs.buckets import content_bucket, log_bucket
from stacks.constructs.lint import ignore_redundant_role_dependency_of_auto_delete_provider
from stacks.shop_tables import ShopTables
from stacks.site_policy import COVERS_PREFIX

PK = dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING)
SK = dynamodb.Attribute(name="sk", type=dynamodb.AttributeType.STRING)


def _gsi(name: str, number: int) -> dynamodb.GlobalSecondaryIndexPropsV2:
    return dynamodb.GlobalSecondaryIndexPropsV2(
        index_name=name,
        partition_key=dynamodb.Attribute(name=f"gsi{number}pk", type=dynamodb.AttributeType.STRING),
        sort_key=dynamodb.Attribute(name=f"gsi{number}sk", type=dynamodb.AttributeType.STRING),
        projection_type=dynamodb.ProjectionType.ALL,
    )


def covers_read_statement(stack: Stack, bucket: s3.IBucket) -> iam.PolicyStatement:
    """The web front end's CloudFront distribution reads the covers (`books/*`, s3:GetObject only) through origin
    access control. The distribution lives in the Frontend stack, deployed after this one and depending on it (the
    bucket's name): naming its id here would be a cycle, so the condition allows this account's distributions
    (`arn:aws:cloudfront::<account>:distribution/*`, as aws-cdk-lib does for an OAC's KMS key policy). The covers
    are public by design; nothing else in the bucket is readable this way (docs/decisions.md)."""
    return iam.PolicyStatement(
        sid="CloudFrontReadsCovers",
        principals=[iam.ServicePrincipal("cloudfront.amazonaws.com")],
        actions=["s3:GetObject"],
        resources=[bucket.arn_for_objects(f"{COVERS_PREFIX}*")],
        conditions={"ArnLike": {"AWS:SourceArn": f"arn:{stack.partition}:cloudfront::{stack.account}:distribution/*"}},
    )


class DataStack(Stack):
    """Tables and buckets; key schemas and access patterns are documented in docs/architecture.md."""

    def __init__(self, scope: Construct, id_: str, *, config: StageConfig, **kwargs: Any) -> None:
        super().__init__(scope, id_, **kwargs)
        self._config = config

        self._build_tables()
        # What the shop's functions (the bot's code hook, the REST API's function) are given.
        self.shop_tables = ShopTables(
            users=self.users_table,
            products=self.products_table,
            orders=self.orders_table,
            recommendations=self.recommendations_table,
            idempotency=self.idempotency_table,
        )
        self._build_buckets()
        self._add_outputs()

    def _build_tables(self) -> None:
        # Profiles and the uniqueness guards (USER#<username>, EMAIL#<email>).
        self.users_table = self._table("UsersTable", sort_key=SK)
        # Books, their genre index and the keyword index used by search (no Scan).
        self.products_table = self._table(
            "ProductsTable",
            sort_key=SK,
            global_secondary_indexes=[_gsi("gsi1", 1)],
        )
        # Orders by customer (newest first), by order id, and by status; streams to recommendations.
        self.orders_table = self._table(
            "OrdersTable",
            sort_key=SK,
            global_secondary_indexes=[_gsi("gsi1", 1), _gsi("gsi2", 2)],
            dynamo_stream=dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
        )
        # Co-purchase counts, similar-book lists, popularity and bestsellers.
        self.recommendations_table = self._table("RecommendationsTable", sort_key=SK)
        # Powertools idempotency records: key `id`, expiry in `expiration` (the utility's defaults).
        self.idempotency_table = self._table(
            "IdempotencyTable",
            partition_key=dynamodb.Attribute(name="id", type=dynamodb.AttributeType.STRING),
            time_to_live_attribute="expiration",
        )

    def _build_buckets(self) -> None:
        config = self._config
        self.access_logs_bucket = log_bucket(
            self,
            "AccessLogsBucket",
            config=config,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            lifecycle_rule_id="ExpireAccessLogs",
            why_not_logged="This bucket is the server-access-log destination; logging it into itself would loop.",
        )
        self.images_bucket = content_bucket(
            self,
            "ProductImagesBucket",
            config=config,
            access_logs=self.access_logs_bucket,
            access_logs_prefix="product-images/",
            lifecycle_rule_id="ExpireOldImageVersions",
        )
        self.images_bucket.add_to_resource_policy(covers_read_statement(self, self.images_bucket))
        ignore_redundant_role_dependency_of_auto_delete_provider(self)

    def _add_outputs(self) -> None:
        # Read by `python -m local.seed --stage <stage>` and operators.
        for key, value in (
            ("UsersTableName", self.users_table.table_name),
            ("ProductsTableName", self.products_table.table_name),
            ("OrdersTableName", self.orders_table.table_name),
            ("RecommendationsTableName", self.recommendations_table.table_name),
            ("ProductImagesBucketName", self.images_bucket.bucket_name),
        ):
            CfnOutput(self, key, value=value).override_logical_id(key)

    def _table(
        self,
        id_: str,
        *,
        partition_key: dynamodb.Attribute = PK,
        sort_key: dynamodb.Attribute | None = None,
        global_secondary_indexes: list[dynamodb.GlobalSecondaryIndexPropsV2] | None = None,
        dynamo_stream: dynamodb.StreamViewType | None = None,
        time_to_live_attribute: str | None = None,
    ) -> dynamodb.TableV2:
        config = self._config
        return dynamodb.TableV2(
            self,
            id_,
            partition_key=partition_key,
            sort_key=sort_key,
            billing=dynamodb.Billing.on_demand(),
            global_secondary_indexes=global_secondary_indexes,
            dynamo_stream=dynamo_stream,
            time_to_live_attribute=time_to_live_attribute,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=config.point_in_time_recovery
            ),
            deletion_protection=config.deletion_protection,
            removal_policy=config.removal_policy,
        )
