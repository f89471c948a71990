"""The pins: one source of truth, Binder's copy in step, the kernel kept lean."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import course_env  # noqa: E402


def test_environment_yml_has_exactly_the_pins_of_requirements_txt():
    assert course_env.environment_yml_pins() == course_env.pinned_requirements()


def test_environment_yml_is_what_the_generator_writes():
    text = (ROOT / "environment.yml").read_text(encoding="utf-8")
    assert text == course_env.environment_yml_text(), "run `make environment.yml`"


def test_drift_is_detected(tmp_path: Path):
    drifted = tmp_path / "environment.yml"
    drifted.write_text(
        course_env.environment_yml_text().replace("plotly==", "plotly>="), encoding="utf-8"
    )
    assert course_env.environment_yml_pins(drifted) != course_env.pinned_requirements()


def test_every_requirement_is_pinned_exactly():
    for line in course_env.pinned_requirements():
        assert "==" in line, f"not pinned: {line}"


@pytest.mark.parametrize("package", ["anywidget", "plotly", "ipywidgets", "jupyterlab", "nbval"])
def test_key_packages_are_pinned(package: str):
    names = {line.split("==")[0].lower() for line in course_env.pinned_requirements()}
    assert package in names


def _kernel_python() -> Path:
    spec = Path(sys.prefix) / "share" / "jupyter" / "kernels" / course_env.KERNEL_NAME
    argv = json.loads((spec / "kernel.json").read_text(encoding="utf-8"))["argv"]
    return Path(argv[0])


def test_kernelspec_runs_the_lean_kernel_environment():
    python = _kernel_python()
    out = subprocess.run(
        [str(python), "-c", "import sys; print(sys.prefix)"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(out.stdout.strip()) != Path(sys.prefix)


def test_kernel_environment_keeps_the_slow_import_out():
    """plotly imports nbformat, nbformat imports jsonschema, and jsonschema builds the
    rfc3987-syntax grammar at import when that package is installed (the server's
    jsonschema[format-nongpl] extra). The kernel's environment has nbformat (so
    fig.show() works) but not rfc3987-syntax, so no lesson kernel pays for the grammar."""
    code = (
        "import sys, importlib.util, plotly.graph_objects, anywidget, ipywidgets, widgets.intro;"
        "import nbformat;"
        "print('nbformat' in sys.modules, 'rfc3987_syntax' in sys.modules,"
        " importlib.util.find_spec('rfc3987_syntax') is not None)"
    )
    out = subprocess.run(
        [str(_kernel_python()), "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "True False False"


def test_the_server_environment_does_have_the_slow_import():
    """The contrast the kernel environment exists for (jupyter-events needs the extra)."""
    import importlib.util

    assert importlib.util.find_spec("rfc3987_syntax") is not None


def test_kernel_environment_has_the_pinned_versions():
    pins = dict(line.split("==") for line in course_env.pinned_requirements())
    code = (
        "import importlib.metadata as m;"
        "print(';'.join(f'{n}=={m.version(n)}' for n in "
        "('plotly', 'anywidget', 'ipywidgets', 'numpy', 'scipy', 'ipykernel', 'nbformat')))"
    )
    out = subprocess.run(
        [str(_kernel_python()), "-c", code], capture_output=True, text=True, check=True
    )
    for item in out.stdout.strip().split(";"):
        name, version = item.split("==")
        assert pins[name] == version, f"{name}: kernel has {version}, pin is {pins[name]}"
