"""local.cli: what every local command shares (errors as one line, progress, exit codes, how it ends)."""

from __future__ import annotations

import argparse
import io
import os
import re
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError, NoCredentialsError, NoRegionError
from rich.console import Console

from local.cli import (
    EXIT_BROKEN_PIPE,
    EXIT_ERROR,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    CliError,
    ProgressBar,
    exit_code,
    friendly_error,
    step,
)

ROOT = Path(__file__).resolve().parents[2]


def client_error(code: str, message: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, "DescribeStacks")


# --- friendly_error -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (NoCredentialsError(), "no AWS credentials found: configure them (aws configure, AWS_PROFILE or environment "
                               "variables), or run without --stage/--bot-id to chat with the local bot"),
        (NoRegionError(), "no AWS region: pass --region or set AWS_REGION"),
        (EndpointConnectionError(endpoint_url="http://127.0.0.1:9"), "cannot reach http://127.0.0.1:9: check the network"),
        (client_error("ResourceNotFoundException", "no bot B1"), "bot, alias or locale not found: no bot B1"),
        (client_error("AccessDeniedException", "not you"), "access denied by AWS (AccessDeniedException): not you"),
        (client_error("ExpiredTokenException", "old"), "access denied by AWS (ExpiredTokenException): old"),
        (client_error("ValidationError", "Stack with id Bookstore-qa-Bot does not exist"),
         "Stack with id Bookstore-qa-Bot does not exist (deploy it with `make deploy STAGE=...` or check --region)"),
        (client_error("ThrottlingException", "slow down"), "ThrottlingException: slow down"),
        (ValueError("something else"), "something else"),
    ],
)  # fmt: skip
def test_aws_errors_become_one_line_saying_what_to_do(error: Exception, expected: str) -> None:
    friendly = friendly_error(error)
    assert isinstance(friendly, CliError)
    assert str(friendly) == expected


def test_a_command_words_its_own_hints() -> None:
    hint = "or run without --stage to seed the running `make dev`"
    assert str(friendly_error(NoCredentialsError(), offline_hint=hint)).endswith(hint)
    missing = friendly_error(client_error("ResourceNotFoundException", "Requested resource not found"),
                             not_found="table not found")  # fmt: skip
    assert str(missing) == "table not found: Requested resource not found"
    already = CliError("already friendly")
    assert friendly_error(already) is already


# --- exit codes (in this process) ---------------------------------------------------------------------------


def test_the_exit_code_is_main_s(capsys) -> None:
    assert exit_code(lambda argv: 0) == EXIT_OK
    assert exit_code(lambda argv: 3) == 3
    assert exit_code(lambda argv: 0 if argv == ["x"] else 9, ["x"]) == EXIT_OK
    assert capsys.readouterr().err == ""


def test_an_error_the_user_can_act_on_is_one_line_on_stderr(capsys) -> None:
    def main(argv: list[str] | None) -> int:
        print("partial result")
        raise CliError("the table is missing: run `make dev` first")

    assert exit_code(main) == EXIT_ERROR
    out, err = capsys.readouterr()
    assert out == "partial result\n"
    assert err == "error: the table is missing: run `make dev` first\n"


def test_bad_arguments_exit_2_with_argparse_s_usage(capsys) -> None:
    def main(argv: list[str] | None) -> int:
        parser = argparse.ArgumentParser(prog="python -m local.something")
        parser.add_argument("--stage", required=True)
        parser.parse_args(argv)
        return 0

    assert exit_code(main, []) == EXIT_USAGE
    assert "the following arguments are required: --stage" in capsys.readouterr().err
    assert exit_code(main, ["--help"]) == EXIT_OK


def test_an_interruption_exits_130_without_a_traceback(capsys) -> None:
    def main(argv: list[str] | None) -> int:
        raise KeyboardInterrupt

    assert exit_code(main) == EXIT_INTERRUPTED
    err = capsys.readouterr().err
    assert err.strip() == "interrupted"


def test_an_unexpected_error_keeps_its_traceback(capsys) -> None:
    def main(argv: list[str] | None) -> int:
        raise RuntimeError("a bug")

    assert exit_code(main) == EXIT_ERROR
    err = capsys.readouterr().err
    assert err.startswith("Traceback (most recent call last):")
    assert err.rstrip().endswith("RuntimeError: a bug")


# --- run() in a real process --------------------------------------------------------------------------------

COMMAND = textwrap.dedent(
    """
    import atexit, signal, sys, time

    from local.cli import CliError, run

    signal.signal(signal.SIGINT, signal.default_int_handler)  # as in a terminal, whatever started this test


    def main(argv):
        atexit.register(lambda: print("an exit hook ran", file=sys.stderr))
        mode = (argv or sys.argv[1:])[0]
        if mode == "ok":
            print("the result")
            return 0
        if mode == "error":
            raise CliError("no `make dev` is running: start it")
        if mode == "interrupt":
            raise KeyboardInterrupt
        if mode == "wait":
            print("ready", flush=True)
            time.sleep(60)
            return 0
        if mode == "flood":
            for number in range(1_000_000):
                print("line", number)
            return 0
        raise SystemExit(f"unknown mode {mode}")


    run(main)
    """
)


@pytest.fixture
def command(tmp_path: Path) -> list[str]:
    script = tmp_path / "command.py"
    script.write_text(COMMAND)
    return [sys.executable, str(script)]


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def _run(command: list[str], mode: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*command, mode], capture_output=True, text=True, timeout=60, env=_env(), check=False)


def test_run_exits_with_main_s_code_and_skips_exit_hooks_of_helpers(command) -> None:
    done = _run(command, "ok")
    assert (done.returncode, done.stdout, done.stderr) == (EXIT_OK, "the result\n", "")


def test_run_shows_an_error_as_one_line(command) -> None:
    done = _run(command, "error")
    assert (done.returncode, done.stdout) == (EXIT_ERROR, "")
    assert done.stderr == "error: no `make dev` is running: start it\n"


def test_run_exits_130_on_keyboard_interrupt_without_a_traceback(command) -> None:
    done = _run(command, "interrupt")
    assert done.returncode == EXIT_INTERRUPTED
    assert done.stderr == "interrupted\n"


def test_ctrl_c_exits_130_without_a_traceback(command) -> None:
    process = subprocess.Popen(
        [*command, "wait"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env()
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline() == "ready\n"
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == EXIT_INTERRUPTED
    assert "Traceback" not in err
    assert err.strip() == "interrupted"


def test_a_reader_that_stops_reading_ends_the_command_quietly(command) -> None:
    process = subprocess.Popen([*command, "flood"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env())
    try:
        assert process.stdout is not None
        assert process.stderr is not None
        assert process.stdout.readline() == b"line 0\n"  # as `| head -1` does
        process.stdout.close()
        process.wait(timeout=30)
        err = process.stderr.read().decode()
    finally:
        process.kill()
    assert process.returncode == EXIT_BROKEN_PIPE
    assert err == ""


# --- step ---------------------------------------------------------------------------------------------------


def _plain() -> tuple[Console, io.StringIO]:
    stream = io.StringIO()
    return Console(file=stream, force_terminal=False), stream


def _terminal() -> tuple[Console, io.StringIO]:
    stream = io.StringIO()
    return Console(file=stream, force_terminal=True, width=100), stream


def test_a_step_outside_a_terminal_is_one_line_with_its_duration() -> None:
    console, stream = _plain()
    with step("Synthesizing the dev stage", console=console):
        print("(stdout is left alone)")
    assert re.fullmatch(r"Synthesizing the dev stage \.\.\. done \(\d+\.\d s\)\n", stream.getvalue())


def test_a_failed_step_says_so_and_the_error_goes_on() -> None:
    console, stream = _plain()
    with pytest.raises(RuntimeError, match="boom"), step("Starting local AWS", console=console):
        raise RuntimeError("boom")
    assert stream.getvalue() == "Starting local AWS ... failed\n"


def test_a_step_goes_to_stderr_by_default(capsys) -> None:
    with step("Creating the tables"):
        pass
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("Creating the tables ... done (")


def _text(stream: io.StringIO) -> str:
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", stream.getvalue())  # without the terminal's escape sequences


def test_a_step_on_a_terminal_ends_with_its_outcome() -> None:
    console, stream = _terminal()
    with step("Synthesizing [dev]", console=console):
        pass
    assert re.search(r"✓ Synthesizing \[dev\] \.\.\. done \(\d+\.\d s\)\n$", _text(stream))
    console, stream = _terminal()
    with pytest.raises(KeyboardInterrupt), step("Waiting", console=console):
        raise KeyboardInterrupt
    assert _text(stream).endswith("✗ Waiting ... failed\n")


# --- ProgressBar ----------------------------------------------------------------------------------------------


def test_outside_a_terminal_a_progress_bar_is_a_line_every_ten_percent() -> None:
    stream = io.StringIO()
    bar = ProgressBar("books", 200, "books", stream)
    for done in range(1, 201):
        bar.update(done)
    assert bar.finish() >= 0
    lines = stream.getvalue().splitlines()
    assert lines == ["  books: 1/200 books"] + [f"  books: {n}/200 books" for n in range(20, 201, 20)]


def test_the_final_count_is_shown_when_the_total_was_an_estimate() -> None:
    stream = io.StringIO()
    bar = ProgressBar("reading orders", 0, "items", stream)  # DynamoDB's ItemCount lags behind
    bar.advance(100)
    bar.advance(150)
    bar.finish()
    bar.finish()
    assert stream.getvalue().splitlines() == ["  reading orders: 100/100 items", "  reading orders: 250/250 items"]


def test_advancing_from_many_threads_counts_everything() -> None:
    bar = ProgressBar("items", 8000, "items", io.StringIO())

    def work() -> None:
        for _ in range(1000):
            bar.advance()

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    bar.finish()
    assert bar.done == 8000


def test_on_a_terminal_a_progress_bar_is_drawn_with_rich() -> None:
    console, stream = _terminal()
    with ProgressBar("writing the model", 40, "items", console=console) as bar:
        bar.update(10, total=50)
        bar.advance(40)
    assert (bar.done, bar.total) == (50, 50)
    assert "writing the model" in _text(stream)
    assert "50/50 items" in _text(stream)
