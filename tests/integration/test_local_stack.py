"""The `make dev` stack: the API Gateway emulator follows the template (routes, authorizer, CORS, gateway
errors), the user pool runs its trigger, the state survives a restart, a taken port is a clear error."""

from __future__ import annotations

import base64
import json
import socket
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from local.dev import main as dev_main
from local.emulators.http_server import PortInUseError
from local.world import assembly
from local.world.assembly import Assembly
from local.world.cognito import DEMO_ACCOUNTS
from local.world.stack import LocalStack, Ports, start_stack
from local.world.state import StateError, read, save
from tests.support.addresses import HOME_JSON

ALICE, CAROL = DEMO_ACCOUNTS


@pytest.fixture(scope="module")
def found(dev) -> Assembly:
    """The session's synth, read as `--templates DIR` reads a cloud assembly."""
    return assembly.read(dev.outdir, "dev")


@pytest.fixture(scope="module")
def templates(found: Assembly) -> dict[str, dict[str, Any]]:
    return found.templates


@pytest.fixture(scope="module")
def stack(found: Assembly) -> Iterator[LocalStack]:
    started = start_stack(found, ports=Ports.block(0))
    yield started
    started.stop()


def request(
    url: str, method: str = "GET", body: Any = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], Any]:
    data = json.dumps(body).encode() if body is not None else None
    sent = urllib.request.Request(  # noqa: S310 (the local stack)
        url, data=data, method=method, headers={"Content-Type": "application/json", **(headers or {})}
    )
    try:
        with urllib.request.urlopen(sent, timeout=30) as response:  # noqa: S310 (the local stack)
            raw = response.read()
            return response.status, dict(response.headers), json.loads(raw) if raw else None
    except urllib.error.HTTPError as err:
        raw = err.read()
        return err.code, dict(err.headers), json.loads(raw) if raw else None


def id_token(stack: LocalStack, username: str, password: str) -> str:
    result = stack.aws.client("cognito-idp").initiate_auth(
        ClientId=stack.aws.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password},
    )
    return str(result["AuthenticationResult"]["IdToken"])


def test_public_route_answers_with_the_local_front_end_as_cors_origin(stack) -> None:
    status, headers, body = request(f"{stack.api.url}books?q=dracula", headers={"Origin": stack.web.origin})
    assert status == 200
    assert body["items"][0]["title"] == "Dracula"
    assert headers["Access-Control-Allow-Origin"] == stack.web.origin
    assert headers["Content-Type"] == "application/json"
    assert headers["x-amzn-RequestId"]


def test_preflight_comes_from_the_templates_mock_integration(stack) -> None:
    status, headers, _ = request(f"{stack.api.url}orders", method="OPTIONS", headers={"Origin": stack.web.origin})
    assert status == 204
    assert headers["Access-Control-Allow-Origin"] == stack.web.origin
    assert "POST" in headers["Access-Control-Allow-Methods"]
    assert "Idempotency-Key" in headers["Access-Control-Allow-Headers"]


def test_private_route_without_a_token_is_refused_by_the_authorizer(stack) -> None:
    status, headers, body = request(f"{stack.api.url}orders")
    assert (status, body) == (401, {"message": "Unauthorized"})
    assert headers["Access-Control-Allow-Origin"] == stack.web.origin  # the gateway response's CORS


def test_forged_or_foreign_tokens_are_refused(stack) -> None:
    token = id_token(stack, CAROL.username, CAROL.password)
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["cognito:groups"] = ["staff"]  # promote myself...
    forged_payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    for bad in (f"{header}.{forged_payload}.{signature}", "not-a-token", token[:-4] + "AAAA"):
        status, _, body = request(f"{stack.api.url}orders", headers={"Authorization": bad})
        assert (status, body) == (401, {"message": "Unauthorized"}), bad[:20]


def test_signed_in_customer_reaches_the_function_with_verified_claims(stack) -> None:
    token = id_token(stack, CAROL.username, CAROL.password)
    status, _, body = request(f"{stack.api.url}me", headers={"Authorization": token})
    assert status == 200
    assert body["username"] == CAROL.username
    status, _, body = request(
        f"{stack.api.url}books/dracula-bram-stoker/stock",
        method="PUT",
        body={"stock": 12},
        headers={"Authorization": token},
    )
    assert status == 403  # a customer on a staff route: the groups claim came through, unforgeable
    assert body["error"] == "NotAuthorized"


def test_staff_token_carries_the_staff_group(stack) -> None:
    token = id_token(stack, ALICE.username, ALICE.password)
    status, _, body = request(
        f"{stack.api.url}staff/orders/01ARZ3NDEKTSV4RRFFQ69G5FAV", headers={"Authorization": token}
    )
    assert status == 404
    assert body["error"] == "OrderNotFound"


def test_unknown_route_or_method_is_missing_authentication_token(stack) -> None:
    for method, path in (("GET", "nowhere"), ("DELETE", "books"), ("GET", "")):
        status, _, body = request(f"{stack.api.url}{path}", method=method)
        assert (status, body) == (403, {"message": "Missing Authentication Token"}), (method, path)
    status, _, _ = request(stack.api.url.replace("/v1/", "/v2/books"))
    assert status == 403


def test_chat_goes_through_the_local_bot_with_the_verified_identity(stack) -> None:
    token = id_token(stack, ALICE.username, ALICE.password)
    status, _, body = request(
        f"{stack.api.url}chat", method="POST", body={"text": "help"}, headers={"Authorization": token}
    )
    assert status == 200
    assert body["intent"] == "Help"
    assert any("register" in m.lower() for m in body["messages"])  # staff help mentions staff intents


def test_front_end_gets_a_config_for_this_stack_and_the_security_headers(stack) -> None:
    with urllib.request.urlopen(f"{stack.web.url}config.json", timeout=10) as response:  # noqa: S310
        config = json.loads(response.read())
        csp = response.headers["Content-Security-Policy"]
        assert response.headers["X-Frame-Options"] == "DENY"
    assert config == {
        "apiUrl": stack.api.url,
        "region": "us-east-1",
        "userPoolId": stack.aws.user_pool_id,
        "userPoolClientId": stack.aws.client_id,
        "cognitoEndpoint": f"{stack.aws.endpoint}/",
        "stage": "local",
    }
    assert "frame-ancestors 'none'" in csp
    assert stack.aws.endpoint in csp
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(f"{stack.web.url}../../pyproject.toml", timeout=10)  # noqa: S310
    assert missing.value.code == 404


def test_confirming_a_sign_up_runs_the_post_confirmation_trigger(stack) -> None:
    cognito = stack.aws.client("cognito-idp")
    cognito.sign_up(
        ClientId=stack.aws.client_id,
        Username="trigger.test",
        Password="Trigger-Test-2026!",
        UserAttributes=[{"Name": "email", "Value": "trigger.test@example.com"}],
    )
    code = next(m.code for m in stack.outbox.messages() if m.username == "trigger.test")  # as e-mailed
    cognito.confirm_sign_up(ClientId=stack.aws.client_id, Username="trigger.test", ConfirmationCode=code)
    groups = cognito.admin_list_groups_for_user(UserPoolId=stack.aws.user_pool_id, Username="trigger.test")["Groups"]
    assert [g["GroupName"] for g in groups] == ["customers"]
    profile = stack.aws.client("dynamodb").get_item(
        TableName=stack.aws.tables["UsersTable"], Key={"pk": {"S": "USER#trigger.test"}, "sk": {"S": "PROFILE"}}
    )
    assert profile["Item"]["email"]["S"] == "trigger.test@example.com"


def test_state_survives_a_restart(stack, found: Assembly, tmp_path: Path) -> None:
    token = id_token(stack, CAROL.username, CAROL.password)
    status, _, order = request(
        f"{stack.api.url}orders",
        method="POST",
        body={"lines": [{"book_id": "emma-jane-austen", "quantity": 1}], "delivery_address": HOME_JSON},
        headers={"Authorization": token, "Idempotency-Key": "state-test-1"},
    )
    assert status == 201
    state_file = tmp_path / "state.json"
    counts = save(stack.aws, state_file)
    assert counts["users"] >= 2
    assert counts["images"] >= 1

    # A second stack cannot run beside the first in one process (moto's data is per process), so the
    # restart is checked in the file and then in a stack started from it once the first is gone.
    data = read(state_file)
    orders = [i for i in data["tables"]["OrdersTable"] if i.get("order_id", {}).get("S") == order["order_id"]]
    assert orders
    assert {u["username"] for u in data["users"]} >= {ALICE.username, CAROL.username}
    stack.stop()
    restarted = start_stack(found, ports=Ports.block(0), state=data)
    assert restarted.api is not None
    try:
        token = id_token(restarted, CAROL.username, CAROL.password)  # same password
        status, _, mine = request(f"{restarted.api.url}orders/{order['order_id']}", headers={"Authorization": token})
        assert status == 200
        assert mine["lines"][0]["book_id"] == "emma-jane-austen"
        status, _, book = request(f"{restarted.api.url}books/emma-jane-austen")
        assert book["image_url"]  # covers came back too
    finally:
        restarted.stop()


def test_a_broken_state_file_is_a_clear_error_and_is_left_alone(tmp_path: Path) -> None:
    broken = tmp_path / "state.json"
    broken.write_text('{"format": "bookstore-local-state", "version": 1, "tables": {')
    with pytest.raises(StateError, match="not valid JSON"):
        read(broken)
    other = tmp_path / "other.json"
    other.write_text('{"hello": "world"}')
    with pytest.raises(StateError, match="not a bookstore local state file"):
        read(other)
    newer = tmp_path / "newer.json"
    newer.write_text('{"format": "bookstore-local-state", "version": 99, "tables": {}, "users": [], "images": []}')
    with pytest.raises(StateError, match="version 99"):
        read(newer)
    assert broken.read_text().endswith('"tables": {')  # untouched


def test_dev_refuses_a_broken_state_file_before_starting(tmp_path: Path, capsys) -> None:
    broken = tmp_path / "state.json"
    broken.write_text("not json")
    assert dev_main(["--port", "0", "--state", str(broken)]) == 2
    assert "not valid JSON" in capsys.readouterr().err
    assert broken.read_text() == "not json"


def test_a_taken_port_is_a_clear_error_naming_what_needed_it(capsys) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(PortInUseError, match=rf"port {port} on 127.0.0.1 \(the API\) is already in use"):
            Ports(web=0, api=port, lex=0, aws=0).check("127.0.0.1")
        assert dev_main(["--port", str(port)]) == 2
        err = capsys.readouterr().err
        assert f"port {port} on 127.0.0.1 (the web front end) is already in use" in err
        assert "--port" in err


def test_a_failure_late_in_start_up_frees_everything_and_is_raised(found: Assembly) -> None:
    """A failure (or Ctrl-C) once the servers are bound but before they serve: the error comes out at once and
    every port is free again (stopping a server that never served must not wait for it)."""
    import contextlib
    import threading

    def failing(message: str) -> Any:
        if message.startswith("Reading every function"):
            raise RuntimeError("the functions could not be read")
        return contextlib.nullcontext()

    raised: list[BaseException] = []

    def start() -> None:
        try:
            start_stack(found, ports=Ports.block(0), step=failing)
        except BaseException as err:
            raised.append(err)

    starting = threading.Thread(target=start, daemon=True)
    starting.start()
    starting.join(timeout=60)
    assert not starting.is_alive(), "start_stack hung while cleaning up"
    assert [str(e) for e in raised] == ["the functions could not be read"]


def test_a_state_file_that_cannot_be_written_is_refused_before_starting(tmp_path: Path, capsys) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    assert dev_main(["--port", "0", "--state", str(blocker / "state.json")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: cannot save the state to {blocker / 'state.json'}")
    assert len(err.strip().splitlines()) == 1
    assert dev_main(["--port", "0", "--state", str(tmp_path)]) == 2  # a folder, not a file
    assert "it is not a file" in capsys.readouterr().err
