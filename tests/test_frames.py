"""Frames: the figure at every setting of the main control, switched in the page (issue 3).

The page's side (figure.js) is driven in Chromium by tests/browser; here, without a
browser: what the frames hold, that they are exactly what the kernel itself draws,
how the table follows the controls, and what the kernel sends (or holds back).
"""

from __future__ import annotations

import asyncio
import copy

import ipywidgets as w
import numpy as np
import plotly.graph_objects as go
import pytest

from widgets.ui import frames as frames_module
from widgets.ui.controls import SliderRange, choice, slider
from widgets.ui.explorer import Explorer, all_explorers
from widgets.ui.figure import CourseFigure, plotly_library
from widgets.ui.frames import MISSING, Steps, control_steps, encode_prop, figure_json

EXPLORERS = {cls.explorer_id: cls for cls in all_explorers()}


class Curve(Explorer):
    """A small explorer: a main slider, another slider, and a list; one setting refused."""

    explorer_id = "test.curve"
    lesson = "99-test"
    title = "A curve"
    main_control = "height"

    def make_controls(self):
        return {
            "height": slider("Height", "cm", min=0, max=4, step=1, value=1, integer=True),
            "width": slider("Width", "cm", min=0.5, max=2.0, step=0.5, value=1.0),
            "shape": choice("Shape", [("Line", "line"), ("Steps", "steps")], "line"),
        }

    def presets(self):
        return {"Wide steps": {"width": 2.0, "shape": "steps", "height": 2}}

    def compute(self, *, height, width, shape):
        if height == 3:
            raise ValueError("height must not be 3")
        return {"y": [height * width * x for x in range(4)], "shape": shape, "height": height}

    def build_figure(self, state):
        return go.Figure(
            [go.Scatter(x=list(range(4)), y=state["y"], line={"shape": "linear"}), go.Scatter()],
            layout={"title": {"text": "height 1"}},
        )

    def update_figure(self, state):
        self.figure.data[0].y = state["y"]
        self.figure.data[0].line.shape = "hv" if state["shape"] == "steps" else "linear"
        self.figure.layout.title.text = f"height {state['height']}"

    def describe(self, state):
        return f"The curve ends at {state['y'][-1]:g}."


@pytest.fixture
def sent(monkeypatch):
    """Every update message a CourseFigure sends to the page: (restyle, relayout, traces)."""
    messages: list[tuple[dict, dict, list]] = []

    def record(self, restyle_data, relayout_data, trace_indexes=None, source_view_id=None):
        messages.append((restyle_data, relayout_data, self._normalize_trace_indexes(trace_indexes)))

    monkeypatch.setattr(go.FigureWidget, "_send_update_msg", record)
    return messages


# -- the settings of a control --------------------------------------------------------------
def test_an_integer_slider_has_a_frame_per_step():
    steps = control_steps(slider("Day", "days", min=0, max=10, step=2, value=4, integer=True))
    assert steps.values == [0, 2, 4, 6, 8, 10]
    assert steps.attribute == "value" and steps.browser == steps.values
    assert steps.index(6) == 3 and steps.index(5) is None


def test_a_float_slider_finds_its_setting_despite_float_noise():
    steps = control_steps(slider("Dose", "x10^6/kg", min=0.5, max=1.0, step=0.1, value=0.7))
    assert steps.values == [0.5, 0.6, 0.7, 0.8, 0.9, 1.0]
    assert steps.index(0.7000000000000001) == 2  # what the page's slider sends
    assert steps.index(0.75) is None  # between two settings: no frame


def test_a_list_is_switched_by_its_index_in_the_page():
    steps = control_steps(choice("Graft", [("Marrow", "bm"), ("Blood", "pb")], "bm"))
    assert steps.values == ["bm", "pb"] and steps.labels == ["Marrow", "Blood"]
    assert steps.attribute == "index" and steps.browser == [0, 1]
    assert steps.index("pb") == 1 and steps.index("cord") is None


def test_toggles_checkboxes_and_too_many_settings():
    toggles = w.ToggleButtons(options=[("Own", "auto"), ("Donor", "allo")], value="allo")
    assert control_steps(toggles).browser == [0, 1]
    assert control_steps(w.Checkbox(value=True)) == Steps(
        [False, True], ["No", "Yes"], "value", [False, True]
    )
    assert control_steps(w.IntSlider(min=0, max=5000, step=1)) is None
    assert control_steps(w.Text()) is None


# -- what a frame holds ---------------------------------------------------------------------
def test_numbers_are_packed_in_one_buffer_with_offsets():
    encoded = encode_prop([[1.0, 2.0], MISSING, [3.5], [4, 5, 6]])
    assert encoded["offsets"] == [0, 2, 2, 3, 6]
    assert encoded["missing"] == [1]
    assert np.frombuffer(encoded["packed"], dtype=np.float64).tolist() == [1, 2, 3.5, 4, 5, 6]


def test_other_values_are_json_each_distinct_one_stored_once():
    encoded = encode_prop(["a", {"k": 1}, "a", MISSING, [1, None]])
    assert encoded["unique"] == ["a", {"k": 1}, [1, None]]
    assert encoded["index"] == [0, 1, 0, -1, 2]


@pytest.mark.parametrize("explorer_id", sorted(EXPLORERS))
def test_every_frame_is_what_the_kernel_draws_at_that_setting(explorer_id):
    """For every explorer and every setting: the figure as it was, with the frame applied
    as the page applies it, is exactly the kernel's own figure at that setting."""
    explorer = EXPLORERS[explorer_id]()
    before = figure_json(explorer.figure)
    table = explorer.frames.build()
    assert table is not None, f"{explorer_id}: its main control has no frames"
    assert table.props, f"{explorer_id}: its main control changes nothing in the figure"
    # The last setting first: the table was built ending there, so an explorer that
    # remembered what it drew on the scratch copy would skip drawing it for real.
    for index in reversed(range(len(table.steps.values))):
        explorer.set(**{explorer.main_control: table.steps.values[index]})
        frame = table.frames[index]
        assert frame is not MISSING
        shown = copy.deepcopy(before)
        for prop, value in frame.items():
            frames_module._set(shown, frames_module._prop_keys(prop), value)
        assert shown == figure_json(explorer.figure), (
            f"{explorer_id}: at {table.steps.labels[index]} the page would show another "
            "figure than the kernel draws"
        )


def test_building_frames_keeps_every_attribute_of_the_explorer():
    explorer = EXPLORERS["autoimmune.reset"]()  # it remembers what it drew last (rebinding)
    before = dict(vars(explorer))
    explorer.frames.build()
    after = {k: v for k, v in vars(explorer).items() if k != "frames"}
    assert after == {k: v for k, v in before.items() if k != "frames"}
    assert all(after[k] is before[k] for k in after)


def test_a_setting_the_model_refuses_has_no_frame():
    explorer = Curve()
    table = explorer.frames.build()
    assert table.frames[3] is MISSING
    y = next(e for e in table.message["traces"] if e["path"] == "y")
    assert y["missing"] == [3]


def test_the_message_names_the_controls_as_the_page_holds_them():
    explorer = Curve()
    explorer.frames.request()  # no event loop here: built at once
    message = explorer.figure._course_frames
    assert message["ready"] is True and message["generation"] == explorer.frames.generation
    main, width, shape = (explorer.panel.controls[n] for n in ("height", "width", "shape"))
    assert message["main"] == {
        "model": f"IPY_MODEL_{main.model_id}",
        "attribute": "value",
        "values": [0, 1, 2, 3, 4],
        "tolerance": 0.0,
    }
    assert message["others"] == [
        [f"IPY_MODEL_{width.model_id}", "value", 1.0],
        [f"IPY_MODEL_{shape.model_id}", "index", 0],
    ]
    paths = {(e["trace"], e["path"]) for e in message["traces"]}
    assert paths == {(0, "y")}
    assert [e["path"] for e in message["layout"]] == ["title.text"]


# -- the kernel and the page ----------------------------------------------------------------
def test_no_frames_are_built_until_a_page_asks():
    explorer = Curve()
    explorer.set(width=2.0)
    explorer.main.value = 2
    assert explorer.frames.table is None
    assert explorer.figure._course_frames == {"generation": 0, "ready": False}


def test_a_step_the_page_drew_from_its_frames_is_not_sent_again(sent):
    explorer = Curve()
    explorer.frames.request()
    explorer.main.value = 2  # as the page's slider does
    assert sent == []
    assert list(explorer.figure.data[0].y) == [0, 2, 4, 6]
    assert explorer.figure.layout.title.text == "height 2"
    assert explorer.readout_text == "The curve ends at 6."
    # a view made later (a page reload) gets the current figure
    assert explorer.figure.get_state()["_widget_data"][0]["y"] == [0, 2, 4, 6]


def test_a_change_the_frames_do_not_cover_is_still_sent(sent):
    explorer = Curve()
    explorer.frames.request()
    table = explorer.frames.table
    table.props = [p for p in table.props if p != ("layout", "title.text")]
    explorer.main.value = 2
    assert sent == [({}, {"title.text": "height 2"}, [])]  # layout only: no traces


class Width(Curve):
    """The same curve with a float slider as its main control."""

    explorer_id = "test.width"
    main_control = "width"


def test_a_slider_value_between_settings_goes_through_the_kernel(sent):
    explorer = Width()
    explorer.frames.request()
    explorer.main.value = 1.5
    assert sent == []  # a setting: drawn from the frames
    explorer.main.value = 1.25  # no such setting: no frame for it
    assert sent == [({"y": [[0, 1.25, 2.5, 3.75]]}, {}, [0])]


def test_moving_another_control_makes_the_frames_stale_then_new(sent):
    explorer = Curve()
    explorer.frames.request()
    first = explorer.figure._course_frames["generation"]
    seen = []
    explorer.figure.observe(lambda change: seen.append(change["new"]), "_course_frames")
    explorer.panel.controls["width"].value = 2.0  # as the page's slider does
    assert [m["ready"] for m in seen] == [False, True]
    assert seen[-1]["generation"] > first
    assert seen[-1]["others"][0][2] == 2.0
    # the kernel drew this change itself: the page had no frame for it
    assert sent and sent[-1][0]["y"] == [[0, 2.0, 4.0, 6.0]]


def test_a_preset_tells_the_page_before_it_moves_the_controls():
    explorer = Curve()
    explorer.frames.request()
    events = []
    explorer.figure.observe(
        lambda c: events.append(("frames", c["new"]["ready"])), "_course_frames"
    )
    for name, control in explorer.panel.controls.items():
        control.observe(lambda c, name=name: events.append(("control", name)), "value")
    explorer.panel.apply_preset("Wide steps")
    assert events[0] == ("frames", False)
    assert ("control", "width") in events and events[-1] == ("frames", True)


def test_a_preset_that_moves_only_the_main_control_keeps_the_frames(sent):
    explorer = Curve()
    explorer.frames.request()
    generation = explorer.frames.generation
    explorer.set(height=4)
    assert explorer.frames.generation == generation
    assert sent == []  # the page drew it from its frames when the slider moved


def test_in_a_kernel_the_table_is_built_in_the_background_once_the_controls_rest():
    async def scenario():
        explorer = Curve()
        started, finished = [], []
        start, finish = explorer.frames._start, explorer.frames._finish
        explorer.frames._start = lambda: started.append(1) or start()
        explorer.frames._finish = lambda build, changes: (
            finished.append(1) or finish(build, changes)
        )
        explorer.frames.request()
        assert explorer.frames.table is None  # not built inside the request
        await asyncio.sleep(frames_module.DEBOUNCE_S * 4)
        assert explorer.frames.table is not None and len(started) == len(finished) == 1
        width = explorer.panel.controls["width"]
        for value in (1.5, 2.0, 0.5, 1.0, 1.5, 2.0, 0.5, 1.5):  # a learner dragging a slider
            width.value = value
            await asyncio.sleep(frames_module.DEBOUNCE_S / 3)  # steps closer than the debounce
        assert len(started) == 1, "no table is started while the slider is being dragged"
        await asyncio.sleep(frames_module.DEBOUNCE_S * 4)
        assert len(started) == len(finished) == 2, "one new table after the drag"
        assert explorer.frames.table.others == {"width": 1.5, "shape": "line"}

    asyncio.run(scenario())


def test_after_a_preset_every_framed_property_is_sent_whole_once(sent):
    """The page may show an old table's frame the kernel never drew: send it all again."""
    explorer = Curve()
    explorer.frames.request()
    explorer.panel.apply_preset("Wide steps")  # changes the other controls: a new table
    # plotly's diff first, then every framed property whole
    assert sent[-1] == ({"y": [[0, 4.0, 8.0, 12.0]]}, {"title.text": "height 2"}, [0])
    assert explorer.frames.take_resend() == []  # once, not on every later change


def test_a_page_that_cannot_use_the_frames_gets_the_kernel_s_updates(sent):
    explorer = Curve()
    explorer.frames.request()
    explorer.frames.refused(explorer.frames.generation)
    assert explorer.figure._course_frames["ready"] is False
    explorer.main.value = 2
    assert sent and sent[-1][0]["y"] == [[0, 2, 4, 6]]
    assert explorer.frames.table is None


def test_a_main_control_that_sets_another_slider_s_range_gets_no_frames():
    class Leader(Curve):
        explorer_id = "test.leader"
        main_control = "shape"

        def linked_ranges(self):
            return {"width": ("shape", lambda shape: SliderRange(0.5, 2.0, 0.5, 1.0))}

    explorer = Leader()
    assert explorer.frames.build() is None


def test_an_update_that_adds_traces_gets_no_frames_and_is_not_retried(caplog):
    class Growing(Curve):
        explorer_id = "test.growing"

        def update_figure(self, state):
            super().update_figure(state)
            self.figure.add_scatter(y=[1])

    explorer = Growing()
    explorer.frames.request()  # no event loop here: built at once, fails, logged
    assert explorer.frames.table is None and "adds traces" in caplog.text
    caplog.clear()
    explorer.panel.controls["width"].value = 2.0  # the explorer goes on without frames
    assert explorer.readout_text == "The curve ends at 6."
    assert explorer.frames.table is None and caplog.text == ""


# -- the figure widget ----------------------------------------------------------------------
def test_every_figure_shares_one_copy_of_plotly_js():
    one, two = CourseFigure(go.Figure()), CourseFigure(go.Figure())
    assert one._course_library is two._course_library is plotly_library()
    assert "plotly" in plotly_library().source[:200].lower()
    state = one.get_state()
    assert state["_course_library"] == f"IPY_MODEL_{plotly_library().model_id}"
    assert state["_course_key"] and state["_course_key"] != two.get_state()["_course_key"]
    assert len(state["_esm"]) < 50_000, "plotly.js must not travel with every figure"


def test_held_changes_are_kept_back_and_can_be_sent(sent):
    figure = CourseFigure(go.Figure(go.Scatter(y=[1, 2])))
    with figure.held() as held, figure.batch_update():
        figure.data[0].y = [3, 4]
    assert sent == [] and held == [({"y": [[3, 4]]}, {}, [0])]
    figure.send_update({"y": [[3, 4]]}, {}, [0])
    assert sent == [({"y": [[3, 4]]}, {}, [0])]
    assert figure_json(figure)["data"][0]["y"] == [3, 4]
