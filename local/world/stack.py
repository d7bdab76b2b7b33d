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
import json
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
from local.emulators.lex.engine import BOT_ID, LIVE_ALIAS_ID, TEST_ALIAS_ID, DialogEngine
from local.emulators.lex.server import LexHTTPServer
from local.emulators.lex.template import TemplateBot, bots_in
from local.emulators.streams import StreamReader, StreamWorker
from local.emulators.web import WebServer
from local.world.assembly import Assembly
from local.world.aws import LocalAws, start_local_aws
from local.world.cognito import (
    create_demo_accounts,
    install_post_confirmation,
    moto_backend,
    trigger_function,
    user_pool_properties,
)
from local.world.cognito_flows import CognitoFlows, PoolSettings
from local.world.environment import local_environment, local_resolver
from local.world.functions import functions
from local.world.outbox import Outbox
from stacks.site_policy import site_config

ALL_PARTS = frozenset({"aws", "functions", "worker", "lex", "api", "web"})
# The web part serves the covers the bot's cards show (their imageUrl is on the site).
BOT_PARTS = frozenset({"aws", "functions", "worker", "lex", "web"})
PORT_ROLES = ("web front end", "API", "Lex V2 runtime", "moto AWS endpoint")
Step = Callable[[str], contextlib.AbstractContextManager[Any]]


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


def alias_ids(bot: TemplateBot, chosen: Mapping[str, str] | None = None) -> dict[str, str]:
    """Local ids of the template's aliases by name: `chosen` ones (name -> id), else the test alias TSTALIASID (as
    in Lex), the first alias LIVEALIAS1, any further one ALIAS<n> (ten characters, like Lex's)."""
    chosen = chosen or {}
    unknown = set(chosen) - {alias.name for alias in bot.aliases}
    if unknown:
        names = ", ".join(alias.name for alias in bot.aliases)
        raise ValueError(f"bot {bot.name} has no alias {', '.join(sorted(unknown))} (its aliases: {names})")
    ids: dict[str, str] = {}
    for alias in bot.aliases:
        if alias.name in chosen:
            ids[alias.name] = chosen[alias.name]
        elif alias.logical_id is None:
            ids[alias.name] = TEST_ALIAS_ID
        elif LIVE_ALIAS_ID not in ids.values():
            ids[alias.name] = LIVE_ALIAS_ID
        else:
            ids[alias.name] = f"ALIAS{len(ids):05d}"
    return ids


def code_hooks(
    bot: TemplateBot, runners: Mapping[str, FunctionRunner], ids: Mapping[str, str]
) -> dict[str, Callable[[dict[str, Any]], Any]]:
    """Alias id -> the function the alias's locale settings name as code hook (Fn::GetAtt [function, Arn])."""
    hooks: dict[str, Callable[[dict[str, Any]], Any]] = {}
    for alias in bot.aliases:
        for arn in alias.code_hooks.values():
            target = arn.get("Fn::GetAtt", [""])[0] if isinstance(arn, dict) else ""
            if target not in runners:
                raise ValueError(
                    f"alias {alias.name} of bot {bot.logical_id}: its code hook {arn!r} is not a function of these "
                    "templates (the local runtime runs only functions it can import)"
                )
            hooks[ids[alias.name]] = runners[target].invoke
    return hooks


def _bot(assembly: Assembly) -> TemplateBot:
    bots = bots_in(assembly.templates)
    if not bots:
        raise ValueError(f"no AWS::Lex::Bot in the templates of {assembly.directory}")
    return bots[0]


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
    unknown = set(parts) - ALL_PARTS
    if unknown:
        raise ValueError(f"unknown parts {sorted(unknown)}; choose from {sorted(ALL_PARTS)}")
    if "api" in parts and not {"web", "lex"} <= set(parts):
        raise ValueError("the api part needs web (its CORS origin) and lex (the chat route's bot)")
    ports = ports or Ports()
    ports.check(host, set(parts) - ({"aws"} if attach else set()))
    by_component = assembly.by_component()
    stack = LocalStack(
        bot=_bot(assembly) if "lex" in parts else None,  # a bot the runtime cannot serve stops us before anything
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
            _fill(stack, state, step, say)
        # Bound before the functions load: the chat function's Lex endpoint and the CORS origin are their URLs.
        if "web" in parts:
            stack.web = WebServer(host, ports.web)
            if attach is None:  # the AWS we own: its site URL is this server (a running make dev's is its own)
                _publish_site_url(stack)
        if "lex" in parts:
            _bind_lex(stack, host, ports.lex, bot_id, aliases)
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
            _start_triggers(stack, state)
        if stack.lex is not None and stack.bot is not None:
            stack.lex.engine.code_hooks = code_hooks(stack.bot, stack.runners, stack.aliases)
            stack.lex.start()
        if "worker" in parts and attach is None:
            stack.worker = _start_worker(stack, fresh=state is None)
        if "api" in parts:
            stack.api = _start_api(stack, by_component["Api"], host, ports.api)
        if stack.web is not None:
            _start_web(stack)
    except BaseException:
        stack.stop()  # what started stops, what was only bound frees its port
        raise
    return stack


def _bind_lex(stack: LocalStack, host: str, port: int, bot_id: str, chosen: Mapping[str, str] | None) -> None:
    """The Lex runtime serving the template's bot, its port bound (its code hooks are set once the functions load)."""
    assert stack.bot is not None
    stack.aliases = alias_ids(stack.bot, chosen)
    versions = {alias: (name, "DRAFT" if alias == TEST_ALIAS_ID else "1") for name, alias in stack.aliases.items()}
    stack.lex = LexHTTPServer(DialogEngine(stack.bot, {}, bot_id=bot_id, aliases=versions), host, port)


def _fill(stack: LocalStack, state: dict[str, Any] | None, step: Step, say: Callable[[str], None]) -> None:
    from local.world.catalog import load_catalog, seed_catalog
    from local.world.covers import with_covers
    from local.world.state import restore

    aws = stack.aws
    if state is None and not {"ProductsTable", "RecommendationsTable"} <= set(aws.tables):
        return  # another app's templates: nothing of ours to load
    if state is None:
        with step("Loading the sample catalog, with covers"):
            books = with_covers(aws.client("s3"), aws.images_bucket, load_catalog())
            seed_catalog(aws.client("dynamodb"), aws.tables["ProductsTable"], aws.tables["RecommendationsTable"], books)
    else:
        with step("Restoring the saved state"):
            counts = restore(aws, state)
        say(f"  restored {counts['items']} items, {counts['users']} users, {counts['images']} images")


def _start_triggers(stack: LocalStack, state: dict[str, Any] | None) -> None:
    """The user pool's triggers, as Cognito calls them, and its e-mail flows delivering to the local outbox;
    then the demo accounts sign up."""
    if not stack.aws.user_pool_id:
        return
    templates = stack.assembly.templates.values()

    def trigger(name: str) -> Callable[[dict[str, Any]], Any] | None:
        ids = {trigger_function(template, name) for template in templates} - {None}
        found = next(iter(ids), None)
        return stack.runners[found].invoke if found in stack.runners else None

    post_confirmation = trigger("PostConfirmation")
    if post_confirmation is not None:
        install_post_confirmation(stack.aws, post_confirmation)
    gate = getattr(stack.aws.server, "cognito_gate", None)
    pool = next((p for p in (user_pool_properties(t) for t in templates) if p is not None), None)
    if gate is not None and pool is not None:
        gate.flows = CognitoFlows(
            moto_backend(stack.aws),
            stack.aws.user_pool_id,
            PoolSettings.from_template(pool),
            stack.outbox,
            pre_sign_up=trigger("PreSignUp"),
        )
    if state is None:
        create_demo_accounts(stack.aws, post_confirmation)


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


def _publish_site_url(stack: LocalStack) -> None:
    """The Frontend stack's site-URL parameter, with this web server's origin (before any function reads it)."""
    from local.world.covers import publish_site_url

    assert stack.web is not None
    publish_site_url(stack.aws.client("ssm"), stack.assembly.templates, stack.web.origin)


def _start_web(stack: LocalStack) -> None:
    from local.world.covers import bucket_behaviours, object_reader

    assert stack.web is not None
    resolver = local_resolver(stack.assembly.templates, stack.aws)
    for prefix, bucket in bucket_behaviours(stack.assembly.templates, resolver):
        stack.web.serve_objects(prefix, object_reader(stack.aws.client("s3"), bucket))
    if not stack.attached:  # the outbox of the pool this process runs (a running make dev shows its own)
        outbox = stack.outbox
        stack.web.serve_page("/_outbox", lambda: (outbox.as_html().encode(), "text/html; charset=utf-8"))
        stack.web.serve_page("/_outbox.json", lambda: (json.dumps(outbox.as_json()).encode(), "application/json"))
    connect = [stack.aws.endpoint] + ([_origin(stack.api.url)] if stack.api else [])
    stack.web.configure(
        site_config(
            api_url=stack.api.url if stack.api else "",
            region=REGION,
            user_pool_id=stack.aws.user_pool_id,
            client_id=stack.aws.client_id,
            cognito_endpoint=f"{stack.aws.endpoint}/",
            stage="local",
        ),
        connect=connect,
    )
    stack.web.start()


def _origin(url: str) -> str:
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}"
