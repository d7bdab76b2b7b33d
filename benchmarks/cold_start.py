"""Import time of each Lambda handler module against `import boto3`, each in a fresh interpreter.

A cold start runs the handler module's imports before the first event; boto3 is the yardstick because every
function needs it and the runtime provides it. Each sample is a new `python -c` process started the way
Lambda starts the function: cwd and PYTHONPATH are the asset root (functions/), the environment variables
the stacks give the functions are set (fake values and credentials: nothing leaves the machine), and
LAMBDA_TASK_ROOT / AWS_LAMBDA_FUNCTION_NAME are set so that Powertools' Tracer is *active* as in AWS (X-Ray
SDK loaded, botocore patched), not disabled as in the tests. The child times its own `import` with
perf_counter, so interpreter start-up (the same for every variant) is left out and reported apart.

Bytecode: every variant is imported once, untimed, with bytecode writing allowed (PYTHONDONTWRITEBYTECODE
is removed from the children's environment), so the timed runs load cached .pyc files: they measure imports,
not compilation. Each round times the baseline right before each handler (baseline, handler, baseline, next
handler, ...), so changes in the machine's load hit both sides; medians over the rounds are reported, of the
wall time (what a cold start waits; the target applies to it) and of the child's CPU time (less sensitive
to other processes on a shared machine).

    python -m benchmarks.cold_start [--runs 7] [--target 1.5] [--check] [--compare OLD_FUNCTIONS_DIR]
    python -m benchmarks.cold_start --why api.chat
    python -m benchmarks.cold_start --instructions [--compare OLD_FUNCTIONS_DIR]

--check exits 1 when a handler's median is above --target times the baseline's. --compare times the same
handlers from another asset root (e.g. `git archive HEAD functions | tar -x -C /tmp/before`) in the same
rounds, for before/after numbers under the same load. --why prints what a module imports beyond boto3, by
self time from `python -X importtime` (median of --runs runs, at most 5). --instructions counts the
instructions each import executes under valgrind (callgrind) instead of timing it: slow (about a minute
per variant) but exact and repeatable, so unaffected by whatever else the machine runs.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FUNCTIONS_DIR = ROOT / "functions"
BASELINE = "boto3"
# The module of every function's `handler=` in stacks/.
HANDLERS = [
    "api.handler",
    "api.chat",
    "bot_fulfillment.handler",
    "auth_triggers.post_confirmation",
    "auth_triggers.pre_sign_up",
    "recommendations.handler",
]
# Not handlers: what any handler here needs at least, to show how far the target is from the floor.
REFERENCES = {
    "boto3 + Logger, Metrics, Tracer": (
        "import boto3\nfrom bookstore.observability import logger, metrics, tracer\nassert not tracer.disabled"
    ),
    "boto3 + Logger, Metrics, Tracer + a pydantic model": (
        "import boto3\nfrom bookstore.observability import logger, metrics, tracer\n"
        "from pydantic import BaseModel\nclass Model(BaseModel):\n    name: str\n"
    ),
}
# What the functions read at import (stacks/: environment=..., the Lambda construct's Powertools variables).
FUNCTION_ENV = {
    "USERS_TABLE_NAME": "bench-users",
    "PRODUCTS_TABLE_NAME": "bench-products",
    "ORDERS_TABLE_NAME": "bench-orders",
    "RECOMMENDATIONS_TABLE_NAME": "bench-recommendations",
    "IDEMPOTENCY_TABLE_NAME": "bench-idempotency",
    "IMAGES_BUCKET_NAME": "bench-images",
    "USER_POOL_ID": "us-east-1_bench",
    "ALLOWED_ORIGIN": "https://shop.example.com",
    "BOT_ID": "BENCHBOT01",
    "BOT_ALIAS_ID": "BENCHALIAS",
    "BOT_LOCALE_ID": "en_US",
    "POWERTOOLS_SERVICE_NAME": "bench",
    "POWERTOOLS_METRICS_NAMESPACE": "Bookstore",
    "POWERTOOLS_LOG_LEVEL": "INFO",
}
FAKE_AWS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
}
# What the Lambda runtime sets (LAMBDA_TASK_ROOT, set per asset root below, is how Powertools and the X-Ray SDK
# know they run in Lambda: the Tracer stays enabled and the SDK uses its Lambda context and local sampler).
LAMBDA_RUNTIME_ENV = {
    "AWS_LAMBDA_FUNCTION_NAME": "bench-function",
    "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256",
    "AWS_EXECUTION_ENV": "AWS_Lambda_python3.13",
    "AWS_XRAY_CONTEXT_MISSING": "LOG_ERROR",
    "AWS_XRAY_DAEMON_ADDRESS": "127.0.0.1:2000",
}
# Inherited variables that would change what is measured (tests disable the Tracer; no real account).
DROPPED = ("PYTHONDONTWRITEBYTECODE", "POWERTOOLS_TRACE_DISABLED", "POWERTOOLS_DEV", "AWS_PROFILE", "PYTHONPATH")
PROJECT_PACKAGES = {path.name for path in FUNCTIONS_DIR.iterdir() if (path / "__init__.py").exists()}

TIMED = """import time
t, c = time.perf_counter(), time.process_time()
{code}
print(time.perf_counter() - t, time.process_time() - c)"""


def child_env(functions: Path = FUNCTIONS_DIR) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in DROPPED}
    root = {"LAMBDA_TASK_ROOT": str(functions), "PYTHONPATH": str(functions)}
    return {**env, **FAKE_AWS, **LAMBDA_RUNTIME_ENV, **FUNCTION_ENV, **root}


def run(code: str, env: dict[str, str], *flags: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, *flags, "-c", code]
    return subprocess.run(command, cwd=env["LAMBDA_TASK_ROOT"], env=env, check=True, capture_output=True, text=True)


def time_code(code: str, env: dict[str, str]) -> tuple[float, float]:
    """(wall, CPU) seconds the child spent running `code`."""
    wall, cpu = run(TIMED.format(code=code), env).stdout.strip().splitlines()[-1].split()
    return float(wall), float(cpu)


def time_startup(env: dict[str, str]) -> float:
    start = time.perf_counter()
    run("pass", env)
    return time.perf_counter() - start


def instructions(code: str, env: dict[str, str]) -> int:
    """Instructions the interpreter executes for `code`, counted by valgrind's callgrind (deterministic: a fixed
    hash seed, so dict and set layouts are the same in every run)."""
    command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, "-c", code]
    env = {**env, "PYTHONHASHSEED": "0"}
    done = subprocess.run(command, cwd=env["LAMBDA_TASK_ROOT"], env=env, check=True, capture_output=True, text=True)
    match = re.search(r"Collected : (\d+)", done.stderr)
    if match is None:
        raise RuntimeError(f"no instruction count from valgrind: {done.stderr[-500:]}")
    return int(match.group(1))


def count_instructions(variants: list[tuple[str, str, dict[str, str]]]) -> None:
    """One count per variant (they do not vary), less the interpreter's own start-up."""
    env = variants[0][2]
    startup = instructions("pass", env)
    counts = {label: instructions(code, variant_env) - startup for label, code, variant_env in variants}
    base = counts[BASELINE]
    print("Instructions executed by the import (valgrind callgrind), less `python -c pass`")
    print()
    print("| imported | instructions (millions) | ratio to `import boto3` |")
    print("|---|---|---|")
    for label, count in counts.items():
        name = label if label in REFERENCES else f"`{label}`"
        print(f"| {name} | {count / 1e6:.0f} | {count / base:.2f}x |")
    print(f"\nInterpreter start-up (`python -c pass`, not included above): {startup / 1e6:.0f} million")


def self_times(module: str, env: dict[str, str]) -> dict[str, int]:
    """Microseconds per module spent in its own body (not in what it imports), from `python -X importtime`."""
    costs: dict[str, int] = {}
    for line in run(f"import {module}", env, "-X", "importtime").stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+\d+ \|\s*(\S+)", line)
        if match:
            costs[match.group(2)] = int(match.group(1))
    return costs


def _group(name: str) -> str:
    parts = name.split(".")
    depth = 3 if parts[0] == "aws_lambda_powertools" else 2 if parts[0] in PROJECT_PACKAGES else 1
    return ".".join(parts[:depth])


def why(module: str, env: dict[str, str], runs: int, top: int = 30) -> None:
    """What `import module` loads that `import boto3` does not: self time per package (per module for this
    project's code, whose self time is mostly building models and resolvers), median over `runs`."""
    base = self_times(BASELINE, env)
    samples: dict[str, list[int]] = {}
    for _ in range(runs):
        groups: dict[str, int] = {}
        for name, cost in self_times(module, env).items():
            if name not in base:
                groups[_group(name)] = groups.get(_group(name), 0) + cost
        for name, cost in groups.items():
            samples.setdefault(name, []).append(cost)
    medians = {name: statistics.median(values) / 1000 for name, values in samples.items()}
    print(f"`import {module}` beyond `import {BASELINE}`: {sum(medians.values()):.1f} ms of self time")
    for name, ms in sorted(medians.items(), key=lambda item: -item[1])[:top]:
        print(f"  {ms:7.1f} ms  {name}")


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    """The command line, refused (exit 2) when it asks for fewer than one round."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7, help="rounds; each times every variant once (default 7)")
    parser.add_argument("--target", type=float, default=1.5, help="highest acceptable handler / boto3 ratio")
    parser.add_argument("--check", action="store_true", help="exit 1 if a handler's ratio is above --target")
    parser.add_argument("--functions", type=Path, default=FUNCTIONS_DIR, help="the asset root (default functions/)")
    parser.add_argument("--compare", type=Path, metavar="DIR", help="also time the handlers of this asset root")
    parser.add_argument("--why", metavar="MODULE", help="show what MODULE imports beyond boto3, then exit")
    parser.add_argument(
        "--instructions", action="store_true", help="count instructions under valgrind instead of timing (slow)"
    )
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    return args


def _variants(env: dict[str, str], compare: Path | None) -> list[tuple[str, str, dict[str, str]]]:
    """What is measured, baseline first: every handler (also from the --compare asset root), then the
    references."""
    # (label, code, environment); "label" is what the table shows.
    variants = [(BASELINE, f"import {BASELINE}", env)]
    variants += [(module, f"import {module}", env) for module in HANDLERS]
    if compare:
        other = child_env(compare.resolve())
        variants += [(f"{module} ({compare})", f"import {module}", other) for module in HANDLERS]
    variants += [(name, code, env) for name, code in REFERENCES.items()]
    return variants


def _time_rounds(
    variants: list[tuple[str, str, dict[str, str]]], env: dict[str, str], runs: int
) -> tuple[list[float], dict[str, list[tuple[float, float]]]]:
    """Interpreter start-up per round, and (wall, CPU) samples per label: each round times the baseline right
    before each other variant."""
    startup: list[float] = []
    samples: dict[str, list[tuple[float, float]]] = {label: [] for label, _code, _env in variants}
    for round_ in range(runs):
        startup.append(time_startup(env))
        for label, code, variant_env in variants[1:]:
            samples[BASELINE].append(time_code(variants[0][1], env))
            samples[label].append(time_code(code, variant_env))
        print(f"  round {round_ + 1}/{runs} done", file=sys.stderr)
    return startup, samples


def _report(args: argparse.Namespace, startup: list[float], samples: dict[str, list[tuple[float, float]]]) -> list[str]:
    """Prints the table of medians and ratios to the baseline; returns the handlers above --target (wall)."""

    def medians(label: str) -> tuple[float, float]:
        return statistics.median(s[0] for s in samples[label]), statistics.median(s[1] for s in samples[label])

    base_wall, base_cpu = medians(BASELINE)
    failed = []
    print(f"Import time in a fresh interpreter, median of {args.runs} runs (`import boto3`: {len(samples[BASELINE])})")
    print()
    print("| imported | wall (ms) | ratio to `import boto3` | CPU (ms) | CPU ratio |")
    print("|---|---|---|---|---|")
    for label in samples:
        wall, cpu = medians(label)
        if label in HANDLERS and wall / base_wall > args.target:
            failed.append(label)
        name = label if label in REFERENCES else f"`{label}`"
        print(f"| {name} | {wall * 1000:.0f} | {wall / base_wall:.2f}x | {cpu * 1000:.0f} | {cpu / base_cpu:.2f}x |")
    print(f"\nInterpreter start-up (`python -c pass`, not included above): {statistics.median(startup) * 1000:.0f} ms")
    print(f"Target: every handler at most {args.target:.2f}x (wall). Above it: {', '.join(failed) or 'none'}.")
    return failed


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    env = child_env(args.functions.resolve())
    if args.why:
        run(f"import {args.why}", env)  # writes any missing bytecode first
        why(args.why, env, min(args.runs, 5))
        return 0

    variants = _variants(env, args.compare)
    for _label, code, variant_env in variants:  # untimed: writes the .pyc files, fails early on a broken import
        run(code, variant_env)
    if args.instructions:
        count_instructions(variants)
        return 0

    startup, samples = _time_rounds(variants, env, args.runs)
    failed = _report(args, startup, samples)
    return 1 if args.check and failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
