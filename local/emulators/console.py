"""Keep a local console readable: the functions' CloudWatch metrics (EMF JSON lines that Powertools prints on
every invocation) are left out unless asked for.

Not POWERTOOLS_METRICS_DISABLED: with it set, Powertools never clears the metrics it buffers, so a long-running
local stack would grow them without end and a later flush would print them all at once.
"""

from __future__ import annotations

import sys
import threading
from typing import Any, TextIO

_EMF_PREFIX = '{"_aws":'


class WithoutMetrics:
    """A stdout that drops EMF lines (and the newline `print` writes after each) and passes the rest."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self._state = threading.local()

    def write(self, text: str) -> int:
        if text.startswith(_EMF_PREFIX):
            self._state.dropped = True
            return len(text)
        if text == "\n" and getattr(self._state, "dropped", False):
            self._state.dropped = False
            return 1
        self._state.dropped = False
        return self.stream.write(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


def hide_metric_lines() -> TextIO:
    """Wrap sys.stdout (once); returns what it was, for `show_metric_lines`."""
    current = sys.stdout
    if not isinstance(current, WithoutMetrics):
        sys.stdout = WithoutMetrics(current)
    return current


def show_metric_lines(previous: TextIO) -> None:
    if isinstance(sys.stdout, WithoutMetrics):
        sys.stdout = previous
