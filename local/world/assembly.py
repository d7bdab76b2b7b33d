"""The cloud assembly everything local starts from: read from a directory (cdk.out), or synthesized once and
reused while its inputs are unchanged.

The cache lives in .local/assembly/<stage>/: the cloud assembly an in-process synth wrote there, and
inputs.json, a sha256 per input file (and the stage and context). A later command reads the templates from it
in milliseconds when every input is the same; when one differs it synthesizes again and says which input
changed. frontend_stub/ is not an input: the local web server serves that folder as it is, and the template
only carries its asset hash.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from local.world.functions import component_templates

ROOT = Path(__file__).resolve().parents[2]
# BOOKSTORE_ASSEMBLY_CACHE moves the cache (benchmarks/local_stack.py measures with an empty one).
CACHE_VARIABLE = "BOOKSTORE_ASSEMBLY_CACHE"


def cache_dir() -> Path:
    return Path(os.environ.get(CACHE_VARIABLE) or ROOT / ".local" / "assembly")


INPUTS_FILE = "inputs.json"
# What a synth reads: the app, its context and pinned dependencies, the stacks, the bot model and the function
# code (an asset hashed into the templates), and the data the bot's slot types list (data/books.csv).
INPUT_FILES = ("app.py", "cdk.json", "cdk.context.json", "requirements.txt", "functions/requirements.txt")
INPUT_DIRS = ("stacks", "bot", "functions", "data")
_SKIPPED_PARTS = frozenset({"__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache"})

Templates = dict[str, dict[str, Any]]


class AssemblyError(Exception):
    """No usable cloud assembly: the message says what to do."""


@dataclass(frozen=True)
class Assembly:
    """The templates of one stage, by stack name (Bookstore-dev-Data, ...), with construct paths."""

    directory: Path
    stage: str
    templates: Templates

    def by_component(self) -> dict[str, Mapping[str, Any]]:
        return component_templates(self.templates)


def read(directory: Path, stage: str = "dev") -> Assembly:
    """The templates `cdk synth` (or an in-process synth) wrote for `stage` in `directory`: this app's stacks of
    that stage, or, in another app's cloud assembly, every template. A template its manifest.json lists must be
    there, and every template must be JSON."""
    directory = Path(directory)
    files = sorted(directory.glob(f"Bookstore-{stage}-*.template.json")) or sorted(directory.glob("*.template.json"))
    if not files:
        raise AssemblyError(
            f"no templates of stage {stage!r} in {directory}: run `make synth STAGE={stage}` first, "
            "or leave out --templates to use the cached synth"
        )
    _check_manifest(directory, {f.name for f in files}, stage)
    templates: Templates = {}
    for file in files:
        try:
            templates[file.name.removesuffix(".template.json")] = json.loads(file.read_text())
        except (OSError, ValueError) as err:
            raise AssemblyError(f"{file} is not a readable template ({err}): synthesize again") from err
    for stack, template in templates.items():
        _add_construct_paths(template, directory / f"{stack}.metadata.json")
    return Assembly(directory, stage, templates)


def _check_manifest(directory: Path, found: set[str], stage: str) -> None:
    """Every stack template the cloud assembly's manifest.json lists (for this app: of this stage) is there."""
    manifest = directory / "manifest.json"
    if not manifest.is_file():
        return
    try:
        artifacts = json.loads(manifest.read_text()).get("artifacts", {})
    except ValueError as err:
        raise AssemblyError(f"{manifest} is not readable ({err}): synthesize again") from err
    listed = {
        str(artifact.get("properties", {}).get("templateFile"))
        for name, artifact in artifacts.items()
        if artifact.get("type") == "aws:cloudformation:stack"
        and (not name.startswith("Bookstore-") or name.startswith(f"Bookstore-{stage}-"))
    }
    missing = sorted(listed - found - {"None"})
    if missing:
        raise AssemblyError(f"{directory} lacks {', '.join(missing)}, which its manifest.json lists: synthesize again")


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


def fingerprint(stage: str, context: Mapping[str, Any] | None = None, root: Path = ROOT) -> dict[str, str]:
    """sha256 of every input file by relative path, plus the stage and the extra context."""
    inputs = {"(stage)": stage, "(context)": json.dumps(dict(context or {}), sort_keys=True)}
    files = [root / name for name in INPUT_FILES]
    for folder in INPUT_DIRS:
        files += sorted(p for p in (root / folder).rglob("*") if p.is_file() and not _SKIPPED_PARTS & set(p.parts))
    for file in files:
        if file.is_file() and file.suffix != ".pyc":
            inputs[file.relative_to(root).as_posix()] = hashlib.sha256(file.read_bytes()).hexdigest()
    return inputs


def changes(before: Mapping[str, str], now: Mapping[str, str]) -> list[str]:
    """What differs, as short phrases: `stacks/api_stack.py changed`, `bot/x.yaml added`."""
    found = [f"{k} changed" for k in now if k in before and before[k] != now[k]]
    found += [f"{k} added" for k in now if k not in before]
    found += [f"{k} removed" for k in before if k not in now]
    return found


def why_stale(directory: Path, inputs: Mapping[str, str]) -> str | None:
    """None when the assembly in `directory` was synthesized from exactly `inputs`, else the reason."""
    recorded = directory / INPUTS_FILE
    if not recorded.is_file():
        return "no synthesized assembly yet"
    try:
        before = json.loads(recorded.read_text())
    except (OSError, ValueError):
        return "the cached assembly is unreadable"
    if not isinstance(before, dict):
        return "the cached assembly is unreadable"
    found = changes(before, inputs)
    if not found:
        return None
    more = f" and {len(found) - 3} more" if len(found) > 3 else ""
    return ", ".join(found[:3]) + more


@contextlib.contextmanager
def _locked(lock_file: Path, waiting: Callable[[], None]) -> Iterator[None]:
    """One synth at a time per stage, across processes (make dev and make chat started together)."""
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    with lock_file.open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            waiting()
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _remove_leftovers(cache: Path, stage: str) -> None:
    """Half-written synths of a process that was killed (under the lock, no synth is running)."""
    for leftover in cache.glob(f".{stage}-*"):
        shutil.rmtree(leftover, ignore_errors=True)


def synthesize(stage: str, outdir: Path, context: Mapping[str, Any] | None = None) -> None:
    """Synthesize the app in-process into `outdir`, as `cdk synth -c stage=<stage>` does."""
    from aws_cdk import App

    from stacks.app import build_app, cdk_json_context
    from stacks.config import ConfigError, load_stage_config

    full_context = {**cdk_json_context(), "stage": stage, **dict(context or {})}
    try:
        app = App(context=full_context, outdir=str(outdir))
        build_app(app, load_stage_config(stage, full_context))
        app.synth()
    except ConfigError as err:
        raise AssemblyError(
            f"{err} Or synthesize it yourself (`make synth STAGE={stage} CONTEXT=...`) and pass --templates cdk.out."
        ) from err


def cached(
    stage: str = "dev",
    context: Mapping[str, Any] | None = None,
    *,
    cache: Path | None = None,
    root: Path = ROOT,
    say: Callable[[str], None] = print,
    synthesizing: Callable[[str], contextlib.AbstractContextManager[Any]] | None = None,
) -> Assembly:
    """The stage's assembly from the cache, synthesized again first if an input changed (saying which)."""
    cache = cache or cache_dir()
    directory = cache / stage
    inputs = fingerprint(stage, context, root)
    with _locked(cache / f"{stage}.lock", lambda: say(f"Waiting for another command's synth of the {stage} stage ...")):
        _remove_leftovers(cache, stage)
        reason = why_stale(directory, inputs)
        if reason is None:
            try:
                return read(directory, stage)
            except AssemblyError as err:
                reason = f"the cached assembly is damaged ({err})"
        say(f"Synthesizing the {stage} stage: {reason}.")
        staging = Path(tempfile.mkdtemp(prefix=f".{stage}-", dir=cache))
        try:
            with synthesizing(f"Synthesizing the {stage} stage") if synthesizing else contextlib.nullcontext():
                synthesize(stage, staging, context)
            (staging / INPUTS_FILE).write_text(json.dumps(inputs, indent=1, sort_keys=True))
            shutil.rmtree(directory, ignore_errors=True)
            staging.rename(directory)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return read(directory, stage)


def load(
    stage: str = "dev",
    directory: Path | None = None,
    *,
    say: Callable[[str], None] = print,
    synthesizing: Callable[[str], contextlib.AbstractContextManager[Any]] | None = None,
) -> Assembly:
    """What every local command starts from: `directory` when given (e.g. cdk.out), else the cached synth."""
    if directory is not None:
        return read(directory, stage)
    return cached(stage, say=say, synthesizing=synthesizing)
