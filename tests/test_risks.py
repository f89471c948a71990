"""Lesson 04's science: MAGIC staging, the EBMT score, HCT-CI, Karnofsky, the infection timeline.

Published tables are checked row by row, including every boundary value; property
tests sweep each control's whole range; bad input must name the field.
"""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from widgets import science
from widgets.science.published import INFECTION_PHASES

# --- MAGIC organ staging (Harris et al. 2016), row by row, every boundary --------------


@pytest.mark.parametrize(
    ("rash", "bullae", "stage"),
    [
        (0, 0, 0),
        (0, 50, 0),  # blisters without an active rash are not staged as skin GVHD
        (0.1, 0, 1),
        (1, 0, 1),
        (24.9, 0, 1),
        (25, 0, 2),
        (37, 0, 2),
        (50, 0, 2),
        (50, 20, 2),  # bullae count only with generalised erythroderma (> 50 %)
        (50.1, 0, 3),
        (80, 5, 3),  # bullae or desquamation must exceed 5 %
        (80, 5.1, 4),
        (100, 0, 3),
        (100, 100, 4),
    ],
)
def test_magic_skin_stage(rash, bullae, stage):
    assert science.magic_skin_stage(rash, bullae_desquamation_pct=bullae) == stage


@pytest.mark.parametrize(
    ("bilirubin", "stage"),
    [
        (0, 0),
        (1.99, 0),
        (2, 1),
        (2.5, 1),
        (3, 1),
        (3.01, 2),
        (3.1, 2),
        (6, 2),
        (6.01, 3),
        (6.1, 3),
        (15, 3),
        (15.01, 4),
        (40, 4),
    ],
)
def test_magic_liver_stage(bilirubin, stage):
    assert science.magic_liver_stage(bilirubin) == stage


@pytest.mark.parametrize(("persistent", "stage"), [(False, 0), (True, 1)])
def test_magic_upper_gi_stage(persistent, stage):
    assert science.magic_upper_gi_stage(persistent) == stage


@pytest.mark.parametrize(
    ("stool", "severe", "stage"),
    [
        (0, False, 0),
        (499, False, 0),
        (499.9, False, 0),
        (500, False, 1),
        (999, False, 1),
        (999.9, False, 1),
        (1000, False, 2),
        (1500, False, 2),
        (1500.1, False, 3),
        (5000, False, 3),
        (0, True, 4),  # severe pain, ileus or grossly bloody stool whatever the volume
        (800, True, 4),
        (3000, True, 4),
    ],
)
def test_magic_lower_gi_stage(stool, severe, stage):
    assert science.magic_lower_gi_stage(stool, severe_pain_ileus_or_bloody=severe) == stage


# --- MAGIC overall grade: the published rules, row by row ------------------------------

GRADE_ROWS = [
    # skin, liver, upper GI, lower GI -> grade
    (0, 0, 0, 0, 0),  # 0: no organ involved
    (1, 0, 0, 0, 1),  # I: skin 1-2 without liver, upper or lower GI
    (2, 0, 0, 0, 1),
    (3, 0, 0, 0, 2),  # II: skin 3 ...
    (0, 1, 0, 0, 2),  # ... and/or liver 1
    (0, 0, 1, 0, 2),  # ... and/or upper GI 1
    (0, 0, 0, 1, 2),  # ... and/or lower GI 1
    (2, 0, 1, 0, 2),
    (3, 1, 1, 1, 2),
    (0, 2, 0, 0, 3),  # III: liver 2-3 and/or lower GI 2-3 (skin 0-3, upper GI 0-1)
    (0, 3, 0, 0, 3),
    (0, 0, 0, 2, 3),
    (0, 0, 0, 3, 3),
    (3, 3, 1, 3, 3),
    (1, 2, 0, 1, 3),
    (4, 0, 0, 0, 4),  # IV: stage 4 skin, liver or lower GI
    (0, 4, 0, 0, 4),
    (0, 0, 0, 4, 4),
    (4, 4, 1, 4, 4),
    (1, 0, 1, 4, 4),
]


@pytest.mark.parametrize(("skin", "liver", "upper", "lower", "grade"), GRADE_ROWS)
def test_magic_grade_follows_the_published_rules(skin, liver, upper, lower, grade):
    assert science.magic_grade(skin, liver, upper, lower) == grade
    rule = science.magic_grade_rule(skin, liver, upper, lower)
    assert f"grade {science.MAGIC_GRADE_NAMES[grade]}" in rule or grade == 0


def test_the_grade_is_not_simply_the_highest_stage():
    assert science.magic_grade(3, 0, 0, 0) == 2  # highest stage 3, grade II
    assert science.magic_grade(0, 1, 0, 0) == 2  # highest stage 1, grade II
    assert science.magic_grade(0, 2, 0, 0) == 3  # highest stage 2, grade III


def _grade_by_definition(skin: int, liver: int, upper: int, lower: int) -> int:
    """The MAGIC grade table read literally, as an independent oracle."""
    if 4 in (skin, liver, lower):
        return 4
    if liver in (2, 3) or lower in (2, 3):
        return 3
    if skin == 3 or 1 in (liver, upper, lower):
        return 2
    if skin in (1, 2):
        return 1
    return 0


def test_every_stage_combination_matches_the_table():
    for combo in itertools.product(range(5), range(5), range(2), range(5)):
        assert science.magic_grade(*combo) == _grade_by_definition(*combo), combo


@given(
    rash=st.floats(0, 100),
    bullae=st.floats(0, 100),
    bilirubin=st.floats(0, 100),
    nausea=st.booleans(),
    stool=st.floats(0, 20_000),
    severe=st.booleans(),
)
def test_assessment_is_consistent_over_every_control_range(
    rash, bullae, bilirubin, nausea, stool, severe
):
    result = science.assess_acute_gvhd(
        rash_bsa_pct=rash,
        bullae_desquamation_pct=bullae,
        bilirubin_mg_dl=bilirubin,
        persistent_nausea=nausea,
        stool_ml_per_day=stool,
        severe_pain_ileus_or_bloody=severe,
    )
    stages = (result.skin, result.liver, result.upper_gi, result.lower_gi)
    assert result.grade == _grade_by_definition(*stages)
    assert 0 <= result.grade <= 4 and result.rule
    assert result.stages == dict(
        zip(("skin", "liver", "upper_gi", "lower_gi"), stages, strict=True)
    )


@given(a=st.floats(0, 100), b=st.floats(0, 100))
def test_more_rash_never_lowers_the_skin_stage(a, b):
    low, high = sorted((a, b))
    assert science.magic_skin_stage(low) <= science.magic_skin_stage(high)


@given(a=st.floats(0, 100), b=st.floats(0, 100))
def test_more_bilirubin_never_lowers_the_liver_stage(a, b):
    low, high = sorted((a, b))
    assert science.magic_liver_stage(low) <= science.magic_liver_stage(high)


@given(a=st.floats(0, 20_000), b=st.floats(0, 20_000))
def test_more_diarrhoea_never_lowers_the_lower_gi_stage(a, b):
    low, high = sorted((a, b))
    assert science.magic_lower_gi_stage(low) <= science.magic_lower_gi_stage(high)


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: science.magic_skin_stage(-1), "rash_bsa_pct"),
        (lambda: science.magic_skin_stage(101), "rash_bsa_pct"),
        (lambda: science.magic_skin_stage(math.nan), "rash_bsa_pct"),
        (lambda: science.magic_skin_stage("20"), "rash_bsa_pct"),
        (lambda: science.magic_skin_stage(60, bullae_desquamation_pct=-5), "bullae_desquamation"),
        (lambda: science.magic_liver_stage(-0.1), "bilirubin_mg_dl"),
        (lambda: science.magic_liver_stage(math.inf), "bilirubin_mg_dl"),
        (lambda: science.magic_upper_gi_stage("yes"), "persistent_nausea"),
        (lambda: science.magic_upper_gi_stage(1), "persistent_nausea"),
        (lambda: science.magic_lower_gi_stage(-10), "stool_ml_per_day"),
        (lambda: science.magic_lower_gi_stage(True), "stool_ml_per_day"),
        (
            lambda: science.magic_lower_gi_stage(100, severe_pain_ileus_or_bloody=None),
            "severe_pain_ileus_or_bloody",
        ),
        (lambda: science.magic_grade(5, 0, 0, 0), "skin"),
        (lambda: science.magic_grade(0, -1, 0, 0), "liver"),
        (lambda: science.magic_grade(0, 0, 2, 0), "upper_gi"),
        (lambda: science.magic_grade(0, 0, 0, 1.5), "lower_gi"),
    ],
)
def test_gvhd_bad_input_names_the_field(call, field):
    with pytest.raises(ValueError, match=field):
        call()


# --- the EBMT risk score (Gratwohl 1998) ------------------------------------------------

BASE = {
    "age": 10,
    "disease_stage": "early",
    "months_from_diagnosis": 3,
    "donor": "sibling",
    "donor_sex": "male",
    "recipient_sex": "male",
}


@pytest.mark.parametrize(
    ("change", "factor", "points"),
    [
        ({"age": 0}, "age", 0),
        ({"age": 19}, "age", 0),
        ({"age": 19.9}, "age", 0),
        ({"age": 20}, "age", 1),
        ({"age": 30}, "age", 1),
        ({"age": 40}, "age", 1),
        ({"age": 40.1}, "age", 2),
        ({"age": 41}, "age", 2),
        ({"age": 75}, "age", 2),
        ({"disease_stage": "early"}, "disease_stage", 0),
        ({"disease_stage": "intermediate"}, "disease_stage", 1),
        ({"disease_stage": "late"}, "disease_stage", 2),
        ({"months_from_diagnosis": 0}, "time_from_diagnosis", 0),
        ({"months_from_diagnosis": 11.9}, "time_from_diagnosis", 0),
        ({"months_from_diagnosis": 12}, "time_from_diagnosis", 1),
        ({"months_from_diagnosis": 60}, "time_from_diagnosis", 1),
        (
            {"months_from_diagnosis": 30, "first_complete_remission": True},
            "time_from_diagnosis",
            0,
        ),
        ({"donor": "sibling"}, "donor", 0),
        ({"donor": "unrelated"}, "donor", 1),
        ({"donor_sex": "female", "recipient_sex": "male"}, "sex_match", 1),
        ({"donor_sex": "male", "recipient_sex": "female"}, "sex_match", 0),
        ({"donor_sex": "female", "recipient_sex": "female"}, "sex_match", 0),
        ({"donor_sex": "male", "recipient_sex": "male"}, "sex_match", 0),
    ],
)
def test_ebmt_points_table_row_by_row(change, factor, points):
    got = science.ebmt_points(**{**BASE, **change})
    assert got[factor] == points
    assert sum(got.values()) == points  # every other factor of BASE scores 0


def test_ebmt_score_range_is_0_to_7():
    assert science.ebmt_score(**BASE) == 0
    worst = {
        "age": 50,
        "disease_stage": "late",
        "months_from_diagnosis": 24,
        "donor": "unrelated",
        "donor_sex": "female",
        "recipient_sex": "male",
    }
    assert science.ebmt_score(**worst) == 7


@pytest.mark.parametrize("donor", ["haploidentical", "cord_blood", "cord blood", "mismatched"])
def test_ebmt_score_refuses_donors_it_does_not_define(donor):
    with pytest.raises(ValueError, match=r"donor: the EBMT risk score does not define"):
        science.ebmt_score(**{**BASE, "donor": donor})


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"age": -1}, "age"),
        ({"age": 120}, "age"),
        ({"age": "40"}, "age"),
        ({"disease_stage": "advanced"}, "disease_stage"),
        ({"months_from_diagnosis": -3}, "months_from_diagnosis"),
        ({"donor": None}, "donor"),
        ({"donor_sex": "F"}, "donor_sex"),
        ({"recipient_sex": "man"}, "recipient_sex"),
        ({"first_complete_remission": "yes"}, "first_complete_remission"),
    ],
)
def test_ebmt_bad_input_names_the_field(change, field):
    with pytest.raises(ValueError, match=field):
        science.ebmt_score(**{**BASE, **change})


@given(
    age=st.floats(0, 100),
    stage=st.sampled_from(science.EBMT_DISEASE_STAGES),
    months=st.floats(0, 600),
    donor=st.sampled_from(science.EBMT_DONORS),
    donor_sex=st.sampled_from(science.EBMT_SEXES),
    recipient_sex=st.sampled_from(science.EBMT_SEXES),
    cr1=st.booleans(),
)
def test_ebmt_score_over_every_control_range(
    age, stage, months, donor, donor_sex, recipient_sex, cr1
):
    patient = {
        "age": age,
        "disease_stage": stage,
        "months_from_diagnosis": months,
        "donor": donor,
        "donor_sex": donor_sex,
        "recipient_sex": recipient_sex,
        "first_complete_remission": cr1,
    }
    score = science.ebmt_score(**patient)
    assert score == sum(science.ebmt_points(**patient).values())
    assert 0 <= score <= 7
    older = science.ebmt_score(**{**patient, "age": min(100.0, age + 25)})
    assert older >= score  # age never lowers the score


# Published outcomes: Gratwohl 1998 (CML, n = 3,142) per score; Gratwohl 2009 (n = 56,505).
CML_1998 = [
    (0, 72, 20),
    (1, 70, 23),
    (2, 62, 31),
    (3, 48, 46),
    (4, 40, 51),
    (5, 18, 71),
    (6, 22, 73),
    (7, None, None),
]
ALL_2009 = [
    (0, 71, 15),
    (1, None, None),
    (2, None, None),
    (3, None, None),
    (4, None, None),
    (5, None, None),
    (6, 24, 47),
    (7, 24, 47),
]


@pytest.mark.parametrize(
    ("score", "cml", "everyone"),
    [
        (s, (sv, trm), (sv2, trm2))
        for (s, sv, trm), (_, sv2, trm2) in zip(CML_1998, ALL_2009, strict=True)
    ],
)
def test_ebmt_published_outcomes_row_by_row(score, cml, everyone):
    first, second = science.ebmt_published_outcomes(score)
    assert (first.survival_5y_pct, first.transplant_related_mortality_pct) == cml
    assert (second.survival_5y_pct, second.transplant_related_mortality_pct) == everyone
    assert first.source == "gratwohl1998" and "3,142" in first.cohort and "CML" in first.cohort
    assert second.source == "gratwohl2009" and "56,505" in second.cohort
    assert second.group == ("6-7" if score >= 6 else str(score))


def test_ebmt_cohorts_name_their_size_and_the_scores_they_reported():
    cml, everyone = science.EBMT_CML_1998, science.EBMT_ALL_DISEASES_2009
    assert cml.name == "CML cohort: 3,142 patients with chronic myeloid leukaemia, EBMT 1989-1997"
    assert cml.short_name == "CML cohort (3,142 patients, EBMT 1989-1997)"
    assert everyone.short_name == "All-diseases cohort (56,505 patients, EBMT 1980-2005)"
    assert cml.reported == "0-6" and sorted(cml.by_score) == [0, 1, 2, 3, 4, 5, 6]
    assert everyone.reported == "0 and 6-7" and sorted(everyone.by_score) == [0, 6, 7]


@pytest.mark.parametrize("score", [-1, 8, 2.5, "3", None])
def test_ebmt_outcomes_reject_impossible_scores(score):
    with pytest.raises(ValueError, match="score"):
        science.ebmt_published_outcomes(score)


def test_ebmt_assessment_is_the_points_their_sum_and_the_outcomes_at_it():
    patient = {**BASE, "age": 45, "disease_stage": "intermediate", "months_from_diagnosis": 14}
    ebmt = science.assess_ebmt(**patient)
    assert ebmt["points"] == science.ebmt_points(**patient)
    assert ebmt["score"] == science.ebmt_score(**patient) == 4
    assert ebmt["outcomes"] == science.ebmt_published_outcomes(4)
    assert list(ebmt["points"]) == list(science.EBMT_FACTORS)
    cml, everyone = ebmt["outcomes"]
    assert cml.summary == "score 4: 5-year survival 40 %, transplant-related mortality 51 %"
    assert everyone.summary == (
        "score 4: 5-year survival not reported, transplant-related mortality not reported"
    )
    with pytest.raises(ValueError, match="donor"):
        science.assess_ebmt(**{**patient, "donor": "cord_blood"})


# --- HCT-CI (Sorror 2005) and HCT-CI/age (Sorror 2014) ---------------------------------

WEIGHTS = [
    ("arrhythmia", 1),
    ("cardiac", 1),
    ("inflammatory_bowel_disease", 1),
    ("diabetes", 1),
    ("cerebrovascular", 1),
    ("psychiatric", 1),
    ("hepatic_mild", 1),
    ("obesity", 1),
    ("infection", 1),
    ("rheumatologic", 2),
    ("peptic_ulcer", 2),
    ("renal", 2),
    ("pulmonary_moderate", 2),
    ("prior_solid_tumor", 3),
    ("heart_valve", 3),
    ("pulmonary_severe", 3),
    ("hepatic_moderate_severe", 3),
]


@pytest.mark.parametrize(("condition", "points"), WEIGHTS)
def test_hct_ci_weights_row_by_row(condition, points):
    assert science.hct_ci([condition]) == points
    assert science.HCT_CI_WEIGHTS[condition][0] == points


def test_the_issue_lists_every_condition_key():
    assert set(science.HCT_CI_CONDITIONS) == {key for key, _ in WEIGHTS}


@pytest.mark.parametrize(
    ("conditions", "score"),
    [
        ([], 0),
        (("hepatic_mild", "hepatic_moderate_severe"), 3),
        (("pulmonary_moderate", "pulmonary_severe"), 3),
        (["hepatic_mild", "pulmonary_moderate"], 3),
        (["diabetes", "diabetes"], 1),  # listed twice, counted once
        ({"diabetes", "obesity", "renal"}, 4),
        (iter(["prior_solid_tumor", "heart_valve"]), 6),
        ([key for key, _ in WEIGHTS], 26),
    ],
)
def test_hct_ci_sums_with_exclusive_levels(conditions, score):
    assert science.hct_ci(conditions) == score


def test_hct_ci_max_is_every_condition_with_the_higher_levels():
    assert science.HCT_CI_MAX == 26


@pytest.mark.parametrize(
    ("score", "group", "nrm"),
    [
        (0, "low", 14),
        (1, "intermediate", 21),
        (2, "intermediate", 21),
        (3, "high", 41),
        (4, "high", 41),
        (26, "high", 41),
    ],
)
def test_hct_ci_risk_groups_and_published_nrm(score, group, nrm):
    assert science.hct_ci_risk_group(score) == group
    assert science.HCT_CI_NRM_2Y[group].value == nrm
    assert science.HCT_CI_NRM_2Y[group].source == "sorror2005"


@pytest.mark.parametrize(
    ("conditions", "age", "score"),
    [
        ([], 0, 0),
        ([], 39, 0),
        ([], 39.9, 0),
        ([], 40, 1),
        ([], 65, 1),
        (["renal"], 39, 2),
        (["renal"], 40, 3),
        (["pulmonary_severe", "pulmonary_moderate"], 70, 4),
    ],
)
def test_hct_ci_age_adds_one_point_from_age_40(conditions, age, score):
    assert science.hct_ci_age(conditions, age) == score


@pytest.mark.parametrize(
    ("score", "group"),
    [(0, "0-2"), (2, "0-2"), (3, "3-4"), (4, "3-4"), (5, "5 or more"), (27, "5 or more")],
)
def test_hct_ci_age_groups(score, group):
    assert science.hct_ci_age_group(score) == group


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: science.hct_ci(["diabetes", "flu"]), "conditions: unknown condition 'flu'"),
        (lambda: science.hct_ci("diabetes"), "conditions must be a list"),
        (lambda: science.hct_ci(None), "conditions must be a list"),
        (lambda: science.hct_ci([3]), "conditions: unknown condition 3"),
        (lambda: science.hct_ci_age([], -1), "age"),
        (lambda: science.hct_ci_age([], "50"), "age"),
        (lambda: science.hct_ci_risk_group(-1), "score"),
        (lambda: science.hct_ci_risk_group(27), "score"),
        (lambda: science.hct_ci_risk_group(1.5), "score"),
        (lambda: science.hct_ci_age_group(28), "score"),
    ],
)
def test_hct_ci_bad_input_names_the_field(call, field):
    with pytest.raises(ValueError, match=field):
        call()


def test_hct_ci_assessment_gives_both_scores_and_their_groups():
    got = science.assess_hct_ci(iter(["psychiatric", "renal", "diabetes"]), 45)
    assert got == {"score": 4, "group": "high", "with_age": 5, "age_group": "5 or more"}
    assert science.assess_hct_ci([], 34)["group"] == "low"
    with pytest.raises(ValueError, match="conditions must be a list"):
        science.assess_hct_ci("diabetes", 45)
    with pytest.raises(ValueError, match="age"):
        science.assess_hct_ci(["diabetes"], -1)


def test_unknown_condition_lists_the_valid_keys():
    with pytest.raises(ValueError) as caught:
        science.hct_ci(["lungs"])
    for key, _ in WEIGHTS:
        assert key in str(caught.value)


@given(
    conditions=st.lists(st.sampled_from([key for key, _ in WEIGHTS]), max_size=30),
    age=st.floats(0, 100),
)
def test_hct_ci_over_every_combination(conditions, age):
    score = science.hct_ci(conditions)
    chosen = set(conditions)
    expected = sum(points for key, points in WEIGHTS if key in chosen)
    for lower, higher in (
        ("hepatic_mild", "hepatic_moderate_severe"),
        ("pulmonary_moderate", "pulmonary_severe"),
    ):
        if lower in chosen and higher in chosen:
            expected -= dict(WEIGHTS)[lower]
    assert score == expected
    assert 0 <= score <= science.HCT_CI_MAX
    assert science.hct_ci_age(conditions, age) - score == (1 if age >= 40 else 0)
    assert science.hct_ci_risk_group(score) in ("low", "intermediate", "high")
    assert science.hct_ci([*conditions, "obesity"]) >= score  # never lowers


# --- Karnofsky ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "words"),
    [
        (100, "normal"),
        (90, "minor signs"),
        (80, "with effort"),
        (70, "cares for self"),
        (60, "occasional assistance"),
        (50, "considerable assistance"),
        (40, "disabled"),
        (30, "severely disabled"),
        (20, "very sick"),
        (10, "moribund"),
        (0, "dead"),
    ],
)
def test_karnofsky_scale_row_by_row(score, words):
    assert words in science.karnofsky_description(score)


@pytest.mark.parametrize("score", [-10, 110, 75, 5, 70.5, "70", None])
def test_karnofsky_rejects_off_scale_values(score):
    with pytest.raises(ValueError, match="score"):
        science.karnofsky_description(score)


# --- the infection timeline (Tomblyn 2009) ----------------------------------------------


def test_timeline_reuses_the_published_phases():
    timeline = science.infection_timeline(19, gvhd=False)
    assert [p.name for p in timeline.phases] == [p.name for p in INFECTION_PHASES]
    for placed, published in zip(timeline.phases, INFECTION_PHASES, strict=True):
        assert placed.germs == published.germs and placed.reason == published.reason
        assert placed.prevention
    assert timeline.typical_engraftment_day == 30


@pytest.mark.parametrize(
    ("engraft", "bounds"),
    [
        (14, [(0, 14), (14, 100), (100, 365)]),
        (19, [(0, 19), (19, 100), (100, 365)]),
        (30, [(0, 30), (30, 100), (100, 365)]),
        (100, [(0, 100), (100, 100), (100, 365)]),
        (120, [(0, 120), (120, 120), (120, 365)]),
        (None, [(0, 365), (365, 365), (365, 365)]),
    ],
)
def test_timeline_pre_engraftment_ends_on_the_engraftment_day(engraft, bounds):
    timeline = science.infection_timeline(engraft, gvhd=False)
    assert [(p.start_day, p.end_day) for p in timeline.phases] == bounds
    assert timeline.engraftment_day == engraft


@pytest.mark.parametrize(("gvhd", "raised"), [(False, [False] * 3), (True, [False, True, True])])
def test_gvhd_raises_the_phases_after_engraftment(gvhd, raised):
    timeline = science.infection_timeline(20, gvhd=gvhd)
    assert [p.raised_by_gvhd for p in timeline.phases] == raised


@pytest.mark.parametrize(
    ("day", "phase"),
    [
        (0, "Pre-engraftment"),
        (18.9, "Pre-engraftment"),
        (19, "Early post-engraftment"),
        (99, "Early post-engraftment"),
        (100, "Late"),
        (365, "Late"),
    ],
)
def test_phase_on_a_day(day, phase):
    assert science.infection_timeline(19, gvhd=True).phase_on(day).name == phase


@given(engraft=st.floats(0.5, 365), gvhd=st.booleans(), day=st.floats(0, 365))
def test_timeline_covers_the_year_without_gaps(engraft, gvhd, day):
    timeline = science.infection_timeline(engraft, gvhd=gvhd)
    phases = timeline.phases
    assert phases[0].start_day == 0 and phases[-1].end_day == 365
    for before, after in itertools.pairwise(phases):
        assert before.end_day == after.start_day
    assert all(p.end_day >= p.start_day for p in phases)
    found = timeline.phase_on(day)
    assert found.start_day <= day <= found.end_day


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: science.infection_timeline(0, gvhd=False), "engraftment_day"),
        (lambda: science.infection_timeline(400, gvhd=False), "engraftment_day"),
        (lambda: science.infection_timeline("19", gvhd=False), "engraftment_day"),
        (lambda: science.infection_timeline(19, gvhd="no"), "gvhd"),
        (lambda: science.infection_timeline(19, gvhd=False).phase_on(-1), "day"),
    ],
)
def test_timeline_bad_input_names_the_field(call, field):
    with pytest.raises(ValueError, match=field):
        call()


# --- the cell dose as a share of the graft's typical dose ------------------------------


@pytest.mark.parametrize(
    ("source", "pct", "dose"),
    [
        ("bone_marrow", 100, 3.7),  # the typical dose
        ("bone_marrow", 50, 1.85),
        ("peripheral_blood", 200, 13.4),
        ("peripheral_blood", 250, 15.0),  # 16.75 is above the range: kept at its top
        ("double_cord_blood", 25, 0.1),  # the range's bottom
        ("double_cord_blood", 250, 1.0),
    ],
)
def test_cd34_dose_at_pct_of_typical_stays_in_the_grafts_range(source, pct, dose):
    assert science.cd34_dose_at_pct_of_typical(source, pct) == pytest.approx(dose)


@pytest.mark.parametrize(
    ("source", "pct", "field"),
    [
        ("marrow", 100, "graft_source"),
        ("bone_marrow", 0, "dose_pct"),
        ("bone_marrow", "1", "dose_pct"),
    ],
)
def test_cd34_dose_bad_input_names_the_field(source, pct, field):
    with pytest.raises(ValueError, match=field):
        science.cd34_dose_at_pct_of_typical(source, pct)
