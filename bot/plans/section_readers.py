"""Readers for the content sections of a plan: reasons, triggers, warning signs, coping,
what to do after a slip, and a safer environment.

Each reader takes a node and its path, records problems on the ``Reader`` and returns what it
could read. References to other sections (coping ids) are collected so the parser can check
them once every section is known.
"""

from __future__ import annotations

from yaml.nodes import Node

from bot.plans import limits
from bot.plans.list_reading import Reference, Unique, read_list, read_refs, read_texts, value_of
from bot.plans.model import (
    AfterSlip,
    CopingKind,
    CopingStrategy,
    Trigger,
    TriggerKind,
    WarningSign,
    WarningStage,
)
from bot.plans.nodes import Path, Reader


def read_reasons(reader: Reader, node: Node, path: Path) -> tuple[str, ...]:
    return read_texts(
        reader,
        node,
        path,
        "reasons",
        limits.REASON,
        "a list of reasons for recovery, in the patient's words",
    )


def read_triggers(
    reader: Reader, node: Node, path: Path, refs: list[Reference]
) -> tuple[Trigger, ...]:
    ids = Unique(reader, "trigger id")
    labels = Unique(reader, "trigger label")

    def one(item: Node, p: Path) -> Trigger | None:
        keys = reader.mapping(
            item,
            p,
            allowed=("id", "label", "kind", "coping"),
            required=("id", "label", "kind"),
            expected="a trigger",
        )
        if keys is None:
            return None
        id_ = value_of(keys, "id", lambda n: reader.ident(n, (*p, "id")))
        ok = ids.check(keys["id"][1], (*p, "id"), id_) if "id" in keys else False
        label = value_of(keys, "label", lambda n: reader.text(n, (*p, "label"), limits.LABEL))
        if "label" in keys:
            labels.check(keys["label"][1], (*p, "label"), label)
        kind = value_of(
            keys,
            "kind",
            lambda n: reader.choice(
                n, (*p, "kind"), [k.value for k in TriggerKind], "trigger kind"
            ),
        )
        coping: tuple[str, ...] = ()
        if "coping" in keys:
            coping = read_refs(
                reader,
                keys["coping"][1],
                (*p, "coping"),
                "trigger_coping",
                "coping",
                "a list of coping strategy ids",
                refs,
            )
        if not ok or label is None or kind is None:
            return None
        return Trigger(id=id_ or "", label=label, kind=TriggerKind(kind), coping=coping)

    return read_list(reader, node, path, "triggers", "a list of triggers", one)


def read_warning_signs(reader: Reader, node: Node, path: Path) -> tuple[WarningSign, ...]:
    ids = Unique(reader, "warning sign id")

    def one(item: Node, p: Path) -> WarningSign | None:
        keys = reader.mapping(
            item,
            p,
            allowed=("id", "text", "label", "stage", "escalate"),
            required=("id", "text"),
            expected="a warning sign",
        )
        if keys is None:
            return None
        id_ = value_of(keys, "id", lambda n: reader.ident(n, (*p, "id")))
        ok = ids.check(keys["id"][1], (*p, "id"), id_) if "id" in keys else False
        text = value_of(keys, "text", lambda n: reader.text(n, (*p, "text"), limits.SIGN))
        stage = value_of(
            keys,
            "stage",
            lambda n: reader.choice(n, (*p, "stage"), [s.value for s in WarningStage], "stage"),
        )
        escalate = value_of(keys, "escalate", lambda n: reader.boolean(n, (*p, "escalate")))
        label = value_of(keys, "label", lambda n: reader.text(n, (*p, "label"), limits.LABEL))
        if not ok or text is None:
            return None
        return WarningSign(
            id=id_ or "",
            text=text,
            stage=WarningStage(stage) if stage else None,
            escalate=bool(escalate),
            label=label,
        )

    return read_list(reader, node, path, "warning_signs", "a list of warning signs", one)


def read_coping(reader: Reader, node: Node, path: Path) -> tuple[CopingStrategy, ...]:
    ids = Unique(reader, "coping id")
    titles = Unique(reader, "coping title")

    def one(item: Node, p: Path) -> CopingStrategy | None:
        keys = reader.mapping(
            item,
            p,
            allowed=("id", "title", "kind", "steps"),
            required=("id", "title"),
            expected="a coping strategy",
        )
        if keys is None:
            return None
        id_ = value_of(keys, "id", lambda n: reader.ident(n, (*p, "id")))
        ok = ids.check(keys["id"][1], (*p, "id"), id_) if "id" in keys else False
        title = value_of(keys, "title", lambda n: reader.text(n, (*p, "title"), limits.LABEL))
        if "title" in keys:
            titles.check(keys["title"][1], (*p, "title"), title)
        kind = value_of(
            keys,
            "kind",
            lambda n: reader.choice(n, (*p, "kind"), [k.value for k in CopingKind], "coping kind"),
        )
        steps: tuple[str, ...] = ()
        if "steps" in keys:
            steps = read_texts(
                reader,
                keys["steps"][1],
                (*p, "steps"),
                "steps",
                limits.STEP,
                "a list of short steps",
            )
        if not ok or title is None:
            return None
        return CopingStrategy(
            id=id_ or "",
            title=title,
            kind=CopingKind(kind) if kind else CopingKind.OTHER,
            steps=steps,
        )

    return read_list(reader, node, path, "coping", "a list of coping strategies", one)


def read_after_a_slip(reader: Reader, node: Node, path: Path) -> AfterSlip | None:
    keys = reader.mapping(
        node, path, allowed=("message", "steps"), expected="a mapping with a message and/or steps"
    )
    if keys is None:
        return None
    message = value_of(
        keys, "message", lambda n: reader.text(n, (*path, "message"), limits.MESSAGE)
    )
    steps: tuple[str, ...] = ()
    if "steps" in keys:
        steps = read_texts(
            reader, keys["steps"][1], (*path, "steps"), "steps", limits.STEP, "a list of steps"
        )
    if not keys:
        reader.error(node, path, "needs a message, steps, or both")
        return None
    return AfterSlip(message=message, steps=steps)


def read_safe_environment(reader: Reader, node: Node, path: Path) -> tuple[str, ...]:
    return read_texts(
        reader,
        node,
        path,
        "safe_environment",
        limits.STEP,
        "a list of steps that make the surroundings safer",
    )
