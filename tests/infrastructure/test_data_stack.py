"""DataStack: key schemas, streams, TTL, and what each stage does with stateful resources."""

from __future__ import annotations

import pytest

from tests.infrastructure.conftest import masked
from tests.support.templates import of_type, resource

TABLE = "AWS::DynamoDB::GlobalTable"


def _keys(props: dict) -> list[tuple[str, str]]:
    return [(k["AttributeName"], k["KeyType"]) for k in props["KeySchema"]]


def _indexes(props: dict) -> dict[str, list[tuple[str, str]]]:
    return {g["IndexName"]: _keys(g) for g in props.get("GlobalSecondaryIndexes", [])}


def test_data_stack_has_five_tables_and_two_buckets(dev) -> None:
    template = dev.template("Data")
    assert len(of_type(template, TABLE)) == 5
    assert len(of_type(template, "AWS::S3::Bucket")) == 2


def test_users_table_keys_are_pk_and_sk(dev) -> None:
    props = resource(dev.template("Data"), "UsersTable", TABLE)["Properties"]
    assert _keys(props) == [("pk", "HASH"), ("sk", "RANGE")]


def test_products_table_keys_and_genre_keyword_index(dev) -> None:
    props = resource(dev.template("Data"), "ProductsTable", TABLE)["Properties"]
    assert _keys(props) == [("pk", "HASH"), ("sk", "RANGE")]
    assert _indexes(props) == {"gsi1": [("gsi1pk", "HASH"), ("gsi1sk", "RANGE")]}


def test_orders_table_keys_indexes_and_stream_of_both_images(dev) -> None:
    props = resource(dev.template("Data"), "OrdersTable", TABLE)["Properties"]
    assert _keys(props) == [("pk", "HASH"), ("sk", "RANGE")]
    assert _indexes(props) == {
        "gsi1": [("gsi1pk", "HASH"), ("gsi1sk", "RANGE")],
        "gsi2": [("gsi2pk", "HASH"), ("gsi2sk", "RANGE")],
    }
    assert props["StreamSpecification"] == {"StreamViewType": "NEW_AND_OLD_IMAGES"}


def test_recommendations_table_keys_are_pk_and_sk(dev) -> None:
    props = resource(dev.template("Data"), "RecommendationsTable", TABLE)["Properties"]
    assert _keys(props) == [("pk", "HASH"), ("sk", "RANGE")]


def test_idempotency_table_uses_powertools_key_and_ttl(dev) -> None:
    props = resource(dev.template("Data"), "IdempotencyTable", TABLE)["Properties"]
    assert _keys(props) == [("id", "HASH")]
    assert props["TimeToLiveSpecification"] == {"AttributeName": "expiration", "Enabled": True}


def test_only_the_orders_table_streams(dev) -> None:
    streaming = [k for k, v in of_type(dev.template("Data"), TABLE).items() if "StreamSpecification" in v["Properties"]]
    assert len(streaming) == 1
    assert streaming[0].startswith("OrdersTable")


def test_tables_bill_on_demand(stage) -> None:
    for table in of_type(stage.template("Data"), TABLE).values():
        assert table["Properties"]["BillingMode"] == "PAY_PER_REQUEST"


def test_prod_tables_have_pitr_deletion_protection_and_retain(prod) -> None:
    for logical_id, table in of_type(prod.template("Data"), TABLE).items():
        replica = table["Properties"]["Replicas"][0]
        assert replica["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}, logical_id
        assert replica["DeletionProtectionEnabled"] is True, logical_id
        assert table["DeletionPolicy"] == "Retain", logical_id
        assert table["UpdateReplacePolicy"] == "Retain", logical_id


def test_dev_tables_are_destroyed_with_the_stack(dev) -> None:
    for logical_id, table in of_type(dev.template("Data"), TABLE).items():
        replica = table["Properties"]["Replicas"][0]
        assert replica.get("DeletionProtectionEnabled", False) is False, logical_id
        assert table["DeletionPolicy"] == "Delete", logical_id


def _bucket_policy_statements(template: dict, bucket_name: str) -> list[dict]:
    from tests.support.templates import logical_id

    bucket_id = logical_id(template, bucket_name)
    for policy in of_type(template, "AWS::S3::BucketPolicy").values():
        if policy["Properties"]["Bucket"] == {"Ref": bucket_id}:
            return list(policy["Properties"]["PolicyDocument"]["Statement"])
    raise AssertionError(f"no bucket policy for {bucket_name}")


@pytest.mark.parametrize("bucket", ["ProductImagesBucket", "AccessLogsBucket"])
def test_buckets_block_public_access_and_require_tls(stage, bucket) -> None:
    template = stage.template("Data")
    props = resource(template, bucket, "AWS::S3::Bucket")["Properties"]
    assert props["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    deny_insecure = [
        s
        for s in _bucket_policy_statements(template, bucket)
        if s["Effect"] == "Deny" and s.get("Condition") == {"Bool": {"aws:SecureTransport": "false"}}
    ]
    assert deny_insecure, f"{bucket} does not deny non-TLS requests"


def test_images_bucket_is_versioned_expires_old_versions_and_logs_access(stage) -> None:
    template = stage.template("Data")
    props = resource(template, "ProductImagesBucket", "AWS::S3::Bucket")["Properties"]
    assert props["VersioningConfiguration"] == {"Status": "Enabled"}
    rules = props["LifecycleConfiguration"]["Rules"]
    expected_days = stage.config.noncurrent_image_versions_days
    assert any(r.get("NoncurrentVersionExpiration", {}).get("NoncurrentDays") == expected_days for r in rules)
    from tests.support.templates import logical_id

    assert props["LoggingConfiguration"]["DestinationBucketName"] == {"Ref": logical_id(template, "AccessLogsBucket")}


def test_prod_buckets_are_retained(prod) -> None:
    for logical_id, bucket in of_type(prod.template("Data"), "AWS::S3::Bucket").items():
        assert bucket["DeletionPolicy"] == "Retain", logical_id
    assert not of_type(prod.template("Data"), "Custom::S3AutoDeleteObjects")


def test_dev_buckets_are_emptied_and_deleted_on_teardown(dev) -> None:
    template = dev.template("Data")
    for logical_id, bucket in of_type(template, "AWS::S3::Bucket").items():
        assert bucket["DeletionPolicy"] == "Delete", logical_id
    assert len(of_type(template, "Custom::S3AutoDeleteObjects")) == 2


def test_data_stack_matches_snapshot(stage, snapshot_json) -> None:
    assert masked(stage.template("Data")) == snapshot_json
