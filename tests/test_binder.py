"""Binder: the badges, the configuration repo2docker reads, Voila app mode, and a rehearsal.

* The README's badges open lesson 00 in JupyterLab and as a Voila app, and are
  written from public-address.toml, the one place the public address is set.
* voila.json (read by Voila from the folder it starts in, on Binder the
  repository) strips the code: every lesson renders as an app with its widgets.
* A slow rehearsal of a Binder build, from repo2docker's own base environment:
  the versions come from the lock file inside the installed repo2docker package
  (tools/binder_base.py); conda-forge and Docker are not reachable here, so the
  base's Python packages are installed with pip at those versions (what cannot be
  reproduced is printed). Then environment.yml's pip part goes on top as
  ``mamba env update`` puts it (``pip install -U``), postBuild runs as repo2docker
  runs it (in a copy of the repository that plays the image's home), and
  ``pip check`` must be clean. The image has no test tools; the notebook tests
  (nbval, from the test environment) run on the image's kernel. The same
  environment then shows what a JupyterHub learner gets: the kernel imports the
  course from the learner's pulled copy when there is one.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from widgets.ui.explorer import explorers_for

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import binder_base  # noqa: E402
import course_env  # noqa: E402
import links  # noqa: E402

LESSONS = sorted((ROOT / "lessons").glob("*.ipynb"))


# -- badges and the one public address -----------------------------------------------------------
def test_the_readme_badges_are_written_from_the_public_address():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert links.readme_with_links(text) == text, "run `make links`"


def test_the_badges_open_lesson_00_in_jupyterlab_and_as_a_voila_app():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text[text.index(links.BEGIN) : text.index(links.END)]
    targets = re.findall(r"\]\((https://[^)\s]+)\)", block)
    base = f"{links.address().binder}/v2/gh/{links.address().repository}/{links.address().branch}"
    assert f"{base}?urlpath=lab/tree/lessons/00-introduction.ipynb" in targets
    assert f"{base}?urlpath=voila/render/lessons/00-introduction.ipynb" in targets
    assert (ROOT / links.address().first_lesson).is_file()


def _repository_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return [ROOT / name for name in listed.split("\0") if name and (ROOT / name).is_file()]


def test_the_readme_table_opens_every_lesson_on_binder_in_jupyterlab_and_as_an_app():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text[text.index(links.BEGIN) : text.index(links.END)]
    base = f"{links.address().binder}/v2/gh/{links.address().repository}/{links.address().branch}"
    assert len(LESSONS) >= 5
    for lesson in LESSONS:
        row = next(line for line in block.splitlines() if line.startswith(f"| {lesson.stem[:2]} |"))
        assert f"({base}?urlpath=lab/tree/lessons/{lesson.name})" in row
        assert f"({base}?urlpath=voila/render/lessons/{lesson.name})" in row
        assert links.lesson_title(f"lessons/{lesson.name}") in row


def test_the_public_address_is_set_in_one_place():
    repository = links.address().repository
    found = []
    for path in _repository_files():
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        if path.name == "README.md":
            text = text.replace(links.readme_block(), "")
        if repository in text and path.name != "public-address.toml":
            found.append(str(path.relative_to(ROOT)))
    assert not found, f"the public address is written out in {found}: use tools/links.py"


def test_a_fork_changes_one_line(tmp_path: Path):
    config = tmp_path / "public-address.toml"
    config.write_text('repository = "a-school/our-course"\nbranch = "spring"\n', "utf-8")
    fork = links.address(config)
    assert links.binder_url(where=fork).startswith("https://mybinder.org/v2/gh/a-school/our-")
    assert "our-course/spring?urlpath=lab/tree/lessons/00-introduction.ipynb" in (
        links.binder_url(where=fork)
    )
    assert "targetpath=our-course" in links.hub_url("https://hub.example.org", where=fork)
    assert "a-school/our-course" in links.readme_block(fork)


# -- what repo2docker reads ----------------------------------------------------------------------
def test_repo2docker_reads_the_files_at_the_top_of_the_repository():
    # repo2docker ignores the top-level files when a binder/ or .binder/ folder exists.
    assert not (ROOT / "binder").exists() and not (ROOT / ".binder").exists()
    text = (ROOT / "environment.yml").read_text(encoding="utf-8")
    assert f"  - python={course_env.PYTHON_VERSION}\n" in text
    assert course_env.environment_yml_pins() == course_env.pinned_requirements()
    post_build = ROOT / "postBuild"
    assert os.access(post_build, os.X_OK), "postBuild must be executable"
    script = post_build.read_text(encoding="utf-8")
    assert script.startswith("#!/usr/bin/env bash\n") and "set -euo pipefail" in script
    assert "NB_PYTHON_PREFIX" in script, "the kernel must live outside $HOME (JupyterHub)"
    start = ROOT / "start"
    assert not start.exists() or os.access(start, os.X_OK)


def test_voila_reads_its_app_settings_from_the_repository(monkeypatch, tmp_path: Path):
    settings = json.loads((ROOT / "voila.json").read_text(encoding="utf-8"))
    assert settings["VoilaConfiguration"]["strip_sources"] is True
    from voila.server_extension import load_config_file

    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(tmp_path))
    monkeypatch.chdir(ROOT)  # Binder starts the server in the repository
    config = load_config_file()
    assert config is not None and config.VoilaConfiguration.strip_sources is True


# -- Voila app mode: every lesson renders, no code, widgets ----------------------------------------
def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def voila(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    home = tmp_path_factory.mktemp("voila")
    port = _free_port()
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_DATA_DIR": str(home / "data"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "IPYTHONDIR": str(home / "ipython"),
    }
    voila_bin = Path(sys.executable).parent / "voila"
    log = (home / "voila.log").open("w")
    server = subprocess.Popen(
        [str(voila_bin), "--no-browser", "--Voila.ip=127.0.0.1", f"--port={port}", "lessons"],
        cwd=ROOT,  # where voila.json is, as `make app` runs it
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(url + "/", timeout=5).close()
                break
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError((home / "voila.log").read_text()) from None
                time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_every_lesson_renders_as_an_app(voila: str, lesson: Path):
    with urllib.request.urlopen(f"{voila}/voila/render/{lesson.name}", timeout=180) as answer:
        assert answer.status == 200
        page = answer.read().decode("utf-8")
    assert "Traceback" not in page and "application/vnd.jupyter.stderr" not in page
    views = page.count("application/vnd.jupyter.widget-view+json")
    explorers = explorers_for(lesson.stem)
    assert views >= len(explorers) + 1, f"{lesson.name}: {views} widgets for {len(explorers)}"
    for cls in explorers:
        assert f"{cls.__name__}(" not in page, f"{lesson.name} shows its code"
    assert "from widgets import" not in page and "import widgets" not in page


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
