"""Synthesize a stage in-process, the way `cdk synth` does (cdk.json context + `-c stage=`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aws_cdk import App

from stacks.app import BookstoreStacks, build_app, cdk_json_context
from stacks.config import StageConfig, load_stage_config

__all__ = ["EXAMPLE_CONTEXT", "SynthesizedStage", "cdk_json_context", "new_app", "synth_stage"]

# What a stage must be told to synthesize (prod names its account, region, SES sender, alarm e-mail): example values,
# the same the Makefile's lint-templates target passes.
EXAMPLE_CONTEXT: dict[str, dict[str, str]] = {
    "dev": {},
    "prod": {
        "account": "111111111111",
        "region": "eu-west-1",
        "emailFrom": "no-reply@shop.example.com",
        "alarmEmail": "ops@example.com",
    },
}


@dataclass(frozen=True)
class SynthesizedStage:
    config: StageConfig
    stacks: BookstoreStacks
    outdir: Path
    templates: dict[str, dict[str, Any]]  # stack name -> template

    def template(self, component: str) -> dict[str, Any]:
        return self.templates[self.config.stack_name(component)]

    def template_paths(self) -> list[Path]:
        return sorted(self.outdir.glob("*.template.json"))


def new_app(stage: str, outdir: Path, **extra_context: Any) -> tuple[App, StageConfig]:
    context = {**cdk_json_context(), "stage": stage, **EXAMPLE_CONTEXT.get(stage, {}), **extra_context}
    app = App(context=context, outdir=str(outdir))
    return app, load_stage_config(stage, context)


def synth_stage(stage: str, outdir: Path) -> SynthesizedStage:
    app, config = new_app(stage, outdir)
    stacks = build_app(app, config)
    assembly = app.synth()
    templates = {s.stack_name: s.template for s in assembly.stacks}
    return SynthesizedStage(config=config, stacks=stacks, outdir=outdir, templates=templates)
