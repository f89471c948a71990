"""Binder: a slow rehearsal of a Binder build, from repo2docker's own base environment.

The versions come from the lock file inside the installed repo2docker package
(tools/binder_base.py); conda-forge and Docker are not reachable here, so the
base's Python packages are installed with pip at those versions (what cannot be
reproduced is printed). Then environment.yml's pip part goes on top as
``mamba env update`` puts it (``pip install -U``), postBuild runs as repo2docker
runs it (in a copy of the repository that plays the image's home), and
``pip check`` must be clean. The image has no test tools; the notebook tests
(nbval, from the test environment) run on the image's kernel. The same
environment then shows what a JupyterHub learner gets: the kernel imports the
course from the learner's pulled copy when there is one.

(The badges, repo2docker's files and Voila's app mode: tests/test_binder.py.)
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import binder_base  # noqa: E402
import course_env  # noqa: E402
import links  # noqa: E402
from test_binder import _repository_files  # noqa: E402

LESSONS = sorted((ROOT / "lessons").glob("*.ipynb"))


# -- the Binder rehearsal ------------------------------------------------------------------------
def _copy_repository(home: Path) -> None:
    """The repository as repo2docker copies it into the image's home."""
    for path in _repository_files():
        target = home / path.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)


def _base_python() -> str:
    return getattr(sys, "_base_executable", None) or shutil.which("python3") or sys.executable


@pytest.mark.slow
def test_a_binder_build_runs_the_notebook_tests(tmp_path: Path):
    home = tmp_path / "home" / "jovyan"  # the image's home: the repository
    prefix = tmp_path / "srv" / "conda" / "envs" / "notebook"  # NB_PYTHON_PREFIX
    home.mkdir(parents=True)
    _copy_repository(home)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("VIRTUAL_ENV", "PYTHONPATH", "JUPYTER", "CONDA"))
    }
    env.update(
        HOME=str(home),
        NB_PYTHON_PREFIX=str(prefix),
        PATH=f"{prefix / 'bin'}{os.pathsep}{env.get('PATH', '')}",
        PYTHONNOUSERSITE="1",
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        # Byte-compiling every installed module is a third of pip's time and changes
        # nothing that is installed; the modules compile on first import instead.
        PIP_NO_COMPILE="1",
        IPYTHONDIR=str(tmp_path / "ipython"),
        JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
    )
    python = prefix / "bin" / "python"

    def run(*cmd: str, cwd: Path = home, extra: dict[str, str] | None = None) -> str:
        started = time.perf_counter()
        result = subprocess.run(
            cmd,
            cwd=cwd,
            env={**env, **(extra or {})},
            capture_output=True,
            text=True,
            timeout=900,
        )
        assert result.returncode == 0, (
            f"{' '.join(cmd)}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )
        print(f"{time.perf_counter() - started:6.1f} s  {' '.join(cmd)[:100]}")
        return result.stdout

    # 1. repo2docker's base environment, at the versions of repo2docker's own lock file.
    run(_base_python(), "-m", "venv", str(prefix))
    base, left = binder_base.base_requirements(
        binder_base.read_lock(binder_base.repo2docker_lock())
    )
    assert any(line.startswith("notebook==7.4.") for line in base), "the base changed: see issue"
    missing = []
    for _ in range(5):
        (tmp_path / "base.txt").write_text("\n".join(base) + "\n", encoding="utf-8")
        result = subprocess.run(
            [
                *(str(python), "-m", "pip", "install", "--quiet", "--no-deps"),
                *("--only-binary=:all:", "-r", str(tmp_path / "base.txt")),
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )
        if result.returncode == 0:
            break
        found = re.search(r"No matching distribution found for (\S+)", result.stderr)
        assert found, result.stderr[-3000:]
        missing.append(found.group(1))
        base.remove(found.group(1))
    else:
        raise AssertionError(f"the base did not install: {missing}")
    print(f"repo2docker's base: {len(base)} Python packages installed at its versions")
    print(f"not reproduced ({len(left) + len(missing)}):")
    for item in [*map(str, left), *(f"{name}: not on PyPI at that version" for name in missing)]:
        print(f"  {item}")
    assert len(missing) <= 3, f"too much of the base could not be reproduced: {missing}"

    # 2. environment.yml's pip part, as `mamba env update` installs it: pip install -U.
    pins = course_env.environment_yml_pins(home / "environment.yml")
    assert pins == course_env.pinned_requirements(home / "requirements.txt")
    requirements = tmp_path / "condaenv.requirements.txt"
    requirements.write_text("\n".join(pins) + "\n", encoding="utf-8")
    run(str(python), "-m", "pip", "install", "--quiet", "-U", "-r", str(requirements))

    # 3. postBuild, as repo2docker runs it: in the home folder, with the environment on PATH.
    run("bash", "postBuild")
    kernel_venv = prefix / "course-kernel"
    spec = prefix / "share" / "jupyter" / "kernels" / course_env.KERNEL_NAME / "kernel.json"
    argv = json.loads(spec.read_text(encoding="utf-8"))["argv"]
    assert Path(argv[0]) == kernel_venv / "bin" / "python"

    # 4. What Binder would check: every requirement of every installed package is met,
    #    the server's extensions load, and the image carries no test tools.
    run(str(python), "-m", "pip", "check")
    extensions = subprocess.run(
        [str(prefix / "bin" / "jupyter"), "server", "extension", "list"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    listing = re.sub(r"\x1b\[[0-9;]*m", "", extensions.stdout + extensions.stderr)
    assert extensions.returncode == 0 and "jupyterlab" in listing, listing[-3000:]
    for extension in ("jupyterlab", "notebook", "voila.server_extension", "nbgitpuller"):
        assert re.search(rf"\n\s+{extension} [\d.]*\s*OK", listing), f"{extension}:\n{listing}"
    assert " X " not in listing and "Traceback" not in listing, listing[-3000:]
    for tool in ("pytest", "hypothesis", "ruff", "coverage", "playwright", "nbval"):
        found = subprocess.run(
            [str(python), "-c", f"import importlib.util as u; print(u.find_spec('{tool}'))"],
            env=env,
            capture_output=True,
            text=True,
        )
        assert found.stdout.strip() == "None", f"Binder's image has the test tool {tool}"

    # 5. The notebook tests (the test environment's nbval) on the image's kernel.
    kernels = {"JUPYTER_PATH": str(prefix / "share" / "jupyter")}
    kernels["JUPYTER_DATA_DIR"] = str(tmp_path / "jupyter-data")
    out = run(
        sys.executable,
        *("-m", "pytest", "--nbval-lax", "-p", "no:cacheprovider", "-n", "2", "--dist"),
        *("loadfile", "-v", "lessons"),
        extra=kernels,
    )
    for lesson in LESSONS:
        assert f"lessons/{lesson.stem}::ipynb::Cell " in out, (
            f"{lesson.name} was not run:\n{out[-2000:]}"
        )
    assert " passed" in out and " failed" not in out, out[-2000:]

    # 6. The same image on a JupyterHub: the learner's home is their own, with the pulled copy.
    where = "import widgets, pathlib; print(pathlib.Path(widgets.__file__).resolve().parent)"
    kernel_python = str(kernel_venv / "bin" / "python")
    assert run(kernel_python, "-c", where, cwd=tmp_path).strip() == str(home / "widgets")
    learner = tmp_path / "hub-home"
    pulled = learner / links.address().name
    shutil.copytree(home / "widgets", pulled / "widgets")
    found = run(kernel_python, "-c", where, cwd=learner, extra={"HOME": str(learner)})
    assert found.strip() == str(pulled / "widgets")
