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


def _names(path: Path) -> set[str]:
    return {line.split("==")[0].lower() for line in course_env.pinned_requirements(path)}


def test_every_requirement_is_pinned_exactly():
    for path in (course_env.PINS, course_env.TEST_PINS):
        for line in course_env.pinned_requirements(path):
            assert "==" in line, f"{path.name}: not pinned: {line}"


@pytest.mark.parametrize(
    "package",
    ["anywidget", "plotly", "ipywidgets", "jupyterlab", "notebook", "jupyterhub", "voila"],
)
def test_key_packages_are_pinned(package: str):
    assert package in _names(course_env.PINS)


@pytest.mark.parametrize(
    "tool", ["pytest", "pytest-xdist", "hypothesis", "ruff", "coverage", "playwright", "nbval"]
)
def test_the_test_tools_are_pinned_apart_from_binders_environment(tool: str):
    """Binder's image carries what learners and teachers need; the test tools come
    only with `make test` (requirements-test.txt)."""
    assert tool in _names(course_env.TEST_PINS)
    assert tool not in _names(course_env.PINS)
    assert tool not in {line.split("==")[0].lower() for line in course_env.environment_yml_pins()}


def test_no_package_is_pinned_twice():
    assert not _names(course_env.PINS) & _names(course_env.TEST_PINS)


def test_the_notebook_pin_accepts_the_jupyterlab_pin():
    """repo2docker's base has notebook 7.4.7 (jupyterlab < 4.5): the course pins a notebook
    that goes with its jupyterlab, so Binder's environment passes `pip check`."""
    import importlib.metadata

    from packaging.requirements import Requirement

    pins = dict(line.split("==") for line in course_env.pinned_requirements())
    assert importlib.metadata.version("notebook") == pins["notebook"]
    wants = [
        Requirement(line)
        for line in importlib.metadata.requires("notebook") or []
        if Requirement(line).name.lower() == "jupyterlab"
    ]
    assert wants and all(pins["jupyterlab"] in want.specifier for want in wants), wants


def test_the_kernel_environment_reuses_the_installed_files():
    """The kernel's numpy, scipy and plotly are the server's files, linked (or copied):
    nothing is downloaded or built a second time."""
    code = "import numpy, scipy, plotly; print(numpy.__file__, scipy.__file__, plotly.__file__)"
    kernel_files = subprocess.run(
        [str(_kernel_python()), "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    import numpy
    import plotly
    import scipy

    for theirs, ours in zip(
        kernel_files, (numpy.__file__, scipy.__file__, plotly.__file__), strict=True
    ):
        assert Path(theirs).resolve() != Path(ours).resolve()
        assert Path(theirs).read_bytes() == Path(ours).read_bytes()
        if Path(theirs).stat().st_dev == Path(ours).stat().st_dev:
            assert Path(theirs).stat().st_ino == Path(ours).stat().st_ino, "copied, not linked"


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
