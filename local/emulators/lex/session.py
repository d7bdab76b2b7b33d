"""A conversation's session as the local Lex V2 runtime keeps it (per alias, locale and session id), and the
sessionState the runtime answers with (RecognizeText, PutSession, GetSession)."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Session:
    session_id: str
    intent: dict[str, Any] | None = None
    dialog_action: dict[str, Any] | None = None
    session_attributes: dict[str, str] = field(default_factory=dict)
    active_contexts: list[dict[str, Any]] = field(default_factory=list)
    attempts: int = 0
    messages: list[dict[str, Any]] = field(default_factory=list)
    interpretations: list[dict[str, Any]] = field(default_factory=list)
    originating_request_id: str | None = None
    last_active: float = 0.0
    runtime_hints: dict[str, Any] | None = None  # sessionState.runtimeHints (session_state.py)
    context_set_at: dict[str, float] = field(default_factory=dict)  # active context name -> when it was set


def session_state_json(session: Session) -> dict[str, Any]:
    state: dict[str, Any] = {"sessionAttributes": dict(session.session_attributes)}
    if session.dialog_action:
        state["dialogAction"] = dict(session.dialog_action)
    if session.intent:
        state["intent"] = copy.deepcopy(session.intent)
    if session.active_contexts:
        state["activeContexts"] = list(session.active_contexts)
    if session.originating_request_id:
        state["originatingRequestId"] = session.originating_request_id
    if session.runtime_hints:
        state["runtimeHints"] = copy.deepcopy(session.runtime_hints)
    return state
