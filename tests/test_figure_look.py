"""The figures' look: contrast that a projector and a low-vision learner can read.

These tests build every registered explorer (``widgets.ui.explorer.all_explorers()``,
so a new lesson's explorers are covered with no edit here) and check its figure's
text and lines against the ground they sit on, before and after the main control
moves. The page's projector look (larger text, legends below) is the browser suite's.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from widgets.ui import theme
from widgets.ui.explorer import all_explorers
from widgets.ui.tables import tidy

EXPLORERS = all_explorers()
WHITE = (1.0, 1.0, 1.0)
NAMED = {"black": "#000000", "white": "#ffffff", "grey": "#808080", "gray": "#808080"}


# -- colour contrast (WCAG 2.x relative luminance) ----------------------------------------
def rgb(colour: str, background: tuple[float, float, float] = WHITE) -> tuple[float, ...]:
    """A CSS colour as (r, g, b) in 0..1, a translucent one composited over ``background``."""
    colour = NAMED.get(colour.strip().lower(), colour.strip())
    if colour.startswith("#"):
        digits = colour[1:]
        if len(digits) == 3:
            digits = "".join(d * 2 for d in digits)
        return tuple(int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4))
    match = re.fullmatch(r"rgba?\(([^)]*)\)", colour.replace(" ", ""))
    assert match, f"unreadable colour {colour!r}"
    parts = [float(p) for p in match.group(1).split(",")]
    alpha = parts[3] if len(parts) == 4 else 1.0
    return tuple(
        alpha * c / 255 + (1 - alpha) * b for c, b in zip(parts[:3], background, strict=True)
    )


def luminance(colour: tuple[float, ...]) -> float:
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(foreground: str, background: str) -> float:
    back = rgb(background)
    lighter, darker = sorted((luminance(rgb(foreground, back)), luminance(back)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_contrast_ratio_matches_the_wcag_reference_values():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast("rgba(0,0,0,0.5)", "#ffffff") < 5


def _check_figure(explorer) -> list[str]:
    figure = explorer.figure
    layout = figure["layout"]
    problems = []
    for index, trace in enumerate(figure["data"]):
        if "lines" in trace.get("mode", "") and trace.get("line", {}).get("width") is None:
            problems.append(f"trace {index} draws lines of plotly's default (thin) width")
    # Contrast: text and axes against the ground they sit on.
    paper, plot = layout["paper_bgcolor"], layout["plot_bgcolor"]
    if contrast(layout["font"]["color"], paper) < 7:
        problems.append(f"text colour {layout['font']['color']} below 7:1 on {paper}")
    for axis_name in ("xaxis", "yaxis"):
        axis = layout.get(axis_name, {})
        if axis.get("visible") is False:
            continue
        line = axis.get("linecolor", "#444444")
        if contrast(line, plot) < 4.5:
            problems.append(f"{axis_name} line {line} below 4.5:1")
        if axis.get("showgrid", True) and "gridcolor" in axis:
            if contrast(axis["gridcolor"], plot) >= contrast(line, plot):
                problems.append(f"{axis_name} grid as dark as its axis line")
    for index, note in enumerate(layout.get("annotations", [])):
        colour = note.get("font", {}).get("color")
        if colour and contrast(colour, note.get("bgcolor", plot)) < 4.5:
            problems.append(f"annotation {index} colour {colour} below 4.5:1")
    for index, trace in enumerate(figure["data"]):
        colour = trace.get("textfont", {}).get("color")
        if isinstance(colour, str) and contrast(colour, plot) < 4.5:
            problems.append(f"trace {index} text colour {colour} below 4.5:1")
    return problems


def _last_value(explorer) -> Any:
    """The main control's last setting (its first, where it is at the last already)."""
    settings = explorer.controls_by_name[explorer.main_name].settings(explorer.values)
    current = explorer.values[explorer.main_name]
    return settings[-1] if settings[-1] != current else settings[0]


@pytest.mark.parametrize("cls", EXPLORERS, ids=lambda cls: cls.explorer_id)
def test_every_explorers_figure_reads_on_a_projector(cls):
    explorer = cls()
    problems = _check_figure(explorer)
    assert not problems, f"{cls.explorer_id}:\n" + "\n".join(problems)
    # The look survives a move of the main control.
    explorer.set(**{explorer.main_name: _last_value(explorer)})
    problems = _check_figure(explorer)
    assert not problems, f"{cls.explorer_id} after a step:\n" + "\n".join(problems)


@pytest.mark.parametrize("cls", EXPLORERS, ids=lambda cls: cls.explorer_id)
def test_the_figure_sent_is_the_figure_the_explorer_draws(cls):
    explorer = cls()
    assert explorer.figure == tidy(explorer.draw(explorer.state))


def test_the_shared_figure_pieces_every_lesson_draws_with():
    """The one labelled point, label, reference line, legend and band every lesson uses."""
    labelled = theme.points("you", [1], [2], theme.marker_style(1, size=16), ["1 %"])
    assert labelled["mode"] == "markers+text" and labelled["marker"]["size"] == 16
    assert theme.points("bare", [1], [2], {})["mode"] == "markers"
    label = theme.label("note", 3, 4)
    assert (label["xref"], label["yref"], label["bgcolor"]) == ("x", "y", theme.GROUND)
    assert theme.end_label("ratio 1", 0, "y2")["x"] > 1  # in the right margin
    shown = theme.vline("day", 5, 0, 1, "day 5")
    assert shown["x"] == [5, 5] and shown["text"] == ["", "day 5"]
    assert theme.vline("none", None, 0, 1)["x"] == [None, None]  # kept, drawn nowhere
    assert theme.legend(-0.2, per_row=3)["entrywidth"] == 0.33
    assert theme.band("risk", 0, 2, 1, 3)["fill"] == "toself"
    assert theme.rows_axis({1: "a", 0: "b"}, -1, 2)["ticktext"] == ["a", "b"]
