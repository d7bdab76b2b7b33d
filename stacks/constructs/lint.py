"""Targeted cfn-lint exceptions, one rule on one resource, for template shapes CDK itself renders."""

from __future__ import annotations

from aws_cdk import CfnResource, Stack

# CDK renders `DependsOn: <role>` next to `Role: !GetAtt <role>.Arn` for every function it creates
# (Function and the auto-delete-objects provider alike). The duplicate is harmless and not ours to
# remove, so W3005 is ignored on exactly those resources rather than for the whole template.
REDUNDANT_ROLE_DEPENDENCY = "W3005"


def ignore_cfn_lint_rule(resource: CfnResource, rule: str) -> None:
    existing = resource.get_metadata("cfn-lint") or {}
    checks = list(existing.get("config", {}).get("ignore_checks", []))
    if rule not in checks:
        checks.append(rule)
    resource.add_metadata("cfn-lint", {"config": {"ignore_checks": checks}})


def ignore_redundant_role_dependency_of_auto_delete_provider(stack: Stack) -> None:
    """The auto-delete-objects provider (one per stack with an auto-deleted bucket) has the same shape."""
    provider = stack.node.try_find_child("Custom::S3AutoDeleteObjectsCustomResourceProvider")
    handler = provider.node.try_find_child("Handler") if provider is not None else None
    if isinstance(handler, CfnResource):
        ignore_cfn_lint_rule(handler, REDUNDANT_ROLE_DEPENDENCY)
