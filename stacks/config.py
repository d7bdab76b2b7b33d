"""Stage configuration: everything that differs between dev and prod, resolved once in app.py."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from aws_cdk import Environment, RemovalPolicy
from aws_cdk import aws_logs as logs

APP_NAME = "Bookstore"

# Powertools for AWS Lambda (Python) v3, AWS-managed public layer. The layer name encodes the Python
# minor and the architecture, so it moves together with LAMBDA_PYTHON_VERSION in the function construct.
POWERTOOLS_LAYER_ACCOUNT = "017000801446"
POWERTOOLS_LAYER_NAME = "AWSLambdaPowertoolsPythonV3-python313-arm64"
POWERTOOLS_LAYER_VERSION = 27

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

    powertools_layer_version: int
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
    # Operations.
    log_retention_days: int
    log_level: str
    powertools_layer_version: int = POWERTOOLS_LAYER_VERSION
    noncurrent_image_versions_days: int
    access_logs_retention_days: int
    alarm_email: str | None = None
    # The API's CORS allows only the web front end's origin: the CloudFront distribution's own domain,
    # unless a custom domain serves it (`-c frontendOrigin=https://shop.example.com`).
    frontend_origin: str | None = None
    api_rate_limit: int  # requests per second, stage-wide
    api_burst_limit: int
    waf_rate_limit: int  # requests per 5 minutes from one IP before WAF answers 429

    @property
    def is_production(self) -> bool:
        return self.name == "prod"

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
            powertools_layer_version=self.powertools_layer_version,
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
        log_retention_days=365,
        log_level="INFO",
        noncurrent_image_versions_days=90,
        access_logs_retention_days=365,
        api_rate_limit=200,
        api_burst_limit=400,
        waf_rate_limit=2000,
    ),
}

# Context keys a deployment may set on the command line (`-c account=...`) or in cdk.json.
_OVERRIDES = ("account", "region", "alarmEmail", "frontendOrigin")
_ORIGIN_RE = re.compile(r"^https?://[a-z0-9.-]+(:\d{1,5})?$")


def load_stage_config(stage: str | None, context: Mapping[str, Any] | None = None) -> StageConfig:
    """Resolve the stage named by `-c stage=...` (default dev) plus the optional overrides."""
    name = (stage or "dev").strip()
    if name not in STAGES:
        valid = ", ".join(sorted(STAGES))
        raise ConfigError(f"Unknown stage {name!r}. Valid stages: {valid} (pass -c stage=<name>).")
    config = STAGES[name]
    ctx = {k: v for k, v in (context or {}).items() if k in _OVERRIDES and v not in (None, "")}
    account = ctx.get("account")
    if account is not None and not _ACCOUNT_RE.match(str(account)):
        raise ConfigError(f"Context 'account' must be a 12-digit AWS account id, got {account!r}.")
    region = ctx.get("region")
    if region is not None and not _REGION_RE.match(str(region)):
        raise ConfigError(f"Context 'region' must look like 'eu-west-1', got {region!r}.")
    email = ctx.get("alarmEmail")
    if email is not None and not _EMAIL_RE.match(str(email)):
        raise ConfigError(f"Context 'alarmEmail' must be an email address, got {email!r}.")
    origin = ctx.get("frontendOrigin")
    if origin is not None and not _ORIGIN_RE.match(str(origin)):
        raise ConfigError(f"Context 'frontendOrigin' must look like 'https://shop.example.com', got {origin!r}.")
    return replace(
        config,
        frontend_origin=str(origin) if origin is not None else config.frontend_origin,
        account=str(account) if account is not None else None,
        region=str(region) if region is not None else None,
        alarm_email=str(email) if email is not None else None,
    )
