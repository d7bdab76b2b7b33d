"""FrontendStack: a private bucket only CloudFront can read (OAC), security headers, the site deployment."""

from __future__ import annotations

import json

from tests.infrastructure.conftest import masked
from tests.support.templates import logical_id, of_type, resource


def _distribution(template: dict) -> dict:
    [distribution] = of_type(template, "AWS::CloudFront::Distribution").values()
    return distribution["Properties"]["DistributionConfig"]


def test_site_bucket_blocks_every_kind_of_public_access(stage) -> None:
    props = resource(stage.template("Frontend"), "SiteBucket", "AWS::S3::Bucket")["Properties"]
    assert props["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert props["OwnershipControls"] == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    assert "WebsiteConfiguration" not in props  # served only through CloudFront, never as an S3 website


def test_only_cloudfront_with_this_distribution_may_read_the_site_bucket(stage) -> None:
    template = stage.template("Frontend")
    bucket = logical_id(template, "SiteBucket")
    [policy] = [
        p["Properties"]["PolicyDocument"]["Statement"]
        for p in of_type(template, "AWS::S3::BucketPolicy").values()
        if p["Properties"]["Bucket"] == {"Ref": bucket}
    ]
    allows = [s for s in policy if s["Effect"] == "Allow"]
    assert len(allows) == 1 or all("s3:PutObject" not in json.dumps(s) for s in allows[1:])
    [read] = [s for s in allows if s["Principal"] == {"Service": "cloudfront.amazonaws.com"}]
    assert read["Action"] == "s3:GetObject"
    assert "AWS:SourceArn" in read["Condition"]["StringEquals"]
    assert logical_id(template, "Distribution") in json.dumps(read["Condition"])
    # Nobody else: no wildcard principal is ever allowed anything.
    assert not [s for s in allows if s.get("Principal") == "*" or s.get("Principal") == {"AWS": "*"}]
    denies = [s for s in policy if s["Effect"] == "Deny"]
    assert any(s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}} for s in denies)


def test_distribution_reaches_its_buckets_through_origin_access_control(stage) -> None:
    """Both origins (the site bucket; the images bucket for the covers) are S3 origins signed by an OAC."""
    template = stage.template("Frontend")
    controls = of_type(template, "AWS::CloudFront::OriginAccessControl")
    for oac in controls.values():
        assert oac["Properties"]["OriginAccessControlConfig"]["OriginAccessControlOriginType"] == "s3"
        assert oac["Properties"]["OriginAccessControlConfig"]["SigningBehavior"] == "always"
    origins = _distribution(template)["Origins"]
    assert len(origins) == 2
    assert sorted(origin["OriginAccessControlId"]["Fn::GetAtt"][0] for origin in origins) == sorted(controls)
    for origin in origins:
        assert origin["S3OriginConfig"] == {"OriginAccessIdentity": ""}  # no legacy OAI
    assert not of_type(template, "AWS::CloudFront::CloudFrontOriginAccessIdentity")


def test_distribution_redirects_to_https_and_logs(stage) -> None:
    config = _distribution(stage.template("Frontend"))
    behavior = config["DefaultCacheBehavior"]
    assert behavior["ViewerProtocolPolicy"] == "redirect-to-https"
    assert behavior["AllowedMethods"] == ["GET", "HEAD"]
    assert config["DefaultRootObject"] == "index.html"
    assert config["Logging"]["Bucket"]


def test_every_response_carries_the_security_headers(stage) -> None:
    template = stage.template("Frontend")
    [policy] = of_type(template, "AWS::CloudFront::ResponseHeadersPolicy").values()
    config = policy["Properties"]["ResponseHeadersPolicyConfig"]
    security = config["SecurityHeadersConfig"]
    policy_text = json.dumps(security["ContentSecurityPolicy"]["ContentSecurityPolicy"])  # joins region, bucket
    assert security["ContentSecurityPolicy"]["Override"] is True
    assert "frame-ancestors 'none'" in policy_text
    assert "script-src 'self';" in policy_text
    assert "unsafe-inline" not in policy_text  # what else it allows: tests/infrastructure/test_edges.py
    assert security["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31536000
    assert security["StrictTransportSecurity"]["IncludeSubdomains"] is True
    assert security["ContentTypeOptions"] == {"Override": True}
    assert security["FrameOptions"]["FrameOption"] == "DENY"
    assert security["ReferrerPolicy"]["ReferrerPolicy"] == "strict-origin-when-cross-origin"
    assert all(header["Override"] for header in security.values())
    behavior = _distribution(template)["DefaultCacheBehavior"]
    assert behavior["ResponseHeadersPolicyId"] == {
        "Ref": next(iter(of_type(template, "AWS::CloudFront::ResponseHeadersPolicy")))
    }


def test_site_files_are_deployed_without_pruning_the_config_the_api_stack_writes(stage) -> None:
    [deployment] = of_type(stage.template("Frontend"), "Custom::CDKBucketDeployment").values()
    props = deployment["Properties"]
    assert props["Prune"] is True
    assert props["Exclude"] == ["config.json"]
    assert props["DistributionPaths"] == ["/*"]


def test_site_url_is_an_output(stage) -> None:
    outputs = stage.template("Frontend")["Outputs"]
    assert outputs["SiteUrl"]["Value"] == {
        "Fn::Join": [
            "",
            ["https://", {"Fn::GetAtt": [logical_id(stage.template("Frontend"), "Distribution"), "DomainName"]}],
        ]
    }


def test_frontend_stack_matches_snapshot(stage, snapshot_json) -> None:
    assert masked(stage.template("Frontend")) == snapshot_json
