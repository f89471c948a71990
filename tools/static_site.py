"""Build the static HTML course: every lesson executed, readable without a kernel or internet.

``make site`` runs ``python tools/static_site.py --out build/site``. What it writes:

* ``index.html``: the course map (every lesson, its length, its explorers), with links to
  each lesson page and to the teacher guide (page templates: ``tools/site/*.html``);
* one page per lesson (``lessons/<id>.ipynb`` -> ``<id>.html``): the notebook executed on
  the course's kernel, its text, its outputs, no code;
* every explorer drawn by its own front end (``widgets/ui/explorer.js``, as in the notebook)
  over a table computed at build time by the same engine the notebook uses
  (``widgets.ui.tables.grid``): every combination of the settings of as many controls as
  fit the page (the main control always), so those controls move the figure and the
  sentence under it with no kernel; the rest stay at their starting values, marked fixed;
* every guiding question with a box for the learner's answer, and the quiz, drawn and
  graded by the notebook's own front end (``widgets/ui/answers.js``): answers are kept in
  the browser (localStorage) and the quiz downloads the learner's record;
* ``teacher-guide.html`` from docs/teacher-guide.md, and a printable worksheet per lesson;
  with ``--teacher-out``, the teacher edition there and the learner edition in ``--out``
  (no teacher guide, no answer key, no link to them: tools/teacher_kit.py);
* one shared copy of plotly.js (``plotly.min.js``), ``course.css`` and ``course.js``; no
  page loads anything from another host and no widget state is stored.

How the explorers get out of the kernel: the builder runs one extra cell first that imports
this module *in the kernel* and calls ``install_formatters()``, which tells IPython to
display an explorer or an answers widget as a JSON description (``MIME``). Any other
widget or plain figure output stops the build with its name: it would need a kernel.
This module's top level therefore imports only the standard library and the course's
stdlib-only tools; the build part needs nbclient/nbconvert (the server environment's).
"""

from __future__ import annotations

import argparse
import asyncio
import html
import json
import re
import shutil
import sys
import time
from pathlib import Path
from string import Template
from typing import Any

import links
import teacher_guide
import teacher_kit

ROOT = Path(__file__).resolve().parent.parent
LESSONS = ROOT / "lessons"
GUIDE = ROOT / "docs" / "teacher-guide.md"
KERNEL_NAME = "stemcell-course"
#: The output type the kernel uses to hand a static description of a widget to the builder.
MIME = "application/vnd.stemcell-course.static+json"
PLOTLY_JS = "plotly.min.js"
#: The explorers' own front end (widgets/ui/explorer.js) as a classic script: a page opened
#: from a file (a USB stick) may not load ES modules.
EXPLORER_JS = "explorer.js"
ANSWERS_JS = "answers.js"
FRONT_END = ROOT / "widgets" / "ui"
#: The static site's own style sheet, script (drawing explorers and answers) and pages.
SITE = ROOT / "tools" / "site"
#: A link or source with a scheme (``https:``, ``mailto:``, ``data:``): left as it is.
SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)


# == In the kernel ==========================================================================
def install_formatters() -> None:
    """Display explorers, guiding questions and the quiz as static descriptions (``MIME``)."""
    from IPython import get_ipython

    from widgets.ui.answers import AnswersWidget
    from widgets.ui.explorer import Explorer
    from widgets.ui.tables import grid

    def static(obj: Any, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        if isinstance(obj, Explorer):
            # the whole grid of settings it can ship (the engine of its tables in the
            # notebook), drawn by its own front end (explorer.js) with no kernel
            state = obj.static_state(grid(obj))
            description = {"kind": "explorer", "explorer_id": obj.explorer_id, "state": state}
            description["title"], text = obj.title, repr(obj)
        else:  # the answers widget: drawn and graded by answers.js
            description = {"kind": "answers", "spec": dict(obj.spec)}
            text = "Quiz" if obj.spec.get("kind") == "quiz" else "Questions"
        return {MIME: description, "text/plain": text}

    formatter = get_ipython().display_formatter.mimebundle_formatter
    for kind in (Explorer, AnswersWidget):
        formatter.for_type(kind, static)


# == Building the site ======================================================================
def _lesson_title(nb: Any, path: Path) -> str:
    title = nb.metadata.get("title")
    if title:
        return str(title)
    for cell in nb.cells:
        if cell.cell_type == "markdown" and (match := re.search(r"^#\s+(.+)$", cell.source, re.M)):
            return match.group(1).strip()
    return path.stem


def _lesson_data(lesson_id: str) -> dict[str, Any]:
    """A lesson's data as the course reads it (checked; ``COURSE_ASSETS_DIR`` honoured)."""
    from widgets.ui.assets import lesson_data, lesson_ids

    return lesson_data(lesson_id) if lesson_id in lesson_ids() else {}


def _json(value: Any, **options: Any) -> str:
    """``value`` as JSON inside a ``<script>`` element (no ``</`` to end it early)."""
    return json.dumps(value, ensure_ascii=False, **options).replace("</", "<\\/")


class Page:
    """Turns one executed notebook into the body of a static page."""

    def __init__(self, stem: str, lesson_stems: set[str]) -> None:
        self.stem = stem
        self.lesson_stems = lesson_stems
        self.figures = 0
        #: (title, live controls, controls) of each explorer, for the course map.
        self.explorers: list[tuple[str, int, int]] = []
        self.media: dict[Path, str] = {}

    # -- links and media ------------------------------------------------------------------
    def _href(self, target: str) -> str:
        if SCHEME.match(target) or target.startswith("#"):
            return target
        path, _, fragment = target.partition("#")
        suffix = f"#{fragment}" if fragment else ""
        name = Path(path).name
        if name.endswith(".ipynb") and Path(name).stem in self.lesson_stems:
            return f"{Path(name).stem}.html{suffix}"
        if name == "teacher-guide.md":
            return f"teacher-guide.html{suffix}"
        # Anything else in the repository: its page on the public repository.
        where = (LESSONS / path).resolve()
        try:
            relative = where.relative_to(ROOT)
        except ValueError:
            return target
        address = links.address()
        return f"{address.git_url}/blob/{address.branch}/{relative.as_posix()}{suffix}"

    def _src(self, target: str) -> str:
        if SCHEME.match(target):
            return target
        source = (LESSONS / target.split("#")[0]).resolve()
        if not source.is_file():
            return target
        return self.media.setdefault(source, f"media/{self.stem}-{source.name}")

    def rewrite(self, body: str) -> str:
        def swap(match: re.Match[str]) -> str:
            attribute, quote, target = match.groups()
            new = (self._href if attribute == "href" else self._src)(html.unescape(target))
            return f"{attribute}={quote}{new}{quote}"

        return re.sub(r"""(href|src)=(["'])(.*?)\2""", swap, body)

    # -- cells ------------------------------------------------------------------------------
    def markdown(self, source: str) -> str:
        from nbconvert.filters.markdown_mistune import markdown2html_mistune

        return f"<div class='site-markdown'>{self.rewrite(markdown2html_mistune(source))}</div>"

    def output(self, output: dict[str, Any]) -> str:
        kind = output.get("output_type")
        if kind == "stream":
            if output.get("name") == "stderr":
                return ""
            return f"<pre class='site-text'>{html.escape(output.get('text', ''))}</pre>"
        if kind == "error":
            raise RuntimeError(f"{self.stem}: a cell failed: {output.get('ename')}")
        data = output.get("data", {})
        if MIME in data:
            return self.static(data[MIME])
        live = [m for m in data if m.startswith("application/vnd.")]
        if live:  # a plain figure or widget would need a kernel or another host: an explorer
            raise RuntimeError(f"{self.stem}: an output the static site cannot show: {live}")
        if "text/html" in data:
            text = "".join(data["text/html"])  # a string, or a list of lines
            return f"<div class='site-html'>{self.rewrite(text)}</div>"
        if "image/svg+xml" in data:
            return f"<div class='site-image'>{data['image/svg+xml']}</div>"
        for image in ("image/png", "image/jpeg"):
            if image in data:
                return f"<img class='site-image' alt='' src='data:{image};base64,{data[image]}'>"
        if "text/markdown" in data:
            return self.markdown(data["text/markdown"])
        if "text/plain" in data:
            return f"<pre class='site-text'>{html.escape(data['text/plain'])}</pre>"
        return ""

    def static(self, description: dict[str, Any]) -> str:
        if description["kind"] == "explorer":
            return self.explorer(description)
        payload = _json(description["spec"])
        return f"<script type='application/json' class='site-answers'>{payload}</script>"

    def explorer(self, d: dict[str, Any]) -> str:
        state = d["state"]
        controls = state["spec"]["controls"]
        live = [c for c in controls if c["name"] not in state["spec"]["fixed"]]
        self.explorers.append((d["title"], len(live), len(controls)))
        self.figures += 1
        return (
            f"<section class='site-explorer' data-explorer='{html.escape(d['explorer_id'])}' "
            f"aria-label='{html.escape(d['title'])}'>"
            "<script type='application/json' class='site-explorer-state'>"
            f"{_json(state, separators=(',', ':'))}</script></section>"
        )

    def cells(self, nb: Any) -> str:
        parts = []
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                parts.append(self.markdown(cell.source))
            elif cell.cell_type == "code":
                parts.extend(self.output(output) for output in cell.get("outputs", []))
        return "\n".join(part for part in parts if part)


def _page(title: str, body: str, nav: str, *, plots: bool = False) -> str:
    """A whole page (``tools/site/page.html``); with ``plots``, the scripts that draw them."""
    scripts = [f"<script src='{s}'></script>\n" for s in (PLOTLY_JS, EXPLORER_JS, ANSWERS_JS)]
    scripts.append("<script src='course.js' defer></script>\n")
    page = Template((SITE / "page.html").read_text(encoding="utf-8"))
    text = "".join(scripts) if plots else ""
    return page.substitute(title=html.escape(title), scripts=text, nav=nav, body=body)


def _nav(stems: list[str], titles: dict[str, str], current: str | None) -> str:
    items = ["<a href='index.html'>Course map</a>"]

    def short(stem: str) -> str:
        return html.escape(titles[stem].split(" · ")[0])

    if current is not None:
        index = stems.index(current)
        before, after = stems[:index][-1:], stems[index + 1 :][:1]
        items += [f"<a href='{s}.html' rel='prev'>← {short(s)}</a>" for s in before]
        items += [f"<a href='{s}.html' rel='next'>{short(s)} →</a>" for s in after]
        items.append(f"<a href='{teacher_kit.worksheet_name(current)}'>Worksheet</a>")
    guide = teacher_kit.teacher_only(" · <a href='teacher-guide.html'>Teacher guide</a>")
    return " · ".join(items) + guide


async def _execute(path: Path, semaphore: asyncio.Semaphore, timeout: int) -> Any:
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    setup = nbformat.v4.new_code_cell(
        f"import sys\nsys.path.insert(0, {str(ROOT / 'tools')!r})\n"
        "import static_site\nstatic_site.install_formatters()"
    )
    nb.cells.insert(0, setup)
    async with semaphore:
        start = time.perf_counter()
        client = NotebookClient(
            nb,
            timeout=timeout,
            kernel_name=KERNEL_NAME,
            resources={"metadata": {"path": str(path.parent)}},
            store_widget_state=False,
        )
        await client.async_execute()
        print(f"executed {path.name} in {time.perf_counter() - start:.1f} s", flush=True)
    nb.cells.pop(0)
    return nb


async def _execute_all(paths: list[Path], jobs: int, timeout: int) -> list[Any]:
    semaphore = asyncio.Semaphore(jobs)
    return await asyncio.gather(*(_execute(p, semaphore, timeout) for p in paths))


def explorer_script(name: str = "explorer.js", exports: int = 2) -> str:
    """A front-end module (``explorer.js``, ``answers.js``) as a classic script that defines
    ``CourseExplorer`` or ``CourseAnswers`` (its default export) and its named functions."""
    source = (FRONT_END / name).read_text(encoding="utf-8")
    found = re.findall(r"^export .*$", source, flags=re.M)
    if len(found) != exports or found[-1] != "export default {":
        raise ValueError(f"{name} exports what the static site does not expect: {found}")
    source = re.sub(r"^export function", "function", source, flags=re.M)
    which = "CourseExplorer" if name == "explorer.js" else "CourseAnswers"
    source = source.replace("export default {", f"globalThis.{which} = {{")
    return f"(function () {{\n{source}\n}})();\n"


def _write_assets(out: Path) -> None:
    from plotly.offline import get_plotlyjs

    (out / PLOTLY_JS).write_text(get_plotlyjs(), encoding="utf-8")
    (out / EXPLORER_JS).write_text(explorer_script(), encoding="utf-8")
    (out / ANSWERS_JS).write_text(explorer_script(ANSWERS_JS, 4), encoding="utf-8")
    styles = [SITE / "course.css", FRONT_END / "explorer.css", FRONT_END / "answers.css"]
    (out / "course.css").write_text("".join(p.read_text(encoding="utf-8") for p in styles))
    shutil.copyfile(SITE / "course.js", out / "course.js")


def _guide_page(nav: str, lesson_stems: set[str]) -> str:
    body = Page("teacher-guide", lesson_stems).markdown(GUIDE.read_text(encoding="utf-8"))
    body = re.sub(r"<a class=.anchor-link.[^>]*>.*?</a>", "", body)

    def heading(match: re.Match[str]) -> str:
        text = html.unescape(re.sub(r"<[^>]+>", "", match.group(3)))
        level = match.group(1)
        return f"<h{level} id='{teacher_guide.slug(text)}'>{match.group(3)}</h{level}>"

    body = re.sub(r"<h([1-6]) id=(\"[^\"]*\"|'[^']*')>(.*?)</h\1>", heading, body, flags=re.S)
    return _page("Teacher guide · Stem cell transplantation course", body, nav)


def build(
    out: Path,
    lessons: list[Path] | None = None,
    jobs: int = 2,
    timeout: int = 600,
    teacher_out: Path | None = None,
) -> dict:
    """Execute the lessons once; write the learner edition into ``out`` (and the teacher
    edition into ``teacher_out``); return a summary."""
    paths = sorted(lessons if lessons is not None else LESSONS.glob("*.ipynb"))
    if not paths:
        raise FileNotFoundError(f"no lessons in {LESSONS}")
    started = time.perf_counter()
    notebooks = asyncio.run(_execute_all(paths, jobs, timeout))
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    _write_assets(out)
    stems = [p.stem for p in paths]
    titles = {p.stem: _lesson_title(nb, p) for p, nb in zip(paths, notebooks, strict=True)}
    explorers = {}
    for path, nb in zip(paths, notebooks, strict=True):
        page = Page(path.stem, set(stems))
        body = page.cells(nb)
        live = links.binder_url("lab", lesson=f"lessons/{path.name}")
        banner = (
            "<p class='site-banner'>The static copy of this lesson: read it, answer the "
            "questions and the quiz (kept in this browser), move the explorers' controls "
            "(each setting was computed when this page was built). To run "
            f"every control, open the <a href='{html.escape(live)}'>live lesson on Binder</a>."
            "</p>"
        )
        title = f"{titles[path.stem]} · Stem cell transplantation course"
        nav = _nav(stems, titles, path.stem)
        text = _page(title, banner + body, nav, plots=page.figures > 0)
        (out / f"{path.stem}.html").write_text(text, encoding="utf-8")
        for source, name in page.media.items():
            (out / name).parent.mkdir(exist_ok=True)
            shutil.copyfile(source, out / name)
        explorers[path.stem] = page.explorers
    (out / "index.html").write_text(_index(titles, explorers), encoding="utf-8")
    if GUIDE.exists():
        guide = _guide_page(_nav(stems, titles, None), set(stems))
        (out / "teacher-guide.html").write_text(guide, encoding="utf-8")
    teacher_kit.write_editions(out, teacher_out, [d for s in stems if (d := _lesson_data(s))])
    return {"lessons": stems, "seconds": round(time.perf_counter() - started, 1)}


def _index(titles: dict[str, str], explorers: dict[str, list[tuple[str, int, int]]]) -> str:
    """The course map (``tools/site/course-map.html``): a row per lesson."""
    rows = []
    for stem, shown in explorers.items():
        minutes = _lesson_data(stem).get("minutes")
        tags = "".join(
            f"<li>{html.escape(title)} <span class='site-tag'>{live} of {count} controls live"
            "</span></li>"
            for title, live, count in shown
        )
        rows.append(
            f"<tr><td>{html.escape(stem.split('-')[0])}</td>"
            f"<td><a href='{stem}.html'>{html.escape(titles[stem])}</a></td>"
            f"<td>{html.escape(str(minutes)) if minutes else ''}</td>"
            f"<td><ul>{tags}</ul></td>"
            f"<td><a href='{teacher_kit.worksheet_name(stem)}'>worksheet</a></td></tr>"
        )
    teacher = teacher_kit.teacher_only(
        " For teachers: the <a href='teacher-guide.html'>teacher guide</a>, with each "
        "lesson's class plan and the worksheets' answer key."
    )
    course_map = Template((SITE / "course-map.html").read_text(encoding="utf-8"))
    body = course_map.substitute(rows="".join(rows), teacher=teacher)
    nav = _nav(list(explorers), titles, None)
    return _page("Stem cell transplantation course", body, nav)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "site")
    parser.add_argument("--teacher-out", type=Path, help="write the teacher edition here")
    parser.add_argument("--jobs", type=int, default=2, help="lessons executed at once")
    parser.add_argument("lessons", nargs="*", type=Path, help="default: lessons/*.ipynb")
    args = parser.parse_args(argv)
    teacher = args.teacher_out and args.teacher_out.resolve()
    lessons = [p.resolve() for p in args.lessons] or None
    summary = build(args.out.resolve(), lessons, args.jobs, teacher_out=teacher)
    pages = len(summary["lessons"])
    print(
        f"wrote {pages} lessons, their worksheets and the course map to {args.out} (learners)"
        f"{f' and with the guide to {teacher}' if teacher else ''} in {summary['seconds']} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
