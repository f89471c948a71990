"""The presentation look for projectors: large fonts, thick lines, high contrast.

``course.presentation()`` at the top of a lesson switches it on. These tests build
every registered explorer (``widgets.ui.explorer.all_explorers()``, so a new
lesson's explorers are covered with no edit here) in the presentation look and
check its figure's layout and traces, before and after the main control moves;
and check that the normal look is left exactly as it was.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import plotly.graph_objects as go
import pytest

from widgets import course
from widgets.ui import theme
from widgets.ui.explorer import all_explorers
from widgets.ui.tables import tidy

EXPLORERS = all_explorers()
PRESENTATION = theme._PRESENTATION
NORMAL = theme._NORMAL
MINIMUM = theme.PRESENTATION_MINIMUM
WHITE = (1.0, 1.0, 1.0)
NAMED = {"black": "#000000", "white": "#ffffff", "grey": "#808080", "gray": "#808080"}


@pytest.fixture
def projector() -> Iterator[None]:
    theme._state["presentation"] = True
    try:
        yield
    finally:
        theme._state["presentation"] = False


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


# -- walking a figure ---------------------------------------------------------------------
def _sizes(node: Any, key: str = "", where: str = "") -> Iterator[tuple[str, str, float]]:
    """(kind, where, value) for every font size, line width and marker size in a figure."""
    if isinstance(node, list):
        for index, item in enumerate(node):
            yield from _sizes(item, key, f"{where}[{index}]")
        return
    if not isinstance(node, dict):
        return
    for name, value in node.items():
        here = f"{where}.{name}"
        if name == "template":
            continue
        if name == "size" and key.endswith("font") and isinstance(value, int | float):
            yield "font", here, value
        elif name == "width" and key == "line" and isinstance(value, int | float):
            yield "line", here, value
        elif name == "size" and key == "marker":
            for size in value if isinstance(value, list | tuple) else [value]:
                if isinstance(size, int | float):
                    yield "marker", here, size
        else:
            yield from _sizes(value, name, here)


def _figure(explorer) -> dict[str, Any]:
    return explorer.figure


def _last_value(explorer) -> Any:
    """The main control's last setting (its first, where it is at the last already)."""
    settings = explorer.controls_by_name[explorer.main_name].settings(explorer.values)
    current = explorer.values[explorer.main_name]
    return settings[-1] if settings[-1] != current else settings[0]


def _check_presentation_figure(explorer) -> list[str]:
    figure = _figure(explorer)
    layout = figure["layout"]
    problems = []
    if layout["font"]["size"] < PRESENTATION["font"]:
        problems.append(f"body font {layout['font']['size']} < {PRESENTATION['font']}")
    title_size = layout["title"].get("font", {}).get("size", 0)
    if title_size < PRESENTATION["title"]:
        problems.append(f"title font {title_size} < {PRESENTATION['title']}")
    for kind, where, value in _sizes(figure):
        if 0 < value < MINIMUM[kind]:
            problems.append(f"{kind} {where} = {value} < {MINIMUM[kind]}")
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


@pytest.mark.parametrize("cls", EXPLORERS, ids=lambda cls: cls.explorer_id)
def test_presentation_look_of_every_explorer(cls, projector):
    explorer = cls()
    problems = _check_presentation_figure(explorer)
    assert not problems, f"{cls.explorer_id} on a projector:\n" + "\n".join(problems)
    # The look survives a move of the main control.
    explorer.set(**{explorer.main_name: _last_value(explorer)})
    problems = _check_presentation_figure(explorer)
    assert not problems, f"{cls.explorer_id} after a step:\n" + "\n".join(problems)


@pytest.mark.parametrize("cls", EXPLORERS, ids=lambda cls: cls.explorer_id)
def test_presentation_look_is_larger_than_the_normal_look(cls):
    normal = _figure(cls())
    theme._state["presentation"] = True
    try:
        projected = _figure(cls())
    finally:
        theme._state["presentation"] = False
    assert projected["layout"]["font"]["size"] > normal["layout"]["font"]["size"]
    assert projected["layout"]["height"] >= normal["layout"]["height"]
    normal_sizes = {where: value for _, where, value in _sizes(normal)}
    for kind, where, value in _sizes(projected):
        if where in normal_sizes:
            assert value >= normal_sizes[where], f"{kind} {where} shrank on the projector"


@pytest.mark.parametrize("cls", EXPLORERS, ids=lambda cls: cls.explorer_id)
def test_normal_look_is_the_figure_the_explorer_draws(cls):
    explorer = cls()
    assert _figure(explorer) == tidy(explorer.draw(explorer.state))


def test_presentation_is_one_call_from_the_lesson_and_can_be_switched_off():
    assert course.presentation is theme.presentation
    try:
        course.presentation()
        assert theme.is_presentation()
        css = theme.style_css()
        sizes = [int(s) for s in re.findall(r"font-size:\s*(\d+)px", css)]
        assert sizes and min(sizes) >= PRESENTATION["font"]
        assert theme.line_style(0)["width"] == PRESENTATION["line"]
        assert theme.figure_layout("t", x_title="x", y_title="y")["font"]["size"] >= 20
        course.presentation(False)
        assert not theme.is_presentation()
        assert theme.line_style(0)["width"] == NORMAL["line"]
    finally:
        theme._state["presentation"] = False


def test_presentation_figure_scales_hand_set_sizes_and_keeps_invisible_lines():
    figure = go.Figure(
        [
            go.Scatter(x=[0, 1], y=[0, 1], mode="lines", line={"width": 1}),
            go.Scatter(x=[0, 1], y=[1, 0], mode="lines", line={"width": 0}, fill="tozeroy"),
            go.Scatter(x=[0], y=[0], mode="lines+markers"),
            go.Scatter(x=[0], y=[0], mode="markers", marker={"size": [4, 30]}),
        ],
        layout={"annotations": [{"x": 0, "y": 0, "text": "a", "font": {"size": 9}}]},
    )
    assert theme.presentation_figure(figure) is figure  # the normal look: unchanged
    theme._state["presentation"] = True
    try:
        projected = theme.presentation_figure(figure)
    finally:
        theme._state["presentation"] = False
    assert projected["data"][0]["line"]["width"] == pytest.approx(MINIMUM["line"])
    assert projected["data"][1]["line"]["width"] == 0
    assert projected["data"][2]["line"]["width"] == PRESENTATION["line"]
    assert projected["data"][3]["marker"]["size"] == [MINIMUM["marker"], 30]
    assert projected["layout"]["annotations"][0]["font"]["size"] >= MINIMUM["font"]


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
