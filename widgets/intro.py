"""Lesson 00's explorers: the cell family tree, the transplant journey, which transplant fits."""

from __future__ import annotations

import math
from typing import Any

import plotly.graph_objects as go

from . import science
from .science.published import (
    GRAFT_SOURCE_LABELS,
    INFECTION_PHASES,
    NEUTROPHIL_ENGRAFTMENT_ANC_PER_UL,
)
from .ui import theme
from .ui.assets import load_toml
from .ui.controls import choice, slider, toggle
from .ui.explorer import Explorer, register

LESSON = "00-introduction"

__all__ = [
    "JourneyExplorer",
    "LineageExplorer",
    "TransplantChoiceExplorer",
    "print_recovery_summary",
]


def print_recovery_summary() -> None:
    """Print the published median recovery days by graft source, one line each."""
    for source, label in GRAFT_SOURCE_LABELS.items():
        day = science.journey_day(0, source)
        platelets = (
            "not reported here"
            if day.platelet_median_day is None
            else f"day {day.platelet_median_day:g}"
        )
        print(f"{label}: neutrophils day {day.neutrophil_median_day:g}, platelets {platelets}")


def _lineage() -> dict[str, dict[str, Any]]:
    return load_toml("lineage.toml")


@register
class LineageExplorer(Explorer):
    """Choose a blood or immune cell: see where it comes from, what it does, what hits it."""

    explorer_id = "intro.lineage"
    lesson = LESSON
    title = "The blood cell family tree"
    main_control = "cell"
    caption = (
        "Simplified family tree (textbook biology): every blood and immune cell descends "
        "from the haematopoietic stem cell. The highlighted path runs from the stem cell to "
        "the cell you chose."
    )

    def make_controls(self):
        cells = _lineage()
        return {
            "cell": choice("Cell", [(c["name"], key) for key, c in cells.items()], "neutrophil")
        }

    def presets(self):
        return {
            "Aplastic anaemia: the failing cell": {"cell": "hsc"},
            "SCID: the missing cell": {"cell": "t_cell"},
            "Sickle cell disease: the damaged cell": {"cell": "erythroid"},
            "Lupus: the cell making self-antibodies": {"cell": "b_cell"},
        }

    def compute(self, *, cell):
        cells = _lineage()
        parents = {key: c.get("parent") for key, c in cells.items()}
        return {
            "cells": cells,
            "positions": science.tree_positions(parents),
            "path": science.lineage_path(parents, cell),
            "cell": cell,
        }

    def _path_xy(self, state):
        xs = [state["positions"][c][0] for c in state["path"]]
        ys = [state["positions"][c][1] for c in state["path"]]
        return xs, ys

    def build_figure(self, state):
        cells, pos = state["cells"], state["positions"]
        edge_x, edge_y = [], []
        for key, cell in cells.items():
            if cell.get("parent"):
                (x0, y0), (x1, y1) = pos[cell["parent"]], pos[key]
                edge_x += [x0, x1, None]
                edge_y += [y0, y1, None]
        lines = ["stem cell", "progenitor", "myeloid", "lymphoid"]
        traces = [
            go.Scatter(
                x=edge_x,
                y=edge_y,
                mode="lines",
                line={"color": "#999999", "width": 1.5},
                hoverinfo="skip",
                showlegend=False,
            )
        ]
        leaves = sorted(
            (k for k in cells if pos[k][1] == min(p[1] for p in pos.values())),
            key=lambda k: pos[k][0],
        )
        lowered = set(leaves[1::2])  # every other leaf's label one line lower: no overlaps
        for index, line in enumerate(lines):
            keys = [k for k, c in cells.items() if c["line"] == line]
            traces.append(
                go.Scatter(
                    x=[pos[k][0] for k in keys],
                    y=[pos[k][1] for k in keys],
                    mode="markers+text",
                    name=line,
                    text=[("<br>" if k in lowered else "") + cells[k]["label"] for k in keys],
                    # leaves: label below; a parent: label to its right, clear of its edges
                    textposition=["bottom center" if k in leaves else "middle right" for k in keys],
                    marker=theme.marker_style(index),
                    hovertext=[cells[k]["does"] for k in keys],
                    hoverinfo="text",
                )
            )
        px, py = self._path_xy(state)
        traces.append(
            go.Scatter(
                x=px,
                y=py,
                mode="lines+markers",
                name="path to your cell",
                line={"color": theme.PALETTE[1], "width": 5, "dash": "solid"},
                marker={"size": 18, "symbol": "circle-open", "color": theme.PALETTE[1]},
                hoverinfo="skip",
            )
        )
        layout = theme.figure_layout(
            self.title,
            x_title="",
            y_title="generation (top: stem cell)",
            height=420,
            xaxis={"visible": False, "range": [-0.8, 7.8]},
            yaxis={"visible": False, "range": [-3.9, 0.5]},
            legend={"orientation": "h", "y": -0.05},
        )
        return go.Figure(data=traces, layout=layout)

    def update_figure(self, state):
        px, py = self._path_xy(state)
        path_trace = self.figure.data[-1]
        path_trace.x, path_trace.y = px, py

    def describe(self, state):
        cell = state["cells"][state["cell"]]
        chain = " → ".join(state["cells"][c]["label"] for c in state["path"])
        return f"{cell['name']}: {chain}. {cell['does']} Disorders: {cell['disorders']}"


@register
class JourneyExplorer(Explorer):
    """Move along the days after a transplant: what has recovered and which infections threaten."""

    explorer_id = "intro.journey"
    lesson = LESSON
    title = "The transplant journey after day 0"
    main_control = "day"
    caption = (
        "Published median days of blood-count recovery by graft source (half of patients "
        "recover later) and the phases of infection risk after an allogeneic transplant. "
        "Sources: Champlin 2000, Barker 2005, Symons 2020, Tomblyn 2009."
    )
    sources = ("champlin2000", "barker2005", "symons2020", "tomblyn2009")

    def make_controls(self):
        return {
            "graft_source": choice(
                "Graft", [(label, key) for key, label in GRAFT_SOURCE_LABELS.items()], "bone_marrow"
            ),
            "day": slider(
                "Day after infusion", "days", min=1, max=365, step=1, value=10, integer=True
            ),
        }

    def presets(self):
        return {
            "Sibling marrow graft, day 10 (no neutrophils yet)": {
                "graft_source": "bone_marrow",
                "day": 10,
            },
            "Sibling blood graft, day 16 (neutrophils back)": {
                "graft_source": "peripheral_blood",
                "day": 16,
            },
            "Double cord blood, day 60 (CMV season)": {
                "graft_source": "double_cord_blood",
                "day": 60,
            },
            "Haploidentical marrow, day 200 (late phase)": {
                "graft_source": "haploidentical_marrow",
                "day": 200,
            },
        }

    def compute(self, *, graft_source, day):
        return science.journey_day(day, graft_source)

    def _marker_xy(self, state):
        xs, ys, labels = [state.neutrophil_median_day], [1.0], ["neutrophils recover"]
        if state.platelet_median_day is not None:
            xs.append(state.platelet_median_day)
            ys.append(0.0)
            labels.append("platelets recover")
        return xs, ys, labels

    def build_figure(self, state):
        shapes, annotations = [], []
        for index, phase in enumerate(INFECTION_PHASES):
            start = max(phase.start_day, 1)  # the axis is logarithmic: day 1 is its left edge
            end = phase.end_day if phase.end_day is not None else 365
            shapes.append(
                {
                    "type": "rect",
                    "xref": "x",
                    "yref": "y",
                    "x0": start,
                    "x1": end,
                    "y0": 1.6,
                    "y1": 2.4,
                    "fillcolor": theme.PALETTE[index + 3],
                    "opacity": 0.25,
                    "line": {"width": 1, "color": "#444444"},
                }
            )
            annotations.append(
                {
                    "x": (math.log10(start) + math.log10(end)) / 2,
                    "y": 2.0,
                    "text": f"{phase.name}<br>day {phase.start_day}–"
                    + (f"{phase.end_day}" if phase.end_day else "…"),
                    "showarrow": False,
                    "font": {"size": 11},
                }
            )
        xs, ys, labels = self._marker_xy(state)
        traces = [
            go.Scatter(
                x=xs,
                y=ys,
                mode="markers+text",
                text=[f"{label}: day {x:g}" for label, x in zip(labels, xs, strict=True)],
                textposition="middle right",
                marker={**theme.marker_style(0), "size": 14},
                name="median recovery day",
            ),
            go.Scatter(
                x=[state.day, state.day],
                y=[-0.5, 2.6],
                mode="lines",
                line={"color": theme.PALETTE[1], "width": 3, "dash": "dash"},
                name="your day",
            ),
        ]
        layout = theme.figure_layout(
            self.title,
            x_title="days after infusion of the stem cells (logarithmic scale)",
            y_title="",
            height=360,
            xaxis={
                "type": "log",
                "range": [0, math.log10(400)],
                "tickvals": [1, 7, 14, 30, 60, 100, 180, 365],
            },
            yaxis={
                "range": [-0.7, 2.7],
                "tickvals": [0, 1, 2],
                "ticktext": ["platelets", "neutrophils", "infection risk"],
                "showgrid": False,
            },
            shapes=shapes,
            annotations=annotations,
            legend={"orientation": "h", "y": -0.25},
        )
        return go.Figure(data=traces, layout=layout)

    def update_figure(self, state):
        xs, ys, labels = self._marker_xy(state)
        markers, day_line = self.figure.data
        if list(markers.x) != xs:
            markers.x, markers.y = xs, ys
            markers.text = [f"{label}: day {x:g}" for label, x in zip(labels, xs, strict=True)]
        day_line.x = [state.day, state.day]

    def describe(self, state):
        label = GRAFT_SOURCE_LABELS[state.graft_source].lower()
        threshold = NEUTROPHIL_ENGRAFTMENT_ANC_PER_UL.value
        neutro = (
            "neutrophils are typically back"
            if state.neutrophils_recovered
            else f"neutrophils are typically still below {threshold:g}/µL"
        )
        neutro += f" (median recovery day {state.neutrophil_median_day:g})"
        if state.platelet_median_day is None:
            platelets = "platelet recovery day not shown for this graft"
        else:
            platelets = (
                "platelets typically recovered"
                if state.platelets_recovered
                else "platelets typically not yet recovered"
            ) + f" (median day {state.platelet_median_day:g})"
        phase = state.phase
        return (
            f"Day {state.day:g} after a {label} graft: {neutro}; {platelets}. "
            f"{phase.name} phase: {phase.reason}; watch for {', '.join(phase.germs)}."
        )


_NODES = {
    # node id: (x, y, label)
    "disease": (0.0, 3.0, "Is the disease in the<br>stem cells themselves?"),
    "own_cells": (2.0, 2.0, "Can the patient's own<br>stem cells be collected healthy?"),
    "donor": (-1.0, 1.0, "Is a matched donor<br>available?"),
    "autologous": (3.0, 0.0, "AUTOLOGOUS<br>(own cells back)"),
    "allogeneic": (-2.0, 0.0, "ALLOGENEIC<br>(matched donor)"),
    "alternative": (
        0.6,
        0.0,
        "ALLOGENEIC, alternative donor<br>(haploidentical, cord)<br>or gene therapy",
    ),
}
_EDGES = [
    ("disease", "donor", "yes"),
    ("disease", "own_cells", "no"),
    ("own_cells", "autologous", "yes"),
    ("own_cells", "donor", "no"),
    ("donor", "allogeneic", "yes"),
    ("donor", "alternative", "no"),
]
_YES_NO = [("Yes", True), ("No", False)]


@register
class TransplantChoiceExplorer(Explorer):
    """Answer three questions about a patient: see which kind of transplant fits, and the price."""

    explorer_id = "intro.transplant_choice"
    lesson = LESSON
    title = "Autologous or allogeneic?"
    main_control = "disease_in_stem_cells"
    caption = (
        "A simplified teaching decision tree: real decisions also weigh age, fitness, the "
        "disease's stage and the patient's wishes (lesson 04)."
    )

    def make_controls(self):
        return {
            "disease_in_stem_cells": toggle("Disease in the stem cells?", _YES_NO, False),
            "own_cells_healthy": toggle("Own stem cells collectable & healthy?", _YES_NO, True),
            "matched_donor": toggle("Matched donor available?", _YES_NO, False),
        }

    def presets(self):
        return {
            "Active relapsing multiple sclerosis": {
                "disease_in_stem_cells": False,
                "own_cells_healthy": True,
                "matched_donor": False,
            },
            "Severe aplastic anaemia, 20 years old, matched brother": {
                "disease_in_stem_cells": True,
                "own_cells_healthy": False,
                "matched_donor": True,
            },
            "Baby with SCID, no matched relative": {
                "disease_in_stem_cells": True,
                "own_cells_healthy": False,
                "matched_donor": False,
            },
        }

    def compute(self, **answers):
        return science.choose_transplant(**answers)

    @staticmethod
    def _path_xy(choice_):
        xs = [_NODES[n][0] for n in choice_.path]
        ys = [_NODES[n][1] for n in choice_.path]
        return xs, ys

    def build_figure(self, state):
        edge_x, edge_y, annotations = [], [], []
        for a, b, answer in _EDGES:
            (x0, y0, _), (x1, y1, _) = _NODES[a], _NODES[b]
            edge_x += [x0, x1, None]
            edge_y += [y0, y1, None]
            annotations.append(
                {
                    "x": (x0 + x1) / 2,
                    "y": (y0 + y1) / 2,
                    "text": f"<i>{answer}</i>",
                    "showarrow": False,
                    "bgcolor": "#ffffff",
                }
            )
        px, py = self._path_xy(state)
        outcome_keys = ["autologous", "allogeneic", "alternative"]
        question_keys = ["disease", "own_cells", "donor"]
        traces = [
            go.Scatter(
                x=edge_x,
                y=edge_y,
                mode="lines",
                line={"color": "#999999", "width": 1.5},
                hoverinfo="skip",
                showlegend=False,
            ),
            go.Scatter(
                x=px,
                y=py,
                mode="lines",
                line={"color": theme.PALETTE[1], "width": 6},
                name="this patient's path",
            ),
            go.Scatter(
                x=[_NODES[k][0] for k in question_keys],
                y=[_NODES[k][1] for k in question_keys],
                mode="markers+text",
                text=[_NODES[k][2] for k in question_keys],
                textposition="top center",
                marker={**theme.marker_style(0), "symbol": "diamond", "size": 16},
                name="question",
            ),
            go.Scatter(
                x=[_NODES[k][0] for k in outcome_keys],
                y=[_NODES[k][1] for k in outcome_keys],
                mode="markers+text",
                text=[_NODES[k][2] for k in outcome_keys],
                textposition="bottom center",
                marker={**theme.marker_style(2), "symbol": "square", "size": 16},
                name="transplant",
            ),
        ]
        layout = theme.figure_layout(
            self.title,
            x_title="",
            y_title="",
            height=420,
            xaxis={"visible": False, "range": [-3.2, 4.2]},
            yaxis={"visible": False, "range": [-1.1, 3.8]},
            annotations=annotations,
            legend={"orientation": "h", "y": -0.05},
        )
        return go.Figure(data=traces, layout=layout)

    def update_figure(self, state):
        px, py = self._path_xy(state)
        self.figure.data[1].x, self.figure.data[1].y = px, py

    def describe(self, state):
        return f"Fits: {state.kind.upper()}. {state.reason} Trade-offs: {state.trade_offs}"
