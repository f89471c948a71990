"""JupyterHub: the nbgitpuller link, and what nbgitpuller does to a learner's edits.

A hub administrator shares one link (``make hub-link HUB=...``); each learner who
opens it gets the course pulled into ``~/<name>``, and later clicks bring new course
content without losing what the learner wrote. The last point is checked by
driving nbgitpuller itself (``nbgitpuller.pull.GitPuller``, the code the hub runs)
against a local clone of the course.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import nbformat
import pytest
from nbgitpuller.pull import GitPuller

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import hub_link  # noqa: E402
import links  # noqa: E402

HUB = "https://hub.example.org"
LESSON = "lessons/00-introduction.ipynb"


# -- the link --------------------------------------------------------------------------------
def _query(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def test_the_link_pulls_the_public_repository_and_opens_lesson_00():
    address = links.address()
    url = links.hub_url(HUB)
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == HUB
    assert parts.path == "/hub/user-redirect/git-pull"
    query = _query(url)
    assert query["repo"] == f"https://github.com/{address.repository}"
    assert query["branch"] == address.branch
    assert query["targetpath"] == address.name
    assert query["urlpath"] == f"lab/tree/{address.name}/{LESSON}"
    assert (ROOT / LESSON).is_file()


def test_the_voila_link_opens_the_lesson_as_an_app():
    query = _query(links.hub_url(HUB + "/", app="voila"))
    assert query["urlpath"] == f"voila/render/{links.address().name}/{LESSON}"


def test_the_link_uses_only_arguments_nbgitpuller_reads():
    package = Path(importlib.util.find_spec("nbgitpuller").origin).parent
    source = (package / "handlers.py").read_text(encoding="utf-8")  # read, not imported
    understood = set(re.findall(r"get_argument\(\s*['\"](\w+)['\"]", source))
    assert set(_query(links.hub_url(HUB))) <= understood


def test_make_hub_link_prints_the_link():
    result = subprocess.run(
        ["make", "-s", "--no-print-directory", "hub-link", f"HUB={HUB}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert result.stdout.strip() == links.hub_url(HUB)


@pytest.mark.parametrize(
    ("lesson", "app", "urlpath"),
    [
        ("01", "lab", "lab/tree/{name}/lessons/01-aplastic-anemia.ipynb"),
        ("04-risks", "voila", "voila/render/{name}/lessons/04-risks.ipynb"),
        (
            "lessons/03-gene-editing.ipynb",
            "voila",
            "voila/render/{name}/lessons/03-gene-editing.ipynb",
        ),
    ],
)
def test_make_hub_link_honours_lesson_and_app(lesson: str, app: str, urlpath: str):
    result = subprocess.run(
        [
            "make",
            "-s",
            "--no-print-directory",
            "hub-link",
            f"HUB={HUB}",
            f"LESSON={lesson}",
            f"APP={app}",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    query = _query(result.stdout.strip())
    assert query["urlpath"] == urlpath.format(name=links.address().name)
    assert (ROOT / query["urlpath"].split(f"{links.address().name}/", 1)[1]).is_file()


def test_make_hub_link_refuses_a_lesson_that_does_not_exist():
    result = subprocess.run(
        ["make", "-s", "--no-print-directory", "hub-link", f"HUB={HUB}", "LESSON=09"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "lesson must be one of 00-introduction" in result.stderr


def test_a_hub_address_without_a_scheme_is_refused():
    with pytest.raises(ValueError, match="an address like"):
        links.hub_url("hub.example.org")


# -- the kernel finds the learner's pulled copy on a hub ----------------------------------------
@pytest.mark.parametrize("pulled", [True, False])
def test_the_kernel_path_file_adds_the_pulled_copy_only_when_it_is_there(
    tmp_path: Path, pulled: bool
):
    venv = tmp_path / "venv"
    site_packages = venv / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}"
    (site_packages / "site-packages").mkdir(parents=True)
    pth = hub_link.write_kernel_pth(venv)
    home = tmp_path / "home"
    course = home / links.address().name
    if pulled:
        (course / "widgets").mkdir(parents=True)
    else:
        home.mkdir()
    code = f"import site, sys; site.addsitedir({str(pth.parent)!r}); print(sys.path[-1])"
    env = {**os.environ, "HOME": str(home)}
    env.pop("NBGITPULLER_PARENTPATH", None)
    result = subprocess.run(
        [sys.executable, "-S", "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert (result.stdout.strip() == str(course)) is pulled


# -- nbgitpuller keeps a learner's edits ---------------------------------------------------------
def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=Course team", "-c", "user.email=team@example.org", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def _pull(upstream: Path, target: Path) -> list[str]:
    return list(GitPuller(upstream.as_uri(), str(target), branch="main").pull())


def _edit_cell(path: Path, index: int, text: str) -> None:
    nb = nbformat.read(path, as_version=4)
    nb.cells[index].source += text
    nbformat.write(nb, path)


def _cell(path: Path, index: int) -> str:
    return nbformat.read(path, as_version=4).cells[index].source


@pytest.fixture
def git_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home for git with no user or system configuration (nbgitpuller calls git)."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
    monkeypatch.delenv("NBGITPULLER_DEPTH", raising=False)
    return home


@pytest.fixture
def upstream(tmp_path: Path, git_home: Path) -> Path:
    """The course's public repository, reduced to what the scenario needs."""
    repo = tmp_path / "upstream"
    for relative in ("README.md", LESSON, "assets/lessons/00-introduction.toml"):
        (repo / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / relative, repo / relative)
    _git(tmp_path, "init", "-q", "-b", "main", str(repo))
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "The course")
    return repo


def _new_content(upstream: Path, *, lesson_cell: int, text: str) -> None:
    """The course team publishes: a new lesson, a README change, a change in lesson 00."""
    new = upstream / "lessons" / "01-new-lesson.ipynb"
    shutil.copyfile(upstream / LESSON, new)
    with (upstream / "README.md").open("a", encoding="utf-8") as handle:
        handle.write("\nNew this week: lesson 01.\n")
    _edit_cell(upstream / LESSON, lesson_cell, text)
    _git(upstream, "add", "-A")
    _git(upstream, "commit", "-q", "-m", "New content")


def test_a_learners_edits_survive_a_pull_of_new_course_content(upstream: Path, git_home: Path):
    learner = git_home / links.address().name
    _pull(upstream, learner)  # the first click: a clone
    lesson = learner / LESSON
    assert lesson.is_file()

    # The learner writes in lesson 00 (an answer in one cell), adds a notebook of their own,
    # and deletes the glossary data file by mistake.
    _edit_cell(lesson, 5, "\n\nMY ANSWER: the neutrophils run short first.")
    (learner / "lessons" / "my-notes.ipynb").write_text(
        nbformat.writes(nbformat.v4.new_notebook()), encoding="utf-8"
    )
    (learner / "assets" / "lessons" / "00-introduction.toml").unlink()

    # Meanwhile the course team changes another cell of lesson 00 and adds a lesson.
    _new_content(upstream, lesson_cell=23, text="\n\nCOURSE UPDATE: lesson 05 is coming.")
    log = _pull(upstream, learner)  # the next click: a merge that keeps the learner's work

    assert "MY ANSWER: the neutrophils run short first." in _cell(lesson, 5), "".join(log)
    assert "COURSE UPDATE: lesson 05 is coming." in _cell(lesson, 23)
    nbformat.validate(nbformat.read(lesson, as_version=4))
    assert (learner / "lessons" / "01-new-lesson.ipynb").is_file()
    assert "New this week" in (learner / "README.md").read_text(encoding="utf-8")
    assert (learner / "lessons" / "my-notes.ipynb").is_file()
    assert (learner / "assets" / "lessons" / "00-introduction.toml").is_file(), "not restored"


def test_when_both_change_the_same_cell_the_learners_version_is_kept(
    upstream: Path, git_home: Path
):
    learner = git_home / links.address().name
    _pull(upstream, learner)
    lesson = learner / LESSON
    _edit_cell(lesson, 5, "\n\nMY ANSWER.")
    _new_content(upstream, lesson_cell=5, text="\n\nA REWORDED QUESTION.")
    _pull(upstream, learner)
    cell = _cell(lesson, 5)
    assert "MY ANSWER." in cell
    assert "A REWORDED QUESTION." not in cell
    nbformat.validate(nbformat.read(lesson, as_version=4))
    assert (learner / "lessons" / "01-new-lesson.ipynb").is_file()


def test_a_learners_file_with_the_name_of_a_new_lesson_is_kept_aside(
    upstream: Path, git_home: Path
):
    learner = git_home / links.address().name
    _pull(upstream, learner)
    mine = learner / "lessons" / "01-new-lesson.ipynb"
    mine.write_text(json.dumps({"mine": True}), encoding="utf-8")
    _new_content(upstream, lesson_cell=23, text="\n\nUPDATE.")
    _pull(upstream, learner)
    kept = list(mine.parent.glob("01-new-lesson__*.ipynb"))
    assert len(kept) == 1 and json.loads(kept[0].read_text(encoding="utf-8")) == {"mine": True}
    nbformat.validate(nbformat.read(mine, as_version=4))


# -- a real hub, with learners -------------------------------------------------------------------
@pytest.mark.slow
def test_a_real_hub_serves_a_handful_of_learners_and_loses_nothing(tmp_path: Path):
    """JupyterHub (pinned), configurable-http-proxy (npm, `make hub-tools`), a local spawner
    and a shared-password authenticator on this machine; five learners open the course's
    nbgitpuller link within a few seconds, two of them in Chromium pages (Run All Cells, a
    figure appears, keyboard steps redraw it, a note typed into a cell and saved), three over
    the Jupyter protocols (every cell executed on the course kernel, widget views displayed, a
    note saved). The course team pushes; every learner pulls again. Nothing is lost, no
    server-log line reports a fault, every server and kernel is stopped at the end."""
    import hub_rehearsal

    chromium = hub_rehearsal.ensure_chromium()
    report = hub_rehearsal.rehearse(5, 2, 5.0, tmp_path, steps=6, chromium=chromium)
    hub_rehearsal.print_report(report)
    figures = report.summary()
    assert figures["learners"] == 5 and figures["browsers"] == 2
    assert all(learner.first_figure_s is not None for learner in report.learners), figures
    assert all(learner.widget_views > 0 for learner in report.learners if not learner.browser)
    assert all(
        learner.steps_ms and learner.floor_ms for learner in report.learners if learner.browser
    )
    assert not figures["errors"], figures["errors"]
    assert not figures["lost"], figures["lost"]
    assert not figures["log_faults"], figures["log_faults"]
    assert not figures["left_running"], figures["left_running"]
    assert report.ok
