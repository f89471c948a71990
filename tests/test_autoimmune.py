"""Lesson 02's science: trial intervals, the reset teaching model, ASTIS's early risk."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from widgets import science
from widgets.science import autoimmune
from widgets.science.autoimmune import (
    ASTIS_HAZARD_RATIOS,
    AUTOIMMUNE_TRIAL_RESULTS,
    RESET_PARAMETERS,
    proportion_ci,
    reset_course,
)
from widgets.ui.assets import bibliography

# -- published values, row by row ------------------------------------------------------------

# (key, trial, transplant events, transplant patients, comparator events, comparator
#  patients, source)
TRIAL_ROWS = [
    ("mist_progression", "MIST", 3, 55, 34, 55, "burt2019"),
    ("astis_events", "ASTIS", 22, 79, 31, 77, "vanlaar2014"),
    ("astis_first_year_deaths", "ASTIS", 8, 79, 0, 77, "vanlaar2014"),
    ("lupus_treatment_deaths", "Northwestern lupus study", 1, 50, None, None, "burt2006"),
]


@pytest.mark.parametrize("row", TRIAL_ROWS, ids=lambda r: r[0])
def test_published_trial_counts(row):
    key, trial, t_events, t_patients, c_events, c_patients, source = row
    result = AUTOIMMUNE_TRIAL_RESULTS[key]
    assert result.trial == trial
    assert (result.transplant.events, result.transplant.patients) == (t_events, t_patients)
    if c_events is None:
        assert result.comparator is None
    else:
        assert (result.comparator.events, result.comparator.patients) == (c_events, c_patients)
    assert result.source == source


def test_the_published_table_has_no_unchecked_rows():
    assert sorted(AUTOIMMUNE_TRIAL_RESULTS) == sorted(row[0] for row in TRIAL_ROWS)


def test_astis_first_year_deaths_are_the_published_ten_percent():
    arm = AUTOIMMUNE_TRIAL_RESULTS["astis_first_year_deaths"].transplant
    assert round(100 * arm.proportion, 1) == 10.1


# (outcome, month, hazard ratio) from van Laar et al., JAMA 2014, Figure 2
HAZARD_RATIO_ROWS = [
    ("event_free", 3, 2.01),
    ("event_free", 6, 1.35),
    ("event_free", 12, 0.52),
    ("event_free", 24, 0.35),
    ("event_free", 36, 0.34),
    ("overall", 3, 2.40),
    ("overall", 6, 1.50),
    ("overall", 12, 0.48),
    ("overall", 24, 0.29),
    ("overall", 36, 0.29),
]


@pytest.mark.parametrize("outcome, month, ratio", HAZARD_RATIO_ROWS)
def test_astis_hazard_ratios_row_by_row(outcome, month, ratio):
    table = dict(ASTIS_HAZARD_RATIOS[outcome])
    assert table[month].value == ratio
    assert table[month].source == "vanlaar2014"
    assert science.astis_hazard_ratio(month, outcome) == pytest.approx(ratio)


def test_the_hazard_ratio_table_has_no_unchecked_rows():
    assert len(HAZARD_RATIO_ROWS) == sum(len(v) for v in ASTIS_HAZARD_RATIOS.values())


@pytest.mark.parametrize(
    "name, value, source",
    [
        ("thymic_lag_months", 6.0, "dumontgirard1998"),
        ("default_age_years", 36.0, "burt2019"),
        ("naive_fold_at_24_months", 2.0, "muraro2005"),
        ("naive_rate_per_month", None, "muraro2005"),
    ],
)
def test_sourced_reset_parameters(name, value, source):
    parameter = RESET_PARAMETERS[name]
    assert parameter.source == source and not parameter.assumed
    if value is not None:
        assert parameter.value == value


def test_every_reset_parameter_is_sourced_or_marked_assumed():
    keys = set(bibliography())
    for name, parameter in RESET_PARAMETERS.items():
        assert parameter.assumed or parameter.source in keys, name
        assert parameter.unit and parameter.meaning, name
        assert math.isfinite(parameter.value), name


def test_every_citation_key_of_the_module_resolves():
    keys = {r.source for r in AUTOIMMUNE_TRIAL_RESULTS.values()}
    keys |= {hr.source for pairs in ASTIS_HAZARD_RATIOS.values() for _, hr in pairs}
    keys |= {p.source for p in RESET_PARAMETERS.values() if not p.assumed}
    keys |= {
        autoimmune.ASTIS_CURVES_CROSS_MONTHS.source,
        autoimmune.ASTIS_ELIGIBLE_SURVIVAL_10_YEARS.source,
    }
    assert keys <= set(bibliography()), keys - set(bibliography())


def test_exported_through_the_science_package():
    for name in ("proportion_ci", "reset_course", "astis_cumulative_events", "trial_intervals"):
        assert getattr(science, name) is getattr(autoimmune, name)


# -- the Wilson score interval ---------------------------------------------------------------

# Newcombe RG, Stat Med 1998;17:857-872, Table II (method 3, Wilson score without
# continuity correction), 95 % intervals to 4 decimals.
NEWCOMBE_ROWS = [
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0000, 0.1611),
    (1, 29, 0.0061, 0.1718),
]


@pytest.mark.parametrize("k, n, low, high", NEWCOMBE_ROWS)
def test_wilson_interval_matches_newcombe(k, n, low, high):
    got = proportion_ci(k, n)
    assert got == pytest.approx((low, high), abs=5e-5)


def _wilson(k: int, n: int, z: float) -> tuple[float, float]:
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


@given(n=st.integers(1, 2000), data=st.data())
def test_wilson_interval_matches_the_formula(n, data):
    k = data.draw(st.integers(0, n))
    low, high = proportion_ci(k, n)
    expected = _wilson(k, n, 1.959963984540054)
    assert (low, high) == pytest.approx(expected, abs=1e-9)
    assert 0.0 <= low <= k / n <= high <= 1.0


@given(n=st.integers(1, 500), data=st.data())
def test_wilson_interval_is_symmetric_and_widens_with_the_level(n, data):
    k = data.draw(st.integers(0, n))
    low, high = proportion_ci(k, n)
    mirror_low, mirror_high = proportion_ci(n - k, n)
    assert low == pytest.approx(1.0 - mirror_high, abs=1e-12)
    assert high == pytest.approx(1.0 - mirror_low, abs=1e-12)
    wide_low, wide_high = proportion_ci(k, n, 0.99)
    assert wide_low <= low + 1e-12 and wide_high >= high - 1e-12


def test_more_patients_at_the_same_proportion_narrow_the_interval():
    widths = [np.subtract(*proportion_ci(3 * m, 55 * m)[::-1]) for m in (1, 4, 10)]
    assert widths[0] > widths[1] > widths[2]
    assert widths[1] / widths[0] == pytest.approx(0.5, abs=0.08)


@pytest.mark.parametrize(
    "args, field",
    [
        ((56, 55), "successes"),
        ((-1, 55), "successes"),
        ((1.5, 55), "successes"),
        ((True, 55), "successes"),
        ((0, 0), "n"),
        ((0, -3), "n"),
        ((1, 10.5), "n"),
        ((1, 10, 0.0), "level"),
        ((1, 10, 1.0), "level"),
        ((1, 10, 1.5), "level"),
        ((1, 10, -0.1), "level"),
        ((1, 10, float("nan")), "level"),
        ((1, 10, "95%"), "level"),
    ],
)
def test_bad_proportion_input_names_the_field(args, field):
    with pytest.raises(ValueError, match=rf"^{field} must"):
        proportion_ci(*args)


def test_trial_intervals_keep_the_proportions_at_another_size():
    result = science.trial_intervals("mist_progression", 550)
    (transplant, _), (comparator, _) = result.scaled
    assert (transplant.events, comparator.events) == (30, 340)
    assert result.scaled_intervals_overlap is False
    small = science.trial_intervals("mist_progression", 10)
    assert small.scaled_intervals_overlap is True
    astis = science.trial_intervals("astis_events", 80)
    assert astis.scaled_intervals_overlap is True
    lupus = science.trial_intervals("lupus_treatment_deaths", 50)
    assert lupus.scaled_intervals_overlap is None and len(lupus.scaled) == 1


@pytest.mark.parametrize(
    "args, field",
    [(("nope", 55), "key"), (("mist_progression", 0), "patients_per_arm")],
)
def test_bad_trial_input_names_the_field(args, field):
    with pytest.raises(ValueError, match=rf"^{field} must"):
        science.trial_intervals(*args)


# -- the reset teaching model ---------------------------------------------------------------


def test_defaults_reproduce_muraro_2005():
    course = reset_course()
    assert course.intensity == 0.95 and course.age_years == 36.0
    assert course.naive_at_24_months == pytest.approx(2.0, abs=1e-9)
    at_24 = int(np.flatnonzero(np.isclose(course.months, 24.0))[0])
    assert course.naive[at_24] == pytest.approx(2.0, abs=1e-9)


def test_no_new_naive_t_cells_before_the_thymic_lag():
    course = reset_course(0.9, 30)
    early = course.months <= RESET_PARAMETERS["thymic_lag_months"].value
    assert np.allclose(course.naive[early], 0.1)
    assert course.naive[~early][0] > 0.1


def test_key_figures_at_the_defaults_and_two_contrasts():
    default = reset_course()
    assert default.rebound_month is None
    assert default.diversity_recovery_month == pytest.approx(11.8, abs=0.05)
    assert reset_course(0.80, 36).rebound_month == pytest.approx(7.1, abs=0.05)
    older = reset_course(0.95, 60)
    assert older.rebound_month == pytest.approx(18.0, abs=0.05)
    assert older.naive_at_24_months == pytest.approx(1.0, abs=0.05)


def test_weak_conditioning_never_switches_the_disease_off():
    course = reset_course(0.4, 36)
    assert course.rebound_month == 0.0


def test_complete_conditioning_leaves_no_memory_cells():
    course = reset_course(1.0, 36)
    assert np.all(course.memory == 0.0) and course.rebound_month is None


def test_the_rebound_month_is_where_the_curve_meets_the_disease_level():
    course = reset_course(0.8, 36)
    level = course.disease_level
    month = course.rebound_month
    assert np.all(course.memory[course.months < month - 0.25] < level)
    assert np.interp(month, course.months, course.memory) == pytest.approx(level, abs=0.01)


def test_before_treatment_memory_and_regulation_balance():
    # with nothing destroyed and regulation at its old level, memory cells stay at 1
    p = RESET_PARAMETERS
    rho, sigma = p["memory_growth_per_month"].value, p["regulation_per_month"].value
    assert rho - sigma * 1.0 - (rho - sigma) * 1.0 == 0.0


def test_thymic_output_halves_every_25_years():
    assert science.thymic_output(20) == pytest.approx(1.0)
    assert science.thymic_output(45) == pytest.approx(0.5)


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"intensity": -0.01}, "intensity"),
        ({"intensity": 1.01}, "intensity"),
        ({"intensity": float("nan")}, "intensity"),
        ({"intensity": "high"}, "intensity"),
        ({"age_years": -1}, "age_years"),
        ({"age_years": 101}, "age_years"),
        ({"age_years": float("inf")}, "age_years"),
    ],
)
def test_bad_reset_input_names_the_field(kwargs, field):
    with pytest.raises(ValueError, match=rf"^{field} must"):
        reset_course(**kwargs)


SCIENCE_INTENSITY = st.floats(0.0, 1.0, allow_nan=False)
SCIENCE_AGE = st.floats(0.0, 100.0, allow_nan=False)
# the explorer's controls: 50-99.5 % destroyed in 0.5 % steps, ages 18-65 in whole years
SLIDER_INTENSITY = st.integers(100, 199).map(lambda i: i / 200)
SLIDER_AGE = st.integers(18, 65)


def _rebound_rank(month: float | None) -> float:
    return math.inf if month is None else month


def _check_finite(course) -> None:
    for name in ("memory", "regulatory", "naive"):
        values = getattr(course, name)
        assert values.shape == course.months.shape == (145,)
        assert np.all(np.isfinite(values)) and np.all(values >= 0.0), name
    assert math.isfinite(course.diversity_recovery_month)
    assert math.isfinite(course.naive_at_24_months)
    assert course.rebound_month is None or 0.0 <= course.rebound_month <= 36.0


@given(intensity=SCIENCE_INTENSITY, age=SCIENCE_AGE)
def test_every_input_gives_finite_curves(intensity, age):
    _check_finite(reset_course(intensity, age))


@given(intensity=SLIDER_INTENSITY, age=SLIDER_AGE)
def test_every_slider_setting_gives_finite_curves(intensity, age):
    _check_finite(reset_course(intensity, age))


@given(a=SCIENCE_INTENSITY, b=SCIENCE_INTENSITY, age=SCIENCE_AGE)
def test_more_intense_conditioning_never_makes_the_rebound_earlier(a, b, age):
    weaker, stronger = sorted((a, b))
    lighter, harder = reset_course(weaker, age), reset_course(stronger, age)
    assert _rebound_rank(harder.rebound_month) >= _rebound_rank(lighter.rebound_month) - 1e-9
    assert np.all(harder.memory <= lighter.memory + 1e-12)


@given(a=SLIDER_INTENSITY, b=SLIDER_INTENSITY, age=SLIDER_AGE)
def test_more_intense_conditioning_never_makes_the_rebound_earlier_on_the_sliders(a, b, age):
    weaker, stronger = sorted((a, b))
    lighter, harder = reset_course(weaker, age), reset_course(stronger, age)
    assert _rebound_rank(harder.rebound_month) >= _rebound_rank(lighter.rebound_month) - 1e-9


@given(intensity=SCIENCE_INTENSITY, a=SCIENCE_AGE, b=SCIENCE_AGE)
def test_an_older_thymus_never_recovers_diversity_faster(intensity, a, b):
    young_age, old_age = sorted((a, b))
    young, old = reset_course(intensity, young_age), reset_course(intensity, old_age)
    assert old.diversity_recovery_month >= young.diversity_recovery_month - 1e-9
    assert np.all(old.naive <= young.naive + 1e-12)
    assert old.naive_at_24_months <= young.naive_at_24_months + 1e-12


@given(intensity=SLIDER_INTENSITY, a=SLIDER_AGE, b=SLIDER_AGE)
def test_an_older_thymus_never_recovers_diversity_faster_on_the_sliders(intensity, a, b):
    young_age, old_age = sorted((a, b))
    young, old = reset_course(intensity, young_age), reset_course(intensity, old_age)
    assert old.diversity_recovery_month >= young.diversity_recovery_month - 1e-9


@given(intensity=SCIENCE_INTENSITY, a=SCIENCE_AGE, b=SCIENCE_AGE)
def test_an_older_thymus_never_delays_the_rebound(intensity, a, b):
    young_age, old_age = sorted((a, b))
    young, old = reset_course(intensity, young_age), reset_course(intensity, old_age)
    assert _rebound_rank(old.rebound_month) <= _rebound_rank(young.rebound_month) + 1e-9
    assert np.all(old.regulatory <= young.regulatory + 1e-12)


# -- ASTIS: early risk, later benefit ------------------------------------------------------


def test_hazard_ratio_is_held_outside_the_published_months():
    assert science.astis_hazard_ratio(0) == pytest.approx(2.01)
    assert science.astis_hazard_ratio(1.5) == pytest.approx(2.01)
    assert science.astis_hazard_ratio(120) == pytest.approx(0.34)
    assert science.astis_hazard_ratio(9) == pytest.approx((1.35 + 0.52) / 2)


@pytest.mark.parametrize("outcome", ["event_free", "overall"])
def test_cumulative_hazard_ratio_is_the_exact_integral(outcome):
    fine = np.linspace(0.0, 120.0, 240_001)
    ratios = np.array([science.astis_hazard_ratio(m, outcome) for m in fine[::1000]])
    assert ratios[0] > 1.0 > ratios[-1]
    dense = np.interp(fine, fine[::1000], ratios)
    numeric = np.concatenate(([0.0], np.cumsum((dense[1:] + dense[:-1]) / 2 * np.diff(fine))))
    for month in (2.0, 3.0, 10.0, 20.6, 36.0, 70.0, 120.0):
        exact = science.astis_cumulative_hazard_ratio(month, outcome)
        assert exact == pytest.approx(np.interp(month, fine, numeric), abs=2e-3)


@pytest.mark.parametrize("outcome, month", [("event_free", 20.6), ("overall", 23.4)])
def test_crossing_month(outcome, month):
    crossing = science.astis_crossing_month(outcome)
    assert crossing == pytest.approx(month, abs=0.05)
    # the integral of the hazard ratio equals the elapsed time there
    assert science.astis_cumulative_hazard_ratio(crossing, outcome) == pytest.approx(crossing)
    # ASTIS reported its survival curves crossing at about 2 years
    reported = autoimmune.ASTIS_CURVES_CROSS_MONTHS.value
    assert abs(crossing - reported) <= 4.0


@given(
    rate=st.floats(0.5, 100.0, allow_nan=False),
    horizon=st.floats(1.0, 120.0, allow_nan=False),
    outcome=st.sampled_from(["event_free", "overall"]),
)
def test_curves_are_finite_ordered_and_cross_where_the_model_says(rate, horizon, outcome):
    curves = science.astis_cumulative_events(horizon, rate, outcome)
    assert curves.months[0] == 0.0 and curves.months[-1] == pytest.approx(horizon)
    assert len(curves.months) <= 242
    for values in (curves.transplant_pct, curves.comparator_pct, curves.hazard_ratio):
        assert np.all(np.isfinite(values))
    for values in (curves.transplant_pct, curves.comparator_pct):
        assert np.all(np.diff(values) >= -1e-12) and values[0] == 0.0 and values[-1] < 100.0
    crossing = science.astis_crossing_month(outcome)
    assert curves.crossing_month == crossing  # independent of the rate and horizon
    before = (curves.months > 0) & (curves.months < crossing - 0.01)
    after = curves.months > crossing + 0.01
    assert np.all(curves.transplant_pct[before] > curves.comparator_pct[before])
    assert np.all(curves.transplant_pct[after] < curves.comparator_pct[after])
    assert curves.crossing_in_view == (crossing <= horizon)


def test_deaths_only_comparator_anchor():
    rate = science.constant_rate_per_100_patient_years(0.73, 10)
    assert rate == pytest.approx(3.15, abs=0.01)
    curves = science.astis_cumulative_events(120, rate, "overall")
    assert curves.comparator_at_horizon == pytest.approx(27.0, abs=0.01)


@pytest.mark.parametrize(
    "call, field",
    [
        (lambda: science.astis_cumulative_events(0.5), "horizon_months"),
        (lambda: science.astis_cumulative_events(121), "horizon_months"),
        (lambda: science.astis_cumulative_events(72, 0), "comparator_rate_per_100_patient_years"),
        (lambda: science.astis_cumulative_events(72, 101), "comparator_rate_per_100_patient_years"),
        (lambda: science.astis_cumulative_events(72, 8, "relapse"), "outcome"),
        (lambda: science.astis_cumulative_events(72, 8, "overall", 0.0), "step_months"),
        (lambda: science.astis_hazard_ratio(-1), "month"),
        (lambda: science.astis_hazard_ratio(12, "both"), "outcome"),
        (lambda: science.astis_crossing_month("both"), "outcome"),
        (lambda: science.constant_rate_per_100_patient_years(1.0, 10), "surviving"),
        (lambda: science.constant_rate_per_100_patient_years(0.7, 0), "years"),
    ],
)
def test_bad_astis_input_names_the_field(call, field):
    with pytest.raises(ValueError, match=rf"^{field} must"):
        call()
