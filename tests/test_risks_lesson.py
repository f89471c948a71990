"""Lesson 04's explorers driven headlessly, its data file, and its notebook.

The quiz's numeric answers must be what the explorers show; every published
number an explorer shows must be in the lesson's references.
"""

from __future__ import annotations

import json

import plotly.graph_objects as go
import pytest

from tests.conftest import LESSONS
from widgets import course, risks, science
from widgets.science import aplastic
from widgets.ui.assets import bibliography, glossary, lesson_data
from widgets.ui.explorer import explorers_for
from widgets.ui.quiz import feedback, grade, validate_question

LESSON = "04-risks"
EXPLORERS = [
    risks.GvhdStagingExplorer,
    risks.InfectionTimelineExplorer,
    risks.EbmtScoreExplorer,
    risks.FitnessExplorer,
]


def _sweep(explorer, name):
    """Every setting of control ``name`` with the others held."""
    return explorer.controls_by_name[name].settings(explorer.values)


def test_the_lesson_registers_its_explorers():
    assert explorers_for(LESSON) == EXPLORERS


@pytest.mark.parametrize("cls", EXPLORERS)
def test_explorer_declares_what_the_pattern_needs(cls):
    assert cls.caption and cls.sources and cls.title and cls.about
    assert len(cls.caption.split()) <= 60
    explorer = cls()
    assert explorer.main_name == cls.main_control in explorer.controls_by_name
    for name, control in explorer.controls_by_name.items():
        assert control.label, f"{name} has no visible label"
    assert explorer.readout_text and "Cannot show" not in explorer.readout_text
    names = [trace["name"] for trace in explorer.figure["data"]]
    assert all(names) and len(set(names)) == len(names)
    assert "width" not in explorer.figure["layout"]
    assert explorer.figure["layout"]["height"] <= 440


@pytest.mark.parametrize("cls", EXPLORERS)
def test_a_step_of_the_main_control_redraws_the_data_not_the_layout(cls):
    explorer = cls()
    before, before_text = explorer.figure, explorer.readout_text
    main = explorer.controls_by_name[explorer.main_name]
    explorer.set(**{main.name: min(main.max, explorer.values[main.name] + main.step)})
    after = explorer.figure
    assert len(after["data"]) == len(before["data"])
    assert after["layout"] == before["layout"]  # no relayout on a step
    assert after["data"] != before["data"]  # the figure shows the change
    assert explorer.readout_text != before_text


@pytest.mark.parametrize("cls", EXPLORERS)
def test_every_scenario_and_reset(cls):
    explorer = cls()
    start, start_figure = explorer.readout_text, explorer.figure
    go.Figure(start_figure)  # plotly raises on a wrong property
    assert len(explorer.scenarios) >= 3
    for name in explorer.scenarios:
        assert len(name) <= 38, name
        explorer.apply_scenario(name)
        assert explorer.scenario == name
        assert "Cannot show" not in explorer.readout_text
        go.Figure(explorer.figure)
    explorer.reset()
    assert explorer.readout_text == start
    assert explorer.figure == start_figure


@pytest.mark.parametrize("cls", EXPLORERS)
def test_the_main_slider_sweeps_its_whole_range(cls):
    explorer = cls()
    for value in _sweep(explorer, explorer.main_name):
        explorer.set(**{explorer.main_name: value})
        assert "Cannot show" not in explorer.readout_text, value


@pytest.mark.parametrize("cls", EXPLORERS)
def test_explorer_sources_are_lesson_references(cls):
    references = set(lesson_data(LESSON)["references"])
    assert set(cls.sources) <= references


# --- what each explorer shows --------------------------------------------------------


def test_gvhd_explorer_shows_the_science_stages_and_rule():
    explorer = risks.GvhdStagingExplorer()
    explorer.set(rash_bsa_pct=30, stool_ml_per_day=1200)
    assert explorer.trace("organ stage (0-4)")["x"] == [2, 0, 0, 2]
    assert explorer.trace("overall grade (0-IV)")["x"] == [3]
    assert "overall grade III" in explorer.readout_text
    assert "stage 2-3 liver or lower GI makes grade III" in explorer.readout_text
    explorer.set(severe_pain_ileus_or_bloody=True)
    assert explorer.trace("overall grade (0-IV)")["x"] == [4]
    assert "grade IV" in explorer.readout_text


def test_infection_timeline_reuses_lesson_01s_engraftment_model():
    assert risks.engraftment_day is aplastic.engraftment_day
    explorer = risks.InfectionTimelineExplorer()
    for source in aplastic.GRAFT_CD34_DOSES:
        explorer.set(graft_source=source, dose_pct=100)
        day = aplastic.engraftment_day(source, aplastic.GRAFT_CD34_DOSES[source].typical)
        bars = explorer.trace("risk phase (germs under it)")
        assert explorer.trace("engraftment day (model)")["x"] == [day, day]
        assert bars["base"][0] == 0 and bars["x"][0] == day  # pre-engraftment ends at engraftment
        assert f"engrafts on day {day}" in explorer.readout_text


def test_a_smaller_graft_never_shortens_the_pre_engraftment_phase():
    explorer = risks.InfectionTimelineExplorer()
    for source in aplastic.GRAFT_CD34_DOSES:
        explorer.set(graft_source=source, dose_pct=250)
        big = explorer.state["engraftment_day"]
        explorer.set(dose_pct=25)
        assert explorer.state["engraftment_day"] >= big


def test_every_graft_and_dose_engrafts_within_the_year():
    explorer = risks.InfectionTimelineExplorer()
    for source in aplastic.GRAFT_CD34_DOSES:
        explorer.set(graft_source=source)
        for pct in _sweep(explorer, "dose_pct"):
            explorer.set(dose_pct=pct)
            assert explorer.state["engraftment_day"] is not None, (source, pct)


def test_every_hct_ci_condition_has_a_control():
    explorer = risks.FitnessExplorer()
    reachable = set(explorer.controls_by_name)
    for organ in ("liver", "lungs"):
        reachable |= set(explorer.controls_by_name[organ].choices) - {"none"}
    assert set(science.HCT_CI_WEIGHTS) <= reachable


def test_gvhd_marks_the_later_phases_and_adds_its_bar():
    explorer = risks.InfectionTimelineExplorer()
    bars = explorer.trace("risk phase (germs under it)")
    assert bars["marker"]["pattern"]["shape"][:3] == ["", "", ""] and bars["x"][3] == 0
    explorer.set(gvhd=True)
    bars = explorer.trace("risk phase (germs under it)")
    assert bars["marker"]["pattern"]["shape"][:3] == ["", "x", "x"]
    assert bars["x"][3] == 365 - explorer.state["engraftment_day"]
    assert "With GVHD" in explorer.readout_text


def test_ebmt_explorer_refuses_undefined_donors_and_says_why():
    explorer = risks.EbmtScoreExplorer()
    assert explorer.trace("this patient's score")["x"] == [1, 1]
    explorer.set(donor="haploidentical")
    assert explorer.trace("this patient's score")["x"] == [None, None]
    assert "no EBMT score" in explorer.readout_text
    explorer.set(donor="cord_blood")
    assert (
        "not defined for a cord blood donor" in explorer.trace("points of each factor")["text"][0]
    )


def test_ebmt_explorer_shows_the_cohort_values_for_the_score():
    explorer = risks.EbmtScoreExplorer()
    explorer.apply_scenario("Man of 45, late, woman donor")
    assert explorer.trace("this patient's score")["x"] == [7, 7]
    assert "no group with this score reported" in explorer.readout_text
    assert "5-year survival 24 %" in explorer.readout_text  # all diseases, scores 6-7


def test_fitness_explorer_maps_controls_to_conditions():
    explorer = risks.FitnessExplorer()
    explorer.set(liver="hepatic_moderate_severe", lungs="pulmonary_moderate", obesity=True)
    assert sorted(explorer.state["conditions"]) == [
        "hepatic_moderate_severe",
        "obesity",
        "pulmonary_moderate",
    ]
    assert explorer.state["score"] == 6 and explorer.state["group"] == "high"
    bars = explorer.trace("published 2-year NRM by HCT-CI group")
    assert bars["marker"]["pattern"]["shape"] == ["", "", "/"]
    explorer.set(karnofsky=50)
    assert explorer.trace("this patient's Karnofsky")["y"] == [50]
    assert "considerable assistance" in explorer.readout_text


# --- the lesson's data ---------------------------------------------------------------


def test_lesson_data_is_complete():
    data = lesson_data(LESSON)
    entries, terms = bibliography(), glossary()
    assert all(key in entries for key in data["references"])
    assert all(term in terms for term in data["glossary"])
    sections = {}
    for g in data["guiding"]:
        sections.setdefault(g["section"], []).append(g["stage"])
        assert g["question"].strip() and g["model_answer"].strip()
    for section in ("gvhd", "infections", "ebmt", "fitness", "monitoring"):
        assert sections[section] == ["predict", "explore", "explain"], section
    for key in ("timing", "misconceptions", "discussion", "class_plan"):
        assert data["teacher"][key]


def test_quiz_has_at_least_six_valid_questions_of_both_kinds():
    quiz = lesson_data(LESSON)["quiz"]
    for question in quiz:
        validate_question(question)
    kinds = [q["kind"] for q in quiz]
    assert len(quiz) >= 6 and kinds.count("choice") >= 2 and kinds.count("numeric") >= 2


def _quiz(question_id):
    return next(q for q in lesson_data(LESSON)["quiz"] if q["id"] == question_id)


def _shown_by_explorers(question_id):
    """What the explorer (or science) shows for each numeric quiz question."""
    if question_id == "q-grade-rash":
        explorer = risks.GvhdStagingExplorer()
        explorer.set(rash_bsa_pct=60)
        return explorer.trace("overall grade (0-IV)")["x"][0]
    if question_id == "q-engraftment-cord":
        explorer = risks.InfectionTimelineExplorer()
        explorer.set(graft_source="double_cord_blood", dose_pct=100)
        return explorer.trace("risk phase (germs under it)")["x"][0]
    if question_id == "q-ebmt-survival":
        explorer = risks.EbmtScoreExplorer()
        explorer.apply_scenario("Age 30, intermediate, unrelated")
        return explorer.state["outcomes"][0].survival_5y_pct
    if question_id == "q-hct-ci":
        explorer = risks.FitnessExplorer()
        explorer.set(diabetes=True, lungs="pulmonary_moderate", prior_solid_tumor=True)
        return explorer.state["score"]
    raise AssertionError(f"no explorer check for numeric question {question_id}")


@pytest.mark.parametrize(
    "question_id",
    [q["id"] for q in lesson_data(LESSON)["quiz"] if q["kind"] == "numeric"],
)
def test_numeric_answers_are_what_the_explorers_show(question_id):
    question = _quiz(question_id)
    shown = _shown_by_explorers(question_id)
    assert shown == question["answer"]
    assert grade(question, shown).correct


def test_the_quiz_answers_like_a_learner():
    quiz = course.Lesson(LESSON).quiz()
    question = next(q for q in quiz.spec["items"] if q["id"] == "q-grade-rash")
    assert "Right." in feedback(question, "2")
    assert "Not quite." in feedback(question, "3")


# --- the notebook --------------------------------------------------------------------


def _notebook():
    return json.loads((LESSONS / "04-risks.ipynb").read_text(encoding="utf-8"))


def test_notebook_shows_every_explorer_and_section():
    source = "\n".join("".join(c["source"]) for c in _notebook()["cells"])
    for cls in EXPLORERS:
        assert f"risks.{cls.__name__}()" in source
    for section in ("gvhd", "infections", "ebmt", "fitness", "monitoring"):
        assert f'lesson.questions("{section}"' in source
    for block in ("lesson.quiz()", "lesson.references()", "lesson.key_terms()"):
        assert block in source
    assert "not medical advice" in source


def test_notebook_keeps_two_to_four_checked_outputs():
    kept = [c for c in _notebook()["cells"] if c["metadata"].get("keep_output")]
    assert 2 <= len(kept) <= 4
    printed = "".join("".join(o.get("text", "")) for c in kept for o in c["outputs"])
    assert "overall grade III" in printed and "EBMT risk score 6" in printed
    assert "HCT-CI 1" in printed


def test_checked_outputs_match_the_science():
    result = science.assess_acute_gvhd(
        rash_bsa_pct=30, bilirubin_mg_dl=0.8, persistent_nausea=False, stool_ml_per_day=1200
    )
    assert result.grade == 3
    assert science.hct_ci_risk_group(science.hct_ci(["psychiatric"])) == "intermediate"
