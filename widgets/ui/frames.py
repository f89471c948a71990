"""Frames: what an explorer's figure shows at every setting of its main control.

A keyboard step on a slider that goes through the kernel costs a round trip
(browser -> server -> kernel -> server -> browser) before plotly can draw. To
take the main control off that trip, an explorer computes once, for the current
values of its other controls, what its figure shows at *every* setting of the
main control, and sends that table to the page; the page then switches frames
itself the moment the control moves (``figure.js``). The kernel still receives
the move, recomputes, and updates its own copy of the figure without sending it
(the page has drawn it already).

How a frame is computed: the explorer's own ``compute`` and ``update_figure``
run on a scratch copy of the figure that records what each step changes, so the
frames are exactly what the kernel itself would draw. A frame lists the value of
every property that differs anywhere in the table (and of every property an
earlier table listed, so a new table overwrites whatever an old one drew).

When the other controls change, the table is stale: the page is told at once
(it stops switching frames) and a new table is built in the background, in
small slices between the kernel's other messages, a moment after the changes
stop (so dragging another slider does not queue a table per step).
"""

from __future__ import annotations

import asyncio
import copy
import json
import logging
import math
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import ipywidgets as w
import numpy as np
import plotly.graph_objects as go
from plotly.basedatatypes import BaseFigure, Undefined

from .figure import Message, MessageRecorder

if TYPE_CHECKING:
    from .explorer import Explorer

__all__ = ["MAX_FRAMES", "FrameTable", "Steps", "Unframeable", "control_steps"]

log = logging.getLogger(__name__)

#: A main control with more settings than this gets no frames (it goes through the kernel).
MAX_FRAMES = 1000
#: Seconds of quiet after a change of the other controls before a new table is built.
DEBOUNCE_S = 0.05
#: Frames computed between two looks at the kernel's other messages.
SLICE = 8

Prop = tuple  # ("trace", index, path) or ("layout", path)


@dataclass(frozen=True)
class Steps:
    """Every setting of a control: its values, labels, and what the page's model holds."""

    values: list[Any]
    labels: list[str]
    #: The page's model attribute that holds the setting: "value", or "index" for lists.
    attribute: str
    #: What that attribute holds at each setting.
    browser: list[Any]
    #: How far a slider value may be from a setting and still be it (float steps).
    tolerance: float = 0.0

    def index(self, value: Any) -> int | None:
        """The setting ``value`` is, or None if it is none of them."""
        if self.attribute == "index" or isinstance(value, bool):
            try:
                return self.values.index(value)
            except ValueError:
                return None
        if not isinstance(value, int | float):
            return None
        best = min(range(len(self.values)), key=lambda i: abs(self.values[i] - value))
        return best if abs(self.values[best] - value) <= self.tolerance else None


def control_steps(control: w.Widget, limit: int = MAX_FRAMES) -> Steps | None:
    """Every setting of a control, or None if it has more than ``limit`` (or is no kind we know)."""
    if isinstance(control, w.FloatSlider | w.IntSlider):
        count = round((control.max - control.min) / control.step) + 1
        if count > limit or count < 1:
            return None
        integer = isinstance(control, w.IntSlider)
        values = []
        for index in range(count):
            value = min(control.min + index * control.step, control.max)
            values.append(round(value) if integer else round(value, 10))
        return Steps(
            values=values,
            labels=[f"{value:g}" for value in values],
            attribute="value",
            browser=list(values),
            tolerance=0.0 if integer else abs(control.step) * 1e-3,
        )
    if isinstance(control, w.Checkbox | w.ToggleButton):
        return Steps([False, True], ["No", "Yes"], "value", [False, True])
    options = getattr(control, "options", None)
    if options is None or not hasattr(control, "index"):
        return None
    labels = list(getattr(control, "_options_labels", None) or [str(o) for o in options])
    values = list(getattr(control, "_options_values", None) or options)
    if len(values) > limit:
        return None
    return Steps(values, labels, "index", list(range(len(values))))


def _browser_value(control: w.Widget) -> tuple[str, Any]:
    """The page's attribute of a control and its value there."""
    if hasattr(control, "index") and getattr(control, "options", None) is not None:
        return "index", control.index
    return "value", control.value


# -- computing frames ---------------------------------------------------------------------
class Unframeable(RuntimeError):
    """``update_figure`` does something a frame cannot hold (adds, deletes or moves traces)."""


class _Scratch(MessageRecorder, go.Figure):
    """A copy of an explorer's figure that records the changes an update makes."""

    def __init__(self, figure: BaseFigure) -> None:
        # From plain JSON: plotly's to_dict() would base64-encode the numpy arrays.
        super().__init__(figure_json(figure))
        self._recording = []

    def _send_animate_msg(self, styles_data, relayout_data, trace_indexes, animation_opts):
        self._send_update_msg(styles_data, relayout_data, trace_indexes)

    def _send_addTraces_msg(self, new_traces_data):
        raise Unframeable("update_figure adds traces")

    def _send_deleteTraces_msg(self, delete_inds):
        raise Unframeable("update_figure deletes traces")

    def _send_moveTraces_msg(self, current_inds, new_inds):
        raise Unframeable("update_figure moves traces")


def _plain(value: Any) -> Any:
    """A figure value as plain JSON data: numpy arrays and tuples as lists, NaN as null."""
    if isinstance(value, np.ndarray):
        return _plain(value.tolist())
    if isinstance(value, np.generic):
        return _plain(value.item())
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "to_plotly_json"):
        return _plain(value.to_plotly_json())
    return value


def figure_json(figure: BaseFigure) -> dict[str, Any]:
    """A figure's data and layout as plain JSON data (numpy arrays as lists, not base64)."""
    return _plain({"data": figure._data, "layout": figure._layout})


def _path(path: str) -> tuple:
    return BaseFigure._str_to_dict_path(path)


def _get(node: Any, keys: tuple) -> Any:
    for key in keys:
        if isinstance(node, dict):
            node = node.get(key)
        elif isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node):
            node = node[key]
        else:
            return None
        if node is None:
            return None
    return node


def _set(node: Any, keys: tuple, value: Any) -> None:
    for position, key in enumerate(keys[:-1]):
        following = keys[position + 1]
        child = node[key] if isinstance(node, list) and key < len(node) else None
        if isinstance(node, dict):
            child = node.get(key)
        if not isinstance(child, dict | list):
            if value is None:
                return
            child = [] if isinstance(following, int) else {}
            if isinstance(node, list):
                node.extend([None] * (key + 1 - len(node)))
            node[key] = child
        node = child
    last = keys[-1]
    if isinstance(node, list):
        node.extend([None] * (last + 1 - len(node)))
        node[last] = value
    elif value is None:
        node.pop(last, None)
    else:
        node[last] = value


def drawn_value(drawn: dict[str, Any], prop: Prop) -> Any:
    """A property's value in a figure's plain JSON (``figure_json``), None if it is unset."""
    return _get(drawn, _prop_keys(prop))


def changed_props(messages: list[Message]) -> dict[Prop, Any]:
    """What recorded plotly messages change, as {prop: new value} (values as plotly has them)."""
    out: dict[Prop, Any] = {}
    for restyle, relayout, traces in messages:
        for path, given in restyle.items():
            values = given if isinstance(given, list) else [given]
            for position, trace in enumerate(traces):
                value = values[position % len(values)]
                if value is not Undefined:
                    out[("trace", trace, path)] = value
        for path, value in relayout.items():
            out[("layout", path)] = value
    return out


def _prop_keys(prop: Prop) -> tuple:
    if prop[0] == "trace":
        return ("data", prop[1], *_path(prop[2]))
    return ("layout", *_path(prop[1]))


class _Missing:
    """A frame the model refused (its ``compute`` raised ValueError)."""


MISSING = _Missing()


def compute_frames(
    explorer: Explorer, steps: Steps, values: Mapping[str, Any], scratch: _Scratch
) -> Iterator[tuple[int, dict[Prop, Any] | _Missing]]:
    """Yield (index, {prop: value changed by this frame}) for every setting, in order.

    Each frame is drawn on ``scratch``, a copy of the figure as it was when the
    table was started, with the other controls at ``values``. The drawing is done
    by a shallow copy of the explorer whose figure is the scratch copy, so whatever
    ``update_figure`` remembers between calls (a cache of what it drew last) is the
    copy's and never the real explorer's, as long as it rebinds such an attribute
    (``self._shown = state``) rather than changing a shared object in place.
    """
    drawer = copy.copy(explorer)
    drawer.figure = scratch  # type: ignore[assignment]
    for index, main_value in enumerate(steps.values):
        try:
            state = explorer.compute(**{**values, explorer.main_control: main_value})
        except ValueError:
            yield index, MISSING
            continue
        scratch._recording = []
        with scratch.batch_update():
            drawer.update_figure(state)
        yield index, {p: _plain(v) for p, v in changed_props(scratch._recording).items()}


def _finite_numbers(value: Any) -> bool:
    return isinstance(value, list) and all(
        isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in value
    )


def encode_prop(values: list[Any]) -> dict[str, Any]:
    """One property's value in every frame, as the page reads it (``frameReader``).

    Lists of numbers are packed in one float64 buffer with offsets; anything else
    is JSON, each distinct value stored once.
    """
    present = [v for v in values if v is not MISSING]
    if present and all(_finite_numbers(v) for v in present):
        offsets = [0]
        for value in values:
            offsets.append(offsets[-1] + (0 if value is MISSING else len(value)))
        flat = np.fromiter(
            (x for value in present for x in value), dtype=np.float64, count=offsets[-1]
        )
        missing = [i for i, value in enumerate(values) if value is MISSING]
        encoded: dict[str, Any] = {"packed": memoryview(flat), "offsets": offsets}
        if missing:
            encoded["missing"] = missing
        return encoded
    unique: list[Any] = []
    seen: dict[str, int] = {}
    index = []
    for value in values:
        if value is MISSING:
            index.append(-1)
            continue
        key = json.dumps(value, sort_keys=True)
        if key not in seen:
            seen[key] = len(unique)
            unique.append(value)
        index.append(seen[key])
    return {"unique": unique, "index": index}


@dataclass
class BuiltTable:
    """A finished table: its settings, the other controls' values, every frame.

    The explorer keeps only what it needs to follow the page (``frames`` emptied,
    ``message`` kept); ``FrameTable.build`` returns the whole table.
    """

    steps: Steps
    others: dict[str, Any]
    props: list[Prop]
    frames: list[dict[Prop, Any] | _Missing]
    message: dict[str, Any] | None = None

    def encode(self, explorer: Explorer, generation: int) -> dict[str, Any]:
        """The table as the page reads it (``_course_frames``)."""
        main = explorer.main
        traces, layout = [], []
        for prop in self.props:
            encoded = encode_prop(
                [f if f is MISSING else f[prop] for f in self.frames]  # type: ignore[index]
            )
            if prop[0] == "trace":
                traces.append({"trace": prop[1], "path": prop[2], **encoded})
            else:
                layout.append({"path": prop[1], **encoded})
        others = []
        for name in self.others:
            control = explorer.panel.controls[name]
            attribute, value = _browser_value(control)
            others.append([f"IPY_MODEL_{control.model_id}", attribute, value])
        return {
            "generation": generation,
            "ready": True,
            "main": {
                "model": f"IPY_MODEL_{main.model_id}",
                "attribute": self.steps.attribute,
                "values": self.steps.browser,
                "tolerance": self.steps.tolerance,
            },
            "others": others,
            "traces": traces,
            "layout": layout,
        }


def assemble(
    figure_json: dict[str, Any],
    changes: list[tuple[int, dict[Prop, Any] | _Missing]],
    known: set[Prop],
) -> tuple[list[Prop], list[dict[Prop, Any] | _Missing]]:
    """Every frame's value of every property that changes anywhere (or that ``known`` lists)."""
    props = set(known)
    for _, changed in changes:
        if changed is not MISSING:
            props.update(changed)  # type: ignore[arg-type]
    ordered = sorted(props, key=_prop_order)
    current = json.loads(json.dumps(figure_json))
    frames: list[dict[Prop, Any] | _Missing] = []
    for _, changed in changes:
        if changed is MISSING:
            frames.append(MISSING)
            continue
        for prop, value in changed.items():  # type: ignore[union-attr]
            _set(current, _prop_keys(prop), value)
        frames.append({p: json.loads(json.dumps(_get(current, _prop_keys(p)))) for p in ordered})
    return ordered, frames


@dataclass
class _Build:
    """A table being built: what it is for, and the frames so far."""

    generation: int
    steps: Steps
    others: dict[str, Any]
    base: dict[str, Any]
    parts: Iterator[tuple[int, dict[Prop, Any] | _Missing]]


class FrameTable:
    """An explorer's frames: built once a page asks, rebuilt when the other controls move.

    ``index_for(values)`` tells the explorer whether the page has (or will have)
    drawn a setting from the table, so that the kernel updates its copy quietly.
    """

    def __init__(self, explorer: Explorer) -> None:
        self.explorer = explorer
        self.generation = 0
        self.table: BuiltTable | None = None
        self.props: set[Prop] = set()  # every property any table of this explorer listed
        self.wanted = False  # a page has asked for frames: build them from now on
        self._basis: dict[str, Any] | None = None  # the others' values of the (coming) table
        self._seen: dict[str, Any] | None = None  # the others' values last noted ...
        self._changed_at = 0.0  # ... and when they last changed (for the debounce)
        self._broken: dict[str, Any] | None = None  # others' values a build failed for
        self._unframeable = False  # update_figure does what frames cannot hold
        self._published_ready = False
        self._resend = False  # the page may show an old table's frame the kernel never drew
        self._task: asyncio.Task | None = None

    # -- what the explorer asks --------------------------------------------------------------
    def others(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """The values of every control but the main one."""
        return {k: v for k, v in values.items() if k != self.explorer.main_control}

    def index_for(self, values: Mapping[str, Any]) -> int | None:
        """The frame the page shows for these control values, or None if it has none."""
        table = self.table
        if table is None or table.others != self.others(values):
            return None
        return table.steps.index(values[self.explorer.main_control])

    def covers(self, prop: Prop) -> bool:
        """Whether the ready table lists this property (the page draws it from frames)."""
        return self.table is not None and prop in self.table.props

    def take_resend(self) -> list[Prop]:
        """Properties whose value the kernel must send whole (once, after an invalidation).

        The page may have drawn a frame of the old table that the kernel never drew
        (its move crossed the invalidation on the wire); plotly sends only what changed
        since the kernel's own last picture, so every framed property is sent again.
        """
        if not self._resend:
            return []
        self._resend = False
        return sorted(self.props, key=_prop_order)

    # -- keeping it current ------------------------------------------------------------------
    def note(self, values: Mapping[str, Any]) -> None:
        """The controls now have ``values``: a table for other values of the rest is stale."""
        others = self.others(values)
        if others != self._seen:
            self._seen = others
            self._changed_at = time.monotonic()
        if self._basis is not None and self._basis != others:
            self.invalidate()

    def invalidate(self) -> None:
        """Tell the page to stop switching frames; a new table is built when asked for."""
        self.generation += 1
        self.table = None
        self._basis = None
        self._changed_at = time.monotonic()
        if self._published_ready:
            self._published_ready = False
            self._resend = True
            self.explorer.figure._course_frames = {"generation": self.generation, "ready": False}

    def request(self) -> None:
        """A page asked for frames (it shows the figure): build them, now and from now on."""
        self.wanted = True
        if self.table is None:
            self.schedule()
        elif not self._published_ready:
            self._publish(self.table)

    def refused(self, generation: int) -> None:
        """The page could not use the frames of ``generation``: answer it through the kernel."""
        if generation != self.generation:
            return
        log.warning("the page could not use the frames of %s", self.explorer.explorer_id)
        self.wanted = False
        self.invalidate()

    def schedule(self) -> None:
        """Build a table soon if a page wants one: in the background in a kernel, else now."""
        if not self.wanted or self.table is not None:
            return
        if self._broken is not None and self._broken == self.others(self.explorer.panel.values()):
            return  # a build failed for these values: wait until they change
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no event loop (a script, a test): build it now
            try:
                self.build()
            except Exception:  # the explorer goes on without frames
                log.exception("frames of %s could not be built", self.explorer.explorer_id)
            return
        if self._task is None or self._task.done():
            self._task = loop.create_task(self._build_when_quiet())

    # -- building ------------------------------------------------------------------------------
    def build(self) -> BuiltTable | None:
        """Build the table now (and publish it if a page wants it); None if there can be none."""
        build = self._start()
        if build is None:
            return None
        try:
            return self._finish(build, list(build.parts))
        except Exception as error:
            self._failed(build, error)
            raise

    def _start(self) -> _Build | None:
        explorer = self.explorer
        if self._unframeable:
            return None
        leaders = {leader for leader, _ in explorer.panel.linked_ranges.values()}
        if explorer.main_control in leaders:
            return None  # moving the main control would reset another slider: not framed
        steps = control_steps(explorer.main)
        if steps is None:
            return None
        values = explorer.panel.values()
        self._basis = others = self.others(values)
        scratch = _Scratch(explorer.figure)
        base = figure_json(scratch)
        parts = compute_frames(explorer, steps, values, scratch)
        return _Build(self.generation, steps, others, base, parts)

    def _finish(self, build: _Build, changes: list) -> BuiltTable | None:
        if build.generation != self.generation:
            return None
        props, frames = assemble(build.base, changes, self.props)
        table = BuiltTable(build.steps, build.others, props, frames)
        table.message = table.encode(self.explorer, self.generation)
        self.props.update(props)
        self.table = BuiltTable(build.steps, build.others, props, [], table.message)
        self._broken = None
        if self.wanted:
            self._publish(self.table)
        return table

    def _failed(self, build: _Build, error: BaseException | None = None) -> None:
        """A build raised: no frames for these values of the other controls (or at all)."""
        self._broken = build.others
        self._basis = None
        if isinstance(error, Unframeable):
            self._unframeable = True

    def _publish(self, table: BuiltTable) -> None:
        self.explorer.figure._course_frames = table.message
        self._published_ready = True

    async def _build_when_quiet(self) -> None:
        while self.table is None and self.wanted:
            await asyncio.sleep(DEBOUNCE_S)
            if time.monotonic() - self._changed_at < DEBOUNCE_S:
                continue  # the controls moved again: wait until they rest
            build = self._start()
            if build is None:
                return
            changes = []
            try:
                for count, part in enumerate(build.parts, start=1):
                    changes.append(part)
                    if count % SLICE == 0:
                        await asyncio.sleep(0)  # let the kernel handle the learner's moves
                        if build.generation != self.generation:
                            break
                else:
                    self._finish(build, changes)
            except Exception as error:  # a broken table must not break the explorer
                log.exception("frames of %s could not be built", self.explorer.explorer_id)
                self._failed(build, error)
                return


def _prop_order(prop: Prop) -> tuple:
    return (prop[0], *(str(part) for part in prop[1:]))
