"""Local AWS for the offline runtime: a moto server with the tables and user pool of the synthesized app."""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

from local.emulators import REGION
from local.emulators.streams import StreamReader, StreamWorker
from local.world.functions import component
from local.world.provision import create_tables, create_user_pool

FAKE_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local", "AWS_DEFAULT_REGION": REGION}


def synthesize_stage(stage: str = "dev") -> dict[str, dict[str, Any]]:
    """Synthesize the app in-process, as `cdk synth -c stage=<stage>` does; its templates by stack name, with
    construct paths."""
    from aws_cdk import App

    from stacks.app import build_app, cdk_json_context
    from stacks.config import load_stage_config

    context = {**cdk_json_context(), "stage": stage}
    with tempfile.TemporaryDirectory(prefix="bookstore-synth-") as outdir:
        app = App(context=context, outdir=outdir)
        build_app(app, load_stage_config(stage, context))
        app.synth()
        return read_assembly(Path(outdir), stage)


def synthesize(stage: str = "dev") -> dict[str, dict[str, Any]]:
    """The same templates by component (Data, Auth, Bot, ...)."""
    return {component(name): template for name, template in synthesize_stage(stage).items()}


def read_assembly(directory: Path, stage: str) -> dict[str, dict[str, Any]]:
    """The templates of `stage` in a cloud assembly (cdk.out/Bookstore-<stage>-*.template.json); empty if none."""
    templates = {
        f.name.removesuffix(".template.json"): json.loads(f.read_text())
        for f in sorted(directory.glob(f"Bookstore-{stage}-*.template.json"))
    }
    for stack, template in templates.items():
        _add_construct_paths(template, directory / f"{stack}.metadata.json")
    return templates


def _add_construct_paths(template: dict[str, Any], metadata_file: Path) -> None:
    """The CDK CLI writes each resource's construct path into the template (`aws:cdk:path`); an in-process
    synth does not, but the cloud assembly's metadata file maps every path to its logical id."""
    if not metadata_file.is_file():
        return
    resources = template.get("Resources", {})
    for path, entries in json.loads(metadata_file.read_text()).items():
        for entry in entries:
            if entry.get("type") == "aws:cdk:logicalId" and entry.get("data") in resources:
                resources[entry["data"]].setdefault("Metadata", {}).setdefault("aws:cdk:path", path.lstrip("/"))


def table_env_variable(logical: str) -> str:
    """`ProductsTable` -> `PRODUCTS_TABLE_NAME`, the variable a deployed function reads."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", logical).upper() + "_NAME"


@dataclass
class LocalAws:
    endpoint: str
    tables: dict[str, str]
    user_pool_id: str
    client_id: str
    server: Any = None
    images_bucket: str = "product-images"
    workers: list[StreamWorker] = field(default_factory=list)
    _clients: dict[str, Any] = field(default_factory=dict)

    def client(self, service: str) -> Any:
        if service not in self._clients:
            self._clients[service] = boto3.client(
                service,
                endpoint_url=self.endpoint,
                region_name=REGION,
                aws_access_key_id="local",
                aws_secret_access_key="local",  # noqa: S106 (moto accepts any)
                config=Config(retries={"mode": "standard", "max_attempts": 2}),
            )
        return self._clients[service]

    def function_environment(self) -> dict[str, str]:
        """What a function deployed in the stack would find in its environment, pointed at this endpoint."""
        return {
            **FAKE_CREDENTIALS,
            "AWS_ENDPOINT_URL_DYNAMODB": self.endpoint,
            "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER": self.endpoint,
            "AWS_ENDPOINT_URL_S3": self.endpoint,
            "USER_POOL_ID": self.user_pool_id,
            "IMAGES_BUCKET_NAME": self.images_bucket,
            **{table_env_variable(logical): name for logical, name in self.tables.items()},
        }

    def reset_data(self) -> None:
        """Empty every table and delete every user, keeping the tables, the pool and their ids."""
        dynamodb = self.client("dynamodb")
        for table in self.tables.values():
            key_names = [k["AttributeName"] for k in dynamodb.describe_table(TableName=table)["Table"]["KeySchema"]]
            for page in dynamodb.get_paginator("scan").paginate(TableName=table):
                for item in page["Items"]:
                    dynamodb.delete_item(TableName=table, Key={k: item[k] for k in key_names})
        cognito = self.client("cognito-idp")
        for page in cognito.get_paginator("list_users").paginate(UserPoolId=self.user_pool_id):
            for user in page["Users"]:
                cognito.admin_delete_user(UserPoolId=self.user_pool_id, Username=user["Username"])

    def stop(self) -> None:
        for worker in self.workers:
            worker.stop()
        self.workers.clear()
        if self.server is not None:
            # moto keeps its data per process, not per server: reset it so a later stack starts empty.
            import urllib.request

            reset = urllib.request.Request(f"{self.endpoint}/moto-api/reset", method="POST")  # noqa: S310 (ours)
            with suppress(OSError), urllib.request.urlopen(reset, timeout=5):  # noqa: S310 (our own local server)
                pass
            self.server.stop()
            self.server = None


def start_local_aws(
    templates: Mapping[str, Mapping[str, Any]], *, host: str = "127.0.0.1", port: int = 0, seed: bool = True
) -> LocalAws:
    """Start a moto server and create the app's tables and user pool in it."""
    from moto.server import ThreadedMotoServer

    from local.emulators.lex.server import check_port_free

    check_port_free(host, port)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per AWS call is noise here
    server = ThreadedMotoServer(ip_address=host, port=port, verbose=False)
    server.start()
    bound_host, bound_port = server.get_host_and_port()
    endpoint = f"http://{bound_host}:{bound_port}"
    aws = LocalAws(endpoint=endpoint, tables={}, user_pool_id="", client_id="", server=server)
    aws.tables = create_tables(templates["Data"], aws.client("dynamodb"))
    pool = create_user_pool(templates["Auth"], aws.client("cognito-idp"))
    aws.user_pool_id, aws.client_id = pool["user_pool_id"], pool["client_id"]
    aws.client("s3").create_bucket(Bucket=aws.images_bucket)
    if seed:
        from local.world.catalog import load_catalog, seed_catalog

        seed_catalog(
            aws.client("dynamodb"), aws.tables["ProductsTable"], aws.tables["RecommendationsTable"], load_catalog()
        )
    return aws


@contextmanager
def progress(message: str) -> Iterator[None]:
    print(f"{message} ...", end="", file=sys.stderr, flush=True)
    started = time.perf_counter()
    try:
        yield
    except BaseException:
        print(" failed", file=sys.stderr, flush=True)
        raise
    print(f" done ({time.perf_counter() - started:.1f} s)", file=sys.stderr, flush=True)


def in_process_handler(
    aws: LocalAws, module_name: str, function_name: str, *, verbose: bool = False
) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """A function's real handler, imported in this process, with its environment pointed at `aws`."""
    import importlib
    import warnings

    from bookstore import aws as function_clients
    from local.emulators.context import LocalLambdaContext

    os.environ.update(aws.function_environment())
    os.environ.update(
        {
            "POWERTOOLS_SERVICE_NAME": function_name,
            "POWERTOOLS_METRICS_NAMESPACE": "Bookstore",
            "POWERTOOLS_TRACE_DISABLED": "true",
            "POWERTOOLS_LOG_LEVEL": "INFO" if verbose else "WARNING",
        }
    )
    if not verbose:
        from local.emulators.console import hide_metric_lines

        hide_metric_lines()
    # An invocation that records no business metric is normal here; Powertools warns about it on every flush.
    warnings.filterwarnings("ignore", message="No application metrics to publish")

    function_clients.clear_clients()
    module = importlib.reload(importlib.import_module(module_name))

    def handler(event: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = module.lambda_handler(event, LocalLambdaContext(function_name=function_name))
        return result

    return handler


def in_process_code_hook(aws: LocalAws, *, verbose: bool = False) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """The real bot code hook, imported in this process, with its environment pointed at `aws`."""
    return in_process_handler(aws, "bot_fulfillment.handler", "bot", verbose=verbose)


def start_recommendations_worker(aws: LocalAws, *, verbose: bool = False) -> StreamWorker:
    """The recommendations worker on the orders table's stream, as the deployed event source mapping runs it."""
    handler = in_process_handler(aws, "recommendations.handler", "recommendations", verbose=verbose)
    table = aws.client("dynamodb").describe_table(TableName=aws.tables["OrdersTable"])["Table"]
    worker = StreamWorker(StreamReader(aws.client("dynamodbstreams"), table["LatestStreamArn"]), handler).start()
    aws.workers.append(worker)
    return worker


FUNCTIONS_DIR = Path(__file__).resolve().parents[1] / "functions"
