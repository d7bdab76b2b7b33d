"""IAM action lists and grants shared by the stacks."""

from __future__ import annotations

from aws_cdk import ArnFormat, Stack
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam

# What a function that registers and edits users does in the user pool (bot code hook, staff API).
USER_ADMIN_ACTIONS = (
    "cognito-idp:AdminCreateUser",
    "cognito-idp:AdminDeleteUser",
    "cognito-idp:AdminGetUser",
    "cognito-idp:AdminUpdateUserAttributes",
    "cognito-idp:AdminDeleteUserAttributes",
    "cognito-idp:AdminAddUserToGroup",
    "cognito-idp:AdminListGroupsForUser",
    "cognito-idp:ListUsers",
)

READ_ACTIONS = ("dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:DescribeTable")
WRITE_ACTIONS = (
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:ConditionCheckItem",
)


def grant_table(
    grantee: iam.IGrantable, table: dynamodb.ITableV2, *, write: bool, indexes: tuple[str, ...] = ()
) -> None:
    """Exact grants on a table and its named indexes (CDK's grant_* would add `<table>/index/*`).

    No Scan, on purpose: no request path scans a table.
    """
    actions = READ_ACTIONS + (WRITE_ACTIONS if write else ())
    grantee.grant_principal.add_to_principal_policy(
        iam.PolicyStatement(actions=list(actions), resources=[table.table_arn])
    )
    if indexes:
        grantee.grant_principal.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["dynamodb:Query"], resources=[f"{table.table_arn}/index/{name}" for name in indexes]
            )
        )


def any_in_account(stack: Stack, service: str, resource: str) -> str:
    """`arn:<partition>:<service>:<region>:<account>:<resource>:*`: every such resource of this account and
    region, for a service principal's aws:SourceArn / encryption-context condition."""
    return stack.format_arn(
        service=service, resource=resource, resource_name="*", arn_format=ArnFormat.COLON_RESOURCE_NAME
    )
