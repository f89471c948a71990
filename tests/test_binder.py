"""Binder: the badges, the configuration repo2docker reads, Voila app mode.

* The README's badges open lesson 00 in JupyterLab and as a Voila app, and are
  written from public-address.toml, the one place the public address is set.
* voila.json (read by Voila from the folder it starts in, on Binder the
  repository) strips the code: every lesson renders as an app with its widgets.

The slow rehearsal of a Binder build is in tests/test_binder_build.py (a file of its own,
so that ``pytest -n 2 --dist loadfile`` runs it beside this one).
"""

from __future__ import annotations

import json
import os
import re
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
