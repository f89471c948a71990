"""Lesson 02's explorers, driven headlessly: controls move the figure and the readout."""

from __future__ import annotations

import json

import numpy as np
import pytest

from widgets import autoimmune, science
from widgets.ui.assets import lesson_data
from widgets.ui.explorer import explorers_for

EXPLORERS = [autoimmune.ResetExplorer, autoimmune.TrialsExplorer, autoimmune.EarlyRiskExplorer]


def _data(explorer) -> str:
    return json.dumps(explorer.figure.to_plotly_json()["data"], default=str)


def _layout(explorer) -> str:
    return json.dumps(explorer.figure.to_plotly_json()["layout"], default=str)


def test_the_lesson_registers_its_three_explorers():
    assert explorers_for(autoimmune.LESSON) == EXPLORERS


@pytest.mark.parametrize("cls", EXPLORERS, ids=lambda c: c.explorer_id)
def test_declarations(cls):
    explorer = cls()
    main = explorer.main
    assert main.__class__.__name__ in {"FloatSlider", "IntSlider"}, "the main control is a slider"
    for control in explorer.panel.controls.values():
        assert control.description.strip(), "every control has a visible label"
    for name in ("intensity_pct", "age_years", "patients", "horizon_months", "comparator_rate"):
        if name in explorer.panel.controls:
            assert "(" in explorer.panel.controls[name].description, f"{name} states its unit"
    assert explorer.figure.layout.title.text
    assert explorer.figure.layout.xaxis.title.text or explorer.figure.layout.xaxis2.title.text
    assert set(cls.sources) <= set(lesson_data(autoimmune.LESSON)["references"])
    assert len(explorer.panel.presets) >= 3
    for trace in explorer.figure.data:
        assert trace.x is None or len(trace.x) <= 300, "modest point counts"


@pytest.mark.parametrize("cls", EXPLORERS, ids=lambda c: c.explorer_id)
def test_a_step_of_the_main_control_updates_in_place_without_relayout(cls):
    explorer = cls()
    figure = explorer.figure
    before_data, before_layout, before_text = (
        _data(explorer),
        _layout(explorer),
        explorer.readout_text,
    )
    main = explorer.main
    main.value = main.value - main.step if main.value - main.step >= main.min else main.value + 1
    assert explorer.figure is figure, "the same figure, updated in place"
    assert _data(explorer) != before_data
    assert _layout(explorer) == before_layout, "no relayout on a step"
    assert explorer.readout_text != before_text
    assert "Cannot show" not in explorer.readout_text
    # what a view created later receives
    synced = json.dumps(explorer.figure._widget_data, default=str)
    assert synced == json.dumps(explorer.figure._data, default=str)


@pytest.mark.parametrize("cls", EXPLORERS, ids=lambda c: c.explorer_id)
def test_presets_and_reset(cls):
    explorer = cls()
    start_data, start_text = _data(explorer), explorer.readout_text
    texts = set()
    for name in explorer.panel.presets:
        explorer.panel.apply_preset(name)
        assert explorer.panel.preset_menu.value == name
        assert "Cannot show" not in explorer.readout_text
        texts.add(explorer.readout_text)
    assert len(texts) >= 3, "the presets show different scenarios"
    explorer.panel.reset()
    assert explorer.readout_text == start_text
    assert _data(explorer) == start_data


@pytest.mark.parametrize("cls", EXPLORERS, ids=lambda c: c.explorer_id)
def test_an_out_of_range_control_names_it(cls):
    explorer = cls()
    with pytest.raises(ValueError, match=rf"^{explorer.main_control} must be"):
        explorer.set(**{explorer.main_control: explorer.main.max + 1000})


# -- the reset ---------------------------------------------------------------------------------


def test_reset_explorer_shows_the_teaching_model():
    explorer = autoimmune.ResetExplorer()
    assert "teaching model" in explorer.caption.lower() and "assumed" in explorer.caption.lower()
    assert "teaching model" in explorer.readout_text.lower()
    assert "stay below the disease level" in explorer.readout_text
    naive, memory, _, _, _, rebound, anchor = explorer.figure.data
    course = science.reset_course()
    np.testing.assert_allclose(naive.y, course.naive)
    np.testing.assert_allclose(memory.y, course.memory)
    assert list(rebound.x) == [] and list(anchor.x) == [24] and list(anchor.y) == [2.0]


def test_reset_explorer_marks_the_rebound():
    explorer = autoimmune.ResetExplorer()
    explorer.main.value = 80.0
    rebound = explorer.figure.data[5]
    assert rebound.x[0] == pytest.approx(7.1, abs=0.05)
    assert "month 7.1" in explorer.readout_text
    regulatory_before = np.array(explorer.figure.data[2].y)
    explorer.set(intensity_pct=95.0, age_years=60)
    assert explorer.figure.data[5].x[0] == pytest.approx(18.0, abs=0.05)
    assert "month 18.0" in explorer.readout_text
    assert not np.allclose(explorer.figure.data[2].y, regulatory_before), "age moves regulation"
    explorer.set(intensity_pct=50.0, age_years=36)
    assert "never switches the disease off" in explorer.readout_text


def test_reset_explorer_changes_only_what_the_intensity_moves():
    explorer = autoimmune.ResetExplorer()
    regulatory = explorer.figure.data[2].y
    explorer.main.value = 90.0
    assert explorer.figure.data[2].y is regulatory, "regulatory cells do not depend on intensity"


# -- the trials ------------------------------------------------------------------------------


def test_trials_explorer_starts_on_mist_as_published():
    explorer = autoimmune.TrialsExplorer()
    published = explorer.figure.data[0]
    low, high = science.proportion_ci(3, 55)
    assert published.x[0] == pytest.approx(100 * 3 / 55)
    assert published.error_x.arrayminus[0] == pytest.approx(100 * (3 / 55 - low))
    assert published.error_x.array[0] == pytest.approx(100 * (high - 3 / 55))
    assert "3/55 = 5.5 % (95 % CI 1.9–14.9 %)" in explorer.readout_text
    assert "34/55 = 61.8 % (95 % CI 48.6–73.5 %)" in explorer.readout_text
    assert "do not overlap" in explorer.readout_text


def test_more_patients_narrow_the_interval_at_the_same_proportion():
    explorer = autoimmune.TrialsExplorer()
    scaled = explorer.figure.data[1]
    width_55 = scaled.error_x.array[0] + scaled.error_x.arrayminus[0]
    explorer.main.value = 550
    scaled = explorer.figure.data[1]
    width_550 = scaled.error_x.array[0] + scaled.error_x.arrayminus[0]
    assert width_550 < width_55 / 2.5
    assert list(scaled.text) == ["30/550", "340/550"]
    explorer.main.value = 10
    assert "the intervals overlap" in explorer.readout_text


def test_a_single_arm_study_shows_one_interval():
    explorer = autoimmune.TrialsExplorer()
    explorer.panel.apply_preset("Lupus study as published: 50 patients")
    published, scaled = explorer.figure.data
    assert len(published.x) == len(scaled.x) == 1
    assert "1/50 = 2.0 % (95 % CI 0.4–10.5 %)" in explorer.readout_text
    assert "overlap" not in explorer.readout_text


# -- early risk, later benefit ---------------------------------------------------------------


def test_early_risk_explorer_marks_the_crossing():
    explorer = autoimmune.EarlyRiskExplorer()
    transplant, comparator, cross, *_ = explorer.figure.data
    curves = science.astis_cumulative_events(72)
    np.testing.assert_allclose(transplant.y, curves.transplant_pct)
    np.testing.assert_allclose(comparator.y, curves.comparator_pct)
    assert cross.x[0] == pytest.approx(20.6, abs=0.05)
    assert "cross at month 20.6" in explorer.readout_text


def test_the_first_year_shows_only_the_early_risk():
    explorer = autoimmune.EarlyRiskExplorer()
    explorer.main.value = 12
    assert list(explorer.figure.data[2].x) == [], "no crossing within 12 months"
    assert "so far the transplant arm is behind" in explorer.readout_text
    assert "10.5 % of transplant patients and 7.7 % on cyclophosphamide" in explorer.readout_text


def test_the_comparator_rate_moves_the_curves_but_not_the_crossing():
    explorer = autoimmune.EarlyRiskExplorer()
    before = list(explorer.figure.data[0].y)
    crossing = explorer.figure.data[2].x[0]
    explorer.set(comparator_rate=15)
    assert list(explorer.figure.data[0].y) != before
    assert explorer.figure.data[2].x[0] == crossing


def test_deaths_only_uses_its_own_hazard_ratios():
    explorer = autoimmune.EarlyRiskExplorer()
    hr_before = list(explorer.figure.data[5].y)
    explorer.panel.apply_preset("Ten years, deaths only (comparator as in Spierings 2022)")
    assert list(explorer.figure.data[5].y) != hr_before
    assert explorer.figure.data[2].x[0] == pytest.approx(23.4, abs=0.05)
    assert "death from any cause" in explorer.readout_text
    assert list(explorer.figure.data[6].y) == [2.40, 1.50, 0.48, 0.29, 0.29]


# -- printed results -----------------------------------------------------------------------


def test_printed_results(capsys):
    autoimmune.print_trial_intervals()
    autoimmune.print_reset_summary()
    autoimmune.print_astis_crossings()
    out = capsys.readouterr().out
    assert "3/55 = 5.5 % (95 % CI 1.9–14.9 %)" in out
    assert "80 % of memory cells destroyed, age 36: rebound at month 7.1" in out
    assert "curves cross at month 20.6" in out and "-0.0" not in out
    table = autoimmune.reset_parameters()
    assert "assumed" in table.text and "Muraro 2005" in table.text
    assert "<table" in table._repr_html_()
