"""Session-wide safety and shared fixtures.

Fake AWS credentials are set before anything imports boto3, so a missed mock can never reach a real
account. The app is synthesized at most once per stage per session.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

_FAKE_AWS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SECURITY_TOKEN": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_METRICS_NAMESPACE": "Bookstore",
    "POWERTOOLS_SERVICE_NAME": "tests",
    "POWERTOOLS_DEV": "false",
}
os.environ.pop("AWS_PROFILE", None)
os.environ.update(_FAKE_AWS)
# The suite's local commands never attach to (or announce over) a developer's running `make dev`.
os.environ["BOOKSTORE_RUNNING_DIR"] = tempfile.mkdtemp(prefix="bookstore-running-")

from local.emulators.context import LocalLambdaContext  # noqa: E402
from local.world.moto_gaps import patch_moto  # noqa: E402

patch_moto()  # the suite's mocked AWS answers as AWS does where moto does not (local/world/moto_gaps.py)
from tests.support.synth import SynthesizedStage, synth_stage  # noqa: E402


@pytest.fixture(scope="session")
def synth_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cdk-out")


_STAGES: dict[str, SynthesizedStage] = {}


def _stage(name: str, root: Path) -> SynthesizedStage:
    if name not in _STAGES:
        _STAGES[name] = synth_stage(name, root / name)
    return _STAGES[name]


@pytest.fixture(scope="session")
def dev(synth_dir: Path) -> SynthesizedStage:
    return _stage("dev", synth_dir)


@pytest.fixture(scope="session")
def prod(synth_dir: Path) -> SynthesizedStage:
    return _stage("prod", synth_dir)


@pytest.fixture(scope="session", params=["dev", "prod"])
def stage(request: pytest.FixtureRequest, synth_dir: Path) -> SynthesizedStage:
    return _stage(str(request.param), synth_dir)


@pytest.fixture
def lambda_context() -> LocalLambdaContext:
    return LocalLambdaContext(function_name="test-function")


@pytest.fixture(autouse=True)
def _fresh_boto3_clients() -> Iterator[None]:
    from bookstore import aws

    aws.clear_clients()
    yield
    aws.clear_clients()
