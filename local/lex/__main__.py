"""`python -m local.lex --port 8000`: the local Lex V2 runtime for boto3, the AWS CLI and the chat client.

It serves the bot of a cloud assembly as its `AWS::Lex::Bot` resource defines it (intents, utterances,
slots, prompts, ...), each alias calling the code hook its template names, run locally with that function's
template environment:

    python -m local.lex                       the cached synth of this app (synthesized again if an input changed)
    python -m local.lex --templates cdk.out   the bot of that cloud assembly (any Lex V2 bot in a template)

The code hook works on the store of the running `make dev` when there is one (printed at start), else on a
local AWS (moto) started here with the tables and user pool of the templates; --standalone always starts one.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import re
import signal
import sys
import threading
from pathlib import Path

import local  # noqa: F401  (functions/ on sys.path)
from local.cli import run, step
from local.emulators.lex.engine import BOT_ID, TEST_ALIAS_ID
from local.emulators.lex.template import TemplateError
from local.world import assembly, running
from local.world.aws import attached_aws
from local.world.stack import BOT_PARTS, LocalStack, Ports, start_stack

# Bot and alias ids, as Lex makes them (and as its runtime API's botId and botAliasId patterns take them).
LEX_ID = re.compile(r"[0-9a-zA-Z]{10}")
PORT_ADVICE = "pick another with --port (make lex PORT=...) or --aws-port (0 picks a free one)"


def describe(stack: LocalStack, store: running.RunningStore | None) -> list[str]:
    """What the conversation tests and a developer read: one `key: value` per line."""
    assert stack.lex is not None
    assert stack.bot is not None
    lines = [
        f"Lex V2 runtime: {stack.lex.url}",
        f"Bot id: {stack.lex.engine.bot_id}  aliases: "
        + ", ".join(f"{alias_id} ({name})" for name, alias_id in stack.aliases.items())
        + f"  locales: {', '.join(stack.bot.locales)}",
        f"Bot: {stack.bot.name} from {stack.bot.stack} in {stack.assembly.directory}",
        f"AWS (moto): {stack.aws.endpoint}" + (f"  (the store of {store.describe()})" if store else ""),
        f"Users table: {stack.aws.tables.get('UsersTable', '')}",
        f"User pool: {stack.aws.user_pool_id}",
    ]
    if stack.worker is not None:
        lines.append("Recommendations worker: learning from the orders table's stream")
    return lines


def main(argv: list[str] | None = None) -> int:
    args, aliases = _arguments(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING, format="%(levelname)s %(message)s")
    store = None if args.standalone else running.find(args.stage)
    ports = Ports(lex=args.port, aws=args.aws_port, web=0, api=0)
    try:
        ports.check(args.host, {"lex"} if store else {"lex", "aws"}, advice=PORT_ADVICE)  # before anything slow
        found = assembly.load(args.stage, args.templates, say=_say, synthesizing=step)
        attach = (
            attached_aws(store.aws, store.tables, store.user_pool_id, store.client_id, store.images_bucket)
            if store
            else None
        )
        stack = start_stack(
            found,
            parts=BOT_PARTS,
            host=args.host,
            ports=ports,
            attach=attach,
            bot_id=args.bot_id,
            aliases=aliases,
            verbose=args.verbose,
            step=step,
        )
    except (OSError, assembly.AssemblyError, TemplateError, ValueError) as err:  # a port in use is an OSError
        print(f"error: {err}", file=sys.stderr)
        return 2
    for line in describe(stack, store):
        print(line, flush=True)
    print("Ready. Ctrl-C stops.", flush=True)

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with contextlib.suppress(KeyboardInterrupt):
        stop.wait()
    stack.stop()
    print("Stopped.", file=sys.stderr)
    return 0


def _arguments(argv: list[str] | None) -> tuple[argparse.Namespace, dict[str, str]]:
    """The command line, checked, and the alias ids it gives (alias name -> id)."""
    parser = argparse.ArgumentParser(
        prog="python -m local.lex", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port for the Lex runtime; 0 picks a free one")
    parser.add_argument("--aws-port", type=int, default=0, help="port of the moto server started here (default: free)")
    parser.add_argument("--templates", type=Path, help="serve the bot of this cloud assembly (e.g. cdk.out)")
    parser.add_argument("--stage", default="dev", help="which stage's templates (default dev)")
    parser.add_argument("--bot-id", default=BOT_ID, help=f"the bot id clients use (default {BOT_ID})")
    parser.add_argument(
        "--alias",
        action="append",
        default=[],
        metavar="NAME=ID",
        help="the id clients use for the alias NAME (default: TestBotAlias=TSTALIASID, the first other LIVEALIAS1)",
    )
    parser.add_argument("--standalone", action="store_true", help="never use a running `make dev`'s store")
    parser.add_argument("--verbose", action="store_true", help="log requests and the code hook's logs and metrics")
    args = parser.parse_args(argv)
    for name in ("port", "aws_port"):
        if not 0 <= getattr(args, name) <= 65535:
            parser.error(f"--{name.replace('_', '-')} must be between 0 and 65535")
    if args.port and args.port == args.aws_port:
        parser.error("--port and --aws-port must differ")

    aliases = dict(alias.partition("=")[::2] for alias in args.alias)
    if any(not name or not alias_id for name, alias_id in aliases.items()):
        parser.error("--alias takes NAME=ID, e.g. --alias live=ABCDEFGHIJ")
    for given in (args.bot_id, *aliases.values()):
        if not LEX_ID.fullmatch(given):
            parser.error(f"{given!r} is not a Lex id: 10 letters or digits, e.g. ABCDEFGHIJ")
    if len(set(aliases.values())) < len(aliases) or (aliases and TEST_ALIAS_ID in aliases.values()):
        parser.error(f"each alias needs its own id (the test alias keeps {TEST_ALIAS_ID})")
    return args, aliases


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


if __name__ == "__main__":
    run(main)
