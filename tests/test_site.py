"""`make site`: the static HTML course reads without a kernel and without the internet.

The site is built once (``tools/static_site.py``, as ``make site`` runs it) into a
temporary folder, then every page is checked: every lesson has its page and the
course map links it; every explorer of the lesson is on its page with the grid of
figures its front end switches between, its main control always among the live
ones, and every entry is what the explorer itself draws (checked against the
explorer run here); every guiding and quiz question is there with its model answer
or feedback; one shared plotly.js; no widget state; and nothing is loaded from another
host. The learner edition
(``--out``) has no teacher guide, no class plan, no answer key and no link to them; the
teacher edition (``--teacher-out``) has them, and the same lesson pages and worksheets. The browser
suite (tests/browser) opens every lesson page in Chromium and moves its explorers.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from widgets.ui import tables
from widgets.ui.explorer import all_explorers, explorers_for

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import static_site  # noqa: E402
import teacher_kit  # noqa: E402

LESSONS = sorted((ROOT / "lessons").glob("*.ipynb"))

pytestmark = pytest.mark.slow


#: Tags that load what their attribute names (``link`` loads its ``href``, checked apart).
LOADS = {
    "script": "src",
    "img": "src",
    "iframe": "src",
    "source": "src",
    "video": "src",
    "audio": "src",
    "embed": "src",
    "track": "src",
    "input": "src",
    "object": "data",
}


class Parsed(HTMLParser):
    """The parts of a page the checks need: loads, links, ids, figures, details."""

    def __init__(self) -> None:
        super().__init__()
        self.loads: list[str] = []
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.scripts: list[tuple[dict[str, str], str]] = []
        self.styles: list[str] = []
        self._script: dict[str, str] | None = None
        self._text: list[str] = []
        self.details = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "details":
            self.details += 1
        if tag == "link":
            self.loads.append(a.get("href", ""))
        elif tag in LOADS and a.get(LOADS[tag]):
            self.loads.append(a[LOADS[tag]])
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if "style" in a:
            self.styles.append(a["style"])
        if tag in ("script", "style"):
            self._script = {"tag": tag, **a}
            self._text = []

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._script is not None:
            if tag == "style":
                self.styles.append("".join(self._text))
            else:
                self.scripts.append((self._script, "".join(self._text)))
            self._script = None


def parse(path: Path) -> Parsed:
    parsed = Parsed()
    parsed.feed(path.read_text(encoding="utf-8"))
    return parsed


def explorer_states(parsed: Parsed) -> list[dict[str, Any]]:
    """What the page's explorers are drawn from (``Explorer.static_state``)."""
    return [
        json.loads(text)
        for attrs, text in parsed.scripts
        if "site-explorer-state" in attrs.get("class", "")
    ]


def _values(explorer, key: str) -> dict[str, Any]:
    """The controls' values a table key stands for (``tables.values_key`` read back)."""
    from widgets.ui.controls import Check, Slider

    values = {}
    for (name, control), part in zip(
        explorer.controls_by_name.items(), key.split("|"), strict=True
    ):
        if isinstance(control, Slider):
            values[name] = control.snap(float(part))
        elif isinstance(control, Check):
            values[name] = part == "1"
        else:
            values[name] = control.choices[int(part)]
    return values


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    teacher = out.parent / "site-teacher"
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "tools" / "static_site.py"),
            "--out",
            str(out),
            "--teacher-out",
            str(teacher),
        ],
        check=True,
        cwd=ROOT,
        timeout=900,
    )
    return out


@pytest.fixture(scope="module")
def pages(site: Path) -> list[Path]:
    return sorted(site.glob("*.html"))


def test_make_site_builds_it():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(
        r"^site: .*\n\t.*tools/static_site\.py --out build/site --teacher-out build/site-teacher",
        makefile,
        re.M,
    )


def test_every_lesson_has_a_page_and_the_course_map_links_it(site: Path):
    index = parse(site / "index.html")
    for lesson in LESSONS:
        assert (site / f"{lesson.stem}.html").is_file(), f"no page for {lesson.name}"
        assert f"{lesson.stem}.html" in index.links, f"the course map does not link {lesson.stem}"
    assert "teacher-guide.html" not in index.links, "the learner edition links the guide"
    assert "teacher-guide.html" in parse(site.parent / "site-teacher" / "index.html").links
    for lesson in LESSONS:
        assert teacher_kit.worksheet_name(lesson.stem) in index.links
    text = (site / "index.html").read_text(encoding="utf-8")
    for lesson in LESSONS:
        with (ROOT / "assets" / "lessons" / f"{lesson.stem}.toml").open("rb") as handle:
            data = tomllib.load(handle)
        assert f"<td>{data['minutes']}</td>" in text, f"course map lacks {lesson.stem}'s length"


def test_no_page_loads_anything_from_another_host(site: Path, pages: list[Path]):
    remote = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.I)
    for page in pages:
        parsed = parse(page)
        for target in parsed.loads:
            assert not remote.match(target), f"{page.name} loads {target}"
            assert (site / target.split("#")[0].split("?")[0]).is_file(), f"{page.name}: {target}"
        for _attrs, text in parsed.scripts:
            assert not re.search(r"https?:|//cdn", text), f"{page.name}: inline script"
        for style in parsed.styles:
            assert "url(" not in style and "@import" not in style, f"{page.name}: {style[:80]}"
    for extra in ("course.css", "course.js", static_site.EXPLORER_JS, static_site.ANSWERS_JS):
        text = (site / extra).read_text(encoding="utf-8")
        assert not re.search(r"https?:|url\(|@import", text), f"{extra} names a remote address"


def test_one_shared_copy_of_plotly_js(site: Path, pages: list[Path]):
    copies = [
        path
        for path in site.rglob("*")
        if path.is_file() and "* plotly.js v" in path.read_text("utf-8", errors="ignore")[:200]
    ]
    assert copies == [site / static_site.PLOTLY_JS]
    for page in pages:
        parsed = parse(page)
        loaded = [t for t in parsed.loads if t.endswith(".js")]
        if explorer_states(parsed):
            assert loaded.count(static_site.PLOTLY_JS) == 1, page.name
        states = explorer_states(parsed)
        limit = 1_000_000 + len(states) * (tables.MAX_GRID_BYTES + 200_000)
        assert page.stat().st_size < limit, f"{page.name} is large: plotly.js inside?"


def test_no_widget_state_and_no_code_in_the_pages(pages: list[Path]):
    names = {cls.__name__ for cls in all_explorers()}
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "application/vnd.jupyter.widget" not in text, f"{page.name} holds widget state"
        assert "Traceback" not in text, f"{page.name} shows an error"
        shown = [name for name in names if f"{name}(" in text]
        assert not shown, f"{page.name} shows code: {shown}"


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_every_explorer_is_on_its_page_with_its_main_control_live(site: Path, lesson: Path):
    states = {s["spec"]["id"]: s for s in explorer_states(parse(site / f"{lesson.stem}.html"))}
    declared = {cls.explorer_id for cls in explorers_for(lesson.stem)}
    assert set(states) == declared, f"{lesson.stem}: {sorted(declared ^ set(states))}"
    for explorer_id, state in states.items():
        assert state["spec"]["static"] is True
        assert state["spec"]["main"] not in state["spec"]["fixed"], explorer_id
        assert state["view"]["figure"]["data"], f"{explorer_id}: a figure without data"
        assert state["view"]["figure"]["layout"]["title"]["text"], f"{explorer_id}: untitled"
        assert len(json.dumps(state["tables"])) <= tables.MAX_GRID_BYTES, explorer_id
        shipped = {name for name, _values in state["spec"]["scenarios"]}
        assert shipped == set(state["tables"]["scenarios"])


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_the_pages_figures_are_the_explorers_own(site: Path, lesson: Path):
    """Every entry of a page's grid (a sample of 40 per explorer) is what the explorer draws."""
    registry = {cls.explorer_id: cls for cls in all_explorers()}
    for state in explorer_states(parse(site / f"{lesson.stem}.html")):
        explorer = registry[state["spec"]["id"]]()
        grid = state["tables"]
        assert grid["figure"] == explorer.render(explorer.values)["figure"]
        keys = sorted(grid["entries"])
        main = explorer.controls_by_name[explorer.main_name]
        assert len(keys) >= len(main.settings(explorer.values)) - 1
        for key in keys[:: max(1, len(keys) // 40)]:
            values = _values(explorer, key)
            drawn = explorer.render(values)
            entry = grid["entries"][key]
            assert tables.apply_patch(grid["figure"], entry["patch"]) == drawn["figure"], key
            assert entry["sentence"] == drawn["sentence"], key


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_questions_and_quiz_take_answers_with_their_feedback(site: Path, lesson: Path):
    """Every guiding question (with its model answer) and every quiz question (with the
    feedback of every answer) is on the page, for answers.js to draw, grade and keep."""
    with (ROOT / "assets" / "lessons" / f"{lesson.stem}.toml").open("rb") as handle:
        data = tomllib.load(handle)
    specs = [
        json.loads(text)
        for attrs, text in parse(site / f"{lesson.stem}.html").scripts
        if "site-answers" in attrs.get("class", "")
    ]
    quizzes = [s for s in specs if s["kind"] == "quiz"]
    assert len(quizzes) == 1 and quizzes[0]["items"] == data["quiz"]
    assert quizzes[0]["lesson"] == lesson.stem and quizzes[0]["version"]["package"]
    guiding = [item for s in specs if s["kind"] == "guiding" for item in s["items"]]
    assert sorted(g["id"] for g in guiding) == sorted(g["id"] for g in data["guiding"])
    assert all(g["model_answer"] and g["question"] for g in guiding)


@pytest.mark.parametrize("edition", ["site", "site-teacher"])
def test_every_local_link_lands(site: Path, edition: str):
    site = site.parent / edition
    pages = sorted(site.glob("*.html"))
    ids = {page.name: parse(page).ids for page in pages}
    for page in pages:
        for link in parse(page).links:
            if re.match(r"^[a-z][a-z0-9+.-]*:", link, re.I):
                continue
            target, _, fragment = link.partition("#")
            name = target or page.name
            assert (site / name).is_file(), f"{page.name} links to missing {link}"
            if fragment and name in ids:
                assert fragment in ids[name], f"{page.name}: no #{fragment} in {name}"


def _guide_only(lesson: Path) -> list[str]:
    """What of a lesson's data only the teacher guide shows (never a lesson page)."""
    with (ROOT / "assets" / "lessons" / f"{lesson.stem}.toml").open("rb") as handle:
        teacher = tomllib.load(handle)["teacher"]
    return [
        text
        for field in ("misconceptions", "discussion", "class_plan", "skip_when_short")
        for text in teacher[field]
    ]


def test_the_learner_edition_has_no_teacher_guide_and_no_answer_key(site: Path, pages):
    teacher = site.parent / "site-teacher"
    assert not (site / "teacher-guide.html").exists()
    assert (teacher / "teacher-guide.html").is_file()
    learner_text = {p.name: unescape(p.read_text(encoding="utf-8")) for p in pages}
    guide = unescape((teacher / "teacher-guide.html").read_text(encoding="utf-8"))
    for page, text in learner_text.items():
        assert "teacher-guide" not in text, f"{page} (learner edition) names the teacher guide"
        assert "Worksheet answer key" not in text and "ws-teacher" not in text, page
    for lesson in LESSONS:
        for note in _guide_only(lesson):
            assert note in guide, f"the teacher edition's guide lacks: {note}"
            shown = [name for name, text in learner_text.items() if note in text]
            assert not shown, f"the learner edition shows a teacher note in {shown}: {note}"
        assert "Worksheet answer key (quiz):" in guide
        worksheet = teacher_kit.worksheet_name(lesson.stem)
        assert (site / worksheet).is_file() and (teacher / worksheet).is_file()
        assert "ws-teacher" in (teacher / worksheet).read_text(encoding="utf-8")


def test_both_editions_come_from_one_build_with_the_same_lessons(site: Path, pages):
    teacher = site.parent / "site-teacher"
    assert sorted(p.name for p in teacher.glob("*.html")) == sorted(
        [p.name for p in pages] + ["teacher-guide.html"]
    )
    for page in pages:
        mine = (teacher / page.name).read_text(encoding="utf-8")
        assert teacher_kit.strip_teacher_only(mine) == page.read_text(encoding="utf-8"), page.name
    every = sorted(p.relative_to(teacher).as_posix() for p in teacher.rglob("*") if p.is_file())
    assert every == sorted(
        [p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()]
        + ["teacher-guide.html"]
    )
