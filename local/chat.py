"""`python -m local.chat`: talk to the bookstore bot from a terminal.

By default it talks to the bot of the running `make dev`, so the bot sees the same store as the web front end
(an order placed there is the bot's to follow). When no `make dev` runs (or with --standalone), it starts the
bot with its own store in this process, from the cached synth or --templates DIR (no AWS account). With
`--stage dev` it talks to the deployed bot of that stage (bot and alias ids from the stack outputs), or to
any bot with `--bot-id/--alias-id/--region`.

Identity: the bot learns who you are from request attributes, as from the chat API. Locally you are
`--user local-staff --groups staff` unless you say otherwise.
"""

from __future__ import annotations

import argparse
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from bookstore.identity import GROUPS_ATTRIBUTE, USERNAME_ATTRIBUTE
from local.cli import CliError, friendly_error, run, step

QUIT_WORDS = frozenset({"quit", "exit", "bye", ":q"})


@dataclass
class Target:
    client: Any
    bot_id: str
    alias_id: str
    locale_id: str
    description: str
    stop: Callable[[], None] = lambda: None


def deployed_target(args: argparse.Namespace) -> Target:
    import boto3

    session = boto3.session.Session(region_name=args.region)
    bot_id, alias_id, locale_id = args.bot_id, args.alias_id, args.locale
    try:
        if args.stage:
            stack = f"Bookstore-{args.stage}-Bot"
            described = session.client("cloudformation").describe_stacks(StackName=stack)
            outputs = {o["OutputKey"]: o["OutputValue"] for o in described["Stacks"][0].get("Outputs", [])}
            missing = [k for k in ("BotId", "BotAliasId") if k not in outputs]
            if missing:
                raise CliError(f"stack {stack} has no outputs {missing}; is it fully deployed?")
            bot_id, alias_id = outputs["BotId"], outputs["BotAliasId"]
            locale_id = outputs.get("BotLocaleId", locale_id)
        client = session.client("lexv2-runtime")
    except CliError:
        raise
    except Exception as err:
        raise friendly_error(err) from err
    return Target(client, bot_id, alias_id, locale_id, f"bot {bot_id} alias {alias_id} in {session.region_name}")


def local_target(args: argparse.Namespace) -> Target:
    """The bot of the running `make dev` (same store as the web front end), else one started here."""
    from local.emulators.lex.engine import BOT_ID, TEST_ALIAS_ID
    from local.world import assembly, running
    from local.world.aws import local_client
    from local.world.stack import BOT_PARTS, Ports, start_stack

    store = None if (args.standalone or args.templates) else running.find("dev")
    if store is not None:
        alias = store.aliases.get("TestBotAlias", TEST_ALIAS_ID)
        client = local_client("lexv2-runtime", store.lex)
        return Target(client, store.bot_id, alias, args.locale, f"the bot of {store.describe()}")
    found = assembly.load("dev", args.templates, say=_say, synthesizing=step)
    stack = start_stack(found, parts=BOT_PARTS, ports=Ports.block(0), verbose=args.debug, step=step)
    assert stack.lex is not None
    description = f"the local bot at {stack.lex.url}, with its own store (run `make dev` first to share its store)"
    return Target(
        local_client("lexv2-runtime", stack.lex.url), BOT_ID, TEST_ALIAS_ID, args.locale, description, stack.stop
    )


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def describe_state(response: dict[str, Any]) -> str:
    state = response.get("sessionState", {})
    intent = state.get("intent") or {}
    action = state.get("dialogAction") or {}
    slots = {k: v["value"]["interpretedValue"] for k, v in (intent.get("slots") or {}).items() if v and v.get("value")}
    step = action.get("type", "-") + (f"({action['slotToElicit']})" if action.get("slotToElicit") else "")
    top = next((i for i in response.get("interpretations", []) if "nluConfidence" in i), None)
    confidence = f" confidence={top['nluConfidence']['score']}" if top else ""
    return f"[intent={intent.get('name', '-')} state={intent.get('state', '-')} next={step} slots={slots}{confidence}]"


def render_message(message: dict[str, Any]) -> list[str]:
    """A message of the bot as terminal lines: text as is; a response card (ImageResponseCard) as its title,
    subtitle, cover URL and buttons, each button with the text it sends (type it to choose the button)."""
    card = message.get("imageResponseCard")
    if message.get("contentType") != "ImageResponseCard" or not isinstance(card, dict):
        return [f"bot> {message.get('content') or ''}"]
    lines = [f"bot> [card] {card.get('title', '')}"]
    if card.get("subtitle"):
        lines.append(f"       {card['subtitle']}")
    if card.get("imageUrl"):
        lines.append(f"       cover: {card['imageUrl']}")
    buttons = [f'{b.get("text", "")} (say "{b.get("value", "")}")' for b in card.get("buttons") or []]
    if buttons:
        lines.append("       buttons: " + " | ".join(buttons))
    return lines


def _read_turn(stdin: TextIO, stdout: TextIO, interactive: bool) -> str | None:
    """The user's next line, stripped: None when the conversation ends (end of input or a quit word), "" for a
    blank line. Prompts on a terminal; otherwise echoes the line, so a piped session reads as a conversation."""
    if interactive:
        print("you> ", end="", file=stdout, flush=True)
    line = stdin.readline()
    if not line:
        print("", file=stdout)
        return None
    text = line.strip()
    if not text:
        return ""
    if text.lower() in QUIT_WORDS:
        return None
    if not interactive:
        print(f"you> {text}", file=stdout)
    return text


def _report_error(err: Exception) -> bool:
    """Prints the bot call's error; whether it ends the conversation (a missing bot, no credentials, no access:
    every later turn would fail the same way)."""
    friendly = friendly_error(err)
    print(f"error: {friendly}", file=sys.stderr)
    return "not found" in str(friendly) or "credentials" in str(friendly) or "access denied" in str(friendly)


def _print_reply(response: dict[str, Any], verbose: bool, stdout: TextIO) -> None:
    """The bot's messages of one turn, then (verbose) its intent, slots and dialog state."""
    lines = [line for m in response.get("messages", []) for line in render_message(m)] or ["bot> (no message)"]
    for line in lines:
        print(line, file=stdout)
    if verbose:
        print(f"     {describe_state(response)}", file=stdout)
    stdout.flush()


def converse(target: Target, args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    session_id = args.session_id or f"chat-{uuid.uuid4().hex[:12]}"
    attributes = {USERNAME_ATTRIBUTE: args.user, GROUPS_ATTRIBUTE: args.groups}
    interactive = stdin.isatty()
    print(f"Talking to {target.description} as {args.user} (groups: {args.groups or 'none'}).", file=stdout)
    print('Type "help" to see what the bot can do; "quit" or Ctrl-D ends.', file=stdout)
    while True:
        text = _read_turn(stdin, stdout, interactive)
        if text is None:
            return 0
        if not text:
            continue
        try:
            response = target.client.recognize_text(
                botId=target.bot_id,
                botAliasId=target.alias_id,
                localeId=target.locale_id,
                sessionId=session_id,
                text=text,
                requestAttributes=attributes,
            )
        except Exception as err:
            if _report_error(err):
                return 1
            continue
        _print_reply(response, args.verbose, stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local.chat", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument(
        "--stage", help="chat with the deployed bot of this stage (reads Bookstore-<stage>-Bot outputs)"
    )
    parser.add_argument("--bot-id", help="chat with this deployed bot id (with --alias-id)")
    parser.add_argument("--alias-id", help="alias id of --bot-id")
    parser.add_argument("--region", help="AWS region of the deployed bot")
    parser.add_argument("--locale", default="en_US", help="bot locale (default en_US)")
    parser.add_argument("--user", default="local-staff", help="who you are, sent as request attribute")
    parser.add_argument("--groups", default="staff", help="your groups, comma-separated (default staff; '' for none)")
    parser.add_argument("--session-id", help="continue a session (default: a new one)")
    parser.add_argument("--verbose", action="store_true", help="show intent, slots and dialog state after each turn")
    parser.add_argument("--debug", action="store_true", help="local bot: also show the code hook's logs and metrics")
    parser.add_argument("--templates", type=Path, help="local bot: serve the bot of this cloud assembly (e.g. cdk.out)")
    parser.add_argument("--standalone", action="store_true", help="local bot: never attach to a running `make dev`")
    args = parser.parse_args(argv)
    if args.bot_id and not args.alias_id:
        parser.error("--bot-id needs --alias-id")
    if args.stage and args.bot_id:
        parser.error("use either --stage or --bot-id, not both")

    try:
        target = deployed_target(args) if (args.stage or args.bot_id) else local_target(args)
    except (CliError, OSError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    try:
        return converse(target, args, sys.stdin, sys.stdout)
    except KeyboardInterrupt:
        print("", file=sys.stdout)
        return 0
    finally:
        target.stop()


if __name__ == "__main__":
    run(main)
