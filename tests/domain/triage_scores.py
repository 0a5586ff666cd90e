"""The labelled triage corpus and the figures measured on it.

Run ``.venv/bin/python -m tests.domain.triage_scores`` to print the figures quoted in
docs/safety.md (add ``--misses`` to list the rows the classifier gets wrong).
"""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from bot.domain.triage import Assessment, TriageLevel, assess

CORPUS = Path(__file__).with_name("triage_corpus.tsv")
LANGUAGES = ("en", "es")


@dataclass(frozen=True)
class Row:
    line: int
    expected: TriageLevel
    language: str
    tag: str
    text: str


@dataclass(frozen=True)
class Scored:
    row: Row
    assessment: Assessment

    @property
    def right(self) -> bool:
        return self.assessment.level is self.row.expected


def load_corpus(path: Path = CORPUS) -> list[Row]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 4 or fields[1] not in LANGUAGES:
            raise ValueError(f"{path.name}:{number}: expected 'level<TAB>en|es<TAB>tag<TAB>text'")
        expected, language, tag, text = fields
        rows.append(Row(number, TriageLevel(expected), language, tag, text))
    return rows


def score_corpus(rows: list[Row]) -> list[Scored]:
    return [Scored(row, assess(row.text)) for row in rows]


@dataclass(frozen=True)
class Figures:
    size: int
    by_language: dict[str, int]
    by_level: dict[TriageLevel, int]
    recall: dict[TriageLevel, float]
    concern_or_higher_recall: float
    false_positive_rate: float  # crisis predicted where none was expected
    concern_on_none_rate: float  # concern predicted where none was expected
    crisis_recall_by_language: dict[str, float]


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def figures(scored: list[Scored]) -> Figures:
    by_level = Counter(s.row.expected for s in scored)
    right = Counter(s.row.expected for s in scored if s.right)
    nones = [s for s in scored if s.row.expected is TriageLevel.NONE]
    concerns = [s for s in scored if s.row.expected is TriageLevel.CONCERN]
    crises = [s for s in scored if s.row.expected is TriageLevel.CRISIS]
    return Figures(
        size=len(scored),
        by_language=dict(Counter(s.row.language for s in scored)),
        by_level=dict(by_level),
        recall={level: _share(right[level], by_level[level]) for level in TriageLevel},
        concern_or_higher_recall=_share(
            sum(s.assessment.level is not TriageLevel.NONE for s in concerns), len(concerns)
        ),
        false_positive_rate=_share(
            sum(s.assessment.level is TriageLevel.CRISIS for s in nones), len(nones)
        ),
        concern_on_none_rate=_share(
            sum(s.assessment.level is TriageLevel.CONCERN for s in nones), len(nones)
        ),
        crisis_recall_by_language={
            language: _share(
                sum(s.right for s in crises if s.row.language == language),
                sum(s.row.language == language for s in crises),
            )
            for language in LANGUAGES
        },
    )


def report(found: Figures) -> str:
    levels = ", ".join(f"{level} {found.by_level.get(level, 0)}" for level in TriageLevel)
    languages = ", ".join(f"{lang} {found.by_language.get(lang, 0)}" for lang in LANGUAGES)
    recall = ", ".join(f"{level} {found.recall[level]:.3f}" for level in TriageLevel)
    by_language = ", ".join(f"{k} {v:.3f}" for k, v in found.crisis_recall_by_language.items())
    return "\n".join(
        (
            f"corpus: {found.size} statements ({levels}; {languages})",
            f"recall per level: {recall}",
            f"concern recall counting crisis as caught: {found.concern_or_higher_recall:.3f}",
            f"crisis recall by language: {by_language}",
            f"false-positive rate (crisis when none expected): {found.false_positive_rate:.3f}",
            f"concern when none expected: {found.concern_on_none_rate:.3f}",
        )
    )


@dataclass(frozen=True)
class FirstLook:
    """The figures the first-look bar is stated in (docs/safety.md, "Honest figures")."""

    size: int
    crisis_recall: float
    crisis_on_non_crisis: float
    concern_caught: float  # concern rows read as concern or crisis
    none_flagged: float  # none rows read as concern or crisis

    @property
    def meets_the_bar(self) -> bool:
        return (
            self.crisis_recall >= 0.95
            and self.crisis_on_non_crisis <= 0.10
            and self.concern_caught >= 0.85
        )


def first_look(scored: list[Scored]) -> FirstLook:
    crises = [s for s in scored if s.row.expected is TriageLevel.CRISIS]
    others = [s for s in scored if s.row.expected is not TriageLevel.CRISIS]
    concerns = [s for s in scored if s.row.expected is TriageLevel.CONCERN]
    nones = [s for s in scored if s.row.expected is TriageLevel.NONE]
    return FirstLook(
        size=len(scored),
        crisis_recall=_share(sum(s.right for s in crises), len(crises)),
        crisis_on_non_crisis=_share(
            sum(s.assessment.level is TriageLevel.CRISIS for s in others), len(others)
        ),
        concern_caught=_share(
            sum(s.assessment.level is not TriageLevel.NONE for s in concerns), len(concerns)
        ),
        none_flagged=_share(
            sum(s.assessment.level is not TriageLevel.NONE for s in nones), len(nones)
        ),
    )


def first_look_report(found: FirstLook) -> str:
    return (
        f"{found.size} statements: crisis recall {found.crisis_recall:.3f}, crisis on non-crisis"
        f" {found.crisis_on_non_crisis:.3f}, concern-or-crisis on concern"
        f" {found.concern_caught:.3f}, none flagged {found.none_flagged:.3f}"
        f" - bar {'met' if found.meets_the_bar else 'NOT met'}"
    )


def main(argv: list[str]) -> None:
    if argv and argv[0] == "--first-look":
        print(first_look_report(first_look(score_corpus(load_corpus(Path(argv[1]))))))
        return
    scored = score_corpus(load_corpus())
    print(report(figures(scored)))
    if "--misses" in argv:
        for s in scored:
            if not s.right:
                print(f"line {s.row.line}: expected {s.row.expected}, got {s.assessment.level}")


if __name__ == "__main__":
    main(sys.argv[1:])
