"""The web part of the local world: frontend_stub/ with a config.json for the local endpoints, the covers
(`/books/*` from the local S3, as the distribution's behaviour serves them) and the user pool's outbox; its origin
is the site URL the Frontend stack would write to its SSM parameter (local/world/stack.py)."""

from __future__ import annotations

import json

from local.emulators import REGION
from local.emulators.web import WebServer
from local.world.assembly import Assembly
from local.world.aws import LocalAws
from local.world.environment import local_resolver
from local.world.outbox import Outbox
from stacks.site_policy import site_config


def publish_site_url(web: WebServer, assembly: Assembly, aws: LocalAws) -> None:
    """The Frontend stack's site-URL parameter, with this web server's origin (before any function reads it)."""
    from local.world.covers import publish_site_url

    publish_site_url(aws.client("ssm"), assembly.templates, web.origin)


def start_web(web: WebServer, assembly: Assembly, aws: LocalAws, *, outbox: Outbox | None, api_url: str | None) -> None:
    """Serve the site: the covers, the `outbox` pages (when given), and the config for these endpoints (`api_url`:
    the API's, when it runs)."""
    from local.world.covers import bucket_behaviours, object_reader

    resolver = local_resolver(assembly.templates, aws)
    for prefix, bucket in bucket_behaviours(assembly.templates, resolver):
        web.serve_objects(prefix, object_reader(aws.client("s3"), bucket))
    if outbox is not None:
        web.serve_page("/_outbox", lambda: (outbox.as_html().encode(), "text/html; charset=utf-8"))
        web.serve_page("/_outbox.json", lambda: (json.dumps(outbox.as_json()).encode(), "application/json"))
    connect = [aws.endpoint] + ([_origin(api_url)] if api_url is not None else [])
    web.configure(
        site_config(
            api_url=api_url if api_url is not None else "",
            region=REGION,
            user_pool_id=aws.user_pool_id,
            client_id=aws.client_id,
            cognito_endpoint=f"{aws.endpoint}/",
            stage="local",
        ),
        connect=connect,
    )
    web.start()


def _origin(url: str) -> str:
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}"
