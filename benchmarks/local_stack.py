"""The local commands and the `make dev` stack: how long each command takes to be useful, with the cached
synth and without it, and what the API Gateway emulator adds to a request.

Commands (each a fresh `python -m ...` process, as `make` runs it; median of --runs):
  one synth       the app synthesized in a fresh process (what every command paid before the cache)
  invoke          `local.invoke ApiFunction --event events/api/get_book.json --standalone` until it exits
  chat            `local.chat --standalone` from start to its first answered turn ("help")
  dev             `local.dev --port 0` from start to "Press Ctrl-C to stop."
each once with an empty assembly cache (cache off: the command synthesizes) and once warm (cache on), and the
warm time as a ratio of one synth. Stack: start-up from the templates in this process (moto with tables, pool
and bucket, the catalog with covers, the demo accounts, every function loaded, the four servers listening).
Per request: the median of GET /v1/books?q=... through the emulator over HTTP against the same handler invoked
in-process with an equivalent event, and the same for a signed-in GET /v1/orders (token verification included).

    python -m benchmarks.local_stack [--runs 3] [--requests 100] [--skip-commands] [--skip-stack]
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

import local  # noqa: F401  (functions/ on sys.path)
from local.world import assembly
from local.world.cognito import DEMO_ACCOUNTS
from local.world.stack import LocalStack, Ports, start_stack


def timed(call: Any, count: int) -> float:
    """Median seconds of `count` calls."""
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def measure(stack: LocalStack, requests: int) -> dict[str, float]:
    username, password = DEMO_ACCOUNTS[1].username, DEMO_ACCOUNTS[1].password
    token = stack.aws.client("cognito-idp").initiate_auth(
        ClientId=stack.aws.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password},
    )["AuthenticationResult"]["IdToken"]
    payload = token.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    api = stack.runners[next(k for k, r in stack.runners.items() if r.spec.handler == "api.handler.lambda_handler")]
    assert stack.api is not None
    emulator = stack.api.emulator
    api_url = stack.api.url
    route_books = next(m for m in emulator.model.methods if m.path == "/books" and m.http_method == "GET")
    route_orders = next(m for m in emulator.model.methods if m.path == "/orders" and m.http_method == "GET")

    def http(path: str, authorization: str | None = None) -> None:
        headers = {"Authorization": authorization} if authorization else {}
        request = urllib.request.Request(f"{api_url}{path}", headers=headers)  # noqa: S310 (local)
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (local)
            response.read()

    def direct(route: Any, query: str, with_claims: bool) -> None:
        event = emulator._event(
            route,
            "GET",
            route.path,
            query,
            {},
            b"",
            {},
            {k: str(v) for k, v in claims.items()} if with_claims else None,
            "127.0.0.1",
        )
        api.invoke(event)

    return {
        "books_http": timed(lambda: http("books?q=pride"), requests),
        "books_direct": timed(lambda: direct(route_books, "q=pride", False), requests),
        "orders_http": timed(lambda: http("orders", token), requests),
        "orders_direct": timed(lambda: direct(route_orders, "", True), requests),
    }


ROOT = Path(__file__).resolve().parents[1]
SYNTH = "import sys, pathlib; from local.world.assembly import synthesize; synthesize('dev', pathlib.Path(sys.argv[1]))"
COMMANDS = {
    "invoke": ["-m", "local.invoke", "ApiFunction", "--event", "events/api/get_book.json", "--standalone"],
    "chat": ["-m", "local.chat", "--standalone"],
    "dev": ["-m", "local.dev", "--port", "0"],
}
READY = {"chat": "bot> ", "dev": "Press Ctrl-C to stop."}


def run_command(name: str, cache: Path, running: Path) -> float:
    """Seconds from starting the command to its first useful output (or its exit, for invoke)."""
    env = {**os.environ, assembly.CACHE_VARIABLE: str(cache), "BOOKSTORE_RUNNING_DIR": str(running)}
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, *COMMANDS[name]], cwd=ROOT, env=env, text=True,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    assert process.stdin is not None
    assert process.stdout is not None
    if name == "chat":
        process.stdin.write("help\n")
        process.stdin.flush()
    if name == "invoke":
        process.communicate(timeout=600)
        elapsed = time.perf_counter() - started
        if process.returncode != 0:
            raise RuntimeError(f"{name} failed ({process.returncode})")
        return elapsed
    for line in process.stdout:
        if READY[name] in line:
            break
    else:
        raise RuntimeError(f"{name} ended before it was ready ({process.wait()})")
    elapsed = time.perf_counter() - started
    if name == "dev":
        process.send_signal(signal.SIGTERM)
    process.communicate(timeout=60)  # closes stdin: the chat ends
    return elapsed


def one_synth() -> float:
    with tempfile.TemporaryDirectory(prefix="bench-synth-") as outdir:
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", SYNTH, outdir], cwd=ROOT, check=True, capture_output=True)
        return time.perf_counter() - started


def measure_commands(runs: int) -> None:
    samples: dict[str, list[float]] = {"synth": []}
    for run in range(1, runs + 1):
        samples["synth"].append(one_synth())
        for name in COMMANDS:
            with tempfile.TemporaryDirectory(prefix="bench-cache-") as cache, tempfile.TemporaryDirectory() as running:
                cold = run_command(name, Path(cache), Path(running))  # synthesizes into the empty cache
                warm = run_command(name, Path(cache), Path(running))
            samples.setdefault(f"{name} cold", []).append(cold)
            samples.setdefault(f"{name} warm", []).append(warm)
        print(f"run {run}: " + ", ".join(f"{k} {v[-1]:.1f} s" for k, v in samples.items()), file=sys.stderr)
    synth = statistics.median(samples["synth"])
    targets = {"invoke": 0.4, "chat": 0.5, "dev": 0.7}
    print(f"Local commands, median of {runs} runs (one synth in a fresh process: {synth:.1f} s)")
    print("| command | cache off | cache on | cache on / one synth | target |")
    print("|---|---|---|---|---|")
    for name, target in targets.items():
        cold, warm = statistics.median(samples[f"{name} cold"]), statistics.median(samples[f"{name} warm"])
        verdict = "met" if warm / synth <= target else "NOT met"
        print(f"| {name} | {cold:.1f} s | {warm:.1f} s | {warm / synth:.2f}x | <= {target}x ({verdict}) |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="independent stack starts (median reported)")
    parser.add_argument("--requests", type=int, default=100, help="requests per measurement")
    parser.add_argument("--skip-commands", action="store_true", help="only the stack start-up and requests")
    parser.add_argument("--skip-stack", action="store_true", help="only the commands")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.requests < 1:
        parser.error("--runs and --requests must be at least 1")
    if not args.skip_commands:
        measure_commands(args.runs)
    if args.skip_stack:
        return 0

    templates = assembly.load("dev", say=lambda message: print(message, file=sys.stderr))
    starts: list[float] = []
    results: list[dict[str, float]] = []
    for run in range(1, args.runs + 1):
        started = time.perf_counter()
        stack = start_stack(templates, ports=Ports.block(0), say=lambda _: None)
        starts.append(time.perf_counter() - started)
        try:
            results.append(measure(stack, args.requests))
        finally:
            stack.stop()
        print(f"run {run}: start {starts[-1]:.2f} s", file=sys.stderr)

    def median(key: str) -> float:
        return statistics.median(r[key] for r in results) * 1000

    print(f"start-up (from templates): median {statistics.median(starts):.2f} s over {args.runs} runs")
    for name, label in (("books", "GET /books?q= (public)"), ("orders", "GET /orders (signed in)")):
        via, direct = median(f"{name}_http"), median(f"{name}_direct")
        print(f"{label:<26} emulator {via:6.2f} ms   handler alone {direct:6.2f} ms   ratio {via / direct:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
