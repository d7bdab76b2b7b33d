"""Every Lambda function of every stack is built by BookstoreFunctionConstruct, with the same defaults."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from tests.support.templates import of_type

FUNCTIONS_DIR = Path(__file__).resolve().parents[2] / "functions"
# Functions CDK itself adds (not ours to configure): the S3 auto-delete-objects provider in dev, and the
# BucketDeployment provider that copies the front end and its config.json into the site bucket.
CDK_INTERNAL_PREFIXES = ("CustomS3AutoDeleteObjectsCustomResourceProvider", "CustomCDKBucketDeployment")


def _our_functions(stage) -> dict[str, dict]:
    found = {}
    for template in stage.templates.values():
        for logical_id, function in of_type(template, "AWS::Lambda::Function").items():
            if not logical_id.startswith(CDK_INTERNAL_PREFIXES):
                found[logical_id] = {**function["Properties"], "_template": template}
    assert found, "no functions found"
    return found


def test_every_function_is_python313_arm64_with_powertools_layer_and_tracing(stage) -> None:
    parameter = f"/aws/service/powertools/python/arm64/python3.13/{stage.config.powertools_version}"
    for logical_id, props in _our_functions(stage).items():
        assert props["Runtime"] == "python3.13", logical_id
        assert props["Architectures"] == ["arm64"], logical_id
        assert props["TracingConfig"] == {"Mode": "Active"}, logical_id
        [layer] = props["Layers"]
        template_parameter = props["_template"]["Parameters"][layer["Ref"]]
        assert template_parameter == {"Type": "AWS::SSM::Parameter::Value<String>", "Default": parameter}, logical_id


def test_every_function_logs_json_to_its_own_log_group_with_stage_retention(stage) -> None:
    for logical_id, props in _our_functions(stage).items():
        logging = props["LoggingConfig"]
        assert logging["LogFormat"] == "JSON", logical_id
        group_id = logging["LogGroup"]["Ref"]
        group = props["_template"]["Resources"][group_id]
        assert group["Properties"]["RetentionInDays"] == stage.config.log_retention_days, logical_id


def test_every_function_has_powertools_environment(stage) -> None:
    for logical_id, props in _our_functions(stage).items():
        env = props["Environment"]["Variables"]
        assert env["POWERTOOLS_SERVICE_NAME"], logical_id
        assert env["POWERTOOLS_METRICS_NAMESPACE"] == "Bookstore", logical_id
        assert env["POWERTOOLS_LOG_LEVEL"] == stage.config.log_level, logical_id


def test_every_function_role_has_no_managed_policies(stage) -> None:
    for logical_id, props in _our_functions(stage).items():
        role_id = props["Role"]["Fn::GetAtt"][0]
        role = props["_template"]["Resources"][role_id]["Properties"]
        assert "ManagedPolicyArns" not in role, logical_id


def test_every_handler_resolves_to_a_lambda_handler_in_functions(dev) -> None:
    for logical_id, props in _our_functions(dev).items():
        module, _, attribute = props["Handler"].rpartition(".")
        assert attribute == "lambda_handler", logical_id
        path = FUNCTIONS_DIR.joinpath(*module.split(".")).with_suffix(".py")
        assert path.is_file(), f"{logical_id}: {path} does not exist"
        assert "def lambda_handler(" in path.read_text(), logical_id
        assert importlib.util.find_spec(module) is not None


def test_function_asset_excludes_tests_and_caches(dev) -> None:
    asset_dirs = [p for p in dev.outdir.glob("asset.*") if p.is_dir() and (p / "bookstore").is_dir()]
    assert len(asset_dirs) == 1, "functions/ must be one asset shared by every function"
    files = [p.relative_to(asset_dirs[0]).as_posix() for p in asset_dirs[0].rglob("*")]
    assert "auth_triggers/post_confirmation.py" in files
    assert not [f for f in files if "__pycache__" in f or f.endswith(".pyc") or "/tests/" in f]
