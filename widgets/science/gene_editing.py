"""Lesson 03: correcting a patient's own stem cells before transplantation.

Three small models, each anchored to published numbers:

* how many cells carry 0, 1 or 2 edited copies of a gene when a given share of
  alleles is edited (the two alleles edited independently: a stated assumption);
* how many circulating red cells are healthy when only part of the marrow is
  corrected (donor or corrected red cells outlive sickle red cells: the logic
  of Fitzhugh et al., Blood 2017);
* how a survival advantage lets corrected lymphocytes take over in SCID while
  corrected stem cells in sickle cell disease stay at their starting share (a
  teaching model; its advantage values are assumed, not fitted).

Pure functions: no widgets, no plotting, no file reading.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.special import expit

from ._validate import check_count, check_fraction, check_range, finite_result
from .published import NEUTROPHIL_RECOVERY_MEDIAN_DAYS, PLATELET_RECOVERY_MEDIAN_DAYS, Sourced

__all__ = [
    "CHIMERISM_VERDICTS",
    "CLIMB111_TRANSFUSION_INDEPENDENT",
    "CLIMB121_FREE_OF_CRISES",
    "EDITED_ALLELES_BASE_EDITING",
    "EDITED_ALLELES_BASE_EDITING_MICE",
    "EDITED_ALLELES_FIRST_PATIENTS",
    "EXACEL_MIN_CD34_DOSE_PER_KG",
    "EXACEL_NEUTROPHIL_ENGRAFTMENT_DAY",
    "EXACEL_PLATELET_ENGRAFTMENT_DAY",
    "F_CELL_RBC_LIFESPAN_DAYS",
    "MYELOID_CHIMERISM_HAEMOLYSIS_CORRECTED",
    "MYELOID_CHIMERISM_PREVENTS_CRISES",
    "MYELOID_CHIMERISM_REVERSES_SICKLE",
    "MYELOID_CHIMERISM_THRESHOLDS",
    "NORMAL_RBC_LIFESPAN_DAYS",
    "SICKLE_RBC_LIFESPAN_DAYS",
    "AlleleDistribution",
    "RedCellChimerism",
    "SelectiveAdvantageCourse",
    "WorkflowStep",
    "allele_distribution",
    "chimerism_thresholds_reached",
    "corrected_share",
    "corrected_share_course",
    "donor_red_cell_curve",
    "donor_red_cell_fraction",
    "edited_allele_distribution",
    "ex_vivo_workflow",
    "months_to_half_corrected",
    "red_cell_chimerism",
]

# -- published values, each next to its citation key ------------------------------

#: Share of alleles edited at the BCL11A erythroid enhancer in CD34+ cells with the
#: exa-cel method (about 80 %, no off-target editing found).
EDITED_ALLELES_FIRST_PATIENTS = Sourced(0.80, "frangoul2021", "approximately 80 % of alleles")
#: Adenine base editing of sickle patients' CD34+ cells: 80 % HbS -> Makassar conversion.
EDITED_ALLELES_BASE_EDITING = Sourced(0.80, "newby2021", "ex vivo, cells from 3 patients")
#: ... and 68 % of alleles still converted 16 weeks after transplantation into mice.
EDITED_ALLELES_BASE_EDITING_MICE = Sourced(0.68, "newby2021", "16 weeks after transplant, mice")

#: About 20 % donor myeloid chimerism is needed to reverse sickle cell disease.
MYELOID_CHIMERISM_REVERSES_SICKLE = Sourced(0.20, "fitzhugh2017")
#: Myeloid chimerism as low as 30 % prevented vaso-occlusive crises (AA donors).
MYELOID_CHIMERISM_PREVENTS_CRISES = Sourced(0.30, "magnani2020", "donors without sickle trait")
#: Correcting haemolysis needed at least 50 % donor chimerism.
MYELOID_CHIMERISM_HAEMOLYSIS_CORRECTED = Sourced(0.50, "magnani2020")
#: The three published thresholds, lowest first, each with what it achieved.
MYELOID_CHIMERISM_THRESHOLDS = (
    (MYELOID_CHIMERISM_REVERSES_SICKLE, "reverses sickle disease"),
    (MYELOID_CHIMERISM_PREVENTS_CRISES, "prevented crises"),
    (MYELOID_CHIMERISM_HAEMOLYSIS_CORRECTED, "corrected haemolysis"),
)
#: What a corrected share means, by the number of those thresholds it reaches (0 to 3).
CHIMERISM_VERDICTS = (
    "below the ~20 % that reverses sickle disease (Fitzhugh 2017)",
    "at or above the ~20 % that reverses sickle disease (Fitzhugh 2017) but below the 30 % "
    "that prevented crises (Magnani 2020)",
    "enough to prevent crises (30 %, Magnani 2020) but below the 50 % that corrected haemolysis",
    "at or above the 50 % that corrected haemolysis (Magnani 2020)",
)

#: Normal red cells: the round figure of 120 days (measured mean about 115 days,
#: range 70-140; Franco 2012).
NORMAL_RBC_LIFESPAN_DAYS = Sourced(120.0, "franco2012", "measured mean ~115 days (70-140)")
#: Sickle red cells without fetal haemoglobin: about 2 weeks (biotin-labelled
#: autologous sickle cells, Franco et al., J Clin Invest 1998).
SICKLE_RBC_LIFESPAN_DAYS = Sourced(14.0, "franco1998", "non-F sickle cells, ~2 weeks")
#: Sickle red cells that contain fetal haemoglobin (F cells) survived 6-8 weeks (midpoint).
F_CELL_RBC_LIFESPAN_DAYS = Sourced(49.0, "franco1998", "F cells, 6-8 weeks")

#: Exa-cel: minimum dose of edited CD34+ cells.
EXACEL_MIN_CD34_DOSE_PER_KG = Sourced(3e6, "casgevylabel2023", "CD34+ cells per kg")
#: Exa-cel in sickle cell disease, interim analysis (42 patients): median days to engraftment.
EXACEL_NEUTROPHIL_ENGRAFTMENT_DAY = Sourced(27.0, "frangoul2023ash", "42 patients, interim")
EXACEL_PLATELET_ENGRAFTMENT_DAY = Sourced(34.5, "frangoul2023ash", "42 patients, interim")

#: CLIMB-121 (sickle cell disease): free of vaso-occlusive crises for >= 12 months.
CLIMB121_FREE_OF_CRISES = Sourced(29 / 30, "frangoul2024", "29 of 30 evaluable patients")
#: CLIMB-111 (beta-thalassaemia): transfusion independent for >= 12 months.
CLIMB111_TRANSFUSION_INDEPENDENT = Sourced(32 / 35, "locatelli2024", "32 of 35 evaluable patients")

_MIN_LIFESPAN_DAYS = 0.5
_MAX_LIFESPAN_DAYS = 365.0
_MAX_ADVANTAGE_PER_MONTH = 10.0
_MAX_MONTHS = 600.0


# -- 1. edited alleles -------------------------------------------------------------


@finite_result
def edited_allele_distribution(allele_editing_fraction: float) -> tuple[float, float, float]:
    """Shares of cells with no, one and both alleles edited: (unedited, one, both).

    Each cell has two copies (alleles) of the target. Assuming each allele is
    edited independently with probability p (a simplification: real editing of
    the two copies in one cell is correlated), the shares are (1-p)^2, 2p(1-p)
    and p^2 (the binomial distribution). The exa-cel method edited about 80 % of
    alleles (Frangoul et al., NEJM 2021).

    Parameters
    ----------
    allele_editing_fraction
        Share of all alleles that carry the edit, in [0, 1].
    """
    p = check_fraction("allele_editing_fraction", allele_editing_fraction)
    q = 1.0 - p
    return (q * q, 2.0 * p * q, p * p)


@dataclass(frozen=True)
class AlleleDistribution:
    """The shares of cells by number of edited copies, and the share with at least one."""

    allele_editing_fraction: float
    unedited: float
    one_allele: float
    both_alleles: float

    @property
    def at_least_one(self) -> float:
        """Share of cells with at least one edited copy."""
        return self.one_allele + self.both_alleles


@finite_result
def allele_distribution(allele_editing_fraction: float) -> AlleleDistribution:
    """``edited_allele_distribution`` as a small record (with ``at_least_one``)."""
    p = check_fraction("allele_editing_fraction", allele_editing_fraction)
    unedited, one, both = edited_allele_distribution(p)
    return AlleleDistribution(p, unedited, one, both)


# -- 2. how many corrected cells are enough (Fitzhugh logic) -------------------------


@finite_result
def donor_red_cell_fraction(
    myeloid_chimerism: float,
    *,
    donor_rbc_lifespan_days: float = NORMAL_RBC_LIFESPAN_DAYS.value,
    recipient_rbc_lifespan_days: float = SICKLE_RBC_LIFESPAN_DAYS.value,
) -> float:
    """Share of circulating red cells that come from donor (or corrected) stem cells.

    If a share d of the marrow's red-cell production is donor-derived, and the
    red cells it makes live Ld days against the patient's Lr days, the red cells
    in the blood are in the ratio of production times lifespan, so the donor
    share is d*Ld / (d*Ld + (1-d)*Lr). Long-lived healthy red cells therefore
    outnumber short-lived sickle cells even when a minority of the marrow is
    healthy: Fitzhugh et al. (Blood 2017) found about 20 % donor myeloid
    chimerism enough to reverse sickle cell disease and explained it this way.

    Defaults: donor red cells 120 days (normal lifespan, measured mean about 115
    days, Franco 2012); recipient sickle red cells 14 days (sickle cells without
    fetal haemoglobin live about 2 weeks, Franco et al., J Clin Invest 1998).
    Assumes steady state and equal production per stem cell.

    Parameters
    ----------
    myeloid_chimerism
        Share of the marrow's myeloid (and red-cell) output that is donor or
        corrected, in [0, 1].
    donor_rbc_lifespan_days, recipient_rbc_lifespan_days
        Red-cell lifespans in days, each from 0.5 to 365.
    """
    d = check_fraction("myeloid_chimerism", myeloid_chimerism)
    donor = check_range(
        "donor_rbc_lifespan_days",
        donor_rbc_lifespan_days,
        _MIN_LIFESPAN_DAYS,
        _MAX_LIFESPAN_DAYS,
        unit="days",
    )
    recipient = check_range(
        "recipient_rbc_lifespan_days",
        recipient_rbc_lifespan_days,
        _MIN_LIFESPAN_DAYS,
        _MAX_LIFESPAN_DAYS,
        unit="days",
    )
    healthy = d * donor
    sick = (1.0 - d) * recipient
    return min(1.0, max(0.0, healthy / (healthy + sick)))


@finite_result
def chimerism_thresholds_reached(myeloid_chimerism: float) -> int:
    """How many of the published myeloid-chimerism thresholds a share reaches (0 to 3).

    The thresholds are about 20 % to reverse sickle cell disease (Fitzhugh et al.,
    Blood 2017), 30 % to prevent crises and 50 % to correct haemolysis (Magnani et
    al., Haematologica 2020): ``MYELOID_CHIMERISM_THRESHOLDS``. A share within 1e-9
    of a threshold reaches it (20 % on a slider is 0.2 exactly as published).

    Parameters
    ----------
    myeloid_chimerism
        Donor or corrected share of the marrow's myeloid cells, in [0, 1].
    """
    d = check_fraction("myeloid_chimerism", myeloid_chimerism)
    return sum(d >= threshold.value - 1e-9 for threshold, _ in MYELOID_CHIMERISM_THRESHOLDS)


@finite_result
def donor_red_cell_curve(
    donor_rbc_lifespan_days: float = NORMAL_RBC_LIFESPAN_DAYS.value,
    recipient_rbc_lifespan_days: float = SICKLE_RBC_LIFESPAN_DAYS.value,
    *,
    points: int = 101,
) -> tuple[np.ndarray, np.ndarray]:
    """Myeloid chimerism from 0 to 1 and the donor red-cell share at each (same formula)."""
    n = check_count("points", points, 2, 10_001)
    # Checks both lifespans (the chimerism here is a placeholder).
    donor_red_cell_fraction(
        0.5,
        donor_rbc_lifespan_days=donor_rbc_lifespan_days,
        recipient_rbc_lifespan_days=recipient_rbc_lifespan_days,
    )
    chimerism = np.linspace(0.0, 1.0, n)
    healthy = chimerism * float(donor_rbc_lifespan_days)
    sick = (1.0 - chimerism) * float(recipient_rbc_lifespan_days)
    return chimerism, np.clip(healthy / (healthy + sick), 0.0, 1.0)


@dataclass(frozen=True, eq=False)
class RedCellChimerism:
    """One patient on the curve of ``donor_red_cell_fraction``, and the whole curve."""

    myeloid_chimerism: float
    donor_rbc_lifespan_days: float
    recipient_rbc_lifespan_days: float
    healthy_share: float
    #: how many of ``MYELOID_CHIMERISM_THRESHOLDS`` the share reaches, and what that means
    thresholds_reached: int
    verdict: str
    #: every chimerism from 0 to 1 and the healthy share at each, for the same lifespans
    curve: tuple[np.ndarray, np.ndarray]


@finite_result
def red_cell_chimerism(
    myeloid_chimerism: float,
    donor_rbc_lifespan_days: float = NORMAL_RBC_LIFESPAN_DAYS.value,
    recipient_rbc_lifespan_days: float = SICKLE_RBC_LIFESPAN_DAYS.value,
) -> RedCellChimerism:
    """The healthy share of the blood's red cells for a corrected share of the marrow.

    ``donor_red_cell_fraction`` for this share and its curve for the same lifespans, with
    the published thresholds the share reaches (``chimerism_thresholds_reached``).
    """
    lifespans = {
        "donor_rbc_lifespan_days": donor_rbc_lifespan_days,
        "recipient_rbc_lifespan_days": recipient_rbc_lifespan_days,
    }
    d = check_fraction("myeloid_chimerism", myeloid_chimerism)
    reached = chimerism_thresholds_reached(d)
    return RedCellChimerism(
        myeloid_chimerism=d,
        **lifespans,
        healthy_share=donor_red_cell_fraction(d, **lifespans),
        thresholds_reached=reached,
        verdict=CHIMERISM_VERDICTS[reached],
        curve=donor_red_cell_curve(**lifespans),
    )


# -- 3. selective advantage (teaching model) ------------------------------------------


def _check_advantage(growth_advantage_per_month: float) -> float:
    return check_range(
        "growth_advantage_per_month",
        growth_advantage_per_month,
        0.0,
        _MAX_ADVANTAGE_PER_MONTH,
        unit="(fraction per month; 0.5 = 50 % per month)",
    )


@finite_result
def corrected_share(
    corrected_fraction_at_infusion: float, growth_advantage_per_month: float, months: float
) -> float:
    """Share of lymphocytes that are corrected ``months`` after infusion (teaching model).

    Corrected and uncorrected cells compete; each month corrected cells multiply
    (1 + a) times as much as uncorrected ones, where a is the relative growth
    advantage per month (0.5 means 50 % more per month). The odds of a cell being
    corrected, f/(1-f), are multiplied by (1 + a) each month:

        share(t) = f0 (1+a)^t / (f0 (1+a)^t + (1 - f0)).

    In SCID, corrected lymphocytes survive and multiply where uncorrected ones
    cannot, so a small corrected fraction can rebuild T cells; in sickle cell
    disease the stem cells have no such advantage (a = 0) and the share stays at
    f0. The advantage values in the lesson are assumed, not fitted to patients.

    Parameters
    ----------
    corrected_fraction_at_infusion
        f0, the corrected share at infusion, in [0, 1].
    growth_advantage_per_month
        a, relative growth advantage of corrected cells per month, in [0, 10].
    months
        Months after infusion, in [0, 600].
    """
    f0 = check_fraction("corrected_fraction_at_infusion", corrected_fraction_at_infusion)
    a = _check_advantage(growth_advantage_per_month)
    t = check_range("months", months, 0.0, _MAX_MONTHS, unit="months")
    return float(_share(f0, a, np.asarray(t, dtype=float)))


def _share(f0: float, a: float, months: np.ndarray) -> np.ndarray:
    """The logistic share (vectorised); the ends 0 and 1 stay exactly where they are."""
    if f0 <= 0.0:
        return np.zeros_like(months, dtype=float)
    if f0 >= 1.0:
        return np.ones_like(months, dtype=float)
    log_odds = math.log(f0) - math.log1p(-f0) + months * math.log1p(a)
    return np.clip(expit(log_odds), 0.0, 1.0)


@finite_result
def months_to_half_corrected(
    corrected_fraction_at_infusion: float, growth_advantage_per_month: float
) -> float | None:
    """Months until corrected cells are half the lymphocytes; ``None`` if never.

    From the same teaching model: t = ln((1-f0)/f0) / ln(1+a); 0 if f0 >= 0.5;
    ``None`` also when t is beyond the model's 600 months (50 years): a tiny
    advantage would take longer than a lifetime.
    """
    f0 = check_fraction("corrected_fraction_at_infusion", corrected_fraction_at_infusion)
    a = _check_advantage(growth_advantage_per_month)
    if f0 >= 0.5:
        return 0.0
    if f0 <= 0.0 or a <= 0.0:
        return None
    months = (math.log1p(-f0) - math.log(f0)) / math.log1p(a)
    return months if months <= _MAX_MONTHS else None


@dataclass(frozen=True)
class SelectiveAdvantageCourse:
    """Corrected shares month by month: lymphocytes (with the advantage) and stem cells."""

    corrected_fraction_at_infusion: float
    growth_advantage_per_month: float
    months: np.ndarray
    lymphocyte_share: np.ndarray
    stem_cell_share: np.ndarray
    months_to_half: float | None

    def lymphocyte_share_at(self, month: float) -> float:
        """The corrected lymphocyte share at ``month`` (exact, not read off the grid)."""
        return corrected_share(
            self.corrected_fraction_at_infusion, self.growth_advantage_per_month, month
        )


@finite_result
def corrected_share_course(
    corrected_fraction_at_infusion: float,
    growth_advantage_per_month: float,
    *,
    months_max: float = 36.0,
    points: int = 145,
) -> SelectiveAdvantageCourse:
    """The teaching model over ``months_max`` months on ``points`` evenly spaced months.

    Lymphocytes follow ``corrected_share``; the stem cells (and the red cells they
    make) have no selective advantage, so their corrected share stays at f0.
    """
    f0 = check_fraction("corrected_fraction_at_infusion", corrected_fraction_at_infusion)
    a = _check_advantage(growth_advantage_per_month)
    horizon = check_range("months_max", months_max, 0.0, _MAX_MONTHS, low_open=True, unit="months")
    n = check_count("points", points, 2, 10_001)
    months = np.linspace(0.0, horizon, n)
    return SelectiveAdvantageCourse(
        corrected_fraction_at_infusion=f0,
        growth_advantage_per_month=a,
        months=months,
        lymphocyte_share=_share(f0, a, months),
        stem_cell_share=np.full(n, f0),
        months_to_half=months_to_half_corrected(f0, a),
    )


# -- the ex vivo workflow ----------------------------------------------------------------


@dataclass(frozen=True)
class WorkflowStep:
    """One step of ex vivo gene editing: when (relative to infusion on day 0), what, sources."""

    name: str
    when: str
    what: str
    day: float | None
    sources: tuple[str, ...]


@finite_result
def ex_vivo_workflow() -> tuple[WorkflowStep, ...]:
    """The steps of an ex vivo gene-editing transplant (exa-cel), in order.

    Mobilisation, dose and conditioning follow the exa-cel label (2023) and CLIMB-121
    (Frangoul et al., NEJM 2024); median engraftment days are from the interim
    CLIMB-121 analysis (Frangoul et al., ASH 2023 abstract, 42 patients), with the
    sibling bone-marrow medians (Champlin et al., Blood 2000) for comparison.
    """
    marrow_neutrophils = NEUTROPHIL_RECOVERY_MEDIAN_DAYS["bone_marrow"]
    marrow_platelets = PLATELET_RECOVERY_MEDIAN_DAYS["bone_marrow"]
    neutrophil_day = EXACEL_NEUTROPHIL_ENGRAFTMENT_DAY.value
    platelet_day = EXACEL_PLATELET_ENGRAFTMENT_DAY.value
    dose = EXACEL_MIN_CD34_DOSE_PER_KG.value / 1e6
    return (
        WorkflowStep(
            "Mobilise and collect",
            "before",
            "plerixafor moves CD34+ stem cells into the blood (G-CSF is not used in sickle "
            "cell disease); apheresis collects as many as possible",
            None,
            ("casgevylabel2023",),
        ),
        WorkflowStep(
            "Edit in the laboratory",
            "before",
            "CRISPR-Cas9 cuts the BCL11A erythroid enhancer in the collected cells "
            "(the method edits about 80 % of alleles)",
            None,
            ("frangoul2021",),
        ),
        WorkflowStep(
            "Conditioning",
            "before",
            "myeloablative busulfan, dose adjusted to blood levels, empties the marrow",
            None,
            ("frangoul2024",),
        ),
        WorkflowStep(
            "Infusion",
            "day 0",
            f"at least {dose:g} million edited CD34+ cells per kg, given by drip",
            0.0,
            ("casgevylabel2023",),
        ),
        WorkflowStep(
            "Neutrophils engraft",
            f"day {neutrophil_day:g}",
            f"median in sickle cell disease; after a sibling marrow graft, day "
            f"{marrow_neutrophils.value:g}",
            neutrophil_day,
            (EXACEL_NEUTROPHIL_ENGRAFTMENT_DAY.source, marrow_neutrophils.source),
        ),
        WorkflowStep(
            "Platelets engraft",
            f"day {platelet_day:g}",
            f"median in sickle cell disease; after a sibling marrow graft, day "
            f"{marrow_platelets.value:g}",
            platelet_day,
            (EXACEL_PLATELET_ENGRAFTMENT_DAY.source, marrow_platelets.source),
        ),
        WorkflowStep(
            "Judge the result",
            "12+ months",
            "freedom from severe crises is counted over at least 12 consecutive months",
            None,
            ("frangoul2024",),
        ),
    )
