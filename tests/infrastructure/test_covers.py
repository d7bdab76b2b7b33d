"""Card covers on the deployed stack: the front end's distribution serves the images bucket's `books/*` keys
(a behaviour with origin access control, read-only), the bucket policy lets only CloudFront read only those keys,
and the bot's code hook finds the site's URL in the SSM parameter the Frontend stack writes, with no reference
from the Bot stack to the Frontend stack (which deploys after it)."""

from __future__ import annotations

import json
from typing import Any

from stacks.site_policy import COVERS_PREFIX, site_url_parameter
from tests.support.templates import logical_id, of_type, policy_statements, render, resource

ACCOUNT = "123456789012"


def _rendered(stage, value: Any) -> Any:
    return render(value, region=stage.config.region or "eu-west-1", account=stage.config.account or ACCOUNT)


def _distribution(template: dict) -> dict:
    [distribution] = of_type(template, "AWS::CloudFront::Distribution").values()
    return distribution["Properties"]["DistributionConfig"]


def _covers_behavior(template: dict) -> dict:
    behaviors = [b for b in _distribution(template).get("CacheBehaviors", []) if b["PathPattern"] == "/books/*"]
    assert len(behaviors) == 1, f"expected one /books/* behaviour, found {behaviors}"
    return behaviors[0]


def _export_of_images_bucket_name(stage) -> str:
    """The Data stack's export of the images bucket's name (Ref), as the other stacks import it."""
    data = stage.template("Data")
    bucket = logical_id(data, "ProductImagesBucket")
    [name] = [o["Export"]["Name"] for o in data["Outputs"].values() if o["Value"] == {"Ref": bucket} and "Export" in o]
    return str(name)


def test_covers_prefix_is_the_one_of_the_code_hook_and_of_the_local_catalog() -> None:
    from bot_fulfillment import cards
    from local.world.covers import cover_key

    assert COVERS_PREFIX == cards.COVERS_PREFIX == "books/"
    assert cover_key("dracula-bram-stoker") == "books/covers/dracula-bram-stoker.png"  # one per book
    assert cover_key("dracula-bram-stoker").startswith(COVERS_PREFIX)


def test_covers_behaviour_reads_the_images_bucket_through_its_own_origin_access_control(stage) -> None:
    template = stage.template("Frontend")
    behavior = _covers_behavior(template)
    assert behavior["AllowedMethods"] == ["GET", "HEAD"]  # read-only: no PUT/POST/DELETE reaches the bucket
    assert behavior["ViewerProtocolPolicy"] == "redirect-to-https"
    assert behavior["ResponseHeadersPolicyId"] == {"Ref": logical_id(template, "SecurityHeaders")}
    [origin] = [o for o in _distribution(template)["Origins"] if o["Id"] == behavior["TargetOriginId"]]
    # The images bucket of the Data stack (its regional endpoint), not the site bucket.
    [bucket_name, *endpoint] = _rendered(stage, origin["DomainName"])["Fn::Join"][1]
    assert bucket_name == {"Fn::ImportValue": _export_of_images_bucket_name(stage)}
    assert "".join(endpoint) == f".s3.{stage.config.region or 'eu-west-1'}.amazonaws.com"
    assert origin["S3OriginConfig"] == {"OriginAccessIdentity": ""}
    control, attribute = origin["OriginAccessControlId"]["Fn::GetAtt"]
    assert attribute == "Id"
    oac = template["Resources"][control]
    assert oac["Type"] == "AWS::CloudFront::OriginAccessControl"
    config = oac["Properties"]["OriginAccessControlConfig"]
    assert (config["OriginAccessControlOriginType"], config["SigningBehavior"], config["SigningProtocol"]) == (
        "s3",
        "always",
        "sigv4",
    )
    # The site's default behaviour still goes to the site bucket.
    default_origin = _distribution(template)["DefaultCacheBehavior"]["TargetOriginId"]
    assert default_origin != behavior["TargetOriginId"]


def test_only_cloudfront_may_read_only_the_covers_of_the_images_bucket(stage) -> None:
    template = stage.template("Data")
    bucket = logical_id(template, "ProductImagesBucket")
    [policy] = [
        p["Properties"]["PolicyDocument"]["Statement"]
        for p in of_type(template, "AWS::S3::BucketPolicy").values()
        if p["Properties"]["Bucket"] == {"Ref": bucket}
    ]
    allows = [s for s in policy if s["Effect"] == "Allow"]
    from_cloudfront = [s for s in allows if s.get("Principal") == {"Service": "cloudfront.amazonaws.com"}]
    assert len(from_cloudfront) == 1
    [read] = from_cloudfront
    account = stage.config.account or ACCOUNT
    assert read["Action"] == "s3:GetObject"  # read-only
    assert read["Resource"] == {"Fn::Join": ["", [{"Fn::GetAtt": [bucket, "Arn"]}, f"/{COVERS_PREFIX}*"]]}
    assert _rendered(stage, read["Condition"]) == {
        "ArnLike": {"AWS:SourceArn": f"arn:aws:cloudfront::{account}:distribution/*"}  # this account's only
    }
    # Still private: no public principal, every kind of public access blocked, TLS only.
    assert not [s for s in allows if s.get("Principal") in ("*", {"AWS": "*"})]
    props = resource(template, "ProductImagesBucket", "AWS::S3::Bucket")["Properties"]
    assert all(props["PublicAccessBlockConfiguration"].values())
    assert any(s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}} for s in policy)


def test_frontend_stack_writes_the_site_url_to_the_parameter_the_code_hook_reads(stage) -> None:
    template = stage.template("Frontend")
    [parameter] = of_type(template, "AWS::SSM::Parameter").values()
    props = parameter["Properties"]
    assert props["Name"] == site_url_parameter(stage.config.name)
    assert props["Type"] == "String"
    assert props["Value"] == {
        "Fn::Join": ["", ["https://", {"Fn::GetAtt": [logical_id(template, "Distribution"), "DomainName"]}]]
    }
    [hook] = [f for k, f in of_type(stage.template("Bot"), "AWS::Lambda::Function").items() if "Fulfillment" in k]
    assert hook["Properties"]["Environment"]["Variables"]["SITE_URL_PARAMETER"] == props["Name"]


def test_code_hook_may_read_only_that_one_parameter(stage) -> None:
    statements = [s for s in policy_statements(stage.template("Bot")) if "ssm:" in json.dumps(s["Action"])]
    assert len(statements) == 1
    [statement] = statements
    assert statement["Action"] == "ssm:GetParameter"
    account = stage.config.account or ACCOUNT
    region = stage.config.region or "eu-west-1"
    assert _rendered(stage, statement["Resource"]) == (
        f"arn:aws:ssm:{region}:{account}:parameter{site_url_parameter(stage.config.name)}"
    )


def test_no_stack_cycle_the_bot_stack_does_not_depend_on_the_frontend_stack(stage) -> None:
    stacks = stage.stacks
    assert stacks.frontend not in stacks.bot.dependencies
    assert stacks.frontend not in stacks.data.dependencies
    assert stacks.data in stacks.frontend.dependencies  # the images bucket, by name (a strong reference)
    bot = json.dumps(stage.template("Bot"))
    assert stage.config.stack_name("Frontend") not in bot
