"""The `make dev` stack: how long it takes to start, and what the API Gateway emulator adds to a request.

Start-up is measured from the synthesized templates (`--templates`-like; the synth itself is
benchmarks/synth.py's subject): moto with tables, pool and bucket, the catalog with covers, the demo accounts,
every function loaded, the four servers listening. Per request: the median of GET /v1/books?q=... through
the emulator over HTTP (routing, the event, the real handler, moto) against the same handler invoked
in-process with an equivalent event, and the same for a signed-in GET /v1/orders (token verification
included). Reported: medians over the runs and the emulator/direct ratio.

    python -m benchmarks.local_stack [--runs 3] [--requests 100]
"""

from __future__ import annotations

import argparse
import base64
import json
import statistics
import sys
import time
import urllib.request
from typing import Any

import local  # noqa: F401  (functions/ on sys.path)
from local.invoke import synthesized_templates
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
    emulator = stack.api.emulator
    route_books = next(m for m in emulator.model.methods if m.path == "/books" and m.http_method == "GET")
    route_orders = next(m for m in emulator.model.methods if m.path == "/orders" and m.http_method == "GET")

    def http(path: str, authorization: str | None = None) -> None:
        headers = {"Authorization": authorization} if authorization else {}
        request = urllib.request.Request(f"{stack.api.url}{path}", headers=headers)  # noqa: S310 (local)
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="independent stack starts (median reported)")
    parser.add_argument("--requests", type=int, default=100, help="requests per measurement")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.requests < 1:
        parser.error("--runs and --requests must be at least 1")

    templates = synthesized_templates("dev")
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
