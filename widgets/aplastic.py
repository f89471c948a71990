"""Lesson 01's explorers: how severe is the aplastic anaemia, how a graft refills the marrow,
and the chance of finding a donor."""

from __future__ import annotations

import plotly.graph_objects as go

from . import science
from .course import short_citation
from .science.aplastic import GRAFT_CD34_DOSES, RETICULOCYTE_THRESHOLDS
from .science.published import (
    GRAFT_SOURCE_LABELS,
    GRAFT_SOURCES,
    NEUTROPHIL_ENGRAFTMENT_ANC_PER_UL,
    NEUTROPHIL_RECOVERY_MEDIAN_DAYS,
    Sourced,
)
from .ui import theme
from .ui.controls import SliderRange, checkbox, choice, slider, toggle
from .ui.explorer import Explorer, register

LESSON = "01-aplastic-anemia"

__all__ = [
    "REGISTRY_MATCH_PCT",
    "DonorExplorer",
    "EngraftmentExplorer",
    "SeverityExplorer",
    "engraftment_days_by_source",
    "print_engraftment_by_source",
]


def _font_size() -> float:
    """The axis-title font size of the current look (for a second axis built by hand)."""
    return theme.figure_layout("", x_title="", y_title="")["font"]["size"]


# -- 1. severity -------------------------------------------------------------------------

_CRITERIA_ROWS = (
    "Marrow cellularity",
    "Neutrophils (severe)",
    "Platelets",
    "Reticulocytes",
    "Neutrophils (very severe)",
)
_VERDICT_ROW = "Severity"


def _longest_line(text: str) -> int:
    return max(len(line) for line in text.split("<br>"))


@register
class SeverityExplorer(Explorer):
    """Set a patient's marrow and blood counts: see which criteria are met and the severity."""

    explorer_id = "aplastic.severity"
    lesson = LESSON
    title = "How severe is the aplastic anaemia?"
    main_control = "neutrophils"
    caption = (
        "The modified Camitta criteria (Camitta 1976; BSH guideline, Killick 2016). Each "
        "marker is the patient's value as a share of its threshold: left of the dashed line "
        "(filled marker) means the criterion is met. Severe = the marrow criterion and at "
        "least 2 of the 3 blood counts; very severe = severe and neutrophils below 0.2."
    )
    sources = ("camitta1976", "killick2016")

    def make_controls(self):
        thresholds = [(f"{t.value:g} ({t.note})", t.value) for t in RETICULOCYTE_THRESHOLDS]
        return {
            "cellularity_pct": slider(
                "Marrow cellularity",
                "% of marrow space",
                min=0,
                max=100,
                step=1,
                value=10,
                integer=True,
            ),
            "neutrophils": slider(
                "Neutrophils",
                "×10⁹/L",
                min=0,
                max=5,
                step=0.05,
                value=0.3,
                readout_format=".2f",
            ),
            "platelets": slider(
                "Platelets", "×10⁹/L", min=0, max=400, step=1, value=12, integer=True
            ),
            "reticulocytes": slider(
                "Reticulocytes", "×10⁹/L", min=0, max=200, step=1, value=15, integer=True
            ),
            "reticulocyte_threshold": toggle("Reticulocyte threshold (×10⁹/L)", thresholds, 20.0),
            "residual_known": checkbox("Biopsy gives residual blood-forming cells", False),
            "residual_pct": slider(
                "Residual blood-forming cells",
                "% of marrow cells",
                min=0,
                max=100,
                step=1,
                value=50,
                integer=True,
            ),
        }

    def presets(self):
        return {
            "Maya at diagnosis (severe)": {
                "cellularity_pct": 10,
                "neutrophils": 0.3,
                "platelets": 12,
                "reticulocytes": 15,
            },
            "Very severe: almost no neutrophils": {
                "cellularity_pct": 5,
                "neutrophils": 0.1,
                "platelets": 8,
                "reticulocytes": 10,
            },
            "Non-severe: only the platelets are low": {
                "cellularity_pct": 20,
                "neutrophils": 1.2,
                "platelets": 15,
                "reticulocytes": 45,
            },
            "Same counts, automated reticulocyte count (threshold 60)": {
                "cellularity_pct": 20,
                "neutrophils": 1.2,
                "platelets": 15,
                "reticulocytes": 45,
                "reticulocyte_threshold": 60.0,
            },
            "Patchy 40 % marrow, few blood-forming cells left": {
                "cellularity_pct": 40,
                "neutrophils": 0.35,
                "platelets": 14,
                "reticulocytes": 25,
                "residual_known": True,
                "residual_pct": 20,
            },
            "Healthy adult counts": {
                "cellularity_pct": 50,
                "neutrophils": 4.0,
                "platelets": 250,
                "reticulocytes": 60,
            },
        }

    def compute(
        self,
        *,
        cellularity_pct,
        neutrophils,
        platelets,
        reticulocytes,
        reticulocyte_threshold,
        residual_known,
        residual_pct,
    ):
        assessment = science.assess_severity(
            cellularity_pct=cellularity_pct,
            neutrophils=neutrophils,
            platelets=platelets,
            reticulocytes=reticulocytes,
            reticulocyte_threshold=reticulocyte_threshold,
            residual_hematopoietic_pct=residual_pct if residual_known else None,
        )
        a = assessment
        # The marrow threshold is 25 %, or 50 % when few blood-forming cells remain.
        if cellularity_pct >= 25 and residual_known and residual_pct < 30:
            marrow_limit = 50.0
            marrow_text = (
                f"{cellularity_pct:g} % (< 50 % with<br>residual {residual_pct:g} % < 30 %)"
            )
        else:
            marrow_limit = 25.0
            marrow_text = f"{cellularity_pct:g} % (< 25 %)"
        rows = [
            # value as a share of its threshold (%), met?, label text
            (100 * cellularity_pct / marrow_limit, a.marrow_criterion, marrow_text),
            (100 * neutrophils / 0.5, a.neutrophils_low, f"{neutrophils:.2f} (< 0.5)"),
            (100 * platelets / 20.0, a.platelets_low, f"{platelets:g} (< 20)"),
            (
                100 * reticulocytes / reticulocyte_threshold,
                a.reticulocytes_low,
                f"{reticulocytes:g} (< {reticulocyte_threshold:g})",
            ),
            (100 * neutrophils / 0.2, a.neutrophils_very_low, f"{neutrophils:.2f} (< 0.2)"),
        ]
        patient = (
            f"marrow {cellularity_pct:g} %, neutrophils {neutrophils:.2f}, platelets "
            f"{platelets:g}, reticulocytes {reticulocytes:g} ×10⁹/L"
        )
        return {"assessment": a, "rows": rows, "patient": patient}

    @staticmethod
    def _marker_arrays(state):
        # a log axis cannot show 0: a zero sits at the left edge (1 % of the threshold)
        xs = [max(share, 1.0) for share, _, _ in state["rows"]]
        texts = [f"{text}: {'met' if met else 'not met'}" for _, met, text in state["rows"]]
        # labels go to the side with room: right of a marker, left of one far right
        # (or of a long label that would run off the right edge)
        sides = [
            "middle left" if x > 150 or (x > 40 and _longest_line(t) > 30) else "middle right"
            for x, t in zip(xs, texts, strict=True)
        ]
        symbols = ["circle" if met else "circle-open" for _, met, _ in state["rows"]]
        colours = [theme.PALETTE[1] if met else theme.PALETTE[0] for _, met, _ in state["rows"]]
        return xs, texts, sides, symbols, colours

    @staticmethod
    def _verdict(state):
        a = state["assessment"]
        return f"<b>{a.severity.upper()}</b> ({a.blood_criteria_met} of 3 blood counts low)"

    def build_figure(self, state):
        xs, texts, sides, symbols, colours = self._marker_arrays(state)
        rows = list(_CRITERIA_ROWS)
        traces = [
            go.Scatter(  # 0: the thresholds
                x=[100] * len(rows),
                y=rows,
                mode="lines",
                line={"color": theme.THRESHOLD, "dash": "dash", "width": 2},
                name="threshold (100 %)",
                hoverinfo="skip",
            ),
            go.Scatter(  # 1: the patient
                x=xs,
                y=rows,
                mode="markers+text",
                text=texts,
                textposition=sides,
                marker={
                    "symbol": symbols,
                    "color": colours,
                    "size": 16,
                    "line": {"width": 2, "color": theme.PALETTE[0]},
                },
                name="this patient (filled = criterion met)",
            ),
            go.Scatter(  # 2: the verdict, on its own row
                x=[1.1],
                y=[_VERDICT_ROW],
                mode="text",
                text=[self._verdict(state)],
                textposition="middle right",
                textfont={"size": 17},
                showlegend=False,
                hoverinfo="skip",
            ),
        ]
        layout = theme.figure_layout(
            self.title,
            x_title="value as % of its threshold (log scale; left of 100 % = met)",
            y_title="",
            height=420,
            xaxis={"type": "log", "range": [0, 3.5], "tickvals": [1, 10, 100, 1000]},
            yaxis={
                "categoryorder": "array",
                "categoryarray": [_VERDICT_ROW, *rows][::-1],
                "showgrid": True,
            },
            legend={"orientation": "h", "y": -0.25},
            margin={"l": 180},
        )
        return go.Figure(data=traces, layout=layout)

    def update_figure(self, state):
        xs, texts, sides, symbols, colours = self._marker_arrays(state)
        markers, verdict = self.figure.data[1], self.figure.data[2]
        markers.x = xs
        markers.text = texts
        markers.textposition = sides
        markers.marker.symbol = symbols
        markers.marker.color = colours
        verdict.text = [self._verdict(state)]

    def describe(self, state):
        a = state["assessment"]
        met = [
            name
            for name, flag in (
                ("marrow", a.marrow_criterion),
                ("neutrophils < 0.5", a.neutrophils_low),
                ("platelets < 20", a.platelets_low),
                (f"reticulocytes < {a.reticulocyte_threshold:g}", a.reticulocytes_low),
                ("neutrophils < 0.2", a.neutrophils_very_low),
            )
            if flag
        ]
        listed = ", ".join(met) if met else "none"
        return (
            f"Severity: {a.severity}. With {state['patient']}, the criteria met are: "
            f"{listed} ({a.blood_criteria_met} of 3 blood counts low; severe needs the "
            "marrow criterion and at least 2)."
        )


# -- 2. engraftment ----------------------------------------------------------------------


def engraftment_days_by_source() -> dict[str, int | None]:
    """The teaching model's engraftment day at each graft source's typical dose."""
    return {source: science.engraftment_day(source) for source in GRAFT_SOURCES}


def print_engraftment_by_source() -> None:
    """Print, per graft source, the typical dose, the model's day and the published median."""
    for source, day in engraftment_days_by_source().items():
        dose = GRAFT_CD34_DOSES[source]
        median = NEUTROPHIL_RECOVERY_MEDIAN_DAYS[source]
        assumed = " (assumed)" if dose.typical_is_assumed else ""
        print(
            f"{GRAFT_SOURCE_LABELS[source]}: {dose.typical:g} x10^6 CD34+/kg{assumed} -> "
            f"model day {day}; published median day {median.value:g} "
            f"({short_citation(median.source)})"
        )


def _dose_range(source: str) -> SliderRange:
    dose = GRAFT_CD34_DOSES[source]
    return SliderRange(
        min=dose.minimum,
        max=dose.maximum,
        step=dose.step,
        value=dose.typical,
        unit="×10⁶ cells/kg",
        context=GRAFT_SOURCE_LABELS[source].lower(),
    )


@register
class EngraftmentExplorer(Explorer):
    """Choose a graft and its CD34+ cell dose: watch the blood counts come back, day by day."""

    explorer_id = "aplastic.engraftment"
    lesson = LESSON
    title = "Engraftment: the new marrow starts to work"
    main_control = "dose"
    caption = (
        "<b>Teaching model, not a prediction.</b> Each count is the patient's own cells "
        "fading after conditioning plus the donor's cells growing along an S-shaped curve "
        "that starts earlier when more CD34+ cells are given. It is calibrated so that at "
        "each graft's typical dose the engraftment day read off the counts (first of 3 days "
        "with neutrophils ≥ 500/µL, Kharfan-Dabaja 2021) is the published median: sibling "
        "blood 14 and marrow 19 days (Champlin 2000), double cord blood 23 (Barker 2005), "
        "haploidentical marrow 24 (Symons 2020); platelets likewise (18, 25, 29 days). "
        "Typical doses (the slider spans the published range where one is given): marrow "
        "3.7 ×10⁶/kg (Bittencourt 2002); blood 6.7 ×10⁶/kg, range 1.6-15 (Lickliter 2000); "
        "cord blood 0.4 ×10⁶/kg, range 0.1-1.7 (Majhail 2008: adults over 55 after "
        "reduced-intensity conditioning, 88 % given two units, not the cohort of the "
        "23-day median). Still <i>assumed</i>: the haploidentical marrow dose "
        "(3.7 ×10⁶/kg, as for sibling marrow), the marrow slider ranges, the curve shapes "
        "and the platelet curve after cord blood. Low-dose warnings: Pulsipher 2009, "
        "Bittencourt 2002, Brunstein 2010. Transfusions, growth factors, infections and "
        "GVHD are not modelled."
    )
    sources = (
        "champlin2000",
        "barker2005",
        "symons2020",
        "kharfandabaja2021",
        "bittencourt2002",
        "lickliter2000",
        "majhail2008",
        "pulsipher2009",
        "brunstein2010",
    )

    def make_controls(self):
        marrow = _dose_range("bone_marrow")
        return {
            "graft_source": choice(
                "Graft",
                [(label, key) for key, label in GRAFT_SOURCE_LABELS.items()],
                "bone_marrow",
            ),
            "dose": slider(
                "CD34+ cell dose",
                marrow.unit,
                min=marrow.min,
                max=marrow.max,
                step=marrow.step,
                value=marrow.value,
                readout_format=".2f",
            ),
        }

    def presets(self):
        return {
            "Maya: sibling marrow, median dose (3.7)": {
                "graft_source": "bone_marrow",
                "dose": 3.7,
            },
            "Sibling marrow, poor harvest (1.5, below 3)": {
                "graft_source": "bone_marrow",
                "dose": 1.5,
            },
            "Sibling blood stem cells (6.7, the published median)": {
                "graft_source": "peripheral_blood",
                "dose": 6.7,
            },
            "Double cord blood (0.4, the published median)": {
                "graft_source": "double_cord_blood",
                "dose": 0.4,
            },
            "Double cord blood, small units (0.1, below 0.17)": {
                "graft_source": "double_cord_blood",
                "dose": 0.1,
            },
            "Haploidentical marrow with post-transplant cyclophosphamide (3.7, assumed)": {
                "graft_source": "haploidentical_marrow",
                "dose": 3.7,
            },
        }

    def linked_ranges(self):
        # each graft has its own dose range and typical dose; presets switch both together
        return {"dose": ("graft_source", _dose_range)}

    # -- model and figure ----------------------------------------------------------------
    def compute(self, *, graft_source, dose):
        counts = science.simulate_blood_counts(graft_source, dose)
        return {
            "counts": counts,
            "warning": science.low_dose_warning(graft_source, dose),
            "median": NEUTROPHIL_RECOVERY_MEDIAN_DAYS[graft_source],
        }

    @staticmethod
    def _window(state) -> tuple[list[float], list[float]]:
        counts = state["counts"]
        end = counts.engraftment_day if counts.engraftment_day is not None else counts.days[-1]
        return [0, end, end, 0, 0], [1, 1, 20000, 20000, 1]

    @staticmethod
    def _marker(day, values, label):
        if day is None:
            return [None], [None], [""]
        return [day], [float(values[day])], [f"{label} day {day}"]

    def build_figure(self, state):
        counts = state["counts"]
        days = counts.days.tolist()
        threshold = NEUTROPHIL_ENGRAFTMENT_ANC_PER_UL.value
        platelet_threshold = science.PLATELET_RECOVERY_PER_NL.value
        wx, wy = self._window(state)
        nx, ny, ntext = self._marker(
            counts.engraftment_day, counts.neutrophils_per_ul, "engrafted:"
        )
        px, py, ptext = self._marker(
            counts.platelet_recovery_day, counts.platelets_per_nl, "platelets:"
        )
        median = state["median"]
        traces = [
            go.Scatter(  # 0: the neutropenic window, shaded
                x=wx,
                y=wy,
                fill="toself",
                fillcolor=theme.SHADE,
                mode="none",
                name="neutrophils < 500/µL: high infection risk",
                hoverinfo="skip",
            ),
            go.Scatter(  # 1: neutrophils
                x=days,
                y=counts.neutrophils_per_ul.tolist(),
                mode="lines",
                line=theme.line_style(0),
                name="neutrophils (/µL)",
            ),
            go.Scatter(  # 2: neutrophil threshold
                x=[0, days[-1]],
                y=[threshold, threshold],
                mode="lines",
                line={"color": theme.THRESHOLD, "dash": "dash", "width": 2},
                name="500/µL (engraftment threshold)",
                hoverinfo="skip",
            ),
            go.Scatter(  # 3: published median
                x=[median.value],
                y=[threshold],
                mode="markers",
                marker={
                    "symbol": "star",
                    "size": 16,
                    "color": theme.PALETTE[4],
                    "line": {"width": 1, "color": "#000000"},
                },
                name="published median day",
                hovertext=[f"published median: day {median.value:g}"],
                hoverinfo="text",
            ),
            go.Scatter(  # 4: engraftment day marker (drawn over the star)
                x=nx,
                y=ny,
                text=ntext,
                mode="markers+text",
                textposition="bottom right",
                marker={**theme.marker_style(0), "size": 14, "symbol": "diamond"},
                name="engraftment day (model)",
            ),
            go.Scatter(  # 5: platelets
                x=days,
                y=counts.platelets_per_nl.tolist(),
                mode="lines",
                line=theme.line_style(1),
                name="platelets (×10⁹/L)",
                yaxis="y2",
            ),
            go.Scatter(  # 6: platelet threshold
                x=[0, days[-1]],
                y=[platelet_threshold, platelet_threshold],
                mode="lines",
                line={"color": theme.THRESHOLD, "dash": "dot", "width": 2},
                name="20 ×10⁹/L (platelet recovery)",
                yaxis="y2",
                hoverinfo="skip",
            ),
            go.Scatter(  # 7: platelet recovery marker
                x=px,
                y=py,
                text=ptext,
                mode="markers+text",
                textposition="bottom right",
                marker={**theme.marker_style(1), "size": 12},
                name="platelet recovery day (model)",
                yaxis="y2",
            ),
        ]
        layout = theme.figure_layout(
            self.title,
            x_title="days after the graft (day 0)",
            y_title="neutrophils per µL (log)",
            height=520,
            width=660,
            xaxis={"range": [0, days[-1]], "anchor": "y2"},
            yaxis={"type": "log", "range": [0, 4.2], "domain": [0.45, 1.0]},
            yaxis2={
                "type": "log",
                "range": [-1, 2.6],
                "domain": [0.0, 0.36],
                "title": {"text": "platelets ×10⁹/L (log)", "font": {"size": _font_size()}},
                "showgrid": True,
                "ticks": "outside",
            },
            legend={"orientation": "h", "y": -0.16, "font": {"size": 11}},
            margin={"b": 120},
        )
        return go.Figure(data=traces, layout=layout)

    def update_figure(self, state):
        counts = state["counts"]
        data = self.figure.data
        # the two curves change on every step; the rest only when a day changes
        data[1].y = counts.neutrophils_per_ul.tolist()
        data[5].y = counts.platelets_per_nl.tolist()
        wx, wy = self._window(state)
        if list(data[0].x) != wx:
            data[0].x, data[0].y = wx, wy
        median = state["median"].value
        if list(data[3].x) != [median]:
            data[3].x = [median]
            data[3].hovertext = [f"published median: day {median:g}"]
        for index, day, values, label in (
            (4, counts.engraftment_day, counts.neutrophils_per_ul, "engrafted:"),
            (7, counts.platelet_recovery_day, counts.platelets_per_nl, "platelets:"),
        ):
            x, y, text = self._marker(day, values, label)
            trace = data[index]
            if list(trace.x) != x:
                trace.x, trace.text = x, text
            trace.y = y

    def describe(self, state):
        counts = state["counts"]
        source = counts.graft_source
        label = GRAFT_SOURCE_LABELS[source].lower()
        median: Sourced = state["median"]
        head = f"Teaching model, {label}, {counts.cd34_dose_per_kg:g} ×10⁶ CD34+ cells/kg: "
        if counts.engraftment_day is None:
            text = head + (
                f"neutrophils do not reach 500/µL for 3 days within {counts.days[-1]} days "
                "(graft failure)."
            )
        else:
            text = head + (
                f"neutrophils ≥ 500/µL from day {counts.engraftment_day} "
                f"(published median day {median.value:g}, {short_citation(median.source)}); "
                f"{counts.engraftment_day} days in the high-risk window"
            )
            if counts.platelet_recovery_day is not None:
                assumed = (
                    " (assumed curve)" if source in science.ASSUMED_PLATELET_MEDIAN_DAYS else ""
                )
                text += f"; platelets ≥ 20 ×10⁹/L from day {counts.platelet_recovery_day}{assumed}"
            text += "."
        if state["warning"]:
            warning = state["warning"]
            key = GRAFT_CD34_DOSES[source].warning_source
            text += " " + warning.replace(f"[{key}]", f"({short_citation(key)})")
        return text


# -- 3. finding a donor --------------------------------------------------------------------

#: Chance of finding an 8/8 HLA-matched unrelated adult donor in the US registry, by the
#: patient's ancestry (Gragert et al., NEJM 2014). African American: "below 20 %"; the bar
#: is drawn at 20 as an upper bound.
REGISTRY_MATCH_PCT = {
    "White European": Sourced(75, "gragert2014"),
    "Native American": Sourced(52, "gragert2014"),
    "Chinese": Sourced(41, "gragert2014"),
    "Mexican": Sourced(37, "gragert2014"),
    "South Asian": Sourced(33, "gragert2014"),
    "African American": Sourced(20, "gragert2014", "below 20 %"),
}


@register
class DonorExplorer(Explorer):
    """How many brothers and sisters: the chance that one is a perfect HLA match."""

    explorer_id = "aplastic.donor"
    lesson = LESSON
    title = "Finding a donor"
    main_control = "n_siblings"
    caption = (
        "Left: each full sibling has a 1 in 4 chance of inheriting the same two HLA sets "
        "(haplotypes) as the patient, so the chance that at least one of n siblings matches "
        "is 1 − 0.75ⁿ (ignores rare recombination). Right: the chance of an 8/8-matched "
        "unrelated adult donor in the US registry by the patient's ancestry (Gragert 2014; "
        "the African American bar is an upper bound: below 20 %)."
    )
    sources = ("gragert2014",)

    def make_controls(self):
        return {
            "n_siblings": slider(
                "Brothers and sisters",
                "full siblings",
                min=0,
                max=10,
                step=1,
                value=2,
                integer=True,
            ),
        }

    def presets(self):
        return {
            "Only child": {"n_siblings": 0},
            "Maya: one brother": {"n_siblings": 1},
            "Three siblings": {"n_siblings": 3},
            "Large family: six siblings": {"n_siblings": 6},
        }

    def compute(self, *, n_siblings):
        return {
            "n": n_siblings,
            "p": science.sibling_match_probability(n_siblings),
            "curve": [science.sibling_match_probability(n) for n in range(11)],
        }

    def build_figure(self, state):
        groups = list(REGISTRY_MATCH_PCT)
        values = [REGISTRY_MATCH_PCT[g].value for g in groups]
        texts = [
            "< 20 %" if REGISTRY_MATCH_PCT[g].note else f"{v:g} %"
            for g, v in zip(groups, values, strict=True)
        ]
        patterns = ["/" if REGISTRY_MATCH_PCT[g].note else "" for g in groups]
        traces = [
            go.Scatter(  # 0: the curve 1 - 0.75^n
                x=list(range(11)),
                y=[100 * p for p in state["curve"]],
                mode="lines+markers",
                line=theme.line_style(0),
                marker={"size": 7, "color": theme.PALETTE[0]},
                name="at least one sibling matches",
                xaxis="x",
                yaxis="y",
            ),
            go.Scatter(  # 1: this family
                x=[state["n"]],
                y=[100 * state["p"]],
                mode="markers+text",
                text=[f"{100 * state['p']:.0f} %"],
                textposition="top left",
                marker={"symbol": "diamond", "size": 16, "color": theme.PALETTE[1]},
                name="this family",
                xaxis="x",
                yaxis="y",
            ),
            go.Bar(  # 2: registry, by ancestry (static)
                x=groups,
                y=values,
                text=texts,
                textposition="outside",
                marker={"color": theme.PALETTE[2], "pattern": {"shape": patterns}},
                name="8/8 unrelated donor (Gragert 2014)",
                xaxis="x2",
                yaxis="y2",
            ),
        ]
        layout = theme.figure_layout(
            self.title,
            x_title="number of full siblings",
            y_title="chance of a match (%)",
            height=420,
            width=760,
            xaxis={"domain": [0.0, 0.42], "range": [-0.5, 10.5], "dtick": 1},
            yaxis={"range": [0, 105]},
            xaxis2={
                "domain": [0.55, 1.0],
                "anchor": "y2",
                "tickangle": -35,
                "title": {
                    "text": "patient's ancestry (US registry)",
                    "font": {"size": _font_size()},
                },
            },
            yaxis2={"range": [0, 105], "anchor": "x2", "title": {"text": ""}},
            legend={"orientation": "h", "y": -0.45},
            margin={"b": 150},
        )
        return go.Figure(data=traces, layout=layout)

    def update_figure(self, state):
        marker = self.figure.data[1]
        marker.x = [state["n"]]
        marker.y = [100 * state["p"]]
        marker.text = [f"{100 * state['p']:.0f} %"]

    def describe(self, state):
        n, p = state["n"], state["p"]
        family = (
            "With no siblings there is no chance of a matched sibling"
            if n == 0
            else (
                f"With {n} full sibling{'s' if n != 1 else ''}, the chance that at least one "
                f"is an HLA-identical match is {100 * p:.0f} % (1 − 0.75^{n})"
            )
        )
        best, worst = "White European", "African American"
        return (
            f"{family}. An 8/8-matched unrelated registry donor is found for "
            f"{REGISTRY_MATCH_PCT[best].value:g} % of {best} patients but below 20 % of "
            f"{worst} patients (Gragert 2014)."
        )
