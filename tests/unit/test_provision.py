"""Table and pool definitions are read from templates exactly as CloudFormation would create them."""

from __future__ import annotations

from local.world.provision import logical_name, table_definitions, user_pool_groups

TEMPLATE = {
    "Resources": {
        "OrdersTable0A1B2C3D": {
            "Type": "AWS::DynamoDB::GlobalTable",
            "Properties": {
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
                "AttributeDefinitions": [
                    {"AttributeName": "pk", "AttributeType": "S"},
                    {"AttributeName": "sk", "AttributeType": "S"},
                ],
                "GlobalSecondaryIndexes": [
                    {
                        "IndexName": "gsi1",
                        "KeySchema": [{"AttributeName": "gsi1pk", "KeyType": "HASH"}],
                        "Projection": {"ProjectionType": "ALL"},
                    }
                ],
                "StreamSpecification": {"StreamViewType": "NEW_AND_OLD_IMAGES"},
            },
        },
        "StaffGroupAAAA1111": {
            "Type": "AWS::Cognito::UserPoolGroup",
            "Properties": {"GroupName": "staff", "Precedence": 0, "UserPoolId": {"Ref": "Pool"}},
        },
    }
}


def test_logical_name_strips_cdk_hash() -> None:
    assert logical_name("UsersTable9725E9C8") == "UsersTable"
    assert logical_name("Plain") == "Plain"


def test_table_definition_keeps_keys_indexes_and_stream() -> None:
    [(name, spec)] = table_definitions(TEMPLATE).items()
    assert name == "OrdersTable"
    definition = spec["definition"]
    assert definition["KeySchema"][1] == {"AttributeName": "sk", "KeyType": "RANGE"}
    assert definition["GlobalSecondaryIndexes"][0]["IndexName"] == "gsi1"
    assert definition["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    assert definition["BillingMode"] == "PAY_PER_REQUEST"


def test_groups_drop_the_pool_reference() -> None:
    assert user_pool_groups(TEMPLATE) == [{"GroupName": "staff", "Precedence": 0}]
