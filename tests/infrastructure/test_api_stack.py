"""ApiStack: routes and who may call them, the stage's protections, WAF, and who may call the bot."""

from __future__ import annotations

import json

from stacks.api_stack import ROUTES
from tests.infrastructure.conftest import masked
from tests.support.api import resolver_routes
from tests.support.templates import logical_id, of_type, resource


def _methods(template: dict) -> dict[tuple[str, str], dict]:
    resources = of_type(template, "AWS::ApiGateway::Resource")

    def path_of(ref: object) -> str:
        if isinstance(ref, dict) and "Ref" in ref:
            props = resources[ref["Ref"]]["Properties"]
            return f"{path_of(props['ParentId'])}/{props['PathPart']}"
        return ""  # the root resource

    found = {}
    for method in of_type(template, "AWS::ApiGateway::Method").values():
        props = method["Properties"]
        found[(path_of(props["ResourceId"]) or "/", props["HttpMethod"])] = props
    return found


def test_every_route_is_deployed_with_the_right_authorization(dev) -> None:
    template = dev.template("Api")
    methods = _methods(template)
    authorizer = {"Ref": logical_id(template, "Authorizer")}
    for route in ROUTES:
        props = methods[(route.path, route.method)]
        if route.public:
            assert props["AuthorizationType"] == "NONE", route
        else:
            assert props["AuthorizationType"] == "COGNITO_USER_POOLS", route
            assert props["AuthorizerId"] == authorizer, route


def test_stack_routes_and_resolver_routes_agree() -> None:
    assert {(r.path, r.method) for r in ROUTES} == resolver_routes()


def test_the_functions_treat_exactly_the_stack_s_public_routes_as_public() -> None:
    import re

    from api.common import is_public

    for route in ROUTES:
        path = re.sub(r"\{[^}]+\}", "some-id", route.path)
        assert is_public(route.method, path) == route.public, (route.method, route.path)


def test_public_routes_are_only_catalog_reads() -> None:
    assert {(r.path, r.method) for r in ROUTES if r.public} == {
        ("/books", "GET"),
        ("/books/{book_id}", "GET"),
        ("/books/{book_id}/similar", "GET"),
        ("/genres", "GET"),
        ("/home", "GET"),
    }


def test_authorizer_verifies_tokens_of_this_user_pool(dev) -> None:
    authorizer = resource(dev.template("Api"), "Authorizer", "AWS::ApiGateway::Authorizer")["Properties"]
    assert authorizer["Type"] == "COGNITO_USER_POOLS"
    assert "UserPool" in json.dumps(authorizer["ProviderARNs"])


def test_stage_has_tracing_throttling_and_access_logs(stage) -> None:
    template = stage.template("Api")
    [stage_props] = [s["Properties"] for s in of_type(template, "AWS::ApiGateway::Stage").values()]
    assert stage_props["TracingEnabled"] is True
    assert logical_id(template, "AccessLogs") in json.dumps(stage_props["AccessLogSetting"]["DestinationArn"])
    assert "requestId" in stage_props["AccessLogSetting"]["Format"]
    [settings] = stage_props["MethodSettings"]
    assert settings["ThrottlingRateLimit"] == stage.config.api_rate_limit
    assert settings["ThrottlingBurstLimit"] == stage.config.api_burst_limit
    assert settings["MetricsEnabled"] is True


def _distribution_origin(stage) -> dict:
    """The CloudFront distribution's domain, read from the Frontend stack's output (a weak reference: a replaced
    distribution must not be blocked by an export in use), as a quoted header value."""
    frontend = stage.template("Frontend")
    distribution = logical_id(frontend, "Distribution")
    [output] = [
        name
        for name, o in frontend["Outputs"].items()
        if o["Value"] == {"Fn::GetAtt": [distribution, "DomainName"]} and "Export" not in o and name != "SiteUrl"
    ]
    reference = {
        "Fn::GetStackOutput": {
            "StackName": stage.config.stack_name("Frontend"),
            "Region": stage.config.region or {"Ref": "AWS::Region"},
            "OutputName": output,
        }
    }
    return {"Fn::Join": ["", ["'https://", reference, "'"]]}


def test_cors_allows_only_the_distribution_origin(stage) -> None:
    expected = _distribution_origin(stage)
    options = [m for (path, verb), m in _methods(stage.template("Api")).items() if verb == "OPTIONS"]
    assert options
    for method in options:
        [response] = method["Integration"]["IntegrationResponses"]
        assert response["ResponseParameters"]["method.response.header.Access-Control-Allow-Origin"] == expected
    for construct in (stage.stacks.api.api_function, stage.stacks.api.chat_function):
        env = stage.template("Api")["Resources"][stage.stacks.api.get_logical_id(construct.function.node.default_child)]
        origin = env["Properties"]["Environment"]["Variables"]["ALLOWED_ORIGIN"]
        assert origin == {"Fn::Join": ["", ["https://", expected["Fn::Join"][1][1]]]}


def test_gateway_errors_carry_cors_so_the_front_end_can_read_them(stage) -> None:
    responses = of_type(stage.template("Api"), "AWS::ApiGateway::GatewayResponse").values()
    by_type = {r["Properties"]["ResponseType"]: r["Properties"]["ResponseParameters"] for r in responses}
    assert set(by_type) == {"DEFAULT_4XX", "DEFAULT_5XX"}
    for parameters in by_type.values():
        assert parameters["gatewayresponse.header.Access-Control-Allow-Origin"] == _distribution_origin(stage)


def test_site_config_is_written_from_the_stack_outputs(stage) -> None:
    template = stage.template("Api")
    [deployment] = of_type(template, "Custom::CDKBucketDeployment").values()
    props = deployment["Properties"]
    assert props["Prune"] is False
    assert props["DistributionPaths"] == ["/config.json"]
    markers = json.dumps(props["SourceMarkers"])
    for expected in ("RestApi", "execute-api", "UserPool", "WebClient", "AWS::Region", "cognito-idp"):
        assert expected in markers, expected


def test_waf_has_managed_rules_and_a_rate_limit_answering_429(stage) -> None:
    template = stage.template("Api")
    [acl] = of_type(template, "AWS::WAFv2::WebACL").values()
    rules = {r["Name"]: r for r in acl["Properties"]["Rules"]}
    assert {
        "AWSManagedRulesCommonRuleSet",
        "AWSManagedRulesKnownBadInputsRuleSet",
        "AWSManagedRulesAmazonIpReputationList",
    } <= set(rules)
    rate = rules["RateLimitPerIp"]
    assert rate["Statement"]["RateBasedStatement"]["Limit"] == stage.config.waf_rate_limit
    assert rate["Action"]["Block"]["CustomResponse"]["ResponseCode"] == 429
    [association] = of_type(template, "AWS::WAFv2::WebACLAssociation").values()
    assert association["Properties"]["WebACLArn"] == {"Fn::GetAtt": [logical_id(template, "WebAcl"), "Arn"]}


def _role_actions(template: dict, role_name: str) -> set[str]:
    role_id = logical_id(template, role_name)
    actions: set[str] = set()
    for policy in of_type(template, "AWS::IAM::Policy").values():
        if {"Ref": role_id} in policy["Properties"]["Roles"]:
            for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
                action = statement["Action"]
                actions.update([action] if isinstance(action, str) else action)
    return actions


def test_only_the_chat_function_may_call_the_bot(stage) -> None:
    for template in stage.templates.values():
        for policy in of_type(template, "AWS::IAM::Policy").values():
            for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
                actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
                if any(a.startswith("lex:") for a in actions):
                    roles = json.dumps(policy["Properties"]["Roles"])
                    assert "ChatFunctionRole" in roles, roles
                    assert "LiveAliasArn" in json.dumps(statement["Resource"])
    assert "lex:RecognizeText" in _role_actions(stage.template("Api"), "ChatFunctionRole")
    assert not any(a.startswith("lex:") for a in _role_actions(stage.template("Api"), "ApiFunctionRole"))


def test_no_function_may_scan_a_table(stage) -> None:
    for template in stage.templates.values():
        for policy in of_type(template, "AWS::IAM::Policy").values():
            for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
                actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
                assert "dynamodb:Scan" not in actions
                assert "dynamodb:*" not in actions


def test_api_url_is_an_output(dev) -> None:
    assert "ApiUrl" in dev.template("Api")["Outputs"]


def test_api_stack_matches_snapshot(stage, snapshot_json) -> None:
    assert masked(stage.template("Api")) == snapshot_json
