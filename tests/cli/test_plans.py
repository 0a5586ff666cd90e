"""`clinician plan ...` against a real database."""

from __future__ import annotations

import shlex
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.plans.templates import template_names
from tests.cli.conftest import Clinic
from tests.cli.screen import flat
from tests.cli.seeding import activate, add_suggestion
from tests.plans.samples import FULL, MINIMAL

INVALID = """\
reasons:
  - Stay well.
triggers:
  - id: payday
    label: Payday
    kind: weather
coping:
  - id: walk
    title: Go for a walk
    kind: flying
  - id: walk
    title: Again
"""
INVALID_ERRORS = ("6:11: triggers[0].kind", "10:11: coping[0].kind", "11:9: coping[1].id")
WITH_PLACEHOLDER = MINIMAL + "supports:\n  - name: <someone they trust>\n    contact: '555 0100'\n"


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return str(path)


# --- templates and validation ----------------------------------------------------------------


def test_templates_are_listed_with_what_they_are_for(clinic: Clinic) -> None:
    listed = clinic.json("plan", "templates")
    assert [t["name"] for t in listed] == template_names()
    assert all(t["description"] for t in listed)


def test_a_template_prints_yaml_that_validates(clinic: Clinic, tmp_path: Path) -> None:
    text = clinic.ok("plan", "template", "relapse-prevention")
    out = clinic.ok("plan", "validate", write(tmp_path, "plan.yaml", text))
    assert "is a valid plan" in out


def test_a_template_left_unfilled_is_valid_but_its_placeholders_are_named(
    clinic: Clinic, tmp_path: Path
) -> None:
    out = clinic.ok("plan", "validate", write(tmp_path, "plan.yaml", WITH_PLACEHOLDER))
    assert "1 placeholder(s) still to fill in" in out
    assert "plan.yaml:7:11: supports[0].name: placeholder <someone they trust>" in out


def test_an_unknown_template_lists_the_known_ones(clinic: Clinic) -> None:
    result = clinic.run("plan", "template", "relapse")
    assert result.exit_code == 3
    assert "relapse-prevention" in result.output


def test_validate_lists_every_error_with_file_line_and_column(
    clinic: Clinic, tmp_path: Path
) -> None:
    path = write(tmp_path, "bad.yaml", INVALID)
    result = clinic.run("plan", "validate", path)
    assert result.exit_code == 2
    assert "(3 problems)" in result.output
    for located in INVALID_ERRORS:
        assert f"{path}:{located}" in result.output


def missing_file(folder: Path) -> Path:
    return folder / "missing.yaml"


def a_directory(folder: Path) -> Path:
    return folder


def latin1_file(folder: Path) -> Path:
    path = folder / "latin1.yaml"
    path.write_bytes("reasons: [Caf\xe9]".encode("latin-1"))
    return path


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (missing_file, "no such file"),
        (a_directory, "is a directory"),
        (latin1_file, "is not UTF-8 text"),
    ],
)
def test_a_file_that_cannot_be_read_is_a_clear_error(
    clinic: Clinic, tmp_path: Path, make: Callable[[Path], Path], message: str
) -> None:
    for command in (("plan", "validate"), ("plan", "set", clinic.add_patient())):
        result = clinic.run(*command, str(make(tmp_path)))
        assert result.exit_code == 2
        assert message in result.output


# --- publishing -------------------------------------------------------------------------------


def test_setting_a_plan_prints_the_version_and_whether_the_patient_was_told(
    clinic: Clinic, tmp_path: Path
) -> None:
    ref = clinic.add_patient()
    out = clinic.ok("plan", "set", ref, write(tmp_path, "plan.yaml", FULL), "--note", "first")
    assert f"Published version 1 of {ref}'s plan." in out
    assert "Not sent: P-0001 is invited and not on Telegram yet" in flat(out)
    assert clinic.json("plan", "history", ref)[0]["note"] == "first"


def test_an_active_patient_is_told_what_changed_word_for_word(
    clinic: Clinic, tmp_path: Path
) -> None:
    ref = clinic.add_patient()
    activate(clinic, ref)
    first = clinic.ok("plan", "set", ref, write(tmp_path, "v1.yaml", MINIMAL))
    assert "The patient is told:\n  • Your care team shared your plan with you." in first
    second = clinic.ok("plan", "set", ref, write(tmp_path, "v2.yaml", FULL))
    assert "Published version 2" in second
    assert "  • Your plan has 3 new triggers: Payday, Seeing the old crowd and" in second
    assert [m["purpose"] for m in clinic.json("outbox")] == ["plan-update", "plan-update"]


def test_setting_a_plan_with_placeholders_warns(clinic: Clinic, tmp_path: Path) -> None:
    ref = clinic.add_patient()
    out = clinic.ok("plan", "set", ref, write(tmp_path, "plan.yaml", WITH_PLACEHOLDER))
    assert "placeholder <someone they trust>" in out
    assert "Published version 1" in out


def test_an_invalid_plan_is_not_published_and_every_error_is_located(
    clinic: Clinic, tmp_path: Path
) -> None:
    ref = clinic.add_patient()
    path = write(tmp_path, "bad.yaml", INVALID)
    result = clinic.run("plan", "set", ref, path)
    assert result.exit_code == 2
    for located in INVALID_ERRORS:
        assert f"{path}:{located}" in result.output
    assert clinic.json("plan", "history", ref) == []


def test_publishing_the_same_text_again_is_a_conflict(clinic: Clinic, tmp_path: Path) -> None:
    ref = clinic.add_patient()
    path = write(tmp_path, "plan.yaml", MINIMAL)
    clinic.ok("plan", "set", ref, path)
    result = clinic.run("plan", "set", ref, path)
    assert result.exit_code == 5
    assert "same as version 1" in result.output


def test_a_plan_for_an_unknown_patient_is_refused(clinic: Clinic, tmp_path: Path) -> None:
    result = clinic.run("plan", "set", "P-9999", write(tmp_path, "plan.yaml", MINIMAL))
    assert result.exit_code == 3


def test_a_clinician_of_another_team_cannot_set_or_read_the_plan(
    clinic: Clinic, tmp_path: Path
) -> None:
    ref = clinic.add_patient()
    path = write(tmp_path, "plan.yaml", MINIMAL)
    assert clinic.run("plan", "set", ref, path, as_="dr.lindqvist").exit_code == 4
    clinic.ok("plan", "set", ref, path)
    assert clinic.run("plan", "show", ref, as_="dr.lindqvist").exit_code == 4
    assert [v["author"] for v in clinic.json("plan", "history", ref)] == ["dr.rivera"]


# --- reading ---------------------------------------------------------------------------------


def test_show_prints_the_current_yaml_and_an_earlier_version_on_request(
    clinic: Clinic, tmp_path: Path
) -> None:
    ref = clinic.add_patient()
    clinic.ok("plan", "set", ref, write(tmp_path, "v1.yaml", MINIMAL))
    clinic.ok("plan", "set", ref, write(tmp_path, "v2.yaml", FULL), "--note", "after session 2")
    current = clinic.json("plan", "show", ref)
    assert (current["version"], current["text"], current["note"]) == (2, FULL, "after session 2")
    assert current["author"] == "dr.rivera" and current["review"] == []
    out = clinic.ok("plan", "show", ref, "--version", "1")
    assert "P-0001 plan, version 1" in out
    assert "- id: walk" in out


def test_show_prints_square_brackets_as_written(clinic: Clinic, tmp_path: Path) -> None:
    ref = clinic.add_patient()
    clinic.ok("plan", "set", ref, write(tmp_path, "plan.yaml", FULL))
    assert "coping: [call-sam, breathe]" in clinic.ok("plan", "show", ref)


def test_an_unknown_version_is_not_found(clinic: Clinic, tmp_path: Path) -> None:
    ref = clinic.add_patient()
    assert clinic.run("plan", "show", ref).exit_code == 3
    clinic.ok("plan", "set", ref, write(tmp_path, "plan.yaml", MINIMAL))
    result = clinic.run("plan", "show", ref, "--version", "7")
    assert result.exit_code == 3
    assert "no plan version 7" in result.output


def test_history_lists_versions_with_author_and_note(clinic: Clinic, tmp_path: Path) -> None:
    ref = clinic.add_patient()
    clinic.ok("plan", "set", ref, write(tmp_path, "v1.yaml", MINIMAL), as_="nurse.okafor")
    clinic.ok("plan", "set", ref, write(tmp_path, "v2.yaml", FULL), "--note", "added triggers")
    history = clinic.json("plan", "history", ref)
    assert [(v["version"], v["author"], v["note"]) for v in history] == [
        (1, "nurse.okafor", None),
        (2, "dr.rivera", "added triggers"),
    ]
    assert "added triggers" in clinic.ok("plan", "history", ref)


def test_diff_shows_what_changed_between_versions(clinic: Clinic, tmp_path: Path) -> None:
    ref = clinic.add_patient()
    clinic.ok("plan", "set", ref, write(tmp_path, "v1.yaml", MINIMAL))
    clinic.ok("plan", "set", ref, write(tmp_path, "v2.yaml", FULL))
    out = clinic.ok("plan", "diff", ref, "1", "2")
    assert "triggers:\n  + payday: Payday" in out
    assert "coping:\n  + breathe: Slow breathing" in out
    assert "  - walk: Go for a walk" in out


def test_diff_with_an_unknown_version_is_not_found(clinic: Clinic, tmp_path: Path) -> None:
    ref = clinic.add_patient()
    clinic.ok("plan", "set", ref, write(tmp_path, "v1.yaml", MINIMAL))
    result = clinic.run("plan", "diff", ref, "1", "4")
    assert result.exit_code == 3
    assert "no plan version 4" in result.output


# --- the patient's suggestions ------------------------------------------------------------


def test_suggestions_are_listed_with_short_ids(clinic: Clinic, tmp_path: Path) -> None:
    ref = clinic.add_patient()
    full_id = add_suggestion(clinic, ref, "add_coping", {"title": "Walk the dog"})
    listed = clinic.json("plan", "suggestions", ref)
    assert listed == [
        {
            "id": full_id[-8:],
            "kind": "add_coping",
            "description": "Add coping idea: 'Walk the dog'",
            "created_at": listed[0]["created_at"],
        }
    ]
    assert full_id[-8:] in clinic.ok("plan", "suggestions", ref)


def test_accepting_a_suggestion_publishes_a_new_version(clinic: Clinic, tmp_path: Path) -> None:
    ref = clinic.add_patient()
    clinic.ok("plan", "set", ref, write(tmp_path, "plan.yaml", MINIMAL))
    short = add_suggestion(clinic, ref, "add_coping", {"title": "Walk the dog"})[-8:]
    out = clinic.ok("plan", "accept", ref, short)
    assert f"Accepted suggestion {short}" in out and "Published version 2" in out
    assert "Walk the dog" in clinic.json("plan", "show", ref)["text"]
    assert clinic.json("plan", "suggestions", ref) == []


def test_two_suggestions_made_the_same_minute_each_have_their_own_short_id(
    clinic: Clinic, tmp_path: Path
) -> None:
    ref = clinic.add_patient()
    clinic.ok("plan", "set", ref, write(tmp_path, "plan.yaml", MINIMAL))
    first = add_suggestion(clinic, ref, "add_coping", {"title": "Walk the dog"})
    second = add_suggestion(clinic, ref, "add_coping", {"title": "Call my sister"})
    shown = [row["id"] for row in clinic.json("plan", "suggestions", ref)]
    assert sorted(shown) == sorted([first[-8:], second[-8:]]) and shown[0] != shown[1]
    clinic.ok("plan", "accept", ref, second[-8:])
    assert [row["id"] for row in clinic.json("plan", "suggestions", ref)] == [first[-8:]]


def test_declining_a_suggestion_needs_a_note_for_the_patient(
    clinic: Clinic, tmp_path: Path
) -> None:
    ref = clinic.add_patient()
    short = add_suggestion(clinic, ref, "add_coping", {"title": "Walk the dog"})[-8:]
    assert clinic.run("plan", "decline", ref, short).exit_code == 2
    assert clinic.run("plan", "decline", ref, short, "--note", "  ").exit_code == 2
    out = clinic.ok("plan", "decline", ref, short, "--note", "Let's talk on Monday.")
    assert "Sent to the patient: Your care team looked at your suggestion.\nLet's talk" in out
    assert clinic.json("plan", "suggestions", ref) == []


def test_an_unknown_suggestion_id_is_not_found(clinic: Clinic, tmp_path: Path) -> None:
    ref = clinic.add_patient()
    clinic.ok("plan", "set", ref, write(tmp_path, "plan.yaml", MINIMAL))
    result = clinic.run("plan", "accept", ref, "deadbeef")
    assert result.exit_code == 3
    assert "clinician plan suggestions" in result.output


# --- plan edit, with a scripted editor ----------------------------------------------------

EDITOR = """\
import sys
from pathlib import Path

here = Path(__file__).parent
counter = here / "count"
run = int(counter.read_text()) + 1 if counter.exists() else 1
counter.write_text(str(run))
target = Path(sys.argv[1])
(here / f"seen-{run}.yaml").write_text(target.read_text())
step = here / f"step-{run}.yaml"
if step.exists():  # no step file: saved unchanged
    target.write_text(step.read_text())
"""


class ScriptedEditor:
    """An $EDITOR that writes step-N.yaml on its N-th run and keeps what it was shown."""

    def __init__(self, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        folder.mkdir()
        self.folder = folder
        script = folder / "editor.py"
        script.write_text(EDITOR)
        monkeypatch.setenv("EDITOR", f"{shlex.quote(sys.executable)} {shlex.quote(str(script))}")

    def will_write(self, *steps: str | None) -> None:
        for run, text in enumerate(steps, start=1):
            if text is not None:
                (self.folder / f"step-{run}.yaml").write_text(text)

    @property
    def runs(self) -> int:
        counter = self.folder / "count"
        return int(counter.read_text()) if counter.exists() else 0

    def seen(self, run: int) -> str:
        return (self.folder / f"seen-{run}.yaml").read_text()


@pytest.fixture
def editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ScriptedEditor:
    return ScriptedEditor(tmp_path / "editor", monkeypatch)


def test_edit_starts_from_the_template_when_there_is_no_plan(
    clinic: Clinic, editor: ScriptedEditor
) -> None:
    ref = clinic.add_patient()
    editor.will_write(MINIMAL)
    out = clinic.ok("plan", "edit", ref, "--note", "first draft")
    assert "Published version 1" in out
    assert editor.seen(1) == clinic.ok("plan", "template", "relapse-prevention")
    assert clinic.json("plan", "show", ref)["text"] == MINIMAL


def test_edit_opens_the_current_version(
    clinic: Clinic, editor: ScriptedEditor, tmp_path: Path
) -> None:
    ref = clinic.add_patient()
    clinic.ok("plan", "set", ref, write(tmp_path, "plan.yaml", MINIMAL))
    editor.will_write(FULL)
    clinic.ok("plan", "edit", ref)
    assert editor.seen(1) == MINIMAL
    assert clinic.json("plan", "show", ref)["version"] == 2


def test_an_invalid_save_reopens_the_file_with_the_errors_as_comments(
    clinic: Clinic, editor: ScriptedEditor
) -> None:
    ref = clinic.add_patient()
    editor.will_write(INVALID, FULL)
    result = clinic.run("plan", "edit", ref)
    assert result.exit_code == 0, result.output
    reopened = editor.seen(2).splitlines()
    assert [line[: line.index(": ")] for line in reopened[:3]] == [
        "# ERROR plan.yaml:10:11",
        "# ERROR plan.yaml:14:11",
        "# ERROR plan.yaml:15:9",
    ]
    assert reopened[3].startswith("# ^ Fix these")
    assert "\n".join(reopened[4:]) + "\n" == INVALID
    assert clinic.json("plan", "show", ref)["text"] == FULL


def test_error_comments_point_at_the_lines_of_the_reopened_file(
    clinic: Clinic, editor: ScriptedEditor
) -> None:
    ref = clinic.add_patient()
    editor.will_write(INVALID, MINIMAL)
    clinic.ok("plan", "edit", ref)
    reopened = editor.seen(2).splitlines()
    line = int(reopened[0].split(":")[1])
    assert reopened[line - 1].strip() == "kind: weather"


def test_the_errors_are_stripped_before_validating_again(
    clinic: Clinic, editor: ScriptedEditor
) -> None:
    ref = clinic.add_patient()
    fixed_under_comments = "# ERROR plan.yaml:1:1: stale\n" + MINIMAL
    editor.will_write(INVALID, fixed_under_comments)
    clinic.ok("plan", "edit", ref)
    assert editor.runs == 2
    assert clinic.json("plan", "show", ref)["text"] == MINIMAL


def test_saving_unchanged_after_errors_abandons_and_saves_nothing(
    clinic: Clinic, editor: ScriptedEditor
) -> None:
    ref = clinic.add_patient()
    editor.will_write(INVALID, None)
    result = clinic.run("plan", "edit", ref)
    assert result.exit_code == 1
    assert "Abandoned (the file was saved without changes): nothing was saved." in flat(
        result.output
    )
    assert clinic.json("plan", "history", ref) == []


def test_emptying_the_file_abandons_and_saves_nothing(
    clinic: Clinic, editor: ScriptedEditor
) -> None:
    ref = clinic.add_patient()
    editor.will_write(INVALID, "")
    result = clinic.run("plan", "edit", ref)
    assert result.exit_code == 1
    assert "the file was emptied" in result.output
    assert clinic.json("plan", "history", ref) == []


def test_closing_a_valid_plan_unchanged_saves_nothing(
    clinic: Clinic, editor: ScriptedEditor, tmp_path: Path
) -> None:
    ref = clinic.add_patient()
    clinic.ok("plan", "set", ref, write(tmp_path, "plan.yaml", MINIMAL))
    out = clinic.ok("plan", "edit", ref)
    assert "No changes: nothing was saved" in flat(out)
    assert len(clinic.json("plan", "history", ref)) == 1


def test_an_editor_that_fails_abandons_the_edit(
    clinic: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    ref = clinic.add_patient()
    monkeypatch.setenv("EDITOR", f"{shlex.quote(sys.executable)} -c 'raise SystemExit(3)'")
    result = clinic.run("plan", "edit", ref)
    assert result.exit_code == 1
    assert "the editor exited with status 3" in result.output


def test_an_editor_that_does_not_exist_is_a_clear_error(
    clinic: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    ref = clinic.add_patient()
    monkeypatch.setenv("EDITOR", "no-such-editor-here")
    result = clinic.run("plan", "edit", ref)
    assert result.exit_code == 2
    assert "cannot start the editor 'no-such-editor-here'" in result.output


def test_edit_is_refused_for_another_team(clinic: Clinic, editor: ScriptedEditor) -> None:
    ref = clinic.add_patient()
    assert clinic.run("plan", "edit", ref, as_="dr.lindqvist").exit_code == 4
    assert editor.runs == 0


COLLEAGUE = """\
import subprocess
import sys
from pathlib import Path

colleague = Path(__file__).parent / "colleague.yaml"
colleague.write_text({colleague!r})
subprocess.run(
    [sys.executable, "-c", "from clinician_cli.app import main; main()",
     "--as", "nurse.okafor", "plan", "set", {reference!r}, str(colleague)],
    check=True,
    capture_output=True,
)
Path(sys.argv[1]).write_text({mine!r})
"""


def test_a_version_published_meanwhile_is_not_overwritten_and_the_edit_is_kept(
    clinic: Clinic, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ref = clinic.add_patient()
    script = tmp_path / "colleague.py"
    script.write_text(COLLEAGUE.format(colleague=MINIMAL, reference=ref, mine=FULL))
    monkeypatch.setenv("EDITOR", f"{shlex.quote(sys.executable)} {shlex.quote(str(script))}")
    result = clinic.run("plan", "edit", ref)
    assert result.exit_code == 5
    assert "published a new version" in flat(result.output)
    history = clinic.json("plan", "history", ref)
    assert [(v["version"], v["author"]) for v in history] == [(1, "nurse.okafor")]
    draft = tmp_path / f"{ref}-plan-draft.yaml"
    assert draft.read_text() == FULL
    assert draft.stat().st_mode & 0o777 == 0o600


ERASER = """\
import subprocess
import sys
from pathlib import Path

subprocess.run(
    [sys.executable, "-c", "from clinician_cli.app import main; main()",
     "--as", "dr.rivera", "patient", "erase", {reference!r}, "--confirm", {reference!r}],
    check=True,
    capture_output=True,
)
Path(sys.argv[1]).write_text({mine!r})
"""


def test_an_edit_refused_for_another_reason_leaves_no_draft_behind(
    clinic: Clinic, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ref = clinic.add_patient()
    script = tmp_path / "eraser.py"
    script.write_text(ERASER.format(reference=ref, mine=FULL))
    monkeypatch.setenv("EDITOR", f"{shlex.quote(sys.executable)} {shlex.quote(str(script))}")
    result = clinic.run("plan", "edit", ref)
    assert result.exit_code == 5
    assert "was erased" in result.output
    assert list(tmp_path.glob("*-plan-draft*.yaml")) == []
