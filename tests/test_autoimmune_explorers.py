"""Lesson 02's explorers, driven headlessly: controls move the figure and the readout."""

from __future__ import annotations

import json

import numpy as np
import plotly.graph_objects as go
import pytest

from widgets import autoimmune, science
from widgets.ui.assets import lesson_data
from widgets.ui.controls import Slider
from widgets.ui.explorer import explorers_for
from widgets.ui.tables import SIGNIFICANT

#: The figure holds numbers to SIGNIFICANT digits (what the page receives): at most this
#: relative difference from the science's floats.
ROUNDING = 0.5 * 10.0 ** (1 - SIGNIFICANT)
EXPLORERS = [autoimmune.ResetExplorer, autoimmune.TrialsExplorer, autoimmune.EarlyRiskExplorer]


def _data(explorer) -> str:
    return json.dumps(explorer.figure["data"])


def _layout(explorer) -> str:
    return json.dumps(explorer.figure["layout"])


def _main(explorer) -> Slider:
    return explorer.controls_by_name[explorer.main_name]


def test_the_lesson_registers_its_three_explorers():
    assert explorers_for(autoimmune.LESSON) == EXPLORERS


@pytest.mark.parametrize("cls", EXPLORERS, ids=lambda c: c.explorer_id)
def test_declarations(cls):
    explorer = cls()
    assert isinstance(_main(explorer), Slider), "the main control is a slider"
    for control in cls.controls:
        assert control.label.strip(), "every control has a visible label"
        if isinstance(control, Slider):
            assert control.unit.strip(), f"{control.name} states its unit"
    assert len(cls.caption.split()) <= 60 and cls.about.strip()
    layout = explorer.figure["layout"]
    assert layout["title"]["text"]
    assert layout["xaxis"]["title"]["text"]
    assert "width" not in layout and layout["height"] <= 440, "the figure fits its column"
    assert set(cls.sources) <= set(lesson_data(autoimmune.LESSON)["references"])
    assert len(explorer.scenarios) >= 3
    assert all(len(name) <= 34 for name in explorer.scenarios), "names fit the menu"
    names = [trace["name"] for trace in explorer.figure["data"]]
    assert len(set(names)) == len(names) and all(names), "every trace has its own name"
    for trace in explorer.figure["data"]:
        assert len(trace.get("x", [])) <= 300, "modest point counts"


@pytest.mark.parametrize("cls", EXPLORERS, ids=lambda c: c.explorer_id)
def test_every_scenario_and_the_defaults_draw_a_valid_figure(cls):
    explorer = cls()
    go.Figure(explorer.figure)
    for name in explorer.scenarios:
        explorer.apply_scenario(name)
        assert explorer.scenario == name
        go.Figure(explorer.figure)


@pytest.mark.parametrize("cls", EXPLORERS, ids=lambda c: c.explorer_id)
def test_a_step_of_the_main_control_changes_the_data_not_the_layout(cls):
    explorer = cls()
    before_data, before_layout, before_text = (
        _data(explorer),
        _layout(explorer),
        explorer.readout_text,
    )
    main = _main(explorer)
    value = explorer.values[main.name]
    explorer.set(**{main.name: value - main.step if value - main.step >= main.min else value + 1})
    assert _data(explorer) != before_data
    assert _layout(explorer) == before_layout, "no relayout on a step"
    assert explorer.readout_text != before_text
    assert "Cannot show" not in explorer.readout_text
    # what the page receives is plain JSON, the same figure the kernel holds
    assert json.loads(json.dumps(explorer.figure)) == explorer.figure
    assert explorer.render(explorer.values)["figure"] == explorer.figure


@pytest.mark.parametrize("cls", EXPLORERS, ids=lambda c: c.explorer_id)
def test_scenarios_and_reset(cls):
    explorer = cls()
    start_data, start_text = _data(explorer), explorer.readout_text
    texts = set()
    for name in explorer.scenarios:
        explorer.apply_scenario(name)
        assert explorer.scenario == name
        assert "Cannot show" not in explorer.readout_text
        texts.add(explorer.readout_text)
    assert len(texts) >= 3, "the scenarios show different cases"
    explorer.reset()
    assert explorer.readout_text == start_text
    assert _data(explorer) == start_data


@pytest.mark.parametrize("cls", EXPLORERS, ids=lambda c: c.explorer_id)
def test_an_out_of_range_control_names_it(cls):
    explorer = cls()
    main = _main(explorer)
    with pytest.raises(ValueError, match=rf"^{main.name} must be"):
        explorer.set(**{main.name: main.max + 1000})


# -- the reset ---------------------------------------------------------------------------------


def test_reset_explorer_shows_the_teaching_model():
    explorer = autoimmune.ResetExplorer()
    assert "teaching model" in explorer.caption.lower() and "assumed" in explorer.about.lower()
    assert "teaching model" in explorer.readout_text.lower()
    assert "stay below the disease level" in explorer.readout_text
    course = science.reset_course()
    np.testing.assert_allclose(
        explorer.trace("new naive T-cell repertoire")["y"], course.naive, rtol=ROUNDING
    )
    np.testing.assert_allclose(
        explorer.trace("self-reactive memory cells")["y"], course.memory, rtol=ROUNDING
    )
    anchor = explorer.trace("published anchor")
    assert explorer.trace("disease returns")["x"] == []
    assert anchor["x"] == [24] and anchor["y"] == [2.0]


def test_reset_explorer_marks_the_rebound():
    explorer = autoimmune.ResetExplorer()
    explorer.set(intensity_pct=80.0)
    assert explorer.trace("disease returns")["x"][0] == pytest.approx(7.1, abs=0.05)
    assert "month 7.1" in explorer.readout_text
    regulatory_before = np.array(explorer.trace("regulatory cells")["y"])
    explorer.set(intensity_pct=95.0, age_years=60)
    assert explorer.trace("disease returns")["x"][0] == pytest.approx(18.0, abs=0.05)
    assert "month 18.0" in explorer.readout_text
    regulatory = explorer.trace("regulatory cells")["y"]
    assert not np.allclose(regulatory, regulatory_before), "age moves regulation"
    explorer.set(intensity_pct=50.0, age_years=36)
    assert "never switches the disease off" in explorer.readout_text


def test_reset_explorer_changes_only_what_the_intensity_moves():
    explorer = autoimmune.ResetExplorer()
    regulatory = explorer.trace("regulatory cells")
    explorer.set(intensity_pct=90.0)
    assert explorer.trace("regulatory cells") == regulatory, "regulation ignores intensity"


# -- the trials ------------------------------------------------------------------------------


def test_trials_explorer_starts_on_mist_as_published():
    explorer = autoimmune.TrialsExplorer()
    published = explorer.trace("as published")
    low, high = science.proportion_ci(3, 55)
    assert published["x"][0] == pytest.approx(100 * 3 / 55, rel=ROUNDING)
    assert published["error_x"]["arrayminus"][0] == pytest.approx(
        100 * (3 / 55 - low), rel=ROUNDING
    )
    assert published["error_x"]["array"][0] == pytest.approx(100 * (high - 3 / 55), rel=ROUNDING)
    assert "3/55 = 5.5 % (95 % CI 1.9–14.9 %)" in explorer.readout_text
    assert "34/55 = 61.8 % (95 % CI 48.6–73.5 %)" in explorer.readout_text
    assert "do not overlap" in explorer.readout_text


def _width(trace: dict) -> float:
    return trace["error_x"]["array"][0] + trace["error_x"]["arrayminus"][0]


def test_more_patients_narrow_the_interval_at_the_same_proportion():
    explorer = autoimmune.TrialsExplorer()
    width_55 = _width(explorer.trace("your number of patients"))
    explorer.set(patients=550)
    scaled = explorer.trace("your number of patients")
    assert _width(scaled) < width_55 / 2.5
    assert scaled["text"] == ["30/550", "340/550"]
    explorer.set(patients=10)
    assert "the intervals overlap" in explorer.readout_text


def test_a_single_arm_study_shows_one_interval():
    explorer = autoimmune.TrialsExplorer()
    explorer.apply_scenario("Lupus study as published (50)")
    published, scaled = explorer.trace("as published"), explorer.trace("your number of patients")
    assert len(published["x"]) == len(scaled["x"]) == 1
    assert "1/50 = 2.0 % (95 % CI 0.4–10.5 %)" in explorer.readout_text
    assert "overlap" not in explorer.readout_text


# -- early risk, later benefit ---------------------------------------------------------------


def test_early_risk_explorer_marks_the_crossing():
    explorer = autoimmune.EarlyRiskExplorer()
    curves = science.astis_cumulative_events(72)
    transplant = explorer.trace("transplant (HSCT)")["y"]
    np.testing.assert_allclose(transplant, curves.transplant_pct, rtol=ROUNDING)
    comparator = explorer.trace("cyclophosphamide")["y"]
    np.testing.assert_allclose(comparator, curves.comparator_pct, rtol=ROUNDING)
    assert explorer.trace("model: curves cross")["x"][0] == pytest.approx(20.6, abs=0.05)
    assert "cross at month 20.6" in explorer.readout_text


def test_the_first_year_shows_only_the_early_risk():
    explorer = autoimmune.EarlyRiskExplorer()
    explorer.set(horizon_months=12)
    assert explorer.trace("model: curves cross")["x"] == [], "no crossing within 12 months"
    assert "so far the transplant arm is behind" in explorer.readout_text
    assert "10.5 % of transplant patients and 7.7 % on cyclophosphamide" in explorer.readout_text


def test_the_comparator_rate_moves_the_curves_but_not_the_crossing():
    explorer = autoimmune.EarlyRiskExplorer()
    before = explorer.trace("transplant (HSCT)")["y"]
    crossing = explorer.trace("model: curves cross")["x"][0]
    explorer.set(comparator_rate=15)
    assert explorer.trace("transplant (HSCT)")["y"] != before
    assert explorer.trace("model: curves cross")["x"][0] == crossing


def test_deaths_only_uses_its_own_hazard_ratios():
    explorer = autoimmune.EarlyRiskExplorer()
    hr_before = explorer.trace("hazard ratio, joined (assumed)")["y"]
    explorer.apply_scenario("10 years, deaths only")
    # the comparator matches 73 % of ASTIS-eligible patients alive at 10 years (Spierings 2022)
    surviving = science.ASTIS_ELIGIBLE_SURVIVAL_10_YEARS.value
    rate = science.constant_rate_per_100_patient_years(surviving, 10.0)
    assert explorer.values["comparator_rate"] == round(rate)
    assert explorer.trace("hazard ratio, joined (assumed)")["y"] != hr_before
    assert explorer.trace("model: curves cross")["x"][0] == pytest.approx(23.4, abs=0.05)
    assert "death from any cause" in explorer.readout_text
    published = explorer.trace("hazard ratio published (ASTIS)")
    assert published["y"] == [2.40, 1.50, 0.48, 0.29, 0.29]


# -- printed results -----------------------------------------------------------------------


def test_printed_results(capsys):
    autoimmune.print_trial_intervals()
    autoimmune.print_reset_summary()
    out = capsys.readouterr().out
    assert "3/55 = 5.5 % (95 % CI 1.9–14.9 %)" in out
    assert "80 % of memory cells destroyed, age 36: rebound at month 7.1" in out
    assert "-0.0" not in out
    assert round(science.astis_crossing_month("event_free"), 1) == 20.6
