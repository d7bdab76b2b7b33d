"""Resolving a function's template environment: the intrinsic functions CDK renders, locally and against AWS."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from local.emulators.lambda_runtime import FunctionSpec
from local.world.environment import aws_resolver
from local.world.functions import Resolver, UnresolvableValue

TEMPLATES: dict[str, dict[str, Any]] = {
    "App-Data": {
        "Resources": {"UsersTable9725E9C8": {"Type": "AWS::DynamoDB::GlobalTable"}},
        "Outputs": {
            "ExportUsers": {
                "Value": {"Ref": "UsersTable9725E9C8"},
                "Export": {"Name": "App-Data:ExportsOutputRefUsersTable"},
            }
        },
    },
    "App-Api": {
        "Resources": {
            "Fn": {
                "Type": "AWS::Lambda::Function",
                "Properties": {
                    "Handler": "api.handler.lambda_handler",
                    "Environment": {
                        "Variables": {
                            "PLAIN": "x",
                            "TABLE": {"Fn::ImportValue": "App-Data:ExportsOutputRefUsersTable"},
                            "ORIGIN": {"Fn::Join": ["", ["https://", {"Fn::GetAtt": ["Dist", "DomainName"]}]]},
                            "ARN": {"Fn::Sub": "arn:${AWS::Partition}:s3:::${Bucket}/books/*"},
                            "SELECTED": {"Fn::Select": [1, ["a", {"Ref": "AWS::Region"}]]},
                        }
                    },
                },
            },
            "Dist": {"Type": "AWS::CloudFront::Distribution"},
            "Bucket": {"Type": "AWS::S3::Bucket"},
        }
    },
}
SPEC = FunctionSpec(
    stack="App-Api",
    logical_id="Fn",
    path="App-Api/Fn",
    handler="api.handler.lambda_handler",
    environment=TEMPLATES["App-Api"]["Resources"]["Fn"]["Properties"]["Environment"]["Variables"],
    timeout=3,
    memory=128,
)


def test_local_names_resolve_through_exports_joins_subs_and_selects() -> None:
    names = {
        ("App-Data", "UsersTable9725E9C8", None): "UsersTable",
        ("App-Api", "Dist", "DomainName"): "localhost:8080",
        ("App-Api", "Bucket", None): "product-images",
    }
    resolver = Resolver(
        TEMPLATES, lambda stack, logical, attribute: names[(stack, logical, attribute)], region="eu-west-1"
    )
    assert resolver.environment(SPEC) == {
        "PLAIN": "x",
        "TABLE": "UsersTable",
        "ORIGIN": "https://localhost:8080",
        "ARN": "arn:aws:s3:::product-images/books/*",
        "SELECTED": "eu-west-1",
    }


def test_an_unknown_intrinsic_is_a_clear_error() -> None:
    resolver = Resolver(TEMPLATES, lambda *_: "x")
    with pytest.raises(UnresolvableValue, match="Fn::Base64"):
        resolver.resolve({"Fn::Base64": "x"}, "App-Api")
    with pytest.raises(UnresolvableValue, match="No stack exports"):
        resolver.resolve({"Fn::ImportValue": "Nope"}, "App-Api")


class _Session:
    """A boto3 session whose CloudFormation client is the stubbed one."""

    region_name = "eu-west-1"

    def __init__(self, cloudformation: object) -> None:
        self._cloudformation = cloudformation

    def client(self, _: str) -> object:
        return self._cloudformation


def test_against_aws_exports_and_stack_resources_give_the_deployed_names() -> None:
    session = boto3.session.Session(region_name="eu-west-1", aws_access_key_id="x", aws_secret_access_key="x")
    cloudformation = session.client("cloudformation")
    stub = Stubber(cloudformation)
    stub.add_response(
        "describe_stack_resources",
        {
            "StackResources": [
                {
                    "LogicalResourceId": "UsersTable9725E9C8",
                    "PhysicalResourceId": "Bookstore-dev-Data-UsersTable-ABC",
                    "ResourceType": "AWS::DynamoDB::GlobalTable",
                    "Timestamp": "2026-11-22T00:00:00Z",
                    "ResourceStatus": "CREATE_COMPLETE",
                }
            ]
        },
        {"StackName": "App-Data"},
    )
    stub.activate()
    resolver = aws_resolver(TEMPLATES, _Session(cloudformation))
    assert resolver.resolve({"Fn::ImportValue": "App-Data:ExportsOutputRefUsersTable"}, "App-Api") == (
        "Bookstore-dev-Data-UsersTable-ABC"
    )
    with pytest.raises(UnresolvableValue, match="only Ref and exports"):
        resolver.resolve({"Fn::GetAtt": ["Dist", "DomainName"]}, "App-Api")
    stub.assert_no_pending_responses()


WEAK = {"Fn::GetStackOutput": {"StackName": "App-Data", "Region": {"Ref": "AWS::Region"}, "OutputName": "PublishUsers"}}


def test_a_weak_reference_reads_the_producing_stack_output_in_that_stack() -> None:
    templates = {
        **TEMPLATES,
        "App-Data": {**TEMPLATES["App-Data"], "Outputs": {"PublishUsers": {"Value": {"Ref": "UsersTable9725E9C8"}}}},
    }
    names: dict[tuple[str, str, str | None], str] = {("App-Data", "UsersTable9725E9C8", None): "UsersTable"}
    resolver = Resolver(templates, lambda stack, logical, attribute: names[(stack, logical, attribute)])
    assert resolver.resolve(WEAK, "App-Api") == "UsersTable"
    with pytest.raises(UnresolvableValue, match="No stack 'App-Nope' with an output 'X'"):
        resolver.resolve({"Fn::GetStackOutput": {"StackName": "App-Nope", "OutputName": "X"}}, "App-Api")


def test_against_aws_a_weak_reference_reads_the_deployed_stack_outputs() -> None:
    session = boto3.session.Session(region_name="eu-west-1", aws_access_key_id="x", aws_secret_access_key="x")
    cloudformation = session.client("cloudformation")
    stub = Stubber(cloudformation)
    stub.add_response(
        "describe_stacks",
        {
            "Stacks": [
                {
                    "StackName": "App-Data",
                    "CreationTime": "2026-11-22T00:00:00Z",
                    "StackStatus": "UPDATE_COMPLETE",
                    "Outputs": [{"OutputKey": "PublishUsers", "OutputValue": "Bookstore-dev-Data-UsersTable-ABC"}],
                }
            ]
        },
        {"StackName": "App-Data"},
    )
    stub.activate()
    resolver = aws_resolver(TEMPLATES, _Session(cloudformation))
    assert resolver.resolve(WEAK, "App-Api") == "Bookstore-dev-Data-UsersTable-ABC"
    with pytest.raises(UnresolvableValue, match="no output 'Other'"):
        resolver.resolve({"Fn::GetStackOutput": {"StackName": "App-Data", "OutputName": "Other"}}, "App-Api")
    stub.assert_no_pending_responses()
