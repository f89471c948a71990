"""The course depends on the public APIs of plotly, ipywidgets and anywidget only.

Every attribute with a leading underscore that the package reads or writes must be
one the package defines itself, or one of the documented extension points: IPython's
display methods (``_repr_*_``) and anywidget's ``_esm``/``_css``. No import of a private
name, and the front end uses anywidget's model API (get, set, on, off, save_changes,
send) and plotly.js's public functions only.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "widgets"
DOCUMENTED = {"_esm", "_css", "_repr_mimebundle_", "_repr_html_"}
LIBRARIES = ("plotly", "ipywidgets", "anywidget", "traitlets")


def _python_files():
    return sorted(PACKAGE.rglob("*.py"))


def _own_names() -> set[str]:
    names = set()
    for path in _python_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.add(node.name)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                names.add(node.attr)
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                names.add(node.target.id)
    return names


def test_no_private_name_of_a_library_is_used():
    own = _own_names()
    problems = []
    for path in _python_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr.startswith("_"):
                dunder = node.attr.startswith("__") and node.attr.endswith("__")
                if not dunder and node.attr not in own and node.attr not in DOCUMENTED:
                    problems.append(f"{path.name}:{node.lineno} .{node.attr}")
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(LIBRARIES):
                private_module = any(p.startswith("_") for p in (node.module or "").split("."))
                private = [a.name for a in node.names if a.name.startswith("_")]
                if private_module or private:
                    problems.append(f"{path.name}:{node.lineno} from {node.module} import")
    assert not problems, "private names of libraries:\n" + "\n".join(problems)


def test_the_front_end_speaks_public_apis_only():
    source = (PACKAGE / "ui" / "explorer.js").read_text(encoding="utf-8")
    model_calls = set(re.findall(r"model\.(\w+)\(", source))
    assert model_calls <= {"get", "set", "on", "off", "save_changes", "send"}, model_calls
    plotly_calls = set(re.findall(r"Plotly\.(\w+)\(", source))
    assert plotly_calls <= {"react", "purge", "newPlot"}, plotly_calls
    for private in ("widget_manager", "_py2js_", "_js2py_", "comm_live", "IPY_MODEL_"):
        assert private not in source, private


def test_the_check_catches_a_private_name(tmp_path):
    tree = ast.parse("import plotly\nplotly.io._renderers\n")
    attrs = [n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)]
    assert "_renderers" in attrs and "_renderers" not in _own_names()
