"""The local world started from one cloud assembly: only the parts a command asks for.

    aws        moto (DynamoDB, Cognito, S3) with the tables, user pool and bucket of the Data and Auth templates,
               the sample catalog with covers (or a saved state), the demo accounts, the user pool's
               post-confirmation trigger; or the AWS of a running `make dev`, attached to (never reset)
    functions  every function of the templates, each with its template's environment resolved to the local names
    worker     the recommendations worker on the orders table's stream (its event source mapping)
    lex        the Lex V2 runtime serving the bot of the Bot template; each alias's code hook is the function
               its template names
    api        the API Gateway emulator: routes, authorizer and CORS of the Api template
    web        frontend_stub/ with a config.json for these endpoints, and the covers (`/books/*` from the local S3,
               as the distribution's behaviour serves them); its origin is the site URL the Frontend stack would
               write to its SSM parameter, which the bot's code hook reads for its cards' covers

`make dev` starts them all; `make chat` and `make lex` start aws, functions, worker, lex and web (or only
functions, lex and web, attached to a running `make dev`, whose own site then serves the covers); `make invoke`
starts aws and functions.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any, TextIO

import local  # noqa: F401  (functions/ on sys.path)
from local.emulators import REGION
from local.emulators.apigw import ApiGatewayServer, CognitoAuthorizer, RestApiEmulator, RestApiModel
from local.emulators.console import hide_metric_lines, show_metric_lines
from local.emulators.http_server import PortInUseError, check_port_free
from local.emulators.lambda_runtime import FunctionRunner, LoadGroup
from local.emulators.lex.engine import BOT_ID
from local.emulators.lex.server import LexHTTPServer
from local.emulators.lex.template import TemplateBot
from local.emulators.streams import StreamReader, StreamWorker
from local.emulators.web import WebServer
from local.world.assembly import Assembly
from local.world.aws import LocalAws, start_local_aws
from local.world.aws_part import Step, fill, start_triggers
from local.world.environment import local_environment, local_resolver
from local.world.functions import functions
from local.world.lex_part import alias_ids, bind_lex, code_hooks, template_bot
from local.world.outbox import Outbox
from local.world.web_part import publish_site_url, start_web

ALL_PARTS = frozenset({"aws", "functions", "worker", "lex", "api", "web"})
# The web part serves the covers the bot's cards show (their imageUrl is on the site).
BOT_PARTS = frozenset({"aws", "functions", "worker", "lex", "web"})
PORT_ROLES = ("web front end", "API", "Lex V2 runtime", "moto AWS endpoint")


def no_progress(_message: str) -> contextlib.AbstractContextManager[Any]:
    return contextlib.nullcontext()


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

    def check(self, host: str, parts: Collection[str] = ALL_PARTS, advice: str = "pick another with --port") -> None:
        wanted = ("web" in parts, "api" in parts, "lex" in parts, "aws" in parts)
        for role, port, used in zip(PORT_ROLES, (self.web, self.api, self.lex, self.aws), wanted, strict=True):
            if not used:
                continue
            try:
                check_port_free(host, port)
            except PortInUseError as err:
                raise PortInUseError(f"port {port} on {host} (the {role}) is already in use; {advice}") from err


@dataclass
class LocalStack:
    assembly: Assembly
    aws: LocalAws
    runners: dict[str, FunctionRunner]
    lex: LexHTTPServer | None = None
    api: ApiGatewayServer | None = None
    web: WebServer | None = None
    worker: StreamWorker | None = None
    bot: TemplateBot | None = None
    attached: bool = False  # the AWS of a running `make dev`
    aliases: dict[str, str] = field(default_factory=dict)  # alias name -> local id
    environment_before: dict[str, str] = field(default_factory=dict)
    stdout_before: TextIO | None = None
    outbox: Outbox = field(default_factory=Outbox)  # the e-mails the user pool would send (local/world/outbox.py)

    def urls(self) -> dict[str, str]:
        found = {"aws": self.aws.endpoint}
        for name, server in (("web", self.web), ("api", self.api), ("lex", self.lex)):
            if server is not None:
                found[name] = server.url
        return found

    def runner(self, handler_prefix: str) -> FunctionRunner | None:
        return next((r for r in self.runners.values() if r.spec.handler.startswith(handler_prefix)), None)

    def stop(self) -> None:
        for server in (self.web, self.api, self.lex):
            if server is None:
                continue
            try:
                server.stop()
            except Exception as err:  # keep stopping the rest
                print(f"warning: stopping a server failed: {err}", file=sys.stderr)
        if self.worker is not None:
            self.worker.stop()
        if not self.attached:
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


def load_runners(
    assembly: Assembly, aws: LocalAws, *, lex_endpoint: str | None, allowed_origin: str | None, verbose: bool
) -> dict[str, FunctionRunner]:
    """Every function of the templates with its template's environment resolved to `aws` (and the local Lex
    runtime and web origin); each is imported at its first invocation, as a cold start (one load group: the
    first load starts clean)."""
    resolver = local_resolver(assembly.templates, aws)
    here = local_environment(aws, lex_endpoint=lex_endpoint)
    if allowed_origin is not None:
        here["ALLOWED_ORIGIN"] = allowed_origin
    group = LoadGroup()
    runners: dict[str, FunctionRunner] = {}
    for spec in functions(assembly.templates):
        environment = {**resolver.environment(spec), **here}
        if not verbose:  # the template's level (DEBUG in dev) floods a console serving four things at once
            environment["POWERTOOLS_LOG_LEVEL"] = "WARNING"
        runners[spec.logical_id] = FunctionRunner(spec, environment, group)
    return runners


def start_stack(
    assembly: Assembly,
    *,
    parts: Collection[str] = ALL_PARTS,
    host: str = "127.0.0.1",
    ports: Ports | None = None,
    state: dict[str, Any] | None = None,
    attach: LocalAws | None = None,
    bot_id: str = BOT_ID,
    aliases: Mapping[str, str] | None = None,
    verbose: bool = False,
    step: Step = no_progress,
    say: Callable[[str], None] = lambda message: print(message, file=sys.stderr),
) -> LocalStack:
    """Start the `parts` of the local world from `assembly`; with `state` (local.world.state.read), restore it
    instead of seeding; with `attach`, use that AWS (a running `make dev`) instead of starting moto. `bot_id` and
    `aliases` (alias name -> id) are the ids Lex clients use."""
    _check_parts(parts)
    ports = ports or Ports()
    ports.check(host, set(parts) - ({"aws"} if attach else set()))
    by_component = assembly.by_component()
    stack = LocalStack(
        # a bot the runtime cannot serve stops us before anything
        bot=template_bot(assembly) if "lex" in parts else None,
        assembly=assembly,
        aws=attach or LocalAws(endpoint="", tables={}, user_pool_id="", client_id=""),
        runners={},
        attached=attach is not None,
        environment_before=dict(os.environ),
        stdout_before=None if verbose else hide_metric_lines(),
    )
    try:
        if attach is None:
            with step("Starting local AWS (moto) with the tables, user pool and bucket of the templates"):
                stack.aws = start_local_aws(by_component, host=host, port=ports.aws)
            fill(stack.aws, state, step, say)
        _bind(stack, parts, host, ports, bot_id, aliases)
        if set(parts) & {"functions", "lex", "api", "worker"}:
            with step("Reading every function and its template's environment"):
                stack.runners = load_runners(
                    assembly,
                    stack.aws,
                    lex_endpoint=stack.lex.url if stack.lex else None,
                    allowed_origin=stack.web.origin if stack.web else None,
                    verbose=verbose,
                )
        if attach is None:
            start_triggers(stack.aws, assembly.templates.values(), stack.runners, stack.outbox, fresh=state is None)
        _start_servers(stack, parts, host, ports, by_component, fresh=state is None)
    except BaseException:
        stack.stop()  # what started stops, what was only bound frees its port
        raise
    return stack


def _check_parts(parts: Collection[str]) -> None:
    unknown = set(parts) - ALL_PARTS
    if unknown:
        raise ValueError(f"unknown parts {sorted(unknown)}; choose from {sorted(ALL_PARTS)}")
    if "api" in parts and not {"web", "lex"} <= set(parts):
        raise ValueError("the api part needs web (its CORS origin) and lex (the chat route's bot)")


def _bind(
    stack: LocalStack, parts: Collection[str], host: str, ports: Ports, bot_id: str, aliases: Mapping[str, str] | None
) -> None:
    """The web server and the Lex runtime, their ports bound before the functions load: the chat function's Lex
    endpoint and the CORS origin are their URLs."""
    if "web" in parts:
        stack.web = WebServer(host, ports.web)
        if not stack.attached:  # the AWS we own: its site URL is this server (a running make dev's is its own)
            publish_site_url(stack.web, stack.assembly, stack.aws)
    if "lex" in parts:
        assert stack.bot is not None
        stack.aliases = alias_ids(stack.bot, aliases)
        stack.lex = bind_lex(stack.bot, host, ports.lex, bot_id, stack.aliases)


def _start_servers(
    stack: LocalStack,
    parts: Collection[str],
    host: str,
    ports: Ports,
    by_component: Mapping[str, Any],
    *,
    fresh: bool,
) -> None:
    """Once the functions are loaded: the Lex runtime with its code hooks, the worker, the API and the site."""
    if stack.lex is not None and stack.bot is not None:
        stack.lex.engine.code_hooks = code_hooks(stack.bot, stack.runners, stack.aliases)
        stack.lex.start()
    if "worker" in parts and not stack.attached:
        stack.worker = _start_worker(stack, fresh=fresh)
    if "api" in parts:
        stack.api = _start_api(stack, by_component["Api"], host, ports.api)
    if stack.web is not None:
        start_web(
            stack.web,
            stack.assembly,
            stack.aws,
            # the outbox of the pool this process runs (a running make dev shows its own)
            outbox=None if stack.attached else stack.outbox,
            api_url=stack.api.url if stack.api else None,
        )


def _start_worker(stack: LocalStack, *, fresh: bool) -> StreamWorker | None:
    runner = stack.runner("recommendations.")
    if runner is None or "OrdersTable" not in stack.aws.tables:
        return None
    table = stack.aws.client("dynamodb").describe_table(TableName=stack.aws.tables["OrdersTable"])["Table"]
    # A restored state already holds what the worker learned from its orders: read only what is new.
    reader = StreamReader(
        stack.aws.client("dynamodbstreams"), table["LatestStreamArn"], start="TRIM_HORIZON" if fresh else "LATEST"
    )
    reader.read()
    worker = StreamWorker(reader, runner.invoke).start()
    stack.aws.workers.append(worker)
    return worker


def _start_api(stack: LocalStack, api_template: Mapping[str, Any], host: str, port: int) -> ApiGatewayServer:
    cognito = stack.aws.client("cognito-idp")
    pool_id = stack.aws.user_pool_id

    def client_ids() -> set[str]:
        clients = cognito.list_user_pool_clients(UserPoolId=pool_id, MaxResults=60)["UserPoolClients"]
        return {c["ClientId"] for c in clients}

    emulator = RestApiEmulator(
        RestApiModel.from_template(api_template),
        {logical: runner.invoke for logical, runner in stack.runners.items()},
        CognitoAuthorizer(stack.aws.endpoint, pool_id, client_ids, REGION),
        allowed_origin=stack.web.origin if stack.web else "",
    )
    return ApiGatewayServer(emulator, host, port).start()
