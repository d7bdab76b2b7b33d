"""The project's two kinds of S3 bucket, so their security baseline (no public access, SSE-S3, TLS only,
a lifecycle) is written once: private content buckets and log-destination buckets."""

from __future__ import annotations

from aws_cdk import Acknowledgment, Duration, Validations
from aws_cdk import aws_s3 as s3
from constructs import Construct

from stacks.config import StageConfig


def content_bucket(
    scope: Construct,
    id_: str,
    *,
    config: StageConfig,
    access_logs: s3.IBucket,
    access_logs_prefix: str,
    lifecycle_rule_id: str,
) -> s3.Bucket:
    """Versioned, bucket-owner enforced, access-logged; old versions expire after the stage's retention."""
    return s3.Bucket(
        scope,
        id_,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        encryption=s3.BucketEncryption.S3_MANAGED,
        enforce_ssl=True,
        versioned=True,
        object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        server_access_logs_bucket=access_logs,
        server_access_logs_prefix=access_logs_prefix,
        lifecycle_rules=[
            s3.LifecycleRule(
                id=lifecycle_rule_id,
                noncurrent_version_expiration=Duration.days(config.noncurrent_image_versions_days),
                expired_object_delete_marker=True,
                abort_incomplete_multipart_upload_after=Duration.days(1),
            )
        ],
        removal_policy=config.removal_policy,
        auto_delete_objects=config.auto_delete_objects,
    )


def log_bucket(
    scope: Construct,
    id_: str,
    *,
    config: StageConfig,
    object_ownership: s3.ObjectOwnership,
    lifecycle_rule_id: str,
    why_not_logged: str,
) -> s3.Bucket:
    """A log destination: SSE-S3 (log delivery supports no other), logs expire after the stage's retention.
    It has no access logs of its own; `why_not_logged` is the AwsSolutions-S1 acknowledgment's reason."""
    bucket = s3.Bucket(
        scope,
        id_,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        encryption=s3.BucketEncryption.S3_MANAGED,
        enforce_ssl=True,
        object_ownership=object_ownership,
        lifecycle_rules=[
            s3.LifecycleRule(
                id=lifecycle_rule_id,
                expiration=Duration.days(config.access_logs_retention_days),
                abort_incomplete_multipart_upload_after=Duration.days(1),
            )
        ],
        removal_policy=config.removal_policy,
        auto_delete_objects=config.auto_delete_objects,
    )
    Validations.of(bucket).acknowledge(Acknowledgment(id="AwsSolutions-S1", reason=why_not_logged))
    return bucket
