"""The explorer pattern: registry, values from Python and from the page, what the page is sent."""

from __future__ import annotations

from typing import ClassVar

import pytest

from widgets import aplastic
from widgets.ui.controls import CUSTOM, Menu, Slider
from widgets.ui.explorer import Explorer, all_explorers, explorers_for, register
from widgets.ui.tables import values_key

EXPLORERS = all_explorers()


def test_every_lesson_has_at_least_two_explorers_and_ids_are_unique():
    ids = [cls.explorer_id for cls in EXPLORERS]
    assert len(ids) == len(set(ids)) == 16
    for lesson in {cls.lesson for cls in EXPLORERS}:
        assert len(explorers_for(lesson)) >= 2, lesson


@pytest.mark.parametrize("cls", EXPLORERS, ids=lambda cls: cls.explorer_id)
def test_every_explorer_is_declared_as_data(cls):
    explorer = cls()
    assert explorer.main_name in explorer.controls_by_name
    names = [trace.get("name") for trace in explorer.figure["data"]]
    assert all(names) and len(names) == len(set(names)), f"traces need unique names: {names}"
    assert explorer.figure["layout"]["height"] <= 460, "too tall for a 1280x720 screen"
    assert "width" not in explorer.figure["layout"], "the figure fills its column"
    words = len((explorer.widget.spec["caption"] or "").split())
    assert words <= 60, f"caption of {words} words"
    for name in explorer.scenarios:
        assert len(name) <= 38, f"scenario name too long for the menu: {name!r}"
        explorer.apply_scenario(name)
        assert explorer.scenario == name
        assert "Cannot show" not in explorer.readout_text
    explorer.reset()
    assert explorer.values == explorer.defaults


def test_a_duplicate_or_incomplete_explorer_is_refused():
    with pytest.raises(ValueError, match="used by"):

        @register
        class Twin(Explorer):
            explorer_id = "aplastic.donor"
            lesson = "01-aplastic-anemia"
            title = "twin"
            controls = (Slider("n", "N", "", 0, 1, 1, 0),)

    with pytest.raises(TypeError, match="must define controls"):

        @register
        class Empty(Explorer):
            explorer_id = "x.empty"
            lesson = "01-aplastic-anemia"
            title = "empty"


def test_python_sets_values_and_the_page_gets_the_figure_once():
    explorer = aplastic.EngraftmentExplorer()
    explorer.set(graft_source="double_cord_blood")
    assert explorer.widget.values == {"graft_source": "double_cord_blood", "dose": 0.4}
    key = values_key(explorer.controls_by_name, explorer.values)
    assert explorer.widget.view["key"] == key
    assert explorer.widget.view["figure"] == explorer.figure
    assert explorer.scenario == "Double cord blood (0.4)"
    explorer.set(dose=0.5)
    assert explorer.scenario == CUSTOM


def test_a_move_in_the_page_the_table_holds_is_not_sent_back():
    explorer = aplastic.DonorExplorer()
    explorer.builder.want()  # a page shows it (no event loop here: built at once)
    assert explorer.widget.tables["answered"]["n_siblings"] is True
    before = explorer.widget.view
    explorer.widget.values = {"n_siblings": 5}  # as the page sets it
    assert explorer.values == {"n_siblings": 5}
    assert explorer.widget.view == before  # the page drew it from its table
    assert "5 full siblings" in explorer.readout_text


def test_a_move_the_table_lacks_is_drawn_by_the_kernel():
    explorer = aplastic.EngraftmentExplorer()  # no page: no table
    explorer.widget.values = {"graft_source": "peripheral_blood", "dose": 6.7}
    assert explorer.widget.view["key"] == values_key(explorer.controls_by_name, explorer.values)
    assert "peripheral" in explorer.widget.view["sentence"] or "blood" in explorer.readout_text


def test_a_value_the_controls_do_not_allow_is_refused_and_the_page_put_back():
    explorer = aplastic.EngraftmentExplorer()
    explorer.widget.values = {"graft_source": "bone_marrow", "dose": 99}
    assert explorer.values["dose"] == 3.7
    assert explorer.widget.values == explorer.values
    assert explorer.widget.view["key"] == values_key(explorer.controls_by_name, explorer.values)


def test_the_page_is_answered_ping_plotly_and_tables():
    explorer = aplastic.DonorExplorer()
    sent = []
    explorer.widget.send = lambda content, buffers=None: sent.append((content, buffers))
    explorer.widget._message(explorer.widget, {"type": "ping"}, [])
    explorer.widget._message(explorer.widget, {"type": "need-plotly"}, [])
    assert sent[0][0]["type"] == "pong"
    assert sent[1][0] == {"type": "plotly.js"} and len(sent[1][1][0]) > 1_000_000
    explorer.widget._message(explorer.widget, {"type": "want-tables"}, [])
    assert explorer.widget.tables["entries"]


def test_a_compute_error_keeps_the_last_figure_and_says_why():
    @register
    class Fragile(Explorer):
        explorer_id = "test.fragile"
        lesson = "01-aplastic-anemia"
        title = "fragile"
        caption = about = "A test explorer (no lesson's TOML describes it)."
        controls: ClassVar = (Menu("mode", "Mode", [("ok", "ok"), ("bad", "bad")], "ok"),)

        def compute(self, *, mode):
            if mode == "bad":
                raise ValueError("mode bad cannot be drawn")
            return mode

        def draw(self, state):
            return {"data": [{"type": "scatter", "name": "a", "x": [1], "y": [1]}], "layout": {}}

        def describe(self, state):
            return "fine"

    try:
        explorer = Fragile()
        explorer.set(mode="bad")
        assert explorer.readout_text == "Cannot show this: mode bad cannot be drawn"
        assert explorer.figure["data"][0]["name"] == "a"
    finally:
        from widgets.ui import explorer as module

        module._REGISTRY.pop("test.fragile")
