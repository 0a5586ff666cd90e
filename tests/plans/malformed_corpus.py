"""Malformed plans, one rule each, with where the error must point.

Each case: a name, a small YAML text, the expected ``line:column``, the path, and words the
message must contain (what is wrong or what would be valid).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Case:
    name: str
    text: str
    where: str  # "line:column", 1-based
    path: str
    says: str


R = "reasons: [Stay well for my kids]\n"  # a valid first line most cases build on

LONG_REASON = "word " * 101  # 505 characters
EMOJI_LABEL = "🙂" * 17  # 17 characters, 68 bytes

CASES: list[Case] = [
    # --- YAML itself -------------------------------------------------------------------
    Case("tab_indentation", "reasons:\n\t- Stay well\n", "2:1", "", "not tabs"),
    Case("unclosed_quote", 'reasons:\n  - "Stay well\n', "3:1", "", "never closed"),
    Case("alias_is_refused", "reasons: &r [a]\ncoping: *r\n", "2:9", "", "aliases"),
    Case("two_documents", R + "---\n" + R, "2:1", "", "one YAML document"),
    Case(
        "question_mark_in_flow_text",
        R + "checkin:\n  - {kind: mood, prompt: Okay?}\n",
        "3:30",
        "",
        "put texts containing '?'",
    ),
    Case(
        "unquoted_star",
        R + "high_risk_times:\n  - label: Late\n    days: *\n",
        "4:12",
        "",
        "write '*' in quotes",
    ),
    Case(
        "nesting_too_deep",
        "reasons: " + "[" * 20 + "]" * 20 + "\n",
        "1:21",
        "",
        "nested more than 12 levels",
    ),
    Case("custom_tag", "reasons: [!secret Stay well]\n", "1:11", "", "tags"),
    Case("empty_document", "", "1:1", "", "the plan is empty"),
    # --- the root and its sections ------------------------------------------------------
    Case("root_is_a_list", "- Stay well\n", "1:1", "", "must be a mapping of plan sections"),
    Case("unknown_section", R + "trigers: []\n", "2:1", "trigers", "did you mean 'triggers'"),
    Case("duplicate_section", R + "reasons: [Again]\n", "2:1", "reasons", "duplicate key"),
    Case("reasons_missing", "coping: []\n", "1:1", "reasons", "required keys: reasons"),
    Case("reasons_empty_list", "reasons: []\n", "1:10", "reasons", "at least one item"),
    Case("reasons_not_a_list", "reasons: Stay well\n", "1:10", "reasons", "must be a list"),
    Case("reason_empty", "reasons:\n  - ''\n", "2:5", "reasons[0]", "must not be empty"),
    Case(
        "reason_too_long",
        f"reasons:\n  - {LONG_REASON}\n",
        "2:5",
        "reasons[0]",
        "at most 500 characters",
    ),
    Case(
        "section_of_wrong_type",
        R + "triggers: {payday: 1}\n",
        "2:11",
        "triggers",
        "must be a list of triggers",
    ),
    # --- triggers ---------------------------------------------------------------------------
    Case(
        "trigger_kind_missing",
        R + "triggers:\n  - id: payday\n    label: Payday\n",
        "3:5",
        "triggers[0].kind",
        "required keys: id, label, kind",
    ),
    Case(
        "trigger_kind_unknown",
        R + "triggers:\n  - {id: payday, label: Payday, kind: time}\n",
        "3:39",
        "triggers[0].kind",
        "valid: person, place, thing, feeling, thought, event",
    ),
    Case(
        "trigger_id_invalid",
        R + "triggers:\n  - {id: Pay Day, label: Payday, kind: event}\n",
        "3:10",
        "triggers[0].id",
        "lowercase letters",
    ),
    Case(
        "trigger_id_duplicate",
        R + "triggers:\n  - {id: pay, label: Payday, kind: event}\n"
        "  - {id: pay, label: Bonus day, kind: event}\n",
        "4:10",
        "triggers[1].id",
        "duplicate trigger id 'pay' (first used at line 3)",
    ),
    Case(
        "trigger_label_bytes",
        R + f"triggers:\n  - {{id: smile, label: {EMOJI_LABEL}, kind: thing}}\n",
        "3:24",
        "triggers[0].label",
        "68 bytes",
    ),
    Case(
        "trigger_key_misspelt",
        R + "triggers:\n  - {id: pay, label: Payday, kind: event, copin: []}\n",
        "3:43",
        "triggers[0].copin",
        "did you mean 'coping'",
    ),
    Case(
        "dangling_coping_id",
        R
        + "coping:\n  - {id: breathe, title: Slow breathing}\n  - {id: call-sam, title: Call Sam}\n"
        "triggers:\n"
        "  - {id: a, label: A, kind: event, coping: [breathe]}\n"
        "  - {id: b, label: B, kind: event, coping: [call-sam]}\n"
        "  - {id: c, label: C, kind: event, coping: [walk]}\n",
        "8:45",
        "triggers[2].coping[0]",
        "unknown coping strategy id 'walk'; known ids: breathe, call-sam",
    ),
    Case(
        "coping_id_repeated_in_trigger",
        R + "coping:\n  - {id: walk, title: Walk}\n"
        "triggers:\n  - {id: a, label: A, kind: event, coping: [walk, walk]}\n",
        "5:51",
        "triggers[0].coping[1]",
        "duplicate id 'walk'",
    ),
    # --- warning signs ----------------------------------------------------------------------
    Case(
        "sign_escalate_not_bool",
        R + "warning_signs:\n  - {id: alone, text: I stay in bed, escalate: sometimes}\n",
        "3:48",
        "warning_signs[0].escalate",
        "must be true or false",
    ),
    Case(
        "sign_stage_unknown",
        R + "warning_signs:\n  - {id: alone, text: I stay in bed, stage: spiritual}\n",
        "3:45",
        "warning_signs[0].stage",
        "valid: emotional, mental, physical",
    ),
    # --- coping ----------------------------------------------------------------------------
    Case(
        "coping_unknown_key",
        R + "coping:\n  - id: walk\n    title: Walk\n    setps: [Go]\n",
        "5:5",
        "coping[0].setps",
        "did you mean 'steps'",
    ),
    Case(
        "coping_steps_not_a_list",
        R + "coping:\n  - id: walk\n    title: Walk\n    steps: Go outside\n",
        "5:12",
        "coping[0].steps",
        "must be a list of short steps",
    ),
    Case(
        "coping_kind_unknown",
        R + "coping:\n  - {id: walk, title: Walk, kind: jogging}\n",
        "3:35",
        "coping[0].kind",
        "urge_surfing",
    ),
    # --- people ----------------------------------------------------------------------------
    Case(
        "support_contact_missing",
        R + "supports:\n  - name: Sam Rivera\n",
        "3:5",
        "supports[0].contact",
        "required keys: name, contact",
    ),
    Case(
        "support_name_duplicate",
        R + "supports:\n  - {name: Sam, contact: '555 0100'}\n"
        "  - {name: Sam, contact: '555 0199'}\n",
        "4:12",
        "supports[1].name",
        "duplicate name 'Sam'",
    ),
    Case(
        "professional_role_empty",
        R + "professionals:\n  - {name: Dr Lee, role: , contact: '555 0100'}\n",
        "3:25",
        "professionals[0].role",
        "must not be empty",
    ),
    Case(
        "crisis_emergency_too_long",
        R + "crisis:\n  emergency: call the number on the fridge door\n",
        "3:14",
        "crisis.emergency",
        "at most 20 characters",
    ),
    Case(
        "crisis_line_without_contact",
        R + "crisis:\n  lines:\n    - name: Night line\n",
        "4:7",
        "crisis.lines[0].contact",
        "is missing",
    ),
    # --- after a slip ------------------------------------------------------------------------
    Case(
        "after_a_slip_empty",
        R + "after_a_slip: {}\n",
        "2:15",
        "after_a_slip",
        "needs a message, steps, or both",
    ),
    # --- high-risk times --------------------------------------------------------------------
    Case(
        "day_unknown",
        R + "high_risk_times:\n  - {label: Payday, days: [fri, funday], time: '18:00'}\n",
        "3:33",
        "high_risk_times[0].days[1]",
        "mon, tue, wed, thu, fri, sat, sun",
    ),
    Case(
        "day_twice",
        R + "high_risk_times:\n  - {label: Payday, days: [fri, fri], time: '18:00'}\n",
        "3:33",
        "high_risk_times[0].days[1]",
        "listed twice",
    ),
    Case(
        "time_invalid",
        R + "high_risk_times:\n  - {label: Late, days: '*', time: '24:00'}\n",
        "3:36",
        "high_risk_times[0].time",
        "HH:MM",
    ),
    Case(
        "timezone_unknown",
        R + "high_risk_times:\n  - {label: Late, days: '*', time: '23:00', "
        "timezone: Europe/Londn}\n",
        "3:55",
        "high_risk_times[0].timezone",
        "did you mean 'Europe/London'",
    ),
    # --- check-in -----------------------------------------------------------------------------
    Case(
        "builtin_question_misspelt",
        R + "checkin:\n  - cravings\n",
        "3:5",
        "checkin[0]",
        "did you mean 'craving'",
    ),
    Case(
        "custom_question_without_prompt",
        R + "checkin:\n  - {id: meeting, kind: yesno}\n",
        "3:5",
        "checkin[0].prompt",
        "is missing",
    ),
    Case(
        "scale_max_not_above_min",
        R + "checkin:\n  - {id: energy, kind: scale, prompt: 'Energy?', min: 5, max: 5}\n",
        "3:63",
        "checkin[0].max",
        "must be greater than min",
    ),
    Case(
        "scale_label_off_the_scale",
        R + "checkin:\n  - {id: energy, kind: scale, prompt: 'Energy?', min: 0, max: 4, "
        "labels: {0: low, 9: high}}\n",
        "3:83",
        "checkin[0].labels.9",
        "points run from 0 to 4",
    ),
    Case(
        "choice_with_one_option",
        R + "checkin:\n  - {id: feel, kind: choice, prompt: 'Feeling?', options: [calm]}\n",
        "3:59",
        "checkin[0].options",
        "at least 2 items",
    ),
    Case(
        "question_id_reserved",
        R + "checkin:\n  - {id: mood, kind: yesno, prompt: 'Good day?'}\n",
        "3:10",
        "checkin[0].id",
        "id of a built-in question",
    ),
    Case(
        "question_repeated",
        R + "checkin:\n  - craving\n  - craving\n",
        "4:5",
        "checkin[1]",
        "duplicate question id 'craving'",
    ),
    Case(
        "long_sign_asked_in_the_checkin",
        R + "warning_signs:\n  - id: alone\n    text: " + "I stay in bed all day " * 4 + "\n"
        "checkin: [mood, warning_signs]\n",
        "4:11",
        "warning_signs[0].text",
        "add a short 'label:'",
    ),
    Case(
        "triggers_question_without_triggers",
        R + "checkin:\n  - craving\n  - triggers\n",
        "4:5",
        "checkin[1]",
        "the plan has none",
    ),
    # --- escalation --------------------------------------------------------------------------
    Case(
        "craving_threshold_out_of_range",
        R + "escalation:\n  craving_at_least: 11\n",
        "3:21",
        "escalation.craving_at_least",
        "from 1 to 10",
    ),
    Case(
        "confidence_threshold_not_a_number",
        R + "escalation:\n  confidence_at_most: low\n",
        "3:23",
        "escalation.confidence_at_most",
        "a whole number from 0 to 9, or off",
    ),
    Case(
        "missed_zero",
        R + "escalation:\n  missed_in_a_row: 0\n",
        "3:20",
        "escalation.missed_in_a_row",
        "from 1 to 30",
    ),
    Case(
        "escalation_sign_dangling",
        R + "warning_signs:\n  - {id: alone, text: I stay in bed}\n"
        "escalation:\n  warning_signs: [alone, hopeless]\n",
        "5:26",
        "escalation.warning_signs[1]",
        "unknown warning sign id 'hopeless'; known ids: alone",
    ),
    Case(
        "escalation_level_unknown",
        R + "escalation:\n  levels: {craving: severe}\n",
        "3:21",
        "escalation.levels.craving",
        "valid: warn, urgent, crisis",
    ),
    Case(
        "threshold_without_its_question",
        R + "checkin: [mood]\nescalation:\n  craving_at_least: 6\n",
        "4:3",
        "escalation.craving_at_least",
        "no craving question",
    ),
]
