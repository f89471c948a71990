"""Lesson 01: aplastic anaemia severity, sibling matching, and the engraftment teaching model.

Pure functions: no widgets, no plotting, no file reading. Lesson 04 reuses the
blood-count model (``simulate_blood_counts``, ``engraftment_day``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from numbers import Real

import numpy as np

from ._validate import check_choice, check_count, check_flag, check_range, finite_result
from .published import (
    GRAFT_SOURCES,
    NEUTROPHIL_ENGRAFTMENT_ANC_PER_UL,
    NEUTROPHIL_RECOVERY_MEDIAN_DAYS,
    PLATELET_RECOVERY_MEDIAN_DAYS,
    Sourced,
)

__all__ = [
    "ASSUMED",
    "ASSUMED_PLATELET_MEDIAN_DAYS",
    "CRITERIA_NOT_MET",
    "GRAFT_CD34_DOSES",
    "PLATELET_RECOVERY_PER_NL",
    "SEVERITY_CLASSES",
    "BloodCounts",
    "Criterion",
    "GraftDose",
    "SeverityAssessment",
    "aplastic_anemia_severity",
    "assess_severity",
    "engraftment_day",
    "first_sustained_day",
    "low_dose_warning",
    "severity_criteria",
    "sibling_match_probability",
    "simulate_blood_counts",
]

# -- severity (modified Camitta criteria) ------------------------------------------------

#: The class of a marrow and counts that are not aplastic anaemia at all.
CRITERIA_NOT_MET = "criteria for aplastic anaemia not met"

SEVERITY_CLASSES = ("very severe", "severe", "non-severe", CRITERIA_NOT_MET)

#: Thresholds of the modified Camitta criteria (first defined by Camitta et al., Blood
#: 1975; used in the BSH guidelines, Killick et al., Br J Haematol 2016, and
#: Kulasekararaj et al., Br J Haematol 2024), counts in x10^9/L.
MARROW_CELLULARITY_BELOW_PCT = Sourced(25.0, "killick2016")
MARROW_CELLULARITY_WITH_RESIDUAL_BELOW_PCT = Sourced(50.0, "killick2016")
RESIDUAL_HAEMATOPOIETIC_BELOW_PCT = Sourced(30.0, "killick2016")
NEUTROPHILS_SEVERE_BELOW = Sourced(0.5, "killick2016")
NEUTROPHILS_VERY_SEVERE_BELOW = Sourced(0.2, "killick2016")
PLATELETS_SEVERE_BELOW = Sourced(20.0, "killick2016")

#: Diagnosis (BSH guideline, Killick et al. 2016): a hypocellular marrow and at least two
#: of haemoglobin < 100 g/L, platelets < 50 x10^9/L, neutrophils < 1.5 x10^9/L.
DIAGNOSIS_NEUTROPHILS_BELOW = Sourced(1.5, "killick2016")
DIAGNOSIS_PLATELETS_BELOW = Sourced(50.0, "killick2016")
DIAGNOSIS_HAEMOGLOBIN_BELOW_G_PER_L = Sourced(100.0, "killick2016")
#: The course counts a marrow as hypocellular below 50 % cellularity, the widest marrow
#: bound of the modified Camitta criteria (real reports compare with the normal
#: cellularity for the patient's age).
HYPOCELLULAR_BELOW_PCT = Sourced(50.0, "killick2016")
RETICULOCYTE_THRESHOLDS = (
    Sourced(20.0, "killick2016", "manual count"),
    Sourced(60.0, "bmjbp_aplastic", "automated count"),
)


@dataclass(frozen=True)
class SeverityAssessment:
    """The severity class and which of the modified Camitta criteria a patient meets."""

    severity: str
    marrow_criterion: bool
    neutrophils_low: bool
    platelets_low: bool
    reticulocytes_low: bool
    neutrophils_very_low: bool
    reticulocyte_threshold: float
    hypocellular: bool = True
    diagnostic_cytopenias: int = 3

    @property
    def is_aplastic_anaemia(self) -> bool:
        """Whether the marrow and counts meet the criteria for aplastic anaemia at all."""
        return self.severity != CRITERIA_NOT_MET

    @property
    def blood_criteria_met(self) -> int:
        """How many of the three blood-count criteria are met (severe needs at least 2)."""
        return int(self.neutrophils_low) + int(self.platelets_low) + int(self.reticulocytes_low)


@finite_result
def assess_severity(
    *,
    cellularity_pct: float,
    neutrophils: float,
    platelets: float,
    reticulocytes: float,
    reticulocyte_threshold: float = 20.0,
    residual_hematopoietic_pct: float | None = None,
    haemoglobin_g_per_l: float | None = None,
) -> SeverityAssessment:
    """Classify aplastic anaemia and say which criteria are met (modified Camitta criteria).

    Counts in x10^9/L. Marrow criterion: cellularity < 25 %, or, when
    ``residual_hematopoietic_pct`` is given, cellularity < 50 % with < 30 % residual
    haematopoietic cells. Severe: the marrow criterion and at least two of
    neutrophils < 0.5, platelets < 20, reticulocytes < ``reticulocyte_threshold``
    (20 with a manual count; BMJ Best Practice gives 60 for an automated count).
    Very severe: severe and neutrophils < 0.2. Severity is graded only for a
    hypocellular marrow (here: cellularity < 50 %) with at least two low counts
    (neutrophils < 1.5, platelets < 50, haemoglobin < 100 g/L when given; the
    diagnostic criteria): a normal marrow or normal counts are not aplastic anaemia,
    and the class is then ``CRITERIA_NOT_MET``. A hypocellular marrow with two low
    counts that does not meet the severe criteria is non-severe.

    Sources: Camitta et al., Blood 1975 (the criteria); Camitta et al., Blood 1976;
    Killick et al., Br J Haematol 2016 (diagnosis, severity); Kulasekararaj et al.,
    Br J Haematol 2024; the automated-count threshold 60 as stated by BMJ Best Practice.
    """
    cellularity = check_range("cellularity_pct", cellularity_pct, 0, 100, unit="%")
    anc = check_range("neutrophils", neutrophils, 0, 1000, unit="x10^9/L")
    plt = check_range("platelets", platelets, 0, 5000, unit="x10^9/L")
    retic = check_range("reticulocytes", reticulocytes, 0, 1000, unit="x10^9/L")
    allowed = [t.value for t in RETICULOCYTE_THRESHOLDS]
    listed = " or ".join(f"{a:g}" for a in allowed)
    threshold = math.nan
    if not isinstance(reticulocyte_threshold, bool) and isinstance(reticulocyte_threshold, Real):
        try:
            threshold = float(reticulocyte_threshold)
        except OverflowError:
            pass
    if threshold not in allowed:
        raise ValueError(
            f"reticulocyte_threshold must be {listed} x10^9/L; got {reticulocyte_threshold!r}"
        )
    marrow = cellularity < MARROW_CELLULARITY_BELOW_PCT.value
    if residual_hematopoietic_pct is not None:
        residual = check_range("residual_hematopoietic_pct", residual_hematopoietic_pct, 0, 100)
        marrow = marrow or (
            cellularity < MARROW_CELLULARITY_WITH_RESIDUAL_BELOW_PCT.value
            and residual < RESIDUAL_HAEMATOPOIETIC_BELOW_PCT.value
        )
    neutrophils_low = anc < NEUTROPHILS_SEVERE_BELOW.value
    platelets_low = plt < PLATELETS_SEVERE_BELOW.value
    reticulocytes_low = retic < threshold
    very_low = anc < NEUTROPHILS_VERY_SEVERE_BELOW.value
    blood = int(neutrophils_low) + int(platelets_low) + int(reticulocytes_low)
    hypocellular = cellularity < HYPOCELLULAR_BELOW_PCT.value
    cytopenias = int(anc < DIAGNOSIS_NEUTROPHILS_BELOW.value) + int(
        plt < DIAGNOSIS_PLATELETS_BELOW.value
    )
    if haemoglobin_g_per_l is not None:
        hb = check_range("haemoglobin_g_per_l", haemoglobin_g_per_l, 0, 250, unit="g/L")
        cytopenias += int(hb < DIAGNOSIS_HAEMOGLOBIN_BELOW_G_PER_L.value)
    if marrow and blood >= 2:
        severity = "very severe" if very_low else "severe"
    elif hypocellular and cytopenias >= 2:
        severity = "non-severe"
    else:
        severity = CRITERIA_NOT_MET
    return SeverityAssessment(
        severity=severity,
        marrow_criterion=marrow,
        neutrophils_low=neutrophils_low,
        platelets_low=platelets_low,
        reticulocytes_low=reticulocytes_low,
        neutrophils_very_low=very_low,
        reticulocyte_threshold=threshold,
        hypocellular=hypocellular,
        diagnostic_cytopenias=cytopenias,
    )


@finite_result
def aplastic_anemia_severity(
    *,
    cellularity_pct: float,
    neutrophils: float,
    platelets: float,
    reticulocytes: float,
    reticulocyte_threshold: float = 20.0,
    residual_hematopoietic_pct: float | None = None,
    haemoglobin_g_per_l: float | None = None,
) -> str:
    """``"very severe"``, ``"severe"``, ``"non-severe"`` or ``CRITERIA_NOT_MET``.

    Counts in x10^9/L; see ``assess_severity`` for the rules. Sources: Camitta et al.,
    Blood 1975 and 1976; Killick et al., Br J Haematol 2016.
    """
    return assess_severity(
        cellularity_pct=cellularity_pct,
        neutrophils=neutrophils,
        platelets=platelets,
        reticulocytes=reticulocytes,
        reticulocyte_threshold=reticulocyte_threshold,
        residual_hematopoietic_pct=residual_hematopoietic_pct,
        haemoglobin_g_per_l=haemoglobin_g_per_l,
    ).severity


# -- finding a donor -------------------------------------------------------------------


@finite_result
def sibling_match_probability(n_siblings: int) -> float:
    """The chance that at least one of ``n_siblings`` full siblings is HLA-identical.

    Each full sibling inherits one of two HLA haplotypes from each parent, so matches
    with probability 1/4; with n siblings, 1 - 0.75^n (Mendelian inheritance; ignores
    recombination within the HLA region).
    """
    n = check_count("n_siblings", n_siblings, 0, 30)
    return 1.0 - 0.75**n


# -- engraftment: the blood-count teaching model ---------------------------------------


@dataclass(frozen=True)
class GraftDose:
    """Infused CD34+ cell doses for one graft source, in 10^6 CD34+ cells per kg.

    ``typical`` is the dose at which the teaching model reproduces the source's
    published median day of neutrophil recovery; ``minimum``..``maximum`` is the
    explorer's slider range; below ``low_warning_below`` the cited study found slower
    recovery. ``typical_source``, ``range_source`` and ``warning_source`` are citation
    keys, or ``"assumed"`` where no source in the course gives the number. A cited
    ``range_source`` means the slider spans the published range of that cohort's doses.
    """

    typical: float
    minimum: float
    maximum: float
    step: float
    low_warning_below: float
    typical_source: str
    warning_source: str
    typical_note: str
    warning_note: str
    range_source: str = "assumed"

    @property
    def typical_is_assumed(self) -> bool:
        """Whether the typical dose is an assumption rather than a published value."""
        return self.typical_source == ASSUMED

    @property
    def range_is_assumed(self) -> bool:
        """Whether the slider range is an assumption rather than a published range."""
        return self.range_source == ASSUMED


#: Marks a number that no source of the course gives (shown as "assumed").
ASSUMED = "assumed"

#: Infused CD34+ doses by graft source (10^6 cells/kg), with their sources.
GRAFT_CD34_DOSES: dict[str, GraftDose] = {
    "peripheral_blood": GraftDose(
        typical=6.7,
        minimum=1.6,
        maximum=15.0,
        step=0.1,
        low_warning_below=3.8,
        typical_source="lickliter2000",
        warning_source="pulsipher2009",
        typical_note=(
            "median (range 1.6-15) of G-CSF-mobilised sibling blood grafts, Lickliter et al. "
            "2000; the slider spans that range"
        ),
        warning_note=(
            "in 611 unrelated-donor blood grafts after myeloablative conditioning, more than "
            "3.8 x10^6/kg gave faster neutrophil and platelet recovery"
        ),
        range_source="lickliter2000",
    ),
    "bone_marrow": GraftDose(
        typical=3.7,
        minimum=0.5,
        maximum=10.0,
        step=0.1,
        low_warning_below=3.0,
        typical_source="bittencourt2002",
        warning_source="bittencourt2002",
        typical_note=(
            "median of 212 HLA-identical sibling marrow grafts (Bittencourt et al. 2002, "
            "abstract); the slider range is assumed: the abstract gives no range"
        ),
        warning_note=(
            "in 212 sibling marrow grafts, 3 x10^6/kg or more sped the recovery of every "
            "blood count"
        ),
    ),
    "double_cord_blood": GraftDose(
        typical=0.4,
        minimum=0.1,
        maximum=1.7,
        step=0.01,
        low_warning_below=0.17,
        typical_source="majhail2008",
        warning_source="brunstein2010",
        typical_note=(
            "median (range 0.1-1.7) CD34+ dose of 43 adults aged 55-69 given unrelated cord "
            "blood after reduced-intensity conditioning, 88 % of them two units (Majhail et al. "
            "2008, table 1); the slider spans that range. Not the cohort of the 23-day median "
            "(Barker et al. 2005), whose abstract gives only the nucleated-cell dose"
        ),
        warning_note=(
            "an infused dose below 1.7 x10^5 CD34+ cells/kg (0.17 x10^6/kg) has been linked to "
            "poor engraftment in grafts of a single cord unit; the slider is the total of two "
            "units, and no threshold for double-unit grafts is published in the course's "
            "sources, so this single-unit threshold is only a rough guide here"
        ),
        range_source="majhail2008",
    ),
    "haploidentical_marrow": GraftDose(
        typical=3.7,
        minimum=0.5,
        maximum=10.0,
        step=0.1,
        low_warning_below=3.0,
        typical_source=ASSUMED,
        warning_source="bittencourt2002",
        typical_note=(
            "assumed equal to the sibling-marrow median of Bittencourt et al. 2002: no "
            "source in the course gives the CD34+ dose of haploidentical marrow grafts with "
            "post-transplant cyclophosphamide"
        ),
        warning_note=(
            "this is a sibling-marrow threshold, borrowed: no threshold for haploidentical "
            "marrow is in the course's sources. In 212 sibling marrow grafts, 3 x10^6/kg or "
            "more sped the recovery of every blood count"
        ),
    ),
}

#: Platelet recovery: first of 3 consecutive days >= 20 x10^9/L (Kharfan-Dabaja et al.
#: 2021; the transfusion-free condition is not modelled).
PLATELET_RECOVERY_PER_NL = Sourced(20.0, "kharfandabaja2021")

# Shape of the teaching model. These are assumptions chosen for a plausible curve,
# not fitted values: the calibration below pins each source's curve to its published
# median day at the typical dose, whatever these shapes are.
_NEUTROPHIL_START_PER_UL = 300.0  # residual count on day 0, after conditioning
_NEUTROPHIL_RESIDUAL_HALF_LIFE_DAYS = 2.0
_NEUTROPHIL_PLATEAU_PER_UL = 4000.0
_NEUTROPHIL_GROWTH_PER_DAY = 0.5
_NEUTROPHIL_EARLIEST_MIDPOINT_DAY = 11.0  # however many cells: maturation takes time
_PLATELET_START_PER_NL = 15.0
_PLATELET_RESIDUAL_HALF_LIFE_DAYS = 3.0
_PLATELET_PLATEAU_PER_NL = 200.0
_PLATELET_GROWTH_PER_DAY = 0.3
_PLATELET_EARLIEST_MIDPOINT_DAY = 16.0


def _midpoint_offset(plateau: float, threshold: float, growth: float) -> float:
    """Days between crossing ``threshold`` and reaching half the plateau (logistic curve)."""
    return math.log(plateau / threshold - 1.0) / growth


def _dose_constant(median_day: float, typical: float, threshold: float, lineage: str) -> float:
    """The dose constant D that puts the threshold crossing at ``median_day - 0.5``.

    Crossing half a day before the median makes the first day at or above the
    threshold, read off the daily counts, the median day itself.
    """
    if lineage == "neutrophils":
        plateau, growth = _NEUTROPHIL_PLATEAU_PER_UL, _NEUTROPHIL_GROWTH_PER_DAY
        earliest = _NEUTROPHIL_EARLIEST_MIDPOINT_DAY
    else:
        plateau, growth = _PLATELET_PLATEAU_PER_NL, _PLATELET_GROWTH_PER_DAY
        earliest = _PLATELET_EARLIEST_MIDPOINT_DAY
    midpoint = median_day - 0.5 + _midpoint_offset(plateau, threshold, growth)
    if midpoint <= earliest:
        raise AssertionError(f"{lineage}: the median day is earlier than the model allows")
    return typical * math.expm1(growth * (midpoint - earliest))


def _platelet_median(graft_source: str) -> float:
    published = PLATELET_RECOVERY_MEDIAN_DAYS.get(graft_source)
    if published is not None:
        return float(published.value)
    return float(ASSUMED_PLATELET_MEDIAN_DAYS[graft_source].value)


#: Platelet medians for sources without one in ``published``: assumed, to draw a curve.
ASSUMED_PLATELET_MEDIAN_DAYS = {
    "double_cord_blood": Sourced(45, ASSUMED, "no published median in the course's sources"),
}

_NEUTROPHIL_DOSE_CONSTANT = {
    s: _dose_constant(
        float(NEUTROPHIL_RECOVERY_MEDIAN_DAYS[s].value),
        GRAFT_CD34_DOSES[s].typical,
        NEUTROPHIL_ENGRAFTMENT_ANC_PER_UL.value,
        "neutrophils",
    )
    for s in GRAFT_SOURCES
}
_PLATELET_DOSE_CONSTANT = {
    s: _dose_constant(
        _platelet_median(s),
        GRAFT_CD34_DOSES[s].typical,
        PLATELET_RECOVERY_PER_NL.value,
        "platelets",
    )
    for s in GRAFT_SOURCES
}


@dataclass(frozen=True, eq=False)
class BloodCounts:
    """Simulated daily blood counts after a graft (a teaching model, not a prediction).

    ``days`` 0..N; ``neutrophils_per_ul`` in cells/µL; ``platelets_per_nl`` in
    x10^9/L (= per nL). ``engraftment_day`` and ``platelet_recovery_day`` are read
    off the daily counts by the consensus definitions (first of 3 consecutive days
    at or above 500/µL, or 20 x10^9/L); ``None`` when not reached in the window.
    """

    graft_source: str
    cd34_dose_per_kg: float
    days: np.ndarray
    neutrophils_per_ul: np.ndarray
    platelets_per_nl: np.ndarray
    engraftment_day: int | None
    platelet_recovery_day: int | None


#: The longest series of daily counts the course reads (about 27 years).
MAX_DAYS = 10_000


def _check_daily_counts(values: object) -> np.ndarray:
    """Daily counts: a flat sequence of up to ``MAX_DAYS`` finite numbers."""
    allowed = f"a sequence of 1 to {MAX_DAYS:,} finite numbers (one count per day)"
    if isinstance(values, str | bytes) or isinstance(values, Mapping):
        raise ValueError(f"values must be {allowed}; got {type(values).__name__}")
    try:
        array = np.asarray(values)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"values must be {allowed}") from None
    if array.ndim != 1 or not 1 <= array.size <= MAX_DAYS or array.dtype.kind not in "iuf":
        raise ValueError(f"values must be {allowed}; got shape {array.shape}, {array.dtype}")
    array = array.astype(float)
    if not np.isfinite(array).all():
        raise ValueError(f"values must be {allowed}; got NaN or an infinity")
    return array


@finite_result
def first_sustained_day(values: np.ndarray, threshold: float, run: int = 3) -> int | None:
    """The first day of ``run`` consecutive days at or above ``threshold``, after a fall below it.

    ``values`` holds one count per day from day 0. The count must first have been
    below the threshold (the nadir after conditioning); ``None`` if no such run.
    """
    values = _check_daily_counts(values)
    threshold = check_range("threshold", threshold)
    run = check_count("run", run, 1, MAX_DAYS)
    below = np.flatnonzero(values < threshold)
    if below.size == 0:
        return None
    above = values >= threshold
    for day in range(int(below[0]) + 1, len(values) - run + 1):
        if above[day : day + run].all():
            return day
    return None


def _logistic(days: np.ndarray, plateau: float, growth: float, midpoint: float) -> np.ndarray:
    # exp of a bounded argument: growth * |days - midpoint| stays well below overflow
    return plateau / (1.0 + np.exp(-growth * (days - midpoint)))


def _check_dose(graft_source: str, cd34_dose_per_kg: float | None) -> tuple[str, float]:
    graft_source = check_choice("graft_source", graft_source, GRAFT_SOURCES)
    if cd34_dose_per_kg is None:
        return graft_source, GRAFT_CD34_DOSES[graft_source].typical
    dose = check_range(
        "cd34_dose_per_kg", cd34_dose_per_kg, 0, 100, low_open=True, unit="x10^6 CD34+ cells/kg"
    )
    return graft_source, dose


@finite_result
def simulate_blood_counts(
    graft_source: str, cd34_dose_per_kg: float | None = None, *, days: int = 60
) -> BloodCounts:
    """Daily neutrophil and platelet counts after a graft: a teaching model.

    Each count is what is left of the patient's own cells after conditioning
    (falling away exponentially) plus the donor's cells, which grow along an
    S-shaped (logistic) curve. More CD34+ cells per kg move the donor curve earlier:
    its midpoint is ``earliest + ln(1 + D / dose) / growth`` days, so it never comes
    later when the dose rises and never earlier than the time cells need to mature.
    ``D`` is calibrated per graft source so that at the typical dose
    (``GRAFT_CD34_DOSES``) the engraftment day read off the counts is the published
    median: 14 days for sibling blood stem cells and 19 for sibling marrow (Champlin
    et al., Blood 2000), 23 for double cord blood (Barker et al., Blood 2005), 24 for
    haploidentical marrow (Symons et al., Blood Adv 2020); platelets likewise where a
    median is published. The shapes (plateaus, growth rates, starting counts) are
    assumptions; transfusions, G-CSF, infections and GVHD are not modelled.

    Parameters
    ----------
    graft_source
        ``"peripheral_blood"``, ``"bone_marrow"``, ``"double_cord_blood"`` or
        ``"haploidentical_marrow"``.
    cd34_dose_per_kg
        Infused dose in 10^6 CD34+ cells per kg; ``None`` for the source's typical dose.
    days
        Last day simulated (one value per day from day 0).
    """
    graft_source, dose = _check_dose(graft_source, cd34_dose_per_kg)
    n_days = check_count("days", days, 7, 365)
    t = np.arange(n_days + 1, dtype=float)

    n_mid = _NEUTROPHIL_EARLIEST_MIDPOINT_DAY + (
        math.log1p(_NEUTROPHIL_DOSE_CONSTANT[graft_source] / dose) / _NEUTROPHIL_GROWTH_PER_DAY
    )
    neutrophils = _NEUTROPHIL_START_PER_UL * np.exp2(
        -t / _NEUTROPHIL_RESIDUAL_HALF_LIFE_DAYS
    ) + _logistic(t, _NEUTROPHIL_PLATEAU_PER_UL, _NEUTROPHIL_GROWTH_PER_DAY, n_mid)

    p_mid = _PLATELET_EARLIEST_MIDPOINT_DAY + (
        math.log1p(_PLATELET_DOSE_CONSTANT[graft_source] / dose) / _PLATELET_GROWTH_PER_DAY
    )
    platelets = _PLATELET_START_PER_NL * np.exp2(
        -t / _PLATELET_RESIDUAL_HALF_LIFE_DAYS
    ) + _logistic(t, _PLATELET_PLATEAU_PER_NL, _PLATELET_GROWTH_PER_DAY, p_mid)

    return BloodCounts(
        graft_source=graft_source,
        cd34_dose_per_kg=dose,
        days=t.astype(int),
        neutrophils_per_ul=neutrophils,
        platelets_per_nl=platelets,
        engraftment_day=first_sustained_day(neutrophils, NEUTROPHIL_ENGRAFTMENT_ANC_PER_UL.value),
        platelet_recovery_day=first_sustained_day(platelets, PLATELET_RECOVERY_PER_NL.value),
    )


@finite_result
def engraftment_day(graft_source: str, cd34_dose_per_kg: float | None = None) -> int | None:
    """The day of neutrophil engraftment in the teaching model (``None``: graft failure).

    Read off ``simulate_blood_counts`` over days 0-60 by the consensus definition:
    the first of 3 consecutive days with neutrophils >= 500/µL (Kharfan-Dabaja et al.,
    Transplant Cell Ther 2021). At each source's typical dose it is the published
    median (Champlin 2000; Barker 2005; Symons 2020).
    """
    return simulate_blood_counts(graft_source, cd34_dose_per_kg).engraftment_day


@finite_result
def low_dose_warning(graft_source: str, cd34_dose_per_kg: float | None = None) -> str | None:
    """A warning when the dose is below what the cited study found enough; else ``None``."""
    graft_source, dose = _check_dose(graft_source, cd34_dose_per_kg)
    info = GRAFT_CD34_DOSES[graft_source]
    if dose >= info.low_warning_below:
        return None
    return (
        f"Low dose: {dose:g} x10^6 CD34+ cells/kg is below {info.low_warning_below:g}; "
        f"{info.warning_note} [{info.warning_source}]. Recovery may be slow, or the graft "
        "may fail."
    )


# -- the severity criteria, one row each (lesson 01's severity explorer) ----------------


@dataclass(frozen=True)
class Criterion:
    """One criterion of the modified Camitta criteria for one patient."""

    name: str
    value: float
    threshold: float
    met: bool

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise ValueError(f"name must be a non-empty text; got {self.name!r}")
        object.__setattr__(self, "value", check_range("value", self.value, 0, 1e6))
        threshold = check_range("threshold", self.threshold, 0, 1e6, low_open=True)
        object.__setattr__(self, "threshold", threshold)
        object.__setattr__(self, "met", check_flag("met", self.met))

    @property
    def share_pct(self) -> float:
        """The patient's value as a share of the threshold (%): below 100 means met."""
        return 100.0 * self.value / self.threshold


@finite_result
def severity_criteria(
    *,
    cellularity_pct: float,
    neutrophils: float,
    platelets: float,
    reticulocytes: float,
    reticulocyte_threshold: float = 20.0,
    residual_hematopoietic_pct: float | None = None,
) -> tuple[Criterion, ...]:
    """Each criterion of ``assess_severity`` with the patient's value and its threshold.

    The marrow threshold is 25 % cellularity, or 50 % when the biopsy shows fewer than
    30 % residual blood-forming cells (Camitta et al., Blood 1976; Killick et al.,
    Br J Haematol 2016). Rows: marrow, neutrophils (severe), platelets, reticulocytes,
    neutrophils (very severe).
    """
    a = assess_severity(
        cellularity_pct=cellularity_pct,
        neutrophils=neutrophils,
        platelets=platelets,
        reticulocytes=reticulocytes,
        reticulocyte_threshold=reticulocyte_threshold,
        residual_hematopoietic_pct=residual_hematopoietic_pct,
    )
    marrow_limit = MARROW_CELLULARITY_BELOW_PCT.value
    if (
        residual_hematopoietic_pct is not None
        and cellularity_pct >= marrow_limit
        and residual_hematopoietic_pct < RESIDUAL_HAEMATOPOIETIC_BELOW_PCT.value
    ):
        marrow_limit = MARROW_CELLULARITY_WITH_RESIDUAL_BELOW_PCT.value
    return (
        Criterion(
            "marrow cellularity (%)", float(cellularity_pct), marrow_limit, a.marrow_criterion
        ),
        Criterion(
            "neutrophils", float(neutrophils), NEUTROPHILS_SEVERE_BELOW.value, a.neutrophils_low
        ),
        Criterion("platelets", float(platelets), PLATELETS_SEVERE_BELOW.value, a.platelets_low),
        Criterion(
            "reticulocytes", float(reticulocytes), a.reticulocyte_threshold, a.reticulocytes_low
        ),
        Criterion(
            "neutrophils (very severe)",
            float(neutrophils),
            NEUTROPHILS_VERY_SEVERE_BELOW.value,
            a.neutrophils_very_low,
        ),
    )
