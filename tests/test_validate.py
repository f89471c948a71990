"""Input checks: a ValueError that names the field and its allowed range or values."""

from __future__ import annotations

import math

import pytest

from widgets.science import check_choice, check_count, check_flag, check_fraction, check_range


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (-1, r"cellularity must be in \[0, 100\] %; got -1"),
        (100.5, r"cellularity must be in \[0, 100\] %; got 100.5"),
        (math.nan, "finite"),
        (math.inf, "finite"),
        ("50", "must be a number"),
        (True, "must be a number"),
    ],
)
def test_check_range_rejects(value, message):
    with pytest.raises(ValueError, match=message):
        check_range("cellularity", value, 0, 100, unit="%")


def test_check_range_accepts_the_bounds_and_open_bounds_exclude_them():
    assert check_range("x", 0, 0, 100) == 0.0
    assert check_range("x", 100, 0, 100) == 100.0
    with pytest.raises(ValueError, match=r"x must be in \(0, 1\)"):
        check_range("x", 0, 0, 1, low_open=True, high_open=True)
    with pytest.raises(ValueError, match=">= 0"):
        check_range("x", -0.1, 0)


def test_check_fraction():
    assert check_fraction("share", 0.25) == 0.25
    with pytest.raises(ValueError, match=r"share must be in \[0, 1\]"):
        check_fraction("share", 1.5)


@pytest.mark.parametrize("bad", [-1, 2.5, True, "3", math.nan])
def test_check_count_rejects(bad):
    with pytest.raises(ValueError, match="n_siblings must be a whole number from 0"):
        check_count("n_siblings", bad)


def test_check_count_accepts_whole_floats_and_caps():
    assert check_count("n", 3.0) == 3
    with pytest.raises(ValueError, match="from 0 to 10"):
        check_count("n", 11, high=10)


def test_check_choice_lists_the_allowed_values():
    with pytest.raises(ValueError, match="graft_source must be one of 'a', 'b'; got 'c'"):
        check_choice("graft_source", "c", ["a", "b"])
    assert check_choice("graft_source", "a", ["a", "b"]) == "a"


def test_check_flag():
    assert check_flag("matched_donor", False) is False
    with pytest.raises(ValueError, match="matched_donor must be True or False"):
        check_flag("matched_donor", 1)
