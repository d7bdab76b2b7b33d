"""A progress bar for operator commands: redrawn in a terminal, a line every few percent in a log."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class ProgressBar:
    def __init__(self, label: str, total: int, unit: str = "items", stream: TextIO | None = None) -> None:
        self.label, self.total, self.unit = label, max(total, 0), unit
        self.stream = stream or sys.stderr
        self.done = 0
        self._last_logged = -1
        self._started = time.perf_counter()
        self._tty = self.stream.isatty()

    def update(self, done: int, total: int | None = None) -> None:
        self.done = done
        if total is not None:
            self.total = total
        total = max(self.total, self.done, 1)
        percent = 100 * self.done // total
        if self._tty:
            width = 30
            filled = width * self.done // total
            print(
                f"\r  {self.label} [{'#' * filled}{'.' * (width - filled)}] {self.done}/{total} {self.unit}",
                end="", file=self.stream, flush=True,
            )  # fmt: skip
        elif percent // 10 > self._last_logged // 10 or self.done == total:
            if percent != self._last_logged:
                print(f"  {self.label}: {self.done}/{total} {self.unit}", file=self.stream, flush=True)
            self._last_logged = percent

    def advance(self, count: int = 1) -> None:
        self.update(self.done + count)

    def finish(self) -> float:
        self.update(self.done, max(self.total, self.done))
        if self._tty:
            print(file=self.stream, flush=True)
        return time.perf_counter() - self._started
