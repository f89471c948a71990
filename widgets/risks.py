"""Lesson 04's explorers: GVHD staging, the infection timeline, and who is fit for a transplant."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from . import science
from .science.aplastic import GRAFT_CD34_DOSES, engraftment_day
from .science.published import GRAFT_SOURCE_LABELS
from .science.risks import (
    EBMT_ALL_DISEASES_2009,
    EBMT_CML_1998,
    HCT_CI_NRM_2Y,
    HCT_CI_WEIGHTS,
)
from .ui import theme
from .ui.controls import checkbox, choice, slider, toggle
from .ui.explorer import Explorer, register

LESSON = "04-risks"

__all__ = [
    "EbmtScoreExplorer",
    "FitnessExplorer",
    "GvhdStagingExplorer",
    "InfectionTimelineExplorer",
    "print_ebmt_outcomes",
    "print_gvhd_grade",
    "print_hct_ci",
]

_YES_NO = [("Yes", True), ("No", False)]


def _pct(value: float | None) -> str:
    return "not reported" if value is None else f"{value:g} %"


# --- printed summaries for the lesson's checked cells ----------------------------------


def print_gvhd_grade(**findings: Any) -> None:
    """Print each organ's MAGIC stage, the overall grade and the rule that decided it."""
    result = science.assess_acute_gvhd(**findings)
    print(
        f"Stages: skin {result.skin}, liver {result.liver}, upper GI {result.upper_gi}, "
        f"lower GI {result.lower_gi}"
    )
    print(f"Overall grade {result.grade_name}: {result.rule}")


_EBMT_FACTORS = {
    "age": "age",
    "disease_stage": "disease stage",
    "time_from_diagnosis": "time from diagnosis",
    "donor": "donor",
    "sex_match": "donor-patient sex",
}


def print_ebmt_outcomes(**patient: Any) -> None:
    """Print a patient's EBMT risk score, its points, and what both cohorts saw at that score."""
    points = science.ebmt_points(**patient)
    score = sum(points.values())
    listed = ", ".join(f"{_EBMT_FACTORS[name]} {p}" for name, p in points.items())
    print(f"EBMT risk score {score} ({listed})")
    for outcome in science.ebmt_published_outcomes(score):
        print(
            f"{outcome.cohort}, score {outcome.group}: 5-year survival "
            f"{_pct(outcome.survival_5y_pct)}, transplant-related mortality "
            f"{_pct(outcome.transplant_related_mortality_pct)}"
        )


def print_hct_ci(conditions: Iterable[str], age: float) -> None:
    """Print the HCT-CI, its risk group with the published 2-year NRM, and HCT-CI/age."""
    conditions = list(conditions)
    score = science.hct_ci(conditions)
    group = science.hct_ci_risk_group(score)
    with_age = science.hct_ci_age(conditions, age)
    print(
        f"HCT-CI {score}: {group} risk, 2-year non-relapse mortality "
        f"{HCT_CI_NRM_2Y[group].value:g} % (Sorror 2005, validation set)"
    )
    print(f"HCT-CI/age {with_age} (group {science.hct_ci_age_group(with_age)})")


# --- 1. GVHD staging -------------------------------------------------------------------

_ORGANS = ("Skin", "Liver", "Upper GI", "Lower GI")


@register
class GvhdStagingExplorer(Explorer):
    """Findings at the bedside -> each organ's MAGIC stage and the overall grade of acute GVHD."""

    explorer_id = "risks.gvhd_staging"
    lesson = LESSON
    title = "Acute GVHD: organ stages and overall grade (MAGIC)"
    main_control = "rash_bsa_pct"
    caption = (
        "The published MAGIC criteria for adults (Harris 2016), not a model: each organ is "
        "staged 0-4 from the findings, and the overall grade follows the rules, not simply the "
        "highest stage. Diarrhoea volumes are for adults; children are staged per kg."
    )
    sources = ("harris2016",)

    def make_controls(self):
        return {
            "rash_bsa_pct": slider(
                "Skin rash", "% of body surface", min=0, max=100, step=1, value=30, integer=True
            ),
            "bullae_desquamation_pct": slider(
                "Blisters or peeling",
                "% of body surface",
                min=0,
                max=100,
                step=1,
                value=0,
                integer=True,
            ),
            "bilirubin_mg_dl": slider(
                "Bilirubin", "mg/dL", min=0, max=20, step=0.1, value=0.8, readout_format=".1f"
            ),
            "persistent_nausea": toggle(
                "Persistent nausea, vomiting or no appetite?", _YES_NO, False
            ),
            "stool_ml_per_day": slider(
                "Diarrhoea (stool output)",
                "mL/day",
                min=0,
                max=3000,
                step=50,
                value=200,
                integer=True,
            ),
            "severe_pain_ileus_or_bloody": toggle(
                "Severe belly pain, ileus or bloody stool?", _YES_NO, False
            ),
        }

    def presets(self):
        return {
            "Rash on hands, face and chest (about 20 %)": {"rash_bsa_pct": 20},
            "Rash over most of the body (60 %)": {"rash_bsa_pct": 60},
            "Rash (30 %) and no appetite for a week": {
                "rash_bsa_pct": 30,
                "persistent_nausea": True,
            },
            "Rash (30 %) and 1,200 mL of diarrhoea a day": {
                "rash_bsa_pct": 30,
                "stool_ml_per_day": 1200,
            },
            "Jaundice: bilirubin 4 mg/dL, a little rash": {
                "rash_bsa_pct": 10,
                "bilirubin_mg_dl": 4.0,
            },
            "Red skin everywhere with blisters (10 %)": {
                "rash_bsa_pct": 90,
                "bullae_desquamation_pct": 10,
            },
            "Cramps and bloody diarrhoea": {
                "rash_bsa_pct": 0,
                "stool_ml_per_day": 800,
                "severe_pain_ileus_or_bloody": True,
            },
        }

    def compute(self, **findings):
        return {"findings": findings, "result": science.assess_acute_gvhd(**findings)}

    @staticmethod
    def _organ_text(state) -> list[str]:
        f, r = state["findings"], state["result"]
        skin = f"stage {r.skin} · rash {f['rash_bsa_pct']:g} %"
        if f["bullae_desquamation_pct"]:
            skin += f", blisters {f['bullae_desquamation_pct']:g} %"
        lower = f"stage {r.lower_gi} · {f['stool_ml_per_day']:g} mL/day"
        if f["severe_pain_ileus_or_bloody"]:
            lower += ", severe pain or blood"
        upper = "persistent symptoms" if f["persistent_nausea"] else "none or intermittent"
        return [
            skin,
            f"stage {r.liver} · bilirubin {f['bilirubin_mg_dl']:.1f} mg/dL",
            f"stage {r.upper_gi} · {upper}",
            lower,
        ]

    @staticmethod
    def _grade_text(state) -> list[str]:
        return [f"grade {state['result'].grade_name}"]

    def build_figure(self, state):
        result = state["result"]
        stages = [result.skin, result.liver, result.upper_gi, result.lower_gi]
        traces = [
            go.Bar(
                y=list(_ORGANS),
                x=stages,
                orientation="h",
                name="organ stage (0-4)",
                marker={"color": theme.PALETTE[0], "line": {"color": "#000000", "width": 1}},
                text=self._organ_text(state),
                textposition="outside",
                cliponaxis=False,
                hovertemplate="%{y}: %{text}<extra></extra>",
            ),
            go.Bar(
                y=["Overall grade"],
                x=[result.grade],
                orientation="h",
                name="overall grade (0-IV)",
                marker={
                    "color": theme.PALETTE[1],
                    "pattern": {"shape": "/", "fgcolor": "#ffffff"},
                    "line": {"color": "#000000", "width": 1},
                },
                text=self._grade_text(state),
                textposition="outside",
                cliponaxis=False,
                hovertemplate="%{text}<extra></extra>",
            ),
        ]
        layout = theme.figure_layout(
            self.title,
            x_title="stage of each organ (0-4); overall grade (0-IV)",
            y_title="",
            height=360,
            width=660,
            barmode="overlay",
            xaxis={"range": [0, 7.2], "tickvals": [0, 1, 2, 3, 4], "showgrid": True},
            yaxis={
                "categoryorder": "array",
                "categoryarray": ["Overall grade", *reversed(_ORGANS)],
            },
            legend={"orientation": "h", "y": -0.22},
            margin={"l": 110, "r": 20, "t": 60, "b": 70},
        )
        return go.Figure(data=traces, layout=layout)

    def update_figure(self, state):
        organs, grade = self.figure.data
        result = state["result"]
        stages = [result.skin, result.liver, result.upper_gi, result.lower_gi]
        if list(organs.x) != stages:
            organs.x = stages
        text = self._organ_text(state)
        if list(organs.text) != text:
            organs.text = text
        if list(grade.x) != [result.grade]:
            grade.x = [result.grade]
            grade.text = self._grade_text(state)

    def describe(self, state):
        r, f = state["result"], state["findings"]
        return (
            f"Rash {f['rash_bsa_pct']:g} %, bilirubin {f['bilirubin_mg_dl']:.1f} mg/dL, "
            f"stool {f['stool_ml_per_day']:g} mL/day: skin stage {r.skin}, liver stage "
            f"{r.liver}, upper GI stage {r.upper_gi}, lower GI stage {r.lower_gi}; overall "
            f"grade {r.grade_name}, because {r.rule}."
        )


# --- 2. the infection timeline ---------------------------------------------------------

_PHASE_ROWS = ("Pre-engraftment", "Early post-engraftment", "Late")
_GVHD_ROW = "GVHD and its treatment"
#: Rows from the top: the three phases, then GVHD.
_ROW_Y = (3.0, 2.0, 1.0, 0.0)
#: Labels start where their phase starts, but no further right than this day.
_LABEL_MAX_X = 150.0
#: About how many characters of label fit per day of the time axis.
_CHARS_PER_DAY = 0.22


def _wrap(text: str, width: int = 44) -> str:
    """Break a label into lines of about ``width`` characters at spaces (plotly's <br>)."""
    lines, line = [], ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return "<br>".join(lines)


def _dose_for(graft_source: str, dose_pct: float) -> float:
    """The CD34+ dose (10^6/kg) that is ``dose_pct`` % of the source's typical dose."""
    info = GRAFT_CD34_DOSES[graft_source]
    dose = info.typical * dose_pct / 100.0
    return min(max(dose, info.minimum), info.maximum)


@register
class InfectionTimelineExplorer(Explorer):
    """Graft, cell dose and GVHD -> the three phases of infection risk over the first year."""

    explorer_id = "risks.infection_timeline"
    lesson = LESSON
    title = "Infection risk in the first year after an allogeneic transplant"
    main_control = "dose_pct"
    caption = (
        "Teaching model. The engraftment day comes from lesson 01's blood-count model, "
        "anchored to the published median day for each graft at its typical cell dose "
        "(Champlin 2000, Barker 2005, Symons 2020; engraftment = neutrophils ≥ 500/µL on "
        "3 days in a row, Kharfan-Dabaja 2021). The phases, their reasons and germs are "
        "those of Tomblyn 2009, whose pre-engraftment phase lasts about 30 days; here it "
        "ends on the modelled engraftment day. Risks are shown as phases, not percentages."
    )
    sources = ("tomblyn2009", "champlin2000", "barker2005", "symons2020", "kharfandabaja2021")

    def make_controls(self):
        return {
            "graft_source": choice(
                "Graft", [(label, key) for key, label in GRAFT_SOURCE_LABELS.items()], "bone_marrow"
            ),
            "dose_pct": slider(
                "Cell dose (CD34+)",
                "% of the typical dose for this graft",
                min=25,
                max=250,
                step=5,
                value=100,
                integer=True,
            ),
            "gvhd": toggle("Graft-versus-host disease?", _YES_NO, False),
        }

    def presets(self):
        return {
            "Sibling blood stem cells, typical dose, no GVHD": {
                "graft_source": "peripheral_blood",
                "dose_pct": 100,
                "gvhd": False,
            },
            "Sibling marrow, typical dose, GVHD after engraftment": {
                "graft_source": "bone_marrow",
                "dose_pct": 100,
                "gvhd": True,
            },
            "Double cord blood, typical dose": {
                "graft_source": "double_cord_blood",
                "dose_pct": 100,
                "gvhd": False,
            },
            "Haploidentical marrow, half the typical dose": {
                "graft_source": "haploidentical_marrow",
                "dose_pct": 50,
                "gvhd": False,
            },
        }

    def compute(self, *, graft_source, dose_pct, gvhd):
        dose = _dose_for(graft_source, dose_pct)
        day = engraftment_day(graft_source, dose)
        return {
            "graft_source": graft_source,
            "dose_pct": dose_pct,
            "engraftment_day": day,
            "timeline": science.infection_timeline(day, gvhd=gvhd),
        }

    @staticmethod
    def _bars(state):
        timeline = state["timeline"]
        starts = [p.start_day for p in timeline.phases]
        lengths = [p.end_day - p.start_day for p in timeline.phases]
        patterns = ["x" if p.raised_by_gvhd else "" for p in timeline.phases]
        engraft = timeline.engraftment_day
        if timeline.gvhd and engraft is not None:
            starts.append(engraft)
            lengths.append(timeline.horizon_days - engraft)
        else:
            starts.append(0.0)
            lengths.append(0.0)
        patterns.append("/")
        return starts, lengths, patterns

    @staticmethod
    def _labels(state):
        """Germ labels under each phase bar, starting where the phase starts."""
        timeline = state["timeline"]
        xs, texts = [], []
        for phase in timeline.phases:
            empty = phase.end_day <= phase.start_day
            x = min(phase.start_day, _LABEL_MAX_X) + 2.0
            xs.append(x)
            raised = " (raised by GVHD)" if phase.raised_by_gvhd else ""
            width = int((timeline.horizon_days - x) * _CHARS_PER_DAY)
            texts.append("" if empty else _wrap(", ".join(phase.germs) + raised, width))
        engraft = timeline.engraftment_day
        show_gvhd = timeline.gvhd and engraft is not None
        xs.append(min(engraft, _LABEL_MAX_X) + 2.0 if show_gvhd else 2.0)
        texts.append(
            "acute, then chronic: weaker defences against infection"
            if show_gvhd
            else "no GVHD in this scenario"
        )
        return xs, texts

    @staticmethod
    def _engraft_xy(state):
        day = state["engraftment_day"]
        if day is None:
            return [None, None], [None, None]
        return [day, day], [-0.75, 3.45]

    @staticmethod
    def _engraft_label(state):
        day = state["engraftment_day"]
        dose = f"{state['dose_pct']} % of the typical dose"
        if day is None:
            return [f"{dose}: no engraftment (graft failure)"]
        return [f"{dose}: engraftment (model) on day {day}"]

    def build_figure(self, state):
        starts, lengths, patterns = self._bars(state)
        label_x, label_text = self._labels(state)
        colours = [theme.PALETTE[4], theme.PALETTE[2], theme.PALETTE[5], theme.PALETTE[3]]
        ex, ey = self._engraft_xy(state)
        traces = [
            go.Bar(
                y=list(_ROW_Y),
                x=lengths,
                base=starts,
                width=0.38,
                orientation="h",
                name="risk phase (germs under it)",
                marker={
                    "color": colours,
                    "pattern": {"shape": patterns, "fgcolor": "#333333"},
                    "line": {"color": "#000000", "width": 1},
                },
                customdata=[*_PHASE_ROWS, _GVHD_ROW],
                hovertemplate="%{customdata}: from day %{base:.0f}, for %{x:.0f} days"
                "<extra></extra>",
            ),
            go.Scatter(
                x=label_x,
                y=[y - 0.24 for y in _ROW_Y],
                mode="text",
                text=label_text,
                textposition="bottom right",
                textfont={"size": 11},
                showlegend=False,
                hoverinfo="skip",
                cliponaxis=False,
            ),
            go.Scatter(
                x=ex,
                y=ey,
                mode="lines",
                name="engraftment day (model)",
                line={"color": theme.PALETTE[1], "width": 3, "dash": "solid"},
                hoverinfo="skip",
            ),
            go.Scatter(
                x=[ex[0] if ex[0] is not None else 0.0],
                y=[3.45],
                mode="text",
                text=self._engraft_label(state),
                textposition="top right",
                showlegend=False,
                hoverinfo="skip",
                cliponaxis=False,
            ),
            go.Scatter(
                x=[30, 30, None, 100, 100],
                y=[-0.75, 3.45, None, -0.75, 3.45],
                mode="lines",
                name="guideline: about day 30 and day 100",
                line={"color": theme.THRESHOLD, "width": 1.5, "dash": "dot"},
                hoverinfo="skip",
            ),
        ]
        layout = theme.figure_layout(
            self.title,
            x_title="days after infusion of the stem cells (day 0)",
            y_title="",
            height=440,
            width=720,
            xaxis={"range": [0, 365], "tickvals": [0, 30, 60, 100, 180, 270, 365]},
            yaxis={
                "range": [-0.85, 3.75],
                "tickvals": list(_ROW_Y),
                "ticktext": [*_PHASE_ROWS, _GVHD_ROW],
                "showgrid": False,
            },
            legend={"orientation": "h", "y": -0.18},
            margin={"l": 170, "r": 30, "t": 60, "b": 80},
        )
        return go.Figure(data=traces, layout=layout)

    def update_figure(self, state):
        bars, labels, line, label, _ = self.figure.data
        starts, lengths, patterns = self._bars(state)
        if list(bars.base) != starts or list(bars.x) != lengths:
            bars.base, bars.x = starts, lengths
        if list(bars.marker.pattern.shape) != patterns:
            bars.marker.pattern.shape = patterns
        label_x, label_text = self._labels(state)
        if list(labels.x) != label_x or list(labels.text) != label_text:
            labels.x, labels.text = label_x, label_text
        ex, ey = self._engraft_xy(state)
        if list(line.x) != ex:
            line.x, line.y = ex, ey
            label.x = [ex[0] if ex[0] is not None else 0.0]
        text = self._engraft_label(state)
        if list(label.text) != text:
            label.text = text

    def describe(self, state):
        timeline = state["timeline"]
        pre, early, late = timeline.phases
        label = GRAFT_SOURCE_LABELS[state["graft_source"]].lower()
        if timeline.engraftment_day is None:
            return (
                f"{label.capitalize()} at {state['dose_pct']}% of the typical dose: no "
                "engraftment in the model (graft failure), so the pre-engraftment risk "
                f"({', '.join(pre.germs)}) never ends without a second graft."
            )
        gvhd = (
            " With GVHD, the later phases stay raised: its treatment weakens defences "
            "and chronic GVHD keeps the late risk high."
            if timeline.gvhd
            else ""
        )
        return (
            f"{label.capitalize()} at {state['dose_pct']}% of the typical dose engrafts on day "
            f"{timeline.engraftment_day:g} (model): no neutrophils until then "
            f"({', '.join(pre.germs)}); weak T cells to day {early.end_day:g} "
            f"({', '.join(early.germs)}); late phase to day {late.end_day:g} "
            f"({', '.join(late.germs)}).{gvhd}"
        )


# --- 3a. the EBMT risk score -----------------------------------------------------------

_DONORS = [
    ("HLA-identical sibling", "sibling"),
    ("Unrelated donor", "unrelated"),
    ("Haploidentical relative", "haploidentical"),
    ("Cord blood", "cord_blood"),
]
_SEXES = [("Female", "female"), ("Male", "male")]


def _cohort_xy(cohort, index: int) -> tuple[list[Any], list[Any]]:
    xs: list[Any] = []
    ys: list[Any] = []
    for score in range(8):
        values = cohort.by_score.get(score)
        if values is None:
            if xs and xs[-1] is not None:
                xs.append(None)
                ys.append(None)
            continue
        xs.append(score)
        ys.append(values[index])
    return xs, ys


@register
class EbmtScoreExplorer(Explorer):
    """Age, disease stage, time, donor and sexes -> the EBMT risk score and what cohorts saw."""

    explorer_id = "risks.ebmt_score"
    lesson = LESSON
    title = "EBMT risk score and the outcomes published for each score"
    main_control = "age"
    caption = (
        "The published score (Gratwohl 1998) and the outcomes its cohorts saw: 3,142 patients "
        "with chronic myeloid leukaemia, EBMT 1989-1997 (Gratwohl 1998, scores 0-6), and 56,505 "
        "patients with blood disorders, EBMT 1980-2005 (Gratwohl 2009, whose abstract gives "
        "score 0 and scores 6-7). Cohort figures from decades ago, not a prediction for anyone "
        "today. Haploidentical and cord-blood donors have no points in the score."
    )
    sources = ("gratwohl1998", "gratwohl2009")

    def make_controls(self):
        return {
            "age": slider("Patient's age", "years", min=1, max=75, step=1, value=35, integer=True),
            "disease_stage": toggle(
                "Disease stage",
                [("Early", "early"), ("Intermediate", "intermediate"), ("Late", "late")],
                "early",
            ),
            "months_from_diagnosis": slider(
                "Diagnosis to transplant", "months", min=0, max=60, step=1, value=6, integer=True
            ),
            "first_complete_remission": checkbox("In first complete remission", False),
            "donor": choice("Donor", _DONORS, "sibling"),
            "donor_sex": toggle("Donor's sex", _SEXES, "male"),
            "recipient_sex": toggle("Patient's sex", _SEXES, "female"),
        }

    def presets(self):
        return {
            "Teenager in first remission, brother as donor": {
                "age": 16,
                "disease_stage": "early",
                "months_from_diagnosis": 4,
                "first_complete_remission": True,
                "donor": "sibling",
                "donor_sex": "male",
                "recipient_sex": "male",
            },
            "45-year-old man, late stage, unrelated woman donor, 2 years on": {
                "age": 45,
                "disease_stage": "late",
                "months_from_diagnosis": 24,
                "donor": "unrelated",
                "donor_sex": "female",
                "recipient_sex": "male",
            },
            "30-year-old, intermediate stage, unrelated donor, 14 months": {
                "age": 30,
                "disease_stage": "intermediate",
                "months_from_diagnosis": 14,
                "donor": "unrelated",
                "donor_sex": "male",
                "recipient_sex": "female",
            },
            "Half-matched (haploidentical) father as donor": {"donor": "haploidentical"},
        }

    def compute(self, **patient):
        try:
            points = science.ebmt_points(**patient)
        except ValueError as error:
            if patient.get("donor") in science.EBMT_DONORS:
                raise
            return {"patient": patient, "points": None, "score": None, "why": str(error)}
        score = sum(points.values())
        return {
            "patient": patient,
            "points": points,
            "score": score,
            "outcomes": science.ebmt_published_outcomes(score),
        }

    @staticmethod
    def _marker_xy(state):
        score = state["score"]
        if score is None:
            return [None, None], [None, None]
        return [score, score], [0, 100]

    @staticmethod
    def _breakdown(state) -> list[str]:
        p = state["patient"]
        if state["score"] is None:
            donor = dict((v, k) for k, v in _DONORS)[p["donor"]].lower()
            return [f"age {p['age']}: score not defined for a {donor} donor"]
        pts = state["points"]
        return [
            f"age {p['age']} → {pts['age']} · {p['disease_stage']} stage → "
            f"{pts['disease_stage']} · {p['months_from_diagnosis']} months → "
            f"{pts['time_from_diagnosis']} · donor → {pts['donor']} · "
            f"{p['donor_sex']} donor, {p['recipient_sex']} patient → {pts['sex_match']}"
            f"<br><b>EBMT score {state['score']}</b>"
        ]

    def build_figure(self, state):
        traces = []
        for index, (cohort, label) in enumerate(
            ((EBMT_CML_1998, "CML 1998"), (EBMT_ALL_DISEASES_2009, "all diseases 2009"))
        ):
            for measure, (what, offset) in enumerate(
                (("5-year survival", 0), ("transplant-related mortality", 2))
            ):
                xs, ys = _cohort_xy(cohort, measure)
                style = theme.line_style(index + offset)
                traces.append(
                    go.Scatter(
                        x=xs,
                        y=ys,
                        mode="lines+markers",
                        name=f"{what}, {label}",
                        line=style,
                        marker={**theme.marker_style(index + offset), "color": style["color"]},
                        hovertemplate=f"{what}, {label}: score %{{x}}: %{{y}} %<extra></extra>",
                    )
                )
        mx, my = self._marker_xy(state)
        traces.append(
            go.Scatter(
                x=mx,
                y=my,
                mode="lines",
                name="this patient's score",
                line={"color": theme.PALETTE[6], "width": 4},
                hoverinfo="skip",
            )
        )
        traces.append(
            go.Scatter(
                x=[3.5],
                y=[112],
                mode="text",
                text=self._breakdown(state),
                showlegend=False,
                hoverinfo="skip",
                cliponaxis=False,
            )
        )
        layout = theme.figure_layout(
            self.title,
            x_title="EBMT risk score (0 best, 7 worst)",
            y_title="patients (%)",
            height=440,
            width=680,
            xaxis={"range": [-0.3, 7.3], "dtick": 1},
            yaxis={"range": [0, 122]},
            legend={"orientation": "h", "y": -0.2},
            margin={"l": 70, "r": 20, "t": 60, "b": 110},
        )
        return go.Figure(data=traces, layout=layout)

    def update_figure(self, state):
        marker, text = self.figure.data[-2:]
        mx, my = self._marker_xy(state)
        if list(marker.x) != mx:
            marker.x, marker.y = mx, my
        breakdown = self._breakdown(state)
        if list(text.text) != breakdown:
            text.text = breakdown

    def describe(self, state):
        if state["score"] is None:
            return (
                f"Age {state['patient']['age']:g} years, but no EBMT score: the published score "
                "gives no points for this donor type (it was built on HLA-identical sibling and "
                "unrelated donors), so none is guessed."
            )
        cml, everyone = state["outcomes"]
        age = state["patient"]["age"]
        text = (
            f"Age {age:g} years with these factors: EBMT risk score {state['score']}. "
            "CML cohort (3,142 patients, EBMT 1989-1997): "
        )
        if cml.survival_5y_pct is None:
            text += "no group with this score reported (scores 0-6 only)."
        else:
            text += (
                f"5-year survival {_pct(cml.survival_5y_pct)}, transplant-related mortality "
                f"{_pct(cml.transplant_related_mortality_pct)}."
            )
        if everyone.survival_5y_pct is None:
            text += " All-diseases cohort (56,505 patients): reported for scores 0 and 6-7 only."
        else:
            text += (
                f" All-diseases cohort (56,505 patients, EBMT 1980-2005), score "
                f"{everyone.group}: 5-year survival {_pct(everyone.survival_5y_pct)}, "
                f"transplant-related mortality {_pct(everyone.transplant_related_mortality_pct)}."
            )
        return text


# --- 3b. comorbidities and fitness: HCT-CI, HCT-CI/age, Karnofsky -----------------------

_LIVER = [
    ("None", "none"),
    ("Mild (chronic hepatitis, mildly raised tests) +1", "hepatic_mild"),
    ("Moderate or severe (cirrhosis, ...) +3", "hepatic_moderate_severe"),
]
_LUNGS = [
    ("None", "none"),
    ("Moderate (DLCO or FEV1 66-80 %) +2", "pulmonary_moderate"),
    ("Severe (DLCO or FEV1 ≤ 65 %, oxygen) +3", "pulmonary_severe"),
]
_CHECKBOX_CONDITIONS = tuple(
    key for key in HCT_CI_WEIGHTS if not key.startswith(("hepatic", "pulmonary"))
)
_GROUPS = ("low", "intermediate", "high")
_GROUP_LABELS = ("low<br>(HCT-CI 0)", "intermediate<br>(HCT-CI 1-2)", "high<br>(HCT-CI ≥ 3)")
#: Short labels for the figure; the full wording is ``science.KARNOFSKY_SCALE`` (Péus 2013).
_KPS_SHORT = {
    100: "normal",
    90: "minor symptoms",
    80: "normal activity with effort",
    70: "cares for self, cannot work",
    60: "needs occasional help",
    50: "needs considerable help",
    40: "disabled",
    30: "severely disabled",
    20: "very sick, in hospital",
    10: "moribund",
}


@register
class FitnessExplorer(Explorer):
    """Other illnesses, age and fitness -> HCT-CI, HCT-CI/age, and the Karnofsky scale."""

    explorer_id = "risks.fitness"
    lesson = LESSON
    title = "Fitness for a transplant: comorbidities (HCT-CI) and performance (Karnofsky)"
    main_control = "karnofsky"
    caption = (
        "Published scores, not a model. HCT-CI weights from Sorror 2005 (1,055 transplant "
        "recipients), with the 2-year non-relapse mortality of each group in its validation "
        "set; HCT-CI/age adds 1 point at age 40 or over (Sorror 2014, 3,033 recipients of "
        "HLA-matched grafts). Karnofsky scale as tabulated by Péus 2013. Teams weigh these "
        "with the disease, the donor and the patient's wishes; no single number decides."
    )
    sources = ("sorror2005", "sorror2014", "peus2013")

    def make_controls(self):
        controls = {
            "karnofsky": slider(
                "Karnofsky performance status",
                "%",
                min=10,
                max=100,
                step=10,
                value=90,
                integer=True,
            ),
            "age": slider("Patient's age", "years", min=1, max=75, step=1, value=45, integer=True),
            "liver": choice("Liver disease", _LIVER, "none"),
            "lungs": choice("Lung disease", _LUNGS, "none"),
        }
        for key in _CHECKBOX_CONDITIONS:
            points, label = HCT_CI_WEIGHTS[key]
            name = label.split(" (")[0]
            controls[key] = checkbox(f"{name} +{points}", False, details=f"{label}: {points}")
        return controls

    def presets(self):
        return {
            "Fit 30-year-old, no other illness": {"age": 30, "karnofsky": 100},
            "55-year-old with insulin-treated diabetes and obesity": {
                "age": 55,
                "karnofsky": 80,
                "diabetes": True,
                "obesity": True,
            },
            "62-year-old, past breast cancer, moderate lung disease": {
                "age": 62,
                "karnofsky": 70,
                "prior_solid_tumor": True,
                "lungs": "pulmonary_moderate",
            },
            "35-year-old with lupus affecting the kidneys": {
                "age": 35,
                "karnofsky": 70,
                "rheumatologic": True,
                "renal": True,
            },
        }

    @staticmethod
    def conditions(values: dict[str, Any]) -> list[str]:
        """The HCT-CI condition keys the controls describe."""
        chosen = [key for key in _CHECKBOX_CONDITIONS if values[key]]
        chosen += [values[organ] for organ in ("liver", "lungs") if values[organ] != "none"]
        return chosen

    def compute(self, **values):
        conditions = self.conditions(values)
        score = science.hct_ci(conditions)
        with_age = science.hct_ci_age(conditions, values["age"])
        return {
            "age": values["age"],
            "karnofsky": values["karnofsky"],
            "kps_text": science.karnofsky_description(values["karnofsky"]),
            "conditions": conditions,
            "score": score,
            "group": science.hct_ci_risk_group(score),
            "with_age": with_age,
            "age_group": science.hct_ci_age_group(with_age),
        }

    @staticmethod
    def _bar_style(state):
        chosen = _GROUPS.index(state["group"])
        colours = [theme.PALETTE[0] if i == chosen else "#cfd8e3" for i in range(3)]
        patterns = ["/" if i == chosen else "" for i in range(3)]
        return colours, patterns

    @staticmethod
    def _score_text(state) -> list[str]:
        return [
            f"HCT-CI {state['score']} · with age {state['age']}: HCT-CI/age {state['with_age']}"
        ]

    def build_figure(self, state):
        figure = make_subplots(
            rows=1,
            cols=2,
            column_widths=[0.58, 0.42],
            horizontal_spacing=0.16,
            subplot_titles=("2-year non-relapse mortality (Sorror 2005)", "Karnofsky scale"),
        )
        colours, patterns = self._bar_style(state)
        figure.add_trace(
            go.Bar(
                x=list(_GROUP_LABELS),
                y=[HCT_CI_NRM_2Y[g].value for g in _GROUPS],
                name="published 2-year NRM by HCT-CI group",
                marker={
                    "color": colours,
                    "pattern": {"shape": patterns, "fgcolor": "#ffffff"},
                    "line": {"color": "#000000", "width": 1},
                },
                text=[f"{HCT_CI_NRM_2Y[g].value:g} %" for g in _GROUPS],
                textposition="outside",
                cliponaxis=False,
                hovertemplate="%{x}: %{y} % died of causes other than relapse<extra></extra>",
            ),
            row=1,
            col=1,
        )
        figure.add_trace(
            go.Scatter(
                x=[_GROUP_LABELS[1]],
                y=[54],
                mode="text",
                text=self._score_text(state),
                showlegend=False,
                hoverinfo="skip",
                cliponaxis=False,
            ),
            row=1,
            col=1,
        )
        levels = sorted(_KPS_SHORT, reverse=True)
        figure.add_trace(
            go.Scatter(
                x=[0] * len(levels),
                y=levels,
                mode="markers+text",
                text=[f"{k}: {_KPS_SHORT[k]}" for k in levels],
                textposition="middle right",
                marker={"color": "#999999", "size": 8, "symbol": "circle"},
                name="Karnofsky levels",
                showlegend=False,
                hoverinfo="skip",
            ),
            row=1,
            col=2,
        )
        figure.add_trace(
            go.Scatter(
                x=[-0.12],
                y=[state["karnofsky"]],
                mode="markers",
                name="this patient's Karnofsky",
                marker={"color": theme.PALETTE[1], "size": 16, "symbol": "triangle-right"},
                hoverinfo="skip",
            ),
            row=1,
            col=2,
        )
        layout = theme.figure_layout(
            self.title,
            x_title="",
            y_title="",
            height=440,
            width=760,
            legend={"orientation": "h", "y": -0.28},
            margin={"l": 70, "r": 20, "t": 80, "b": 90},
        )
        axis = {k: v for k, v in layout.pop("xaxis").items() if k != "title"}
        layout.pop("yaxis")
        figure.update_layout(layout)
        figure.update_xaxes(**axis)
        figure.update_yaxes(**axis)
        figure.update_yaxes(title_text="patients (%)", range=[0, 60], row=1, col=1)
        figure.update_xaxes(title_text="HCT-CI risk group", tickangle=0, row=1, col=1)
        figure.update_xaxes(range=[-0.25, 1.6], visible=False, row=1, col=2)
        figure.update_yaxes(
            range=[5, 105], title_text="Karnofsky (%)", dtick=10, showgrid=False, row=1, col=2
        )
        return figure

    def update_figure(self, state):
        bars, score_text, _, patient = self.figure.data
        colours, patterns = self._bar_style(state)
        if list(bars.marker.color) != colours:
            bars.marker.color = colours
            bars.marker.pattern.shape = patterns
        text = self._score_text(state)
        if list(score_text.text) != text:
            score_text.text = text
        if list(patient.y) != [state["karnofsky"]]:
            patient.y = [state["karnofsky"]]

    def describe(self, state):
        group = state["group"]
        return (
            f"HCT-CI {state['score']}: {group}-risk group, where 2-year non-relapse mortality "
            f"was {HCT_CI_NRM_2Y[group].value:g} % (Sorror 2005). HCT-CI/age "
            f"{state['with_age']} (group {state['age_group']}). Karnofsky "
            f"{state['karnofsky']}: {state['kps_text']}."
        )
