"""The explorers' figure: plotly's FigureWidget, with plotly's browser code compiled once per page.

plotly's ``FigureWidget`` is an anywidget whose front-end module (``_esm``) is
plotly's whole widget bundle, about 5 MB of JavaScript. Every figure compiles it
again: about 1 s each in Chromium on this kind of machine. When a page loads a
lesson's figures together (a page reload in JupyterLab, Voila), the compiles
queue up, and anywidget gives each model 2 s to start: a figure that misses it
draws but never applies another update, and in JupyterLab a reload can fail to
show any widget at all.

``CourseFigure`` is the same FigureWidget with a small front-end module that
loads plotly's bundle once per page (from the ``_plotly_esm`` trait of whichever
figure asks first) and hands each figure its own copy of plotly's widget.
"""

from __future__ import annotations

from pathlib import Path

import plotly
import plotly.graph_objects as go
import traitlets

__all__ = ["CourseFigure"]

_BUNDLE = Path(plotly.__file__).parent / "package_data" / "widgetbundle.js"

_LOADER = """
const KEY = Symbol.for("stemcell-course/plotly-widget-bundle");
function bundle(model) {
  if (!globalThis[KEY]) {
    const source = new Blob([model.get("_plotly_esm")], { type: "text/javascript" });
    globalThis[KEY] = import(URL.createObjectURL(source));
  }
  return globalThis[KEY];
}
export default () => {
  let widget = null;
  return {
    async initialize(context) {
      const module = await bundle(context.model);
      widget = typeof module.default === "function" ? module.default() : module.default;
      return widget.initialize?.(context);
    },
    render(context) {
      return widget.render(context);
    },
  };
};
"""


class CourseFigure(go.FigureWidget):
    """A plotly ``FigureWidget`` whose browser code is compiled once per page, not per figure."""

    _esm = _LOADER
    _plotly_esm = traitlets.Unicode(_BUNDLE.read_text(encoding="utf-8")).tag(sync=True)
