"""Trust at the edges: only the chat function (and named operators) may talk to the bot's live alias; the site's
Content-Security-Policy names this stage's endpoints only; a custom domain gets TLSv1.2_2021."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from stacks.api_stack import BOT_RUNTIME_ACTIONS
from stacks.app import build_app
from stacks.config import ConfigError, load_stage_config
from tests.support.synth import EXAMPLE_CONTEXT, new_app

CERTIFICATE = "arn:aws:acm:us-east-1:111111111111:certificate/0a1b2c3d-1111-2222-3333-444455556666"
OPERATOR = "arn:aws:iam::111111111111:role/BookstoreOperator"


def resources(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == kind}


def test_only_the_chat_function_may_call_the_live_alias(stage) -> None:
    api = stage.template("Api")
    [policy] = resources(api, "AWS::Lex::ResourcePolicy").values()
    [statement] = policy["Properties"]["Policy"]["Statement"]
    assert (statement["Effect"], statement["Principal"]) == ("Deny", "*")
    assert set(statement["Action"]) == set(BOT_RUNTIME_ACTIONS) >= {"lex:RecognizeText", "lex:PutSession"}
    # on the live alias, the one the chat function calls
    chat_role = next(k for k in resources(api, "AWS::IAM::Role") if k.startswith("ChatFunction"))
    chat_grant = next(
        s
        for p in resources(api, "AWS::IAM::Policy").values()
        for s in p["Properties"]["PolicyDocument"]["Statement"]
        if "lex:RecognizeText" in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])
    )
    assert policy["Properties"]["ResourceArn"] == statement["Resource"] == chat_grant["Resource"]
    # everyone but the chat function's role is denied
    assert statement["Condition"] == {"ArnNotEquals": {"aws:PrincipalArn": [{"Fn::GetAtt": [chat_role, "Arn"]}]}}


def test_operator_roles_are_the_only_others_allowed(tmp_path: Path) -> None:
    app, config = new_app("dev", tmp_path, operatorRoles=f"{OPERATOR}, arn:aws:iam::111111111111:role/Support")
    stacks = build_app(app, config)
    template = app.synth().get_stack_by_name(stacks.api.stack_name).template
    [policy] = resources(template, "AWS::Lex::ResourcePolicy").values()
    allowed = policy["Properties"]["Policy"]["Statement"][0]["Condition"]["ArnNotEquals"]["aws:PrincipalArn"]
    assert allowed[1:] == [OPERATOR, "arn:aws:iam::111111111111:role/Support"]


@pytest.mark.parametrize("bad", ["BookstoreOperator", "arn:aws:iam::111111111111:user/bob", "arn:aws:iam::1:role/x"])
def test_an_operator_that_is_not_a_role_arn_is_refused(bad: str) -> None:
    with pytest.raises(ConfigError, match="operatorRoles"):
        load_stage_config("dev", {"operatorRoles": bad})


def content_security_policy(stage) -> str:
    [policy] = resources(stage.template("Frontend"), "AWS::CloudFront::ResponseHeadersPolicy").values()
    value = policy["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]["ContentSecurityPolicy"][
        "ContentSecurityPolicy"
    ]
    return json.dumps(value)  # a Fn::Join of the region and the bucket's name, as text


def test_the_csp_names_this_stages_endpoints_and_bucket_only(stage) -> None:
    policy = content_security_policy(stage)
    assert "https://*.amazonaws.com" not in policy
    for fragment in ("https://*.execute-api.", "https://cognito-idp.", ".s3."):
        assert fragment in policy
    if stage.config.region:  # prod names its region: the endpoints are that region's
        assert f"cognito-idp.{stage.config.region}.amazonaws.com" in policy
        assert f"execute-api.{stage.config.region}.amazonaws.com" in policy
    else:
        assert '{"Ref": "AWS::Region"}' in policy
    assert "ImagesBucket" in policy  # the Data stack's bucket, by its name
    assert "unsafe-inline" not in policy
    assert "script-src 'self';" in policy


def test_the_default_certificate_is_acknowledged_and_a_custom_domain_gets_tls_1_2(stage, tmp_path: Path) -> None:
    [distribution] = resources(stage.template("Frontend"), "AWS::CloudFront::Distribution").values()
    assert "ViewerCertificate" not in distribution["Properties"]["DistributionConfig"]

    context = {**EXAMPLE_CONTEXT.get(stage.config.name, {}), "domainName": "shop.example.com"}
    app, config = new_app(stage.config.name, tmp_path, **context, certificateArn=CERTIFICATE)
    stacks = build_app(app, config)
    frontend = app.synth().get_stack_by_name(stacks.frontend.stack_name).template
    [custom] = resources(frontend, "AWS::CloudFront::Distribution").values()
    settings = custom["Properties"]["DistributionConfig"]
    assert settings["Aliases"] == ["shop.example.com"]
    assert settings["ViewerCertificate"] == {
        "AcmCertificateArn": CERTIFICATE,
        "MinimumProtocolVersion": "TLSv1.2_2021",
        "SslSupportMethod": "sni-only",
    }
    assert config.frontend_origin == "https://shop.example.com"  # the API's CORS origin follows


@pytest.mark.parametrize(
    ("context", "message"),
    [
        ({"domainName": "shop.example.com"}, "needs both"),
        ({"certificateArn": CERTIFICATE}, "needs both"),
        (
            {
                "domainName": "shop.example.com",
                "certificateArn": CERTIFICATE.replace("us-east-1", "eu-west-1"),
            },
            "us-east-1",
        ),
        ({"domainName": "Shop Example", "certificateArn": CERTIFICATE}, "domainName"),
    ],
)
def test_a_custom_domain_needs_a_us_east_1_certificate(context: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_stage_config("dev", context)
