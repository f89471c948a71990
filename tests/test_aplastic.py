"""Lesson 01's explorers, driven headlessly, and its quiz answers checked against them."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import LESSONS
from widgets import aplastic, science
from widgets.course import short_citation
from widgets.science.published import (
    GRAFT_SOURCE_LABELS,
    GRAFT_SOURCES,
    NEUTROPHIL_RECOVERY_MEDIAN_DAYS,
)
from widgets.ui.assets import lesson_data
from widgets.ui.explorer import explorers_for

EXPLORERS = [aplastic.SeverityExplorer, aplastic.EngraftmentExplorer, aplastic.DonorExplorer]
PATIENT = "this patient (filled = criterion met)"


def _quiz(question_id):
    return next(q for q in lesson_data(aplastic.LESSON)["quiz"] if q["id"] == question_id)


def _verdict(explorer):
    return explorer.figure["layout"]["annotations"][0]["text"]


def test_the_lesson_declares_its_three_explorers():
    assert explorers_for(aplastic.LESSON) == EXPLORERS
    for cls in EXPLORERS:
        assert cls.caption and cls.sources is not None
        assert cls().main_name == (cls.main_control or cls.controls[0].name)
    assert "teaching model" in aplastic.EngraftmentExplorer.caption.lower()
    assert "assumed" in aplastic.EngraftmentExplorer.about.lower()


@pytest.mark.parametrize("cls", EXPLORERS)
def test_every_scenario_and_reset(cls):
    explorer = cls()
    start_values, start_text, start_figure = explorer.values, explorer.readout_text, explorer.figure
    assert explorer.scenarios
    for name in explorer.scenarios:
        explorer.apply_scenario(name)
        assert explorer.scenario == name
        assert "Cannot show" not in explorer.readout_text, name
    explorer.reset()
    assert explorer.values == start_values
    assert explorer.readout_text == start_text
    assert explorer.figure == start_figure


# -- severity ------------------------------------------------------------------------------


def test_severity_explorer_moves_with_the_neutrophils():
    explorer = aplastic.SeverityExplorer()
    assert explorer.readout_text.startswith("Severity: severe.")
    assert "SEVERE" in _verdict(explorer)
    markers = explorer.trace(PATIENT)
    assert markers["marker"]["symbol"][4] == "circle-open"  # neutrophils not < 0.2
    layout = explorer.figure["layout"]
    explorer.set(neutrophils=0.1)
    markers = explorer.trace(PATIENT)
    assert explorer.readout_text.startswith("Severity: very severe.")
    assert markers["marker"]["symbol"][4] == "circle"
    assert markers["x"][1] == pytest.approx(100 * 0.1 / 0.5)
    assert "VERY SEVERE" in _verdict(explorer)
    assert {k: v for k, v in explorer.figure["layout"].items() if k != "annotations"} == {
        k: v for k, v in layout.items() if k != "annotations"
    }


def test_severity_explorer_threshold_and_residual_rule():
    explorer = aplastic.SeverityExplorer()
    explorer.apply_scenario("Non-severe: 1 of 3 severe counts")
    assert explorer.readout_text.startswith("Severity: non-severe.")
    explorer.set(reticulocyte_threshold=60.0)
    assert explorer.readout_text.startswith("Severity: severe.")
    explorer.set(cellularity_pct=40)
    assert explorer.readout_text.startswith("Severity: non-severe.")
    explorer.set(residual_known=True, residual_pct=20)
    assert explorer.readout_text.startswith("Severity: severe.")


def test_severity_zero_counts_stay_on_the_log_axis():
    explorer = aplastic.SeverityExplorer(neutrophils=0, platelets=0, reticulocytes=0)
    assert min(explorer.trace(PATIENT)["x"]) >= 1
    assert explorer.readout_text.startswith("Severity: very severe.")


# -- engraftment ---------------------------------------------------------------------------


def test_engraftment_explorer_draws_the_model_counts():
    explorer = aplastic.EngraftmentExplorer()
    counts = science.simulate_blood_counts("bone_marrow")
    neutrophils = explorer.trace("neutrophils (/µL)")
    platelets = explorer.trace("platelets (×10⁹/L)")
    assert len(neutrophils["y"]) == 61 and len(platelets["y"]) == 61
    assert np.allclose(neutrophils["y"], counts.neutrophils_per_ul, rtol=1e-5)
    assert explorer.trace("engraftment day (model)")["x"] == [19]
    assert explorer.trace("published median day")["x"] == [19]  # Champlin 2000
    assert "from day 19 (published median day 19, Champlin 2000)" in explorer.readout_text
    assert "Teaching model" in explorer.readout_text


def test_the_dose_moves_the_curves_and_the_days():
    explorer = aplastic.EngraftmentExplorer()
    layout = explorer.figure["layout"]
    before = explorer.trace("neutrophils (/µL)")["y"]
    explorer.set(dose=7.4)
    assert explorer.trace("neutrophils (/µL)")["y"] != before
    assert explorer.trace("engraftment day (model)")["x"] == [18]
    counts = science.simulate_blood_counts("bone_marrow", 7.4)
    assert explorer.trace("engraftment day (model)")["y"][0] == pytest.approx(
        counts.neutrophils_per_ul[18], rel=1e-5
    )
    recovery = explorer.trace("platelet recovery day (model)")
    assert recovery["x"] == [counts.platelet_recovery_day]
    assert recovery["y"][0] == pytest.approx(
        counts.platelets_per_nl[counts.platelet_recovery_day], rel=1e-5
    )
    assert "from day 18" in explorer.readout_text
    assert explorer.figure["layout"] == layout
    explorer.set(dose=1.5)
    assert explorer.trace("engraftment day (model)")["x"] == [21]
    assert "Low dose" in explorer.readout_text and "Bittencourt 2002" in explorer.readout_text
    assert max(explorer.trace("neutrophils < 500/µL: high infection risk")["x"]) == 21


@pytest.mark.parametrize("source", GRAFT_SOURCES)
def test_switching_the_graft_moves_the_dose_range_and_typical_dose(source):
    explorer = aplastic.EngraftmentExplorer()
    explorer.set(graft_source=source)
    dose = science.GRAFT_CD34_DOSES[source]
    slider = explorer.controls_by_name["dose"]
    r = slider.range_for(explorer.values)
    assert (r.min, r.max) == (dose.minimum, dose.maximum)
    assert explorer.values["dose"] == pytest.approx(dose.typical)
    median = NEUTROPHIL_RECOVERY_MEDIAN_DAYS[source].value
    assert explorer.trace("engraftment day (model)")["x"] == [median]
    assert explorer.trace("published median day")["x"] == [median]
    explorer.set(dose=dose.minimum)
    assert "Low dose" in explorer.readout_text
    # the page is told every graft's range, so it moves both in one step
    ranges = dict((leader, r) for leader, r in slider.spec()["ranges"])
    assert ranges[source]["min"] == dose.minimum and ranges[source]["value"] == dose.typical


def test_a_scenario_dose_is_checked_against_its_own_graft():
    explorer = aplastic.EngraftmentExplorer()
    explorer.apply_scenario("Double cord, small units (0.1)")
    assert explorer.values["dose"] == pytest.approx(0.1)
    with pytest.raises(ValueError, match=r"dose must be a number in \[0\.1, 1\.7\]"):
        explorer.set(graft_source="double_cord_blood", dose=3.7)
    with pytest.raises(ValueError, match=r"dose must be a number in \[1\.6, 15\]"):
        explorer.set(dose=0.5, graft_source="peripheral_blood")
    explorer.set(graft_source="peripheral_blood", dose=12.0)
    assert "from day 13" in explorer.readout_text


def test_about_this_model_gives_each_typical_dose_and_says_which_are_assumed():
    about = aplastic.EngraftmentExplorer.about
    cited, assumed_part = about.split("Assumed:")
    for source, g in science.GRAFT_CD34_DOSES.items():
        assert f" {g.typical:g}" in about, source  # "sibling blood 6.7, range 1.6-15"
        if g.typical_is_assumed:
            assert GRAFT_SOURCE_LABELS[source].lower() + " dose" in assumed_part
        else:
            assert short_citation(g.typical_source) in cited, source
        if not g.range_is_assumed:
            assert f"range {g.minimum:g}-{g.maximum:g} ({short_citation(g.range_source)}" in cited


def test_the_dose_sources_are_cited_by_the_explorer_and_the_lesson():
    references = lesson_data(aplastic.LESSON)["references"]
    for g in science.GRAFT_CD34_DOSES.values():
        for key in (g.typical_source, g.range_source, g.warning_source):
            if key != science.ASSUMED:
                assert key in aplastic.EngraftmentExplorer.sources
                assert key in references


def test_scenarios_at_a_typical_dose_name_it():
    for name, values in aplastic.EngraftmentExplorer().scenarios.items():
        g = science.GRAFT_CD34_DOSES[values["graft_source"]]
        assert g.minimum <= values["dose"] <= g.maximum, name
        if values["dose"] == g.typical:
            assert f"({g.typical:g})" in name


@settings(max_examples=60)
@given(data=st.data(), source=st.sampled_from(GRAFT_SOURCES))
def test_any_slider_position_draws_finite_curves(data, source):
    info = science.GRAFT_CD34_DOSES[source]
    steps = round((info.maximum - info.minimum) / info.step)
    dose = round(info.minimum + data.draw(st.integers(0, steps)) * info.step, 6)
    explorer = aplastic.EngraftmentExplorer(graft_source=source, dose=dose)
    assert all(y is not None and np.isfinite(y) for y in explorer.trace("neutrophils (/µL)")["y"])
    assert "Cannot show" not in explorer.readout_text
    assert explorer.state["counts"].engraftment_day is not None


# -- donor ---------------------------------------------------------------------------------


def test_donor_explorer_follows_the_number_of_siblings():
    explorer = aplastic.DonorExplorer()
    layout = explorer.figure["layout"]
    explorer.set(n_siblings=3)
    marker = explorer.trace("this family")
    assert marker["x"] == [3] and marker["y"][0] == pytest.approx(57.8125)
    assert marker["text"] == ["58 %"]
    assert "is 58 %" in explorer.readout_text and "Gragert 2014" in explorer.readout_text
    explorer.set(n_siblings=0)
    assert "no chance of a matched sibling" in explorer.readout_text
    assert explorer.figure["layout"] == layout
    assert explorer.trace("8/8 unrelated donor (Gragert 2014)")["y"] == [75, 52, 41, 37, 33, 20]


# -- the quiz's numeric answers are what the explorers show --------------------------------


def test_quiz_maya_criteria_matches_the_explorer():
    explorer = aplastic.SeverityExplorer()
    explorer.apply_scenario("Maya at diagnosis (severe)")
    assert explorer.state["assessment"].blood_criteria_met == _quiz("q-maya-criteria")["answer"]


def test_quiz_very_severe_choice_matches_the_science():
    got = science.aplastic_anemia_severity(
        cellularity_pct=15, neutrophils=0.15, platelets=30, reticulocytes=10
    )
    right = next(c for c in _quiz("q-very-severe")["choices"] if c["correct"])
    assert right["text"].lower() == got


def test_quiz_three_siblings_matches_the_explorer():
    explorer = aplastic.DonorExplorer(n_siblings=3)
    question = _quiz("q-three-siblings")
    shown = float(explorer.trace("this family")["text"][0].rstrip(" %"))
    assert abs(shown - question["answer"]) <= question["tolerance"]


@pytest.mark.parametrize(
    ("question_id", "settings_"),
    [
        ("q-poor-harvest", {"scenario": "Sibling marrow, few cells (1.5)"}),
        ("q-double-dose", {"graft_source": "bone_marrow", "dose": 7.4}),
    ],
)
def test_quiz_engraftment_days_match_the_explorer(question_id, settings_):
    explorer = aplastic.EngraftmentExplorer()
    if "scenario" in settings_:
        assert settings_["scenario"] in _quiz(question_id)["question"]
        explorer.apply_scenario(settings_["scenario"])
    else:
        explorer.set(**settings_)
    assert explorer.trace("engraftment day (model)")["x"][0] == _quiz(question_id)["answer"]
    assert f"from day {_quiz(question_id)['answer']}" in explorer.readout_text


# -- what the notebook prints ----------------------------------------------------------------


def test_print_engraftment_by_source(capsys):
    aplastic.print_engraftment_by_source()
    lines = capsys.readouterr().out.splitlines()
    assert lines[1] == (
        "Bone marrow (sibling donor): 3.7 x10^6 CD34+/kg -> model day 19; "
        "published median day 19 (Champlin 2000)"
    )
    assert lines[2] == (
        "Double cord blood: 0.4 x10^6 CD34+/kg -> model day 23; "
        "published median day 23 (Barker 2005)"
    )
    assert lines[3].startswith("Haploidentical marrow: 3.7 x10^6 CD34+/kg (assumed) -> ")
    assert [int(line.split("model day ")[1].split(";")[0]) for line in lines] == [14, 19, 23, 24]
    assert [science.engraftment_day(s) for s in GRAFT_SOURCES] == [14, 19, 23, 24]


def test_notebook_kept_outputs_are_the_lessons_results():
    nb = json.loads((LESSONS / f"{aplastic.LESSON}.ipynb").read_text(encoding="utf-8"))
    kept = [c for c in nb["cells"] if c["metadata"].get("keep_output")]
    assert 2 <= len(kept) <= 4
    text = "\n".join("".join(o.get("text", "")) for c in kept for o in c["outputs"])
    assert "Maya: severe" in text and "3 sibling(s): 58 %" in text
    assert "model day 23; published median day 23 (Barker 2005)" in text


@given(
    cellularity=st.integers(0, 100),
    anc=st.sampled_from([0.0, 0.1, 0.2, 0.45, 0.5, 1.0, 5.0]),
    plt=st.integers(0, 400),
    retic=st.integers(0, 200),
    residual_known=st.booleans(),
    residual=st.integers(0, 100),
    threshold=st.sampled_from([20.0, 60.0]),
)
@settings(max_examples=80)
def test_a_filled_marker_left_of_the_line_means_met(
    cellularity, anc, plt, retic, residual_known, residual, threshold
):
    explorer = aplastic.SeverityExplorer(
        cellularity_pct=cellularity,
        neutrophils=anc,
        platelets=plt,
        reticulocytes=retic,
        residual_known=residual_known,
        residual_pct=residual,
        reticulocyte_threshold=threshold,
    )
    markers = explorer.trace(PATIENT)
    for x, symbol in zip(markers["x"], markers["marker"]["symbol"], strict=True):
        assert (x < 100) == (symbol == "circle")
