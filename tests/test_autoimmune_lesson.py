"""Lesson 02's text agrees with its science: quiz answers, model answers, references."""

from __future__ import annotations

import json
import re

import pytest

from tests.conftest import LESSONS
from widgets import autoimmune, science
from widgets.science.autoimmune import AUTOIMMUNE_TRIAL_RESULTS, RESET_PARAMETERS
from widgets.ui.assets import bibliography, glossary, lesson_data
from widgets.ui.quiz import grade

LESSON = autoimmune.LESSON
DATA = lesson_data(LESSON)
QUIZ = {q["id"]: q for q in DATA["quiz"]}
NOTEBOOK = json.loads((LESSONS / f"{LESSON}.ipynb").read_text(encoding="utf-8"))


def _pct(x: float) -> float:
    return round(100.0 * x, 1)


#: numeric quiz question -> what the explorer (the science) shows, to one decimal
NUMERIC_ANSWERS = {
    "q-rebound-80": lambda: round(science.reset_course(0.80, 36).rebound_month, 1),
    "q-mist-upper": lambda: _pct(science.proportion_ci(3, 55)[1]),
    "q-crossing": lambda: round(science.astis_crossing_month("event_free"), 1),
    "q-lupus-upper": lambda: _pct(science.proportion_ci(1, 50)[1]),
}


def test_every_numeric_question_is_checked():
    numeric = {q["id"] for q in DATA["quiz"] if q["kind"] == "numeric"}
    assert numeric == set(NUMERIC_ANSWERS)
    assert len(DATA["quiz"]) >= 6 and len(numeric) >= 2


@pytest.mark.parametrize("qid", sorted(NUMERIC_ANSWERS))
def test_numeric_answers_equal_what_the_explorers_show(qid):
    shown = NUMERIC_ANSWERS[qid]()
    question = QUIZ[qid]
    assert question["answer"] == shown
    assert grade(question, shown).correct
    assert not grade(question, shown + 3 * question["tolerance"] + 0.1).correct


#: numbers quoted in the guiding model answers and quiz feedback -> their computed value
QUOTED = {
    "month 7.1": lambda: f"month {science.reset_course(0.80, 36).rebound_month:.1f}",
    "month 18.0": lambda: f"month {science.reset_course(0.95, 60).rebound_month:.1f}",
    "month 11.1": lambda: f"month {science.reset_course(0.80, 36).diversity_recovery_month:.1f}",
    "month 24.6": lambda: f"month {science.reset_course(0.95, 60).diversity_recovery_month:.1f}",
    "11.8": lambda: f"{science.reset_course().diversity_recovery_month:.1f}",
    "month 20.6": lambda: f"month {science.astis_crossing_month('event_free'):.1f}",
    "month 23.4": lambda: f"month {science.astis_crossing_month('overall'):.1f}",
    "1.9-14.9 %": lambda: "{}-{} %".format(*map(_pct, science.proportion_ci(3, 55))),
    "48.6-73.5 %": lambda: "{}-{} %".format(*map(_pct, science.proportion_ci(34, 55))),
    "1.8-40.4 %": lambda: "{}-{} %".format(*map(_pct, science.proportion_ci(1, 10))),
    "3.8-7.7 %": lambda: "{}-{} %".format(*map(_pct, science.proportion_ci(30, 550))),
    "0.4 % to 10.5 %": lambda: "{} % to {} %".format(*map(_pct, science.proportion_ci(1, 50))),
    "10.5 % of transplant": lambda: (
        f"{science.astis_cumulative_events(12).transplant_at_horizon:.1f} % of transplant"
    ),
    "7.7 % of cyclophosphamide": lambda: (
        f"{science.astis_cumulative_events(12).comparator_at_horizon:.1f} % of cyclophosphamide"
    ),
}


def _lesson_text() -> str:
    parts = []
    for g in DATA["guiding"]:
        parts += [g["question"], g["model_answer"]]
    for q in DATA["quiz"]:
        parts.append(json.dumps(q, ensure_ascii=False))
    parts += ["".join(c["source"]) for c in NOTEBOOK["cells"] if c["cell_type"] == "markdown"]
    return "\n".join(parts)


@pytest.mark.parametrize("quoted", sorted(QUOTED))
def test_numbers_quoted_in_the_text_are_the_models(quoted):
    assert quoted in _lesson_text(), f"{quoted!r} is no longer quoted; update the test"
    assert QUOTED[quoted]() == quoted


def test_the_separation_size_quoted_for_astis():
    assert "about 220 patients per arm" in _lesson_text()
    sizes = [
        n
        for n in range(80, 400, 5)
        if not science.trial_intervals("astis_events", n).scaled_intervals_overlap
    ]
    assert 200 <= sizes[0] <= 230


def test_the_lesson_cites_every_source_it_shows():
    refs = set(DATA["references"])
    shown = {r.source for r in AUTOIMMUNE_TRIAL_RESULTS.values()}
    shown |= {p.source for p in RESET_PARAMETERS.values() if not p.assumed}
    shown |= {"vanlaar2014", "spierings2022", "sullivan2018", "muraro2017", "snowden2017"}
    for cls in (autoimmune.ResetExplorer, autoimmune.TrialsExplorer, autoimmune.EarlyRiskExplorer):
        shown |= set(cls.sources)
    assert shown <= refs, shown - refs
    assert refs <= set(bibliography())
    assert set(DATA["glossary"]) <= set(glossary())


def test_the_notebook_follows_the_course_skeleton():
    code = ["".join(c["source"]) for c in NOTEBOOK["cells"] if c["cell_type"] == "code"]
    joined = "\n".join(code)
    for explorer in ("ResetExplorer()", "TrialsExplorer()", "EarlyRiskExplorer()"):
        assert joined.count(explorer) == 1
    kept = [c for c in NOTEBOOK["cells"] if c["metadata"].get("keep_output")]
    assert 2 <= len(kept) <= 4
    assert all(c["outputs"] and c["execution_count"] for c in kept)
    for cell in NOTEBOOK["cells"]:
        assert cell["metadata"]["slideshow"]["slide_type"]
    sections = set(re.findall(r'lesson\.questions\("([\w-]+)"', joined))
    assert sections == {g["section"] for g in DATA["guiding"]}
    markdown = "\n".join(
        "".join(c["source"]) for c in NOTEBOOK["cells"] if c["cell_type"] == "markdown"
    )
    # the stated minutes are the computed ones (tests/test_content.py checks the computation)
    assert "not medical advice" in markdown.lower()
    assert f"about **{DATA['minutes']} minutes**" in markdown
