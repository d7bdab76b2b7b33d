"""`python -m local.lex --templates DIR` serves the bot of DIR's template, not bot/model.yaml."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from bot import DEFAULT_MODEL_PATH
from tests.conversations.conftest import LocalLexProcess, _start_local_lex, lex_client, session_id

ONLY_IN_THE_TEMPLATE = "flibbertigibbet quasar wobble"  # words no sample utterance of the bot has


def _recognize(server: LocalLexProcess, text: str, bot: str = "BOOKSTORE1", alias: str = "TSTALIASID") -> str:
    response = lex_client(server.url).recognize_text(
        botId=bot, botAliasId=alias, localeId="en_US", sessionId=session_id(text), text=text
    )
    return str(response["sessionState"]["intent"]["name"])


def test_an_utterance_added_only_to_the_template_is_understood(dev, local_lex: LocalLexProcess, tmp_path: Path) -> None:
    assert ONLY_IN_THE_TEMPLATE not in DEFAULT_MODEL_PATH.read_text().lower()
    assert _recognize(local_lex, ONLY_IN_THE_TEMPLATE) == "FallbackIntent"  # the untouched template's bot

    edited = tmp_path / "cdk.out"
    shutil.copytree(dev.outdir, edited)
    template_file = edited / "Bookstore-dev-Bot.template.json"
    template = json.loads(template_file.read_text())
    bot = next(r for r in template["Resources"].values() if r["Type"] == "AWS::Lex::Bot")
    help_intent = next(i for i in bot["Properties"]["BotLocales"][0]["Intents"] if i["Name"] == "Help")
    help_intent["SampleUtterances"].append({"Utterance": ONLY_IN_THE_TEMPLATE})
    template_file.write_text(json.dumps(template))

    server = _start_local_lex(edited, "--bot-id", "MYBOT12345", "--alias", "live=LIVE123456")
    try:
        assert _recognize(server, ONLY_IN_THE_TEMPLATE, bot="MYBOT12345") == "Help"
        assert _recognize(server, "what can you do", bot="MYBOT12345", alias="LIVE123456") == "Help"
    finally:
        server.process.terminate()
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.process.kill()


def test_a_template_the_runtime_cannot_serve_is_a_one_line_error(dev, tmp_path: Path) -> None:
    import sys

    edited = tmp_path / "cdk.out"
    shutil.copytree(dev.outdir, edited)
    template_file = edited / "Bookstore-dev-Bot.template.json"
    template = json.loads(template_file.read_text())
    bot = next(r for r in template["Resources"].values() if r["Type"] == "AWS::Lex::Bot")
    bot["Properties"]["BotLocales"][0]["Intents"][0]["InputContexts"] = [{"Name": "ordering"}]
    template_file.write_text(json.dumps(template))
    done = subprocess.run(
        [sys.executable, "-m", "local.lex", "--port", "0", "--standalone", "--templates", str(edited)],
        capture_output=True, text=True, timeout=120, check=False, cwd=Path(__file__).resolve().parents[2],
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.startswith("error: Bookstore-dev-Bot/")
    assert "InputContexts" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_multi_valued_slot_of_the_template_returns_a_list(dev, tmp_path: Path) -> None:
    """AllowMultipleValues on a slot of a custom type (en_US only): Lex recognizes values separated by spaces,
    commas and "and", and always returns shape List with one Scalar per value
    (https://docs.aws.amazon.com/lexv2/latest/dg/multi-valued-slots.html)."""
    edited = tmp_path / "cdk.out"
    shutil.copytree(dev.outdir, edited)
    template_file = edited / "Bookstore-dev-Bot.template.json"
    template = json.loads(template_file.read_text())
    bot = next(r for r in template["Resources"].values() if r["Type"] == "AWS::Lex::Bot")
    recommend = next(i for i in bot["Properties"]["BotLocales"][0]["Intents"] if i["Name"] == "RecommendBooks")
    genre = next(s for s in recommend["Slots"] if s["Name"] == "Genre")
    genre["MultipleValuesSetting"] = {"AllowMultipleValues": True}
    template_file.write_text(json.dumps(template))

    server = _start_local_lex(edited, "--bot-id", "MULTIBOT12")
    try:
        client = lex_client(server.url)

        def genre_of(text: str) -> dict:
            response = client.recognize_text(
                botId="MULTIBOT12", botAliasId="TSTALIASID", localeId="en_US", sessionId=session_id(text), text=text
            )
            interpretation = response["interpretations"][0]["intent"]
            assert interpretation["name"] == "RecommendBooks"
            return interpretation["slots"]["Genre"]

        two = genre_of("recommend some horror and poetry books")
        assert two["shape"] == "List"
        assert [v["value"]["interpretedValue"] for v in two["values"]] == ["horror", "poetry"]
        assert all(v["shape"] == "Scalar" for v in two["values"])
        three = genre_of("recommend me mystery, romance and sci-fi")
        assert [v["value"]["interpretedValue"] for v in three["values"]] == ["mystery", "romance", "science fiction"]
        one = genre_of("recommend a horror book")
        assert one["shape"] == "List"
        assert [v["value"]["interpretedValue"] for v in one["values"]] == ["horror"]
    finally:
        server.process.terminate()
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.process.kill()
