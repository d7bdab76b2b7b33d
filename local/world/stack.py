"""The whole store on this machine, from the synthesized templates: what `make dev` runs.

    moto server (DynamoDB, Cognito, S3)   tables, user pool and bucket of the Data and Auth templates
    Lex V2 runtime                        the bot model, its code hook = the Bot template's function
    API Gateway emulator                  routes, authorizer and CORS of the Api template, its functions
    web server                            frontend_stub/ with a config.json for these endpoints

Every function runs its real handler in this process with the environment its template gives it
(resolved to the local names); the user pool's post-confirmation trigger and the orders stream's worker
run as they do in AWS.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import local  # noqa: F401  (functions/ on sys.path)
from local.emulators import REGION
from local.emulators.apigw import ApiGatewayServer, CognitoAuthorizer, RestApiEmulator, RestApiModel
from local.emulators.console import hide_metric_lines, show_metric_lines
from local.emulators.lambda_runtime import FunctionRunner, FunctionSpec
from local.emulators.lex.server import LexHTTPServer, PortInUseError, check_port_free
from local.emulators.streams import StreamReader, StreamWorker
from local.emulators.web import WebServer
from local.world.aws import LocalAws, progress, start_local_aws
from local.world.cognito import create_demo_accounts, install_post_confirmation, trigger_function
from local.world.environment import local_environment, local_resolver
from local.world.functions import component_templates, functions
from stacks.site_policy import site_config

Templates = Mapping[str, Mapping[str, Any]]
PORT_ROLES = ("web front end", "API", "Lex V2 runtime", "moto AWS endpoint")


@dataclass(frozen=True)
class Ports:
    web: int = 8080
    api: int = 8081
    lex: int = 8082
    aws: int = 8083

    @classmethod
    def block(cls, base: int) -> Ports:
        """Four consecutive ports from `base` (0: any free ports)."""
        if base == 0:
            return cls(0, 0, 0, 0)
        return cls(base, base + 1, base + 2, base + 3)

    def check(self, host: str) -> None:
        for role, port in zip(PORT_ROLES, (self.web, self.api, self.lex, self.aws), strict=True):
            try:
                check_port_free(host, port)
            except PortInUseError as err:
                raise PortInUseError(
                    f"port {port} on {host} (the {role}) is already in use, maybe by another `make dev`; "
                    f'stop it, or use another block of four ports: make dev ARGS="--port 9080" (0 picks free ones)'
                ) from err


@dataclass
class LocalStack:
    templates: Templates
    aws: LocalAws
    runners: dict[str, FunctionRunner]
    lex: LexHTTPServer
    api: ApiGatewayServer
    web: WebServer
    worker: StreamWorker | None
    environment_before: dict[str, str] = field(default_factory=dict)
    stdout_before: TextIO | None = None

    def urls(self) -> dict[str, str]:
        return {"web": self.web.url, "api": self.api.url, "lex": self.lex.url, "aws": self.aws.endpoint}

    def stop(self) -> None:
        for server in (self.web, self.api, self.lex):
            try:
                server.stop()
            except Exception as err:  # keep stopping the rest
                print(f"warning: stopping a server failed: {err}", file=sys.stderr)
        if self.worker is not None:
            self.worker.stop()
        self.aws.stop()
        _give_back_the_process(self.environment_before, self.stdout_before)


def _give_back_the_process(environment: dict[str, str], stdout: TextIO | None) -> None:
    """The functions' variables (this stack's endpoints), clients, log level and the console filter must not
    outlive the stack in this process."""
    from bookstore import aws as function_clients
    from bookstore.observability import logger

    if environment:
        os.environ.clear()
        os.environ.update(environment)
    function_clients.clear_clients()
    logger.setLevel(os.environ.get("POWERTOOLS_LOG_LEVEL", "INFO"))
    if stdout is not None:
        show_metric_lines(stdout)


def _load_runners(
    templates: Templates, aws: LocalAws, extra: dict[str, str], verbose: bool
) -> dict[str, FunctionRunner]:
    resolver = local_resolver(templates, aws)
    specs: list[FunctionSpec] = functions(templates)
    runners: dict[str, FunctionRunner] = {}
    for index, spec in enumerate(specs):
        environment = {**resolver.environment(spec), **local_environment(aws), **extra}
        if not verbose:  # the template's level (DEBUG in dev) floods a console serving four things at once
            environment["POWERTOOLS_LOG_LEVEL"] = "WARNING"
        # All handlers share this process's environment; the first load starts clean, the others keep it.
        runners[spec.logical_id] = FunctionRunner(spec, environment).load(fresh=index == 0)
    return runners


def start_stack(
    templates: Templates,
    *,
    host: str = "127.0.0.1",
    ports: Ports | None = None,
    state: dict[str, Any] | None = None,
    verbose: bool = False,
    say: Callable[[str], None] = lambda message: print(message, file=sys.stderr),
) -> LocalStack:
    """Start everything; with `state` (from local.world.state.read), restore it instead of seeding."""
    from bot import load_bot_model
    from local.emulators.lex.engine import DialogEngine
    from local.world.state import restore

    ports = ports or Ports()
    ports.check(host)
    environment_before = dict(os.environ)
    stdout_before = None if verbose else hide_metric_lines()
    by_component = component_templates(templates)
    # Bind the front end and API ports first: their origins go into the functions' CORS and config.json.
    web = WebServer(host, ports.web)
    lex: LexHTTPServer | None = None
    api: ApiGatewayServer | None = None
    aws: LocalAws | None = None
    try:
        with progress("Starting local AWS (moto) with the tables, user pool and bucket of the templates"):
            aws = start_local_aws(by_component, host=host, port=ports.aws, seed=False)
        if state is None:
            with progress("Loading the sample catalog, with covers"):
                from local.world.catalog import load_catalog, seed_catalog
                from local.world.covers import with_covers

                books = with_covers(aws.client("s3"), aws.images_bucket, load_catalog())
                seed_catalog(
                    aws.client("dynamodb"), aws.tables["ProductsTable"], aws.tables["RecommendationsTable"], books
                )
        else:
            with progress("Restoring the saved state"):
                counts = restore(aws, state)
            say(f"  restored {counts['items']} items, {counts['users']} users, {counts['images']} images")

        # The Lex runtime is bound before the functions load: the chat function's endpoint is its URL.
        model = load_bot_model()
        engine = DialogEngine(model, lambda event: {})
        lex = LexHTTPServer(engine, host, ports.lex)
        with progress("Loading every function with its template's environment"):
            runners = _load_runners(
                templates,
                aws,
                {
                    **local_environment(aws, lex_endpoint=lex.url),
                    "ALLOWED_ORIGIN": web.origin,
                },
                verbose,
            )
        fulfillment = next(r for r in runners.values() if r.spec.handler.startswith("bot_fulfillment."))
        engine.code_hook = fulfillment.invoke
        lex.start()

        trigger_id = trigger_function(by_component["Auth"])
        trigger = runners[trigger_id].invoke if trigger_id in runners else None
        if trigger is not None:
            install_post_confirmation(aws, trigger)
        if state is None:
            create_demo_accounts(aws, trigger)

        worker = None
        worker_runner = next((r for r in runners.values() if r.spec.handler.startswith("recommendations.")), None)
        if worker_runner is not None:
            table = aws.client("dynamodb").describe_table(TableName=aws.tables["OrdersTable"])["Table"]
            # A restored state already holds what the worker learned from its orders: read only what is new.
            reader = StreamReader(
                aws.client("dynamodbstreams"),
                table["LatestStreamArn"],
                start="TRIM_HORIZON" if state is None else "LATEST",
            )
            reader.read()
            worker = StreamWorker(reader, worker_runner.invoke).start()
            aws.workers.append(worker)

        cognito = aws.client("cognito-idp")
        pool_id = aws.user_pool_id

        def client_ids() -> set[str]:
            clients = cognito.list_user_pool_clients(UserPoolId=pool_id, MaxResults=60)["UserPoolClients"]
            return {c["ClientId"] for c in clients}

        emulator = RestApiEmulator(
            RestApiModel.from_template(by_component["Api"]),
            {logical: runner.invoke for logical, runner in runners.items()},
            CognitoAuthorizer(aws.endpoint, pool_id, client_ids, REGION),
            allowed_origin=web.origin,
        )
        api = ApiGatewayServer(emulator, host, ports.api).start()
        web.configure(
            site_config(
                api_url=api.url,
                region=REGION,
                user_pool_id=pool_id,
                client_id=aws.client_id,
                cognito_endpoint=f"{aws.endpoint}/",
                stage="local",
            ),
            connect=[_origin(api.url), aws.endpoint],
        )
        web.start()
    except BaseException:
        for server in (web, api, lex):
            if server is not None:
                server.server_close()
        if aws is not None:
            aws.stop()
        _give_back_the_process(environment_before, stdout_before)
        raise
    return LocalStack(
        templates=templates,
        aws=aws,
        runners=runners,
        lex=lex,
        api=api,
        web=web,
        worker=worker,
        environment_before=environment_before,
        stdout_before=stdout_before,
    )


def _origin(url: str) -> str:
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}"


def templates_of(stage: str = "dev", directory: Path | None = None) -> dict[str, dict[str, Any]]:
    from local.invoke import load_templates, synthesized_templates

    return load_templates(directory, stage) if directory else synthesized_templates(stage)
