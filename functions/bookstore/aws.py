"""Cached boto3 clients: one per service and configuration per cold start, created on first use.

Each caller takes the configuration its time budget allows (tests call `clear_clients()`):

- DEFAULT_CONFIG: the API and the bot's code hook (DynamoDB, Cognito, S3): connect 2 s, read 5 s, 4 attempts
  (the former `max_attempts: 3` retries plus the first one), standard retry mode.
- LEX_RUNTIME_CONFIG: the chat function's calls to the bot. RecognizeText returns only when the code hook has
  answered, and the fulfillment function may run for its whole timeout (15 s), so the read timeout is above it;
  a dialog turn is never sent twice (one attempt: a retry would replay the user's message to Lex). Its worst
  case (connect + read) stays under the chat function's timeout, itself under API Gateway's 29 s.
- TRIGGER_CONFIG: the Cognito post-confirmation trigger, which must answer within Cognito's 5 s: short timeouts
  and no retry (Cognito retries the trigger), so the sign-up's SIGN_UP_AWS_CALLS calls together stay below 4 s.

`worst_case_seconds(config)` is what one call can take at most before it raises; the timeouts of the callers
are in the synthesized templates, and tests/infrastructure/test_deploy_rules.py checks every chain (API Gateway
-> chat function -> Lex -> code hook; Cognito -> trigger) against these constants.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import boto3
from botocore.config import Config

# The longest pause botocore's standard mode makes before the first retry when the service sends no retry-after
# header: rand(0, 1) x 1 s for throttling errors (for every error in older botocore releases; 1.44 waits at most
# 50 ms after other errors).
MAX_RETRY_BACKOFF_SECONDS = 1.0

DEFAULT_CONFIG = Config(retries={"mode": "standard", "total_max_attempts": 4}, connect_timeout=2, read_timeout=5)
LEX_RUNTIME_CONFIG = Config(retries={"mode": "standard", "total_max_attempts": 1}, connect_timeout=2, read_timeout=20)
# No retry inside the trigger: Cognito itself calls a failed or slow trigger again (3 attempts in all), and the
# trigger is safe to run twice. A sign-up makes two calls (the profile, the group): 2 x 1.5 s at worst.
TRIGGER_CONFIG = Config(retries={"mode": "standard", "total_max_attempts": 1}, connect_timeout=0.5, read_timeout=1)
SIGN_UP_AWS_CALLS = 2


def attempts(config: Config) -> int:
    """Total attempts per call (the first one included), as botocore reads `retries`."""
    retries: dict[str, Any] = config.retries or {}
    if "total_max_attempts" in retries:
        return int(retries["total_max_attempts"])
    return int(retries.get("max_attempts", 2)) + 1  # botocore's `max_attempts` counts retries only


def worst_case_seconds(config: Config) -> float:
    """The longest one call can last: every attempt hits both timeouts, with the longest pause between attempts.

    (The read timeout bounds each wait for data, which for these small responses is the wait for the answer.)
    """
    tries = attempts(config)
    per_attempt = float(config.connect_timeout) + float(config.read_timeout)
    return tries * per_attempt + (tries - 1) * MAX_RETRY_BACKOFF_SECONDS


def client(service: str, config: Config = DEFAULT_CONFIG) -> Any:
    """The cold start's client for `service` with `config` (one of the constants above: cached by identity)."""
    return _cached_client(service, config)


@cache
def _cached_client(service: str, config: Config) -> Any:
    return boto3.client(service, config=config)


def clear_clients() -> None:
    _cached_client.cache_clear()
