"""Tables of figures: what an explorer shows at every setting of each control, for the page.

A keyboard step that goes through the kernel waits for a round trip (browser ->
server -> kernel -> server -> browser) before plotly can draw. So, for the values
the controls hold now, the kernel draws the figure and the sentence for every
setting of each control (the others held), for every scenario and for Reset, and
sends that *table* to the page once; the page then answers any of those moves at
once, with no round trip (``explorer.js``). A figure is a pure function of the
controls' values, so an entry never goes wrong; it only stops being reachable when
another control moves, and the kernel builds the next table when the controls rest.

An entry is the figure's difference from the table's own figure (``diff``), keyed
by the controls' values written as the page writes them (``values_key``). The same
engine writes the static site's pages: there the table is the whole grid of the
settings of as many controls as fit the page (``grid``).

Limits: a control with more than ``MAX_SETTINGS`` settings, or a table past
``MAX_TABLE_BYTES``, leaves the rest to the kernel (the page asks it, as before).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import math
import time
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from .controls import Check, Control, Slider, check_values

if TYPE_CHECKING:
    from .explorer import Explorer

__all__ = [
    "MAX_GRID_BYTES",
    "MAX_SETTINGS",
    "MAX_TABLE_BYTES",
    "TableBuilder",
    "apply_patch",
    "diff",
    "grid",
    "table",
    "tidy",
    "values_key",
]

log = logging.getLogger(__name__)

#: A control with more settings than this is answered by the kernel, not the page.
MAX_SETTINGS = 1000
#: The most a live table may weigh (JSON): controls past it are answered by the kernel.
MAX_TABLE_BYTES = 3_000_000
#: The most one explorer's grid may weigh on a static page (JSON).
MAX_GRID_BYTES = 1_500_000
#: Seconds the controls must rest before the next table is built.
DEBOUNCE_S = 0.05
#: Seconds of drawing between two looks at the kernel's other messages.
SLICE_S = 0.02
SIGNIFICANT = 6


def tidy(node: Any) -> Any:
    """A figure as plain JSON: arrays as lists, floats to 6 significant digits, NaN as null.

    Both the kernel's figure and every table entry go through it, so the page and the
    kernel hold the very same numbers.
    """
    if isinstance(node, dict):  # (an empty table says nothing: plotly drops it too)
        tidied = ((str(key), tidy(value)) for key, value in node.items())
        return {key: value for key, value in tidied if value != {}}
    if isinstance(node, np.ndarray):
        return [tidy(item) for item in node.tolist()]
    if isinstance(node, list | tuple):
        return [tidy(item) for item in node]
    if isinstance(node, bool) or node is None or isinstance(node, str):
        return node
    if isinstance(node, np.generic):
        return tidy(node.item())
    if isinstance(node, int):
        return node
    if isinstance(node, float):
        if not math.isfinite(node):
            return None
        rounded = float(f"{node:.{SIGNIFICANT}g}")
        return int(rounded) if rounded.is_integer() and abs(rounded) < 2**53 else rounded
    raise TypeError(f"a figure holds only numbers, text, lists and dicts; got {node!r}")


def diff(base: Any, new: Any, path: tuple = ()) -> list[list[Any]]:
    """The changes that turn ``base`` into ``new``: [[path, value], ...] (None deletes).

    Dicts and lists of dicts (traces, shapes, annotations) of the same length are
    compared item by item; any other value (a number, a text, an array) is replaced whole.
    """
    if isinstance(base, dict) and isinstance(new, dict):
        out = []
        for key in new:
            if key not in base:
                out.append([[*path, key], new[key]])
            elif base[key] != new[key]:
                out.extend(diff(base[key], new[key], (*path, key)))
        out.extend([[*path, key], None] for key in base if key not in new)
        return out
    if (
        isinstance(base, list)
        and isinstance(new, list)
        and len(base) == len(new)
        and base
        and all(isinstance(item, dict) for item in (*base, *new))
    ):
        out = []
        for index, (old, item) in enumerate(zip(base, new, strict=True)):
            if old != item:
                out.extend(diff(old, item, (*path, index)))
        return out
    return [] if base == new else [[list(path), new]]


def apply_patch(base: Any, patch: list[list[Any]]) -> Any:
    """``base`` with the changes of ``diff`` applied (a copy; what the page does)."""
    out = json.loads(json.dumps(base))
    for path, value in patch:
        if not path:
            out = value
            continue
        node = out
        for key in path[:-1]:
            node = node[key]
        if value is None and isinstance(node, dict):
            node.pop(path[-1], None)
        else:
            node[path[-1]] = value
    return out


def _key_part(control: Control, value: Any) -> str:
    if isinstance(control, Slider):
        return f"{value:.{control.decimals}f}"
    if isinstance(control, Check):
        return "1" if value else "0"
    return str(control.choices.index(control.check(value, {})))


def values_key(controls: Mapping[str, Control], values: Mapping[str, Any]) -> str:
    """The controls' values as one text, written exactly as ``explorer.js`` writes it."""
    return "|".join(_key_part(control, values[name]) for name, control in controls.items())


def _moves(explorer: Explorer, values: Mapping[str, Any]) -> Iterator[tuple[str, dict | None]]:
    """(control name, values) for every setting of every control, the others held
    (values None: the control has too many settings for a table)."""
    controls = explorer.controls_by_name
    for name in explorer.control_order():
        settings = controls[name].settings(values)
        if len(settings) > MAX_SETTINGS:
            yield name, None
            continue
        for setting in settings:
            yield name, check_values(controls, values, {name: setting})


def _entries(explorer: Explorer, values: Mapping[str, Any]) -> Iterator[tuple[str, dict | None]]:
    """(control name or "scenario", values) for a live table: moves, scenarios, Reset."""
    yield from _moves(explorer, values)
    for scenario in [*explorer.scenarios.values(), {}]:
        yield "scenario", explorer.scenario_values(scenario)


class _Table:
    """A table being built: its base view and the entries so far, with their weight."""

    def __init__(self, explorer: Explorer, values: Mapping[str, Any], limit: int) -> None:
        self.explorer = explorer
        self.key = values_key(explorer.controls_by_name, values)
        view = explorer.render(values)
        self.figure = view["figure"]
        self.message = {**view, "key": self.key, "entries": {}, "answered": {}}
        self.size = len(json.dumps(view))
        self.limit = limit
        self.full: set[str] = set()

    def add(self, group: str, values: Mapping[str, Any] | None) -> None:
        if values is None:  # too many settings to hold
            self.message["answered"][group] = False
            return
        if group in self.full:
            return
        key = values_key(self.explorer.controls_by_name, values)
        entries = self.message["entries"]
        if key in entries or key == self.key:
            self.message["answered"].setdefault(group, True)
            return
        view = self.explorer.render(values)
        entry = {"patch": diff(self.figure, view["figure"]), "sentence": view["sentence"]}
        if view["error"]:
            entry["error"] = view["error"]
        weight = len(key) + len(json.dumps(entry))
        if self.size + weight > self.limit:
            self.full.add(group)
            self.message["answered"][group] = False
            return
        self.size += weight
        entries[key] = entry
        self.message["answered"].setdefault(group, True)


def table(explorer: Explorer, values: Mapping[str, Any], limit: int = MAX_TABLE_BYTES) -> dict:
    """The live table for ``values``, built at once (the kernel builds it in slices)."""
    built = _Table(explorer, values, limit)
    for group, moved in _entries(explorer, values):
        built.add(group, moved)
    return built.message


def grid(explorer: Explorer, limit: int = MAX_GRID_BYTES) -> dict:
    """A static page's table: every combination of the settings of the controls it can ship.

    Controls join in the explorer's order (the main control first) while the whole grid
    stays within ``limit`` bytes (estimated from the first entries); the others stay at
    their starting values (``fixed``), and so do scenarios that would move them.
    """
    controls = explorer.controls_by_name
    defaults = explorer.scenario_values({})
    live: list[str] = []
    weight = None
    for name in explorer.control_order():
        candidate = [*live, name]
        count = _grid_count(controls, candidate, defaults)
        if weight is None:  # the weight of one entry, from a small sample
            sample = table(explorer, defaults)
            weight = max(1, sample_weight(sample))
        if count <= 20_000 and count * weight <= limit:
            live = candidate
    while True:  # the estimate may be low: drop the last control until the grid fits
        built = _Table(explorer, defaults, 2**62)
        for values in _grid_values(controls, live, defaults):
            built.add("grid", values)
        fixed = [name for name in controls if name not in live]
        shipped = [
            name
            for name, scenario in explorer.scenarios.items()
            if all(explorer.scenario_values(scenario)[n] == defaults[n] for n in fixed)
        ]
        for name in shipped:
            built.add("scenario", explorer.scenario_values(explorer.scenarios[name]))
        message = {**built.message, "fixed": fixed, "scenarios": shipped}
        if len(json.dumps(message)) <= limit or len(live) == 1:
            return message
        live.pop()


def sample_weight(message: Mapping[str, Any]) -> int:
    """The mean weight in bytes of one entry of a table."""
    entries = message["entries"]
    if not entries:
        return len(json.dumps(message["figure"])) // 4
    return sum(len(k) + len(json.dumps(e)) for k, e in entries.items()) // len(entries)


def _grid_count(controls: Mapping[str, Control], names: list[str], defaults: Mapping) -> int:
    count = 1
    for name in names:
        control = controls[name]
        if isinstance(control, Slider) and control.ranges_by:
            count *= max(len(control.settings({control.ranges_by: v})) for v in control.ranges)
        else:
            count *= len(control.settings(defaults))
    return count


def _grid_values(
    controls: Mapping[str, Control], names: list[str], defaults: Mapping[str, Any]
) -> Iterator[dict[str, Any]]:
    leaders = [n for n in names if not (isinstance(controls[n], Slider) and controls[n].ranges_by)]
    followers = [n for n in names if n not in leaders]
    for combo in itertools.product(*(controls[n].settings(defaults) for n in leaders)):
        values = check_values(controls, defaults, dict(zip(leaders, combo, strict=True)))
        for follow in itertools.product(*(controls[n].settings(values) for n in followers)):
            yield check_values(controls, values, dict(zip(followers, follow, strict=True)))


class TableBuilder:
    """Builds an explorer's live table in the background, once the controls rest.

    In a kernel the table is built in slices between the kernel's other messages (a
    learner's moves are answered first), a moment after the last change; without an
    event loop (a script, a test) ``schedule`` builds it at once.
    """

    def __init__(self, explorer: Explorer) -> None:
        self.explorer = explorer
        #: A page shows the explorer and asked for tables (nobody else needs them).
        self.wanted = False
        self.changed_at = 0.0
        self.generation = 0
        self.task: asyncio.Task | None = None
        self.build_seconds: list[float] = []

    def want(self) -> None:
        """A page shows the explorer: build its tables, now and after every change."""
        self.wanted = True
        self.schedule()

    def schedule(self) -> None:
        self.changed_at = time.monotonic()
        self.generation += 1
        if not self.wanted:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.explorer.widget.tables = table(self.explorer, self.explorer.values)
            return
        if self.task is None or self.task.done():
            self.task = loop.create_task(self._build_when_quiet())

    async def _build_when_quiet(self) -> None:
        while True:
            await asyncio.sleep(DEBOUNCE_S)
            if time.monotonic() - self.changed_at < DEBOUNCE_S:
                continue  # the controls moved again: wait until they rest
            generation = self.generation
            values = dict(self.explorer.values)
            started = time.perf_counter()
            try:
                built = _Table(self.explorer, values, MAX_TABLE_BYTES)
                slice_start = time.perf_counter()
                for group, moved in _entries(self.explorer, values):
                    built.add(group, moved)
                    if time.perf_counter() - slice_start > SLICE_S:
                        await asyncio.sleep(0)  # let the kernel handle the learner's moves
                        slice_start = time.perf_counter()
                        if generation != self.generation:
                            break
            except Exception:  # the page goes on through the kernel, as without a table
                log.exception("the table of %s could not be built", self.explorer.explorer_id)
                return
            if generation != self.generation:
                continue
            self.build_seconds.append(time.perf_counter() - started)
            self.explorer.widget.tables = built.message
            return
