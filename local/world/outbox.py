"""The e-mails the local user pool would send, kept where a developer can read them.

Deployed, Cognito e-mails invitations (with the temporary password), sign-up codes, password-reset codes and
the codes that verify a changed address. Locally nothing leaves the machine: `local/world/cognito_flows.py`
delivers each message here instead. `make dev` prints every one on its console as it arrives, and the local web
server lists them at /_outbox (a page) and /_outbox.json (for tests and scripts), newest first.
"""

from __future__ import annotations

import html
import itertools
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any, Literal

Kind = Literal["invitation", "sign-up code", "password reset", "email verification"]

# A long-running `make dev` keeps the newest ones; an older message is of no use to anyone.
KEEP = 500


@dataclass(frozen=True)
class Mail:
    id: int
    at: str
    to: str
    username: str
    kind: Kind
    subject: str
    body: str
    code: str  # the code or temporary password the body carries, so a test need not parse the body

    def console_line(self) -> str:
        return f"[outbox] {self.kind} for {self.username} to {self.to}: {self.subject} | {self.body}"


class Outbox:
    def __init__(self, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._mails: list[Mail] = []
        self._ids = itertools.count(1)
        self._listeners: list[Callable[[Mail], None]] = []

    def on_delivery(self, listener: Callable[[Mail], None]) -> None:
        self._listeners.append(listener)

    def deliver(self, *, to: str, username: str, kind: Kind, subject: str, body: str, code: str) -> Mail:
        with self._lock:
            mail = Mail(
                id=next(self._ids),
                at=self._clock().isoformat(timespec="seconds").replace("+00:00", "Z"),
                to=to,
                username=username,
                kind=kind,
                subject=subject,
                body=body,
                code=code,
            )
            self._mails = [*self._mails, mail][-KEEP:]
        for listener in self._listeners:
            listener(mail)
        return mail

    def messages(self) -> list[Mail]:
        """Newest first."""
        with self._lock:
            return list(reversed(self._mails))

    def as_json(self) -> dict[str, Any]:
        return {"messages": [asdict(mail) for mail in self.messages()]}

    def as_html(self) -> str:
        rows = "".join(
            "<tr>"
            + "".join(
                f"<td>{html.escape(value)}</td>"
                for value in (mail.at, mail.kind, mail.username, mail.to, mail.subject, mail.body)
            )
            + "</tr>"
            for mail in self.messages()
        )
        empty = "" if rows else '<p class="muted">No e-mail yet. Sign up, or register a user in the chat.</p>'
        return (
            '<!doctype html><html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            '<title>Local outbox · Bookstore</title><link rel="stylesheet" href="/styles.css"></head>'
            '<body><main id="main"><h1>Local outbox</h1>'
            "<p>The e-mails the user pool would have sent (newest first). Only `make dev` has this page; "
            'deployed, Cognito sends them. <a href="/">Back to the shop</a>.</p>'
            f"{empty}"
            '<table class="outbox"><thead><tr><th scope="col">When (UTC)</th><th scope="col">What</th>'
            '<th scope="col">User</th><th scope="col">To</th><th scope="col">Subject</th>'
            f'<th scope="col">Message</th></tr></thead><tbody>{rows}</tbody></table></main></body></html>'
        )
