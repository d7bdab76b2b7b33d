"""Stage selection: names, defaults, overrides and the error for an unknown stage."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from aws_cdk import RemovalPolicy

from stacks.config import STAGES, ConfigError, load_stage_config
from tests.support.synth import EXAMPLE_CONTEXT

ROOT = Path(__file__).resolve().parents[2]


def test_default_stage_is_dev() -> None:
    assert load_stage_config(None).name == "dev"


def test_stack_names_carry_the_stage() -> None:
    assert load_stage_config("prod", EXAMPLE_CONTEXT["prod"]).stack_name("Data") == "Bookstore-prod-Data"


def test_unknown_stage_error_lists_the_valid_ones() -> None:
    with pytest.raises(ConfigError, match=r"Unknown stage 'qa'\. Valid stages: dev, prod"):
        load_stage_config("qa")


def test_app_exits_with_a_clear_message_for_an_unknown_stage(tmp_path) -> None:
    env = {**os.environ, "CDK_OUTDIR": str(tmp_path), "CDK_CONTEXT_JSON": json.dumps({"stage": "staging"})}
    result = subprocess.run(
        [sys.executable, "app.py"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode != 0
    assert "Unknown stage 'staging'. Valid stages: dev, prod" in result.stderr
    assert not list(tmp_path.glob("*.template.json"))


def test_prod_retains_and_protects_and_dev_destroys() -> None:
    prod, dev = STAGES["prod"], STAGES["dev"]
    assert prod.removal_policy == RemovalPolicy.RETAIN
    assert prod.deletion_protection
    assert prod.point_in_time_recovery
    assert dev.removal_policy == RemovalPolicy.DESTROY
    assert dev.auto_delete_objects
    assert prod.log_retention_days > dev.log_retention_days


def test_stacks_are_environment_agnostic_unless_an_account_is_given() -> None:
    assert load_stage_config("dev").env is None
    env = load_stage_config("prod", {**EXAMPLE_CONTEXT["prod"], "account": "123456789012"}).env
    assert env is not None
    assert (env.account, env.region) == ("123456789012", "eu-west-1")


def test_every_stage_log_retention_is_one_cloudwatch_accepts() -> None:
    for config in STAGES.values():
        assert config.log_retention is not None


@pytest.mark.parametrize(
    ("key", "value"),
    [("account", "12345"), ("region", "mars-1"), ("alarmEmail", "not-an-email")],
)
def test_bad_context_override_is_rejected_with_its_name(key, value) -> None:
    with pytest.raises(ConfigError, match=key):
        load_stage_config("dev", {key: value})
