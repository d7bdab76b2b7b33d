#!/usr/bin/env python3
"""CDK entry point: read the stage, build its stacks, synthesize. `cdk synth -c stage=prod` for prod."""

import sys

from aws_cdk import App

from stacks.app import build_app
from stacks.config import ConfigError, load_stage_config


def main() -> None:
    app = App()
    try:
        config = load_stage_config(app.node.try_get_context("stage"), app.node.get_all_context())
    except ConfigError as err:
        sys.exit(f"error: {err}")
    build_app(app, config)
    app.synth()


if __name__ == "__main__":
    main()
