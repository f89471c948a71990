"""The science layer stays pure: no widgets or plotting imported, every name exported."""

from __future__ import annotations

import subprocess
import sys

import widgets.science as science


def test_importing_science_does_not_import_widgets_or_plotly():
    code = (
        "import sys, widgets.science;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('ipywidgets', 'plotly', 'anywidget', 'IPython')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_importing_widgets_is_cheap():
    code = "import sys, widgets; print('plotly' in sys.modules, 'numpy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False False"


def test_every_public_name_is_exported():
    for name in science.__all__:
        assert hasattr(science, name), name
