"""The teacher's collection (tools/collect.py): three learners' records, one of them damaged,
and files that are not records, become one table per lesson."""

from __future__ import annotations

import csv
import json
import subprocess
import sys

from tests.conftest import ROOT
from tests.test_answers import make_record
from widgets.ui.answers import FORMAT, AnswerStore
from widgets.ui.assets import lesson_data

sys.path.insert(0, str(ROOT / "tools"))
import collect

LESSON = "00-introduction"


def class_folder(tmp_path):
    """What a class handed in: two records saved by the page, one cut short in an e-mail, a
    learner's own answers file, and files that are no records of the course."""
    quiz = lesson_data(LESSON)["quiz"]
    choice = [q for q in quiz if q["kind"] == "choice"]
    numeric = next(q for q in quiz if q["kind"] == "numeric")
    right = {q["id"]: next(c["id"] for c in q["choices"] if c["correct"]) for q in choice}
    wrong = {q["id"]: next(c["id"] for c in q["choices"] if not c["correct"]) for q in choice}
    folder = tmp_path / "handed-in"
    (folder / "mail").mkdir(parents=True)
    ada = {k: {"choice": v} for k, v in right.items()}
    for q in quiz:
        if q["kind"] == "numeric":
            ada[q["id"]] = {"typed": f"{q['answer']} {q['unit']}"}
    ada["journey-predict"] = {"text": "Blood | sooner\nthan marrow"}
    (folder / "ada.html").write_text(make_record(tmp_path, LESSON, ada, "Ada"), encoding="utf-8")
    bo = {k: {"choice": v} for k, v in wrong.items()}
    bo[numeric["id"]] = {"typed": "twelve"}
    (folder / "bo.html").write_text(make_record(tmp_path, LESSON, bo, "Bo"), encoding="utf-8")
    cy = make_record(tmp_path, LESSON, ada, "Cy")
    (folder / "mail" / "cy.html").write_text(cy[: len(cy) // 2], encoding="utf-8")  # damaged
    store = AnswerStore(LESSON, folder / "dee")  # a learner's own answers/<lesson>.json
    store.save({choice[0]["id"]: {"choice": right[choice[0]["id"]]}})
    (folder / "notes.txt").write_text("not a record", encoding="utf-8")
    (folder / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe")
    foreign = {"format": FORMAT, "lesson": "99-unknown", "answers": {}}
    (folder / "other.json").write_text(json.dumps(foreign), encoding="utf-8")
    return folder, numeric, choice


def test_three_learners_and_a_damaged_file_become_the_lessons_table(tmp_path, capsys):
    folder, numeric, choice = class_folder(tmp_path)
    out = tmp_path / "collected"
    assert collect.main([str(folder), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    for name, why in [
        ("mail/cy.html", "a web page without the course's answers inside"),
        ("notes.txt", "damaged JSON"),
        ("photo.png", "not a text file"),
        ("other.json", "names a lesson the course does not have"),
    ]:
        assert f"skipped {name}: {why}" in printed
    assert f"{LESSON}: 3 learner(s)" in printed
    rows = list(csv.reader((out / f"{LESSON}.csv").open(encoding="utf-8")))
    quiz = lesson_data(LESSON)["quiz"]
    assert rows[0] == ["learner", *(q["id"] for q in quiz), "score", "file"]
    by_name = {row[0]: row for row in rows[1:]}
    assert set(by_name) == {"Ada", "Bo", f"dee/{LESSON}"}  # an answers file: named by its path
    column = 1 + quiz.index(numeric)
    assert by_name["Ada"][column] == f"{numeric['answer']} {numeric['unit']} ✔"
    assert by_name["Bo"][column] == "twelve ✘"  # kept as typed, not right
    assert by_name["Ada"][-2] == str(len(quiz)) and by_name["Bo"][-2] == "0"
    assert by_name[f"dee/{LESSON}"][-2] == "1"
    first = 1 + quiz.index(choice[0])
    assert by_name["Bo"][first].endswith("✘") and by_name["Bo"][first].split()[0] in {
        c["id"] for c in choice[0]["choices"]
    }
    page = (out / f"{LESSON}.md").read_text(encoding="utf-8")
    assert "| Ada |" in page and "Blood \\| sooner than marrow" in page
    per_question = next(line for line in page.splitlines() if line.startswith("| **Right**"))
    cells = [c.strip() for c in per_question.strip("|").split("|")][1:-1]
    assert cells[first - 1] == "2/3"  # Ada and Dee right, Bo not
    assert cells[column - 1] == "1/2"  # Ada right, Bo's "twelve" not; Dee did not answer
    missed = page.split("most missed first")[1].splitlines()[2]
    assert missed.startswith("* Q") and "of" in missed


def test_make_collect_runs_the_collection(tmp_path):
    folder, _numeric, _choice = class_folder(tmp_path)
    out = tmp_path / "tables"
    run = subprocess.run(
        ["make", "-s", "collect", f"HANDED_IN={folder}", f"COLLECTED={out}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert (out / f"{LESSON}.md").is_file() and "skipped mail/cy.html" in run.stdout
    refused = subprocess.run(["make", "-s", "collect"], cwd=ROOT, capture_output=True, text=True)
    assert refused.returncode != 0 and "make collect HANDED_IN=<folder>" in refused.stdout


def test_a_learners_newer_record_replaces_the_older(tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    first = {"format": FORMAT, "lesson": LESSON, "learner": "Ada", "saved": "2026-01-01"}
    (folder / "a1.json").write_text(json.dumps({**first, "answers": {}}), encoding="utf-8")
    later = {**first, "saved": "2026-02-01", "answers": {"journey-predict": {"text": "later"}}}
    (folder / "a2.json").write_text(json.dumps(later), encoding="utf-8")
    lessons, skipped = collect.collect(folder)
    assert lessons[LESSON]["Ada"]["file"] == "a2.json"
    assert skipped == [("a1.json", "an older record of Ada (a2.json kept)")]


def test_an_empty_folder_says_so(tmp_path, capsys):
    (tmp_path / "in").mkdir()
    assert collect.main([str(tmp_path / "in"), "--out", str(tmp_path / "out")]) == 0
    assert "no records of the course's answers" in capsys.readouterr().out
