"""The teacher's kit: a 50-minute class plan, a printable worksheet and its answer key per
lesson, and the two editions of the static site (learners' and teacher's).

* ``class_plan(lesson)``: the lesson's computed minutes (``[teacher] timing``, which adds up
  to ``minutes``, see tools/wordcount.py) laid on a 50-minute class after 5 minutes of
  start-up on a prepared machine, with the clock time of every section; ``time_savers``
  says what each shortcut saves, from the same rates (``[timing]``).
* ``worksheet_html(lesson, sections)``: a page that prints cleanly (``worksheet.css``: no
  navigation in print, a page per section, ruled space under every guiding question), with
  the guiding questions (predict / explore / explain, in the order of the notebook) and the
  quiz (choices with letter and id, numeric questions with a blank and the unit). Every
  text from assets/ is HTML-escaped. The answer key is in the teacher guide
  (tools/teacher_guide.py renders it with ``guiding_order``, ``LETTERS``, ``answer_key``).
* ``write_editions(site, teacher)``: ``make site`` builds the lessons once into
  ``build/site``; this writes the worksheets, copies the whole site to the teacher edition
  (``build/site-teacher``) and then strips from the learner edition the teacher guide and
  everything between ``TEACHER_ONLY`` markers (the guide's links, the class plan box).
"""

from __future__ import annotations

import html
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LESSONS = ROOT / "lessons"
SITE = ROOT / "tools" / "site"
STAGES = ("predict", "explore", "explain")
#: Minutes to switch on, open the lesson and run all its cells on a prepared machine.
STARTUP_MINUTES = 5
#: A class period: a lesson plus start-up must fit in it.
CLASS_MINUTES = 50
LETTERS = "ABCDEFGHIJ"
#: What only the teacher edition keeps: the learner edition drops everything between them.
TEACHER_ONLY = ("<!--teacher-->", "<!--/teacher-->")
GUIDE_PAGE = "teacher-guide.html"
WORKSHEET_CSS = "worksheet.css"
#: Ruled lines to write on under each guiding question.
WRITING_LINES = 5


class PlanError(ValueError):
    """A lesson's timing does not make a plan (the message names the field)."""


@dataclass(frozen=True)
class Step:
    start: int
    minutes: int
    what: str

    @property
    def end(self) -> int:
        return self.start + self.minutes

    @property
    def clock(self) -> str:
        return f"{self.start}–{self.end} min"


def teacher_only(text: str) -> str:
    return f"{TEACHER_ONLY[0]}{text}{TEACHER_ONLY[1]}"


def class_plan(lesson: dict[str, Any]) -> list[Step]:
    """Start-up, then each section's minutes (``[teacher] timing``), then any spare time."""
    lid = lesson.get("id", "?")
    steps = [Step(0, STARTUP_MINUTES, "Start-up: log in, open the lesson, Run → Run All Cells")]
    for line in lesson["teacher"]["timing"]:
        match = re.match(r"\s*(\d+)\s*min\b\W*(.*)", line)
        if not match:
            raise PlanError(f"{lid}: [teacher] timing lines start with 'N min:'; got {line!r}")
        steps.append(Step(steps[-1].end, int(match.group(1)), line))
    taught = steps[-1].end - STARTUP_MINUTES
    if taught != lesson["minutes"]:
        raise PlanError(
            f"{lid}: [teacher] timing adds up to {taught} min, but 'minutes' is "
            f"{lesson['minutes']}: make them agree (python tools/wordcount.py --update)"
        )
    if steps[-1].end > CLASS_MINUTES:
        raise PlanError(
            f"{lid}: 'minutes' is {lesson['minutes']}; with {STARTUP_MINUTES} min of start-up "
            f"a lesson must take at most {CLASS_MINUTES - STARTUP_MINUTES} min"
        )
    spare = CLASS_MINUTES - steps[-1].end
    if spare:
        steps.append(Step(steps[-1].end, spare, f"{spare} min spare: a discussion prompt"))
    return steps


def time_savers(lesson: dict[str, Any]) -> list[str]:
    """What each shortcut saves, from the rates the lesson's minutes are computed with."""
    rates = lesson["timing"]
    quiz = len(lesson["quiz"]) * rates["minutes_per_quiz_question"]
    return [
        f"The quiz as homework (it is on the worksheet): the lesson's minutes count {quiz} min "
        f"for its {len(lesson['quiz'])} questions.",
        "An explorer task shown on the projector instead of done by every learner: the "
        f"minutes count {rates['minutes_per_explorer']} min for each explorer's task.",
        "The *Go deeper* folds are not counted in the minutes: leave them closed in class.",
    ]


# -- the worksheet's order and numbering (shared with the teacher guide) -------------------
def _plain_heading(markdown: str) -> str:
    text = re.sub(r"[*_`]|<[^>]+>", "", markdown)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text).strip()
    return re.sub(r"^\d+\s*·\s*", "", text)


def notebook_sections(lesson_id: str, folder: Path = LESSONS) -> dict[str, str]:
    """Each guiding-question section the notebook asks, in its order, with the heading above."""
    path = folder / f"{lesson_id}.ipynb"
    if not path.exists():
        return {}
    heading, found = "", {}
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            titles = re.findall(r"^#{2,3}\s+(.+)$", source, re.M)
            heading = _plain_heading(titles[-1]) if titles else heading
        for section in re.findall(r"\.questions\(\s*[\"']([\w-]+)[\"']", source):
            found.setdefault(section, heading)
    return found


def guiding_order(
    lesson: dict[str, Any], sections: dict[str, str] | None = None
) -> list[tuple[str, str, list[dict[str, Any]]]]:
    """(section id, its heading, its questions predict-explore-explain), in lesson order."""
    sections = notebook_sections(lesson["id"]) if sections is None else sections
    grouped: dict[str, list[dict[str, Any]]] = {}
    for g in lesson["guiding"]:
        grouped.setdefault(g["section"], []).append(g)
    order = [s for s in sections if s in grouped] + [s for s in grouped if s not in sections]
    return [
        (s, sections.get(s) or s, sorted(grouped[s], key=lambda g: STAGES.index(g["stage"])))
        for s in order
    ]


def answer_key(lesson: dict[str, Any]) -> list[str]:
    """The quiz's answers as the worksheet asks them: letter and id, or number and tolerance."""
    key = []
    for q in lesson["quiz"]:
        if q["kind"] == "choice":
            (n, right), *_ = [(n, c) for n, c in enumerate(q["choices"]) if c.get("correct")]
            key.append(f"{LETTERS[n]} ({right['id']})")
        else:
            key.append(f"{q['answer']:g} {q['unit']} (±{q['tolerance']:g})")
    return key


# -- the worksheet page ------------------------------------------------------------------------
def worksheet_name(lesson_id: str) -> str:
    return f"worksheet-{lesson_id}.html"


def _plan_box(lesson: dict[str, Any], guide_anchor: str) -> str:
    rows = "".join(
        f"<tr><td>{step.clock}</td><td>{html.escape(step.what)}</td></tr>"
        for step in class_plan(lesson)
    )
    skip = "".join(f"<li>{html.escape(s)}</li>" for s in lesson["teacher"]["skip_when_short"])
    return teacher_only(
        "<aside class='ws-teacher'><h2>For the teacher (not printed)</h2>"
        f"<table><thead><tr><th>Clock</th><th>A {CLASS_MINUTES}-minute class</th></tr></thead>"
        f"<tbody>{rows}</tbody></table><p>When time is short, skip:</p><ul>{skip}</ul>"
        f"<p>The answer key: <a href='{GUIDE_PAGE}#{guide_anchor}'>the teacher guide</a>.</p>"
        "</aside>"
    )


def worksheet_html(
    lesson: dict[str, Any],
    sections: dict[str, str] | None = None,
    guide_anchor: str = "",
) -> str:
    """The lesson's printable worksheet (a whole page); every asset text HTML-escaped."""
    e = html.escape
    lid = lesson["id"]
    number = lid.split("-")[0]
    title = f"Worksheet · Lesson {number}: {lesson['title']}"
    lines = "<div class='ws-lines'>" + "<span></span>" * WRITING_LINES + "</div>"
    parts, n = [], 0
    for _section, heading, questions in guiding_order(lesson, sections):
        items = []
        for g in questions:
            n += 1
            items.append(
                f"<li value='{n}' class='ws-question'><p><b>{g['stage'].capitalize()}.</b> "
                f"{e(g['question'])}</p>{lines}</li>"
            )
        parts.append(
            f"<section class='ws-section'><h2>{e(heading)}</h2><ol>{''.join(items)}</ol></section>"
        )
    quiz = []
    for q in lesson["quiz"]:
        if q["kind"] == "choice":
            choices = "".join(
                f"<li><span class='ws-box'></span> <b>{LETTERS[i]}.</b> {e(c['text'])} "
                f"<span class='ws-id'>({e(c['id'])})</span></li>"
                for i, c in enumerate(q["choices"])
            )
            body = f"<ul class='ws-choices'>{choices}</ul>"
        else:
            body = (
                f"<p class='ws-numeric'>Answer: <span class='ws-blank'></span> {e(q['unit'])}</p>"
            )
        quiz.append(f"<li class='ws-question'><p>{e(q['question'])}</p>{body}</li>")
    parts.append(
        "<section class='ws-section ws-quiz'><h2>Quiz</h2><p class='ws-hint'>Tick one "
        f"box, or write the number.</p><ol>{''.join(quiz)}</ol></section>"
    )
    nav = (
        "<nav class='site-nav'><a href='index.html'>Course map</a> · "
        f"<a href='{lid}.html'>Lesson {number}</a>"
        + teacher_only(f" · <a href='{GUIDE_PAGE}#{guide_anchor}'>Teacher guide</a>")
        + " · print this page (Ctrl+P) for a paper copy</nav>"
    )
    return (
        "<!DOCTYPE html>\n<html lang='en'>\n<head>\n<meta charset='utf-8'>\n"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>\n"
        f"<title>{e(title)}</title>\n<link rel='stylesheet' href='course.css'>\n"
        f"<link rel='stylesheet' href='{WORKSHEET_CSS}'>\n</head>\n<body class='worksheet'>\n"
        f"{nav}\n<main>\n<h1>{e(title)}</h1>\n"
        "<p class='ws-name'>Name: <span class='ws-blank'></span> "
        "Date: <span class='ws-blank short'></span></p>\n"
        f"<p class='ws-intro'>About {e(str(lesson['minutes']))} minutes. Before you touch an "
        "explorer, write your prediction; then explore, and explain what you saw.</p>\n"
        f"{_plan_box(lesson, guide_anchor)}\n{''.join(parts)}\n</main>\n</body>\n</html>\n"
    )


# -- the two editions of the static site -------------------------------------------------------
def write_worksheets(site: Path, lessons: list[dict[str, Any]]) -> list[str]:
    import teacher_guide

    shutil.copyfile(SITE / WORKSHEET_CSS, site / WORKSHEET_CSS)
    names = []
    for lesson in lessons:
        anchor = teacher_guide.slug(f"Lesson {lesson['id'].split('-')[0]} · {lesson['title']}")
        names.append(worksheet_name(lesson["id"]))
        (site / names[-1]).write_text(worksheet_html(lesson, None, anchor), encoding="utf-8")
    return names


def strip_teacher_only(text: str) -> str:
    start, end = map(re.escape, TEACHER_ONLY)
    return re.sub(f"{start}.*?{end}", "", text, flags=re.S)


def write_editions(site: Path, teacher: Path | None, lessons: list[dict[str, Any]]) -> None:
    """Worksheets into ``site``; a copy of it all as the teacher edition; then ``site``
    made the learner edition: no teacher guide, nothing marked ``TEACHER_ONLY``."""
    write_worksheets(site, lessons)
    if teacher is not None:
        if teacher.exists():
            shutil.rmtree(teacher)
        shutil.copytree(site, teacher)
    (site / GUIDE_PAGE).unlink(missing_ok=True)
    for page in site.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        if TEACHER_ONLY[0] in text:
            page.write_text(strip_teacher_only(text), encoding="utf-8")
