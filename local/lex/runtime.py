"""Assemble the local Lex V2 runtime: bot model + dialog engine + HTTP server + code hook + local AWS."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot import load_bot_model
from local.emulators.lex.engine import ALIASES, BOT_ID, DialogEngine
from local.emulators.lex.server import LexHTTPServer, check_port_free
from local.world.aws import (
    LocalAws,
    in_process_code_hook,
    progress,
    start_local_aws,
    start_recommendations_worker,
    synthesize,
)


@dataclass
class LocalLexRuntime:
    server: LexHTTPServer
    engine: DialogEngine
    aws: LocalAws | None

    @property
    def url(self) -> str:
        return self.server.url

    def client(self) -> Any:
        """A boto3 lexv2-runtime client for this runtime (any credentials work)."""
        import boto3

        return boto3.client(
            "lexv2-runtime",
            endpoint_url=self.url,
            region_name="us-east-1",
            aws_access_key_id="local",
            aws_secret_access_key="local",  # noqa: S106
        )

    def stop(self) -> None:
        self.server.stop()
        if self.aws is not None:
            self.aws.stop()

    def describe(self) -> list[str]:
        lines = [
            f"Lex V2 runtime: {self.url}",
            f"Bot id: {BOT_ID}  aliases: {', '.join(ALIASES)}  locale: {self.engine.model.locale}",
        ]
        if self.aws is not None:
            lines += [
                f"AWS (moto): {self.aws.endpoint}",
                f"Users table: {self.aws.tables.get('UsersTable', '')}",
                f"User pool: {self.aws.user_pool_id}",
            ]
            if self.aws.workers:
                lines.append("Recommendations worker: learning from the orders table's stream")
        return lines


def start_runtime(
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    aws_port: int = 0,
    aws_endpoint: str | None = None,
    users_table: str | None = None,
    user_pool_id: str | None = None,
    verbose: bool = False,
) -> LocalLexRuntime:
    """Start everything in this process. With `aws_endpoint`, the code hook uses that endpoint (e.g. the
    local stack's moto server) instead of a moto server started here."""
    # Fail fast, before the slow synth, when a requested port is taken.
    check_port_free(host, port)
    if aws_endpoint is None:
        check_port_free(host, aws_port)
    model = load_bot_model()
    if aws_endpoint is None:
        with progress("Synthesizing the CDK app for its tables and user pool"):
            templates = synthesize("dev")
        with progress("Starting local AWS (moto) with those resources"):
            aws = start_local_aws(templates, host=host, port=aws_port)
    else:
        if not users_table or not user_pool_id:
            raise ValueError("--aws-endpoint needs --users-table and --user-pool-id")
        aws = LocalAws(
            endpoint=aws_endpoint, tables={"UsersTable": users_table}, user_pool_id=user_pool_id, client_id=""
        )
    hook = in_process_code_hook(aws, verbose=verbose)
    if aws_endpoint is None:  # our own stack: learn from its orders as the deployed worker does
        start_recommendations_worker(aws, verbose=verbose)
    engine = DialogEngine(model, hook)
    try:
        server = LexHTTPServer(engine, host, port).start()
    except OSError:
        if aws_endpoint is None:
            aws.stop()
        raise
    return LocalLexRuntime(server=server, engine=engine, aws=aws if aws_endpoint is None else None)
