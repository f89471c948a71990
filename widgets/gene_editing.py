"""Lesson 03's explorers: edited alleles, how many corrected cells are enough, selective
advantage; and the printed summaries the lesson keeps."""

from __future__ import annotations

from typing import Any

import numpy as np
import plotly.graph_objects as go

from . import science
from .science.gene_editing import (
    EDITED_ALLELES_BASE_EDITING_MICE,
    EDITED_ALLELES_FIRST_PATIENTS,
    F_CELL_RBC_LIFESPAN_DAYS,
    MYELOID_CHIMERISM_HAEMOLYSIS_CORRECTED,
    MYELOID_CHIMERISM_PREVENTS_CRISES,
    MYELOID_CHIMERISM_REVERSES_SICKLE,
    NORMAL_RBC_LIFESPAN_DAYS,
    SICKLE_RBC_LIFESPAN_DAYS,
)
from .ui import theme
from .ui.controls import slider
from .ui.explorer import Explorer, register

LESSON = "03-gene-editing"

__all__ = [
    "EditedAllelesExplorer",
    "RedCellChimerismExplorer",
    "SelectiveAdvantageExplorer",
    "print_allele_table",
    "print_red_cell_thresholds",
    "print_workflow",
]


def _pct(fraction: float) -> str:
    """A share as a whole percentage, never '-0'."""
    return f"{abs(round(100.0 * fraction)):.0f} %"


# -- printed summaries (kept outputs in the notebook) -----------------------------------


def print_workflow() -> None:
    """Print the steps of an ex vivo gene-editing transplant, with published days."""
    for step in science.ex_vivo_workflow():
        print(f"{step.when:>10} | {step.name}: {step.what}.")


def print_allele_table(fractions: tuple[float, ...] = (0.5, 0.68, 0.8, 0.9)) -> None:
    """Print the shares of cells with 0, 1 and 2 edited copies for a few editing levels."""
    print("alleles edited | no edited copy | one copy | both copies | at least one")
    for p in fractions:
        d = science.allele_distribution(p)
        print(
            f"{_pct(p):>14} | {_pct(d.unedited):>14} | {_pct(d.one_allele):>8} | "
            f"{_pct(d.both_alleles):>11} | {_pct(d.at_least_one):>12}"
        )


def print_red_cell_thresholds() -> None:
    """Print the share of healthy red cells at the published chimerism thresholds."""
    donor, sickle = NORMAL_RBC_LIFESPAN_DAYS.value, SICKLE_RBC_LIFESPAN_DAYS.value
    print(f"Healthy red cells live {donor:g} days, sickle red cells {sickle:g} days.")
    for threshold, meaning in (
        (MYELOID_CHIMERISM_REVERSES_SICKLE, "reverses sickle disease (Fitzhugh 2017)"),
        (MYELOID_CHIMERISM_PREVENTS_CRISES, "prevented crises (Magnani 2020)"),
        (MYELOID_CHIMERISM_HAEMOLYSIS_CORRECTED, "corrected haemolysis (Magnani 2020)"),
    ):
        share = science.donor_red_cell_fraction(threshold.value)
        print(
            f"{_pct(threshold.value)} myeloid chimerism -> {_pct(share)} healthy red cells: "
            f"{meaning}"
        )


# -- explorer 1: edited alleles --------------------------------------------------------

_ALLELE_SERIES = (
    ("no edited copy", "unedited"),
    ("one edited copy", "one_allele"),
    ("both copies edited", "both_alleles"),
)


@register
class EditedAllelesExplorer(Explorer):
    """Share of alleles edited -> share of cells with no, one or two edited copies."""

    explorer_id = "gene_editing.alleles"
    lesson = LESSON
    title = "Edited alleles: how many cells carry 0, 1 or 2 edited copies?"
    main_control = "alleles_edited_percent"
    caption = (
        "Each cell has two copies (alleles) of the target. The curves assume each copy "
        "is edited independently (a simplification). Dotted grey line: about 80 % of "
        "alleles edited with the exa-cel method (Frangoul 2021)."
    )
    sources = ("frangoul2021", "newby2021")

    def make_controls(self):
        return {
            "alleles_edited_percent": slider(
                "Alleles edited", "%", min=0, max=100, step=1, value=80, integer=True
            )
        }

    def presets(self):
        return {
            "Exa-cel method: ~80 % of alleles edited (Frangoul 2021)": {
                "alleles_edited_percent": round(100 * EDITED_ALLELES_FIRST_PATIENTS.value)
            },
            "Base editing, 16 weeks after transplant in mice: 68 % (Newby 2021)": {
                "alleles_edited_percent": round(100 * EDITED_ALLELES_BASE_EDITING_MICE.value)
            },
            "Half the alleles edited": {"alleles_edited_percent": 50},
        }

    def compute(self, *, alleles_edited_percent):
        return science.allele_distribution(alleles_edited_percent / 100.0)

    def _markers(self, state):
        x = 100.0 * state.allele_editing_fraction
        ys = [100.0 * getattr(state, attr) for _, attr in _ALLELE_SERIES]
        return [x] * len(ys), ys, [_pct(y / 100.0) for y in ys]

    def build_figure(self, state):
        p = np.linspace(0.0, 1.0, 101)
        curves = {
            "unedited": (1 - p) ** 2,
            "one_allele": 2 * p * (1 - p),
            "both_alleles": p**2,
        }
        traces = [
            go.Scatter(
                x=100 * p,
                y=100 * curves[attr],
                mode="lines",
                name=label,
                line=theme.line_style(index),
                hovertemplate=f"{label}: %{{y:.0f}} %<extra></extra>",
            )
            for index, (label, attr) in enumerate(_ALLELE_SERIES)
        ]
        traces.append(
            go.Scatter(
                x=100 * p,
                y=100 * (1 - (1 - p) ** 2),
                mode="lines",
                name="at least one edited copy",
                line={**theme.line_style(3), "width": 1.5},
                hovertemplate="at least one: %{y:.0f} %<extra></extra>",
            )
        )
        xs, ys, texts = self._markers(state)
        traces.append(
            go.Scatter(
                x=xs,
                y=ys,
                mode="markers+text",
                text=texts,
                textposition="middle right",
                marker={**theme.marker_style(4), "color": theme.PALETTE[6]},
                name="your setting",
                hoverinfo="skip",
            )
        )
        published = 100 * EDITED_ALLELES_FIRST_PATIENTS.value
        layout = theme.figure_layout(
            self.title,
            x_title="alleles edited (% of all copies of the target)",
            y_title="cells (%)",
            height=400,
            xaxis={"range": [0, 100]},
            yaxis={"range": [0, 102]},
            shapes=[
                {
                    "type": "line",
                    "x0": published,
                    "x1": published,
                    "y0": 0,
                    "y1": 100,
                    "line": {"color": theme.THRESHOLD, "dash": "dot", "width": 2},
                }
            ],
            annotations=[
                {
                    "x": published,
                    "y": 100,
                    "text": "~80 % edited<br>(Frangoul 2021)",
                    "showarrow": False,
                    "xanchor": "right",
                    "yanchor": "top",
                    "font": {"size": 11},
                }
            ],
            legend={"orientation": "h", "y": -0.22},
        )
        return go.Figure(data=traces, layout=layout)

    def update_figure(self, state):
        xs, ys, texts = self._markers(state)
        markers = self.figure.data[-1]
        markers.x, markers.y, markers.text = xs, ys, texts

    def describe(self, state):
        return (
            f"With {_pct(state.allele_editing_fraction)} of alleles edited (each copy "
            f"edited independently), {_pct(state.unedited)} of cells have no edited copy, "
            f"{_pct(state.one_allele)} have one and {_pct(state.both_alleles)} have both; "
            f"{_pct(state.at_least_one)} carry at least one edited copy."
        )


# -- explorer 2: how many corrected cells are enough? --------------------------------------

_THRESHOLDS = (
    (MYELOID_CHIMERISM_REVERSES_SICKLE, "20 %: reverses<br>sickle disease<br>(Fitzhugh 2017)"),
    (MYELOID_CHIMERISM_PREVENTS_CRISES, "30 %: crises<br>prevented<br>(Magnani 2020)"),
    (MYELOID_CHIMERISM_HAEMOLYSIS_CORRECTED, "50 %: haemolysis<br>corrected<br>(Magnani 2020)"),
)


@register
class RedCellChimerismExplorer(Explorer):
    """Corrected share of the marrow and red-cell lifespans -> healthy share of blood red cells."""

    explorer_id = "gene_editing.red_cells"
    lesson = LESSON
    title = "How many corrected cells are enough?"
    main_control = "myeloid_chimerism_percent"
    caption = (
        "Teaching model after Fitzhugh 2017: red cells in the blood are in proportion to "
        "their production times their lifespan, so long-lived healthy red cells outnumber "
        "short-lived sickle cells. Defaults: healthy red cells 120 days (measured mean about "
        "115, Franco 2012), sickle red cells about 14 days (Franco 1998). Grey lines: "
        "published chimerism thresholds (Fitzhugh 2017; Magnani 2020)."
    )
    sources = ("fitzhugh2017", "magnani2020", "franco1998", "franco2012")

    def __init__(self, **values: Any) -> None:
        super().__init__(**values)
        self._drawn_lifespans = self.state["lifespans"]

    def make_controls(self):
        return {
            "myeloid_chimerism_percent": slider(
                "Corrected (or donor) myeloid cells",
                "%",
                min=0,
                max=100,
                step=1,
                value=20,
                integer=True,
            ),
            "healthy_rbc_lifespan_days": slider(
                "Healthy red-cell lifespan",
                "days",
                min=20,
                max=140,
                step=1,
                value=round(NORMAL_RBC_LIFESPAN_DAYS.value),
                integer=True,
            ),
            "sickle_rbc_lifespan_days": slider(
                "Sickle red-cell lifespan",
                "days",
                min=5,
                max=60,
                step=1,
                value=round(SICKLE_RBC_LIFESPAN_DAYS.value),
                integer=True,
            ),
        }

    def presets(self):
        return {
            "Fitzhugh 2017: 20 % donor myeloid cells reverse sickle disease": {
                "myeloid_chimerism_percent": 20
            },
            "Magnani 2020: 30 % prevented crises": {"myeloid_chimerism_percent": 30},
            "Magnani 2020: 50 % corrected haemolysis": {"myeloid_chimerism_percent": 50},
            "Corrected red cells living only as long as sickle F cells (6-8 weeks, Franco 1998)": {
                "myeloid_chimerism_percent": 30,
                "healthy_rbc_lifespan_days": round(F_CELL_RBC_LIFESPAN_DAYS.value),
            },
        }

    def compute(
        self, *, myeloid_chimerism_percent, healthy_rbc_lifespan_days, sickle_rbc_lifespan_days
    ):
        lifespans = {
            "donor_rbc_lifespan_days": healthy_rbc_lifespan_days,
            "recipient_rbc_lifespan_days": sickle_rbc_lifespan_days,
        }
        d = myeloid_chimerism_percent / 100.0
        chimerism, shares = science.donor_red_cell_curve(**lifespans)
        return {
            "chimerism": d,
            "healthy_share": science.donor_red_cell_fraction(d, **lifespans),
            "lifespans": (float(healthy_rbc_lifespan_days), float(sickle_rbc_lifespan_days)),
            "curve": (100 * chimerism, 100 * shares),
        }

    @staticmethod
    def _point(state):
        x, y = 100 * state["chimerism"], 100 * state["healthy_share"]
        return [x], [y], [x, x, 0], [0, y, y]

    def build_figure(self, state):
        cx, cy = state["curve"]
        px, py, gx, gy = self._point(state)
        traces = [
            go.Scatter(
                x=cx,
                y=cy,
                mode="lines",
                name="healthy red cells in the blood",
                line=theme.line_style(0),
                hovertemplate="%{x:.0f} % corrected → %{y:.0f} % healthy<extra></extra>",
            ),
            go.Scatter(
                x=[0, 100],
                y=[0, 100],
                mode="lines",
                name="if both red cells lived equally long",
                line={**theme.line_style(1), "width": 1.5},
                hoverinfo="skip",
            ),
            go.Scatter(
                x=gx,
                y=gy,
                mode="lines",
                line={"color": theme.PALETTE[6], "dash": "dot", "width": 1},
                showlegend=False,
                hoverinfo="skip",
            ),
            go.Scatter(
                x=px,
                y=py,
                mode="markers",
                name="your patient",
                marker={**theme.marker_style(2), "size": 14},
                hovertemplate="%{x:.0f} % corrected → %{y:.0f} % healthy<extra></extra>",
            ),
        ]
        shapes, annotations = [], []
        for index, (threshold, label) in enumerate(_THRESHOLDS):
            x = 100 * threshold.value
            shapes.append(
                {
                    "type": "line",
                    "x0": x,
                    "x1": x,
                    "y0": 0,
                    "y1": 100,
                    "line": {"color": theme.THRESHOLD, "dash": theme.DASHES[index + 2], "width": 2},
                }
            )
            annotations.append(
                {
                    "x": x,
                    "y": 8 + 16 * index,
                    "text": label,
                    "showarrow": False,
                    "xanchor": "left",
                    "align": "left",
                    "bgcolor": "rgba(255,255,255,0.85)",
                    "font": {"size": 10},
                }
            )
        layout = theme.figure_layout(
            self.title,
            x_title="corrected (or donor) share of the marrow's myeloid cells (%)",
            y_title="healthy red cells in the blood (%)",
            height=420,
            xaxis={"range": [0, 100]},
            yaxis={"range": [0, 102]},
            shapes=shapes,
            annotations=annotations,
            legend={"orientation": "h", "y": -0.22},
        )
        return go.Figure(data=traces, layout=layout)

    def update_figure(self, state):
        curve, _identity, guide, point = self.figure.data
        if state["lifespans"] != self._drawn_lifespans:
            curve.y = state["curve"][1]
            self._drawn_lifespans = state["lifespans"]
        px, py, gx, gy = self._point(state)
        point.x, point.y = px, py
        guide.x, guide.y = gx, gy

    def describe(self, state):
        d, share = state["chimerism"], state["healthy_share"]
        healthy_days, sickle_days = state["lifespans"]
        reached = [t for t, _ in _THRESHOLDS if d >= t.value - 1e-9]
        if not reached:
            verdict = "below the ~20 % that reverses sickle disease (Fitzhugh 2017)"
        elif len(reached) == len(_THRESHOLDS):
            verdict = "at or above the 50 % that corrected haemolysis (Magnani 2020)"
        elif len(reached) == 2:
            verdict = (
                "enough to prevent crises (30 %, Magnani 2020) but below the 50 % that "
                "corrected haemolysis"
            )
        else:
            verdict = (
                "at or above the ~20 % that reverses sickle disease (Fitzhugh 2017) but "
                "below the 30 % that prevented crises (Magnani 2020)"
            )
        return (
            f"With {_pct(d)} of myeloid cells corrected, {_pct(share)} of the red cells in "
            f"the blood are healthy (healthy red cells live {healthy_days:g} days, sickle "
            f"red cells {sickle_days:g}); {verdict}."
        )


# -- explorer 3: selective advantage ---------------------------------------------------------


@register
class SelectiveAdvantageExplorer(Explorer):
    """Corrected share at infusion and a growth advantage -> corrected lymphocytes over months."""

    explorer_id = "gene_editing.advantage"
    lesson = LESSON
    title = "Selective advantage: why a few corrected cells can be enough in SCID"
    main_control = "advantage_percent_per_month"
    caption = (
        "Teaching model, not fitted to patients: each month corrected lymphocytes multiply "
        "(1 + advantage) times as much as uncorrected ones. The advantage values in the "
        "scenarios are assumed. Stem cells have no such advantage, so their corrected share "
        "stays where it started."
    )
    sources = ("frangoul2021",)

    def __init__(self, **values: Any) -> None:
        super().__init__(**values)
        self._drawn_params = self.state["params"]

    def make_controls(self):
        return {
            "corrected_percent": slider(
                "Corrected at infusion", "%", min=0, max=100, step=1, value=5, integer=True
            ),
            "advantage_percent_per_month": slider(
                "Growth advantage of corrected lymphocytes",
                "% per month",
                min=0,
                max=100,
                step=5,
                value=50,
                integer=True,
            ),
            "month": slider(
                "Read at month", "months", min=0, max=36, step=1, value=12, integer=True
            ),
        }

    def presets(self):
        return {
            "ADA-SCID gene therapy: 5 % corrected, strong advantage (assumed 50 %/month)": {
                "corrected_percent": 5,
                "advantage_percent_per_month": 50,
            },
            "SCID, weaker advantage (assumed 20 %/month)": {
                "corrected_percent": 5,
                "advantage_percent_per_month": 20,
            },
            "Sickle cell disease, exa-cel: ~80 % edited, no stem-cell advantage": {
                "corrected_percent": round(100 * EDITED_ALLELES_FIRST_PATIENTS.value),
                "advantage_percent_per_month": 0,
            },
            "Sickle cell disease, only 5 % corrected, no advantage": {
                "corrected_percent": 5,
                "advantage_percent_per_month": 0,
            },
        }

    def compute(self, *, corrected_percent, advantage_percent_per_month, month):
        f0, a = corrected_percent / 100.0, advantage_percent_per_month / 100.0
        course = science.corrected_share_course(f0, a, months_max=36.0, points=145)
        return {
            "course": course,
            "month": float(month),
            "share_at_month": course.lymphocyte_share_at(month),
            "params": (f0, a),
        }

    def _marker(self, state):
        m, y = state["month"], 100 * state["share_at_month"]
        return [m], [y], [_pct(state["share_at_month"])]

    def build_figure(self, state):
        course = state["course"]
        mx, my, mt = self._marker(state)
        traces = [
            go.Scatter(
                x=course.months,
                y=100 * course.lymphocyte_share,
                mode="lines",
                name="corrected lymphocytes (T cells)",
                line=theme.line_style(0),
                hovertemplate="month %{x:.1f}: %{y:.0f} % corrected<extra></extra>",
            ),
            go.Scatter(
                x=course.months,
                y=100 * course.stem_cell_share,
                mode="lines",
                name="corrected stem cells (no advantage)",
                line=theme.line_style(1),
                hovertemplate="month %{x:.1f}: %{y:.0f} % corrected<extra></extra>",
            ),
            go.Scatter(
                x=mx,
                y=my,
                mode="markers+text",
                text=mt,
                textposition="top left",
                name="your month",
                marker={**theme.marker_style(2), "size": 14},
                hoverinfo="skip",
            ),
        ]
        layout = theme.figure_layout(
            self.title,
            x_title="months after infusion",
            y_title="corrected share (%)",
            height=400,
            xaxis={"range": [0, 36.5]},
            yaxis={"range": [0, 102]},
            shapes=[
                {
                    "type": "line",
                    "x0": 0,
                    "x1": 36,
                    "y0": 50,
                    "y1": 50,
                    "line": {"color": theme.THRESHOLD, "dash": "dot", "width": 1.5},
                }
            ],
            annotations=[
                {
                    "x": 36,
                    "y": 50,
                    "text": "half corrected",
                    "showarrow": False,
                    "xanchor": "right",
                    "yanchor": "bottom",
                    "font": {"size": 11},
                }
            ],
            legend={"orientation": "h", "y": -0.22},
        )
        return go.Figure(data=traces, layout=layout)

    def update_figure(self, state):
        lymphocytes, stem_cells, marker = self.figure.data
        if state["params"] != self._drawn_params:
            course = state["course"]
            lymphocytes.y = 100 * course.lymphocyte_share
            if state["params"][0] != self._drawn_params[0]:
                stem_cells.y = 100 * course.stem_cell_share
            self._drawn_params = state["params"]
        marker.x, marker.y, marker.text = self._marker(state)

    def describe(self, state):
        course = state["course"]
        f0, a = state["params"]
        half = course.months_to_half
        if half is None:
            when = "they never reach half"
        elif half == 0:
            when = "they are at least half from the start"
        else:
            when = f"they pass half at month {half:.1f}"
        return (
            f"Teaching model: starting from {_pct(f0)} corrected cells with a growth "
            f"advantage of {_pct(a)} per month, corrected lymphocytes are "
            f"{_pct(state['share_at_month'])} of all lymphocytes at month {state['month']:g} "
            f"({when}), while the stem cells stay {_pct(f0)} corrected."
        )
