"""Stage configuration: everything that differs between dev and prod, resolved once in app.py."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from aws_cdk import Environment, RemovalPolicy
from aws_cdk import aws_logs as logs

APP_NAME = "Bookstore"

# Powertools for AWS Lambda (Python) v3, the AWS-managed public layer, by release. Powertools publishes, in
# every region that has the layer, a public SSM parameter per release and Python/architecture:
# /aws/service/powertools/python/<arch>/<python>/<release> -> the layer version ARN built for that release
# (https://docs.powertools.aws.dev/lambda/python/latest/#lambda-layer; e.g. 3.23.0 is layer version 27). The
# template names the parameter of the release the tests run against, so CloudFormation resolves the right
# layer version at deploy time: no layer number is guessed here. A test keeps POWERTOOLS_VERSION equal to the
# pin in functions/requirements.txt, and the pydantic of requirements.txt inside what that release's layer
# bundles (`aws-lambda-powertools[all]`: pydantic >=2.4,<3, the patch resolved when the layer was built).
POWERTOOLS_VERSION = "3.37.0"


def powertools_layer_parameter(version: str, python: str = "python3.13", arch: str = "arm64") -> str:
    return f"/aws/service/powertools/python/{arch}/{python}/{version}"


# Regions where everything a stage uses exists: Amazon Lex V2 (the narrowest: docs/operations.md#regions
# cites the list), the Powertools layer above, Cognito with the Plus plan, WAF, X-Ray, and CloudFront standard
# logging to a bucket of the stack's region (not delivered to opt-in regions such as af-south-1, which Lex V2
# has). A stage pinned to another region fails at synth, not half-way through a deploy.
SUPPORTED_REGIONS = frozenset(
    {
        "us-east-1",
        "us-west-2",
        "ca-central-1",
        "eu-central-1",
        "eu-west-1",
        "eu-west-2",
        "ap-northeast-1",
        "ap-northeast-2",
        "ap-southeast-1",
        "ap-southeast-2",
    }
)

_ACCOUNT_RE = re.compile(r"^\d{12}$")
_REGION_RE = re.compile(r"^[a-z]{2}(-gov)?-[a-z]+-\d$")
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


# CloudWatch Logs accepts only these retention periods.
_RETENTION: Mapping[int, logs.RetentionDays] = {
    7: logs.RetentionDays.ONE_WEEK,
    14: logs.RetentionDays.TWO_WEEKS,
    30: logs.RetentionDays.ONE_MONTH,
    90: logs.RetentionDays.THREE_MONTHS,
    180: logs.RetentionDays.SIX_MONTHS,
    365: logs.RetentionDays.ONE_YEAR,
    731: logs.RetentionDays.TWO_YEARS,
}


class ConfigError(ValueError):
    """A stage name or a context override that synth cannot use."""


@dataclass(frozen=True, kw_only=True)
class FunctionSettings:
    """What every Lambda function of a stage shares (consumed by BookstoreFunctionConstruct)."""

    powertools_version: str
    log_retention: logs.RetentionDays
    log_level: str
    removal_policy: RemovalPolicy


@dataclass(frozen=True, kw_only=True)
class StageConfig:
    name: str
    account: str | None = None
    region: str | None = None
    # Stateful resources: tables, buckets, the user pool.
    removal_policy: RemovalPolicy
    auto_delete_objects: bool
    deletion_protection: bool
    point_in_time_recovery: bool
    # Cognito Plus plan with threat protection enforced (compromised credentials, adaptive auth).
    threat_protection: bool
    # Staff actions (the API's staff routes, the bot's RegisterUser / EditUser) are refused to a staff member
    # whose Cognito user has no TOTP enabled (STAFF_MFA_REQUIRED of the API and fulfillment functions). The pool's
    # MFA stays OPTIONAL either way: customers are never forced.
    staff_mfa_required: bool
    # Stacks refuse deletion. Off for the first deployment of a stage (`-c firstDeployment=true`): a failed
    # first create leaves a ROLLBACK_COMPLETE stack that the CDK CLI must delete before it can create it again,
    # and termination protection refuses that delete (docs/operations.md#first-deployment).
    termination_protection: bool
    first_deployment: bool = False
    # Context keys the stage refuses to synthesize without: prod names its account and region (so a region of
    # SUPPORTED_REGIONS), its SES sender (`emailFrom`) and where alarms go (alarms that e-mail nobody are not
    # alarms).
    required_context: tuple[str, ...] = ()
    # Cognito sends its e-mails through Amazon SES from this verified identity; None: Cognito's own sender,
    # limited to a few dozen e-mails a day (fine for dev, never for prod: `emailFrom` is required there).
    email_from: str | None = None
    # The shop is open for business: alarms that only make sense with real customers (no orders for hours)
    # notify the topic. Before launch they still change state on the dashboard, but page nobody.
    launched: bool = False
    # Operations.
    log_retention_days: int
    log_level: str
    powertools_version: str = POWERTOOLS_VERSION
    noncurrent_image_versions_days: int
    access_logs_retention_days: int
    alarm_email: str | None = None
    # The API's CORS allows only the web front end's origin: the CloudFront distribution's own domain,
    # unless a custom domain serves it (`-c frontendOrigin=https://shop.example.com`).
    frontend_origin: str | None = None
    # A custom domain for the web front end (`-c domainName=shop.example.com -c certificateArn=arn:aws:acm:...`):
    # the distribution answers it with that ACM certificate (CloudFront takes certificates from us-east-1 only) and
    # a viewer policy of TLSv1.2_2021; the API's CORS origin then defaults to https://<domainName>.
    domain_name: str | None = None
    certificate_arn: str | None = None
    # IAM roles besides the chat function's that may talk to the bot's `live` alias (operators, support tooling):
    # `-c operatorRoles=arn:aws:iam::123456789012:role/BookstoreOperator,...`. The alias's resource policy denies
    # everyone else (docs/bot.md#who-may-call-the-bot).
    operator_role_arns: tuple[str, ...] = ()
    api_rate_limit: int  # requests per second, stage-wide
    api_burst_limit: int
    waf_rate_limit: int  # requests per 5 minutes from one IP before WAF answers 429

    @property
    def is_production(self) -> bool:
        return self.name == "prod"

    @property
    def stack_termination_protection(self) -> bool:
        return self.termination_protection and not self.first_deployment

    def stack_name(self, component: str) -> str:
        return f"{APP_NAME}-{self.name}-{component}"

    @property
    def env(self) -> Environment | None:
        """None keeps stacks environment-agnostic, so synth needs no credentials."""
        if self.account is None and self.region is None:
            return None
        return Environment(account=self.account, region=self.region)

    @property
    def log_retention(self) -> logs.RetentionDays:
        return _RETENTION[self.log_retention_days]

    @property
    def function_settings(self) -> FunctionSettings:
        return FunctionSettings(
            powertools_version=self.powertools_version,
            log_retention=self.log_retention,
            log_level=self.log_level,
            removal_policy=self.removal_policy,
        )


STAGES: Mapping[str, StageConfig] = {
    "dev": StageConfig(
        name="dev",
        removal_policy=RemovalPolicy.DESTROY,
        auto_delete_objects=True,
        deletion_protection=False,
        point_in_time_recovery=False,
        threat_protection=False,
        staff_mfa_required=False,
        termination_protection=False,
        log_retention_days=14,
        log_level="DEBUG",
        noncurrent_image_versions_days=7,
        access_logs_retention_days=30,
        api_rate_limit=20,
        api_burst_limit=40,
        waf_rate_limit=500,
    ),
    "prod": StageConfig(
        name="prod",
        removal_policy=RemovalPolicy.RETAIN,
        auto_delete_objects=False,
        deletion_protection=True,
        point_in_time_recovery=True,
        threat_protection=True,
        staff_mfa_required=True,
        termination_protection=True,
        required_context=("account", "region", "emailFrom", "alarmEmail"),
        log_retention_days=365,
        log_level="INFO",
        noncurrent_image_versions_days=90,
        access_logs_retention_days=365,
        api_rate_limit=200,
        api_burst_limit=400,
        waf_rate_limit=2000,
    ),
}

# Context keys a deployment may set on the command line (`-c account=...`) or in cdk.json, and an example of each
# value (shown in the errors).
_EXAMPLES = {
    "account": "123456789012",
    "region": "eu-west-1",
    "alarmEmail": "ops@example.com",
    "frontendOrigin": "https://shop.example.com",
    "emailFrom": "no-reply@shop.example.com",
    "firstDeployment": "true",
    "launched": "true",
    "domainName": "shop.example.com",
    "certificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666",
    "operatorRoles": "arn:aws:iam::123456789012:role/BookstoreOperator",
}
_OVERRIDES = tuple(_EXAMPLES)
_FLAGS = {"true": True, "false": False}
_ORIGIN_RE = re.compile(r"^https?://[a-z0-9.-]+(:\d{1,5})?$")
_DOMAIN_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
# CloudFront uses certificates from ACM in us-east-1 only:
# https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cnames-and-https-requirements.html
_CERTIFICATE_RE = re.compile(r"^arn:aws:acm:us-east-1:\d{12}:certificate/[0-9a-f-]{36}$")
_ROLE_RE = re.compile(r"^arn:aws:iam::\d{12}:role/[\w+=,.@/-]{1,512}$")


def _flag(ctx: Mapping[str, Any], key: str) -> bool:
    value = ctx.get(key, False)
    if isinstance(value, bool):
        return value
    if str(value).lower() not in _FLAGS:
        raise ConfigError(f"Context {key!r} must be true or false, got {value!r}.")
    return _FLAGS[str(value).lower()]


def _checked(ctx: Mapping[str, Any], key: str, pattern: re.Pattern[str]) -> str | None:
    value = ctx.get(key)
    if value is None:
        return None
    if not pattern.match(str(value)):
        raise ConfigError(f"Context {key!r} must look like {_EXAMPLES[key]!r}, got {value!r}.")
    return str(value)


def load_stage_config(stage: str | None, context: Mapping[str, Any] | None = None) -> StageConfig:
    """Resolve the stage named by `-c stage=...` (default dev) plus the optional overrides."""
    name = (stage or "dev").strip()
    if name not in STAGES:
        valid = ", ".join(sorted(STAGES))
        raise ConfigError(f"Unknown stage {name!r}. Valid stages: {valid} (pass -c stage=<name>).")
    config = STAGES[name]
    ctx = {k: v for k, v in (context or {}).items() if k in _OVERRIDES and v not in (None, "")}
    account = _checked(ctx, "account", _ACCOUNT_RE)
    region = _checked(ctx, "region", _REGION_RE)
    email = _checked(ctx, "alarmEmail", _EMAIL_RE)
    origin = _checked(ctx, "frontendOrigin", _ORIGIN_RE)
    email_from = _checked(ctx, "emailFrom", _EMAIL_RE)
    domain = _checked(ctx, "domainName", _DOMAIN_RE)
    certificate = ctx.get("certificateArn")
    if (domain is None) != (certificate is None):
        raise ConfigError(
            "A custom domain needs both -c domainName=shop.example.com and -c certificateArn=<an ACM certificate "
            "in us-east-1 for that name> (CloudFront takes certificates from us-east-1 only)."
        )
    if certificate is not None and not _CERTIFICATE_RE.match(str(certificate)):
        raise ConfigError(
            f"Context 'certificateArn' must be an ACM certificate in us-east-1 (CloudFront uses no other region), "
            f"like {_EXAMPLES['certificateArn']!r}, got {certificate!r}."
        )
    operators = tuple(r.strip() for r in str(ctx.get("operatorRoles", "")).split(",") if r.strip())
    for role in operators:
        if not _ROLE_RE.match(role):
            raise ConfigError(
                f"Context 'operatorRoles' must list IAM role ARNs like {_EXAMPLES['operatorRoles']!r}, got {role!r}."
            )
    if origin is None and domain is not None:
        origin = f"https://{domain}"
    if region is not None and region not in SUPPORTED_REGIONS:
        raise ConfigError(
            f"Region {region!r} lacks a service this app needs (Amazon Lex V2, the Powertools layer, Cognito Plus). "
            f"Supported regions: {', '.join(sorted(SUPPORTED_REGIONS))}."
        )
    missing = [f"-c {key}={_EXAMPLES[key]}" for key in config.required_context if key not in ctx]
    if missing:
        raise ConfigError(
            f"Stage {name!r} must name its account, region, e-mail sender (an SES-verified identity) and the "
            "address alarms go to: pass " + " ".join(missing) + " (docs/operations.md#first-deployment)."
        )
    return replace(
        config,
        frontend_origin=origin if origin is not None else config.frontend_origin,
        domain_name=domain,
        certificate_arn=str(certificate) if certificate is not None else None,
        operator_role_arns=operators,
        account=account,
        region=region,
        alarm_email=email,
        email_from=email_from,
        first_deployment=_flag(ctx, "firstDeployment"),
        launched=_flag(ctx, "launched"),
    )
