"""Lesson 01's explorers: how severe is the aplastic anaemia, how a graft refills the marrow,
and the chance of finding a donor."""

from __future__ import annotations

from dataclasses import asdict

from . import science
from .course import short_citation
from .science.aplastic import GRAFT_CD34_DOSES, RETICULOCYTE_THRESHOLDS
from .science.published import (
    GRAFT_SOURCE_LABELS,
    GRAFT_SOURCES,
    NEUTROPHIL_ENGRAFTMENT_ANC_PER_UL,
    NEUTROPHIL_RECOVERY_MEDIAN_DAYS,
    REGISTRY_MATCH_PCT,
)
from .ui import theme
from .ui.controls import Check, Menu, Range, Slider
from .ui.explorer import Explorer, register

LESSON = "01-aplastic-anemia"

COUNT = "×10⁹/L"


# -- 1. severity -------------------------------------------------------------------------


def _away_from_threshold(x):
    """Where a value's words go: away from the dashed 100 % line, inside the log axis (1-2000)."""
    return "middle right" if x < 3.5 or 100 <= x < 400 else "middle left"


@register
class SeverityExplorer(Explorer):
    """Set a patient's marrow and blood counts: see which criteria are met and the severity."""

    explorer_id = "aplastic.severity"
    lesson = LESSON
    main_control = "neutrophils"
    controls = (
        Slider("cellularity_pct", "Marrow cellularity", "% of marrow space", 0, 100, 1, 10),
        Slider("neutrophils", "Neutrophils", COUNT, 0, 5, 0.05, 0.3),
        Slider("platelets", "Platelets", COUNT, 0, 400, 1, 12),
        Slider("reticulocytes", "Reticulocytes", COUNT, 0, 200, 1, 15),
        Menu(
            "reticulocyte_threshold",
            f"Reticulocyte threshold ({COUNT})",
            [(f"{t.value:g} ({t.note})", t.value) for t in RETICULOCYTE_THRESHOLDS],
            20.0,
            buttons=True,
        ),
        Check("residual_known", "Biopsy counted the residual blood-forming cells"),
        Slider("residual_pct", "Residual blood-forming cells", "% of marrow cells", 0, 100, 1, 50),
    )

    def compute(self, *, residual_known, residual_pct, **counts):
        residual = residual_pct if residual_known else None
        return {
            "assessment": science.assess_severity(**counts, residual_hematopoietic_pct=residual),
            "rows": science.severity_criteria(**counts, residual_hematopoietic_pct=residual),
        }

    def draw(self, state):
        rows = state["rows"]
        names = [row.name for row in rows]
        xs = [max(row.share_pct, 1.0) for row in rows]  # a log axis cannot show 0
        texts = [
            f"{row.value:g} (< {row.threshold:g}): {'met' if row.met else 'not met'}"
            for row in rows
        ]
        a = state["assessment"]
        if a.severity == science.CRITERIA_NOT_MET:  # not aplastic anaemia: no severity to grade
            verdict = "<b>Not aplastic anaemia</b>: the criteria are not met"
        else:
            verdict = f"<b>{a.severity.upper()}</b> ({a.blood_criteria_met} of 3 blood counts low)"
        data = [
            theme.vline("threshold (100 %)", 100, names[0], names[-1]),
            theme.points(
                "this patient (filled = criterion met)",
                xs,
                names,
                {
                    "symbol": ["circle" if row.met else "circle-open" for row in rows],
                    "color": [theme.PALETTE[1] if r.met else theme.PALETTE[0] for r in rows],
                    "size": 15,
                    "line": {"width": 2, "color": theme.PALETTE[0]},
                },
                texts,
                textposition=[_away_from_threshold(x) for x in xs],
                showlegend=False,  # each marker says met or not: one swatch would not do
            ),
        ]
        layout = theme.figure_layout(
            self.title,
            x_title="value as % of its threshold (log scale; left of 100 % = met)",
            xaxis={"type": "log", "range": [0, 3.3], "tickvals": [1, 10, 100, 1000]},
            yaxis={"categoryorder": "array", "categoryarray": names[::-1]},
            legend=theme.legend(-0.25),
            margin={"l": 170, "t": 70},
            annotations=[
                theme.note(verdict, x=0, y=1.0, xanchor="left", yanchor="bottom", size=1.2)
            ],
        )
        return {"data": data, "layout": layout}

    def describe(self, state):
        a = state["assessment"]
        met = [row.name for row in state["rows"] if row.met]
        listed = ", ".join(met) if met else "none"
        return (
            f"Severity: {a.severity}. Criteria met: {listed} ({a.blood_criteria_met} of 3 "
            "blood counts low; severe needs the marrow criterion and at least 2)."
        )


# -- 2. engraftment ----------------------------------------------------------------------


def print_engraftment_by_source() -> None:
    """Print, per graft source, the typical dose, the model's day and the published median."""
    for source in GRAFT_SOURCES:
        day = science.engraftment_day(source)
        dose = GRAFT_CD34_DOSES[source]
        median = NEUTROPHIL_RECOVERY_MEDIAN_DAYS[source]
        assumed = " (assumed)" if dose.typical_is_assumed else ""
        print(
            f"{GRAFT_SOURCE_LABELS[source]}: {dose.typical:g} x10^6 CD34+/kg{assumed} -> "
            f"model day {day}; published median day {median.value:g} "
            f"({short_citation(median.source)})"
        )


#: The graft menu, as every lesson that asks for a graft shows it.
GRAFT_MENU = Menu(
    "graft_source", "Graft", [(t, k) for k, t in GRAFT_SOURCE_LABELS.items()], "bone_marrow"
)
#: Each graft's dose slider: its published range (or assumed), step and typical dose.
_DOSES = {
    source: Range(d.minimum, d.maximum, d.step, d.typical, d.range_source)
    for source, d in GRAFT_CD34_DOSES.items()
}


@register
class EngraftmentExplorer(Explorer):
    """Choose a graft and its CD34+ cell dose: watch the blood counts come back, day by day."""

    explorer_id = "aplastic.engraftment"
    lesson = LESSON
    main_control = "dose"
    controls = (
        GRAFT_MENU,
        Slider(
            "dose",
            "CD34+ cell dose",
            "×10⁶ cells/kg",
            **asdict(_DOSES[GRAFT_MENU.value]),
            ranges_by="graft_source",
            ranges=_DOSES,
        ),
    )

    def compute(self, *, graft_source, dose):
        return {
            "counts": science.simulate_blood_counts(graft_source, dose),
            "warning": science.low_dose_warning(graft_source, dose),
            "median": NEUTROPHIL_RECOVERY_MEDIAN_DAYS[graft_source],
        }

    def draw(self, state):
        counts = state["counts"]
        days = counts.days
        end = counts.engraftment_day if counts.engraftment_day is not None else int(days[-1])
        threshold = NEUTROPHIL_ENGRAFTMENT_ANC_PER_UL.value
        platelet_threshold = science.PLATELET_RECOVERY_PER_NL.value
        median = state["median"].value

        def day_mark(name, day, values, label, marker, axis):
            found = [] if day is None else [(day, values[day], f"{label} day {day}")]
            x, y, text = theme.columns(found, 3)
            return theme.points(name, x, y, marker, text, textposition="bottom right", yaxis=axis)

        star = theme.marker_style(4, symbol="star", size=16, line={"width": 1, "color": "#000000"})
        data = [
            theme.band(f"neutrophils < {threshold:g}/µL: high infection risk", 0, end, 1, 20000),
            theme.line("neutrophils (/µL)", days, counts.neutrophils_per_ul, 0),
            theme.threshold_line(f"{threshold:g}/µL (engraftment)", days, threshold, "dash"),
            theme.points(
                "published median day",
                [median],
                [threshold],
                star,
                hovertext=[f"published median: day {median:g}"],
                hoverinfo="text",
            ),
            day_mark(
                "engraftment day (model)",
                counts.engraftment_day,
                counts.neutrophils_per_ul,
                "engrafted:",
                theme.marker_style(0, size=14, symbol="diamond"),
                "y",
            ),
            theme.line("platelets (×10⁹/L)", days, counts.platelets_per_nl, 1, yaxis="y2"),
            theme.threshold_line(
                "20 ×10⁹/L (platelets)", days, platelet_threshold, "dot", yaxis="y2"
            ),
            day_mark(
                "platelet recovery day (model)",
                counts.platelet_recovery_day,
                counts.platelets_per_nl,
                "platelets:",
                theme.marker_style(1, size=12),
                "y2",
            ),
        ]
        layout = theme.figure_layout(
            self.title,
            x_title="days after the graft (day 0)",
            y_title="neutrophils per µL (log)",
            height=440,
            xaxis={"range": [0, int(days[-1])], "anchor": "y2"},
            yaxis={"type": "log", "range": [0, 4.2], "domain": [0.42, 1.0]},
            yaxis2=theme.axis(
                "platelets ×10⁹/L (log)", type="log", range=[-1, 2.6], domain=[0.0, 0.32]
            ),
            legend=theme.legend(-0.2) | {"font": {"size": 11}},
            margin={"b": 110},
        )
        return {"data": data, "layout": layout}

    def describe(self, state):
        counts = state["counts"]
        source = counts.graft_source
        label = GRAFT_SOURCE_LABELS[source].lower()
        median = state["median"]
        head = f"Teaching model, {label}, {counts.cd34_dose_per_kg:g} ×10⁶ CD34+ cells/kg: "
        if counts.engraftment_day is None:
            text = head + (
                f"neutrophils do not reach 500/µL for 3 days within {counts.days[-1]} days "
                "(graft failure)."
            )
        else:
            text = head + (
                f"neutrophils ≥ 500/µL from day {counts.engraftment_day} "
                f"(published median day {median.value:g}, {short_citation(median.source)})"
            )
            if counts.platelet_recovery_day is not None:
                assumed = (
                    " (assumed curve)" if source in science.ASSUMED_PLATELET_MEDIAN_DAYS else ""
                )
                text += f"; platelets ≥ 20 ×10⁹/L from day {counts.platelet_recovery_day}{assumed}"
            text += "."
        if state["warning"]:
            key = GRAFT_CD34_DOSES[source].warning_source
            text += " " + state["warning"].replace(f"[{key}]", f"({short_citation(key)})")
        return text


# -- 3. finding a donor --------------------------------------------------------------------


@register
class DonorExplorer(Explorer):
    """How many brothers and sisters: the chance that one is a perfect HLA match."""

    explorer_id = "aplastic.donor"
    lesson = LESSON
    controls = (Slider("n_siblings", "Brothers and sisters", "full siblings", 0, 10, 1, 2),)

    def compute(self, *, n_siblings):
        return {
            "n": n_siblings,
            "p": science.sibling_match_probability(n_siblings),
            "curve": [science.sibling_match_probability(n) for n in range(11)],
        }

    def draw(self, state):
        groups = list(REGISTRY_MATCH_PCT)
        values = [REGISTRY_MATCH_PCT[g].value for g in groups]
        few = [bool(REGISTRY_MATCH_PCT[g].note) for g in groups]  # "below 20 %": an upper bound
        data = [
            theme.line(
                "at least one sibling matches",
                list(range(11)),
                [100 * p for p in state["curve"]],
                0,
                mode="lines+markers",
                marker={"size": 7, "color": theme.PALETTE[0]},
            ),
            theme.points(
                "this family",
                [state["n"]],
                [100 * state["p"]],
                theme.marker_style(1, symbol="diamond", size=16),
                [f"{100 * state['p']:.0f} %"],
                textposition="top left",
            ),
            theme.bars(
                "8/8 unrelated donor (Gragert 2014)",
                groups,
                values,
                {"color": theme.PALETTE[2], "pattern": {"shape": ["/" if n else "" for n in few]}},
                [f"< {v:g} %" if n else f"{v:g} %" for n, v in zip(few, values, strict=True)],
                xaxis="x2",
                yaxis="y2",
            ),
        ]
        layout = theme.figure_layout(
            self.title,
            x_title="number of full siblings",
            y_title="chance of a match (%)",
            height=400,
            xaxis={"domain": [0.0, 0.42], "range": [-0.5, 10.5], "dtick": 1},
            yaxis={"range": [0, 105]},
            xaxis2=theme.axis(
                "patient's ancestry (US registry)", domain=[0.55, 1.0], anchor="y2", tickangle=-35
            ),
            yaxis2=theme.axis("", range=[0, 105], anchor="x2"),
            legend=theme.legend(-0.5),
            margin={"b": 140},
        )
        return {"data": data, "layout": layout}

    def describe(self, state):
        n, p = state["n"], state["p"]
        if n == 0:
            family = "With no siblings there is no chance of a matched sibling"
        else:
            family = (
                f"With {n} full sibling{'s' if n != 1 else ''}, the chance that at least one "
                f"is an HLA-identical match is {100 * p:.0f} % (1 − 0.75^{n})"
            )
        best, worst = (REGISTRY_MATCH_PCT[g] for g in ("White European", "African American"))
        return (
            f"{family}. A fully matched unrelated registry donor is found for {best.value:g} % "
            f"of White European patients but {worst.note} of African American patients "
            "(Gragert 2014)."
        )
