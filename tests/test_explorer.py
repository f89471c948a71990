"""The explorer pattern and the registry, without a browser."""

from __future__ import annotations

import json
import re

import ipywidgets as w
import numpy as np
import plotly.graph_objects as go
import pytest

from tests.conftest import LESSONS
from widgets.ui import explorer as explorer_module
from widgets.ui.controls import slider
from widgets.ui.explorer import Explorer, all_explorers, explorers_for, register


class Line(Explorer):
    explorer_id = "test.line"
    lesson = "99-test"
    title = "A line"
    main_control = "slope"
    caption = "A teaching model of a line."

    def make_controls(self):
        return {"slope": slider("Slope", "per day", min=-5, max=5, step=1, value=1, integer=True)}

    def presets(self):
        return {"Steep": {"slope": 4}}

    def compute(self, *, slope):
        if slope == 0:
            raise ValueError("slope must not be 0")
        return [slope * x for x in range(5)]

    def build_figure(self, state):
        return go.Figure(go.Scatter(x=list(range(5)), y=state), layout={"title": {"text": "t"}})

    def update_figure(self, state):
        self.figure.data[0].y = state

    def describe(self, state):
        return f"The line ends at {state[-1]}."


def test_the_figure_is_built_in_its_final_state_before_display():
    explorer = Line(slope=3)
    assert list(explorer.figure.data[0].y) == [0, 3, 6, 9, 12]
    assert explorer.figure._widget_data[0]["y"] == [0, 3, 6, 9, 12]
    assert explorer.readout_text == "The line ends at 12."


def test_moving_the_main_control_updates_figure_readout_and_synced_state():
    explorer = Line()
    explorer.main.value = 2
    assert list(explorer.figure.data[0].y) == [0, 2, 4, 6, 8]
    assert explorer.readout_text == "The line ends at 8."
    # what a view created later (page reload, Voila) receives
    state = explorer.figure.get_state()
    assert list(state["_widget_data"][0]["y"]) == [0, 2, 4, 6, 8]


@pytest.mark.parametrize("as_array", [False, True])
def test_remember_figure_state_sends_no_message(as_array):
    figure = go.FigureWidget(go.Figure(go.Scatter(x=np.arange(61), y=np.zeros(61))))
    new_y = np.linspace(0.0, 1.0, 61)
    with figure.batch_update():
        figure.data[0].y = new_y if as_array else new_y.tolist()
    sent = []
    figure.send_state = lambda key=None: sent.append(key)  # type: ignore[method-assign]
    explorer_module.remember_figure_state(figure)
    assert sent == [], "the whole figure state was sent again"
    y = figure.get_state()["_widget_data"][0]["y"]
    got = np.frombuffer(y["buffer"], dtype=y["dtype"]) if isinstance(y, dict) else np.array(y)
    np.testing.assert_allclose(got, new_y)


def test_a_model_error_keeps_the_last_figure_and_says_why():
    explorer = Line()
    explorer.main.value = 0
    assert list(explorer.figure.data[0].y) == [0, 1, 2, 3, 4]
    assert explorer.readout_text == "Cannot show this: slope must not be 0"
    explorer.main.value = 1
    assert explorer.readout_text == "The line ends at 4."


def test_dom_hooks_for_the_browser_suite():
    explorer = Line()
    assert "course-explorer" in explorer.widget._dom_classes
    assert "explorer-test-line" in explorer.widget._dom_classes
    assert "main-control" in explorer.main._dom_classes
    assert "explorer-readout" in explorer.readout._dom_classes
    assert "explorer-figure" in explorer.figure._dom_classes
    assert isinstance(explorer.widget, w.Box)
    bundle = explorer._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_register_requires_the_declarations_and_unique_ids():
    class Nameless(Explorer):
        lesson = "99-test"

    with pytest.raises(TypeError, match="explorer_id"):
        register(Nameless)

    class Clash(Line):
        explorer_id = "intro.lineage"

    all_explorers()
    with pytest.raises(ValueError, match=r"explorer id 'intro\.lineage' is used by"):
        register(Clash)


def _notebook_code(lesson_id: str) -> str:
    nb = json.loads((LESSONS / f"{lesson_id}.ipynb").read_text(encoding="utf-8"))
    return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")


def test_every_registered_explorer_belongs_to_a_lesson_notebook_that_shows_it_once():
    lessons = {p.stem for p in LESSONS.glob("*.ipynb")}
    explorers = all_explorers()
    assert explorers, "the registry is empty"
    for cls in explorers:
        assert cls.lesson in lessons, f"{cls.__name__}: no notebook lessons/{cls.lesson}.ipynb"
        calls = re.findall(rf"\b{cls.__name__}\(", _notebook_code(cls.lesson))
        assert len(calls) == 1, f"{cls.lesson} shows {cls.__name__} {len(calls)} times"


@pytest.mark.parametrize("lesson", sorted(p.stem for p in LESSONS.glob("*.ipynb")))
def test_every_lesson_has_at_least_two_explorers(lesson):
    assert len(explorers_for(lesson)) >= 2


@pytest.mark.parametrize("cls", all_explorers(), ids=lambda c: c.explorer_id)
def test_every_explorer_answers_its_main_control(cls):
    explorer = cls()
    before_data = json.dumps(explorer.figure.to_plotly_json()["data"], default=str)
    before_text = explorer.readout_text
    main = explorer.main
    if hasattr(main, "options") and main.options:
        values = [o[1] if isinstance(o, tuple) else o for o in main.options]
        new = next(v for v in values if v != main.value)
    else:
        step = main.step if main.value + main.step <= main.max else -main.step
        new = main.value + step
    main.value = new
    after_data = json.dumps(explorer.figure.to_plotly_json()["data"], default=str)
    assert after_data != before_data, "the figure did not change"
    assert explorer.readout_text != before_text, "the readout did not change"
    assert "Cannot show" not in explorer.readout_text
    layout = explorer.figure.layout
    assert layout.title.text, "every figure has a title"
    assert explorer.caption, "every explorer says what its model is"
