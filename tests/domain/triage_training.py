"""Build time: train the triage model from the labelled corpus and write it as data.

``.venv/bin/python -m tests.domain.triage_training`` rewrites bot/domain/triage_model.json
(scikit-learn, a dev dependency; the bot itself only reads the JSON). Deterministic: the
same corpus gives the same file, and tests/domain/test_triage_model.py fails when the
shipped file no longer matches the corpus.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bot.domain.triage import normalise
from bot.domain.triage_model import Model, from_json
from tests.domain.triage_scores import Row, load_corpus

MODEL_FILE = Path(__file__).parents[2] / "bot" / "domain" / "triage_model.json"
VERSION = "triage-lr-1"
WORD_RANGE = (1, 2)
CHAR_RANGE = (3, 5)
C = 4.0
CRISIS_THRESHOLD = 0.6
CONCERN_THRESHOLD = 0.6
DIGITS = 4


def train(rows: list[Row]) -> dict[str, object]:
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    texts = [normalise(row.text) for row in rows]
    settings = {"binary": True, "use_idf": False, "norm": "l2", "lowercase": False, "min_df": 2}
    word = TfidfVectorizer(
        analyzer="word", ngram_range=WORD_RANGE, token_pattern=r"(?u)\b\w+\b", **settings
    )
    char = TfidfVectorizer(analyzer="char_wb", ngram_range=CHAR_RANGE, **settings)
    matrix = hstack([word.fit_transform(texts), char.fit_transform(texts)]).tocsr()
    targets = {
        "crisis": [row.expected.value == "crisis" for row in rows],
        "flag": [row.expected.value != "none" for row in rows],
    }
    coefficients, intercepts = [], []
    for head in ("crisis", "flag"):
        model = LogisticRegression(C=C, solver="liblinear", class_weight="balanced")
        model.fit(matrix, targets[head])
        coefficients.append(model.coef_[0])
        intercepts.append(round(float(model.intercept_[0]), DIGITS))
    names = list(word.get_feature_names_out()) + list(char.get_feature_names_out())
    split = len(word.get_feature_names_out())

    def weights(index: int) -> list[float]:
        return [round(float(c[index]), DIGITS) for c in coefficients]

    return {
        "version": VERSION,
        "trained_on": len(rows),
        "word_range": list(WORD_RANGE),
        "char_range": list(CHAR_RANGE),
        "intercepts": intercepts,
        "crisis_threshold": CRISIS_THRESHOLD,
        "concern_threshold": CONCERN_THRESHOLD,
        "words": {names[i]: weights(i) for i in range(split)},
        "chars": {names[i]: weights(i) for i in range(split, len(names))},
    }


def trained_model(rows: list[Row]) -> Model:
    return from_json(train(rows))


def main(argv: list[str]) -> None:
    data = train(load_corpus())
    MODEL_FILE.write_text(json.dumps(data, sort_keys=True, separators=(",", ":")) + "\n")
    print(f"wrote {MODEL_FILE} ({data['trained_on']} statements)")


if __name__ == "__main__":
    main(sys.argv[1:])
