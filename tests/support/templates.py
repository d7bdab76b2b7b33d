"""Reading synthesized templates: resources by type or by construct name, with clear failures."""

from __future__ import annotations

from typing import Any

from local.world.provision import logical_name, resources_of_type


def resource(template: dict[str, Any], name: str, type_: str | None = None) -> dict[str, Any]:
    """The one resource whose logical id is `name` plus CDK's 8-character hash."""
    found = {
        k: v
        for k, v in template["Resources"].items()
        if logical_name(k) == name and (type_ is None or v["Type"] == type_)
    }
    assert len(found) == 1, f"expected one resource named {name!r}, found {sorted(found)}"
    return next(iter(found.values()))


def logical_id(template: dict[str, Any], name: str) -> str:
    found = [k for k in template["Resources"] if logical_name(k) == name]
    assert len(found) == 1, f"expected one resource named {name!r}, found {found}"
    return str(found[0])


def of_type(template: dict[str, Any], type_: str) -> dict[str, dict[str, Any]]:
    return resources_of_type(template, type_)


def policy_statements(template: dict[str, Any]) -> list[dict[str, Any]]:
    statements: list[dict[str, Any]] = []
    for policy in of_type(template, "AWS::IAM::Policy").values():
        statements.extend(policy["Properties"]["PolicyDocument"]["Statement"])
    return statements


def rendered_version_hash(template: dict[str, Any]) -> str:
    """sha256 of what a bot version snapshots (its locales and the bot-level settings a version carries),
    exactly as this template carries them (canonical JSON)."""
    import hashlib
    import json

    from stacks.bot_stack import VERSIONED_BOT_PROPERTIES

    [bot] = of_type(template, "AWS::Lex::Bot").values()
    versioned = {k: bot["Properties"][k] for k in VERSIONED_BOT_PROPERTIES}
    return hashlib.sha256(json.dumps(versioned, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def render(value: Any, *, region: str, account: str, partition: str = "aws") -> Any:
    """A template value with its pseudo parameters and joins evaluated (other intrinsics left as they are)."""
    pseudo = {
        "AWS::Region": region,
        "AWS::AccountId": account,
        "AWS::Partition": partition,
        "AWS::URLSuffix": "amazonaws.com",
    }
    if isinstance(value, list):
        return [render(v, region=region, account=account, partition=partition) for v in value]
    if isinstance(value, dict):
        if set(value) == {"Ref"} and value["Ref"] in pseudo:
            return pseudo[value["Ref"]]
        if set(value) == {"Fn::Join"}:
            separator, parts = value["Fn::Join"]
            rendered = [render(p, region=region, account=account, partition=partition) for p in parts]
            if all(isinstance(p, str) for p in rendered):
                return str(separator).join(rendered)
            return {"Fn::Join": [separator, rendered]}
        return {k: render(v, region=region, account=account, partition=partition) for k, v in value.items()}
    return value
