"""Invoke one Lambda function of the app locally, without Docker: like `sam local invoke`, in-process.

    python -m local.invoke ApiFunction --event events/api/get_book.json
    python -m local.invoke Bookstore-dev-Bot/FulfillmentFunction --event events/bot/help_customer.json
    python -m local.invoke ApiFunction --event events/api/get_book.json --endpoint http://127.0.0.1:5000
    python -m local.invoke ApiFunction --event events/api/get_book.json --aws --stage dev

FUNCTION is a logical id (`ApiFunction685AAB5B`, or `ApiFunction` without the hash) or a construct path
(`Bookstore-dev-Api/ApiFunction`, `Api/ApiFunction`). The function's handler and environment come from the
templates: `--templates cdk.out` reads those of `make synth`; the default is the cached synth (synthesized
again only when an input changed).

Where it runs:
  (default)        the store of the running `make dev` when there is one (said on stderr); else the local
                   world started on free ports for this invocation: moto with the tables and user pool of the
                   templates, the sample catalog, the demo accounts (alice, staff; carol, customer), the
                   Lex V2 runtime (for ChatFunction)
  --standalone     always the local world started for this invocation
  --endpoint URL   the AWS endpoint of another local stack (`make dev` prints it as "AWS (moto)"); add
                   --lex-endpoint URL (its "Lex V2 runtime") to invoke ChatFunction
  --aws            the deployed stage, with your AWS credentials (resources found by CloudFormation)

The result goes to stdout as JSON, the function's Powertools logs and metrics to stderr. Exit status 1 when
the handler raises (its error is printed as Lambda reports it), 2 for bad arguments.
"""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

import local  # noqa: F401  (functions/ on sys.path)
from local.cli import run, step
from local.emulators.lambda_runtime import FunctionSpec
from local.world import assembly, running
from local.world.assembly import Assembly
from local.world.aws import attached_aws
from local.world.functions import FunctionNotFound, UnresolvableValue, component_templates, find_function

Templates = Mapping[str, Mapping[str, Any]]


class InvokeError(Exception):
    """Bad input: the message says what to change."""


def load_event(path: str | Path) -> Any:
    """The event from a JSON file, or from standard input for `-`."""
    if str(path) == "-":
        text, where = sys.stdin.read(), "standard input"
    else:
        file = Path(path)
        if not file.is_file():
            raise InvokeError(f"No event file {str(path)!r}.")
        text, where = file.read_text(encoding="utf-8"), str(path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise InvokeError(f"{where} is not valid JSON: {err.msg} at line {err.lineno}, column {err.colno}.") from err


def prepare_local_event(event: Any, aws: Any) -> Any:
    """A Cognito trigger fires for a user of the pool that calls it: point the sample at the local pool
    and make sure its user exists there, as it would when Cognito sends the event."""
    if isinstance(event, dict) and "triggerSource" in event and "userPoolId" in event:
        from local.world.cognito import ensure_user

        event = {**event, "userPoolId": aws.user_pool_id}
        attributes = ((event.get("request") or {}).get("userAttributes")) or {}
        ensure_user(aws, str(event.get("userName", "")), {k: str(v) for k, v in attributes.items()})
    return event


def invoke_local(
    templates: Templates, spec: FunctionSpec, event: Any, aws: Any, logs: IO[str], *, lex_endpoint: str | None = None
) -> Any:
    from local.emulators.lambda_runtime import FunctionRunner
    from local.world.environment import local_environment, local_resolver

    environment = {
        **local_resolver(templates, aws).environment(spec),
        **local_environment(aws, lex_endpoint=lex_endpoint),
    }
    runner = FunctionRunner(spec, environment).load()
    return runner.invoke(prepare_local_event(event, aws), logs=logs)


def invoke_aws(templates: Templates, spec: FunctionSpec, event: Any, region: str | None, logs: IO[str]) -> Any:
    import boto3

    from local.emulators.lambda_runtime import FunctionRunner
    from local.world.environment import aws_resolver

    session = boto3.session.Session(region_name=region)
    if session.get_credentials() is None:
        raise InvokeError("--aws needs AWS credentials (a profile, environment variables or SSO login).")
    environment = aws_resolver(templates, session).environment(spec)
    environment.setdefault("AWS_REGION", session.region_name or "")
    environment.setdefault("AWS_DEFAULT_REGION", session.region_name or "")
    return FunctionRunner(spec, environment).load().invoke(event, logs=logs)


def start_invoke_stack(found: Assembly) -> Any:
    """The local world for one invocation (free ports): AWS with the sample data and demo accounts (their sign-up
    runs the pool's trigger), the Lex V2 runtime for ChatFunction."""
    from local.world.stack import Ports, start_stack

    return start_stack(found, parts={"aws", "functions", "lex"}, ports=Ports.block(0), step=step)


def endpoint_stack(endpoint: str, templates: Templates) -> Any:
    """A running local stack (make dev), found by its table names and its user pool."""
    from local.world.aws import LocalAws
    from local.world.provision import table_definitions

    by_component = component_templates(templates)
    aws = LocalAws(endpoint=endpoint.rstrip("/"), tables={}, user_pool_id="", client_id="")
    try:
        existing = set(aws.client("dynamodb").list_tables()["TableNames"])
        pools = aws.client("cognito-idp").list_user_pools(MaxResults=10)["UserPools"]
    except Exception as err:
        raise InvokeError(f"No local stack answers at {endpoint}: {err}. Is `make dev` running?") from err
    wanted = list(table_definitions(by_component["Data"]))
    missing = [t for t in wanted if t not in existing]
    if missing or not pools:
        raise InvokeError(f"{endpoint} is not a local bookstore stack (missing {', '.join(missing) or 'user pool'}).")
    aws.tables = {t: t for t in wanted}
    aws.user_pool_id = pools[0]["Id"]
    clients = aws.client("cognito-idp").list_user_pool_clients(UserPoolId=aws.user_pool_id)["UserPoolClients"]
    aws.client_id = clients[0]["ClientId"] if clients else ""
    return aws


def error_payload(err: BaseException) -> dict[str, Any]:
    """How Lambda reports an unhandled error."""
    return {
        "errorMessage": str(err),
        "errorType": type(err).__name__,
        "stackTrace": traceback.format_tb(err.__traceback__),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m local.invoke", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("function", metavar="FUNCTION", help="logical id or construct path of the function")
    parser.add_argument("--event", "-e", required=True, help="the event, a JSON file (see events/), or - for stdin")
    parser.add_argument("--stage", default="dev", help="which stage's templates (default dev)")
    parser.add_argument("--templates", "-t", type=Path, help="read the templates from this directory (e.g. cdk.out)")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--standalone", action="store_true", help="never use a running `make dev`'s store")
    where.add_argument("--endpoint", help="the AWS endpoint of another local stack (`make dev` prints it)")
    where.add_argument("--aws", action="store_true", help="run against the deployed stage (needs credentials)")
    parser.add_argument(
        "--lex-endpoint", help="with --endpoint: the Lex V2 runtime of that `make dev` (for ChatFunction)"
    )
    parser.add_argument("--region", help="AWS region for --aws")
    args = parser.parse_args(argv)

    stack = None
    try:
        event = load_event(args.event)
        found = assembly.load(args.stage, args.templates, say=_say, synthesizing=step)
        templates = found.templates
        spec = find_function(templates, args.function)
        store = None if (args.standalone or args.endpoint or args.aws) else running.find(args.stage)
        if args.aws:
            _say(f"Invoking {spec.logical_id} ({spec.handler}) from {spec.stack} on the deployed stage")
            result = invoke_aws(templates, spec, event, args.region, sys.stderr)
        elif args.endpoint:
            _say(f"Invoking {spec.logical_id} ({spec.handler}) from {spec.stack} against {args.endpoint}")
            aws = endpoint_stack(args.endpoint, templates)
            result = invoke_local(templates, spec, event, aws, sys.stderr, lex_endpoint=args.lex_endpoint)
        elif store is not None:
            _say(f"Invoking {spec.logical_id} ({spec.handler}) from {spec.stack} on {store.describe()}")
            aws = attached_aws(store.aws, store.tables, store.user_pool_id, store.client_id, store.images_bucket)
            result = invoke_local(templates, spec, event, aws, sys.stderr, lex_endpoint=store.lex)
        else:
            _say(f"Invoking {spec.logical_id} ({spec.handler}) from {spec.stack} on a local world started for it")
            stack = start_invoke_stack(found)
            result = invoke_local(templates, spec, event, stack.aws, sys.stderr, lex_endpoint=stack.lex.url)
    except (InvokeError, FunctionNotFound, UnresolvableValue, assembly.AssemblyError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except Exception as err:  # the handler's own failure, reported as Lambda does
        print(json.dumps(error_payload(err), indent=2))
        return 1
    finally:
        if stack is not None:
            stack.stop()
    print(json.dumps(result, indent=2, default=str))
    return 0


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


if __name__ == "__main__":
    run(main)
