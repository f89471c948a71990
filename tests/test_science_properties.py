"""Every public science function, every parameter, the whole battery of bad values.

A science function either returns finite, sensible values or raises ``ValueError``
whose message names the field and what it allows. The callables come from
``widgets.science.__all__`` (so a function added to the science layer is covered
at once: it needs only a valid example call in ``EXAMPLES``), plus the methods
and the input-like record (``TrialArm``) that compute something.

``python tests/test_science_properties.py`` prints how many bad-value calls were
tried and how many ended cleanly.
"""

from __future__ import annotations

import dataclasses
import decimal
import fractions
import inspect
import math
import sys
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import widgets.science as science

NAN = math.nan
INF = math.inf


class _Opaque:
    """An object of no expected type."""

    def __repr__(self) -> str:
        return "<opaque>"


#: The battery: tried for every parameter of every callable.
BAD_VALUES: tuple[Any, ...] = (
    NAN,
    INF,
    -INF,
    np.float64("nan"),
    np.float32("inf"),
    decimal.Decimal("NaN"),
    5e-324,
    -5e-324,
    1e-300,
    1e308,
    -1e308,
    1.7976931348623157e308,
    10**400,
    -(10**400),
    2**64,
    -(2**63) - 1,
    -1,
    -0.0,
    0,
    0.0,
    1,
    3.0,
    0.5,
    0.9999999999999999,
    1.0000000000000002,
    99.99999999999999,
    1e6,
    np.int64(5),
    np.float64(0.25),
    fractions.Fraction(1, 3),
    True,
    False,
    None,
    "1",
    "",
    "nan",
    "<img src=x onerror=alert(1)>",
    b"1",
    1 + 1j,
    [1],
    (),
    {},
    {1, 2},
    np.array([1.0, 2.0]),
    _Opaque(),
)

#: Extra bad values for parameters that take a collection.
SEQUENCE_BAD_VALUES: tuple[Any, ...] = (
    [],
    [NAN] * 10,
    [INF] * 10,
    [1.0, NAN, 3.0, 4.0, 5.0],
    ["a", "b"],
    [[1.0, 2.0]],
    np.zeros((3, 3)),
    [10**400] * 5,
    [None],
    [1e308] * 5,
    "abc",
)

MAPPING_BAD_VALUES: tuple[Any, ...] = (
    {"a": "a"},
    {"a": None, "b": None},
    {1: None},
    {"a": None, "b": 5},
    {"a": None, "b": "c"},
    {"a": None, "b": "c", "c": "b"},
    {"": None},
    {f"c{i}": (f"c{i - 1}" if i else None) for i in range(5000)},
    {"a": None, ("t",): "a"},
)


def _chain(n: int) -> dict[str, str | None]:
    return {f"c{i}": (f"c{i - 1}" if i else None) for i in range(n)}


_PARENTS = {"hsc": None, "mpp": "hsc", "cmp": "mpp", "clp": "mpp", "neutrophil": "cmp"}

#: A valid call of every callable: keyword arguments (or all positional for ``*args``).
EXAMPLES: dict[str, dict[str, Any]] = {
    "check_choice": {"name": "field", "value": "a", "allowed": ("a", "b")},
    "check_count": {"name": "field", "value": 3, "low": 0, "high": 10},
    "check_flag": {"name": "field", "value": True},
    "check_fraction": {"name": "field", "value": 0.5},
    "check_range": {
        "name": "field",
        "value": 5.0,
        "low": 0.0,
        "high": 10.0,
        "low_open": False,
        "high_open": False,
        "unit": "days",
    },
    "choose_transplant": {
        "disease_in_stem_cells": True,
        "own_cells_healthy": False,
        "matched_donor": True,
    },
    "infection_phase": {"day": 12.0, "engraftment_day": 19.0},
    "infection_phase_bounds": {"engraftment_day": 19.0},
    "journey_day": {"day": 12.0, "graft_source": "bone_marrow"},
    "lineage_path": {"parents": _PARENTS, "cell": "neutrophil"},
    "tree_positions": {"parents": _PARENTS},
    "aplastic_anemia_severity": {
        "cellularity_pct": 10.0,
        "neutrophils": 0.1,
        "platelets": 10.0,
        "reticulocytes": 10.0,
        "reticulocyte_threshold": 20.0,
        "residual_hematopoietic_pct": 20.0,
        "haemoglobin_g_per_l": 90.0,
    },
    "assess_severity": {
        "cellularity_pct": 10.0,
        "neutrophils": 0.1,
        "platelets": 10.0,
        "reticulocytes": 10.0,
        "reticulocyte_threshold": 60.0,
        "residual_hematopoietic_pct": 20.0,
        "haemoglobin_g_per_l": 90.0,
    },
    "engraftment_day": {"graft_source": "bone_marrow", "cd34_dose_per_kg": 3.7},
    "severity_criteria": {
        "cellularity_pct": 30.0,
        "neutrophils": 0.1,
        "platelets": 10.0,
        "reticulocytes": 10.0,
        "reticulocyte_threshold": 20.0,
        "residual_hematopoietic_pct": 20.0,
    },
    "Criterion": {"name": "platelets", "value": 12.0, "threshold": 20.0, "met": True},
    "chimerism_thresholds_reached": {"myeloid_chimerism": 0.3},
    "cd34_dose_at_pct_of_typical": {"graft_source": "bone_marrow", "dose_pct": 50.0},
    "first_sustained_day": {
        "values": [900.0, 300.0, 100.0, 600.0, 700.0, 800.0, 900.0],
        "threshold": 500.0,
        "run": 3,
    },
    "low_dose_warning": {"graft_source": "bone_marrow", "cd34_dose_per_kg": 1.0},
    "sibling_match_probability": {"n_siblings": 3},
    "simulate_blood_counts": {
        "graft_source": "peripheral_blood",
        "cd34_dose_per_kg": 5.0,
        "days": 60,
    },
    "astis_crossing_month": {"outcome": "event_free"},
    "astis_cumulative_events": {
        "horizon_months": 72.0,
        "comparator_rate_per_100_patient_years": 8.0,
        "outcome": "overall",
        "step_months": 0.5,
    },
    "astis_cumulative_hazard_ratio": {"month": 30.0, "outcome": "event_free"},
    "astis_hazard_ratio": {"month": 30.0, "outcome": "overall"},
    "constant_rate_per_100_patient_years": {"surviving": 0.73, "years": 10.0},
    "proportion_ci": {"successes": 3, "n": 55, "level": 0.95},
    "reset_course": {"intensity": 0.95, "age_years": 36.0},
    "thymic_output": {"age_years": 36.0},
    "trial_intervals": {"key": "mist_progression", "patients_per_arm": 200, "level": 0.9},
    "allele_distribution": {"allele_editing_fraction": 0.8},
    "corrected_share": {
        "corrected_fraction_at_infusion": 0.1,
        "growth_advantage_per_month": 0.5,
        "months": 12.0,
    },
    "corrected_share_course": {
        "corrected_fraction_at_infusion": 0.1,
        "growth_advantage_per_month": 0.5,
        "months_max": 36.0,
        "points": 145,
    },
    "donor_red_cell_curve": {
        "donor_rbc_lifespan_days": 120.0,
        "recipient_rbc_lifespan_days": 14.0,
        "points": 101,
    },
    "donor_red_cell_fraction": {
        "myeloid_chimerism": 0.2,
        "donor_rbc_lifespan_days": 120.0,
        "recipient_rbc_lifespan_days": 14.0,
    },
    "edited_allele_distribution": {"allele_editing_fraction": 0.8},
    "red_cell_chimerism": {
        "myeloid_chimerism": 0.2,
        "donor_rbc_lifespan_days": 120.0,
        "recipient_rbc_lifespan_days": 14.0,
    },
    "ex_vivo_workflow": {},
    "months_to_half_corrected": {
        "corrected_fraction_at_infusion": 0.1,
        "growth_advantage_per_month": 0.5,
    },
    "assess_acute_gvhd": {
        "rash_bsa_pct": 30.0,
        "bilirubin_mg_dl": 2.5,
        "persistent_nausea": True,
        "stool_ml_per_day": 800.0,
        "bullae_desquamation_pct": 0.0,
        "severe_pain_ileus_or_bloody": False,
    },
    "ebmt_points": {
        "age": 35.0,
        "disease_stage": "early",
        "months_from_diagnosis": 6.0,
        "donor": "sibling",
        "donor_sex": "female",
        "recipient_sex": "male",
        "first_complete_remission": False,
    },
    "ebmt_published_outcomes": {"score": 3},
    "assess_ebmt": {
        "age": 45.0,
        "disease_stage": "intermediate",
        "months_from_diagnosis": 14.0,
        "donor": "unrelated",
        "donor_sex": "female",
        "recipient_sex": "male",
        "first_complete_remission": False,
    },
    "assess_hct_ci": {"conditions": ["psychiatric", "renal"], "age": 45.0},
    "ebmt_score": {
        "age": 35.0,
        "disease_stage": "late",
        "months_from_diagnosis": 18.0,
        "donor": "unrelated",
        "donor_sex": "male",
        "recipient_sex": "male",
        "first_complete_remission": False,
    },
    "hct_ci": {"conditions": ["diabetes", "renal"]},
    "hct_ci_age": {"conditions": ["diabetes"], "age": 45.0},
    "hct_ci_age_group": {"score": 3},
    "hct_ci_points": {"conditions": ["hepatic_mild", "hepatic_moderate_severe"]},
    "hct_ci_risk_group": {"score": 2},
    "infection_timeline": {"engraftment_day": 20.0, "gvhd": True},
    "karnofsky_description": {"score": 70},
    "magic_grade": {"skin": 2, "liver": 1, "upper_gi": 0, "lower_gi": 1},
    "magic_grade_rule": {"skin": 2, "liver": 1, "upper_gi": 0, "lower_gi": 1},
    "magic_liver_stage": {"bilirubin_mg_dl": 4.0},
    "magic_lower_gi_stage": {"stool_ml_per_day": 800.0, "severe_pain_ileus_or_bloody": False},
    "magic_skin_stage": {"rash_bsa_pct": 60.0, "bullae_desquamation_pct": 10.0},
    "magic_upper_gi_stage": {"persistent_nausea": False},
    # Records and methods that compute something from what they hold.
    "TrialArm": {"label": "transplant", "events": 3, "patients": 55},
    "TrialArm.proportion": {"label": "transplant", "events": 3, "patients": 55},
    "InfectionTimeline.phase_on": {"day": 50.0},
    "SelectiveAdvantageCourse.lymphocyte_share_at": {"month": 12.0},
}

#: Public classes that only hold what a science function computed (no computation of
#: their own, nothing to check), and published constants.
RECORDS = {
    "JourneyDay",
    "TransplantChoice",
    "BloodCounts",
    "GraftDose",
    "SeverityAssessment",
    "AstisCurves",
    "ModelParameter",
    "ResetCourse",
    "TrialIntervals",
    "TrialResult",
    "AlleleDistribution",
    "SelectiveAdvantageCourse",
    "RedCellChimerism",
    "WorkflowStep",
    "EbmtCohort",
    "EbmtOutcome",
    "GvhdAssessment",
    "InfectionTimeline",
    "TimelinePhase",
    "Sourced",
    "InfectionPhase",
}

#: Parameters that must be a real number (bools, strings, NaN and infinities refused).
_NUMBER_ANNOTATIONS = {"float", "int", "float | None", "int | None"}
_FLAG_ANNOTATIONS = {"bool"}
_TEXT_ANNOTATIONS = {"str"}


def _public_callables() -> dict[str, Callable[..., Any]]:
    """Every public function of the science layer, and the computing records and methods."""
    found: dict[str, Callable[..., Any]] = {}
    for name in science.__all__:
        obj = getattr(science, name)
        if inspect.isfunction(obj):
            found[name] = obj
        elif inspect.isclass(obj) and name not in RECORDS:
            found[name] = obj
    found["TrialArm.proportion"] = lambda **kw: science.TrialArm(**kw).proportion
    timeline = science.infection_timeline(20.0, gvhd=False)
    found["InfectionTimeline.phase_on"] = timeline.phase_on
    course = science.corrected_share_course(0.1, 0.5)
    found["SelectiveAdvantageCourse.lymphocyte_share_at"] = course.lymphocyte_share_at
    return found


CALLABLES = _public_callables()


def _signature_of(name: str) -> inspect.Signature:
    target = science.TrialArm if name == "TrialArm.proportion" else CALLABLES[name]
    return inspect.signature(target)


def _annotation(name: str, param: str) -> str:
    annotation = _signature_of(name).parameters[param].annotation
    return annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "")


def _bad_values(name: str, param: str) -> tuple[Any, ...]:
    example = EXAMPLES[name][param]
    if isinstance(example, Mapping):
        return BAD_VALUES + SEQUENCE_BAD_VALUES + MAPPING_BAD_VALUES
    if isinstance(example, list | tuple):
        return BAD_VALUES + SEQUENCE_BAD_VALUES
    return BAD_VALUES


def _finite(value: Any) -> bool:
    """Whether every number in a result is finite (through records, tuples, arrays)."""
    if value is None or isinstance(value, bool | str):
        return True
    if isinstance(value, int | np.integer):
        return True
    if isinstance(value, float | np.floating):
        return math.isfinite(value)
    if isinstance(value, np.ndarray):
        return value.dtype.kind not in "fc" or bool(np.isfinite(value).all())
    if dataclasses.is_dataclass(value):
        return all(_finite(getattr(value, f.name)) for f in dataclasses.fields(value))
    if isinstance(value, Mapping):
        return all(_finite(k) and _finite(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return all(_finite(v) for v in value)
    return False  # not a plain number, array, text or record: not what a science function returns


def _must_refuse(annotation: str, value: Any) -> bool:
    """Values a parameter of this annotation may never accept."""
    optional = "None" in annotation
    if value is None:
        return not optional and annotation != ""
    if annotation in _NUMBER_ANNOTATIONS:
        if isinstance(value, bool | str | bytes | complex) or not isinstance(
            value, int | float | np.integer | np.floating | decimal.Decimal | fractions.Fraction
        ):
            return True
        try:
            return not math.isfinite(value)
        except OverflowError:
            return False
    if annotation in _FLAG_ANNOTATIONS:
        return not isinstance(value, bool)
    if annotation in _TEXT_ANNOTATIONS:
        return not isinstance(value, str)
    return False


def _field_names(name: str, param: str, kwargs: dict[str, Any]) -> tuple[str, ...]:
    """The field names an error about ``param`` may use (a check names the field it checks)."""
    if name.startswith("check_") and param == "value":
        return (str(kwargs.get("name")),)
    return (param,)


def outcome(name: str, kwargs: dict[str, Any], param: str | None) -> str:
    """Call ``name`` with ``kwargs``; return "accepted", "refused" or a description of a fault.

    ``param``: the parameter that holds the bad value (None: several may).
    """
    function = CALLABLES[name]
    try:
        result = function(**kwargs)
    except ValueError as error:
        message = str(error)
        # The bad value may make another field of the call the one out of its range
        # (``patients=1`` with ``events=3``): naming any field of the call is clean.
        names = {n for p in kwargs for n in _field_names(name, p, kwargs)}
        if not any(n in message for n in names) or "must" not in message:
            return f"ValueError not naming {sorted(names)} and what it allows: {message}"
        return "refused"
    except RecursionError:
        return "RecursionError"
    except Exception as error:  # any other exception is the fault looked for
        return f"{type(error).__name__}: {error}"
    if not _finite(result):
        return f"non-finite result {result!r:.200}"
    if param is not None:
        annotation = _annotation(name, param)
        if _must_refuse(annotation, kwargs[param]):
            return f"accepted {kwargs[param]!r:.60} for a parameter of type {annotation}"
    return "accepted"


def battery() -> list[tuple[str, str, Any, str]]:
    """Every (callable, parameter, bad value) with its outcome."""
    rows = []
    for name in sorted(CALLABLES):
        for param in EXAMPLES.get(name, {}):
            for bad in _bad_values(name, param):
                kwargs = {**EXAMPLES[name], param: bad}
                rows.append((name, param, bad, outcome(name, kwargs, param)))
    return rows


# -- tests ---------------------------------------------------------------------------------


def test_every_public_callable_has_a_valid_example():
    missing = sorted(set(CALLABLES) - set(EXAMPLES))
    assert not missing, f"add a valid example call to EXAMPLES for: {', '.join(missing)}"
    for name in CALLABLES:
        params = set(_signature_of(name).parameters) - {"self"}
        assert set(EXAMPLES[name]) == params, f"{name}: EXAMPLES must give every parameter"
        assert outcome(name, EXAMPLES[name], None) == "accepted", name


def test_every_public_class_is_a_record_or_called():
    for name in science.__all__:
        obj = getattr(science, name)
        if inspect.isclass(obj):
            assert name in RECORDS or name in CALLABLES, name


@pytest.mark.parametrize("name", sorted(CALLABLES))
def test_every_bad_value_is_refused_cleanly(name):
    faults = []
    for param in EXAMPLES[name]:
        for bad in _bad_values(name, param):
            result = outcome(name, {**EXAMPLES[name], param: bad}, param)
            if result not in ("accepted", "refused"):
                faults.append(f"{name}({param}={bad!r:.60}): {result}")
    assert not faults, "\n".join(faults)


def _mixed(name: str) -> st.SearchStrategy[dict[str, Any]]:
    """Every parameter at once: its example, a bad value, or any float or integer."""
    strategies = {}
    for param, example in EXAMPLES[name].items():
        strategies[param] = st.one_of(
            st.just(example),
            st.sampled_from(_bad_values(name, param)),
            st.floats(allow_nan=True, allow_infinity=True),
            st.integers(min_value=-(10**30), max_value=10**30),
            st.floats(min_value=-1e3, max_value=1e3),
        )
    return st.fixed_dictionaries(strategies)


@pytest.mark.parametrize("name", sorted(CALLABLES))
@settings(max_examples=40)
@given(data=st.data())
def test_any_mix_of_values_ends_cleanly(name, data):
    kwargs = data.draw(_mixed(name))
    result = outcome(name, kwargs, None)
    assert result in ("accepted", "refused"), f"{name}({kwargs!r:.300}): {result}"
    if result == "accepted":
        for param, value in kwargs.items():
            annotation = _annotation(name, param)
            assert not _must_refuse(annotation, value), f"{name} accepted {param}={value!r}"


def test_results_of_a_whole_slider_range_are_finite():
    """The explorers' typical sweeps: every result finite."""
    for dose in np.linspace(0.1, 15.0, 50):
        for source in science.GRAFT_CD34_DOSES:
            if science.GRAFT_CD34_DOSES[source].minimum <= dose:
                assert _finite(science.simulate_blood_counts(source, float(dose)))
    for age in np.linspace(0.0, 100.0, 21):
        for intensity in np.linspace(0.0, 1.0, 11):
            assert _finite(science.reset_course(float(intensity), float(age)))


# The faults the hardening issue found, one by one.
@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: science.proportion_ci(1, 2, level=0.9999999999999999), "level"),
        (lambda: science.constant_rate_per_100_patient_years(0.73, 5e-324), "years"),
        (
            lambda: science.donor_red_cell_fraction(
                0.5, donor_rbc_lifespan_days=5e-324, recipient_rbc_lifespan_days=5e-324
            ),
            "donor_rbc_lifespan_days",
        ),
        (lambda: science.thymic_output(10**400), "age_years"),
        (lambda: science.first_sustained_day([NAN] * 10, NAN), "values"),
        (lambda: science.first_sustained_day([1.0] * 10, NAN), "threshold"),
        (lambda: science.proportion_ci(1, 2**64), "n"),
        (lambda: science.check_range("x", 5.0, NAN, 10.0), "low"),
        (lambda: science.check_range("x", 5.0, 0.0, INF), "high"),
        (lambda: science.TrialArm("x", 1, 0), "patients"),
        (lambda: science.tree_positions({1: None}), "parents"),
        (lambda: science.lineage_path({"a": None, "b": 2}, "b"), "parents"),
    ],
)
def test_the_faults_found_are_refused_naming_the_field(call, field):
    with pytest.raises(ValueError, match=rf"\b{field} must"):
        call()


def test_what_was_wrong_now_works():
    # a tiny growth advantage: never within the model's 50 years, not an infinite month
    assert science.months_to_half_corrected(0.1, 5e-324) is None
    # a whole-number float for a count is used, not thrown away
    values = [900.0, 300.0, 100.0, 600.0, 700.0, 800.0, 900.0]
    assert science.first_sustained_day(values, 500, run=3.0) == 3
    # a chain deeper than Python's recursion limit
    deep = _chain(sys.getrecursionlimit() + 500)
    positions = science.tree_positions(deep)
    assert positions[f"c{len(deep) - 1}"] == (0.0, -float(len(deep) - 1))
    assert len(science.lineage_path(deep, f"c{len(deep) - 1}")) == len(deep)


def test_a_non_finite_result_never_leaves_the_science_layer():
    from widgets.science._validate import finite_result

    @finite_result
    def broken(x: float) -> tuple[float, float]:
        return (x, math.inf)

    with pytest.raises(ValueError, match=r"broken\(1\.0\): .*result\[1\] is not finite"):
        broken(1.0)
    for name in science.__all__:
        obj = getattr(science, name)
        if inspect.isfunction(obj) and not name.startswith("check_"):
            assert hasattr(obj, "__wrapped__"), f"{name} is not decorated with @finite_result"


def main() -> int:
    rows = battery()
    clean = [r for r in rows if r[3] in ("accepted", "refused")]
    refused = [r for r in rows if r[3] == "refused"]
    print(f"callables: {len(CALLABLES)}; bad-value calls tried: {len(rows)}")
    print(
        f"ended cleanly: {len(clean)} (refused with a ValueError naming the field: "
        f"{len(refused)}; accepted with a finite result: {len(clean) - len(refused)})"
    )
    print(f"not clean: {len(rows) - len(clean)}")
    if "-v" in sys.argv:
        for name, param, bad, result in rows:
            if result not in ("accepted", "refused"):
                print(f"  {name}({param}={bad!r:.50}): {result[:160]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
