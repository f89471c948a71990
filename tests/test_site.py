"""`make site`: the static HTML course reads without a kernel and without the internet.

The site is built once (``tools/static_site.py``, as ``make site`` runs it) into a
temporary folder, then every page is checked: every lesson has its page and the
course map links it; every explorer of the lesson is a plotly chart, and those
whose main control has few settings carry frames that the explorer itself
computes (checked against the explorer run here); every quiz question shows its
answers and feedback; one shared plotly.js; no widget state; and nothing is
loaded from another host: statically (every ``src``/``href`` that loads) and in
Debian's Chromium, which records every request the pages make.
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

from widgets.ui.explorer import all_explorers, explorers_for

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import static_site  # noqa: E402

LESSONS = sorted((ROOT / "lessons").glob("*.ipynb"))
CHROMIUM = Path("/usr/bin/chromium")

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


def figures(parsed: Parsed) -> list[dict[str, Any]]:
    return [
        {**json.loads(text), "_target": attrs["data-target"], "_readout": attrs.get("data-readout")}
        for attrs, text in parsed.scripts
        if "site-figure" in attrs.get("class", "")
    ]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    subprocess.run(
        [sys.executable, str(ROOT / "tools" / "static_site.py"), "--out", str(out)],
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
    assert re.search(r"^site: .*\n\t.*tools/static_site\.py --out build/site", makefile, re.M)


def test_every_lesson_has_a_page_and_the_course_map_links_it(site: Path):
    index = parse(site / "index.html")
    for lesson in LESSONS:
        assert (site / f"{lesson.stem}.html").is_file(), f"no page for {lesson.name}"
        assert f"{lesson.stem}.html" in index.links, f"the course map does not link {lesson.stem}"
    assert "teacher-guide.html" in index.links
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
        for attrs, text in parsed.scripts:
            if "site-figure" in attrs.get("class", ""):
                assert "http" not in text, f"{page.name}: a figure names a remote address"
            else:
                assert not re.search(r"https?:|//cdn", text), f"{page.name}: inline script"
        for style in parsed.styles:
            assert "url(" not in style and "@import" not in style, f"{page.name}: {style[:80]}"
    for extra in ("course.css", "course.js"):
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
        if figures(parsed):
            assert loaded.count(static_site.PLOTLY_JS) == 1, page.name
        assert page.stat().st_size < 1_500_000, f"{page.name} is large: plotly.js inside?"


def test_no_widget_state_and_no_code_in_the_pages(pages: list[Path]):
    names = {cls.__name__ for cls in all_explorers()}
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "application/vnd.jupyter.widget" not in text, f"{page.name} holds widget state"
        assert "Traceback" not in text, f"{page.name} shows an error"
        shown = [name for name in names if f"{name}(" in text]
        assert not shown, f"{page.name} shows code: {shown}"


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_every_explorer_is_a_static_plotly_chart(site: Path, lesson: Path):
    page = site / f"{lesson.stem}.html"
    parsed = parse(page)
    specs = [f for f in figures(parsed) if "explorer" in f]
    shown = {f["explorer"]["id"] for f in specs}
    declared = {cls.explorer_id for cls in explorers_for(lesson.stem)}
    assert declared <= shown, f"{page.name} lacks {sorted(declared - shown)}"
    for spec in figures(parsed):
        assert spec["data"], f"{page.name}: a figure without data"
        title = spec["layout"].get("title", {})
        assert isinstance(title, dict) and title.get("text"), f"{page.name}: untitled figure"
        assert spec["_target"] in parsed.ids
        assert spec["_readout"] is None or spec["_readout"] in parsed.ids


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_explorers_with_few_settings_stay_interactive(site: Path, lesson: Path):
    """Frames for every setting of the main control, computed by the explorer itself."""
    registry = {cls.explorer_id: cls for cls in all_explorers()}
    parsed = parse(site / f"{lesson.stem}.html")
    for spec in (f for f in figures(parsed) if "explorer" in f):
        cls = registry[spec["explorer"]["id"]]
        explorer = cls(**spec["explorer"]["start"])
        steps = static_site.control_steps(explorer.main)
        if steps is None:
            assert not spec.get("frames"), f"{cls.explorer_id}: frames beyond the limit"
            continue
        frames, slider = spec["frames"], spec["layout"]["sliders"][0]
        assert len(frames) == len(steps) == len(slider["steps"]) == len(spec["readouts"])
        assert [s["args"][0][0] for s in slider["steps"]] == [f["name"] for f in frames]
        assert spec["values"] == [value for _, value in steps]
        distinct = {json.dumps(f["data"], sort_keys=True) for f in frames}
        assert len(distinct) > 1, f"{cls.explorer_id}: every frame is the same"
        for frame, value in zip(frames, spec["values"], strict=True):
            assert len(frame["data"]) == len(spec["data"])
            explorer.set(**{explorer.main_control: value})
            expected = static_site._traces(explorer.figure)
            for got, want in zip(frame["data"], expected, strict=True):
                for key in ("x", "y", "text"):
                    assert got.get(key) == want.get(key), f"{cls.explorer_id} at {value}: {key}"
            assert spec["readouts"][frame["name"]] == explorer.readout_text


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_quizzes_are_readable_with_answers_and_feedback(site: Path, lesson: Path):
    with (ROOT / "assets" / "lessons" / f"{lesson.stem}.toml").open("rb") as handle:
        quiz = tomllib.load(handle).get("quiz", [])
    text = unescape((site / f"{lesson.stem}.html").read_text(encoding="utf-8"))
    parsed = parse(site / f"{lesson.stem}.html")
    expected_details = 0
    for q in quiz:
        assert q["question"] in text
        if q["kind"] == "choice":
            for c in q["choices"]:
                assert f"<summary>{c['text']}</summary>" in text
                assert c["feedback"] in text
            expected_details += len(q["choices"])
        else:
            assert f"<b>{q['answer']:g} {q['unit']}</b>" in text
            for field in ("feedback_low", "feedback_right", "feedback_high"):
                assert q[field] in text
            expected_details += 1
    assert parsed.details >= expected_details


def test_every_local_link_lands(site: Path, pages: list[Path]):
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


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium")
def test_pages_in_a_browser_load_only_local_files_and_move_their_sliders(
    site: Path, pages: list[Path], tmp_path: Path
):
    playwright = pytest.importorskip("playwright.sync_api")
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ]
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=str(CHROMIUM), args=flags
        )
        try:
            page = browser.new_page()
            remote: list[str] = []
            errors: list[str] = []

            def route(r):
                if r.request.url.startswith(("file:", "data:", "blob:", "about:")):
                    return r.continue_()
                remote.append(r.request.url)
                return r.abort()

            page.route("**/*", route)
            page.on("pageerror", lambda error: errors.append(str(error)))
            moved = 0
            for path in pages:
                parsed = parse(path)
                specs = figures(parsed)
                page.goto(path.as_uri())
                if specs:
                    page.wait_for_selector("body[data-figures-ready='yes']", timeout=30_000)
                assert page.locator(".js-plotly-plot").count() == len(specs), path.name
                for spec in (s for s in specs if s.get("frames")):
                    plot = page.locator(f"#{spec['_target']}")
                    readout = page.locator(f"#{spec['_readout']}")
                    active = spec["layout"]["sliders"][0]["active"]
                    key = "ArrowLeft" if active == len(spec["frames"]) - 1 else "ArrowRight"
                    step = active - 1 if key == "ArrowLeft" else active + 1
                    plot.focus()
                    page.keyboard.press(key)
                    name = spec["frames"][step]["name"]
                    page.wait_for_function(
                        "([id, name]) => document.getElementById(id).dataset.frame === name",
                        arg=[spec["_target"], name],
                        timeout=5_000,
                    )
                    assert readout.text_content() == spec["readouts"][name]
                    moved += 1
            assert remote == [], f"requests to other hosts: {remote}"
            assert errors == [], errors
            assert moved >= 1, "no interactive figure was found to move"
        finally:
            browser.close()
