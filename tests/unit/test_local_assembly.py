"""The cached synth every local command starts from."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from local.world import assembly

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the synth's inputs, so a test can change one."""
    copy = tmp_path / "project"
    for name in assembly.INPUT_FILES:
        if (ROOT / name).is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(ROOT / name, copy / name)
    for folder in assembly.INPUT_DIRS:
        shutil.copytree(ROOT / folder, copy / folder, ignore=shutil.ignore_patterns("__pycache__"), dirs_exist_ok=True)
    return copy


@pytest.fixture
def synths(monkeypatch: pytest.MonkeyPatch, project: Path) -> list[str]:
    """Counts synths; each writes one small template, as an in-process synth writes its cloud assembly."""
    done: list[str] = []

    def fake_synthesize(stage: str, outdir: Path, context: Any = None) -> None:
        done.append(stage)
        template = f"Bookstore-{stage}-Data.template.json"
        (outdir / template).write_text(json.dumps({"Resources": {"T": {}}}))
        stack = {"type": "aws:cloudformation:stack", "properties": {"templateFile": template}}
        (outdir / "manifest.json").write_text(json.dumps({"artifacts": {f"Bookstore-{stage}-Data": stack}}))

    monkeypatch.setattr(assembly, "synthesize", fake_synthesize)
    return done


def test_a_second_start_reuses_the_synth(synths: list[str], project: Path, tmp_path: Path) -> None:
    said: list[str] = []
    first = assembly.cached("dev", cache=tmp_path / "cache", root=project, say=said.append)
    second = assembly.cached("dev", cache=tmp_path / "cache", root=project, say=said.append)
    assert synths == ["dev"]
    assert said == ["Synthesizing the dev stage: no synthesized assembly yet."]
    assert first.templates == second.templates == {"Bookstore-dev-Data": {"Resources": {"T": {}}}}


@pytest.mark.parametrize(
    "change", ["stacks/api_stack.py", "bot/model.yaml", "functions/api/handler.py", "data/books.csv", "cdk.json"]
)
def test_a_changed_input_synthesizes_again_and_says_which(
    change: str, synths: list[str], project: Path, tmp_path: Path
) -> None:
    assembly.cached("dev", cache=tmp_path / "cache", root=project, say=lambda _: None)
    with (project / change).open("a") as edited:
        edited.write("\n")
    said: list[str] = []
    assembly.cached("dev", cache=tmp_path / "cache", root=project, say=said.append)
    assert synths == ["dev", "dev"]
    assert said == [f"Synthesizing the dev stage: {change} changed."]


def test_an_added_file_counts_and_the_front_end_does_not(synths: list[str], project: Path, tmp_path: Path) -> None:
    assembly.cached("dev", cache=tmp_path / "cache", root=project, say=lambda _: None)
    (project / "frontend_stub").mkdir()
    (project / "frontend_stub" / "app.js").write_text("// served as it is")
    assembly.cached("dev", cache=tmp_path / "cache", root=project, say=lambda _: None)
    assert synths == ["dev"]
    (project / "stacks" / "new_stack.py").write_text("")
    said: list[str] = []
    assembly.cached("dev", cache=tmp_path / "cache", root=project, say=said.append)
    assert said == ["Synthesizing the dev stage: stacks/new_stack.py added."]


def test_another_stage_or_context_is_its_own_synth() -> None:
    assert assembly.fingerprint("dev") != assembly.fingerprint("prod")
    assert assembly.fingerprint("prod", {"account": "1"}) != assembly.fingerprint("prod", {"account": "2"})


def test_a_failed_synth_keeps_the_previous_assembly(
    synths: list[str], monkeypatch: pytest.MonkeyPatch, project: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    before = assembly.cached("dev", cache=cache, root=project, say=lambda _: None)
    (project / "stacks" / "api_stack.py").write_text("broken")

    def failing(stage: str, outdir: Path, context: Any = None) -> None:
        raise assembly.AssemblyError("synth failed")

    monkeypatch.setattr(assembly, "synthesize", failing)
    with pytest.raises(assembly.AssemblyError):
        assembly.cached("dev", cache=cache, root=project, say=lambda _: None)
    assert assembly.read(cache / "dev").templates == before.templates
    assert [p.name for p in cache.iterdir() if p.name.startswith(".")] == []  # no half-written staging left


def test_a_folder_without_the_stage_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(assembly.AssemblyError, match=r"make synth STAGE=dev"):
        assembly.read(tmp_path, "dev")


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (lambda d: (d / "Bookstore-dev-Data.template.json").unlink(), "the cached assembly is damaged"),
        (lambda d: (d / "Bookstore-dev-Data.template.json").write_text('{"Resou'), "is not a readable template"),
        (lambda d: (d / "inputs.json").write_text("[]"), "the cached assembly is unreadable"),
    ],
    ids=["template-deleted", "template-truncated", "inputs-not-a-record"],
)
def test_a_damaged_cache_is_synthesized_again_saying_why(
    damage: Any, reason: str, synths: list[str], project: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    assembly.cached("dev", cache=cache, root=project, say=lambda _: None)
    damage(cache / "dev")
    said: list[str] = []
    repaired = assembly.cached("dev", cache=cache, root=project, say=said.append)
    assert synths == ["dev", "dev"]
    assert len(said) == 1
    assert said[0].startswith("Synthesizing the dev stage: ")
    assert reason in said[0]
    assert repaired.templates == {"Bookstore-dev-Data": {"Resources": {"T": {}}}}


def test_a_half_written_synth_of_a_killed_process_is_removed(synths: list[str], project: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    (cache / ".dev-abandoned").mkdir(parents=True)
    (cache / ".dev-abandoned" / "big.json").write_text("{}")
    assembly.cached("dev", cache=cache, root=project, say=lambda _: None)
    assert not (cache / ".dev-abandoned").exists()


def test_a_damaged_folder_given_with_templates_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "Bookstore-dev-Bot.template.json").write_text("{not json")
    with pytest.raises(assembly.AssemblyError, match=r"Bookstore-dev-Bot.template.json is not a readable template"):
        assembly.read(tmp_path, "dev")


def test_another_apps_assembly_is_read_whole(tmp_path: Path) -> None:
    (tmp_path / "FlowerShop.template.json").write_text(json.dumps({"Resources": {}}))
    assert list(assembly.read(tmp_path, "dev").templates) == ["FlowerShop"]


def test_a_template_its_manifest_lists_must_be_there(tmp_path: Path) -> None:
    for stack in ("Data", "Bot"):
        (tmp_path / f"Bookstore-dev-{stack}.template.json").write_text("{}")
    artifacts = {
        f"Bookstore-dev-{stack}": {
            "type": "aws:cloudformation:stack",
            "properties": {"templateFile": f"Bookstore-dev-{stack}.template.json"},
        }
        for stack in ("Data", "Bot", "Api")
    }
    (tmp_path / "manifest.json").write_text(json.dumps({"artifacts": artifacts}))
    with pytest.raises(assembly.AssemblyError, match=r"lacks Bookstore-dev-Api.template.json, which its manifest"):
        assembly.read(tmp_path, "dev")
