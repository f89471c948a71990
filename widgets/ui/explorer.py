"""The explorer pattern and the one registry of every explorer in the course.

An explorer is a control panel beside one plotly ``FigureWidget`` and a one-line
text readout of what the figure shows. Data flows one way: a control moves ->
``compute`` calls the pure science functions -> ``update_figure`` changes the
figure in place (``batch_update``) -> the readout says what changed.

The main control is also answered in the page itself: once a page shows the
figure, the explorer computes its *frames* (the figure at every setting of the
main control, ``widgets.ui.frames``), and the page switches between them without
waiting for the kernel. The kernel then updates its copy of the figure without
sending it again.

The figure is built in its final state before it is displayed (a change made
to a FigureWidget before display is not part of its synced state), and after
every update the figure's synced state is brought up to date without sending
it again, so a page reload or a second view shows the current figure.

Subclasses declare ``explorer_id``, ``lesson``, ``title`` and ``main_control``
and are registered with ``@register``; the browser suite, the benchmark and
the tests find every explorer of a lesson through ``explorers_for``.
"""

from __future__ import annotations

import html
import importlib
import pkgutil
from collections.abc import Callable, Mapping
from copy import deepcopy
from typing import Any, ClassVar

import ipywidgets as w
import plotly.graph_objects as go
from plotly.basedatatypes import Undefined

from .controls import ControlPanel, SliderRange
from .figure import CourseFigure
from .frames import FrameTable, changed_props, drawn_value, figure_json
from .theme import presentation_figure

__all__ = ["Explorer", "all_explorers", "explorers_for", "register"]

_REGISTRY: dict[str, type[Explorer]] = {}
_NOT_LESSON_MODULES = {"science", "ui", "course"}


def register(cls: type[Explorer]) -> type[Explorer]:
    """Class decorator: add an explorer to the course's registry (ids are unique)."""
    for attribute in ("explorer_id", "lesson", "title", "main_control"):
        if not getattr(cls, attribute, None):
            raise TypeError(f"{cls.__name__} must define {attribute}")
    existing = _REGISTRY.get(cls.explorer_id)
    if existing is not None and existing.__qualname__ != cls.__qualname__:
        raise ValueError(f"explorer id {cls.explorer_id!r} is used by {existing.__name__} too")
    _REGISTRY[cls.explorer_id] = cls
    return cls


def _import_lesson_modules() -> None:
    import widgets

    for info in pkgutil.iter_modules(widgets.__path__):
        if info.name.startswith("_") or info.name in _NOT_LESSON_MODULES:
            continue
        importlib.import_module(f"widgets.{info.name}")


def all_explorers() -> list[type[Explorer]]:
    """Every registered explorer of every lesson, in lesson order."""
    _import_lesson_modules()
    return sorted(_REGISTRY.values(), key=lambda cls: cls.lesson)


def explorers_for(lesson_id: str) -> list[type[Explorer]]:
    """The explorers a lesson declares, in the order they were defined."""
    return [cls for cls in all_explorers() if cls.lesson == lesson_id]


def _as_received(value: Any) -> Any:
    """A serialized state as the front end would send it back: tuples become lists."""
    if isinstance(value, dict):
        return {key: _as_received(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_as_received(item) for item in value]
    return value


def remember_figure_state(figure: go.FigureWidget) -> None:
    """Make the figure's synced state match what its views now show, without resending it.

    plotly sends in-place updates to the browser as restyle/relayout messages and
    syncs its full ``_widget_data``/``_widget_layout`` state only at construction,
    so a view created later (a page reload, Voila, a second display) would show
    the first state. ipywidgets' property lock marks the new state as already
    known to the front end, so the trait changes without a message, and a view
    that asks for the state later gets the current one.
    """
    data = deepcopy(figure._data)
    layout = deepcopy(figure._layout_obj._props)
    state = {}
    for name, value in (("_widget_data", data), ("_widget_layout", layout)):
        to_json = figure.trait_metadata(name, "to_json", figure._trait_to_json)
        state[name] = _as_received(to_json(value, figure))
    with figure._lock_property(**state):
        figure._widget_data = data
        figure._widget_layout = layout


class Explorer:
    """Controls beside one figure updated in place, and a readout of what it shows."""

    explorer_id: ClassVar[str]
    lesson: ClassVar[str]
    title: ClassVar[str]
    #: Name of the control a learner changes most (a slider where there is one).
    main_control: ClassVar[str]
    #: Shown under the figure: what the model is (say "teaching model" where it is one).
    caption: ClassVar[str] = ""
    #: Bibliography keys of the published values this explorer shows.
    sources: ClassVar[tuple[str, ...]] = ()

    def __init__(self, **values: Any) -> None:
        self.panel = ControlPanel(
            self.make_controls(),
            presets=self.presets(),
            on_change=self.refresh,
            linked_ranges=self.linked_ranges(),
            before_set=self._before_set,
        )
        if values:
            self.panel.set_values(values, notify=False)
        self.state = self.compute(**self.panel.values())
        # Built in its final state before display (see the module docstring).
        self.figure = CourseFigure(presentation_figure(self.build_figure(self.state)))
        self.figure.add_class("explorer-figure")
        self.frames = FrameTable(self)
        self.figure.on_msg(self._figure_message)
        self.readout = w.HTML(self._readout_html(self.describe(self.state)))
        self.readout.add_class("explorer-readout")
        self.panel.controls[self.main_control].add_class("main-control")
        parts: list[w.Widget] = [self.figure, self.readout]
        if self.caption:
            caption = w.HTML(f"<p class='explorer-caption'>{self.caption}</p>")
            caption.add_class("explorer-caption")
            parts.append(caption)
        self.widget = w.Box(
            [self.panel.widget, w.VBox(parts)],
            layout=w.Layout(display="flex", flex_flow="row wrap", align_items="flex-start"),
        )
        self.widget.add_class("course-explorer")
        self.widget.add_class(f"explorer-{self.explorer_id.replace('.', '-')}")

    # -- what a subclass provides ----------------------------------------------------
    def make_controls(self) -> dict[str, w.ValueWidget]:
        """Name -> control, in display order."""
        raise NotImplementedError

    def presets(self) -> dict[str, dict[str, Any]]:
        """Named real scenarios: name -> {control name: value}."""
        return {}

    def linked_ranges(self) -> dict[str, tuple[str, Callable[[Any], SliderRange]]]:
        """Sliders whose range follows another control: name -> (leader, value -> range)."""
        return {}

    def compute(self, **values: Any) -> Any:
        """Call the science functions for these control values; return what the figure needs."""
        raise NotImplementedError

    def build_figure(self, state: Any) -> go.Figure:
        """The whole figure for ``state`` (used once, before display)."""
        raise NotImplementedError

    def update_figure(self, state: Any) -> None:
        """Change ``self.figure`` in place for ``state`` (called inside ``batch_update``)."""
        raise NotImplementedError

    def describe(self, state: Any) -> str:
        """One line of plain text saying what the figure shows."""
        raise NotImplementedError

    # -- the pattern --------------------------------------------------------------------
    @property
    def main(self) -> w.ValueWidget:
        """The main control."""
        return self.panel.controls[self.main_control]

    @property
    def readout_text(self) -> str:
        """The readout as plain text."""
        return self._readout_plain

    def _readout_html(self, text: str, *, error: bool = False) -> str:
        self._readout_plain = text
        colour = "#B00020" if error else "inherit"
        return (
            f"<div role='status' aria-live='polite' style='color:{colour}'>"
            f"{html.escape(text)}</div>"
        )

    def refresh(self) -> None:
        """Recompute for the current controls and update the figure and readout in place.

        Where the page has drawn this setting from the explorer's frames already, the
        kernel's copy of the figure follows without sending the change back.
        """
        values = self.panel.values()
        self.frames.note(values)
        frame = self.frames.index_for(values)
        if frame is not None:  # computed at the frame's own value, so both copies agree
            values = {**values, self.main_control: self.frames.table.steps.values[frame]}
        try:
            state = self.compute(**values)
        except ValueError as error:  # keep the last good figure; say what is wrong
            self.readout.value = self._readout_html(f"Cannot show this: {error}", error=True)
            return
        self.state = state
        if frame is None:
            with self.figure.batch_update():
                self.update_figure(state)
            resend = self.frames.take_resend()
            if resend:
                drawn = figure_json(self.figure)
                self._send_props({prop: drawn_value(drawn, prop) for prop in resend})
            self.frames.schedule()
        else:
            with self.figure.held() as held, self.figure.batch_update():
                self.update_figure(state)
            # Sent only what the frames do not cover: nothing, when they are complete.
            changed = changed_props(held)
            self._send_props({p: v for p, v in changed.items() if not self.frames.covers(p)})
        remember_figure_state(self.figure)
        self.readout.value = self._readout_html(self.describe(state))

    def _send_props(self, values: Mapping[tuple, Any]) -> None:
        """Send these property values ({("trace", i, path) or ("layout", path): value})."""
        traces = sorted({prop[1] for prop in values if prop[0] == "trace"})
        restyle: dict[str, list[Any]] = {}
        for prop, value in values.items():
            if prop[0] == "trace":
                per_trace = restyle.setdefault(prop[2], [Undefined] * len(traces))
                per_trace[traces.index(prop[1])] = value
        relayout = {prop[1]: value for prop, value in values.items() if prop[0] == "layout"}
        if restyle or relayout:
            self.figure.send_update(restyle, relayout, traces)

    def _before_set(self, values: Mapping[str, Any]) -> None:
        """Python is about to set controls: if the other controls change, frames are stale."""
        frames = getattr(self, "frames", None)  # None while __init__ sets the first values
        controls = self.panel.controls
        if frames is not None and any(
            name != self.main_control and controls[name].value != value
            for name, value in values.items()
        ):
            frames.invalidate()

    def _figure_message(self, _figure: Any, content: Any, _buffers: Any) -> None:
        if not isinstance(content, dict):
            return
        if content.get("event") == "frames":
            self.frames.request()
        elif content.get("event") == "frames-refused":
            self.frames.refused(content.get("generation"))

    def set(self, **values: Any) -> None:
        """Set controls by name (checked against their ranges) and update once."""
        self.panel.set_values(values)

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.explorer_id}: {self.readout_text}>"
