"""Writing the front end's files to its bucket: the runtime config.json, and the acknowledgments for the
CDK-provided deployment function both stacks use."""

from __future__ import annotations

from typing import Any

from aws_cdk import Acknowledgment, CfnResource, Stack, Token, Validations
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_deployment as s3deploy
from constructs import Construct

from stacks.constructs.lint import REDUNDANT_ROLE_DEPENDENCY, ignore_cfn_lint_rule
from stacks.site_policy import CONFIG_FILE

_PROVIDER_PREFIX = "Custom::CDKBucketDeployment"


class SiteConfigConstruct(Construct):
    """Writes `config.json` (the endpoints the static app reads at start) into the site bucket and
    invalidates it on the distribution. The same files then serve every stage, and the local stack."""

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        site_bucket: s3.IBucket,
        distribution: cloudfront.IDistribution,
        settings: dict[str, Any],
        site_bucket_objects: str,
    ) -> None:
        super().__init__(scope, id_)
        self.deployment = s3deploy.BucketDeployment(
            self,
            "Deployment",
            sources=[s3deploy.Source.json_data(CONFIG_FILE, settings)],
            destination_bucket=site_bucket,
            prune=False,  # only config.json: never touch the site's other files
            distribution=distribution,
            distribution_paths=[f"/{CONFIG_FILE}"],
            cache_control=[s3deploy.CacheControl.no_cache()],
            memory_limit=256,
        )
        acknowledge_deployment_provider(Stack.of(self), site_bucket_objects=site_bucket_objects)


def _bootstrap_assets_objects(stack: Stack) -> str:
    """How cdk-nag names the CDK bootstrap bucket's objects: pseudo parameters in an environment-agnostic
    stack, the account and region themselves in a stack pinned to them."""

    def part(value: str, pseudo: str) -> str:
        return f"<{pseudo}>" if Token.is_unresolved(value) else value

    account, region = part(stack.account, "AWS::AccountId"), part(stack.region, "AWS::Region")
    return f"arn:{part(stack.partition, 'AWS::Partition')}:s3:::cdk-hnb659fds-assets-{account}-{region}/*"


def acknowledge_deployment_provider(stack: Stack, *, site_bucket_objects: str) -> None:
    """The BucketDeployment function is CDK's own singleton (one per stack); its findings are its design.
    `site_bucket_objects` is how cdk-nag names the destination bucket's objects in this stack."""
    for child in stack.node.children:
        if not child.node.id.startswith(_PROVIDER_PREFIX):
            continue
        function = child.node.default_child
        if isinstance(function, CfnResource):
            ignore_cfn_lint_rule(function, REDUNDANT_ROLE_DEPENDENCY)
        Validations.of(child).acknowledge(
            Acknowledgment(
                id="AwsSolutions-L1",
                reason="CDK's BucketDeployment provider pins its own runtime with the AWS CLI layer it bundles; "
                "it runs only during deployments.",
            )
        )
        role = child.node.try_find_child("ServiceRole")
        if role is None:
            continue
        Validations.of(role).acknowledge(
            Acknowledgment(
                id="AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
                reason="CDK's BucketDeployment provider logs with the AWS managed basic-execution policy; it only "
                "allows writing its own CloudWatch logs.",
            )
        )
        for action in ("s3:GetBucket*", "s3:GetObject*", "s3:List*", "s3:Abort*", "s3:DeleteObject*"):
            Validations.of(role).acknowledge(
                Acknowledgment(
                    id=f"AwsSolutions-IAM5[Action::{action}]",
                    reason="CDK's BucketDeployment provider syncs with grantRead / grantReadWrite on the asset and "
                    "site buckets; these action groups are what an `aws s3 sync --delete` needs.",
                )
            )
        for resource, reason in (
            (
                _bootstrap_assets_objects(stack),
                "The provider reads the uploaded asset zip from the CDK bootstrap bucket; asset keys are content "
                "hashes decided at synth, so the grant names the bucket's objects.",
            ),
            (
                site_bucket_objects,
                "The provider syncs the front end's files into the site bucket, so it writes and prunes any of its "
                "object keys.",
            ),
            (
                "*",
                "cloudfront:CreateInvalidation and GetInvalidation, which the provider calls to refresh the cache "
                "after a deployment, support no resource-level scoping on invalidation ids.",
            ),
        ):
            Validations.of(role).acknowledge(
                Acknowledgment(id=f"AwsSolutions-IAM5[Resource::{resource}]", reason=reason)
            )
