"""The explorer pattern and the one registry of every explorer in the course.

An explorer is controls beside one plotly figure, with a sentence under both that
says what the figure shows. It is declared, not assembled:

* ``controls``: the controls as data (``widgets.ui.controls``), main control first
  or named by ``main_control``;
* ``compute(**values)``: calls the science functions (it never computes biology itself);
* ``draw(state)``: the whole figure for that state, as plotly JSON (a dict), its
  traces named: the same function draws the first figure and every later one;
* ``describe(state)``: the sentence under the figure;
* the title, sources, scenarios (named real cases), caption and "About this model" text
  come from the lesson's TOML in ``assets/lessons/``, where teachers edit content.

The page (``explorer.js``) draws the controls, the figure and the sentence. For the
values the controls hold, the kernel sends it a table of the figure at every setting
of each control (``widgets.ui.tables``), so a move is drawn in the page at once; a
move the table does not hold goes through the kernel, which draws the figure and
sends it. Everything the page and the kernel exchange is the widget's public
traitlets and anywidget's custom messages.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

import anywidget
import traitlets

from .assets import lesson_data
from .controls import CUSTOM, Control, check_values
from .tables import TableBuilder, tidy, values_key

__all__ = ["Explorer", "ExplorerWidget", "all_explorers", "explorers_for", "register"]

_REGISTRY: dict[str, type[Explorer]] = {}
_NOT_LESSON_MODULES = {"science", "ui", "course"}
_HERE = Path(__file__).parent


def register(cls: type[Explorer]) -> type[Explorer]:
    """Class decorator: add an explorer to the course's registry (ids are unique)."""
    for attribute in ("explorer_id", "lesson", "title", "controls"):
        if not getattr(cls, attribute, None):
            raise TypeError(f"{cls.__name__} must define {attribute}")
    names = [control.name for control in cls.controls]
    if len(set(names)) != len(names):
        raise TypeError(f"{cls.__name__}: control names must be unique; got {names}")
    if cls.main_control and cls.main_control not in names:
        raise TypeError(f"{cls.__name__}: main_control {cls.main_control!r} is not a control")
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


@functools.cache
def _plotly_js() -> bytes:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs().encode("utf-8")


class ExplorerWidget(anywidget.AnyWidget):
    """The explorer in the page: controls, figure and sentence, drawn by ``explorer.js``."""

    _esm = _HERE / "explorer.js"
    _css = _HERE / "explorer.css"
    #: The controls, scenarios, title, caption and "About this model" (set once).
    spec = traitlets.Dict().tag(sync=True)
    #: Every control's value, by name (the page sets it when a learner moves a control).
    values = traitlets.Dict().tag(sync=True)
    #: The figure and sentence the kernel drew last, with the values' key.
    view = traitlets.Dict().tag(sync=True)
    #: The figure at every setting of each control, the others held (``tables.table``).
    tables = traitlets.Dict().tag(sync=True)

    def __init__(self, on_want_tables: Any = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._on_want_tables = on_want_tables
        self.on_msg(self._message)

    def _message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if not isinstance(content, dict):
            return
        if content.get("type") == "ping":
            self.send({"type": "pong", "id": content.get("id")})
        elif content.get("type") == "need-plotly":
            self.send({"type": "plotly.js"}, buffers=[_plotly_js()])
        elif content.get("type") == "want-tables" and self._on_want_tables is not None:
            self._on_want_tables()


class _LessonText:
    """A field of the explorer's entry in its lesson's TOML (``[explorers."<id>"]``), required
    unless it has a ``default``."""

    def __init__(self, default: Any = None) -> None:
        self.default = default

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, cls: type[Explorer]) -> Any:
        value = cls.content().get(self.name, self.default)
        if not value and self.default is None:
            raise LookupError(
                f'assets/lessons/{cls.lesson}.toml: [explorers."{cls.explorer_id}"]'
                f" needs a {self.name}"
            )
        return tuple(value) if isinstance(value, list) else value


class Explorer:
    """Controls beside one figure drawn from the state, and a sentence of what it shows."""

    explorer_id: ClassVar[str]
    lesson: ClassVar[str]
    #: The controls, in the order they are shown.
    controls: ClassVar[tuple[Control, ...]] = ()
    #: The control a learner changes most (the first control when not named).
    main_control: ClassVar[str] = ""
    #: From the lesson's TOML: the figure's title; under the sentence, at most 60 words (say
    #: "teaching model" where it is one), and the model's parameters and assumptions (a closed
    #: fold "About this model"); the bibliography keys of the published values it shows.
    title = _LessonText()
    caption = _LessonText()
    about = _LessonText()
    sources = _LessonText(default=())

    def __init__(self, **values: Any) -> None:
        self.controls_by_name: dict[str, Control] = {c.name: c for c in self.controls}
        self.defaults = {c.name: c.value for c in self.controls}
        content = self.content()
        self.scenarios: dict[str, dict[str, Any]] = {}
        for scenario in content.get("scenarios", []):
            name = scenario["name"]
            where = f"{self.explorer_id} scenario {name!r}: "
            try:
                check_values(self.controls_by_name, self.defaults, scenario["values"])
            except ValueError as error:
                raise ValueError(where + str(error)) from None
            self.scenarios[name] = dict(scenario["values"])
        self._values = check_values(self.controls_by_name, self.defaults, values)
        self._last_view: dict[str, Any] | None = None
        self.builder = TableBuilder(self)
        self.widget = ExplorerWidget(
            spec=self._spec(content),
            values=self._values,
            view=self._view_for(self._values),
            on_want_tables=self.builder.want,
        )
        self.widget.observe(self._page_moved, names="values")

    # -- what a subclass provides ----------------------------------------------------
    def compute(self, **values: Any) -> Any:
        """Call the science functions for these control values; return what the figure needs."""
        raise NotImplementedError

    def draw(self, state: Any) -> dict[str, Any]:
        """The whole figure for ``state``: plotly JSON, every trace with a name."""
        raise NotImplementedError

    def describe(self, state: Any) -> str:
        """One line of plain text saying what the figure shows."""
        raise NotImplementedError

    # -- content ---------------------------------------------------------------------
    @classmethod
    def content(cls) -> dict[str, Any]:
        """The explorer's part of its lesson's TOML: title, caption, about, sources, scenarios."""
        return lesson_data(cls.lesson).get("explorers", {}).get(cls.explorer_id, {})

    def _spec(self, content: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "id": self.explorer_id,
            "title": self.title,
            "main": self.main_name,
            "controls": [control.spec() for control in self.controls],
            "scenarios": [[name, self.scenario_values(v)] for name, v in self.scenarios.items()],
            "defaults": self.defaults,
            "caption": self.caption,
            "about": self.about,
            "custom": CUSTOM,
        }

    # -- values ----------------------------------------------------------------------
    @property
    def main_name(self) -> str:
        return self.main_control or self.controls[0].name

    def control_order(self) -> list[str]:
        """Control names, the main control first (tables are built in this order)."""
        return [self.main_name, *(n for n in self.controls_by_name if n != self.main_name)]

    @property
    def values(self) -> dict[str, Any]:
        """The current value of every control, by name."""
        return dict(self._values)

    def scenario_values(self, scenario: Mapping[str, Any]) -> dict[str, Any]:
        """Every control's value in a scenario (the others at their starting values)."""
        return check_values(self.controls_by_name, self.defaults, scenario)

    @property
    def scenario(self) -> str:
        """The scenario the controls show now, or ``CUSTOM``."""
        for name, scenario in self.scenarios.items():
            if self.scenario_values(scenario) == self._values:
                return name
        return CUSTOM

    def set(self, **values: Any) -> None:
        """Set controls by name (checked against their ranges) and show the result."""
        self._show(check_values(self.controls_by_name, self._values, values))

    def apply_scenario(self, name: str) -> None:
        """Show a named scenario: every control at once."""
        if name not in self.scenarios:
            allowed = ", ".join(map(repr, self.scenarios))
            raise ValueError(f"scenario must be one of {allowed}; got {name!r}")
        self._show(self.scenario_values(self.scenarios[name]))

    def reset(self) -> None:
        """Put every control back to its starting value."""
        self._show(dict(self.defaults))

    def _show(self, values: dict[str, Any]) -> None:
        self._values = values
        with self.widget.hold_sync():
            self._quiet = True
            try:
                self.widget.values = values
            finally:
                self._quiet = False
            self._draw_unless_covered(values)
        self.builder.schedule()

    def _page_moved(self, change: Mapping[str, Any]) -> None:
        if getattr(self, "_quiet", False):
            return
        try:
            values = check_values(self.controls_by_name, self._values, change["new"])
        except ValueError as error:  # the page sent what no control allows: say so, go back
            view = self._view_for(self._values)
            self.widget.view = {**view, "error": f"Cannot show this: {error}"}
            self._show(self._values)
            return
        self._values = values
        self._draw_unless_covered(values)
        self.builder.schedule()

    def _draw_unless_covered(self, values: Mapping[str, Any]) -> None:
        """Send the figure for ``values`` unless the page can draw it from its table."""
        key = values_key(self.controls_by_name, values)
        tables = self.widget.tables
        if key != self.widget.view.get("key") and not (
            tables and (key == tables.get("key") or key in tables.get("entries", {}))
        ):
            self.widget.view = self._view_for(values)

    # -- drawing ---------------------------------------------------------------------
    def render(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """The figure and sentence for ``values`` (a ValueError is shown, not raised)."""
        try:
            state = self.compute(**values)
        except ValueError as error:
            if self._last_view is None:
                raise
            return {**self._last_view, "error": f"Cannot show this: {error}"}
        figure = tidy(self.draw(state))
        view = {"figure": figure, "sentence": self.describe(state), "error": ""}
        self._last_view = view
        return view

    def _view_for(self, values: Mapping[str, Any]) -> dict[str, Any]:
        return {**self.render(values), "key": values_key(self.controls_by_name, values)}

    @property
    def state(self) -> Any:
        """What ``compute`` returns for the current values."""
        return self.compute(**self._values)

    @property
    def figure(self) -> dict[str, Any]:
        """The figure the controls show now, as plotly JSON."""
        return self.render(self._values)["figure"]

    def trace(self, name: str) -> dict[str, Any]:
        """The figure's trace called ``name``."""
        for trace in self.figure["data"]:
            if trace.get("name") == name:
                return trace
        names = [trace.get("name") for trace in self.figure["data"]]
        raise KeyError(f"{self.explorer_id} has no trace {name!r}; its traces are {names}")

    @property
    def readout_text(self) -> str:
        """The sentence under the figure."""
        view = self.render(self._values)
        return view["error"] or view["sentence"]

    def static_state(self, table: Mapping[str, Any]) -> dict[str, Any]:
        """What a static page needs to show this explorer with ``table`` (no kernel)."""
        spec = {**self.widget.spec, "static": True, "fixed": table.get("fixed", [])}
        if "scenarios" in table:
            spec["scenarios"] = [s for s in spec["scenarios"] if s[0] in table["scenarios"]]
        return {
            "spec": spec,
            "values": self.scenario_values({}),
            "view": self._view_for(self.scenario_values({})),
            "tables": dict(table),
        }

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        bundle = self.widget._repr_mimebundle_(**kwargs)
        if isinstance(bundle, tuple):
            bundle = bundle[0]
        bundle = dict(bundle or {})
        bundle["text/plain"] = repr(self)
        return bundle

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.explorer_id}: {self.readout_text}>"
