"""The lex part of the local world: the Lex V2 runtime serving the bot of the Bot template, each alias with its
local id and the function its template names as code hook (local/world/stack.py)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from local.emulators.lambda_runtime import FunctionRunner
from local.emulators.lex.engine import LIVE_ALIAS_ID, TEST_ALIAS_ID, DialogEngine
from local.emulators.lex.server import LexHTTPServer
from local.emulators.lex.template import TemplateBot, bots_in
from local.world.assembly import Assembly


def template_bot(assembly: Assembly) -> TemplateBot:
    bots = bots_in(assembly.templates)
    if not bots:
        raise ValueError(f"no AWS::Lex::Bot in the templates of {assembly.directory}")
    return bots[0]


def alias_ids(bot: TemplateBot, chosen: Mapping[str, str] | None = None) -> dict[str, str]:
    """Local ids of the template's aliases by name: `chosen` ones (name -> id), else the test alias TSTALIASID (as
    in Lex), the first alias LIVEALIAS1, any further one ALIAS<n> (ten characters, like Lex's)."""
    chosen = chosen or {}
    unknown = set(chosen) - {alias.name for alias in bot.aliases}
    if unknown:
        names = ", ".join(alias.name for alias in bot.aliases)
        raise ValueError(f"bot {bot.name} has no alias {', '.join(sorted(unknown))} (its aliases: {names})")
    ids: dict[str, str] = {}
    for alias in bot.aliases:
        if alias.name in chosen:
            ids[alias.name] = chosen[alias.name]
        elif alias.logical_id is None:
            ids[alias.name] = TEST_ALIAS_ID
        elif LIVE_ALIAS_ID not in ids.values():
            ids[alias.name] = LIVE_ALIAS_ID
        else:
            ids[alias.name] = f"ALIAS{len(ids):05d}"
    return ids


def code_hooks(
    bot: TemplateBot, runners: Mapping[str, FunctionRunner], ids: Mapping[str, str]
) -> dict[str, Callable[[dict[str, Any]], Any]]:
    """Alias id -> the function the alias's locale settings name as code hook (Fn::GetAtt [function, Arn])."""
    hooks: dict[str, Callable[[dict[str, Any]], Any]] = {}
    for alias in bot.aliases:
        for arn in alias.code_hooks.values():
            target = arn.get("Fn::GetAtt", [""])[0] if isinstance(arn, dict) else ""
            if target not in runners:
                raise ValueError(
                    f"alias {alias.name} of bot {bot.logical_id}: its code hook {arn!r} is not a function of these "
                    "templates (the local runtime runs only functions it can import)"
                )
            hooks[ids[alias.name]] = runners[target].invoke
    return hooks


def bind_lex(bot: TemplateBot, host: str, port: int, bot_id: str, aliases: Mapping[str, str]) -> LexHTTPServer:
    """The Lex runtime serving the template's bot on its aliases (name -> local id), its port bound (its code hooks
    are set once the functions load)."""
    versions = {alias: (name, "DRAFT" if alias == TEST_ALIAS_ID else "1") for name, alias in aliases.items()}
    return LexHTTPServer(DialogEngine(bot, {}, bot_id=bot_id, aliases=versions), host, port)
