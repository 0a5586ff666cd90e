"""The statistical half of triage: a small logistic model over word and character n-grams.

It is trained at build time from the labelled corpus with scikit-learn
(``python -m tests.domain.triage_training``) and shipped as data (``triage_model.json``
beside this module); scoring here is plain Python, so the domain stays stdlib-only and no
model is fetched from anywhere. Two heads: ``crisis`` (crisis against the rest) and
``flag`` (crisis or concern against none). Features reproduce scikit-learn's
``TfidfVectorizer(binary=True, use_idf=False, norm="l2")`` for words (1-2-grams) and
``char_wb`` (3-5-grams) on the normalised text, so the scores here equal the trainer's.

Every score carries its reason: the word n-grams that pushed it most.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

__all__ = ["Model", "ModelScore", "char_features", "load", "word_features"]

WORD_TOKEN = re.compile(r"(?u)\b\w+\b")
_SPACES = re.compile(r"\s\s+")
HEADS = ("crisis", "flag")


def word_features(text: str, ngrams: tuple[int, int] = (1, 2)) -> set[str]:
    tokens = WORD_TOKEN.findall(text)
    found: set[str] = set()
    low, high = ngrams
    for n in range(low, high + 1):
        for i in range(len(tokens) - n + 1):
            found.add(" ".join(tokens[i : i + n]))
    return found


def char_features(text: str, ngrams: tuple[int, int] = (3, 5)) -> set[str]:
    """scikit-learn's ``char_wb`` analyser: n-grams inside space-padded words."""
    found: set[str] = set()
    low, high = ngrams
    for word in _SPACES.sub(" ", text).split():
        padded = f" {word} "
        for n in range(low, high + 1):
            if len(padded) < n:
                found.add(padded)
                break
            for i in range(len(padded) - n + 1):
                found.add(padded[i : i + n])
    return found


@dataclass(frozen=True)
class ModelScore:
    crisis: float  # probability-like score that the text is crisis
    flag: float  # ... that it is concern or crisis
    crisis_words: tuple[str, ...]  # the word n-grams that raised the crisis score most
    flag_words: tuple[str, ...]


@dataclass(frozen=True)
class Model:
    version: str
    word_range: tuple[int, int]
    char_range: tuple[int, int]
    words: dict[str, tuple[float, float]]  # n-gram -> (crisis weight, flag weight)
    chars: dict[str, tuple[float, float]]
    intercepts: tuple[float, float]
    crisis_threshold: float
    concern_threshold: float

    def score(self, normalised: str) -> ModelScore:
        words = [w for w in word_features(normalised, self.word_range) if w in self.words]
        chars = [c for c in char_features(normalised, self.char_range) if c in self.chars]
        word_scale = 1 / math.sqrt(len(words)) if words else 0.0
        char_scale = 1 / math.sqrt(len(chars)) if chars else 0.0
        totals = list(self.intercepts)
        for head in (0, 1):
            totals[head] += word_scale * sum(self.words[w][head] for w in words)
            totals[head] += char_scale * sum(self.chars[c][head] for c in chars)
        return ModelScore(
            _sigmoid(totals[0]),
            _sigmoid(totals[1]),
            _strongest(words, self.words, 0),
            _strongest(words, self.words, 1),
        )


def _strongest(
    words: list[str], weights: dict[str, tuple[float, float]], head: int
) -> tuple[str, ...]:
    pushing = sorted((w for w in words if weights[w][head] > 0), key=lambda w: -weights[w][head])
    return tuple(pushing[:3])


def _sigmoid(value: float) -> float:
    if value < -60:
        return 0.0
    return 1 / (1 + math.exp(-value))


def from_json(data: dict[str, object]) -> Model:
    def table(raw: object) -> dict[str, tuple[float, float]]:
        assert isinstance(raw, dict)
        return {key: (float(pair[0]), float(pair[1])) for key, pair in raw.items()}

    def pair(raw: object) -> tuple[int, int]:
        assert isinstance(raw, list)
        return int(raw[0]), int(raw[1])

    intercepts = data["intercepts"]
    assert isinstance(intercepts, list)
    return Model(
        version=str(data["version"]),
        word_range=pair(data["word_range"]),
        char_range=pair(data["char_range"]),
        words=table(data["words"]),
        chars=table(data["chars"]),
        intercepts=(float(intercepts[0]), float(intercepts[1])),
        crisis_threshold=float(str(data["crisis_threshold"])),
        concern_threshold=float(str(data["concern_threshold"])),
    )


@cache
def load() -> Model | None:
    """The shipped model, or None if it is missing (the rules then work alone)."""
    try:
        raw = resources.files("bot.domain").joinpath("triage_model.json").read_text("utf-8")
    except FileNotFoundError:
        return None
    return from_json(json.loads(raw))
