"""cdk-nag AwsSolutions runs on the whole app, fails synth on findings, and every acknowledgment is honest."""

from __future__ import annotations

import json

import pytest
from aws_cdk import Validations
from aws_cdk import aws_s3 as s3

from stacks.app import build_app
from tests.support.synth import new_app

MIN_REASON_CHARS = 40


def test_app_synthesizes_with_no_unacknowledged_findings(stage) -> None:
    # Reaching here means synth passed validation; the report must also be free of violations.
    report = json.loads((stage.outdir / "validation-report.json").read_text())
    violations = [v for plugin in report.get("pluginReports", []) for v in plugin.get("violations", [])]
    assert violations == []


def test_unacknowledged_finding_fails_synth(tmp_path) -> None:
    app, config = new_app("dev", tmp_path)
    stacks = build_app(app, config)
    s3.Bucket(stacks.data, "CarelessBucket")  # no TLS policy, no access logs
    with pytest.raises(RuntimeError) as failure:
        app.synth()
    message = str(failure.value)
    assert "AwsSolutions-S1" in message
    assert "AwsSolutions-S10" in message
    assert "CarelessBucket" in message


def _acknowledgments(stage) -> list[tuple[str, str, str]]:
    found = []
    for stack in stage.stacks.all():
        for construct in stack.node.find_all():
            for entry in construct.node.metadata:
                if entry.type == Validations.ACKNOWLEDGED_RULES_METADATA_KEY:
                    for rule, reason in entry.data.items():
                        found.append((construct.node.path, rule, reason))
    return found


def test_each_acknowledgment_names_one_rule_on_a_resource_with_a_real_reason(stage) -> None:
    acknowledgments = _acknowledgments(stage)
    assert acknowledgments, "expected the documented acknowledgments"
    for path, rule, reason in acknowledgments:
        assert rule.count("AwsSolutions-") == 1, f"{path}: {rule} must name exactly one rule"
        assert "," not in rule, f"{path}: {rule}"
        # On a resource, not on a stack or the app.
        assert path.count("/") >= 1, f"{path}: acknowledgment is not on a resource"
        assert len(reason) >= MIN_REASON_CHARS, f"{path}: {rule} has a placeholder reason: {reason!r}"
