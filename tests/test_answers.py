"""A learner's answers are kept: the answers file, the widget's kernel side, the page's grader.

The page (``widgets/ui/answers.js``, run in Node here) must read numbers and grade as the
kernel's ``widgets/ui/quiz.py`` does, and its record must be what ``tools/collect.py`` reads.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess

import pytest

from tests.conftest import ROOT
from widgets import course
from widgets.ui import answers
from widgets.ui.answers import FORMAT, AnswerStore
from widgets.ui.assets import lesson_data, lesson_ids
from widgets.ui.quiz import feedback, grade

FRONT_END = ROOT / "widgets" / "ui" / "answers.js"
LESSON = "00-introduction"


def written(store: AnswerStore) -> dict:
    return json.loads(store.path.read_text(encoding="utf-8"))


# -- the file --------------------------------------------------------------------------------


def test_answers_are_written_whole_and_read_back(tmp_path):
    store = AnswerStore(LESSON, tmp_path)
    store.update({"journey-predict": {"text": "Blood, sooner", "at": "2026-01-01T10:00:00Z"}})
    store.update({"q-stem-cell": {"choice": "self-renews", "extra": "dropped"}})
    data = written(store)
    assert data["format"] == FORMAT and data["lesson"] == LESSON
    assert data["course_version"]["package"]
    assert store.load() == {
        "journey-predict": {"text": "Blood, sooner", "at": "2026-01-01T10:00:00Z"},
        "q-stem-cell": {"choice": "self-renews"},
    }
    assert [p.name for p in tmp_path.iterdir()] == [f"{LESSON}.json"]  # no temporary left


def test_a_failed_write_leaves_the_old_file_whole(tmp_path, monkeypatch):
    store = AnswerStore(LESSON, tmp_path)
    store.save({"a": {"text": "first"}})
    before = store.path.read_bytes()

    def broken(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError):
        store.save({"a": {"text": "second"}})
    monkeypatch.undo()
    assert store.path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == [f"{LESSON}.json"]


@pytest.mark.parametrize(
    "content",
    [
        b'{"format": "stemcell-course answers", "lesson": "00-intro',  # cut short
        b"\xff\xfe not text",
        b'{"format": "stemcell-course answers", "lesson": "04-risks", "answers": {}}',  # foreign
        b'{"format": "something else", "answers": {}}',
        b"[1, 2, 3]",
    ],
)
def test_a_damaged_or_foreign_file_is_set_aside_and_said_never_overwritten(tmp_path, content):
    store = AnswerStore(LESSON, tmp_path)
    store.path.write_bytes(content)
    assert store.load() == {}
    aside = [p for p in tmp_path.iterdir() if ".damaged-" in p.name]
    assert len(aside) == 1 and aside[0].read_bytes() == content
    assert store.path.name in store.problem and aside[0].name in store.problem
    store.update({"a": {"text": "new"}})  # a new file; the damaged one stays as it was
    assert aside[0].read_bytes() == content and store.load() == {"a": {"text": "new"}}


def test_an_answer_keeps_known_fields_and_at_most_20000_characters():
    assert answers.clean({"text": "x" * 30_000, "script": "<b>", "at": None}) == {
        "text": "x" * 20_000
    }
    assert answers.clean("not an answer") == {}


# -- the widget's kernel side ------------------------------------------------------------------


def lesson_in(tmp_path, monkeypatch) -> course.Lesson:
    monkeypatch.setenv("COURSE_ANSWERS_DIR", str(tmp_path))
    return course.Lesson(LESSON)


def test_in_jupyterlab_the_kernel_writes_and_a_rerun_restores(tmp_path, monkeypatch):
    lesson = lesson_in(tmp_path, monkeypatch)
    questions = lesson.questions("journey", "predict")
    (qid,) = [item["id"] for item in questions.spec["items"]]
    questions.keep = "file"  # the page in JupyterLab says so
    questions.answers = {qid: {"text": "12.5 days, blood first", "at": "2026-01-01T10:00:00Z"}}
    assert lesson.store.load()[qid]["text"] == "12.5 days, blood first"
    assert lesson.store.path.name in questions.status
    # the lesson runs again (or the kernel restarted): a new widget, the answer restored
    again = course.Lesson(LESSON).questions("journey", "predict")
    assert again.answers == {}
    again.keep = "file"
    assert again.answers[qid]["text"] == "12.5 days, blood first"
    # an answer the page kept while the kernel was gone comes back if it is newer
    newer = {"text": "typed while the kernel was gone", "at": "2026-01-01T11:00:00Z"}
    third = course.Lesson(LESSON).questions("journey", "predict")
    third.answers = {qid: newer}
    third.keep = "file"
    assert lesson.store.load()[qid] == newer and third.answers[qid] == newer


def test_in_voila_and_elsewhere_the_kernel_writes_nothing(tmp_path, monkeypatch):
    lesson = lesson_in(tmp_path, monkeypatch)
    questions = lesson.questions("journey")
    questions.keep = "page"
    questions.answers = {"journey-predict": {"text": "mine"}}
    assert not any(tmp_path.iterdir())


def test_answers_of_other_questions_are_not_written(tmp_path, monkeypatch):
    lesson = lesson_in(tmp_path, monkeypatch)
    questions = lesson.questions("journey", "predict")
    questions.keep = "file"
    questions.answers = {"not-a-question": {"text": "x"}, "journey-predict": {"text": "y"}}
    assert set(lesson.store.load()) == {"journey-predict"}


def test_a_file_that_cannot_be_written_is_said_and_the_answer_stays(tmp_path, monkeypatch):
    blocked = tmp_path / "answers"
    blocked.write_text("a file where the folder should be", encoding="utf-8")
    monkeypatch.setenv("COURSE_ANSWERS_DIR", str(blocked))
    questions = course.Lesson(LESSON).questions("journey", "predict")
    questions.keep = "file"
    questions.answers = {"journey-predict": {"text": "kept in the page"}}
    assert "could not be written" in questions.status and str(blocked) in questions.status
    assert questions.answers["journey-predict"]["text"] == "kept in the page"


def test_in_jupyterlab_the_quiz_holds_every_kept_answer_for_the_record(tmp_path, monkeypatch):
    lesson = lesson_in(tmp_path, monkeypatch)
    lesson.store.save({"journey-explain": {"text": "from another cell"}})
    quiz = lesson.quiz()
    quiz.keep = "file"
    assert quiz.answers["journey-explain"]["text"] == "from another cell"
    assert "journey-explain" in lesson.store.load()  # and the file still holds it


def test_the_teachers_switch(monkeypatch):
    assert course.Lesson(LESSON).questions("journey").spec["reveal"] == "after"
    course.model_answers("hide")
    try:
        assert course.Lesson(LESSON).questions("journey").spec["reveal"] == "hide"
    finally:
        answers._reveal.clear()
    with pytest.raises(ValueError, match="model answers must be one of after, hide, show"):
        course.model_answers("never")
    monkeypatch.setenv("COURSE_MODEL_ANSWERS", "show")
    assert course.Lesson(LESSON).questions("journey").spec["reveal"] == "show"
    monkeypatch.setenv("COURSE_MODEL_ANSWERS", "sometimes")
    with pytest.raises(ValueError, match="COURSE_MODEL_ANSWERS must be one of after, hide, show"):
        course.Lesson(LESSON).questions("journey")
    source = FRONT_END.read_text(encoding="utf-8")
    assert 'get("model-answers")' in source and "sessionStorage" in source


def test_the_quiz_says_what_to_type():
    data = lesson_data(LESSON)
    question = next(q for q in data["quiz"] if q["id"] == "q-cord-delay")
    low, high = re.search(r"from (\S+) to (\S+) days", feedback(question, "-3")).groups()
    assert float(low) == 0 and float(high) > question["answer"]
    for typed, said in [
        ("", "type a number in days"),
        ("nine", "type a number in days"),
        ("-3", "cannot be right here: type a number from 0 to"),
        ("1e9", "cannot be right here"),
        ("inf", "type a number in days"),
        ("9 days", "Right."),
    ]:
        assert said in feedback(question, typed), typed
    with pytest.raises(ValueError, match="cannot be right here"):
        grade(question, "-3")


# -- the page, in Node ---------------------------------------------------------------------------


def run_page(tmp_path, script: str, data) -> object:
    if shutil.which("node") is None:
        pytest.fail("needs Node.js (make test installs it with the hub's proxy)")
    module = tmp_path / "answers.mjs"
    module.write_text(FRONT_END.read_text(encoding="utf-8"), encoding="utf-8")
    source = (
        f"import * as page from {json.dumps(str(module))};\n"
        "import { readFileSync } from 'node:fs';\n"
        f"const data = JSON.parse(readFileSync(0, 'utf8'));\n{script}"
    )
    run = subprocess.run(
        ["node", "--input-type=module", "-e", source],
        input=json.dumps(data),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(run.stdout)


TYPED = [
    *["14", "14 days", "14 Days", "1,5", "1.500,5", "1,500", "12,345,678.5", "0,25", " 19.5 "],
    *["\u22123,5", "-0,5", "+7", ".5", "5.", "1e2", "1 500", "3'000", "", "-", "abc", "1,2,3"],
    *["1,5,00", "inf", "nan", "1_000", "14 weeks", "9 day", "50 %", "150%", "-1", "1e9", "0x10"],
]


def test_the_page_grades_as_the_kernel(tmp_path):
    cases = []
    for lesson_id in lesson_ids():
        for q in lesson_data(lesson_id)["quiz"]:
            if q["kind"] == "numeric":
                cases += [[q, {"typed": t}, feedback(q, t)] for t in [*TYPED, str(q["answer"])]]
            else:
                for i, c in enumerate(q["choices"]):
                    cases.append([q, {"choice": c["id"]}, feedback(q, i)])
    script = (
        "const said = (r) => r.right === null ? r.text : "
        "`${r.right ? '✔ Right.' : '✘ Not quite.'} ${r.text}`;\n"
        "const out = data.map(([q, a, kernel]) => [a, kernel, said(page.grade(q, a))]);\n"
        "console.log(JSON.stringify(out.filter(([a, k, p]) => "
        "k.split(':')[0] !== p.split(':')[0])));\n"
    )
    assert len(cases) > 200
    assert run_page(tmp_path, script, cases) == []


def make_record(tmp_path, lesson_id: str, chosen: dict, learner: str) -> str:
    """The HTML record the page's "Download my answers" saves (answers.js's own code)."""
    lesson = course.Lesson(lesson_id)
    spec = lesson.quiz().spec
    all_answers = {**chosen, "learner": {"text": learner}}
    script = "console.log(JSON.stringify(page.record(data[0], data[1], data[2])));\n"
    return run_page(tmp_path, script, [spec, all_answers, "2026-12-02T10:00:00Z"])


def test_the_record_names_options_by_id_and_the_course_version(tmp_path):
    quiz = lesson_data(LESSON)["quiz"]
    choice = next(q for q in quiz if q["kind"] == "choice")
    right = next(c["id"] for c in choice["choices"] if c["correct"])
    page = make_record(
        tmp_path,
        LESSON,
        {choice["id"]: {"choice": right}, "journey-predict": {"text": "<b>blood</b> first"}},
        "Ada <script>",
    )
    assert "<b>blood</b>" not in page and "&#60;b&#62;blood" in page  # escaped
    assert "<script>" not in page.replace('<script type="application/json"', "")
    inside = page.split('id="stemcell-course-answers">')[1].split("</script>")[0]
    data = json.loads(inside)
    assert (
        data["format"] == FORMAT and data["lesson"] == LESSON and data["learner"] == "Ada <script>"
    )
    assert data["course_version"] == answers.course_version()
    assert data["answers"][choice["id"]] == {"choice": right}
    assert data["score"] == {"right": 1, "questions": len(quiz)}
    assert next(q for q in data["quiz"] if q["id"] == choice["id"])["answer"] == right
