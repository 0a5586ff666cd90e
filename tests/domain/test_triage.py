"""Crisis-language triage: rules fire on what they name, and stay quiet on idioms, negations,
the distant past and other people. Figures are measured on the labelled corpus."""

from __future__ import annotations

import pytest

from bot.domain.triage import TABLE, Suppression, TriageLevel, assess, normalise
from bot.domain.triage_rules import COMBINATIONS, IDIOMS, RULES
from tests.domain.triage_scores import figures, load_corpus, report, score_corpus

CRISIS, CONCERN, NONE = TriageLevel.CRISIS, TriageLevel.CONCERN, TriageLevel.NONE
SCORED = score_corpus(load_corpus())


# --- Selected rules, one example each -------------------------------------------------------

RULE_EXAMPLES = [
    ("en.suicide.want_to_die", "I want to die", CRISIS),
    ("en.suicide.kill_myself", "gonna kill myself", CRISIS),
    ("en.suicide.kms", "kms", CRISIS),
    ("en.suicide.unalive", "i want to unalive", CRISIS),
    ("en.suicide.end_it_all", "I'm going to end it all", CRISIS),
    ("en.suicide.cannot_go_on", "I can't go on", CRISIS),
    ("en.suicide.better_off", "they'd be better off without me", CRISIS),
    ("en.suicide.do_not_want_to_live", "i dont wanna live", CRISIS),
    ("en.selfharm.hurt_myself", "I'm going to hurt myself", CRISIS),
    ("en.selfharm.self_harm", "I self-harmed", CRISIS),
    ("en.overdose.too_many_pills", "I took too many pills", CRISIS),
    ("en.overdose.overdose", "I overdosed", CRISIS),
    ("en.overdose.use_everything", "going to use everything I have", CRISIS),
    ("en.overdose.do_not_care_if_i_wake", "relapse and don't care if I wake up", CRISIS),
    ("en.emergency.not_breathing", "my friend isn't breathing", CRISIS),
    ("en.prep.goodbyes", "I said goodbye to everyone", CRISIS),
    ("en.prep.have_a_plan", "I have a plan", CONCERN),
    ("en.hope.what_is_the_point", "what's the point", CONCERN),
    ("en.burden.burden", "I'm a burden", CONCERN),
    ("en.hope.nothing_changes", "nothing will ever change", CONCERN),
    ("en.relapse.intent", "I'm going to use tonight", CONCERN),
    ("es.suicidio.quiero_morir", "me quiero morir", CRISIS),
    ("es.suicidio.matarme", "quiero matarme", CRISIS),
    ("es.suicidio.no_quiero_vivir", "no quiero vivir", CRISIS),
    ("es.autolesion.hacerme_dano", "me voy a hacer daño", CRISIS),
    ("es.sobredosis.pastillas", "tomé demasiadas pastillas", CRISIS),
    ("es.desesperanza.no_puedo_mas", "no aguanto más", CONCERN),
    ("combo.plan_with_hopelessness", "I have a plan. What's the point.", CRISIS),
]


@pytest.mark.parametrize(("rule_id", "text", "level"), RULE_EXAMPLES)
def test_a_rule_fires_on_its_example_at_its_level(
    rule_id: str, text: str, level: TriageLevel
) -> None:
    result = assess(text)
    assert rule_id in result.rule_ids
    assert result.level is level


def test_the_examples_cover_every_category() -> None:
    by_id = {rule.id: rule.category for rule in RULES}
    covered = {by_id[rule_id] for rule_id, _, _ in RULE_EXAMPLES if rule_id in by_id}
    assert covered == {rule.category for rule in RULES}


# --- Context: negation, clauses, past, other people, idioms ---------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "I'm not ok. I want to die.",
        "No, I want to die",
        "I'm not suicidal but I want to kill myself",
        "I don't want to talk. I'm going to end it all",
        "I'm not going to lie, I want to die",
        "No estoy bien. Me quiero morir.",
        "No he bebido pero quiero matarme",
    ],
)
def test_a_negation_in_one_clause_does_not_cancel_a_crisis_in_another(text: str) -> None:
    assert assess(text).level is CRISIS


@pytest.mark.parametrize(
    ("text", "cause", "detail"),
    [
        ("I'm not going to hurt myself", Suppression.NEGATION, "not"),
        ("no, I don't want to die", Suppression.NEGATION, "not"),
        ("No me voy a hacer daño", Suppression.NEGATION, "no"),
        ("I used to think about killing myself", Suppression.PAST, "used to"),
        ("last year I overdosed", Suppression.PAST, "last year"),
        ("Hace años tomé demasiadas pastillas", Suppression.PAST, "hace anos"),
        ("My friend said she wants to die", Suppression.OTHER_PERSON, "she"),
        ("The movie where the character overdosed", Suppression.OTHER_PERSON, "character"),
        ("I nearly killed myself laughing", Suppression.IDIOM, "idiom.laughing"),
        (
            "Me muero de vergüenza, me quiero morir de vergüenza",
            Suppression.IDIOM,
            "es.idiom.morir_de",
        ),
    ],
)
def test_a_set_aside_match_records_its_cause(text: str, cause: Suppression, detail: str) -> None:
    result = assess(text)
    assert result.level is NONE
    assert {(s.cause, s.detail) for s in result.suppressed} == {(cause, detail)}


def test_a_resolved_past_that_is_back_is_a_crisis() -> None:
    assert assess("I used to think about killing myself and I still do").level is CRISIS


def test_a_recent_past_is_not_resolved() -> None:
    assert assess("Last night I overdosed").level is CRISIS


def test_talk_about_someone_else_does_not_hide_what_the_writer_says() -> None:
    assert assess("My brother doesn't know I want to die").level is CRISIS


# --- Normalisation --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "normalised"),
    [
        ("I’m NOT  ok", "i am not ok"),
        ("dont wanna", "do not want to"),
        ("can't go on", "cannot go on"),
        ("Me voy a hacer DAÑO", "me voy a hacer dano"),
        ("k1ll myself", "kill myself"),
        ("self-harm", "self harm"),
        ("fine — not", "fine , not"),
    ],
)
def test_text_is_normalised_before_matching(text: str, normalised: str) -> None:
    assert normalise(text) == normalised


def test_elongated_letters_are_read_as_single_and_double() -> None:
    assert assess("I wannnaaa dieeee").level is CRISIS
    assert assess("I'm killllling myself").level is CRISIS


@pytest.mark.parametrize("text", ["", "   ", "🙂", "...", "\n\n"])
def test_empty_or_symbol_only_text_is_none(text: str) -> None:
    assert assess(text).level is NONE


# --- The corpus -----------------------------------------------------------------------------


def test_the_corpus_is_large_and_bilingual_enough() -> None:
    found = figures(SCORED)
    assert found.size >= 200
    assert found.by_language["es"] >= 30
    assert all(found.by_level.get(level, 0) >= 30 for level in TriageLevel)


def test_the_corpus_has_no_duplicate_statements() -> None:
    texts = [s.row.text.casefold() for s in SCORED]
    assert len(texts) == len(set(texts))


def test_crisis_recall_on_the_corpus_is_at_least_95_percent() -> None:
    found = figures(SCORED)
    print("\n" + report(found))
    assert found.recall[CRISIS] >= 0.95
    assert all(recall >= 0.95 for recall in found.crisis_recall_by_language.values())


def test_false_positives_on_the_corpus_stay_rare() -> None:
    # the corpus is mostly hard negatives written to trip the rules; the honest figure is
    # the first-look one (docs/safety.md), whose bar is 0.10 crisis on non-crisis rows
    assert figures(SCORED).false_positive_rate <= 0.03


def test_no_idiom_in_the_corpus_reads_as_crisis() -> None:
    idioms = [s for s in SCORED if s.row.tag == "idiom"]
    assert len(idioms) >= 40
    assert [s.row.text for s in idioms if s.assessment.level is CRISIS] == []


def test_every_rule_and_combination_is_exercised_by_the_corpus() -> None:
    fired = {rule_id for s in SCORED for rule_id in s.assessment.rule_ids}
    table = [rule.id for rule in TABLE] + [combo.id for combo in COMBINATIONS]
    assert [rule_id for rule_id in table if rule_id not in fired] == []


def test_every_idiom_cancels_a_match_somewhere_in_the_corpus() -> None:
    used = {
        s.detail
        for row in SCORED
        for s in row.assessment.suppressed
        if s.cause is Suppression.IDIOM
    }
    assert [idiom.id for idiom in IDIOMS if idiom.id not in used] == []


def test_rule_and_idiom_ids_are_unique() -> None:
    ids = [rule.id for rule in RULES] + [idiom.id for idiom in IDIOMS]
    ids += [combo.id for combo in COMBINATIONS]
    assert len(ids) == len(set(ids))


def test_concern_and_crisis_give_reasons_naming_the_rule_and_the_phrase() -> None:
    flagged = [s.assessment for s in SCORED if s.assessment.level is not NONE]
    assert flagged
    for result in flagged:
        assert len(result.reasons) == len(result.findings) > 0
        for finding, reason in zip(result.findings, result.reasons, strict=True):
            assert f"'{finding.phrase}'" in reason
            assert finding.rule_id in reason
            assert reason.startswith(f"{finding.category}: ")
        assert result.findings[0].level is result.level


def test_none_has_no_reasons() -> None:
    quiet = [s.assessment for s in SCORED if s.assessment.level is NONE]
    assert quiet
    assert all(result.reasons == () and result.findings == () for result in quiet)
