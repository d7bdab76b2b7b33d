"""Run a function's real handler in this process, as one Lambda execution environment does.

What it runs and with which environment comes from outside (local/world/functions.py reads both from the
synthesized template, local/world/environment.py resolves the environment against the target).
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
import threading
import warnings
from collections.abc import Mapping
from contextlib import redirect_stdout
from dataclasses import dataclass
from typing import IO, Any, cast

import local  # noqa: F401  (functions/ on sys.path)
from local.emulators import REGION
from local.emulators.context import LocalLambdaContext

# Handler packages in functions/ (bookstore/ is the shared library, imported once and kept).
_HANDLER_PACKAGES = ("api", "auth_triggers", "bot_fulfillment", "recommendations")


@dataclass(frozen=True)
class FunctionSpec:
    stack: str  # the stack name, e.g. Bookstore-dev-Api
    logical_id: str  # e.g. ApiFunction685AAB5B
    path: str  # construct path, e.g. Bookstore-dev-Api/ApiFunction/Function
    handler: str  # module.attribute, e.g. api.handler.lambda_handler
    environment: dict[str, Any]  # as in the template (literals and intrinsic functions)
    timeout: int
    memory: int

    @property
    def module(self) -> str:
        return self.handler.rpartition(".")[0]

    @property
    def attribute(self) -> str:
        return self.handler.rpartition(".")[2]

    @property
    def name(self) -> str:
        """The construct path inside its stack, as a function name: `ApiFunction`, `RecommendationsWorker-Handler`."""
        parts = self.path.split("/")[1:] or [self.logical_id]
        if len(parts) > 1 and parts[-1] == "Function":
            parts = parts[:-1]
        return "-".join(parts)

    @property
    def service(self) -> str:
        return str(self.environment.get("POWERTOOLS_SERVICE_NAME") or self.name)


class LoadGroup:
    """The runners of one local stack, imported when first invoked (a cold start, not a start-up cost): the first
    of them to load starts clean (drops the handler modules an earlier stack in this process imported), and one
    loads at a time, since all share this process's environment."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self._started = False

    def first(self) -> bool:
        first, self._started = not self._started, True
        return first


class FunctionRunner:
    """One function, imported as at a cold start with its environment; invoked one event at a time (like
    one Lambda execution environment)."""

    def __init__(self, spec: FunctionSpec, environment: Mapping[str, str], group: LoadGroup | None = None) -> None:
        self.spec = spec
        self.environment = dict(environment)
        self.group = group
        self._lock = threading.Lock()
        self._handler: Any = None

    @property
    def loaded(self) -> bool:
        return self._handler is not None

    def load(self, *, fresh: bool = True) -> FunctionRunner:
        """Import the handler with this environment. `fresh` drops the handler packages already imported
        (their settings are read at import, as at a Lambda cold start)."""
        from bookstore import aws as function_clients

        os.environ.update(self.environment)
        # An invocation that records no business metric is normal; Powertools warns about it on every flush.
        warnings.filterwarnings("ignore", message="No application metrics to publish")
        if fresh:
            for loaded in [m for m in sys.modules if m.split(".")[0] in _HANDLER_PACKAGES]:
                del sys.modules[loaded]
            function_clients.clear_clients()
        module = importlib.import_module(self.spec.module)
        self._handler = getattr(module, self.spec.attribute)
        if fresh:
            self._configure_logger()
        return self

    def _configure_logger(self) -> None:
        """The shared Logger was built at the first import; give it this function's level and service, as
        its own cold start would."""
        from bookstore.observability import logger

        logger.setLevel(self.environment.get("POWERTOOLS_LOG_LEVEL", "INFO"))
        logger.service = self.spec.service
        formatter = logger.registered_formatter
        for keys in (getattr(formatter, "keys_combined", None), getattr(formatter, "log_format", None)):
            if isinstance(keys, dict) and "service" in keys:
                keys["service"] = self.spec.service

    def context(self) -> LocalLambdaContext:
        name = self.spec.name
        return LocalLambdaContext(
            function_name=name,
            invoked_function_arn=f"arn:aws:lambda:{REGION}:000000000000:function:{name}",
            memory_limit_in_mb=self.spec.memory,
            log_group_name=f"/aws/lambda/{name}",
            timeout_seconds=float(self.spec.timeout),
        )

    def invoke(self, event: Any, *, logs: IO[str] | None = None) -> Any:
        """Run the handler. With `logs`, the Powertools logs and metrics go there instead of stdout."""
        if self._handler is None:
            if self.group is None:
                self.load()
            else:
                with self.group.lock:
                    if self._handler is None:
                        self.load(fresh=self.group.first())
        with self._lock:
            if logs is None:
                return self._handler(event, self.context())
            from bookstore.observability import logger

            handler = cast(logging.StreamHandler[IO[str]], logger.registered_handler)  # Powertools logs to a stream
            previous = handler.setStream(logs)
            try:
                with redirect_stdout(logs):  # EMF metrics are printed
                    return self._handler(event, self.context())
            finally:
                if previous is not None:
                    handler.setStream(previous)
