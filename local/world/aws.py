"""Local AWS: a moto server with the tables, user pool and bucket of the templates, and clients for it."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.config import Config

from local.emulators import REGION
from local.emulators.streams import StreamWorker
from local.world.provision import create_tables, create_user_pool, resources_of_type

FAKE_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local", "AWS_DEFAULT_REGION": REGION}


def local_client(service: str, endpoint: str) -> Any:
    """A boto3 client for a local endpoint (moto, the Lex runtime): any credentials work."""
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id="local",
        aws_secret_access_key="local",  # noqa: S106 (the local endpoints accept any)
        config=Config(retries={"mode": "standard", "max_attempts": 2}),
    )


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
            self._clients[service] = local_client(service, self.endpoint)
        return self._clients[service]

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


def _one_line(record: logging.LogRecord) -> bool:
    """A fault inside moto as one console line (the traceback only with --verbose, which logs at INFO)."""
    if record.exc_info and not logging.getLogger().isEnabledFor(logging.INFO):
        record.msg, record.args = f"{record.getMessage()}: {record.exc_info[1]!r}", ()
        record.exc_info, record.exc_text = None, None
    return True


def _moto_server(host: str, port: int) -> Any:
    """moto's threaded server, polling for its stop every 50 ms (its default 0.5 s is half a second per stop)."""
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    from moto.server import ThreadedMotoServer
    from werkzeug.serving import make_server

    from local.world.cognito_gate import CognitoGate

    gate = CognitoGate(DomainDispatcherApplication(create_backend_app))

    class QuickStopMotoServer(ThreadedMotoServer):
        cognito_gate = gate  # the local pool's e-mail flows, installed once the pool exists

        def _server_entry(self) -> None:
            self._server = make_server(self._ip_address, self._port, gate, True)
            self._server_ready_event.set()
            self._server.serve_forever(poll_interval=0.05)

    return QuickStopMotoServer(ip_address=host, port=port, verbose=False)


def start_local_aws(templates: Mapping[str, Mapping[str, Any]], *, host: str = "127.0.0.1", port: int = 0) -> LocalAws:
    """Start a moto server and create the tables and user pool of the templates, and the images bucket, in it."""
    from local.emulators.http_server import check_port_free
    from local.world.moto_gaps import patch_moto

    check_port_free(host, port)
    patch_moto()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per AWS call is noise here
    logging.getLogger("moto").addFilter(_one_line)  # moto's Flask app logs its own faults with a traceback
    server = _moto_server(host, port)
    server.start()
    bound_host, bound_port = server.get_host_and_port()
    aws = LocalAws(
        endpoint=f"http://{bound_host}:{bound_port}", tables={}, user_pool_id="", client_id="", server=server
    )
    try:
        for template in templates.values():  # any template of the assembly may hold tables or a pool
            aws.tables.update(create_tables(template, aws.client("dynamodb")))
            if resources_of_type(template, "AWS::Cognito::UserPool") and not aws.user_pool_id:
                pool = create_user_pool(template, aws.client("cognito-idp"))
                aws.user_pool_id, aws.client_id = pool["user_pool_id"], pool["client_id"]
        aws.client("s3").create_bucket(Bucket=aws.images_bucket)
    except BaseException:
        aws.stop()
        raise
    return aws


def attached_aws(endpoint: str, tables: Mapping[str, str], user_pool_id: str, client_id: str, bucket: str) -> LocalAws:
    """The local AWS of another process (a running `make dev`): used, never stopped or reset from here."""
    return LocalAws(
        endpoint=endpoint, tables=dict(tables), user_pool_id=user_pool_id, client_id=client_id, images_bucket=bucket
    )
