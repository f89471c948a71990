"""Lesson 04's explorers: GVHD staging, the infection timeline, and who is fit for a transplant."""

from __future__ import annotations

import textwrap
from typing import Any

from . import science
from .aplastic import GRAFT_MENU
from .science.aplastic import engraftment_day
from .science.published import GRAFT_SOURCE_LABELS, INFECTION_PHASES
from .science.risks import EBMT_ALL_DISEASES_2009, EBMT_CML_1998
from .ui import theme
from .ui.assets import lesson_data
from .ui.controls import Check, Menu, Slider
from .ui.explorer import Explorer, register

LESSON = "04-risks"
#: The explorers' tables in the lesson's TOML: there, teachers edit the words on the controls.
_CONTENT = lesson_data(LESSON)["explorers"]


# --- 1. GVHD staging -------------------------------------------------------------------

_ORGANS = ("Skin", "Liver", "Upper GI", "Lower GI")
_EDGE = {"color": "#000000", "width": 1}


def _hatch(shape: Any, colour: str = "#ffffff") -> dict[str, Any]:
    """A bar's hatching: ``shape`` ("/", "x" or "", one or one a bar) over its colour."""
    return {"shape": shape, "fgcolor": colour, "fillmode": "overlay"}


@register
class GvhdStagingExplorer(Explorer):
    """Findings at the bedside -> each organ's MAGIC stage and the overall grade of acute GVHD."""

    explorer_id = "risks.gvhd_staging"
    lesson = LESSON
    main_control = "rash_bsa_pct"
    controls = (
        Slider("rash_bsa_pct", "Skin rash", "% of body surface", 0, 100, 1, 30),
        Slider("bullae_desquamation_pct", "Blisters or peeling", "% of body surface", 0, 100, 1, 0),
        Slider("bilirubin_mg_dl", "Bilirubin", "mg/dL", 0, 20, 0.1, 0.8),
        Slider("stool_ml_per_day", "Diarrhoea (stool output)", "mL/day", 0, 3000, 50, 200),
        Check("persistent_nausea", "Persistent nausea, vomiting or no appetite"),
        Check("severe_pain_ileus_or_bloody", "Severe belly pain, ileus or bloody stool"),
    )

    def compute(self, **findings):
        return {"findings": findings, "result": science.assess_acute_gvhd(**findings)}

    def draw(self, state):
        f, r = state["findings"], state["result"]
        skin = f"stage {r.skin} · rash {f['rash_bsa_pct']:g} %"
        if f["bullae_desquamation_pct"]:
            skin += f", blisters {f['bullae_desquamation_pct']:g} %"
        lower = f"stage {r.lower_gi} · {f['stool_ml_per_day']:g} mL/day"
        if f["severe_pain_ileus_or_bloody"]:
            lower += ", severe pain or blood"
        upper = "persistent symptoms" if f["persistent_nausea"] else "none or intermittent"
        liver = f"stage {r.liver} · bilirubin {f['bilirubin_mg_dl']:.1f} mg/dL"
        data = [
            theme.bars(
                "organ stage (0-4)",
                [r.skin, r.liver, r.upper_gi, r.lower_gi],
                list(_ORGANS),
                {"color": theme.PALETTE[0], "line": _EDGE},
                [skin, liver, f"stage {r.upper_gi} · {upper}", lower],
                orientation="h",
                hovertemplate="%{y}: %{text}<extra></extra>",
            ),
            theme.bars(
                "overall grade (0-IV)",
                [r.grade],
                ["Overall grade"],
                {"color": theme.PALETTE[1], "pattern": _hatch("/"), "line": _EDGE},
                [f"grade {r.grade_name}"],
                orientation="h",
                hovertemplate="%{text}<extra></extra>",
            ),
        ]
        layout = theme.figure_layout(
            self.title,
            x_title="stage of each organ (0-4); overall grade (0-IV)",
            height=360,
            barmode="overlay",
            xaxis={"range": [0, 7.2], "tickvals": [0, 1, 2, 3, 4]},
            yaxis={
                "categoryorder": "array",
                "categoryarray": ["Overall grade", *reversed(_ORGANS)],
            },
            legend=theme.legend(-0.22),
            margin={"l": 110, "b": 70},
        )
        return {"data": data, "layout": layout}

    def describe(self, state):
        r, f = state["result"], state["findings"]
        return (
            f"Rash {f['rash_bsa_pct']:g} %, bilirubin {f['bilirubin_mg_dl']:.1f} mg/dL, "
            f"stool {f['stool_ml_per_day']:g} mL/day: skin stage {r.skin}, liver stage "
            f"{r.liver}, upper GI stage {r.upper_gi}, lower GI stage {r.lower_gi}; overall "
            f"grade {r.grade_name}, because {r.rule}."
        )


# --- 2. the infection timeline ---------------------------------------------------------

#: Rows from the top: the three phases, then GVHD.
_ROWS = (*(phase.name for phase in INFECTION_PHASES), "GVHD and its treatment")
_ROW_Y = (3.0, 2.0, 1.0, 0.0)
#: Labels start where their phase starts, but no further right than this day.
_LABEL_MAX_X = 150.0
#: About how many characters of label fit per day of the time axis.
_CHARS_PER_DAY = 0.17
_TOP, _BOTTOM = 3.45, -0.75


@register
class InfectionTimelineExplorer(Explorer):
    """Graft, cell dose and GVHD -> the three phases of infection risk over the first year."""

    explorer_id = "risks.infection_timeline"
    lesson = LESSON
    main_control = "dose_pct"
    controls = (
        GRAFT_MENU,
        Slider("dose_pct", "CD34+ cell dose", "% of typical dose", 25, 250, 5, 100),
        Check("gvhd", "Graft-versus-host disease"),
    )

    def compute(self, *, graft_source, dose_pct, gvhd):
        dose = science.cd34_dose_at_pct_of_typical(graft_source, dose_pct)
        day = engraftment_day(graft_source, dose)
        return {
            "graft_source": graft_source,
            "dose_pct": dose_pct,
            "engraftment_day": day,
            "timeline": science.infection_timeline(day, gvhd=gvhd),
        }

    def draw(self, state):
        timeline = state["timeline"]
        phases, horizon, engraft = timeline.phases, timeline.horizon_days, state["engraftment_day"]
        starts = [p.start_day for p in phases] + [engraft if timeline.gvhd else 0.0]
        gvhd_days = horizon - engraft if timeline.gvhd else 0.0
        label_x = [min(start, _LABEL_MAX_X) + 2.0 for start in starts]
        labels = [
            textwrap.fill(
                ", ".join(p.germs) + (" (raised by GVHD)" if p.raised_by_gvhd else ""),
                int((horizon - x) * _CHARS_PER_DAY),
                break_on_hyphens=False,
            ).replace("\n", "<br>")
            if p.end_day > p.start_day
            else ""
            for p, x in zip(phases, label_x, strict=False)
        ]
        labels.append(
            "acute, then chronic: weaker defences against infection"
            if timeline.gvhd
            else "no GVHD in this scenario"
        )
        dose = f"{state['dose_pct']} % of the typical dose"
        data = [
            theme.bars(
                "risk phase (germs under it)",
                [p.end_day - p.start_day for p in phases] + [gvhd_days],
                list(_ROW_Y),
                {
                    "color": [theme.PALETTE[i] for i in (4, 2, 5, 3)],
                    "pattern": _hatch(
                        ["x" if p.raised_by_gvhd else "" for p in phases] + ["/"], "#333333"
                    ),
                    "line": _EDGE,
                },
                orientation="h",
                showlegend=False,  # the axis names each row; one swatch would not do
                base=starts,
                width=0.38,
                customdata=list(_ROWS),
                hovertemplate="%{customdata}: from day %{base:.0f}, for %{x:.0f} days"
                "<extra></extra>",
            ),
            theme.words(
                "germs of each phase",
                label_x,
                [y - 0.24 for y in _ROW_Y],
                labels,
                textposition="bottom right",
                textfont={"size": 11},
            ),
            theme.vline(
                "engraftment day (model)",
                engraft,
                _BOTTOM,
                _TOP,
                f"{dose}: engraftment (model) on day {engraft:g}",
                line={"color": theme.PALETTE[1], "width": 3},
                cliponaxis=False,
            ),
            theme.line(
                "guideline: about day 30 and day 100",
                [30, 30, None, 100, 100],
                [_BOTTOM, _TOP, None, _BOTTOM, _TOP],
                0,
                line=theme.GUIDE,
                hoverinfo="skip",
            ),
        ]
        layout = theme.figure_layout(
            self.title,
            x_title="days after infusion of the stem cells (day 0)",
            height=440,
            xaxis={"range": [0, 365], "tickvals": [0, 30, 60, 100, 180, 270, 365]},
            yaxis=theme.rows_axis(dict(zip(_ROW_Y, _ROWS, strict=True)), -0.85, 3.75),
            legend=theme.legend(-0.18),
            margin={"l": 170, "r": 30, "b": 80},
        )
        return {"data": data, "layout": layout}

    def describe(self, state):
        timeline = state["timeline"]
        pre, early, late = timeline.phases
        gvhd = (
            " With GVHD, the later phases stay raised: its treatment weakens defences "
            "and chronic GVHD keeps the late risk high."
            if timeline.gvhd
            else ""
        )
        return (
            f"{GRAFT_SOURCE_LABELS[state['graft_source']]} at {state['dose_pct']}% of the "
            f"typical dose engrafts on day {timeline.engraftment_day:g} (model): no "
            f"neutrophils until then ({', '.join(pre.germs)}); weak T cells to day "
            f"{early.end_day:g} ({', '.join(early.germs)}); late phase to day "
            f"{late.end_day:g} ({', '.join(late.germs)}).{gvhd}"
        )


# --- 3a. the EBMT risk score -----------------------------------------------------------

#: The donors to choose from: the two the score defines, and two it does not.
_DONORS = (*science.EBMT_DONORS, "haploidentical", "cord_blood")
_DONOR_WORDS = _CONTENT["risks.ebmt_score"]["donors"]
_STAGES = [(stage.capitalize(), stage) for stage in science.EBMT_DISEASE_STAGES]
_SEXES = [(sex.capitalize(), sex) for sex in science.EBMT_SEXES]
_COHORTS = ((EBMT_CML_1998, "CML 1998"), (EBMT_ALL_DISEASES_2009, "all diseases 2009"))
_MEASURES = ("5-year survival", "transplant-related mortality")


@register
class EbmtScoreExplorer(Explorer):
    """Age, disease stage, time, donor and sexes -> the EBMT risk score and what cohorts saw."""

    explorer_id = "risks.ebmt_score"
    lesson = LESSON
    main_control = "age"
    controls = (
        Slider("age", "Patient's age", "years", 1, 75, 1, 35),
        Menu("disease_stage", "Disease stage", _STAGES, "early", buttons=True),
        Slider("months_from_diagnosis", "Diagnosis to transplant", "months", 0, 60, 1, 6),
        Check("first_complete_remission", "In first complete remission"),
        Menu("donor", "Donor", [(_DONOR_WORDS[d], d) for d in _DONORS], "sibling"),
        Menu("donor_sex", "Donor's sex", _SEXES, "male", buttons=True),
        Menu("recipient_sex", "Patient's sex", _SEXES, "female", buttons=True),
    )

    def compute(self, **patient):
        if patient["donor"] not in science.EBMT_DONORS:
            return {"patient": patient, "points": None, "score": None}
        return {"patient": patient, **science.assess_ebmt(**patient)}

    def draw(self, state):
        p, pts, score = state["patient"], state["points"], state["score"]
        if score is None:
            donor = _DONOR_WORDS[p["donor"]].lower()
            breakdown = f"age {p['age']}: score not defined for a {donor} donor"
        else:
            breakdown = (
                f"age {p['age']} → {pts['age']} · {p['disease_stage']} stage → "
                f"{pts['disease_stage']} · {p['months_from_diagnosis']} months → "
                f"{pts['time_from_diagnosis']} · donor → {pts['donor']} · "
                f"{p['donor_sex']} donor, {p['recipient_sex']} patient → {pts['sex_match']}"
                f"<br><b>EBMT score {score}</b>"
            )
        data = [
            theme.line(
                f"{what}, {label}",
                list(range(8)),
                [cohort.by_score.get(s, (None, None))[measure] for s in range(8)],
                index + 2 * measure,
                mode="lines+markers",
                marker=theme.marker_style(index + 2 * measure),
                hovertemplate=f"{what}, {label}: score %{{x}}: %{{y}} %<extra></extra>",
            )
            for index, (cohort, label) in enumerate(_COHORTS)
            for measure, what in enumerate(_MEASURES)
        ]
        data += [
            theme.vline(
                "this patient's score", score, 0, 100, line={"color": theme.PALETTE[6], "width": 4}
            ),
            theme.words("points of each factor", [3.5], [112], [breakdown]),
        ]
        return {
            "data": data,
            "layout": theme.figure_layout(
                self.title,
                x_title="EBMT risk score (0 best, 7 worst)",
                y_title="patients (%)",
                height=440,
                xaxis={"range": [-0.3, 7.3], "dtick": 1},
                yaxis={"range": [0, 122]},
                legend=theme.legend(-0.2),
                margin={"b": 110},
            ),
        }

    def describe(self, state):
        age = state["patient"]["age"]
        if state["score"] is None:
            return (
                f"Age {age:g} years, but no EBMT score: the published score gives no points "
                "for this donor type (it was built on HLA-identical sibling and unrelated "
                "donors), so none is guessed."
            )
        text = f"Age {age:g} years with these factors: EBMT risk score {state['score']}."
        for outcome, (cohort, _) in zip(state["outcomes"], _COHORTS, strict=True):
            if outcome.survival_5y_pct is None:
                text += f" {cohort.short_name}: no group with this score reported "
                text += f"(scores {cohort.reported} only)."
            else:
                text += f" {cohort.short_name}, {outcome.summary}."
        return text


# --- 3b. comorbidities and fitness: HCT-CI, HCT-CI/age, Karnofsky -----------------------

_LIVER = [
    ("None", "none"),
    ("Mild (hepatitis, raised tests) +1", "hepatic_mild"),
    ("Moderate or severe (cirrhosis) +3", "hepatic_moderate_severe"),
]
_LUNGS = [
    ("None", "none"),
    ("Moderate (66-80 %) +2", "pulmonary_moderate"),
    ("Severe (≤ 65 %, or oxygen) +3", "pulmonary_severe"),
]
#: The HCT-CI conditions with a box of their own (the liver and lung levels are in menus).
_BOXES = [c for c in science.HCT_CI_CONDITIONS if not c.startswith(("hepatic", "pulmonary"))]
_GROUPS = ("low", "intermediate", "high")
_GROUP_LABELS = ("low<br>(0)", "intermediate<br>(1-2)", "high<br>(≥ 3)")


def _condition_check(key: str) -> Check:
    points, label = science.HCT_CI_WEIGHTS[key]
    words = _CONTENT["risks.fitness"]["conditions"][key]
    return Check(key, f"{words} +{points}", details=f"{label}: {points}")


@register
class FitnessExplorer(Explorer):
    """Other illnesses, age and fitness -> HCT-CI, HCT-CI/age, and the Karnofsky scale."""

    explorer_id = "risks.fitness"
    lesson = LESSON
    main_control = "karnofsky"
    controls = (
        Slider("karnofsky", "Karnofsky performance status", "%", 10, 100, 10, 90),
        Slider("age", "Patient's age", "years", 1, 75, 1, 45),
        Menu("liver", "Liver disease", _LIVER, "none"),
        Menu("lungs", "Lung disease (DLCO or FEV1)", _LUNGS, "none"),
        *(_condition_check(key) for key in _BOXES),
    )

    def compute(self, **values):
        conditions = [key for key in _BOXES if values[key]]
        conditions += [values[organ] for organ in ("liver", "lungs") if values[organ] != "none"]
        return {
            "age": values["age"],
            "karnofsky": values["karnofsky"],
            "kps_text": science.karnofsky_description(values["karnofsky"]),
            "conditions": conditions,
            **science.assess_hct_ci(conditions, values["age"]),
        }

    def draw(self, state):
        chosen = _GROUPS.index(state["group"])
        nrm = [science.HCT_CI_NRM_2Y[g].value for g in _GROUPS]
        levels = [k for k in science.KARNOFSKY_SCALE if k > 0]
        words = self.content()["karnofsky_levels"]
        left, right = [0.0, 0.45], [0.6, 1.0]
        title = {"y": 1.0, "xanchor": "center", "yanchor": "bottom"}
        data = [
            theme.bars(
                "published 2-year NRM by HCT-CI group",
                list(_GROUP_LABELS),
                nrm,
                {
                    "color": [theme.PALETTE[0] if i == chosen else "#cfd8e3" for i in range(3)],
                    "pattern": _hatch(["/" if i == chosen else "" for i in range(3)]),
                    "line": _EDGE,
                },
                [f"{value:g} %" for value in nrm],
                showlegend=False,  # the axis names each bar; one swatch would not do
                hovertemplate="%{x}: %{y} % died of causes other than relapse<extra></extra>",
            ),
            theme.words(
                "this patient's HCT-CI",
                [_GROUP_LABELS[1]],
                [54],
                [
                    f"HCT-CI {state['score']} · with age {state['age']}: "
                    f"HCT-CI/age {state['with_age']}"
                ],
            ),
            theme.words(
                "Karnofsky levels",
                [0] * len(levels),
                levels,
                [f"{k}: {words[str(k)]}" for k in levels],
                textposition="middle right",
                xaxis="x2",
                yaxis="y2",
                mode="markers+text",
                marker={"color": "#999999", "size": 8, "symbol": "circle"},
            ),
            theme.points(
                "this patient's Karnofsky",
                [-0.12],
                [state["karnofsky"]],
                theme.marker_style(1, size=16, symbol="diamond"),
                hoverinfo="skip",
                xaxis="x2",
                yaxis="y2",
            ),
        ]
        layout = theme.figure_layout(
            self.title,
            x_title="HCT-CI risk group (score)",
            y_title="patients (%)",
            height=440,
            xaxis={"domain": left, "tickangle": 0},
            yaxis={"range": [0, 60]},
            xaxis2=theme.axis("", domain=right, anchor="y2", range=[-0.25, 1.6], visible=False),
            yaxis2=theme.axis(
                "Karnofsky (%)", anchor="x2", range=[5, 105], dtick=10, showgrid=False
            ),
            legend=theme.legend(-0.28),
            margin={"t": 80, "b": 90},
            annotations=[
                theme.note("2-year non-relapse mortality (Sorror 2005)", x=sum(left) / 2, **title),
                theme.note("Karnofsky scale", x=sum(right) / 2, **title),
            ],
        )
        return {"data": data, "layout": layout}

    def describe(self, state):
        group = state["group"]
        return (
            f"HCT-CI {state['score']}: {group}-risk group, where 2-year non-relapse mortality "
            f"was {science.HCT_CI_NRM_2Y[group].value:g} % (Sorror 2005). HCT-CI/age "
            f"{state['with_age']} (group {state['age_group']}). Karnofsky "
            f"{state['karnofsky']}: {state['kps_text']}."
        )
