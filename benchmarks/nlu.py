"""NLU quality of the local Lex runtime on labelled sets the bot has never seen (tests/nlu/, README.md there):
the development set (utterances.csv), the tuning set (tuning.csv) and the locked holdout (holdout.csv), whose
errors are never shown.

The runtime serves the bot as the synthesized Bot template defines it (local/emulators/lex/template.py): the
benchmark classifies with the en_US locale of the dev stage's template.

Reports intent accuracy (in-domain lines), slot exact-match (lines that expect slots: every expected slot has
exactly the expected value, case-insensitive) and the out-of-domain fallback rate (lines labelled
FallbackIntent that the bot sends to FallbackIntent). Targets: 95%, 90%, 90%. Also the time to classify one
line (p50, p95), with every intent of the bot.

    python -m benchmarks.nlu [--set development|tuning|tuning-extra|validation|holdout] [--show-errors]
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import local  # noqa: F401  (puts functions/ on sys.path)
from local.emulators.lex.model import BotLocale
from local.emulators.lex.nlu import IntentClassifier
from local.emulators.lex.template import bots_in
from local.emulators.lex.text import normalize_phrase

ROOT = Path(__file__).resolve().parents[1]
DATASET = ROOT / "tests" / "nlu" / "utterances.csv"
SETS = {
    "development": DATASET,
    "tuning": ROOT / "tests" / "nlu" / "tuning.csv",
    "tuning-extra": ROOT / "tests" / "nlu" / "tuning_extra.csv",
    "validation": ROOT / "tests" / "nlu" / "validation.csv",
    "holdout": ROOT / "tests" / "nlu" / "holdout.csv",
}
LOCKED = "holdout"
TARGETS = {"intent_accuracy": 0.95, "slot_exact_match": 0.90, "ood_fallback_rate": 0.90}
FALLBACK = "FallbackIntent"
LOCALE = "en_US"  # the language of the labelled set


@dataclass(frozen=True)
class Example:
    utterance: str
    intent: str
    slots: dict[str, str]


@dataclass
class Report:
    seconds: list[float] = field(default_factory=list)  # per classified line
    intent_total: int = 0
    intent_correct: int = 0
    slot_total: int = 0
    slot_correct: int = 0
    ood_total: int = 0
    ood_fallback: int = 0
    errors: list[str] = field(default_factory=list)

    def metrics(self) -> dict[str, float]:
        return {
            "intent_accuracy": self.intent_correct / self.intent_total if self.intent_total else 1.0,
            "slot_exact_match": self.slot_correct / self.slot_total if self.slot_total else 1.0,
            "ood_fallback_rate": self.ood_fallback / self.ood_total if self.ood_total else 1.0,
        }

    def meets_targets(self) -> bool:
        return all(self.metrics()[k] >= v for k, v in TARGETS.items())


def load_examples(path: Path = DATASET) -> list[Example]:
    examples = []
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            slots = {}
            for pair in filter(None, (row.get("slots") or "").split(";")):
                name, _, value = pair.partition("=")
                slots[name.strip()] = value.strip()
            examples.append(Example(row["utterance"], row["intent"], slots))
    return examples


def served_locale(templates: Mapping[str, Mapping[str, Any]], locale_id: str = LOCALE) -> BotLocale:
    """The locale the local runtime serves for the (only) bot of the templates (stack name -> template)."""
    bots = bots_in(templates)
    if len(bots) != 1:
        raise ValueError(f"expected one AWS::Lex::Bot in the templates, found {len(bots)}")
    return bots[0].locales[locale_id]


def evaluate(locale: BotLocale, examples: list[Example]) -> Report:
    classifier = IntentClassifier(locale)
    report = Report()
    for example in examples:
        started = time.perf_counter()
        matches = classifier.classify(example.utterance)
        report.seconds.append(time.perf_counter() - started)
        top = matches[0] if matches else None
        predicted = top.intent if top and top.confidence >= locale.nlu_confidence_threshold else FALLBACK
        confidence = top.confidence if top else 0.0
        if example.intent == FALLBACK:
            report.ood_total += 1
            if predicted == FALLBACK:
                report.ood_fallback += 1
            else:
                report.errors.append(f"OOD  {example.utterance!r}: {predicted} ({confidence})")
            continue
        report.intent_total += 1
        if predicted == example.intent:
            report.intent_correct += 1
        else:
            report.errors.append(f"INT  {example.utterance!r}: {predicted} ({confidence}), expected {example.intent}")
        if example.slots:
            report.slot_total += 1
            got = {k: v.interpreted for k, v in (top.slots if top and predicted == example.intent else {}).items()}
            if all(got.get(k, "").lower() == v.lower() for k, v in example.slots.items()):
                report.slot_correct += 1
            else:
                report.errors.append(f"SLOT {example.utterance!r}: {got}, expected {example.slots}")
    return report


def seen_in_model(locale: BotLocale, examples: list[Example]) -> list[str]:
    """Utterances of the set that are also sample utterances of the bot (there must be none)."""
    samples = {normalize_phrase(u) for i in locale.intents for u in i.utterances}
    return [e.utterance for e in examples if normalize_phrase(e.utterance) in samples]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", choices=sorted(SETS), action="append", help="which set(s) (default: all)")
    parser.add_argument("--show-errors", action="store_true", help="list every misclassified line (not of holdout)")
    args = parser.parse_args(argv)
    chosen = args.set or list(SETS)
    if args.show_errors and LOCKED in chosen:
        parser.error("the holdout is locked: its errors are never shown (tests/nlu/README.md); use --set tuning")
    from local.world import assembly  # the dev stage's templates: the cached synth (synthesized again if stale)

    locale = served_locale(assembly.load("dev", say=lambda message: print(message, file=sys.stderr)).templates)
    reports = {name: evaluate(locale, load_examples(SETS[name])) for name in chosen if SETS[name].is_file()}
    print("| set | lines (in-domain / out-of-domain) | intent accuracy | slot exact match | OOD fallback | p50 | p95 |")
    print("|---|---|---|---|---|---|---|")
    for name, report in reports.items():
        metrics = report.metrics()
        ordered = sorted(report.seconds)
        p50, p95 = ordered[len(ordered) // 2] * 1000, ordered[int(len(ordered) * 0.95)] * 1000
        print(
            f"| {name} | {report.intent_total} / {report.ood_total} | {metrics['intent_accuracy']:.1%} "
            f"| {metrics['slot_exact_match']:.1%} | {metrics['ood_fallback_rate']:.1%} | {p50:.1f} ms | {p95:.1f} ms |"
        )
    print("targets: " + ", ".join(f"{k.replace('_', ' ')} >= {v:.0%}" for k, v in TARGETS.items()))
    if args.show_errors:
        for name, report in reports.items():
            print(f"{name}:\n" + ("\n".join(report.errors) or "no errors"), file=sys.stderr)
    return 0 if all(report.meets_targets() for report in reports.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
