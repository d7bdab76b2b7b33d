"""cfn-lint on every synthesized template of both stages: zero errors and zero warnings."""

from __future__ import annotations

from cfnlint.api import ManualArgs, lint_file


def test_every_template_passes_cfn_lint(stage) -> None:
    paths = stage.template_paths()
    assert len(paths) == len(stage.templates)
    findings = []
    for path in paths:
        for match in lint_file(path, ManualArgs(regions=["us-east-1", "eu-west-1"])):
            findings.append(f"{path.name}: {match.rule.id} {match.message} (line {match.linenumber})")
    assert findings == []
