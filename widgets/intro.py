"""Lesson 00's explorers: the cell family tree, the transplant journey, which transplant fits."""

from __future__ import annotations

import math

from . import science
from .aplastic import GRAFT_MENU
from .science.published import GRAFT_SOURCE_LABELS, INFECTION_PHASES
from .ui import theme
from .ui.assets import load_toml
from .ui.controls import Menu, Slider
from .ui.explorer import Explorer, register

LESSON = "00-introduction"


def print_recovery_summary() -> None:
    """Print the published median recovery days by graft source, one line each."""
    for source, label in GRAFT_SOURCE_LABELS.items():
        day = science.journey_day(0, source)
        platelet_day = day.platelet_median_day
        platelets = "not reported here" if platelet_day is None else f"day {platelet_day:g}"
        print(f"{label}: neutrophils day {day.neutrophil_median_day:g}, platelets {platelets}")


def _tree(edges, path_name, path, **path_style):
    """A tree's grey edges (pairs of (x, y) points) and a highlighted path (points) through it."""
    xs, ys = theme.columns([end for edge in edges for end in (*edge, (None, None))], 2)
    grey = {"color": "#999999", "width": 1.5}
    return [
        theme.line("branches", xs, ys, 0, line=grey, hoverinfo="skip", showlegend=False),
        theme.line(path_name, *theme.columns(path, 2), 1, **path_style),
    ]


def _diagram_layout(title, x_range, y_range):
    """A figure layout with no axes, for a diagram in data coordinates."""
    return theme.figure_layout(
        title,
        height=420,
        xaxis={"visible": False, "range": x_range},
        yaxis={"visible": False, "range": y_range},
        legend=theme.legend(-0.05),
    )


def _lineage():
    return load_toml("lineage.toml")


@register
class LineageExplorer(Explorer):
    """Choose a blood or immune cell: see where it comes from, what it does, what hits it."""

    explorer_id = "intro.lineage"
    lesson = LESSON
    controls = (
        Menu("cell", "Cell", [(c["name"], key) for key, c in _lineage().items()], "neutrophil"),
    )

    def compute(self, *, cell):
        cells = _lineage()
        parents = {key: c.get("parent") for key, c in cells.items()}
        return {
            "cells": cells,
            "positions": science.tree_positions(parents),
            "path": science.lineage_path(parents, cell),
            "cell": cell,
        }

    def draw(self, state):
        cells, pos = state["cells"], state["positions"]
        bottom = min(y for _x, y in pos.values())
        leaves = sorted((k for k in cells if pos[k][1] == bottom), key=lambda k: pos[k][0])
        # a leaf's label below it (every other one a line lower: no overlaps); a parent's to
        # its right, clear of its edges, and two spaces out, clear of the path's ring
        text = {k: ("<br>" if i % 2 else "") + cells[k]["label"] for i, k in enumerate(leaves)}
        text |= {k: "\u00a0\u00a0" + c["label"] for k, c in cells.items() if k not in leaves}
        edges = [(pos[c["parent"]], pos[k]) for k, c in cells.items() if c.get("parent")]
        accent = theme.PALETTE[1]
        ring = {"size": 20, "symbol": "circle-open", "color": accent}
        on_path = {"line": {"color": accent, "width": 5}, "marker": ring, "hoverinfo": "skip"}
        route = [pos[c] for c in state["path"]]
        branches, path = _tree(edges, "path to your cell", route, mode="lines+markers", **on_path)
        lines = []
        for index, line in enumerate(dict.fromkeys(c["line"] for c in cells.values())):
            keys = [k for k, c in cells.items() if c["line"] == line]
            marker = theme.marker_style(index, size=14)
            labels = [text[k] for k in keys]
            where = ["bottom center" if k in leaves else "middle right" for k in keys]
            hover = {"hovertext": [cells[k]["does"] for k in keys], "hoverinfo": "text"}
            xy = theme.columns([pos[k] for k in keys], 2)
            lines.append(theme.points(line, *xy, marker, labels, textposition=where, **hover))
        layout = _diagram_layout(self.title, [-0.8, 7.8], [-3.9, 0.5])
        return {"data": [branches, *lines, path], "layout": layout}

    def describe(self, state):
        cell = state["cells"][state["cell"]]
        chain = " → ".join(state["cells"][c]["label"] for c in state["path"])
        return f"{cell['name']}: {chain}. {cell['does']} Disorders: {cell['disorders']}"


#: The journey's days: each of the first month, then coarser, as the log axis spreads them.
DAY_STOPS = (*range(1, 31), *range(35, 101, 5), *range(110, 201, 10), *range(220, 361, 20), 365)

#: A phase of infection risk: a pale box on the "infection risk" row.
_PHASE_BOX = {"y0": 1.6, "y1": 2.4, "opacity": 0.25, "line": {"width": 1, "color": "#444444"}}


@register
class JourneyExplorer(Explorer):
    """Move along the days after a transplant: what has recovered and which infections threaten."""

    explorer_id = "intro.journey"
    lesson = LESSON
    main_control = "day"
    controls = (
        GRAFT_MENU,
        Slider("day", "Day after infusion", "days", 1, 365, 1, 10, stops=DAY_STOPS),
    )

    def compute(self, *, graft_source, day):
        return science.journey_day(day, graft_source)

    def draw(self, state):
        shapes, annotations = [], []
        # The phases as the whole course defines them: pre-engraftment ends on the day the
        # neutrophils come back (here the graft's published median day).
        bounds = science.infection_phase_bounds(state.neutrophil_median_day)
        for index, (phase, (first, last)) in enumerate(zip(INFECTION_PHASES, bounds, strict=True)):
            start, end = max(first, 1), last or 365  # a log axis: no day 0
            colour = theme.PALETTE[index + 3]
            shapes.append(dict(type="rect", x0=start, x1=end, fillcolor=colour, **_PHASE_BOX))
            text = f"{phase.name}<br>day {first:g}–{f'{last:g}' if last else '…'}"
            middle = (math.log10(start) + math.log10(end)) / 2  # a log axis places by log10
            annotations.append(dict(x=middle, y=2.0, text=text, showarrow=False, font={"size": 11}))
        recoveries = [(state.neutrophil_median_day, 1.0, "neutrophils")]
        if state.platelet_median_day is not None:
            recoveries.append((state.platelet_median_day, 0.0, "platelets"))
        days, rows, labels = theme.columns(recoveries, 3)
        texts = [f"{label} recover: day {day:g}" for day, label in zip(days, labels, strict=True)]
        day_line = {"color": theme.PALETTE[1], "width": 3, "dash": "dash"}
        ticks = [1, 7, 14, 30, 60, 100, 180, 365]
        row_names = {0: "platelets", 1: "neutrophils", 2: "infection risk"}
        data = [  # the day line first: the labels are drawn over it
            theme.vline("your day", state.day, -0.5, 2.6, line=day_line),
            theme.points("median recovery day", days, rows, theme.marker_style(0, size=14), texts),
        ]
        layout = theme.figure_layout(
            self.title,
            x_title="days after infusion of the stem cells (logarithmic scale)",
            height=360,
            xaxis={"type": "log", "range": [0, math.log10(400)], "tickvals": ticks},
            yaxis=theme.rows_axis(row_names, -0.7, 2.7, automargin=True),
            shapes=shapes,
            annotations=annotations,
            legend=theme.legend(-0.25),
        )
        return {"data": data, "layout": layout}

    def describe(self, state):
        threshold = science.published.NEUTROPHIL_ENGRAFTMENT_ANC_PER_UL.value
        back = "back" if state.neutrophils_recovered else f"still below {threshold:g}/µL"
        neutro = f"typically {back} (median recovery day {state.neutrophil_median_day:g})"
        platelets = "platelet recovery day not shown for this graft"
        if state.platelet_median_day is not None:
            done = "recovered" if state.platelets_recovered else "not yet recovered"
            platelets = f"platelets typically {done} (median day {state.platelet_median_day:g})"
        label, phase = GRAFT_SOURCE_LABELS[state.graft_source].lower(), state.phase
        return (
            f"Day {state.day:g} after a {label} graft: neutrophils are {neutro}; {platelets}. "
            f"{phase.name} phase: {phase.reason}; watch for {', '.join(phase.germs)}."
        )


#: The decision tree: node id -> ((x, y), where its label sits, clear of the branches); the
#: labels are the lesson's words (``nodes`` in its TOML).
_NODES = {
    "disease": ((0.0, 3.0), "top center"),
    "own_cells": ((2.0, 2.0), "top right"),
    "donor": ((-1.0, 1.0), "top left"),
    "autologous": ((3.0, 0.0), "bottom center"),
    "allogeneic": ((-2.0, 0.0), "bottom center"),
    "alternative": ((0.6, 0.0), "bottom center"),
}


def _nodes(name, keys, labels, symbol, index):
    """The decision tree's nodes ``keys`` as one named trace, with their ``labels``."""
    points, where = theme.columns([_NODES[k] for k in keys], 2)
    marker = theme.marker_style(index, symbol=symbol, size=16)
    text = [labels[k] for k in keys]
    return theme.points(name, *theme.columns(points, 2), marker, text, textposition=where)


def _yes_no(name, label, value):
    return Menu(name, label, [("Yes", True), ("No", False)], value, buttons=True)


@register
class TransplantChoiceExplorer(Explorer):
    """Answer three questions about a patient: see which kind of transplant fits, and the price."""

    explorer_id = "intro.transplant_choice"
    lesson = LESSON
    controls = (
        _yes_no("disease_in_stem_cells", "Disease in the stem cells?", False),
        _yes_no("own_cells_healthy", "Own stem cells collectable & healthy?", True),
        _yes_no("matched_donor", "Matched donor available?", False),
    )

    def compute(self, **answers):
        return science.choose_transplant(**answers)

    def draw(self, state):
        edges, answers = [], []  # answers: "yes" or "no" halfway along each branch
        for question, ends in science.TRANSPLANT_QUESTIONS.items():
            for end, answer in zip(ends, ("yes", "no"), strict=True):
                edges.append((_NODES[question][0], _NODES[end][0]))
                middle = [(a + b) / 2 for a, b in zip(*edges[-1], strict=True)]
                answers.append(theme.label(f"<i>{answer}</i>", *middle, 1.0, bgcolor="#ffffff"))
        path = [_NODES[node][0] for node in state.path]
        line = {"color": theme.PALETTE[1], "width": 6}
        labels = self.content()["nodes"]
        data = [
            *_tree(edges, "this patient's path", path, line=line),
            _nodes("question", ["disease", "own_cells", "donor"], labels, "diamond", 0),
            _nodes("transplant", ["autologous", "allogeneic", "alternative"], labels, "square", 2),
        ]
        layout = _diagram_layout(self.title, [-3.2, 4.4], [-1.1, 3.8])
        return {"data": data, "layout": {**layout, "annotations": answers}}

    def describe(self, state):
        return f"Fits: {state.kind.upper()}. {state.reason} Trade-offs: {state.trade_offs}"
