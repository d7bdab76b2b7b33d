"""Throughput and latency of the local Lex runtime, per RecognizeText turn through boto3.

Everything a real turn does is included: HTTP, the dialog engine and NLU, the real code hook and its
Cognito/DynamoDB calls against the local moto server. The mix is the scripted conversations of
tests/conversations/scripts (registrations, edits, refusals, fallbacks, help), replayed each round on an
emptied store. Reported: turns per second and p50/p99 latency, median over the runs.

    python -m benchmarks.lex_runtime [--runs 3] [--rounds 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import local  # noqa: F401  (puts functions/ on sys.path)
from local.emulators.lex.engine import BOT_ID, TEST_ALIAS_ID
from local.world import assembly
from local.world.aws import local_client
from local.world.stack import BOT_PARTS, Ports, start_stack
from tests.conversations.workbench import load_script

SCRIPTS = sorted((Path(__file__).resolve().parents[1] / "tests" / "conversations" / "scripts").glob("*.csv"))


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="independent runs (median reported)")
    parser.add_argument("--rounds", type=int, default=5, help="replays of the whole script mix per run")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.rounds < 1:
        parser.error("--runs and --rounds must be at least 1")

    runtime = start_stack(assembly.load("dev"), parts=BOT_PARTS, ports=Ports.block(0))
    assert runtime.lex is not None
    client = local_client("lexv2-runtime", runtime.lex.url)
    conversations = [c for script in SCRIPTS for c in load_script(script)]
    results = []
    try:
        for run in range(args.runs):
            latencies: list[float] = []
            for round_ in range(args.rounds):
                runtime.aws.reset_data()  # not timed: only turns are
                for number, conversation in enumerate(conversations):
                    session = f"bench-{run}-{round_}-{number}"
                    for turn in conversation.turns:
                        kwargs = {"requestAttributes": turn.request_attributes} if turn.request_attributes else {}
                        t0 = time.perf_counter()
                        client.recognize_text(botId=BOT_ID, botAliasId=TEST_ALIAS_ID, localeId="en_US",
                                              sessionId=session, text=turn.text, **kwargs)  # fmt: skip
                        latencies.append(time.perf_counter() - t0)
            elapsed = sum(latencies)  # sequential turns from one client: throughput = turns / time in turns
            results.append((len(latencies) / elapsed, percentile(latencies, 0.5), percentile(latencies, 0.99)))
            print(f"  run {run + 1}: {len(latencies)} turns, {results[-1][0]:.0f} turns/s", file=sys.stderr)
    finally:
        runtime.stop()

    throughput = statistics.median(r[0] for r in results)
    p50 = statistics.median(r[1] for r in results)
    p99 = statistics.median(r[2] for r in results)
    turns = sum(len(c.turns) for c in conversations) * args.rounds
    print(
        f"{turns} turns per run ({len(conversations)} conversations x {args.rounds} rounds), median of {args.runs} runs"
    )
    print("| metric | value |")
    print("|---|---|")
    print(f"| turns per second (one client) | {throughput:.0f} |")
    print(f"| p50 latency per turn | {p50 * 1000:.1f} ms |")
    print(f"| p99 latency per turn | {p99 * 1000:.1f} ms |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
