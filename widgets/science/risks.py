"""Lesson 04: graft-versus-host disease, infections, and who is fit for a transplant.

Pure functions: no widgets, no plotting, no file reading. Every rule cites its
source; published outcomes are ``Sourced`` values next to their citation key.

* MAGIC staging and grading of acute GVHD (Harris et al., Biol Blood Marrow
  Transplant 2016).
* The EBMT risk score (Gratwohl et al., Lancet 1998; Cancer 2009) with the
  outcomes its two cohorts saw.
* The HCT comorbidity index, HCT-CI (Sorror et al., Blood 2005), and HCT-CI/age
  (Sorror et al., J Clin Oncol 2014).
* The Karnofsky performance scale (Karnofsky and Burchenal 1949, as set out by
  Péus et al., BMC Med Inform Decis Mak 2013).
* The phases of infection risk after an allogeneic transplant (Tomblyn et al.,
  Biol Blood Marrow Transplant 2009), fitted to a patient's engraftment day.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from ._validate import check_choice, check_count, check_flag, check_range, finite_result
from .aplastic import GRAFT_CD34_DOSES
from .intro import infection_phase_bounds
from .published import INFECTION_PHASES, Sourced

__all__ = [
    "EBMT_ALL_DISEASES_2009",
    "EBMT_CML_1998",
    "EBMT_DISEASE_STAGES",
    "EBMT_DONORS",
    "EBMT_FACTORS",
    "EBMT_SEXES",
    "HCT_CI_AGE_GROUPS",
    "HCT_CI_CONDITIONS",
    "HCT_CI_MAX",
    "HCT_CI_NRM_2Y",
    "HCT_CI_WEIGHTS",
    "INFECTION_PREVENTION",
    "KARNOFSKY_SCALE",
    "MAGIC_GRADE_NAMES",
    "EbmtCohort",
    "EbmtOutcome",
    "GvhdAssessment",
    "InfectionTimeline",
    "TimelinePhase",
    "assess_acute_gvhd",
    "assess_ebmt",
    "assess_hct_ci",
    "cd34_dose_at_pct_of_typical",
    "ebmt_points",
    "ebmt_published_outcomes",
    "ebmt_score",
    "hct_ci",
    "hct_ci_age",
    "hct_ci_age_group",
    "hct_ci_points",
    "hct_ci_risk_group",
    "infection_timeline",
    "karnofsky_description",
    "magic_grade",
    "magic_grade_rule",
    "magic_liver_stage",
    "magic_lower_gi_stage",
    "magic_skin_stage",
    "magic_upper_gi_stage",
]

# --- acute GVHD: MAGIC staging and grading (Harris et al. 2016) ------------------------

#: Roman numerals for the overall grade, as clinicians write it.
MAGIC_GRADE_NAMES = ("0", "I", "II", "III", "IV")

_MAX_RASH_PCT = 100.0
_MAX_BILIRUBIN_MG_DL = 100.0
_MAX_STOOL_ML_PER_DAY = 20_000.0


@finite_result
def magic_skin_stage(rash_bsa_pct: float, *, bullae_desquamation_pct: float = 0.0) -> int:
    """MAGIC skin stage (0-4) from the active GVHD rash, in % of body surface area.

    0 % -> 0; under 25 % -> 1; 25-50 % -> 2; over 50 % -> 3; over 50 % (generalised
    erythroderma) with bullae or desquamation over more than 5 % of the body -> 4.
    Harris et al., Biol Blood Marrow Transplant 2016 (MAGIC).
    """
    rash = check_range("rash_bsa_pct", rash_bsa_pct, 0, _MAX_RASH_PCT, unit="% body surface")
    bullae = check_range(
        "bullae_desquamation_pct", bullae_desquamation_pct, 0, _MAX_RASH_PCT, unit="% body surface"
    )
    if rash == 0:
        return 0
    if rash < 25:
        return 1
    if rash <= 50:
        return 2
    return 4 if bullae > 5 else 3


@finite_result
def magic_liver_stage(bilirubin_mg_dl: float) -> int:
    """MAGIC liver stage (0-4) from total serum bilirubin in mg/dL.

    Under 2 -> 0; 2-3 -> 1; over 3 to 6 -> 2; over 6 to 15 -> 3; over 15 -> 4
    (Harris et al. 2016).
    """
    bili = check_range("bilirubin_mg_dl", bilirubin_mg_dl, 0, _MAX_BILIRUBIN_MG_DL, unit="mg/dL")
    if bili < 2:
        return 0
    if bili <= 3:
        return 1
    if bili <= 6:
        return 2
    if bili <= 15:
        return 3
    return 4


@finite_result
def magic_upper_gi_stage(persistent_nausea: bool) -> int:
    """MAGIC upper-GI stage: 1 for persistent nausea, vomiting or anorexia, else 0.

    No or only intermittent symptoms are stage 0 (Harris et al. 2016).
    """
    return 1 if check_flag("persistent_nausea", persistent_nausea) else 0


@finite_result
def magic_lower_gi_stage(
    stool_ml_per_day: float, *, severe_pain_ileus_or_bloody: bool = False
) -> int:
    """MAGIC lower-GI stage (0-4) for adults, from diarrhoea volume in mL per day.

    Under 500 -> 0; 500 to under 1,000 -> 1; 1,000-1,500 -> 2; over 1,500 -> 3;
    severe abdominal pain with or without ileus, or grossly bloody stool -> 4 whatever
    the volume (Harris et al. 2016). Children are staged in mL/kg/day; not modelled here.
    """
    stool = check_range(
        "stool_ml_per_day", stool_ml_per_day, 0, _MAX_STOOL_ML_PER_DAY, unit="mL/day"
    )
    if check_flag("severe_pain_ileus_or_bloody", severe_pain_ileus_or_bloody):
        return 4
    if stool < 500:
        return 0
    if stool < 1000:
        return 1
    if stool <= 1500:
        return 2
    return 3


def _check_stages(skin: int, liver: int, upper_gi: int, lower_gi: int) -> tuple[int, ...]:
    return (
        check_count("skin", skin, 0, 4),
        check_count("liver", liver, 0, 4),
        check_count("upper_gi", upper_gi, 0, 1),
        check_count("lower_gi", lower_gi, 0, 4),
    )


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _grade(skin: int, liver: int, upper_gi: int, lower_gi: int) -> tuple[int, str]:
    """The overall grade and, in words, the MAGIC rule that decided it."""
    fours = [n for n, s in (("skin", skin), ("liver", liver), ("lower GI", lower_gi)) if s == 4]
    if fours:
        found = _and([f"{n} stage 4" for n in fours])
        return 4, f"{found}, and any stage 4 of skin, liver or lower GI makes grade IV"
    severe = [f"{n} stage {s}" for n, s in (("liver", liver), ("lower GI", lower_gi)) if s >= 2]
    if severe:
        return 3, f"{_and(severe)}, and stage 2-3 liver or lower GI makes grade III"
    moderate = [f"skin stage {skin}"] if skin == 3 else []
    moderate += [
        f"{n} stage 1"
        for n, s in (("liver", liver), ("upper GI", upper_gi), ("lower GI", lower_gi))
        if s == 1
    ]
    if moderate:
        return 2, (
            f"{_and(moderate)}, and skin stage 3 or stage 1 liver, upper GI or lower GI "
            "makes grade II"
        )
    if skin:
        return 1, f"skin stage {skin} with no liver or gut involvement makes grade I"
    return 0, "every organ is at stage 0, so there is no acute GVHD to grade"


@finite_result
def magic_grade(skin: int, liver: int, upper_gi: int, lower_gi: int) -> int:
    """The overall MAGIC grade of acute GVHD (0-4) from the four organ stages.

    Not simply the highest stage (Harris et al. 2016): IV for stage 4 skin, liver or
    lower GI; III for stage 2-3 liver or lower GI; II for stage 3 skin or stage 1
    liver, upper GI or lower GI; I for skin stage 1-2 alone; 0 when no organ is involved.
    """
    return _grade(*_check_stages(skin, liver, upper_gi, lower_gi))[0]


@finite_result
def magic_grade_rule(skin: int, liver: int, upper_gi: int, lower_gi: int) -> str:
    """The MAGIC rule that decided the overall grade, in plain words (Harris et al. 2016)."""
    return _grade(*_check_stages(skin, liver, upper_gi, lower_gi))[1]


@dataclass(frozen=True)
class GvhdAssessment:
    """Each organ's MAGIC stage, the overall grade, and the rule that decided it."""

    skin: int
    liver: int
    upper_gi: int
    lower_gi: int
    grade: int
    rule: str

    @property
    def stages(self) -> dict[str, int]:
        """Organ -> stage, in the order MAGIC lists them."""
        return {
            "skin": self.skin,
            "liver": self.liver,
            "upper_gi": self.upper_gi,
            "lower_gi": self.lower_gi,
        }

    @property
    def grade_name(self) -> str:
        """The grade as a Roman numeral ("0", "I" ... "IV")."""
        return MAGIC_GRADE_NAMES[self.grade]


@finite_result
def assess_acute_gvhd(
    *,
    rash_bsa_pct: float,
    bilirubin_mg_dl: float,
    persistent_nausea: bool,
    stool_ml_per_day: float,
    bullae_desquamation_pct: float = 0.0,
    severe_pain_ileus_or_bloody: bool = False,
) -> GvhdAssessment:
    """Stage every organ from the bedside findings and grade acute GVHD (MAGIC, Harris 2016)."""
    skin = magic_skin_stage(rash_bsa_pct, bullae_desquamation_pct=bullae_desquamation_pct)
    liver = magic_liver_stage(bilirubin_mg_dl)
    upper = magic_upper_gi_stage(persistent_nausea)
    lower = magic_lower_gi_stage(
        stool_ml_per_day, severe_pain_ileus_or_bloody=severe_pain_ileus_or_bloody
    )
    grade, rule = _grade(skin, liver, upper, lower)
    return GvhdAssessment(skin, liver, upper, lower, grade, rule)


# --- the EBMT risk score (Gratwohl et al. 1998, 2009) ----------------------------------

EBMT_DISEASE_STAGES = ("early", "intermediate", "late")
#: The donor categories the score defines: an HLA-identical sibling, or an unrelated donor.
EBMT_DONORS = ("sibling", "unrelated")
EBMT_SEXES = ("female", "male")
#: The factors :func:`ebmt_points` scores, in words.
EBMT_FACTORS: Mapping[str, str] = MappingProxyType(
    {
        "age": "age",
        "disease_stage": "disease stage",
        "time_from_diagnosis": "time from diagnosis",
        "donor": "donor",
        "sex_match": "donor-patient sex",
    }
)


@finite_result
def ebmt_points(
    *,
    age: float,
    disease_stage: str,
    months_from_diagnosis: float,
    donor: str,
    donor_sex: str,
    recipient_sex: str,
    first_complete_remission: bool = False,
) -> dict[str, int]:
    """The points each factor of the EBMT risk score adds (Gratwohl et al., Lancet 1998).

    age < 20 years -> 0, 20-40 -> 1, > 40 -> 2; disease stage early -> 0,
    intermediate -> 1, late -> 2; diagnosis to transplant < 12 months -> 0, 12 months
    or more -> 1 (always 0 for a patient in first complete remission); donor
    HLA-identical sibling -> 0, unrelated -> 1; female donor for a male recipient -> 1,
    any other combination -> 0. Haploidentical and cord-blood donors have no category
    in the published score, so they raise ``ValueError`` rather than being guessed.
    """
    age = check_range("age", age, 0, 100, unit="years")
    stage = check_choice("disease_stage", disease_stage, EBMT_DISEASE_STAGES)
    months = check_range("months_from_diagnosis", months_from_diagnosis, 0, 600, unit="months")
    if not isinstance(donor, str) or donor not in EBMT_DONORS:
        raise ValueError(
            f"donor: the EBMT risk score does not define a category for {donor!r} donors "
            "(it was built on HLA-identical sibling and unrelated donors; haploidentical and "
            "cord-blood donors have no published points); donor must be one of "
            + ", ".join(repr(d) for d in EBMT_DONORS)
        )
    d_sex = check_choice("donor_sex", donor_sex, EBMT_SEXES)
    r_sex = check_choice("recipient_sex", recipient_sex, EBMT_SEXES)
    in_cr1 = check_flag("first_complete_remission", first_complete_remission)
    return {
        "age": 0 if age < 20 else (1 if age <= 40 else 2),
        "disease_stage": EBMT_DISEASE_STAGES.index(stage),
        "time_from_diagnosis": 0 if in_cr1 or months < 12 else 1,
        "donor": EBMT_DONORS.index(donor),
        "sex_match": 1 if (d_sex, r_sex) == ("female", "male") else 0,
    }


@finite_result
def ebmt_score(
    *,
    age: float,
    disease_stage: str,
    months_from_diagnosis: float,
    donor: str,
    donor_sex: str,
    recipient_sex: str,
    first_complete_remission: bool = False,
) -> int:
    """The EBMT risk score, 0 (best) to 7 (worst): the sum of :func:`ebmt_points`.

    Gratwohl et al., Lancet 1998 (built on chronic myeloid leukaemia) and Cancer 2009
    (checked in all haematological diseases).
    """
    return sum(
        ebmt_points(
            age=age,
            disease_stage=disease_stage,
            months_from_diagnosis=months_from_diagnosis,
            donor=donor,
            donor_sex=donor_sex,
            recipient_sex=recipient_sex,
            first_complete_remission=first_complete_remission,
        ).values()
    )


@dataclass(frozen=True)
class EbmtCohort:
    """A published cohort's outcomes by EBMT score (5-year survival and TRM, in %)."""

    label: str
    patients: int
    disease: str
    years: str
    source: str
    #: score -> (5-year overall survival %, transplant-related mortality %), where reported.
    by_score: Mapping[int, tuple[float, float]]
    #: how the published groups map onto scores, e.g. {6: "6-7"}.
    group_labels: Mapping[int, str]
    #: The scores it reported, in words.
    reported: str

    @property
    def name(self) -> str:
        """Who the cohort was: its size, disease and years."""
        return f"{self.label}: {self.patients:,} patients with {self.disease}, EBMT {self.years}"

    @property
    def short_name(self) -> str:
        """The cohort, its size and years, in brackets."""
        return f"{self.label} ({self.patients:,} patients, EBMT {self.years})"


#: Chronic myeloid leukaemia, EBMT 1989-1997, n = 3,142 (Gratwohl et al., Lancet 1998).
#: Scores 0..6; the abstract reports no separate group for score 7.
EBMT_CML_1998 = EbmtCohort(
    label="CML cohort",
    patients=3142,
    disease="chronic myeloid leukaemia",
    years="1989-1997",
    source="gratwohl1998",
    by_score=MappingProxyType(
        {
            0: (72.0, 20.0),
            1: (70.0, 23.0),
            2: (62.0, 31.0),
            3: (48.0, 46.0),
            4: (40.0, 51.0),
            5: (18.0, 71.0),
            6: (22.0, 73.0),
        }
    ),
    group_labels=MappingProxyType({}),
    reported="0-6",
)

#: All haematological diseases, EBMT 1980-2005, n = 56,505 (Gratwohl et al., Cancer 2009):
#: the abstract reports score 0 and scores 6-7 only.
EBMT_ALL_DISEASES_2009 = EbmtCohort(
    label="All-diseases cohort",
    patients=56505,
    disease="blood disorders",
    years="1980-2005",
    source="gratwohl2009",
    by_score=MappingProxyType({0: (71.0, 15.0), 6: (24.0, 47.0), 7: (24.0, 47.0)}),
    group_labels=MappingProxyType({6: "6-7", 7: "6-7"}),
    reported="0 and 6-7",
)


@dataclass(frozen=True)
class EbmtOutcome:
    """What one published cohort saw at one EBMT score (``None`` where it did not report)."""

    cohort: str
    source: str
    score: int
    group: str
    survival_5y_pct: float | None
    transplant_related_mortality_pct: float | None

    @property
    def summary(self) -> str:
        """What the cohort saw at this score, in words ("not reported" where it did not say)."""
        survival, trm = (
            "not reported" if pct is None else f"{pct:g} %"
            for pct in (self.survival_5y_pct, self.transplant_related_mortality_pct)
        )
        return f"score {self.group}: 5-year survival {survival}, transplant-related mortality {trm}"


@finite_result
def ebmt_published_outcomes(score: int) -> tuple[EbmtOutcome, ...]:
    """The outcomes both EBMT cohorts published for ``score`` (0-7), CML cohort first.

    5-year overall survival and transplant-related mortality: Gratwohl et al., Lancet
    1998 (scores 0-6) and Cancer 2009 (score 0, and scores 6 and 7 together).
    """
    score = check_count("score", score, 0, 7)
    outcomes = []
    for cohort in (EBMT_CML_1998, EBMT_ALL_DISEASES_2009):
        values = cohort.by_score.get(score)
        outcomes.append(
            EbmtOutcome(
                cohort=cohort.name,
                source=cohort.source,
                score=score,
                group=cohort.group_labels.get(score, str(score)),
                survival_5y_pct=None if values is None else values[0],
                transplant_related_mortality_pct=None if values is None else values[1],
            )
        )
    return tuple(outcomes)


@finite_result
def assess_ebmt(
    *,
    age: float,
    disease_stage: str,
    months_from_diagnosis: float,
    donor: str,
    donor_sex: str,
    recipient_sex: str,
    first_complete_remission: bool = False,
) -> dict[str, Any]:
    """A patient's EBMT points by factor, the score, and what both cohorts saw at that score.

    :func:`ebmt_points` and :func:`ebmt_published_outcomes` (Gratwohl et al. 1998, 2009).
    """
    points = ebmt_points(
        age=age,
        disease_stage=disease_stage,
        months_from_diagnosis=months_from_diagnosis,
        donor=donor,
        donor_sex=donor_sex,
        recipient_sex=recipient_sex,
        first_complete_remission=first_complete_remission,
    )
    score = sum(points.values())
    return {"points": points, "score": score, "outcomes": ebmt_published_outcomes(score)}


# --- the HCT comorbidity index (Sorror et al. 2005) and HCT-CI/age (2014) --------------

#: Condition key -> (points, what counts), Sorror et al., Blood 2005.
HCT_CI_WEIGHTS: Mapping[str, tuple[int, str]] = MappingProxyType(
    {
        "arrhythmia": (1, "Arrhythmia (atrial fibrillation or flutter, sick sinus, ventricular)"),
        "cardiac": (1, "Heart disease (coronary disease, heart failure, infarction, EF ≤ 50 %)"),
        "inflammatory_bowel_disease": (1, "Inflammatory bowel disease (Crohn's, colitis)"),
        "diabetes": (1, "Diabetes treated with insulin or tablets"),
        "cerebrovascular": (1, "Cerebrovascular disease (stroke or transient ischaemic attack)"),
        "psychiatric": (1, "Psychiatric disturbance needing treatment (depression, anxiety)"),
        "hepatic_mild": (1, "Mild liver disease (chronic hepatitis, mildly raised tests)"),
        "obesity": (1, "Obesity (BMI over 35)"),
        "infection": (1, "Infection still treated after day 0"),
        "rheumatologic": (2, "Rheumatologic disease (lupus, rheumatoid arthritis, ...)"),
        "peptic_ulcer": (2, "Peptic ulcer needing treatment"),
        "renal": (2, "Moderate or severe kidney disease (creatinine > 2, dialysis)"),
        "pulmonary_moderate": (2, "Moderate lung disease (DLCO or FEV1 66-80 %)"),
        "prior_solid_tumor": (3, "A previous solid cancer (not skin cancer other than melanoma)"),
        "heart_valve": (3, "Heart-valve disease (not mitral valve prolapse)"),
        "pulmonary_severe": (3, "Severe lung disease (DLCO or FEV1 ≤ 65 %, oxygen)"),
        "hepatic_moderate_severe": (3, "Moderate or severe liver disease (cirrhosis, ...)"),
    }
)
HCT_CI_CONDITIONS = tuple(HCT_CI_WEIGHTS)
#: Levels of one organ that exclude each other: only the higher level counts.
_EXCLUSIVE = (
    ("hepatic_mild", "hepatic_moderate_severe"),
    ("pulmonary_moderate", "pulmonary_severe"),
)
#: The highest possible HCT-CI (every condition, the higher hepatic and pulmonary levels).
HCT_CI_MAX = sum(points for points, _ in HCT_CI_WEIGHTS.values()) - sum(
    HCT_CI_WEIGHTS[lower][0] for lower, _ in _EXCLUSIVE
)

#: Two-year non-relapse mortality by HCT-CI risk group, validation set of Sorror et al.,
#: Blood 2005 (1,055 patients divided into training and validation sets).
HCT_CI_NRM_2Y: Mapping[str, Sourced] = MappingProxyType(
    {
        "low": Sourced(14, "sorror2005", "HCT-CI 0"),
        "intermediate": Sourced(21, "sorror2005", "HCT-CI 1-2"),
        "high": Sourced(41, "sorror2005", "HCT-CI 3 or more"),
    }
)

#: The HCT-CI/age groups of Sorror et al., J Clin Oncol 2014: 0-2, 3-4, 5 or more.
HCT_CI_AGE_GROUPS = ("0-2", "3-4", "5 or more")


def _condition_set(conditions: Iterable[str]) -> set[str]:
    if isinstance(conditions, str | bytes) or not isinstance(conditions, Iterable):
        raise ValueError(
            "conditions must be a list (or other collection) of condition keys, "
            f"not {conditions!r}; the keys are " + ", ".join(HCT_CI_CONDITIONS)
        )
    chosen = set()
    for key in conditions:
        if not isinstance(key, str) or key not in HCT_CI_WEIGHTS:
            raise ValueError(
                f"conditions: unknown condition {key!r:.80}; conditions must hold only "
                "condition keys: " + ", ".join(HCT_CI_CONDITIONS)
            )
        chosen.add(key)
    return chosen


@finite_result
def hct_ci_points(conditions: Iterable[str]) -> dict[str, int]:
    """The points each listed condition adds to the HCT-CI (Sorror et al., Blood 2005).

    A condition listed twice counts once. Liver and lung levels exclude each other:
    only the higher level counts, so the lower one scores 0 when both are listed.
    """
    chosen = _condition_set(conditions)
    points = {key: HCT_CI_WEIGHTS[key][0] for key in HCT_CI_CONDITIONS if key in chosen}
    for lower, higher in _EXCLUSIVE:
        if lower in points and higher in points:
            points[lower] = 0
    return points


@finite_result
def hct_ci(conditions: Iterable[str]) -> int:
    """The HCT comorbidity index: the sum of :func:`hct_ci_points` (Sorror et al. 2005)."""
    return sum(hct_ci_points(conditions).values())


@finite_result
def hct_ci_age(conditions: Iterable[str], age: float) -> int:
    """HCT-CI/age: the HCT-CI plus 1 point for age 40 or over (Sorror et al., JCO 2014)."""
    score = hct_ci(conditions)
    age = check_range("age", age, 0, 100, unit="years")
    return score + (1 if age >= 40 else 0)


@finite_result
def hct_ci_risk_group(score: int) -> str:
    """The HCT-CI risk group: 0 "low", 1-2 "intermediate", 3 or more "high" (Sorror 2005)."""
    score = check_count("score", score, 0, HCT_CI_MAX)
    if score == 0:
        return "low"
    return "intermediate" if score <= 2 else "high"


@finite_result
def hct_ci_age_group(score: int) -> str:
    """The HCT-CI/age group, "0-2", "3-4" or "5 or more" (Sorror et al., JCO 2014)."""
    score = check_count("score", score, 0, HCT_CI_MAX + 1)
    if score <= 2:
        return HCT_CI_AGE_GROUPS[0]
    return HCT_CI_AGE_GROUPS[1] if score <= 4 else HCT_CI_AGE_GROUPS[2]


@finite_result
def assess_hct_ci(conditions: Iterable[str], age: float) -> dict[str, Any]:
    """The HCT-CI and its risk group (Sorror 2005), HCT-CI/age and its group (Sorror 2014)."""
    chosen = _condition_set(conditions)
    score, with_age = hct_ci(chosen), hct_ci_age(chosen, age)
    group, age_group = hct_ci_risk_group(score), hct_ci_age_group(with_age)
    return {"score": score, "group": group, "with_age": with_age, "age_group": age_group}


# --- the Karnofsky performance scale ---------------------------------------------------

#: Karnofsky performance status, 100 (normal) to 0 (dead), in steps of 10
#: (Karnofsky and Burchenal 1949, as tabulated by Péus et al. 2013).
KARNOFSKY_SCALE: Mapping[int, str] = MappingProxyType(
    {
        100: "normal, no complaints, no evidence of disease",
        90: "able to carry on normal activity; minor signs or symptoms of disease",
        80: "normal activity with effort; some signs or symptoms of disease",
        70: "cares for self; unable to carry on normal activity or to do active work",
        60: "requires occasional assistance but is able to care for most personal needs",
        50: "requires considerable assistance and frequent medical care",
        40: "disabled; requires special care and assistance",
        30: "severely disabled; hospital admission indicated although death not imminent",
        20: "very sick; hospital admission and active supportive treatment necessary",
        10: "moribund; fatal processes progressing rapidly",
        0: "dead",
    }
)


@finite_result
def karnofsky_description(score: int) -> str:
    """What a Karnofsky performance status (0-100, in steps of 10) means (Péus et al. 2013)."""
    score = check_count("score", score, 0, 100)
    if score % 10:
        raise ValueError(f"score must be a multiple of 10 from 0 to 100; got {score!r}")
    return KARNOFSKY_SCALE[score]


# --- infection risk after an allogeneic transplant (Tomblyn et al. 2009) ---------------

#: What is done against each phase's infections, in plain words (Tomblyn et al. 2009;
#: letermovir prophylaxis against CMV, standard since Marty et al., NEJM 2017).
INFECTION_PREVENTION: Mapping[str, str] = MappingProxyType(
    {
        "Pre-engraftment": (
            "antibiotics at the first fever, antifungal and antiviral (herpes) prophylaxis, "
            "careful catheter care and hand hygiene"
        ),
        "Early post-engraftment": (
            "letermovir to prevent CMV in CMV-positive patients (to about day 100) and "
            "regular blood tests for CMV, prophylaxis against Pneumocystis, closer watch "
            "for moulds while GVHD is treated"
        ),
        "Late": (
            "vaccinations given again from the start, antibiotics against encapsulated "
            "bacteria while chronic GVHD is treated, antiviral prophylaxis against zoster"
        ),
    }
)

_HORIZON_DAYS = 365.0


@dataclass(frozen=True)
class TimelinePhase:
    """One phase of infection risk placed on a patient's own timeline."""

    name: str
    start_day: float
    end_day: float
    reason: str
    germs: tuple[str, ...]
    prevention: str
    raised_by_gvhd: bool


@dataclass(frozen=True)
class InfectionTimeline:
    """The three phases of infection risk in a patient's first year after transplant."""

    #: ``None`` when the graft did not engraft (graft failure).
    engraftment_day: float | None
    gvhd: bool
    phases: tuple[TimelinePhase, ...]
    #: The approximate end of the pre-engraftment phase in the guideline (day 30).
    typical_engraftment_day: float
    horizon_days: float = _HORIZON_DAYS

    def phase_on(self, day: float) -> TimelinePhase:
        """The phase that ``day`` (0 to the horizon) falls in."""
        day = check_range("day", day, 0, self.horizon_days, unit="days after infusion")
        for phase in self.phases:
            if day < phase.end_day:
                return phase
        return next(p for p in reversed(self.phases) if p.end_day > p.start_day)


@finite_result
def infection_timeline(engraftment_day: float | None, *, gvhd: bool) -> InfectionTimeline:
    """The phases of infection risk over the first year, for a given engraftment day.

    Tomblyn et al. (2009) describe three phases: before engraftment (no neutrophils,
    damaged gut lining, catheters; about day 0-30), early after engraftment (weak
    T-cell immunity and acute GVHD; to about day 100) and late (chronic GVHD, low
    antibodies; after day 100). As everywhere in the course (``infection_phase_bounds``,
    shared with lesson 00), the first phase ends on the patient's own engraftment day,
    and the second ends on day 100 (or at engraftment, if that were later). ``None``
    means the graft never engrafted (graft failure): the first phase then lasts the
    whole year and the others are empty. With ``gvhd`` the phases after engraftment
    are marked as raised: GVHD and the drugs that treat it weaken defences further,
    and chronic GVHD is what keeps the late risk high (Tomblyn et al. 2009).
    """
    if engraftment_day is None:
        engraft = _HORIZON_DAYS
    else:
        engraft = check_range(
            "engraftment_day", engraftment_day, 0, _HORIZON_DAYS, low_open=True, unit="days"
        )
    gvhd = check_flag("gvhd", gvhd)
    pre, early, late = INFECTION_PHASES
    (_, _), (_, early_end), (_, _) = infection_phase_bounds(engraft)
    bounds = ((0.0, engraft), (engraft, early_end), (early_end, _HORIZON_DAYS))
    phases = tuple(
        TimelinePhase(
            name=phase.name,
            start_day=start,
            end_day=end,
            reason=phase.reason,
            germs=phase.germs,
            prevention=INFECTION_PREVENTION[phase.name],
            raised_by_gvhd=gvhd and phase is not pre,
        )
        for phase, (start, end) in zip((pre, early, late), bounds, strict=True)
    )
    return InfectionTimeline(
        engraftment_day=None if engraftment_day is None else engraft,
        gvhd=gvhd,
        phases=phases,
        typical_engraftment_day=float(pre.end_day or 30),
    )


@finite_result
def cd34_dose_at_pct_of_typical(graft_source: str, dose_pct: float) -> float:
    """The CD34+ dose (10^6 cells/kg) at ``dose_pct`` % of the graft's typical dose.

    Kept within the graft's dose range in ``GRAFT_CD34_DOSES`` (lesson 01's teaching
    model): typical doses from Lickliter et al. 2000, Bittencourt et al. 2002 and Majhail
    et al. 2008 (assumed for haploidentical marrow), ranges from the cited cohorts or
    assumed where marked there.
    """
    source = check_choice("graft_source", graft_source, GRAFT_CD34_DOSES)
    pct = check_range("dose_pct", dose_pct, 0, 1000, low_open=True, unit="% of the typical dose")
    dose = GRAFT_CD34_DOSES[source]
    return min(max(dose.typical * pct / 100.0, dose.minimum), dose.maximum)
