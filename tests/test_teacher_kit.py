"""The teacher's kit (tools/teacher_kit.py): class plans, worksheets, the two site editions.

* every lesson's 50-minute plan starts with 5 minutes of start-up, then its sections'
  computed minutes, back to back, ending at minute 50; a timing that does not add up or
  does not fit is refused with the field named;
* every worksheet asks every guiding question (in the notebook's order, numbered as in the
  teacher guide) and every quiz question (choices with letter and id, numeric questions with
  the unit), shows no answer, and escapes what assets/ hold;
* the teacher guide holds the worksheets' answer key;
* the learner edition drops the teacher guide and everything marked teacher-only;
* Chromium prints every worksheet to PDF (one browser, all five) and every question's text
  is in the PDF's text, with a page per section.
"""

from __future__ import annotations

import copy
import html
import io
import itertools
import re
import sys
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "tests" / "browser"))

import teacher_guide  # noqa: E402
import teacher_kit  # noqa: E402

LESSONS = teacher_guide.load_lessons()
IDS = [lesson["id"] for lesson in LESSONS]


def _text(page: str) -> str:
    """A page's visible text, whitespace collapsed."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def _squash(text: str) -> str:
    """Text without whitespace, ligatures (Chromium prints "ff" as one glyph) or curly quotes."""
    text = unicodedata.normalize("NFKC", text).replace("\u2019", "'")
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("lesson", LESSONS, ids=IDS)
def test_the_class_plan_fills_50_minutes_from_the_computed_minutes(lesson):
    plan = teacher_kit.class_plan(lesson)
    assert plan[0].start == 0 and plan[0].minutes == teacher_kit.STARTUP_MINUTES
    assert "Start-up" in plan[0].what
    for before, after in itertools.pairwise(plan):
        assert after.start == before.end, (before, after)
    assert plan[-1].end == teacher_kit.CLASS_MINUTES
    sections = plan[1 : 1 + len(lesson["teacher"]["timing"])]
    assert [s.what for s in sections] == lesson["teacher"]["timing"]
    assert sum(s.minutes for s in sections) == lesson["minutes"]
    spare = teacher_kit.CLASS_MINUTES - teacher_kit.STARTUP_MINUTES - lesson["minutes"]
    assert (plan[-1].what.startswith(f"{spare} min spare")) == (spare > 0)
    savers = " ".join(teacher_kit.time_savers(lesson))
    assert f"count {len(lesson['quiz']) * lesson['timing']['minutes_per_quiz_question']} min" in (
        savers
    )


def test_a_timing_that_does_not_add_up_or_fit_is_refused_with_the_field_named():
    lesson = copy.deepcopy(LESSONS[0])
    lesson["teacher"]["timing"] = [*lesson["teacher"]["timing"], "3 min: more"]
    with pytest.raises(teacher_kit.PlanError, match=r"\[teacher\] timing adds up to"):
        teacher_kit.class_plan(lesson)
    lesson["minutes"] += 3 + 20
    lesson["teacher"]["timing"].append("20 min: far too much")
    with pytest.raises(teacher_kit.PlanError, match=r"'minutes' is \d+; .* at most 45 min"):
        teacher_kit.class_plan(lesson)
    lesson["teacher"]["timing"] = ["about ten minutes of reading"]
    with pytest.raises(teacher_kit.PlanError, match="start with 'N min:'"):
        teacher_kit.class_plan(lesson)


@pytest.mark.parametrize("lesson", LESSONS, ids=IDS)
def test_the_worksheet_asks_every_question_in_lesson_order_and_shows_no_answer(lesson):
    page = teacher_kit.worksheet_html(lesson)
    text = _text(teacher_kit.strip_teacher_only(page))
    order = [g for _s, _h, qs in teacher_kit.guiding_order(lesson) for g in qs]
    assert sorted(g["id"] for g in order) == sorted(g["id"] for g in lesson["guiding"])
    where = [text.index(g["question"]) for g in order]
    assert where == sorted(where), "the guiding questions are out of order"
    sections = list(teacher_kit.notebook_sections(lesson["id"]))
    assert [s for s, _h, _q in teacher_kit.guiding_order(lesson)] == sections
    assert page.count("class='ws-lines'") == len(lesson["guiding"])
    for q in lesson["quiz"]:
        assert q["question"] in text
        if q["kind"] == "choice":
            for letter, c in zip(teacher_kit.LETTERS, q["choices"], strict=False):
                assert f"{letter}. {c['text']} ({c['id']})" in text
        else:
            assert f"Answer: {q['unit']}" in text
    answers = [g["model_answer"] for g in lesson["guiding"]]
    answers += [c["feedback"] for q in lesson["quiz"] for c in q.get("choices", [])]
    answers += [q[f] for q in lesson["quiz"] if q["kind"] == "numeric" for f in ("feedback_right",)]
    assert not [a for a in answers if a in text], "the learners' worksheet shows an answer"
    for forbidden in lesson["teacher"]["misconceptions"] + lesson["teacher"]["skip_when_short"]:
        assert html.escape(forbidden) not in teacher_kit.strip_teacher_only(page)


def test_the_worksheet_escapes_what_assets_hold():
    lesson = copy.deepcopy(LESSONS[-1])
    bad = "<script>window.x=1</script><img src=x onerror=alert(1)>"
    lesson["title"] += bad
    lesson["guiding"][0]["question"] += bad
    lesson["quiz"][1]["choices"][0]["text"] += bad
    lesson["quiz"][0]["unit"] += bad
    lesson["teacher"]["skip_when_short"][0] += bad
    page = teacher_kit.worksheet_html(lesson)
    assert "<script>" not in page and "<img" not in page
    assert page.count(html.escape(bad)) >= 5


@pytest.mark.parametrize("lesson", LESSONS, ids=IDS)
def test_the_teacher_guide_holds_the_worksheets_answer_key(lesson):
    guide = teacher_guide.GUIDE.read_text(encoding="utf-8")
    start = guide.index(f"## Lesson {lesson['id'].split('-')[0]} · ")
    end = guide.find("\n## Lesson ", start + 1)
    chapter = guide[start : end if end > 0 else None]
    assert f"### A {teacher_kit.CLASS_MINUTES}-minute class" in chapter
    for step in teacher_kit.class_plan(lesson):
        assert f"| {step.clock} | " in chapter
    number = 0
    for _s, _h, questions in teacher_kit.guiding_order(lesson):
        for g in questions:
            number += 1
            assert f"{number}. **{g['stage'].capitalize()}.** {g['question']}" in chapter
    key = "; ".join(f"{n}. {a}" for n, a in enumerate(teacher_kit.answer_key(lesson), 1))
    assert f"**Worksheet answer key (quiz):** {key}." in chapter
    for q, answer in zip(lesson["quiz"], teacher_kit.answer_key(lesson), strict=True):
        if q["kind"] == "choice":
            (n, right), *_ = [(n, c) for n, c in enumerate(q["choices"]) if c["correct"]]
            assert answer == f"{teacher_kit.LETTERS[n]} ({right['id']})"
        else:
            assert answer == f"{q['answer']:g} {q['unit']} (±{q['tolerance']:g})"


def test_the_learner_edition_drops_the_guide_and_what_is_marked_for_teachers(tmp_path: Path):
    site, teacher = tmp_path / "site", tmp_path / "site-teacher"
    site.mkdir()
    (site / "index.html").write_text(
        "<p>Map" + teacher_kit.teacher_only("<a href='teacher-guide.html'>guide</a>") + "</p>"
    )
    (site / "teacher-guide.html").write_text("<p>misconception</p>")
    teacher_kit.write_editions(site, teacher, LESSONS)
    assert not (site / "teacher-guide.html").exists()
    assert (teacher / "teacher-guide.html").is_file()
    assert "teacher-guide.html" not in (site / "index.html").read_text()
    assert "teacher-guide.html" in (teacher / "index.html").read_text()
    for lesson in LESSONS:
        name = teacher_kit.worksheet_name(lesson["id"])
        learner, teachers = (site / name).read_text(), (teacher / name).read_text()
        assert "ws-teacher" not in learner and "teacher-guide.html" not in learner
        assert "ws-teacher" in teachers and "teacher-guide.html#lesson-" in teachers
    assert (site / teacher_kit.WORKSHEET_CSS).is_file()


# -- printed by Chromium ------------------------------------------------------------------


@pytest.fixture(scope="module")
def worksheets(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The learner edition's worksheets with the site's style sheet, as `make site` writes them."""
    folder = tmp_path_factory.mktemp("worksheets")
    (folder / "course.css").write_text(
        (ROOT / "tools" / "site" / "course.css").read_text(encoding="utf-8"), encoding="utf-8"
    )
    teacher_kit.write_worksheets(folder, LESSONS)
    for page in folder.glob("*.html"):
        page.write_text(teacher_kit.strip_teacher_only(page.read_text("utf-8")), "utf-8")
    return folder


@pytest.mark.browser
def test_every_worksheet_prints_with_every_question_and_a_page_per_section(worksheets: Path):
    import pypdf  # pinned in requirements-test.txt
    from browser_harness import (
        BrowserUnavailable,
        ensure_chromium,
        ensure_playwright,
        launch_browser,
    )

    try:
        chromium = ensure_chromium(log=lambda *_: None)
        ensure_playwright(log=lambda *_: None)
    except BrowserUnavailable as error:
        pytest.skip(f"needs Debian's chromium: {error}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_browser(playwright, chromium)
        try:
            page = browser.new_page()
            for lesson in LESSONS:
                page.goto((worksheets / teacher_kit.worksheet_name(lesson["id"])).as_uri())
                pdf = page.pdf(format="A4", print_background=False)
                reader = pypdf.PdfReader(io.BytesIO(pdf))
                printed = _squash(" ".join(p.extract_text() or "" for p in reader.pages))
                questions = [g["question"] for g in lesson["guiding"]]
                questions += [q["question"] for q in lesson["quiz"]]
                questions += [c["text"] for q in lesson["quiz"] for c in q.get("choices", [])]
                missing = [q for q in questions if _squash(q) not in printed]
                assert not missing, f"{lesson['id']}: not in the printed PDF: {missing}"
                assert "Coursemap" not in printed, f"{lesson['id']}: the navigation is printed"
                sections = len(teacher_kit.guiding_order(lesson)) + 1
                assert len(reader.pages) >= sections, (lesson["id"], len(reader.pages))
                for number, sheet in enumerate(reader.pages):
                    first = _squash(sheet.extract_text() or "")[:200]
                    assert first, f"{lesson['id']}: page {number + 1} of the PDF is blank"
        finally:
            browser.close()
