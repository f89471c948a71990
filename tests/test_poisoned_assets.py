"""Teacher-edited content cannot inject markup: a poisoned copy of assets/ on every surface.

One copy of ``assets/`` gets markup and script (``PAYLOAD``) appended to every text
field of every file; every field that is a name (an id, a reference to one, a
DOI, a PMID) or a fixed number or flag is poisoned one at a time instead and must
be refused when the file is read. The poisoned copy is then rendered once on each
surface, with ``COURSE_ASSETS_DIR`` pointing at it:

* the HTML the kernel produces: every guiding question, reference list, key-term
  and glossary block, every quiz with the feedback of every answer, every explorer's
  HTML, of every lesson;
* JupyterLab (lesson 00, every cell run) and Voila (every lesson) in Chromium;
* the static site, built by ``tools/static_site.build`` on the poisoned copy (and its
  teacher guide rendered from it), read as HTML and opened in Chromium.

Everywhere the payload must show as text and never run: no element of its, no
handler, no script, no ``javascript:`` link, ``window.__poisoned`` never set.
"""

from __future__ import annotations

import concurrent.futures
import copy
import html
import json
import re
import shutil
import sys
import tomllib
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from widgets import course
from widgets.ui import assets
from widgets.ui.assets import check_assets, lesson_ids
from widgets.ui.quiz import feedback

PAYLOAD = (
    " <img src=x onerror=\"window.__poisoned='img'\"><svg onload=window.__poisoned='svg'>"
    "<script>window.__poisoned='script'</script><b class='poison'>P</b>"
    "' onmouseover='window.__poisoned=1' x=' \" onfocus=\"window.__poisoned=2\" autofocus x=\" "
    "&lt;i&gt; [link](javascript:window.__poisoned='link') <!-- -->"
)
#: What shows, as text, where a poisoned field is shown.
MARK = "<b class='poison'>P</b>"
#: The issue's glossary id.
ISSUE_ID = "zz'><img src=x onerror=alert(1)><i x='"

#: Fields that are names (ids and references to them) or fixed formats: refused, not shown.
NAME_FIELDS = {"id", "section", "stage", "kind", "parent", "doi", "pmid"}
NAME_LISTS = {"references", "glossary", "lessons", "sources"}
#: Tables whose keys are names (glossary ids, citation keys, family-tree cells).
KEYED_FILES = {"glossary.toml", "bibliography.toml", "lineage.toml"}


def asset_files() -> list[Path]:
    return sorted((ROOT / "assets").rglob("*.toml"))


def _relative(path: Path) -> str:
    return path.relative_to(ROOT / "assets").as_posix()


def poison(value: Any, field: str | None = None) -> Any:
    """``value`` with ``PAYLOAD`` appended to every text field (names left alone)."""
    if isinstance(value, dict) and field == "values":  # a scenario's control values: names
        return value
    if isinstance(value, dict):
        return {key: poison(item, key) for key, item in value.items()}
    if isinstance(value, list):
        return [poison(item, field) for item in value]
    if isinstance(value, str) and field not in NAME_FIELDS and field not in NAME_LISTS:
        return value + PAYLOAD
    return value


def leaves(value: Any, path: tuple = ()) -> Iterator[tuple[tuple, Any]]:
    """Every (path, scalar) of a parsed file."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from leaves(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from leaves(item, (*path, i))
    else:
        yield path, value


def _field(path: tuple) -> str | None:
    """The field a leaf belongs to (the last key that is a string)."""
    return next((p for p in reversed(path) if isinstance(p, str)), None)


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return (
            "{ " + ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items()) + " }"
        )
    raise TypeError(type(value))


def dump_toml(data: dict[str, Any]) -> str:
    """A TOML file (nested tables written inline) that ``tomllib`` reads back as ``data``."""
    return "".join(f"{_toml_key(k)} = {_toml_value(v)}\n" for k, v in data.items())


def write_poisoned_copy(target: Path) -> int:
    """Copy assets/ to ``target`` with every text field poisoned; return how many."""
    shutil.copytree(ROOT / "assets", target)
    poisoned = 0
    for source in asset_files():
        data = tomllib.loads(source.read_text(encoding="utf-8"))
        dirty = poison(data)
        text = dump_toml(dirty)
        assert tomllib.loads(text) == dirty
        (target / _relative(source)).write_text(text, encoding="utf-8")
        poisoned += sum(
            1 for (_, a), (_, b) in zip(leaves(data), leaves(dirty), strict=True) if a != b
        )
    return poisoned


# -- what is inert -------------------------------------------------------------------------


class _Inert(HTMLParser):
    """Everything in a page that the payload could have made: elements, handlers, links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.faults: list[str] = []
        self.text: list[str] = []
        self._script: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            value = value or ""
            if name == "class" and "poison" in value.split():
                self.faults.append(f"<{tag} class='poison'> made from the payload")
            elif name.startswith("on") and "__poisoned" in value:
                self.faults.append(f"<{tag} {name}={value!r}>")
            elif name in {"href", "src"} and (
                re.sub(r"[\s\x00-\x1f]", "", value).lower().startswith("javascript:")
                or (name == "src" and value == "x")
            ):
                self.faults.append(f"<{tag} {name}={value!r}>")
        if tag == "script":
            self._script = dict(attrs).get("type") or "text/javascript"

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._script and "json" not in self._script and "__poisoned" in data:
            self.faults.append(f"a script made from the payload: {data[:80]!r}")
        if not self._script:
            self.text.append(data)


def inert(html: str) -> tuple[list[str], str]:
    """(what the payload made, the text shown) of an HTML fragment or page."""
    parser = _Inert()
    parser.feed(html)
    parser.close()
    return parser.faults, "".join(parser.text)


def test_the_checker_sees_markup_that_escaped():
    faults, _ = inert(f"<p>{PAYLOAD}</p>")
    assert len(faults) >= 3, faults
    escaped = html.escape(PAYLOAD)
    faults, text = inert(f"<p title='{escaped}'>{escaped}</p>")
    assert not faults and MARK in text


# -- refused when read ------------------------------------------------------------------------


def _name_cases() -> list[tuple[str, tuple, Any]]:
    """One case per (file kind, name field): the file, the leaf's path, the poisoned value."""
    cases, seen = [], set()
    for source in asset_files():
        rel = _relative(source)
        kind = "lessons" if rel.startswith("lessons/") else rel
        data = tomllib.loads(source.read_text(encoding="utf-8"))
        for path, value in leaves(data):
            field = _field(path)
            if field in NAME_FIELDS or field in NAME_LISTS:
                bad = value + PAYLOAD if isinstance(value, str) else PAYLOAD
            elif not isinstance(value, str):  # a year, the minutes, an answer, a flag
                bad = PAYLOAD
            else:
                continue
            shape = tuple("*" if isinstance(p, int) else p for p in path)
            if (kind, shape) not in seen:
                seen.add((kind, shape))
                cases.append((rel, path, bad))
        if kind in KEYED_FILES:
            cases.append((rel, (ISSUE_ID,), None))
    return cases


def _set(data: Any, path: tuple, value: Any) -> None:
    for step in path[:-1]:
        data = data[step]
    data[path[-1]] = value


@pytest.mark.parametrize(("rel", "path", "bad"), _name_cases(), ids=lambda v: str(v)[:40])
def test_a_poisoned_name_or_fixed_field_is_refused_when_read(rel, path, bad):
    data = tomllib.loads((ROOT / "assets" / rel).read_text(encoding="utf-8"))
    check_assets(rel, copy.deepcopy(data))  # the real file passes
    if bad is None:  # a poisoned table name: the issue's glossary id, in every keyed file
        data[path[0]] = next(iter(data.values()))
    else:
        _set(data, path, bad)
    with pytest.raises(ValueError, match=rf"assets/{re.escape(rel)}: .* must be "):
        check_assets(rel, data)


def test_every_field_is_poisoned_or_refused(tmp_path):
    poisoned = write_poisoned_copy(tmp_path / "assets")
    names = fixed = 0
    for source in asset_files():
        for path, value in leaves(tomllib.loads(source.read_text(encoding="utf-8"))):
            field = _field(path)
            if field in NAME_FIELDS or field in NAME_LISTS or "values" in path[:-1]:
                names += 1  # (a scenario's values: control names and menu values)
            elif not isinstance(value, str):
                fixed += 1
    total = sum(
        1 for s in asset_files() for _ in leaves(tomllib.loads(s.read_text(encoding="utf-8")))
    )
    assert poisoned + names + fixed == total
    assert poisoned > 1000  # the course's text: every definition, question, feedback, note


# -- the poisoned copy, read by the course ----------------------------------------------------


@pytest.fixture(scope="module")
def poisoned_assets(tmp_path_factory) -> Iterator[Path]:
    target = tmp_path_factory.mktemp("poisoned") / "assets"
    write_poisoned_copy(target)
    yield target


@pytest.fixture
def use_poisoned(poisoned_assets, monkeypatch) -> Iterator[Path]:
    monkeypatch.setenv("COURSE_ASSETS_DIR", str(poisoned_assets))  # (read once per folder)
    yield poisoned_assets
    monkeypatch.undo()


def _widgets_in(widget) -> Iterator[Any]:
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _widgets_in(child)


def _html_of(widget) -> list[str]:
    import ipywidgets as w

    return [x.value for x in _widgets_in(widget) if isinstance(x, w.HTML | w.HTMLMath)]


def kernel_html(lesson_id: str) -> dict[str, str]:
    """Every piece of HTML the kernel produces from a lesson's assets, by where it comes from."""
    from widgets.ui.explorer import explorers_for

    lesson = course.Lesson(lesson_id)
    out: dict[str, str] = {}
    # The guiding questions and the quiz reach the page as data (the widget's spec), which
    # answers.js shows as text (checked in the browser below); so does the quiz's feedback.
    quiz = lesson.quiz()
    sections = sorted({g["section"] for g in lesson.guiding_questions()})
    for section, widget in [*((s, lesson.questions(s)) for s in sections), ("quiz", quiz)]:
        spec = json.dumps(widget.spec, ensure_ascii=False)
        assert PAYLOAD.strip() in spec.replace('\\"', '"'), f"{section}: the text is not kept"
    out["references"] = lesson.references()._repr_html_()
    out["key terms"] = lesson.key_terms()._repr_html_()
    if lesson_id == "00-introduction":
        out["glossary"] = lesson.glossary()._repr_html_()
    for number, q in enumerate(quiz.spec["items"], 1):
        if q["kind"] == "choice":
            answers = range(len(q["choices"]))
        else:
            spread = 2 * q["tolerance"] + 1
            answers = [q["answer"] - spread, q["answer"], q["answer"] + spread]
        for answer in answers:
            out[f"quiz {number} answer {answer}"] = html.escape(feedback(q, answer))
    out["quiz"] = "".join(v for k, v in out.items() if k.startswith("quiz "))
    for cls in explorers_for(lesson_id):
        out[f"explorer {cls.explorer_id}"] = "".join(_html_of(cls().widget))
    return out


@pytest.mark.parametrize("lesson_id", lesson_ids())
def test_the_kernels_html_shows_the_poisoned_text_and_runs_nothing(use_poisoned, lesson_id):
    assert assets.glossary()  # the poisoned copy is read (and passes the checks)
    pieces = kernel_html(lesson_id)
    shown = 0
    for where, fragment in pieces.items():
        faults, text = inert(fragment)
        assert not faults, f"{lesson_id}, {where}: {faults}"
        shown += MARK in text
    for where in ("references", "key terms", "quiz"):
        assert MARK in inert(pieces[where])[1], (
            f"{lesson_id}, {where}: the poisoned text is not shown"
        )
    assert shown >= len([p for p in pieces if p.startswith("quiz ")])


# -- in the browser -----------------------------------------------------------------------------

sys.path.insert(0, str(ROOT / "tests" / "browser"))

from browser_harness import (  # noqa: E402
    KERNEL_IDLE,
    BrowserUnavailable,
    LabServer,
    ensure_chromium,
    ensure_playwright,
    launch_browser,
    run_all_cells,
)

#: What the page made of the payload (evaluated in the page after it rendered).
PAGE_FAULTS_JS = """() => {
  const faults = [];
  if (window.__poisoned !== undefined) faults.push('window.__poisoned = ' + window.__poisoned);
  for (const e of document.querySelectorAll('.poison')) faults.push('a .poison ' + e.tagName);
  for (const e of document.querySelectorAll('img[src="x"], svg[onload]')) faults.push(e.outerHTML);
  for (const e of document.querySelectorAll('[onmouseover], [onfocus], [onerror]'))
    if ((e.getAttribute('onmouseover') || e.getAttribute('onfocus') || e.getAttribute('onerror')
         || '').includes('__poisoned')) faults.push(e.outerHTML.slice(0, 120));
  for (const a of document.querySelectorAll('a[href^="javascript:"]')) faults.push(a.outerHTML);
  return {faults, shown: document.body.innerText.split("<b class='poison'>P</b>").length - 1};
}"""


@pytest.fixture(scope="module")
def chromium() -> str:
    try:
        path = ensure_chromium(log=lambda *_: None)
        ensure_playwright(log=lambda *_: None)
    except BrowserUnavailable as error:
        pytest.skip(f"needs Debian's chromium: {error}")
    return path


@pytest.fixture(scope="module")
def browser(chromium):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = launch_browser(playwright, chromium)
        try:
            yield instance
        finally:
            instance.close()


@pytest.mark.slow
@pytest.mark.browser
def test_jupyterlab_and_voila_show_the_poisoned_assets_as_text(
    browser, poisoned_assets, tmp_path, monkeypatch
):
    monkeypatch.setenv("COURSE_ASSETS_DIR", str(poisoned_assets))  # the kernels inherit it
    server = LabServer(tmp_path)
    # Every cell in the page (no windowing), so every output is drawn and could run.
    settings = tmp_path / "home" / "lab-settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    (settings / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    with server:
        page = browser.new_page()
        page.add_init_script("window.alert = () => { window.__poisoned = 'alert'; };")
        page.goto(server.lab_url("00-introduction.ipynb", "poisoned"))
        page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=120_000)
        page.wait_for_selector(KERNEL_IDLE, timeout=120_000)
        run_all_cells(page)
        page.wait_for_timeout(1_000)
        found = page.evaluate(PAGE_FAULTS_JS)
        assert not found["faults"], f"JupyterLab: {found['faults']}"
        assert found["shown"] >= 20, f"JupyterLab shows the poisoned text {found['shown']} times"
        page.close()
        for notebook in sorted(p.name for p in (ROOT / "lessons").glob("*.ipynb")):
            page = browser.new_page()
            page.add_init_script("window.alert = () => { window.__poisoned = 'alert'; };")
            page.goto(server.voila_url(notebook), timeout=180_000)
            page.wait_for_selector(".course-quiz", timeout=180_000)
            page.wait_for_load_state("networkidle", timeout=60_000)
            found = page.evaluate(PAGE_FAULTS_JS)
            assert not found["faults"], f"Voila, {notebook}: {found['faults']}"
            assert found["shown"] >= 5, f"Voila, {notebook}: poisoned text shown {found['shown']}x"
            page.close()


# -- the static site --------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.browser
def test_the_static_site_built_from_poisoned_assets_shows_text_and_runs_nothing(
    browser, poisoned_assets, tmp_path, monkeypatch
):
    sys.path.insert(0, str(ROOT / "tools"))
    import static_site
    import teacher_guide

    monkeypatch.setenv("COURSE_ASSETS_DIR", str(poisoned_assets))  # the kernels inherit it
    guide = tmp_path / "teacher-guide.md"
    guide.write_text(
        teacher_guide.render(teacher_guide.load_lessons(poisoned_assets / "lessons")),
        encoding="utf-8",
    )
    monkeypatch.setattr(static_site, "GUIDE", guide)
    out, teacher = tmp_path / "site", tmp_path / "site-teacher"
    # In a thread of its own: the build runs an event loop, and Playwright's runs in this one.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(static_site.build, out, jobs=2, teacher_out=teacher).result()
    pages = sorted(out.glob("*.html")) + sorted(teacher.glob("*.html"))
    assert (teacher / "teacher-guide.html") in pages
    assert len(pages) >= 2 * (2 * len(lesson_ids()) + 1) + 1
    for page_path in pages:
        faults, text = inert(page_path.read_text(encoding="utf-8"))
        assert not faults, f"{page_path.name}: {faults}"
        stem = page_path.stem.removeprefix("worksheet-")
        if stem in lesson_ids() or stem == "teacher-guide":
            assert MARK in text, f"{page_path.name}: the poisoned text is not shown"
    for page_path in pages:
        page = browser.new_page()
        page.add_init_script("window.alert = () => { window.__poisoned = 'alert'; };")
        page.goto(page_path.as_uri())
        page.wait_for_load_state("load")
        found = page.evaluate(PAGE_FAULTS_JS)
        assert not found["faults"], f"{page_path.name} in Chromium: {found['faults']}"
        page.close()
