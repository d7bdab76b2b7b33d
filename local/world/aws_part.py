"""What the aws part of the local world holds once moto runs (local/world/stack.py): the sample catalog with covers
or a saved state; the user pool's triggers, as Cognito calls them, its e-mail flows delivering to the local outbox,
and the demo accounts."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Collection, Mapping
from typing import Any

from local.emulators.lambda_runtime import FunctionRunner
from local.world.aws import LocalAws
from local.world.cognito import (
    create_demo_accounts,
    install_post_confirmation,
    moto_backend,
    trigger_function,
    user_pool_properties,
)
from local.world.cognito_flows import CognitoFlows
from local.world.cognito_settings import PoolSettings
from local.world.outbox import Outbox

Step = Callable[[str], contextlib.AbstractContextManager[Any]]


def fill(aws: LocalAws, state: dict[str, Any] | None, step: Step, say: Callable[[str], None]) -> None:
    from local.world.catalog import load_catalog, seed_catalog
    from local.world.covers import with_covers
    from local.world.state import restore

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


def start_triggers(
    aws: LocalAws,
    templates: Collection[Mapping[str, Any]],
    runners: dict[str, FunctionRunner],
    outbox: Outbox,
    *,
    fresh: bool,
) -> None:
    """The user pool's triggers, as Cognito calls them, and its e-mail flows delivering to the local outbox;
    then (`fresh`: no saved state) the demo accounts sign up."""
    if not aws.user_pool_id:
        return

    def trigger(name: str) -> Callable[[dict[str, Any]], Any] | None:
        ids = {trigger_function(template, name) for template in templates} - {None}
        found = next(iter(ids), None)
        return runners[found].invoke if found in runners else None

    post_confirmation = trigger("PostConfirmation")
    if post_confirmation is not None:
        install_post_confirmation(aws, post_confirmation)
    gate = getattr(aws.server, "cognito_gate", None)
    pool = next((p for p in (user_pool_properties(t) for t in templates) if p is not None), None)
    if gate is not None and pool is not None:
        gate.flows = CognitoFlows(
            moto_backend(aws),
            aws.user_pool_id,
            PoolSettings.from_template(pool),
            outbox,
            pre_sign_up=trigger("PreSignUp"),
        )
    if fresh:
        create_demo_accounts(aws, post_confirmation)
