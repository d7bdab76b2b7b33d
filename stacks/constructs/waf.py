"""The REST API's firewall: a regional WAF web ACL and its association with the API's stage."""

from __future__ import annotations

from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

# AWS managed rule groups, by priority after the rate limit (0).
MANAGED_RULE_GROUPS = (
    "AWSManagedRulesAmazonIpReputationList",
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",
)


def _visibility(metric_name: str) -> wafv2.CfnWebACL.VisibilityConfigProperty:
    return wafv2.CfnWebACL.VisibilityConfigProperty(
        cloud_watch_metrics_enabled=True, metric_name=metric_name, sampled_requests_enabled=True
    )


def _managed(name: str, priority: int) -> wafv2.CfnWebACL.RuleProperty:
    return wafv2.CfnWebACL.RuleProperty(
        name=name,
        priority=priority,
        override_action=wafv2.CfnWebACL.OverrideActionProperty(none={}),
        statement=wafv2.CfnWebACL.StatementProperty(
            managed_rule_group_statement=wafv2.CfnWebACL.ManagedRuleGroupStatementProperty(vendor_name="AWS", name=name)
        ),
        visibility_config=_visibility(name),
    )


def _rate_limit(limit: int) -> wafv2.CfnWebACL.RuleProperty:
    """More than `limit` requests from one IP address in 5 minutes: 429 until the rate drops."""
    return wafv2.CfnWebACL.RuleProperty(
        name="RateLimitPerIp",
        priority=0,
        action=wafv2.CfnWebACL.RuleActionProperty(
            block=wafv2.CfnWebACL.BlockActionProperty(
                custom_response=wafv2.CfnWebACL.CustomResponseProperty(response_code=429)
            )
        ),
        statement=wafv2.CfnWebACL.StatementProperty(
            rate_based_statement=wafv2.CfnWebACL.RateBasedStatementProperty(
                limit=limit, aggregate_key_type="IP", evaluation_window_sec=300
            )
        ),
        visibility_config=_visibility("RateLimitPerIp"),
    )


class ApiWaf(Construct):
    """A regional web ACL (a per-IP rate limit, then the AWS managed IP-reputation, common and known-bad-inputs
    rule groups) associated with a REST API's stage. Its children are `WebAcl` and `WebAclAssociation`.

    Logical ids: ApiStack creates it with the id "Default". CDK leaves "Default" out of the path it derives
    logical ids from, so the two resources keep the ids they had when the stack created them itself (`WebAcl`,
    `WebAclAssociation`) and a deployed ACL is updated in place, not replaced. This keeps the construct an
    ordinary one (no pinned `override_logical_id` inside it: a second instance under another id gets ordinary
    ids of its own) and the exception visible where it is made, in the one stack that has deployed resources to
    keep. A function creating the resources in the caller's scope would keep the ids too, but would not give the
    firewall a node of its own (one place for its acknowledgments, aspects and its resources in the tree).
    """

    def __init__(
        self, scope: Construct, id_: str, *, stage: apigw.Stage, metric_name: str, rate_limit_per_ip: int
    ) -> None:
        super().__init__(scope, id_)
        self.web_acl = wafv2.CfnWebACL(
            self,
            "WebAcl",
            scope="REGIONAL",
            default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
            visibility_config=_visibility(metric_name),
            rules=[
                _rate_limit(rate_limit_per_ip),
                *(_managed(name, priority) for priority, name in enumerate(MANAGED_RULE_GROUPS, start=1)),
            ],
        )
        self.association = wafv2.CfnWebACLAssociation(
            self, "WebAclAssociation", resource_arn=stage.stage_arn, web_acl_arn=self.web_acl.attr_arn
        )
