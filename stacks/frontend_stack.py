"""The web front end: a private S3 bucket behind CloudFront (origin access control, security headers).

Deployed before the API so the API's CORS origin can be the distribution's domain; the runtime
`config.json` (API URL, user pool, client id, region) is written by `SiteConfigConstruct` from the API
stack, once the API exists. See docs/decisions.md ("Front end and API: who depends on whom").

The distribution also serves the product covers: a behaviour for `books/*` whose origin is the Data stack's
private images bucket, read through origin access control (the bucket's policy is the Data stack's). The site's
public base URL goes to an SSM parameter the bot's code hook reads at run time for its cards' `imageUrl`
(docs/decisions.md, "Card covers through the front end's distribution").
"""

from __future__ import annotations

from typing import Any, cast

from aws_cdk import (
    Acknowledgment,
    Annotations,
    CfnElement,
    CfnOutput,
    CrossStackReferences,
    Duration,
    ReferenceStrength,
    Stack,
    Validations,
)
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_deployment as s3deploy
from aws_cdk import aws_ssm as ssm
from constructs import Construct

from stacks.config import StageConfig
from stacks.constructs.buckets import content_bucket, log_bucket
from stacks.constructs.lint import ignore_redundant_role_dependency_of_auto_delete_provider
from stacks.constructs.site_deployment import acknowledge_deployment_provider
from stacks.site_policy import (
    CONFIG_FILE,
    COVERS_PREFIX,
    PERMISSIONS_POLICY,
    SITE_DIR,
    content_security_policy,
    site_url_parameter,
    stage_endpoints,
)

OUTPUT_SITE_URL = "SiteUrl"
# What CDK warns about when an OAC origin's bucket is not of this stack: it cannot add the read to that bucket's
# policy. The Data stack's policy has it (stacks/data_stack.py, covers_read_statement).
IMPORTED_BUCKET_POLICY_WARNING = "@aws-cdk/aws-cloudfront-origins:updateImportedBucketPolicyOac"


class FrontendStack(Stack):
    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        config: StageConfig,
        images_bucket: s3.IBucket,
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, id_, **kwargs)
        self._config = config

        self._build_buckets()
        self.headers_policy = self._build_security_headers(images_bucket)
        self.distribution = self._build_distribution()
        self._serve_covers(images_bucket)
        self._acknowledge_distribution()
        # A replaced distribution has a new domain and id: the Api stack reads them with Fn::GetStackOutput, not
        # an export that CloudFormation would refuse to change while the Api stack imports it.
        CrossStackReferences.of(self.distribution).produce(ReferenceStrength.WEAK)
        self.origin = f"https://{self.distribution.distribution_domain_name}"

        self._deploy_site()
        self.site_url = self._build_site_url_parameter()
        self._add_outputs()

    def _build_buckets(self) -> None:
        config = self._config
        # CloudFront standard logs are delivered with ACLs, so they need a bucket that allows them
        # (the shared access-log bucket enforces bucket-owner ownership and cannot take them).
        self.cdn_logs_bucket = log_bucket(
            self,
            "CdnLogsBucket",
            config=config,
            object_ownership=s3.ObjectOwnership.OBJECT_WRITER,
            lifecycle_rule_id="ExpireCdnLogs",
            why_not_logged="This bucket is the CloudFront standard-log destination; its own access logs would only "
            "record CloudFront's log deliveries.",
        )
        # The site bucket's server access logs go to this stack's log bucket: in the same stack, the log-delivery
        # statement of its policy names the source bucket and account (aws:SourceArn, aws:SourceAccount), which
        # CDK cannot write for a source bucket in another stack.
        self.site_bucket = content_bucket(
            self,
            "SiteBucket",
            config=config,
            access_logs=self.cdn_logs_bucket,
            access_logs_prefix="site-access/",
            lifecycle_rule_id="ExpireOldSiteVersions",
        )

    def _build_security_headers(self, images_bucket: s3.IBucket) -> cloudfront.ResponseHeadersPolicy:
        config = self._config
        connect, images = stage_endpoints(self.region, images_bucket.bucket_name)
        return cloudfront.ResponseHeadersPolicy(
            self,
            "SecurityHeaders",
            comment=f"Bookstore {config.name}: security headers for the web front end",
            security_headers_behavior=cloudfront.ResponseSecurityHeadersBehavior(
                content_security_policy=cloudfront.ResponseHeadersContentSecurityPolicy(
                    # Only this stage's region's API Gateway and Cognito endpoints and its images bucket.
                    content_security_policy=content_security_policy(connect=connect, images=images),
                    override=True,
                ),
                strict_transport_security=cloudfront.ResponseHeadersStrictTransportSecurity(
                    access_control_max_age=Duration.days(730), include_subdomains=True, preload=True, override=True
                ),
                content_type_options=cloudfront.ResponseHeadersContentTypeOptions(override=True),
                frame_options=cloudfront.ResponseHeadersFrameOptions(
                    frame_option=cloudfront.HeadersFrameOption.DENY, override=True
                ),
                referrer_policy=cloudfront.ResponseHeadersReferrerPolicy(
                    referrer_policy=cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override=True
                ),
                xss_protection=cloudfront.ResponseHeadersXSSProtection(protection=False, override=True),
            ),
            custom_headers_behavior=cloudfront.ResponseCustomHeadersBehavior(
                custom_headers=[
                    cloudfront.ResponseCustomHeader(
                        header="Permissions-Policy", value=PERMISSIONS_POLICY, override=True
                    ),
                    cloudfront.ResponseCustomHeader(
                        header="Cross-Origin-Opener-Policy", value="same-origin", override=True
                    ),
                ]
            ),
        )

    def _build_distribution(self) -> cloudfront.Distribution:
        config = self._config
        return cloudfront.Distribution(
            self,
            "Distribution",
            comment=f"Bookstore {config.name} web front end",
            default_root_object="index.html",
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.S3BucketOrigin.with_origin_access_control(self.site_bucket),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                allowed_methods=cloudfront.AllowedMethods.ALLOW_GET_HEAD,
                cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
                response_headers_policy=self.headers_policy,
                compress=True,
            ),
            # Hash routes (#/orders) need no rewrite; an unknown path gets the app's own not-found page.
            error_responses=[
                cloudfront.ErrorResponse(
                    http_status=404, response_http_status=404, response_page_path="/404.html", ttl=Duration.minutes(5)
                ),
                cloudfront.ErrorResponse(
                    # OAC answers 403 for a missing key (the distribution may not list the bucket).
                    http_status=403,
                    response_http_status=404,
                    response_page_path="/404.html",
                    ttl=Duration.minutes(5),
                ),
            ],
            http_version=cloudfront.HttpVersion.HTTP2_AND_3,
            **self._custom_domain(config),
            price_class=cloudfront.PriceClass.PRICE_CLASS_100,
            enable_logging=True,
            log_bucket=self.cdn_logs_bucket,
            log_file_prefix="cloudfront/",
        )

    def _acknowledge_distribution(self) -> None:
        for rule, reason in (
            (
                "AwsSolutions-CFR1",
                "A web shop sells to every country it ships to; geographic restriction is a business decision "
                "made per market, not a default.",
            ),
            (
                "AwsSolutions-CFR2",
                "The distribution serves only public static files (no forms, no API); the REST API it calls has "
                "its own regional WAF with rate limiting and the AWS managed rule groups.",
            ),
        ):
            Validations.of(self.distribution).acknowledge(Acknowledgment(id=rule, reason=reason))
        if self._config.certificate_arn is None:
            rule, reason = (
                "AwsSolutions-CFR4",
                "With the default *.cloudfront.net certificate CloudFront fixes the viewer security policy at "
                "TLSv1 (browsers negotiate TLS 1.3 anyway); a stage with a custom domain (-c domainName= "
                "-c certificateArn=) gets its certificate and TLSv1.2_2021.",
            )
            Validations.of(self.distribution).acknowledge(Acknowledgment(id=rule, reason=reason))

    def _deploy_site(self) -> None:
        # The static files; config.json is excluded so this deployment never prunes the one the API stack writes.
        self.site_deployment = s3deploy.BucketDeployment(
            self,
            "SiteDeployment",
            sources=[s3deploy.Source.asset(str(SITE_DIR), exclude=[CONFIG_FILE, "*.md"])],
            destination_bucket=self.site_bucket,
            exclude=[CONFIG_FILE],
            prune=True,
            distribution=self.distribution,
            distribution_paths=["/*"],
            cache_control=[s3deploy.CacheControl.from_string("public, max-age=300, must-revalidate")],
            memory_limit=256,
        )
        ignore_redundant_role_dependency_of_auto_delete_provider(self)
        bucket_id = self.get_logical_id(cast(CfnElement, self.site_bucket.node.default_child))
        acknowledge_deployment_provider(self, site_bucket_objects=f"<{bucket_id}.Arn>/*")

    def _build_site_url_parameter(self) -> ssm.StringParameter:
        config = self._config
        # The site's public URL (the custom domain's when one serves it: the web chat then shows covers from its own
        # origin, which its Content-Security-Policy allows), read at run time by the bot's code hook: the Bot stack
        # deploys before this one and needs no reference to it (docs/decisions.md).
        return ssm.StringParameter(
            self,
            "SiteUrlParameter",
            parameter_name=site_url_parameter(config.name),
            string_value=config.frontend_origin or self.origin,
            description=f"Bookstore {config.name}: the web front end's public base URL (covers at <url>/books/...)",
            tier=ssm.ParameterTier.STANDARD,
        )

    def _add_outputs(self) -> None:
        CfnOutput(self, OUTPUT_SITE_URL, value=self.origin, description="The web front end").override_logical_id(
            OUTPUT_SITE_URL
        )
        CfnOutput(self, "SiteBucketName", value=self.site_bucket.bucket_name).override_logical_id("SiteBucketName")
        CfnOutput(self, "DistributionId", value=self.distribution.distribution_id).override_logical_id("DistributionId")

    def _custom_domain(self, config: StageConfig) -> dict[str, Any]:
        """The distribution's own name and certificate, when the stage has a custom domain: TLSv1.2_2021 at least
        (the default *.cloudfront.net certificate keeps TLSv1). SNI only: no dedicated IP addresses to pay for."""
        if config.domain_name is None or config.certificate_arn is None:
            return {}
        return {
            "domain_names": [config.domain_name],
            "certificate": acm.Certificate.from_certificate_arn(self, "Certificate", config.certificate_arn),
            "minimum_protocol_version": cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
            "ssl_support_method": cloudfront.SSLMethod.SNI,
        }

    def _serve_covers(self, images_bucket: s3.IBucket) -> None:
        """`/books/*` from the private images bucket: read-only (GET/HEAD, s3:GetObject), through its own origin
        access control, with the site's security headers. Uploads have unique keys, so the optimized caching
        needs no invalidation."""
        # The bucket by name, as this stack sees it: CDK then leaves its policy alone (the Data stack owns it);
        # an OAC origin on the Data stack's own construct would put this distribution's id into that policy, and
        # the two stacks would depend on each other.
        covers = s3.Bucket.from_bucket_attributes(self, "ProductImagesBucket", bucket_name=images_bucket.bucket_name)
        self.distribution.add_behavior(
            f"/{COVERS_PREFIX}*",
            origins.S3BucketOrigin.with_origin_access_control(
                covers, origin_access_levels=[cloudfront.AccessLevel.READ]
            ),
            viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
            allowed_methods=cloudfront.AllowedMethods.ALLOW_GET_HEAD,
            cached_methods=cloudfront.CachedMethods.CACHE_GET_HEAD,
            cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
            response_headers_policy=self.headers_policy,
            compress=True,
        )
        Annotations.of(self.distribution).acknowledge_warning(
            IMPORTED_BUCKET_POLICY_WARNING,
            "The images bucket's policy, in the Data stack, grants CloudFront s3:GetObject on books/* "
            "(covers_read_statement).",
        )
