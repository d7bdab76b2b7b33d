"""Conversation scripts in the Amazon Lex Test Workbench CSV shape, and a runner over a lexv2-runtime client.

Columns (Test Workbench names; the last two are ours, the Workbench ignores unknown columns):

    Line #, Conversation #, Source, Input, Expected Output Intent, Expected Output Slot 1..N,
    Request Attribute, Session Attribute, Expected Dialog State

- Rows with the same `Conversation #` are one conversation (one session), in order.
- `Source` User: `Input` is what the user types; the expectations apply to the bot's answer to it.
  Agent: `Input` is a fragment the bot's messages to the previous user row must contain (case-insensitive).
- `Expected Output Slot N`: `Slot = value`; `Slot = ` expects the slot to be empty.
- `Request Attribute` / `Session Attribute`: `key = value` pairs separated by `;`.
- `Expected Dialog State`: `ElicitSlot:<Slot>`, `ConfirmIntent`, `ElicitIntent`, `Close:Fulfilled`, `Close:Failed`.
"""

from __future__ import annotations

import csv
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Turn:
    line: int
    text: str
    intent: str | None = None
    slots: dict[str, str | None] = field(default_factory=dict)
    state: str | None = None
    request_attributes: dict[str, str] = field(default_factory=dict)
    session_attributes: dict[str, str] | None = None
    agent_fragments: list[str] = field(default_factory=list)


@dataclass
class Conversation:
    file: str
    number: str
    turns: list[Turn] = field(default_factory=list)


class ScriptError(ValueError):
    pass


def _pairs(text: str, where: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in text.split(";"))):
        key, sep, value = part.partition("=")
        if not sep or not key.strip():
            raise ScriptError(f"{where}: expected 'key = value', got {part!r}")
        pairs[key.strip()] = value.strip()
    return pairs


def load_script(path: Path) -> list[Conversation]:
    conversations: dict[str, Conversation] = {}
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        required = {"Line #", "Conversation #", "Source", "Input"}
        missing = required - set(reader.fieldnames or [])
        if missing:
            raise ScriptError(f"{path.name}: missing columns {sorted(missing)}")
        for row in reader:
            line = int(row["Line #"])
            where = f"{path.name} line {line}"
            number = (row["Conversation #"] or "").strip()
            conversation = conversations.setdefault(number, Conversation(path.name, number))
            source = (row["Source"] or "").strip().lower()
            text = row["Input"] or ""
            if source == "agent":
                if not conversation.turns:
                    raise ScriptError(f"{where}: an Agent row must follow a User row")
                conversation.turns[-1].agent_fragments.append(text.strip())
                continue
            if source != "user":
                raise ScriptError(f"{where}: Source must be User or Agent, got {row['Source']!r}")
            slots: dict[str, str | None] = {}
            for key, value in row.items():
                if key and key.startswith("Expected Output Slot") and value and value.strip():
                    name, _, slot_value = value.partition("=")
                    slots[name.strip()] = slot_value.strip() or None
            session = (row.get("Session Attribute") or "").strip()
            conversation.turns.append(
                Turn(
                    line=line,
                    text=text,
                    intent=(row.get("Expected Output Intent") or "").strip() or None,
                    slots=slots,
                    state=(row.get("Expected Dialog State") or "").strip() or None,
                    request_attributes=_pairs(row.get("Request Attribute") or "", where),
                    session_attributes=_pairs(session, where) if session else None,
                )
            )
    return list(conversations.values())


def _slot_value(slot: Any) -> str | None:
    if not slot or not slot.get("value"):
        return None
    return str(slot["value"].get("interpretedValue"))


def check_turn(turn: Turn, response: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    state = response.get("sessionState", {})
    intent = state.get("intent") or {}
    action = state.get("dialogAction") or {}
    messages = " | ".join(m.get("content", "") for m in response.get("messages", []))
    if turn.intent and intent.get("name") != turn.intent:
        problems.append(f"intent {intent.get('name')!r}, expected {turn.intent!r}")
    for name, expected in turn.slots.items():
        actual = _slot_value((intent.get("slots") or {}).get(name))
        if (actual or None) != expected and (actual or "").lower() != (expected or "").lower():
            problems.append(f"slot {name} = {actual!r}, expected {expected!r}")
    if turn.state:
        kind, _, detail = turn.state.partition(":")
        if action.get("type") != kind:
            problems.append(f"dialog action {action.get('type')!r}, expected {kind!r}")
        elif kind == "ElicitSlot" and detail and action.get("slotToElicit") != detail:
            problems.append(f"eliciting {action.get('slotToElicit')!r}, expected {detail!r}")
        elif kind == "Close" and detail and intent.get("state") != detail:
            problems.append(f"intent state {intent.get('state')!r}, expected {detail!r}")
    for fragment in turn.agent_fragments:
        if fragment.lower() not in messages.lower():
            problems.append(f"bot said {messages!r}, expected it to contain {fragment!r}")
    return problems


def run_conversation(target: Any, conversation: Conversation) -> list[str]:
    """Run one conversation in a new session; returns the failures (empty when it went as scripted)."""
    session = f"wb-{Path(conversation.file).stem}-{conversation.number}-{time.monotonic_ns() % 10**8}"[:100]
    failures: list[str] = []
    for turn in conversation.turns:
        kwargs: dict[str, Any] = {}
        if turn.request_attributes:
            kwargs["requestAttributes"] = turn.request_attributes
        if turn.session_attributes is not None:
            kwargs["sessionState"] = {"sessionAttributes": turn.session_attributes}
        response = target.client.recognize_text(
            botId=target.bot_id,
            botAliasId=target.alias_id,
            localeId=target.locale_id,
            sessionId=session,
            text=turn.text,
            **kwargs,
        )
        for problem in check_turn(turn, response):
            failures.append(
                f"{conversation.file} conversation {conversation.number} line {turn.line} ({turn.text!r}): {problem}"
            )
        if failures:
            break  # later turns depend on this one
    return failures
