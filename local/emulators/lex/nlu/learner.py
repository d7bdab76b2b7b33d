"""Training and running the NLU's models with CRFsuite (python-crfsuite, docs/decisions.md says why).

- The intent model is a maximum-entropy classifier: a CRF over one-item sequences is exactly multinomial logistic
  regression, so one small library serves both models.
- The slot tagger of an intent is a linear-chain CRF over the words of a sentence, with BIO labels.

Trained models are kept in a cache directory keyed by a hash of their training data and parameters, so a bot is
trained once, not at every start (BOOKSTORE_NLU_CACHE, else a folder in the system's temporary directory).
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from hashlib import sha256
from pathlib import Path

import pycrfsuite

Features = dict[str, float]
CACHE_ENV = "BOOKSTORE_NLU_CACHE"
INTENT_PARAMS: dict[str, object] = {"c1": 0.0, "c2": 0.2, "max_iterations": 200}
TAGGER_PARAMS: dict[str, object] = {"c1": 0.0, "c2": 0.1, "max_iterations": 100, "feature.possible_transitions": True}


def cache_dir() -> Path:
    return Path(os.environ.get(CACHE_ENV) or Path(tempfile.gettempdir()) / "bookstore-lex-nlu")


class Model:
    """A trained CRFsuite model, safe to use from the runtime's request threads."""

    def __init__(self, path: Path) -> None:
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open(str(path))
        self._lock = threading.Lock()
        self.labels: tuple[str, ...] = tuple(self._tagger.labels())

    def classify(self, features: Features) -> dict[str, float]:
        """Probability of each label for a one-item sequence (the intent model)."""
        with self._lock:
            self._tagger.set([features])
            return {label: self._tagger.marginal(label, 0) for label in self.labels}

    def tag(self, items: Sequence[Features]) -> list[str]:
        """The likeliest labels of the sequence."""
        if not items:
            return []
        with self._lock:
            return list(self._tagger.tag(list(items)))

    def marginals(self, items: Sequence[Features], labels: Sequence[str]) -> list[dict[str, float]]:
        """Each item's probability of each of `labels` (known to the model), over all label sequences."""
        if not items:
            return []
        wanted = [label for label in labels if label in self.labels]
        with self._lock:
            self._tagger.set(list(items))
            return [{label: self._tagger.marginal(label, t) for label in wanted} for t in range(len(items))]


_SOURCES = sorted(Path(__file__).parent.glob("*.py"))


@cache
def code_version() -> str:
    """A hash of the NLU's own code and word lists: a change to how models are trained trains them again."""
    return sha256(b"".join(path.read_bytes() for path in _SOURCES)).hexdigest()


def train(
    kind: str,
    key: object,
    sequences: Callable[[], Iterable[tuple[Sequence[Features], Sequence[str]]]],
    params: dict[str, object],
) -> Model:
    """The model for the training data that `key` stands for (with the bot's model and this code, it decides
    the data): from the cache when one was trained for the same key, else trained on `sequences()`."""
    digest = sha256(json.dumps([kind, params, code_version(), key], sort_keys=True).encode()).hexdigest()[:32]
    path = cache_dir() / f"{kind}-{digest}.crfsuite"
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        trainer = pycrfsuite.Trainer(verbose=False)
        for items, labels in sequences():
            trainer.append(list(items), list(labels))
        trainer.set_params(params)
        partial = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        trainer.train(str(partial))
        os.replace(partial, path)  # atomic: another process reads a whole model or none
    return Model(path)
