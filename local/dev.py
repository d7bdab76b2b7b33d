"""`make dev`: the whole bookstore on this machine, no AWS account: open the printed web address.

    python -m local.dev                       web on 8080, API 8081, Lex 8082, AWS (moto) 8083
    python -m local.dev --port 9080           another block of four ports (0: any free ones)
    python -m local.dev --state .local/state.json
                                              load the data from FILE at start (if it exists) and save it
                                              there on exit, so orders, users and stock survive restarts
    python -m local.dev --verbose             the functions' logs (at the template's level) and every request
    python -m local.dev --templates cdk.out   the templates of that cloud assembly (default: the cached synth,
                                              made again only when an input changed)

While it runs, `make chat`, `make lex`, `make invoke`, `make seed` and `make recommendations-rebuild` use its
store (it announces itself in .local/running/dev.json). Stops cleanly on Ctrl-C (or SIGTERM), saving the state
first when --state is given.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from pathlib import Path
from types import FrameType

import local  # noqa: F401  (functions/ on sys.path)
from local.cli import run, step
from local.world import assembly, running
from local.world.cognito import DEMO_ACCOUNTS
from local.world.stack import LocalStack, Ports, start_stack
from local.world.state import StateError, check_savable, read, save

DEV_PORT_ADVICE = (
    'maybe by another `make dev`: stop it, or use another block of four ports: make dev ARGS="--port 9080" '
    "(0 picks free ones)"
)


def banner(stack: LocalStack, state_file: Path | None) -> str:
    urls = stack.urls()
    lines = [
        "",
        "The bookstore is running on this machine:",
        f"  Web front end    {urls['web']}",
        f"  REST API         {urls['api']}",
        f"  Lex V2 runtime   {urls['lex']}",
        f"  AWS (moto)       {urls['aws']}   (DynamoDB, Cognito, S3: any credentials)",
        "",
        "Demo accounts (sign in on the web front end):",
    ]
    for account in DEMO_ACCOUNTS:
        lines.append(f"  {account.username:<8} {account.password:<22} {account.role}")
    lines += [
        "",
        "E-mails the user pool would send (invitations with temporary passwords, confirmation and reset",
        f"codes) are printed here as [outbox] lines and listed at {urls['web'].rstrip('/')}/_outbox.",
        "make chat, make lex, make invoke, make seed and make recommendations-rebuild use this store while it runs.",
    ]
    if state_file is not None:
        lines.append(f"Data is saved to {state_file} when you stop.")
    lines += ["Press Ctrl-C to stop.", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m local.dev", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8080, help="first of four consecutive ports (default 8080)")
    parser.add_argument("--state", type=Path, help="load data from FILE at start, save it there on exit")
    parser.add_argument("--templates", type=Path, help="use the templates in this directory (e.g. cdk.out)")
    parser.add_argument("--verbose", "-v", action="store_true", help="function logs and request lines")
    args = parser.parse_args(argv)
    if not 0 <= args.port <= 65532:
        parser.error("--port must be between 0 and 65532 (four consecutive ports from it)")

    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="[%(name)s] %(message)s")
    ports = Ports.block(args.port)
    try:
        ports.check(args.host, advice=DEV_PORT_ADVICE)  # before anything slow
        if args.state is not None:
            check_savable(args.state)
        state = read(args.state) if args.state is not None and args.state.exists() else None
        if args.state is not None and state is None:
            print(f"No state in {args.state} yet: starting with the sample catalog; it is saved there on exit.")
        found = assembly.load("dev", args.templates, say=_say, synthesizing=step)
        stack = start_stack(found, host=args.host, ports=ports, state=state, verbose=args.verbose, step=step)
    except (OSError, StateError, assembly.AssemblyError) as err:  # a port in use is an OSError too
        print(f"error: {err}", file=sys.stderr)
        return 2
    announced = _announce(stack)
    # The e-mails Cognito would send (invitations, codes): here and on the web server's /_outbox page.
    stack.outbox.on_delivery(lambda mail: print(mail.console_line(), flush=True))

    stopping = threading.Event()

    def request_stop(signum: int, _frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    print(banner(stack, args.state), flush=True)
    try:
        while not stopping.wait(0.5):
            pass
    finally:
        print("Stopping ...", flush=True)
        saved = True
        try:
            if args.state is not None:
                saved = _save(stack, args.state)
        finally:
            if announced is not None:
                running.withdraw(announced)
            stack.stop()
    print("Stopped.", flush=True)
    return 0 if saved else 1


def _save(stack: LocalStack, path: Path) -> bool:
    try:
        counts = save(stack.aws, path)
    except OSError as err:  # checked at start, but the disk can fill or the folder go away meanwhile
        print(f"error: could not save the state to {path}: {err}", file=sys.stderr)
        return False
    print(f"Saved {counts['items']} items, {counts['users']} users, {counts['images']} images to {path}")
    return True


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _announce(stack: LocalStack) -> running.RunningStore | None:
    """Tell the other local commands where this store is, unless another `make dev` already did."""
    other = running.find("dev")
    if other is not None:
        _say(f"note: {other.describe()} is already running; other commands keep using that one.")
        return None
    urls = stack.urls()
    store = running.RunningStore(
        pid=os.getpid(),
        stage="dev",
        web=urls["web"],
        api=urls["api"],
        lex=urls["lex"],
        aws=urls["aws"],
        tables=dict(stack.aws.tables),
        user_pool_id=stack.aws.user_pool_id,
        client_id=stack.aws.client_id,
        images_bucket=stack.aws.images_bucket,
        assembly=str(stack.assembly.directory),
        bot_id=stack.lex.engine.bot_id if stack.lex else "",
        aliases=dict(stack.aliases),
    )
    running.announce(store)
    return store


if __name__ == "__main__":
    run(main)
