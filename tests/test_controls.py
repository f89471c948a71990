"""Control panels: labelled sliders, presets checked up front, one callback per change, Reset."""

from __future__ import annotations

import pytest

from widgets.ui.controls import CUSTOM, ControlPanel, choice, slider, toggle


def make_panel(calls: list[int], **kwargs):
    controls = {
        "dose": slider("CD34+ dose", "10⁶/kg", min=1, max=10, step=0.5, value=5),
        "source": choice("Graft", [("Marrow", "bm"), ("Blood", "pb")], "bm"),
        "donor": toggle("Donor", [("Yes", True), ("No", False)], True),
    }
    return ControlPanel(controls, on_change=lambda: calls.append(1), **kwargs)


def test_slider_label_carries_the_unit_and_rejects_a_start_outside_its_range():
    assert slider("Platelets", "×10⁹/L", min=0, max=100, step=1, value=20).description == (
        "Platelets (×10⁹/L)"
    )
    with pytest.raises(ValueError, match=r"Platelets must start in \[0, 100\]"):
        slider("Platelets", "×10⁹/L", min=0, max=100, step=1, value=200)


def test_a_learner_move_calls_back_once():
    calls: list[int] = []
    panel = make_panel(calls)
    panel.controls["dose"].value = 6
    assert calls == [1]
    assert panel.values() == {"dose": 6, "source": "bm", "donor": True}


def test_set_values_checks_then_calls_back_once():
    calls: list[int] = []
    panel = make_panel(calls)
    panel.set_values({"dose": 2, "source": "pb"})
    assert calls == [1]
    with pytest.raises(ValueError, match=r"dose must be in \[1, 10\]; got 50"):
        panel.set_values({"dose": 50})
    with pytest.raises(ValueError, match="source must be one of 'bm', 'pb'"):
        panel.set_values({"source": "cord"})
    with pytest.raises(ValueError, match="unknown control 'age'"):
        panel.set_values({"age": 3})
    assert panel.values()["dose"] == 2  # a refused change leaves the panel as it was


def test_a_bad_preset_is_refused_when_the_panel_is_built():
    with pytest.raises(ValueError, match=r"preset 'Huge dose': dose must be in \[1, 10\]"):
        make_panel([], presets={"Huge dose": {"dose": 99}})


def test_presets_and_reset():
    calls: list[int] = []
    panel = make_panel(calls, presets={"Blood graft, high dose": {"source": "pb", "dose": 8}})
    panel.preset_menu.value = "Blood graft, high dose"
    assert panel.values() == {"dose": 8, "source": "pb", "donor": True}
    assert calls == [1]
    panel.controls["dose"].value = 7  # a learner's own change shows as Custom
    assert panel.preset_menu.value == CUSTOM
    panel.reset_button.click()
    assert panel.values() == {"dose": 5, "source": "bm", "donor": True}
    assert len(calls) == 3


def test_a_linked_slider_takes_the_range_of_its_leaders_value():
    from widgets.ui.controls import SliderRange

    ranges = {
        "bm": SliderRange(1, 10, 0.5, 4, "10⁶/kg", "marrow"),
        "cord": SliderRange(0.05, 0.5, 0.01, 0.2, "10⁶/kg", "cord blood"),
    }
    calls: list[int] = []
    panel = ControlPanel(
        {
            "source": choice("Graft", [("Marrow", "bm"), ("Cord", "cord")], "bm"),
            "dose": slider("Dose", "10⁶/kg", min=1, max=10, step=0.5, value=4),
        },
        presets={"Cord blood, small unit": {"source": "cord", "dose": 0.1}},
        on_change=lambda: calls.append(1),
        linked_ranges={"dose": ("source", ranges.__getitem__)},
    )
    panel.controls["source"].value = "cord"  # a learner switches the graft
    dose = panel.controls["dose"]
    assert (dose.min, dose.max, dose.value) == (0.05, 0.5, 0.2)
    assert calls == [1]
    panel.apply_preset("Cord blood, small unit")
    assert panel.values() == {"source": "cord", "dose": 0.1}
    panel.set_values({"source": "bm", "dose": 7})  # leader first, then the dose in its range
    assert (dose.min, dose.max, dose.value) == (1, 10, 7)
    with pytest.raises(ValueError, match=r"dose must be in \[0\.05, 0\.5\] 10⁶/kg for cord blood"):
        panel.set_values({"source": "cord", "dose": 3})
    with pytest.raises(ValueError, match=r"preset 'Bad': dose must be in \[1, 10\]"):
        ControlPanel(
            {
                "source": panel.controls["source"],
                "dose": slider("Dose", "", min=1, max=10, step=1, value=4),
            },
            presets={"Bad": {"source": "bm", "dose": 0.1}},
            on_change=lambda: None,
            linked_ranges={"dose": ("source", ranges.__getitem__)},
        )
