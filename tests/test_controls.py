"""Controls as data: ranges, grids, checks that name the control, linked ranges, shown values."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from widgets.ui.controls import Check, Menu, Range, Slider, check_values

DOSE = Slider(
    "dose",
    "Dose",
    "×10⁶/kg",
    1,
    5,
    0.1,
    3.7,
    ranges_by="graft",
    ranges={"marrow": Range(1, 5, 0.1, 3.7), "cord": Range(0.1, 1.7, 0.05, 0.4)},
)
GRAFT = Menu("graft", "Graft", [("Marrow", "marrow"), ("Cord blood", "cord")], "marrow")
CONTROLS = {
    "graft": GRAFT,
    "dose": DOSE,
    "n": Slider("n", "Siblings", "", 0, 10, 1, 2),
    "flag": Check("flag", "Known"),
    "level": Menu("level", "Level", [("20", 20.0), ("60", 60.0)], 20.0, buttons=True),
}
DEFAULTS = {name: c.value for name, c in CONTROLS.items()}


def test_a_slider_lists_its_grid_with_as_many_decimals_as_its_finest_step():
    n = CONTROLS["n"]
    assert n.settings({}) == list(range(11))
    assert all(isinstance(v, int) for v in n.settings({}))
    assert DOSE.decimals == 2  # the finest step of any of its ranges
    assert DOSE.settings({"graft": "cord"})[:3] == [0.1, 0.15, 0.2]
    assert DOSE.settings({"graft": "cord"})[-1] == 1.7
    assert DOSE.spec()["decimals"] == 2  # the page shows (and reads out) 0.15, unrounded


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"n": 11}, r"n must be a number in \[0, 10\]; got 11"),
        ({"n": float("nan")}, r"n must be a number in \[0, 10\]"),
        ({"n": True}, r"n must be a number"),
        ({"n": "3"}, r"n must be a number"),
        ({"flag": 1}, r"flag must be True or False; got 1"),
        ({"graft": None}, r"graft must be one of 'marrow', 'cord'; got None"),
        ({"level": True}, r"level must be one of 20.0, 60.0; got True"),
        ({"dose": 3.7, "graft": "cord"}, r"dose must be a number in \[0.1, 1.7\] ×10⁶/kg \(with"),
        ({"nothing": 1}, r"unknown control 'nothing'; the controls are graft, dose, n"),
    ],
)
def test_a_bad_value_is_refused_naming_the_control_and_what_it_allows(changes, message):
    with pytest.raises(ValueError, match=message):
        check_values(CONTROLS, DEFAULTS, changes)


def test_a_leader_moves_its_follower_to_the_new_range_in_one_step():
    values = check_values(CONTROLS, DEFAULTS, {"graft": "cord"})
    assert values["dose"] == 0.4
    values = check_values(CONTROLS, values, {"graft": "marrow", "dose": 2.0})
    assert values["dose"] == 2.0  # named together: checked against the new range
    assert check_values(CONTROLS, values, {"graft": "marrow"})["dose"] == 2.0  # no change


def test_values_land_on_the_grid_and_json_numbers_are_accepted():
    assert check_values(CONTROLS, DEFAULTS, {"dose": 3.74})["dose"] == 3.7
    assert check_values(CONTROLS, DEFAULTS, {"level": 60})["level"] == 60.0  # JSON's 60


def test_bad_declarations_are_refused():
    with pytest.raises(ValueError, match="range"):
        Slider("x", "X", "", 5, 1, 1, 2)
    with pytest.raises(ValueError, match="ranges_by and ranges go together"):
        Slider("x", "X", "", 0, 1, 0.5, 0, ranges_by="y")
    with pytest.raises(ValueError, match="x must start at one of"):
        Menu("x", "X", [("a", 1)], 2)


@given(st.floats(min_value=0, max_value=10, allow_nan=False))
def test_any_in_range_value_snaps_to_a_setting(value):
    snapped = check_values(CONTROLS, DEFAULTS, {"n": value})["n"]
    assert snapped in CONTROLS["n"].settings({})
