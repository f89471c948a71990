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


def _quiz(question_id):
    return next(q for q in lesson_data(aplastic.LESSON)["quiz"] if q["id"] == question_id)


def _layout(explorer):
    return explorer.figure.to_plotly_json()["layout"]


def test_the_lesson_declares_its_three_explorers():
    assert explorers_for(aplastic.LESSON) == EXPLORERS
    for cls in EXPLORERS:
        assert cls.caption and cls.sources is not None
        assert "main-control" in cls().main._dom_classes
    assert "teaching model" in aplastic.EngraftmentExplorer.caption.lower()
    assert "assumed" in aplastic.EngraftmentExplorer.caption


@pytest.mark.parametrize("cls", EXPLORERS)
def test_every_preset_and_reset(cls):
    explorer = cls()
    start = explorer.readout_text
    start_data = [list(trace.y) for trace in explorer.figure.data if trace.y is not None]
    for name in explorer.panel.presets:
        explorer.panel.apply_preset(name)
        assert explorer.panel.preset_menu.value == name
        assert "Cannot show" not in explorer.readout_text, name
    explorer.panel.reset()
    assert explorer.readout_text == start
    assert [list(t.y) for t in explorer.figure.data if t.y is not None] == start_data


# -- severity ------------------------------------------------------------------------------


def test_severity_explorer_moves_with_the_neutrophils():
    explorer = aplastic.SeverityExplorer()
    assert explorer.readout_text.startswith("Severity: severe.")
    assert "SEVERE" in explorer.figure.data[2].text[0]
    markers = explorer.figure.data[1]
    assert list(markers.marker.symbol)[4] == "circle-open"  # neutrophils not < 0.2
    layout = _layout(explorer)
    explorer.main.value = 0.1
    assert explorer.readout_text.startswith("Severity: very severe.")
    assert list(markers.marker.symbol)[4] == "circle"
    assert markers.x[1] == pytest.approx(100 * 0.1 / 0.5)
    assert "VERY SEVERE" in explorer.figure.data[2].text[0]
    assert _layout(explorer) == layout  # updated in place: no relayout


def test_severity_explorer_threshold_and_residual_rule():
    explorer = aplastic.SeverityExplorer()
    explorer.panel.apply_preset("Non-severe: only the platelets are low")
    assert explorer.readout_text.startswith("Severity: non-severe.")
    explorer.set(reticulocyte_threshold=60.0)
    assert explorer.readout_text.startswith("Severity: severe.")
    explorer.set(cellularity_pct=40)
    assert explorer.readout_text.startswith("Severity: non-severe.")
    explorer.set(residual_known=True, residual_pct=20)
    assert explorer.readout_text.startswith("Severity: severe.")


def test_severity_zero_counts_stay_on_the_log_axis():
    explorer = aplastic.SeverityExplorer(neutrophils=0, platelets=0, reticulocytes=0)
    assert min(explorer.figure.data[1].x) >= 1
    assert explorer.readout_text.startswith("Severity: very severe.")


# -- engraftment ---------------------------------------------------------------------------


def test_engraftment_explorer_draws_the_model_counts():
    explorer = aplastic.EngraftmentExplorer()
    counts = science.simulate_blood_counts("bone_marrow")
    neutrophils, platelets = explorer.figure.data[1], explorer.figure.data[5]
    assert len(neutrophils.y) == 61 and len(platelets.y) == 61
    assert np.allclose(neutrophils.y, counts.neutrophils_per_ul)
    assert list(explorer.figure.data[4].x) == [19]
    assert list(explorer.figure.data[3].x) == [19]  # the published median (Champlin 2000)
    assert "from day 19 (published median day 19, Champlin 2000)" in explorer.readout_text
    assert "Teaching model" in explorer.readout_text


def test_dose_slider_updates_in_place_without_relayout():
    explorer = aplastic.EngraftmentExplorer()
    layout = _layout(explorer)
    before = list(explorer.figure.data[1].y)
    explorer.main.value = 7.4
    assert list(explorer.figure.data[1].y) != before
    assert list(explorer.figure.data[4].x) == [18]
    counts = science.simulate_blood_counts("bone_marrow", 7.4)
    assert explorer.figure.data[4].y[0] == pytest.approx(counts.neutrophils_per_ul[18])
    assert list(explorer.figure.data[7].x) == [counts.platelet_recovery_day]
    assert explorer.figure.data[7].y[0] == pytest.approx(
        counts.platelets_per_nl[counts.platelet_recovery_day]
    )
    assert "from day 18" in explorer.readout_text
    assert _layout(explorer) == layout
    explorer.main.value = 1.5
    assert list(explorer.figure.data[4].x) == [21]
    assert "Low dose" in explorer.readout_text and "Bittencourt 2002" in explorer.readout_text
    shaded = explorer.figure.data[0]
    assert max(shaded.x) == 21


@pytest.mark.parametrize("source", GRAFT_SOURCES)
def test_switching_the_graft_moves_the_dose_range_and_typical_dose(source):
    explorer = aplastic.EngraftmentExplorer()
    explorer.panel.controls["graft_source"].value = source
    dose = science.GRAFT_CD34_DOSES[source]
    assert (explorer.main.min, explorer.main.max) == (dose.minimum, dose.maximum)
    assert explorer.main.value == pytest.approx(dose.typical)
    median = NEUTROPHIL_RECOVERY_MEDIAN_DAYS[source].value
    assert list(explorer.figure.data[4].x) == [median]
    assert list(explorer.figure.data[3].x) == [median]
    explorer.main.value = dose.minimum
    assert "Low dose" in explorer.readout_text


def test_a_preset_dose_is_checked_against_its_own_graft():
    explorer = aplastic.EngraftmentExplorer()
    explorer.panel.apply_preset("Double cord blood, small units (0.1, below 0.17)")
    assert explorer.main.value == pytest.approx(0.1)
    assert explorer.main.max == 1.7
    with pytest.raises(ValueError, match=r"dose must be in \[0\.1, 1\.7\]"):
        explorer.set(graft_source="double_cord_blood", dose=3.7)
    with pytest.raises(ValueError, match=r"dose must be in \[1\.6, 15\]"):
        explorer.set(dose=0.5, graft_source="peripheral_blood")
    explorer.set(graft_source="peripheral_blood", dose=12.0)
    assert "from day 13" in explorer.readout_text


def test_the_caption_gives_each_typical_dose_and_says_which_are_assumed():
    caption = aplastic.EngraftmentExplorer.caption
    cited, assumed_part = caption.split("<i>assumed</i>")
    for source, g in science.GRAFT_CD34_DOSES.items():
        assert f"{g.typical:g} ×10⁶/kg" in caption, source
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


def test_presets_at_a_typical_dose_say_whether_it_is_published():
    for name, values in aplastic.EngraftmentExplorer().presets().items():
        g = science.GRAFT_CD34_DOSES[values["graft_source"]]
        assert g.minimum <= values["dose"] <= g.maximum, name
        if values["dose"] == g.typical:
            assert f"({g.typical:g}" in name
            assert ("assumed" in name) == g.typical_is_assumed, name


@settings(max_examples=60)
@given(data=st.data(), source=st.sampled_from(GRAFT_SOURCES))
def test_any_slider_position_draws_finite_curves(data, source):
    info = science.GRAFT_CD34_DOSES[source]
    steps = round((info.maximum - info.minimum) / info.step)
    dose = round(info.minimum + data.draw(st.integers(0, steps)) * info.step, 6)
    explorer = aplastic.EngraftmentExplorer(graft_source=source, dose=dose)
    assert np.isfinite(explorer.figure.data[1].y).all()
    assert "Cannot show" not in explorer.readout_text
    assert explorer.state["counts"].engraftment_day is not None


# -- donor ---------------------------------------------------------------------------------


def test_donor_explorer_follows_the_number_of_siblings():
    explorer = aplastic.DonorExplorer()
    layout = _layout(explorer)
    explorer.main.value = 3
    marker = explorer.figure.data[1]
    assert list(marker.x) == [3] and marker.y[0] == pytest.approx(57.8125)
    assert list(marker.text) == ["58 %"]
    assert "is 58 %" in explorer.readout_text and "Gragert 2014" in explorer.readout_text
    explorer.main.value = 0
    assert "no chance of a matched sibling" in explorer.readout_text
    assert _layout(explorer) == layout
    bars = explorer.figure.data[2]
    assert list(bars.y) == [75, 52, 41, 37, 33, 20]


# -- the quiz's numeric answers are what the explorers show --------------------------------


def test_quiz_maya_criteria_matches_the_explorer():
    explorer = aplastic.SeverityExplorer()
    explorer.panel.apply_preset("Maya at diagnosis (severe)")
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
    shown = float(explorer.figure.data[1].text[0].rstrip(" %"))
    assert abs(shown - question["answer"]) <= question["tolerance"]


@pytest.mark.parametrize(
    ("question_id", "settings_"),
    [
        ("q-poor-harvest", {"preset": "Sibling marrow, poor harvest (1.5, below 3)"}),
        ("q-double-dose", {"graft_source": "bone_marrow", "dose": 7.4}),
    ],
)
def test_quiz_engraftment_days_match_the_explorer(question_id, settings_):
    explorer = aplastic.EngraftmentExplorer()
    if "preset" in settings_:
        explorer.panel.apply_preset(settings_["preset"])
    else:
        explorer.set(**settings_)
    assert explorer.figure.data[4].x[0] == _quiz(question_id)["answer"]
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
    assert aplastic.engraftment_days_by_source() == dict(
        zip(GRAFT_SOURCES, [14, 19, 23, 24], strict=True)
    )


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
    markers = explorer.figure.data[1]
    for x, symbol in zip(markers.x, markers.marker.symbol, strict=True):
        assert (x < 100) == (symbol == "circle")
