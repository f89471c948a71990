"""The explorers' figure: plotly's FigureWidget with the course's own, leaner front end.

On the Python side ``CourseFigure`` *is* plotly's ``FigureWidget``: an explorer
builds it once and changes it in place (``fig.data[1].y = ...`` inside
``batch_update``), and plotly sends each change to the page as a
Plotly.restyle/relayout/update message. In the page, ``figure.js`` draws those with
plotly.js and adds *frames*: what the figure shows at every setting of the
explorer's main control, computed once by the explorer (``widgets.ui.frames``) and
switched in the page when the learner moves that control, with no round trip to
the kernel (issue 3: a keyboard step redraws in the time plotly takes to draw).

Two more things the front end does differently from plotly's own:

* plotly.js (4.8 MB) is sent once per kernel, by one shared ``PlotlyLibrary``
  widget that every figure refers to, and compiled once per page. plotly's own
  widget sent its 5 MB bundle with every figure and compiled it again for each.
* it does not send plotly's full-figure deltas back to the kernel after every
  update (the kernel never reads them; they cost the page a deep comparison of
  the whole figure per step).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import anywidget
import plotly
import plotly.graph_objects as go
import traitlets
from ipywidgets import widget_serialization

__all__ = ["CourseFigure", "PlotlyLibrary", "plotly_library"]

_PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
_FRONT_END = Path(__file__).with_name("figure.js")


class PlotlyLibrary(anywidget.AnyWidget):
    """plotly.js itself, sent to the page once per kernel and shared by every figure."""

    _esm = "export default {};"
    source = traitlets.Unicode("").tag(sync=True)


_library: dict[str, PlotlyLibrary] = {}


def plotly_library() -> PlotlyLibrary:
    """The kernel's one ``PlotlyLibrary`` (made again if it was closed)."""
    library = _library.get("plotly")
    if library is None or library.comm is None:
        library = PlotlyLibrary(source=_PLOTLY_JS.read_text(encoding="utf-8"))
        _library["plotly"] = library
    return library


#: A plotly message as data: (restyle data, relayout data, the trace indexes it is for).
Message = tuple[dict[str, Any], dict[str, Any], list[int]]


class MessageRecorder:
    """Mixin for a plotly figure: while ``_recording`` is a list, the restyle, relayout and
    update messages plotly would send are appended to it (as ``Message``) instead."""

    _recording: list[Message] | None = None

    def _send_restyle_msg(self, restyle_data, trace_indexes=None, source_view_id=None):
        if self._recording is None:
            return super()._send_restyle_msg(restyle_data, trace_indexes, source_view_id)
        self._recording.append((restyle_data, {}, self._normalize_trace_indexes(trace_indexes)))

    def _send_relayout_msg(self, layout_data, source_view_id=None):
        if self._recording is None:
            return super()._send_relayout_msg(layout_data, source_view_id)
        self._recording.append(({}, layout_data, []))

    def _send_update_msg(
        self, restyle_data, relayout_data, trace_indexes=None, source_view_id=None
    ):
        if self._recording is None:
            return super()._send_update_msg(
                restyle_data, relayout_data, trace_indexes, source_view_id
            )
        traces = self._normalize_trace_indexes(trace_indexes)
        self._recording.append((restyle_data or {}, relayout_data or {}, traces))


class CourseFigure(MessageRecorder, go.FigureWidget):
    """plotly's ``FigureWidget``, drawn by the course's front end, with frames."""

    _esm = _FRONT_END.read_text(encoding="utf-8")
    #: Identifies this figure's state in the page (anywidget gives each view its own proxy).
    _course_key = traitlets.Unicode("").tag(sync=True)
    _course_library = traitlets.Instance(PlotlyLibrary, allow_none=True).tag(
        sync=True, **widget_serialization
    )
    #: The frame table (``widgets.ui.frames.FrameTable.message``), or not ready.
    _course_frames = traitlets.Dict({"generation": 0, "ready": False}).tag(sync=True)

    # Defaults, not values set in __init__: the widget opens (and sends its first state to
    # the page) inside plotly's __init__, and the page needs these from the start.
    @traitlets.default("_course_key")
    def _default_key(self) -> str:
        return uuid.uuid4().hex

    @traitlets.default("_course_library")
    def _default_library(self) -> PlotlyLibrary:
        return plotly_library()

    # -- changes the page has already drawn -------------------------------------------------
    @contextmanager
    def held(self) -> Iterator[list[Message]]:
        """Change the figure without sending the changes; yields the messages held back.

        Used when the page has already drawn the change from a frame: the kernel's
        copy of the figure must follow without drawing it a second time. The caller
        sends what the frame did not cover with ``send_update``.
        """
        held: list[Message] = []
        self._recording = held
        try:
            yield held
        finally:
            self._recording = None

    def send_update(
        self, restyle: dict[str, Any], relayout: dict[str, Any], traces: list[int]
    ) -> None:
        """Send one Plotly.update message to the page (also while changes are held)."""
        go.FigureWidget._send_update_msg(self, restyle, relayout, traces)
