"""The statistical half of triage: the shipped model is the corpus's, scores reproduce
scikit-learn's exactly, and every verdict still carries its reason. Plus the compositional
categories, the emergency flag, and bad input."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.triage import TriageLevel, assess, normalise
from bot.domain.triage_model import char_features, load, word_features
from tests.domain.triage_scores import load_corpus
from tests.domain.triage_training import MODEL_FILE, train

CRISIS, CONCERN, NONE = TriageLevel.CRISIS, TriageLevel.CONCERN, TriageLevel.NONE
SAMPLES = [
    "i keep looking at the rope in the garage",
    "had a good day, went to my meeting and called my sponsor",
    "cravings are brutal tonight",
    "",
    "a",
]


@pytest.fixture(scope="module")
def retrained() -> dict[str, object]:
    return train(load_corpus())


def test_the_shipped_model_is_the_one_the_corpus_trains(retrained: dict[str, object]) -> None:
    shipped = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    assert shipped["trained_on"] == retrained["trained_on"], (
        "the corpus changed: run .venv/bin/python -m tests.domain.triage_training"
    )
    assert shipped["words"].keys() == retrained["words"].keys()  # type: ignore[attr-defined]
    for table in ("words", "chars"):
        for gram, weights in retrained[table].items():  # type: ignore[attr-defined]
            assert shipped[table][gram] == pytest.approx(weights, abs=2e-4)


@pytest.mark.parametrize("text", SAMPLES)
def test_features_match_scikit_learn(text: str) -> None:
    from sklearn.feature_extraction.text import CountVectorizer

    text = normalise(text) or "x"
    words = CountVectorizer(analyzer="word", ngram_range=(1, 2), token_pattern=r"(?u)\b\w+\b",
                            lowercase=False)  # fmt: skip
    chars = CountVectorizer(analyzer="char_wb", ngram_range=(3, 5), lowercase=False)
    assert word_features(text) == set(words.build_analyzer()(text))
    assert char_features(text) == set(chars.build_analyzer()(text))


def test_scores_match_scikit_learn_probabilities() -> None:
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    rows = load_corpus()
    texts = [normalise(r.text) for r in rows]
    common = {"binary": True, "use_idf": False, "norm": "l2", "lowercase": False, "min_df": 2}
    word = TfidfVectorizer(ngram_range=(1, 2), token_pattern=r"(?u)\b\w+\b", **common)
    char = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), **common)
    matrix = hstack([word.fit_transform(texts), char.fit_transform(texts)]).tocsr()
    fitted = LogisticRegression(C=4.0, solver="liblinear", class_weight="balanced")
    fitted.fit(matrix, [r.expected is CRISIS for r in rows])
    model = load()
    assert model is not None
    for text in SAMPLES[:3]:
        probe = normalise(text)
        features = hstack([word.transform([probe]), char.transform([probe])]).tocsr()
        expected = fitted.predict_proba(features)[0][1]
        assert model.score(probe).crisis == pytest.approx(expected, abs=2e-3)


def test_a_model_verdict_names_its_words_and_score() -> None:
    result = assess("been staring at the bottle of pills all evening, its time")
    assert result.level is CRISIS
    assert all("'" in reason and "rule " in reason for reason in result.reasons)


def test_the_model_does_not_overrule_a_negation_the_rules_found() -> None:
    assert assess("I am not going to kill myself, I promise").level is not CRISIS


@pytest.mark.parametrize(
    ("text", "rule_id"),
    [
        ("nobody would even notice if i was gone", "en.burden.better_gone"),
        ("there is no way out except dying", "en.trap.only_way_out"),
        ("standing on the bridge right now", "en.means.at_place"),
        ("the pills are lined up on the table", "en.means.at_hand"),
        ("wrote letters to my kids for after", "en.farewell.letters"),
        ("found a new home for my dog, i wont need him", "en.farewell.pet_things"),
        ("no reason to wake up tomorrow", "en.wish.no_reason"),
        ("I want it all to stop permanently", "en.wish.stop_for_good"),
        ("i keep picturing my own funeral", "en.frame.repeated_death"),
        ("there is a loaded gun in the house", "en.means.at_hand"),
    ],
)
def test_a_compositional_category_catches_wording_no_phrase_names(text: str, rule_id: str) -> None:
    result = assess(text)
    assert result.level is CRISIS
    assert rule_id in result.rule_ids


@pytest.mark.parametrize(
    "text",
    [
        "my roommate used and he isn't breathing",
        "her lips are blue and she won't wake up",
        "my brother collapsed after using",
        "I think I'm overdosing",
    ],
)
def test_an_emergency_now_is_crisis_and_flagged_as_one(text: str) -> None:
    result = assess(text)
    assert result.level is CRISIS
    assert result.emergency


@pytest.mark.parametrize(
    "text",
    ["I want to die", "we learned what to do if someone isn't breathing", "I carry narcan now"],
)
def test_other_words_are_not_an_emergency(text: str) -> None:
    assert not assess(text).emergency


@pytest.mark.parametrize(
    "text",
    [
        "",
        "🙂" * 4096,
        "x" * 4096,
        "kms " * 1024,
        "\x00\x01\ufffd\u202e" * 1000,
        "quiero morir but also fine лол 😂",
        "I want to die. " * 273,
    ],
)
def test_bad_input_gets_a_verdict(text: str) -> None:
    assert assess(text).level in set(TriageLevel)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_any_text_gets_a_verdict_with_a_reason_per_finding(text: str) -> None:
    result = assess(text)
    assert len(result.reasons) == len(result.findings)
    assert (result.level is NONE) == (not result.findings)
