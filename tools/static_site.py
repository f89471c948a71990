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
stdlib-only tools; the build part needs nbclient, nbconvert and jinja2 (the server's).
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
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
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
            description = {"kind": "explorer", "state": obj.static_state(grid(obj))}
            text = repr(obj)
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


def _json(value: Any, **options: Any) -> str:
    """``value`` as JSON inside a ``<script>`` element (no ``</`` to end it early)."""
    return json.dumps(value, ensure_ascii=False, **options).replace("</", "<\\/")


class Page:
    """Turns one executed notebook into the body of a static page."""

    def __init__(self, stem: str, lesson_stems: set[str]) -> None:
        self.stem = stem
        self.lesson_stems = lesson_stems
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
        if kind == "error":
            raise RuntimeError(f"{self.stem}: a cell failed: {output.get('ename')}")
        if kind == "stream" and output.get("name") == "stderr":
            return ""
        data = output.get("data", {"text/plain": output.get("text", "")})  # (a stream: its text)
        if MIME in data and data[MIME]["kind"] == "explorer":
            return self.explorer(data[MIME]["state"])
        if MIME in data:  # the answers widget's spec, for answers.js
            spec = _json(data[MIME]["spec"])
            return f"<script type='application/json' class='site-answers'>{spec}</script>"
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

    def explorer(self, state: dict[str, Any]) -> str:
        spec = state["spec"]
        live = [c for c in spec["controls"] if c["name"] not in spec["fixed"]]
        self.explorers.append((spec["title"], len(live), len(spec["controls"])))
        return (
            f"<section class='site-explorer' data-explorer='{html.escape(spec['id'])}' "
            f"aria-label='{html.escape(spec['title'])}'>"
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


def _templates(stems: list[str], titles: dict[str, str]) -> Any:
    """The pages of ``tools/site/`` with what every page's nav needs (text escaped)."""
    from jinja2 import Environment, FileSystemLoader
    from markupsafe import Markup

    env = Environment(loader=FileSystemLoader(SITE), autoescape=True, keep_trailing_newline=True)
    env.filters["teacher_only"] = lambda text: Markup(teacher_kit.teacher_only(text))
    env.globals.update(stems=stems, titles=titles, worksheet=teacher_kit.worksheet_name)
    env.globals["scripts"] = (PLOTLY_JS, EXPLORER_JS, ANSWERS_JS)
    return env


def _execute(path: Path) -> Any:
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    setup = nbformat.v4.new_code_cell(
        f"import sys\nsys.path.insert(0, {str(ROOT / 'tools')!r})\n"
        "import static_site\nstatic_site.install_formatters()"
    )
    nb.cells.insert(0, setup)
    start = time.perf_counter()
    client = NotebookClient(
        nb,
        timeout=600,  # seconds a cell may take
        kernel_name=KERNEL_NAME,
        resources={"metadata": {"path": str(path.parent)}},
        store_widget_state=False,
    )
    asyncio.run(client.async_execute())  # in a thread of its own: its own event loop
    print(f"executed {path.name} in {time.perf_counter() - start:.1f} s", flush=True)
    nb.cells.pop(0)
    return nb


def _classic_script(name: str, exports: int) -> str:
    """A front-end module of ``widgets/ui/``: its functions, its default export ``Course<Name>``."""
    source = (FRONT_END / name).read_text(encoding="utf-8")
    found = re.findall(r"^export .*$", source, flags=re.M)
    if len(found) != exports or found[-1] != "export default {":
        raise ValueError(f"{name} exports what the static site does not expect: {found}")
    source = re.sub(r"^export function", "function", source, flags=re.M)
    which = f"Course{Path(name).stem.title()}"  # CourseExplorer, CourseAnswers
    source = source.replace("export default {", f"globalThis.{which} = {{")
    return f"(function () {{\n{source}\n}})();\n"


def _write_assets(out: Path) -> None:
    from plotly.offline import get_plotlyjs

    (out / PLOTLY_JS).write_text(get_plotlyjs(), encoding="utf-8")
    (out / EXPLORER_JS).write_text(_classic_script(EXPLORER_JS, 2), encoding="utf-8")
    (out / ANSWERS_JS).write_text(_classic_script(ANSWERS_JS, 4), encoding="utf-8")
    styles = [SITE / "course.css", FRONT_END / "explorer.css", FRONT_END / "answers.css"]
    (out / "course.css").write_text("".join(p.read_text(encoding="utf-8") for p in styles))
    shutil.copyfile(SITE / "course.js", out / "course.js")


def _guide_page(lesson_stems: set[str]) -> str:
    """The teacher guide's HTML, its headings with the anchors GitHub gives them."""
    body = Page("teacher-guide", lesson_stems).markdown(GUIDE.read_text(encoding="utf-8"))
    body = re.sub(r"<a class=.anchor-link.[^>]*>.*?</a>", "", body)

    def heading(match: re.Match[str]) -> str:
        text = html.unescape(re.sub(r"<[^>]+>", "", match.group(3)))
        level = match.group(1)
        return f"<h{level} id='{teacher_guide.slug(text)}'>{match.group(3)}</h{level}>"

    return re.sub(r"<h([1-6]) id=(\"[^\"]*\"|'[^']*')>(.*?)</h\1>", heading, body, flags=re.S)


def build(
    out: Path, lessons: Sequence[Path] = (), jobs: int = 2, teacher_out: Path | None = None
) -> dict:
    """Execute the lessons once; write the learner edition into ``out`` (and the teacher
    edition into ``teacher_out``); return a summary."""
    from markupsafe import Markup

    from widgets.ui.assets import lesson_data, lesson_ids

    paths = sorted(lessons or LESSONS.glob("*.ipynb"))
    if not paths:
        raise FileNotFoundError(f"no lessons in {LESSONS}")
    started = time.perf_counter()
    with ThreadPoolExecutor(jobs) as pool:  # ``jobs`` lessons executed at once
        notebooks = list(pool.map(_execute, paths))
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    _write_assets(out)
    stems = [p.stem for p in paths]
    titles = {p.stem: _lesson_title(nb, p) for p, nb in zip(paths, notebooks, strict=True)}
    data = {stem: lesson_data(stem) for stem in stems if stem in lesson_ids()}
    templates, explorers = _templates(stems, titles), {}
    page = templates.get_template("page.html")
    for path, nb in zip(paths, notebooks, strict=True):
        lesson = Page(path.stem, set(stems))
        text = page.render(
            title=f"{titles[path.stem]} · Stem cell transplantation course",
            body=Markup(lesson.cells(nb)),
            current=path.stem,
            binder=links.binder_url("lab", lesson=f"lessons/{path.name}"),
            plots=bool(lesson.explorers),
        )
        (out / f"{path.stem}.html").write_text(text, encoding="utf-8")
        for source, name in lesson.media.items():
            (out / name).parent.mkdir(exist_ok=True)
            shutil.copyfile(source, out / name)
        explorers[path.stem] = lesson.explorers
    course_map = templates.get_template("course-map.html").render(
        title="Stem cell transplantation course",
        explorers=explorers,
        minutes={stem: d.get("minutes") for stem, d in data.items()},
    )
    (out / "index.html").write_text(course_map, encoding="utf-8")
    if GUIDE.exists():
        title = "Teacher guide · Stem cell transplantation course"
        guide = page.render(title=title, body=Markup(_guide_page(set(stems))))
        (out / "teacher-guide.html").write_text(guide, encoding="utf-8")
    teacher_kit.write_editions(out, teacher_out, list(data.values()))
    return {"lessons": stems, "seconds": round(time.perf_counter() - started, 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "site")
    parser.add_argument("--teacher-out", type=Path, help="write the teacher edition here")
    parser.add_argument("--jobs", type=int, default=2, help="lessons executed at once")
    parser.add_argument("lessons", nargs="*", type=Path, help="default: lessons/*.ipynb")
    args = parser.parse_args(argv)
    summary = build(args.out, args.lessons, args.jobs, args.teacher_out)
    teacher = f" and with the guide to {args.teacher_out}" if args.teacher_out else ""
    print(
        f"wrote {len(summary['lessons'])} lessons, their worksheets and the course map to "
        f"{args.out} (learners){teacher} in {summary['seconds']} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
