"""What every `python -m local.*` command shares: errors, progress, and how it exits.

    if __name__ == "__main__":
        run(main)

Exit codes:
    0    done
    1    an error the user can act on (`error: <one line>` on stderr), or an unexpected one (with its traceback)
    2    bad arguments (argparse prints the usage)
    130  interrupted (Ctrl-C), without a traceback
    141  stdout was closed early by its reader (`... | head`), quietly, as a command killed by SIGPIPE

Output: results go to stdout (tests and pipes read it); progress, notes and errors go to stderr. Progress is live
on a terminal (rich), and plain lines otherwise (CI, logs): `message ... done (1.2 s)` for a step, a line every 10%
for counted work.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, NoReturn, TextIO

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress, TaskID

    from local.world.targets import Target

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE

CHAT_OFFLINE_HINT = "or run without --stage/--bot-id to chat with the local bot"


class CliError(Exception):
    """A problem the user can act on, shown as one line."""


def friendly_error(
    err: Exception,
    *,
    offline_hint: str = CHAT_OFFLINE_HINT,
    not_found: str = "bot, alias or locale not found",
) -> CliError:
    """An AWS SDK error (or any other) as one line saying what to do. The defaults word it for `local.chat`;
    other commands name their own way to work offline and what a missing resource is."""
    from botocore.exceptions import (
        ClientError,
        EndpointConnectionError,
        NoCredentialsError,
        NoRegionError,
        PartialCredentialsError,
    )

    if isinstance(err, CliError):
        return err
    if isinstance(err, NoCredentialsError | PartialCredentialsError):
        return CliError(
            f"no AWS credentials found: configure them (aws configure, AWS_PROFILE or environment variables), "
            f"{offline_hint}"
        )
    if isinstance(err, NoRegionError):
        return CliError("no AWS region: pass --region or set AWS_REGION")
    if isinstance(err, EndpointConnectionError):
        return CliError(f"cannot reach {err.kwargs.get('endpoint_url', 'the service')}: check the network")
    if isinstance(err, ClientError):
        code = err.response["Error"]["Code"]
        message = err.response["Error"].get("Message", "")
        if code == "ResourceNotFoundException":
            return CliError(f"{not_found}: {message}")
        if code in {"AccessDeniedException", "UnrecognizedClientException", "ExpiredTokenException"}:
            return CliError(f"access denied by AWS ({code}): {message}")
        if code == "ValidationError" and "does not exist" in message:
            return CliError(f"{message} (deploy it with `make deploy STAGE=...` or check --region)")
        return CliError(f"{code}: {message}")
    return CliError(str(err))


# --- the running `make dev` ---------------------------------------------------------------------------------


def attach(logicals: tuple[str, ...], stage: str = "dev") -> Target:
    """The store of the running `make dev` as a target with the tables `logicals`; a CliError when none runs.
    (Its state file is looked for in .local/running/, or in $BOOKSTORE_RUNNING_DIR.)"""
    from local.world import running
    from local.world.targets import Target

    store = running.find(stage)
    if store is None:
        raise CliError(
            f"no `make dev` is running (stage {stage}): start it with `make dev` in another terminal, "
            "or pass --stage STAGE (a deployed stage) or --endpoint URL (a local AWS endpoint)"
        )
    missing = [logical for logical in logicals if logical not in store.tables]
    if missing:
        raise CliError(f"the running `make dev` (pid {store.pid}) has no {', '.join(missing)}: restart it")
    description = f"the running `make dev` (pid {store.pid}, AWS {store.aws})"
    return Target(description, {logical: store.tables[logical] for logical in logicals}, endpoint=store.aws)


# --- progress -----------------------------------------------------------------------------------------------


@functools.cache
def stderr_console() -> Console:
    """The one console of the process for stderr (one, so that live displays nest instead of fighting); made on
    first use, so commands that show no progress never import rich."""
    from rich.console import Console

    return Console(stderr=True, highlight=False)


@contextlib.contextmanager
def step(message: str, *, console: Console | None = None) -> Iterator[None]:
    """One long step: a spinner with the elapsed time on a terminal, else `message ... done (1.2 s)` / `... failed`
    (on stderr unless `console` says otherwise)."""
    console = console or stderr_console()
    started = time.perf_counter()
    if not console.is_terminal:
        print(f"{message} ...", end="", file=console.file, flush=True)
        try:
            yield
        except BaseException:
            print(" failed", file=console.file, flush=True)
            raise
        print(f" done ({time.perf_counter() - started:.1f} s)", file=console.file, flush=True)
        return

    from rich.markup import escape
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = (SpinnerColumn(), TextColumn("{task.description} ..."), TimeElapsedColumn())
    try:
        # stdout stays where it goes (a pipe, a file): only stderr is shown above the spinner.
        with Progress(*columns, console=console, transient=True, redirect_stdout=False) as progress:
            progress.add_task(escape(message), total=None)
            yield
    except BaseException:
        console.print(f"[red]✗[/] {escape(message)} ... failed", highlight=False)
        raise
    seconds = time.perf_counter() - started
    console.print(f"[green]✓[/] {escape(message)} ... done [dim]({seconds:.1f} s)[/]", highlight=False)


_active_bars: set[ProgressBar] = set()


class ProgressBar:
    """Counted work: a rich progress bar on a terminal, else a line every 10% (`  label: done/total unit`).

    `update` and `advance` may be called from several threads."""

    def __init__(
        self,
        label: str,
        total: int,
        unit: str = "items",
        stream: TextIO | None = None,
        *,
        console: Console | None = None,
    ) -> None:
        if console is None and stream is not None:
            from rich.console import Console

            console = Console(file=stream, highlight=False)
        self.console = console or stderr_console()
        self.label, self.total, self.unit = label, max(total, 0), unit
        self.done = 0
        self._lock = threading.Lock()
        self._logged_tenths, self._logged_done = -1, -1
        self._started = time.perf_counter()
        self._seconds: float | None = None
        self._progress: Progress | None = None
        self._task: TaskID | None = None
        if self.console.is_terminal:
            from rich.markup import escape
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self._progress = Progress(
                TextColumn("  {task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn(escape(unit)),
                TimeElapsedColumn(),
                console=self.console,
                redirect_stdout=False,
            )
            self._task = self._progress.add_task(escape(label), total=self.total)
            self._progress.start()
            _active_bars.add(self)

    def update(self, done: int, total: int | None = None) -> None:
        with self._lock:
            self._set(done, total)

    def advance(self, count: int = 1) -> None:
        with self._lock:
            self._set(self.done + count)

    def finish(self) -> float:
        """Shows the final count; the seconds since the bar was created. Calling it again changes nothing."""
        with self._lock:
            if self._seconds is None:
                self._set(self.done, max(self.total, self.done), final=True)
                self._seconds = time.perf_counter() - self._started
                self._stop()
            return self._seconds

    def _set(self, done: int, total: int | None = None, *, final: bool = False) -> None:
        self.done = done
        if total is not None:
            self.total = max(total, 0)
        shown = max(self.total, self.done)
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, completed=self.done, total=shown)
            return
        tenths = 10 * self.done // shown if shown else 10
        if tenths > self._logged_tenths or (final and self.done != self._logged_done):
            print(f"  {self.label}: {self.done}/{shown} {self.unit}", file=self.console.file, flush=True)
            self._logged_tenths, self._logged_done = tenths, self.done

    def _stop(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            _active_bars.discard(self)

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, *_: object) -> None:
        self.finish()


# --- running a command --------------------------------------------------------------------------------------


def _say(message: str) -> None:
    with contextlib.suppress(OSError, ValueError):
        print(message, file=sys.stderr, flush=True)


def _stdout_reader_gone() -> bool:
    """Whether stdout is a pipe whose reader has closed it (poll reports POLLERR for that on Linux and macOS)."""
    try:
        import select

        poller = select.poll()
        poller.register(sys.stdout.fileno(), select.POLLOUT)
        return any(events & select.POLLERR for _, events in poller.poll(0))
    except (AttributeError, OSError, ValueError):  # no poll (Windows) or no real stdout: trust the exception
        return True


def _stop_displays() -> None:
    for bar in list(_active_bars):
        with contextlib.suppress(Exception):
            bar._stop()


def exit_code(main: Callable[[list[str] | None], int], argv: list[str] | None = None) -> int:
    """Runs `main(argv)` and returns the process's exit code, having said on stderr what went wrong (see the
    module docstring). `run` is this, then the exit."""
    with contextlib.suppress(ValueError):  # only the main thread may set signal handlers
        signal.signal(signal.SIGINT, signal.default_int_handler)  # local/__init__.py's start-up handler ends here
    try:
        code = main(argv)
    except CliError as err:
        _stop_displays()
        _say(f"error: {err}")
        return EXIT_ERROR
    except KeyboardInterrupt:
        _stop_displays()
        _say(("\n" if sys.stderr.isatty() else "") + "interrupted")
        return EXIT_INTERRUPTED
    except SystemExit as done:  # argparse (2 after its usage message), or a sys.exit() in main
        _stop_displays()
        if done.code is None or isinstance(done.code, int):
            return done.code or EXIT_OK
        _say(str(done.code))
        return EXIT_ERROR
    except BrokenPipeError:
        _stop_displays()
        if _stdout_reader_gone():
            return EXIT_BROKEN_PIPE
        _say(traceback.format_exc().rstrip())
        return EXIT_ERROR
    except Exception:
        _stop_displays()
        _say(traceback.format_exc().rstrip())
        return EXIT_ERROR
    _stop_displays()
    return code if isinstance(code, int) else EXIT_OK


def run(main: Callable[[list[str] | None], int], argv: list[str] | None = None) -> NoReturn:
    """`if __name__ == "__main__": run(main)`: runs the command and ends the process with its exit code.

    It ends with os._exit once stdout and stderr are flushed: a CDK synth in this process leaves a jsii node
    helper in the same process group, so Ctrl-C reaches it too, and its exit hook would otherwise print a
    BrokenPipeError traceback after everything was done."""
    code = exit_code(main, argv)
    with contextlib.suppress(ValueError):  # only the main thread may set signal handlers
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not interrupt the flush
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        code = code if code != EXIT_OK else EXIT_BROKEN_PIPE
    except (OSError, ValueError):
        pass
    with contextlib.suppress(Exception):
        logging.shutdown()
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.flush()
    os._exit(code)
