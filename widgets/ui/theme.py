"""The course look: a colour-blind-safe palette and line styles.

The palette is Okabe & Ito's (2008) set of eight colours distinguishable with the
common forms of colour blindness; every series also gets its own line style and
marker so that colour never carries meaning alone. Every lesson draws its figures
with the same pieces: ``line``, ``points`` (labelled markers, the learner's setting),
``vline`` and ``threshold_line`` with ``end_label``, ``label``, ``band``, ``bars``, ``legend``.
The projector look (larger text, legends below) is the page's: ``explorer.js`` draws it.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    *("DASHES", "GROUND", "GUIDE", "MARKERS", "PALETTE", "SHADE", "THRESHOLD"),
    *("axis", "band", "bars", "columns", "end_label", "figure_layout", "label", "legend"),
    *("line", "line_style", "marker_style", "note", "points", "rows_axis", "threshold_line"),
    *("vline", "words"),
]

#: Okabe-Ito colours, in the order series use them.
PALETTE = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#000000",  # black
    "#F0E442",  # yellow (only on dark backgrounds)
)
DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
MARKERS = ("circle", "square", "diamond", "triangle-up", "x", "star")
#: Shading for risk windows and thresholds: grey works in every colour vision.
SHADE = "rgba(120, 120, 120, 0.18)"
THRESHOLD = "#444444"
#: A thin dotted guide line (a day or month to read off, not a threshold).
GUIDE = {"color": THRESHOLD, "dash": "dot", "width": 1.5}
#: The white ground under a label on the plot, so that lines do not cross its words.
GROUND = "rgba(255,255,255,0.85)"

#: Sizes of text, lines and markers.
SIZES = {"font": 13, "title": 16, "line": 2.5, "marker": 8}


def line_style(index: int, *, width: float | None = None) -> dict[str, Any]:
    """The colour, dash and width of series number ``index``."""
    return {
        "color": PALETTE[index % (len(PALETTE) - 1)],
        "dash": DASHES[index % len(DASHES)],
        "width": width if width is not None else SIZES["line"],
    }


def marker_style(index: int, **extra: Any) -> dict[str, Any]:
    """The colour, symbol and size of marker series number ``index`` (``extra`` overrides)."""
    return {
        "color": PALETTE[index % (len(PALETTE) - 1)],
        "symbol": MARKERS[index % len(MARKERS)],
        "size": SIZES["marker"],
        **extra,
    }


def line(name: str, x: Any, y: Any, index: int, **extra: Any) -> dict[str, Any]:
    """A named line trace in series ``index``'s colour and dash."""
    return {
        "type": "scatter",
        "name": name,
        "x": x,
        "y": y,
        "mode": "lines",
        "line": line_style(index),
        **extra,
    }


def threshold_line(
    name: str, x: Any, value: float, dash: str = "dash", **extra: Any
) -> dict[str, Any]:
    """A grey horizontal line at ``value`` across the first and last of ``x``."""
    grey = {"color": THRESHOLD, "dash": dash, "width": 2}
    return line(name, [x[0], x[-1]], [value, value], 0, line=grey, hoverinfo="skip") | extra


def vline(
    name: str, x: float | None, bottom: Any, top: Any, label: str | None = None, **extra: Any
) -> dict[str, Any]:
    """A vertical line at ``x`` from ``bottom`` to ``top``, ``label`` at its top (x None: hidden).

    A grey dashed line unless ``extra`` gives its ``line``; ``textposition`` places the label.
    """
    grey = {"color": THRESHOLD, "dash": "dash", "width": 2}
    trace = line(name, [x, x], [bottom, top], 0, line=grey, hoverinfo="skip")
    if label is not None:
        trace |= {"mode": "lines+text", "text": ["", label], "textposition": "top right"}
    return trace | extra


def columns(rows: list[tuple], count: int) -> list[list]:
    """Rows of (x, y, ...) as columns [xs, ys, ...]; ``count`` empty lists for no rows."""
    return [list(column) for column in zip(*rows, strict=True)] if rows else [[]] * count


def points(
    name: str, x: Any, y: Any, marker: dict, text: Any = None, **extra: Any
) -> dict[str, Any]:
    """Markers at (x, y), each with its ``text`` beside it when given (``textposition``)."""
    trace = {"type": "scatter", "name": name, "x": x, "y": y, "mode": "markers", "marker": marker}
    if text is not None:
        trace |= {"mode": "markers+text", "text": text, "textposition": "middle right"}
    return trace | extra


def bars(name: str, x: Any, y: Any, marker: dict, text: Any = None, **extra: Any) -> dict:
    """Bars named ``name``; with ``text``, each bar's text outside its end, never clipped."""
    trace = {"type": "bar", "name": name, "x": x, "y": y, "marker": marker}
    if text is not None:
        trace |= {"text": text, "textposition": "outside", "cliponaxis": False}
    return trace | extra


def words(name: str, x: Any, y: Any, text: Any, **extra: Any) -> dict[str, Any]:
    """A trace of words only at (x, y), out of the legend and the hover, never clipped."""
    trace = {"type": "scatter", "name": name, "x": x, "y": y, "mode": "text", "text": text}
    return trace | {"showlegend": False, "hoverinfo": "skip", "cliponaxis": False, **extra}


def band(name: str, x0: float, x1: float, y0: float, y1: float, **extra: Any) -> dict[str, Any]:
    """A grey shaded box from (x0, y0) to (x1, y1), named in the legend."""
    x, y = [x0, x1, x1, x0, x0], [y0, y0, y1, y1, y0]
    trace = {"type": "scatter", "name": name, "x": x, "y": y, "fill": "toself", "mode": "none"}
    return trace | {"fillcolor": SHADE, "hoverinfo": "skip", **extra}


def axis(title: str, **extra: Any) -> dict[str, Any]:
    """An axis in the course look, titled ``title``."""
    return {
        "title": {"text": title, "font": {"size": SIZES["font"]}},
        "showgrid": True,
        "gridcolor": "#e5e5e5",
        "ticks": "outside",
        **extra,
    }


def rows_axis(rows: dict[float, str], low: float, high: float, **extra: Any) -> dict[str, Any]:
    """An axis of named rows without a grid: each name at its y, the axis from low to high."""
    ticks = {"tickvals": list(rows), "ticktext": list(rows.values())}
    return {"range": [low, high], **ticks, "showgrid": False, **extra}


def legend(y: float, per_row: int = 0) -> dict[str, Any]:
    """A legend in rows under the plot, at ``y``; with ``per_row``, in that many columns."""
    if not per_row:
        return {"orientation": "h", "y": y}
    fixed = {"yanchor": "top", "entrywidth": round(1 / per_row, 2), "entrywidthmode": "fraction"}
    return {"orientation": "h", "y": y, **fixed}


def note(text: str, *, x: float, y: float, size: float = 1.0, **extra: Any) -> dict[str, Any]:
    """A text annotation placed in paper coordinates, ``size`` times the body font."""
    return {
        "text": text,
        "x": x,
        "y": y,
        "xref": "paper",
        "yref": "paper",
        "showarrow": False,
        "font": {"size": round(SIZES["font"] * size, 1)},
        **extra,
    }


def label(text: str, x: float, y: float, size: float = 0.8, **extra: Any) -> dict[str, Any]:
    """A small text on the plot at (x, y) in the axes' units, on a white ground."""
    return note(text, x=x, y=y, size=size, xref="x", yref="y", **{"bgcolor": GROUND, **extra})


def end_label(text: str, y: float, yref: str = "y") -> dict[str, Any]:
    """A label in the right margin, level with ``y``: names a reference line at its right end."""
    return note(text, x=1.005, y=y, yref=yref, xanchor="left", align="left", size=0.9)


def figure_layout(
    title: str,
    *,
    x_title: str = "",
    y_title: str = "",
    height: int = 380,
    **extra: Any,
) -> dict[str, Any]:
    """A plotly layout in the course look: a title, labelled axes with units, white ground."""
    sizes = SIZES
    frame = {"linecolor": "#444444", "linewidth": 1, "zeroline": False}
    layout: dict[str, Any] = {
        "title": {"text": title, "font": {"size": sizes["title"]}, "x": 0.02, "xanchor": "left"},
        "font": {"size": sizes["font"], "color": "#222222"},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "height": height,
        "margin": {"l": 70, "r": 20, "t": 60, "b": 60},
        "xaxis": axis(x_title, **frame),
        "yaxis": axis(y_title, **frame),
        "legend": {"font": {"size": sizes["font"]}, "bgcolor": "rgba(255,255,255,0.8)"},
        "hoverlabel": {"font": {"size": sizes["font"]}},
    }
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(layout.get(key), dict):
            layout[key] = {**layout[key], **value}
        else:
            layout[key] = value
    return layout
