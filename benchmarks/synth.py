"""Wall time of synthesizing the whole app versus an empty CDK app, both run the way `cdk synth` runs them.

Each run is a fresh `python` process given the cdk.json context through CDK_CONTEXT_JSON and a new
CDK_OUTDIR, exactly what the CDK CLI hands the app. The empty app pays the same interpreter + jsii
start-up, so the ratio isolates what our stacks (and cdk-nag) cost.

    python -m benchmarks.synth [--runs 5] [--stage dev]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# One trivial resource: aws-cdk-lib's built-in template validation fails a stack with no resources at all.
EMPTY_APP = (
    "import aws_cdk as cdk; app = cdk.App(); stack = cdk.Stack(app, 'Empty'); "
    "cdk.CfnWaitConditionHandle(stack, 'Nothing'); app.synth()"
)


def _context(stage: str) -> str:
    from stacks.app import cdk_json_context

    return json.dumps({**cdk_json_context(), "stage": stage})


def time_once(args: list[str], stage: str) -> float:
    with tempfile.TemporaryDirectory(prefix="synth-bench-") as outdir:
        env = {**os.environ, "CDK_OUTDIR": outdir, "CDK_CONTEXT_JSON": _context(stage)}
        start = time.perf_counter()
        subprocess.run(args, cwd=ROOT, env=env, check=True, capture_output=True)
        return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="runs per variant (median reported)")
    parser.add_argument("--stage", default="dev", choices=["dev", "prod"])
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    variants = {
        "empty CDK app": [sys.executable, "-c", EMPTY_APP],
        f"bookstore app ({args.stage})": [sys.executable, "app.py"],
    }
    medians: dict[str, float] = {}
    for name, command in variants.items():
        samples = []
        for i in range(args.runs):
            samples.append(time_once(command, args.stage))
            print(f"  {name}: run {i + 1}/{args.runs} {samples[-1]:.2f} s", file=sys.stderr)
        medians[name] = statistics.median(samples)

    empty, full = medians.values()
    print(f"| variant | median of {args.runs} (s) |")
    print("|---|---|")
    for name, value in medians.items():
        print(f"| {name} | {value:.2f} |")
    print(f"\nratio bookstore / empty: {full / empty:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
