"""Figures readable in greyscale and by colour-blind learners, every explorer at its defaults
and in every scenario: no two traces differ by colour alone, and every legend entry stands
for one look (no single swatch for several colours).

A trace is told apart by its kind (line, markers, bars, text), its line's dash and width,
its markers' symbol, its bars' pattern, or text written beside it in the figure.
"""

from __future__ import annotations

from itertools import combinations
from typing import Any

import pytest

from widgets.ui.controls import Slider
from widgets.ui.explorer import all_explorers

EXPLORERS = all_explorers()


def _distinct(value: Any) -> set[str]:
    if isinstance(value, list | tuple):
        return {str(v) for v in value if v not in (None, "")}
    return {str(value)} if value not in (None, "") else set()


def _drawn(trace: dict[str, Any]) -> bool:
    if trace.get("visible") is False or trace.get("opacity") == 0:
        return False
    points = [v for key in ("x", "y") for v in (trace.get(key) or []) if v is not None]
    return bool(points)


def _colours(trace: dict[str, Any]) -> set[str]:
    colours = _distinct(trace.get("line", {}).get("color")) if "lines" in _mode(trace) else set()
    if trace.get("type") == "bar" or "markers" in _mode(trace):
        colours |= _distinct(trace.get("marker", {}).get("color"))
    return colours | _distinct(trace.get("fillcolor"))


def _mode(trace: dict[str, Any]) -> str:
    return "bars" if trace.get("type") == "bar" else str(trace.get("mode", "lines+markers"))


def _labelled(trace: dict[str, Any]) -> bool:
    """Text written in the figure beside the trace's marks names what they are, or (bars)
    each bar stands on its own row or column, which the axis names."""
    texts = _distinct(trace.get("text"))
    if trace.get("type") == "bar":
        rows = trace.get("y" if trace.get("orientation") == "h" else "x") or []
        return bool(texts) or len(set(map(str, rows))) == len(rows)
    return bool(texts) and "text" in _mode(trace)


def look(trace: dict[str, Any]) -> tuple:
    """Everything but colour that tells a trace apart."""
    line, marker = trace.get("line", {}), trace.get("marker", {})
    mode = _mode(trace)
    pattern = marker.get("pattern", {}).get("shape") if isinstance(marker, dict) else None
    return (
        mode,
        line.get("dash", "solid") if "lines" in mode else None,
        line.get("width", 2) if "lines" in mode else None,
        str(marker.get("symbol", "circle")) if "markers" in mode else None,
        str(pattern or ""),
    )


def colour_alone(figure: dict[str, Any]) -> list[str]:
    """Pairs of traces, and single legend entries, that only colour tells apart."""
    traces = [t for t in figure["data"] if _drawn(t)]
    found = []
    for a, b in combinations(traces, 2):
        if _labelled(a) or _labelled(b) or _colours(a) == _colours(b):
            continue
        if look(a) == look(b):
            found.append(f"{a['name']!r} and {b['name']!r} differ by colour alone")
    legend = figure["layout"].get("showlegend", True) is not False
    for trace in traces:
        colours = _colours(trace)
        if len(colours) < 2:
            continue
        marker = trace.get("marker", {})
        told = [_distinct(marker.get("symbol")), _distinct(marker.get("pattern", {}).get("shape"))]
        if not _labelled(trace) and all(len(kinds) < len(colours) for kinds in told):
            found.append(f"{trace['name']!r}: {len(colours)} colours, only colour tells them apart")
        if legend and trace.get("showlegend", True) is not False:
            found.append(f"{trace['name']!r}: one legend swatch for {len(colours)} colours")
    return found


def _cases(explorer) -> dict[str, dict[str, Any]]:
    cases = {"defaults": explorer.defaults}
    cases |= {name: explorer.scenario_values(v) for name, v in explorer.scenarios.items()}
    return cases


@pytest.mark.parametrize("cls", EXPLORERS, ids=lambda cls: cls.explorer_id)
def test_no_trace_differs_by_colour_alone(cls):
    explorer = cls()
    found = {}
    for case, values in _cases(explorer).items():
        problems = colour_alone(explorer.render(values)["figure"])
        if problems:
            found[case] = problems
    assert not found, f"{cls.explorer_id}: {found}"


def test_the_check_finds_colour_alone():
    red = {"name": "a", "mode": "lines", "x": [1], "y": [1], "line": {"color": "red"}}
    blue = {"name": "b", "mode": "lines", "x": [1], "y": [1], "line": {"color": "blue"}}
    assert colour_alone({"data": [red, blue], "layout": {}})
    dashed = blue | {"line": {"color": "blue", "dash": "dash"}}
    assert not colour_alone({"data": [red, dashed], "layout": {}})
    bars = {"name": "c", "type": "bar", "x": [1, 1], "y": [1, 2], "marker": {"color": ["r", "b"]}}
    assert len(colour_alone({"data": [bars], "layout": {}})) == 2
    labelled = bars | {"text": ["one", "two"]}
    found = colour_alone({"data": [labelled], "layout": {}})
    assert found == ["'c': one legend swatch for 2 colours"]
    assert not colour_alone({"data": [labelled | {"showlegend": False}], "layout": {}})
    own_columns = bars | {"x": [1, 2], "showlegend": False}
    assert not colour_alone({"data": [own_columns], "layout": {}})


def test_every_day_of_the_journey_a_learner_needs_can_be_reached():
    """Lesson 00's day slider follows the chart's logarithmic scale: the first weeks day by
    day (every published recovery day is a setting), later days in coarser steps, at most
    about 70 settings over the slider's 272 px (at least 4 px a setting)."""
    from widgets.intro import JourneyExplorer

    (day,) = [control for control in JourneyExplorer.controls if control.name == "day"]
    assert isinstance(day, Slider)
    settings = day.settings({})
    assert settings[0] == 1 and settings[-1] == 365
    assert set(range(1, 31)) <= set(settings), "the first month, day by day"
    assert len(settings) <= 70, f"{len(settings)} settings on 272 px"
    explorer = JourneyExplorer()
    for scenario in explorer.scenarios.values():
        assert scenario["day"] in settings, f"scenario day {scenario['day']} is not a setting"
    explorer.set(day=13.4)
    assert explorer.values["day"] == 13
    with pytest.raises(ValueError, match=r"day must be a number in \[1, 365\] days"):
        explorer.set(day=400)
