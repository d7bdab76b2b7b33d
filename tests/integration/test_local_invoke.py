"""`python -m local.invoke`: every sample event in events/ runs through it against the local stack."""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from local.invoke import invoke_local, load_event, main, start_invoke_stack
from local.world import assembly
from local.world.assembly import Assembly
from local.world.functions import FunctionNotFound, find_function, functions
from tests.support.running import running_store

EVENTS = Path(__file__).resolve().parents[2] / "events"
MAPPING = json.loads((EVENTS / "functions.json").read_text())
EVENT_FILES = sorted(p.relative_to(EVENTS).as_posix() for p in EVENTS.rglob("*.json") if p.name != "functions.json")


def function_for(event_file: str) -> str:
    if event_file in MAPPING:
        return str(MAPPING[event_file])
    return str(MAPPING[event_file.split("/")[0] + "/"])


@pytest.fixture(scope="module")
def found(dev) -> Assembly:
    """The session's synthesized templates, read as `--templates cdk.out` reads them (with construct paths)."""
    return assembly.read(dev.outdir, "dev")


@pytest.fixture(scope="module")
def templates(found: Assembly) -> dict[str, dict[str, Any]]:
    return found.templates


@pytest.fixture(scope="module")
def stack(found: Assembly) -> Iterator[Any]:
    started = start_invoke_stack(found)
    yield started
    started.stop()


def test_every_event_file_names_its_function(templates) -> None:
    for event_file in EVENT_FILES:
        spec = find_function(templates, function_for(event_file))
        assert spec.handler.endswith(".lambda_handler"), event_file


def test_every_function_of_the_templates_has_a_sample_event(templates) -> None:
    """A new function needs a sample event in events/ (and its line in events/functions.json): `make invoke` and
    the test below then run it (docs/contributing.md#add-a-function)."""
    covered = {find_function(templates, function_for(event_file)).logical_id for event_file in EVENT_FILES}
    assert len(functions(templates)) >= 6  # the shop's own functions, found in the templates
    missing = sorted(f"{spec.path} ({spec.handler})" for spec in functions(templates) if spec.logical_id not in covered)
    assert not missing, f"functions without a sample event in events/: {missing}"


@pytest.mark.parametrize("event_file", EVENT_FILES)
def test_event_runs_through_local_invoke(event_file: str, templates, stack: Any) -> None:
    spec = find_function(templates, function_for(event_file))
    logs = io.StringIO()
    event = load_event(EVENTS / event_file)
    result = invoke_local(templates, spec, event, stack.aws, logs, lex_endpoint=stack.lex.url)
    kind = event_file.split("/")[0]
    if kind == "api":
        assert 200 <= result["statusCode"] < 500, result
        body = json.loads(result["body"])
        assert isinstance(body, dict)
        if result["statusCode"] >= 400:
            assert body["error"]
            assert body["message"]
    elif kind == "bot":
        assert result["sessionState"]["dialogAction"]["type"] in {
            "Close",
            "ElicitSlot",
            "ConfirmIntent",
            "ElicitIntent",
            "Delegate",
        }
        assert result["sessionState"]["intent"]["name"] == event["sessionState"]["intent"]["name"]
    elif kind == "auth":
        # A Cognito trigger returns the event; the sample is pointed at the local pool.
        assert result["userName"] == event["userName"]
        assert result["userPoolId"] == stack.aws.user_pool_id
    elif kind == "recommendations":
        assert result == {"batchItemFailures": []}
    else:  # a new kind of event needs its own check here
        pytest.fail(f"no expectation for {event_file}")


def test_sign_up_event_creates_the_customer_profile(templates, stack: Any) -> None:
    spec = find_function(templates, "PostConfirmationFunction")
    event = load_event(EVENTS / "auth/post_confirmation_sign_up.json")
    event["userName"] = "mia"
    event["request"]["userAttributes"]["email"] = "mia@example.com"
    invoke_local(templates, spec, event, stack.aws, io.StringIO())
    item = stack.aws.client("dynamodb").get_item(
        TableName=stack.aws.tables["UsersTable"], Key={"pk": {"S": "USER#mia"}, "sk": {"S": "PROFILE"}}
    )
    assert item["Item"]["email"]["S"] == "mia@example.com"
    groups = stack.aws.client("cognito-idp").admin_list_groups_for_user(
        UserPoolId=stack.aws.user_pool_id, Username="mia"
    )
    assert [g["GroupName"] for g in groups["Groups"]] == ["customers"]


def test_chat_event_reaches_the_bot(templates, stack: Any) -> None:
    spec = find_function(templates, "ChatFunction")
    result = invoke_local(
        templates, spec, load_event(EVENTS / "api/chat.json"), stack.aws, io.StringIO(), lex_endpoint=stack.lex.url
    )
    assert result["statusCode"] == 200
    assert json.loads(result["body"])["messages"]


def test_function_is_found_by_logical_id_or_construct_path(templates) -> None:
    api = templates["Bookstore-dev-Api"]
    [logical] = [
        k for k, v in api["Resources"].items() if v["Type"] == "AWS::Lambda::Function" and k.startswith("ApiFunction")
    ]
    by_path = {
        find_function(templates, name).logical_id
        for name in (
            logical,
            "ApiFunction",
            "apifunction",
            "Api/ApiFunction",
            "Bookstore-dev-Api/ApiFunction",
            "Bookstore-dev-Api/ApiFunction/Function/Resource",
        )
    }
    assert by_path == {logical}
    assert {s.name for s in functions(templates)} == {
        "ApiFunction",
        "ChatFunction",
        "Fulfillment",
        "PostConfirmation",
        "PreSignUp",
        "RecommendationsWorker-Handler",
    }


def test_unknown_function_lists_the_functions(templates) -> None:
    with pytest.raises(FunctionNotFound) as failure:
        find_function(templates, "NoSuchFunction")
    message = str(failure.value)
    assert "ApiFunction" in message
    assert "Fulfillment" in message


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_rejects_a_missing_event_file(dev, capsys) -> None:
    code, out, err = _run(["ApiFunction", "--event", "events/api/nope.json", "--templates", str(dev.outdir)], capsys)
    assert code == 2
    assert "No event file" in err
    assert out == ""


def test_cli_rejects_an_event_that_is_not_json(dev, tmp_path, capsys) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"httpMethod": "GET",')
    code, _, err = _run(["ApiFunction", "--event", str(broken), "--templates", str(dev.outdir)], capsys)
    assert code == 2
    assert "not valid JSON" in err


def test_cli_reads_the_event_from_stdin(dev, stack, capsys, monkeypatch) -> None:
    import io as _io

    monkeypatch.setattr("sys.stdin", _io.StringIO((EVENTS / "api/get_book.json").read_text()))
    code, out, err = _run(
        ["ApiFunction", "--event", "-", "--templates", str(dev.outdir), "--endpoint", stack.aws.endpoint], capsys
    )
    assert code == 0, err
    assert json.loads(out)["statusCode"] == 200


def test_cli_rejects_an_unknown_function(dev, capsys) -> None:
    code, _, err = _run(["Nope", "--event", "events/api/get_book.json", "--templates", str(dev.outdir)], capsys)
    assert code == 2
    assert "No function 'Nope'" in err


def test_cli_rejects_a_templates_folder_without_the_stage(tmp_path, capsys) -> None:
    code, _, err = _run(["ApiFunction", "--event", "events/api/get_book.json", "--templates", str(tmp_path)], capsys)
    assert code == 2
    assert "make synth" in err


def test_cli_against_a_running_local_stack_prints_result_on_stdout_and_logs_on_stderr(dev, stack, capsys) -> None:
    code, out, err = _run(
        ["Api/ApiFunction", "--event", "events/api/get_book.json", "--templates", str(dev.outdir),
         "--endpoint", stack.aws.endpoint],
        capsys,
    )  # fmt: skip
    assert code == 0, err
    result = json.loads(out)
    assert result["statusCode"] == 200
    assert json.loads(result["body"])["title"] == "Dracula"
    assert "Invoking ApiFunction" in err


def test_cli_reports_a_handler_failure_as_lambda_does(dev, stack, tmp_path, capsys) -> None:
    # A stream record the worker cannot parse fails the batch item, not the process; a non-dict event makes
    # the handler itself raise.
    broken = tmp_path / "event.json"
    broken.write_text("[1, 2, 3]")
    code, out, _ = _run(
        ["Api/ApiFunction", "--event", str(broken), "--templates", str(dev.outdir), "--endpoint", stack.aws.endpoint],
        capsys,
    )
    assert code == 1
    assert set(json.loads(out)) == {"errorMessage", "errorType", "stackTrace"}


def test_cli_attaches_to_the_running_make_dev_by_default(dev, stack, tmp_path, capsys, monkeypatch) -> None:
    """With a `make dev` announced, the function runs on its store (here: a price changed in that store)."""
    from local.world import running

    monkeypatch.setenv(running.RUNNING_DIR_VARIABLE, str(tmp_path))
    aws = stack.aws
    running.announce(
        running_store(aws.endpoint, lex=stack.lex.url, tables=aws.tables, user_pool_id=aws.user_pool_id,
                      client_id=aws.client_id, images_bucket=aws.images_bucket, assembly=str(dev.outdir))
    )  # fmt: skip
    aws.client("dynamodb").update_item(
        TableName=aws.tables["ProductsTable"],
        Key={"pk": {"S": "BOOK#dracula-bram-stoker"}, "sk": {"S": "META"}},
        UpdateExpression="SET price_cents = :p",
        ExpressionAttributeValues={":p": {"N": "4321"}},
    )
    code, out, err = _run(
        ["ApiFunction", "--event", "events/api/get_book.json", "--templates", str(dev.outdir)], capsys
    )
    assert code == 0, err
    assert f"on the running `make dev` (pid {os.getpid()}" in err
    assert json.loads(json.loads(out)["body"])["price_cents"] == 4321


def test_cli_starts_its_own_local_stack_when_standalone(dev) -> None:
    """The world started for one invocation, as a developer runs it (own process: moto's state is per process)."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "local.invoke", "Bot/Fulfillment", "--event", "events/bot/help_customer.json",
         "--templates", str(dev.outdir), "--standalone"],
        capture_output=True, text=True, timeout=120, cwd=EVENTS.parent, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["sessionState"]["intent"]["name"] == "Help"
    assert "Starting local AWS" in done.stderr


def test_cli_for_prod_without_its_context_says_what_is_missing(capsys) -> None:
    code, out, err = _run(["ApiFunction", "--event", "events/api/get_book.json", "--stage", "prod"], capsys)
    assert code == 2
    assert "-c account=123456789012" in err
    assert "--templates cdk.out" in err
    assert out == ""
