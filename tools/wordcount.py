"""Count the words a learner meets on a lesson's main path, and the lesson's minutes.

The *main path* is everything shown without opening a fold (``<details>``), from the
top of the lesson to its key terms: text, guiding questions, quiz questions and
choices, explorers' titles, captions and the sentence under each figure, and the
printed results of checked cells. The course standard caps it at 2,000 words
(``MAX_MAIN_PATH_WORDS``).

Two measurements that must agree in spirit:

* ``main_path_words_html(page)`` counts a rendered page (the static site's lesson
  pages, ``make site``): every word outside ``<details>`` folds, ``<script>`` and
  ``<style>``, up to the "Key terms" heading (lesson 00: the glossary heading).
* ``lesson_main_path(lesson_id)`` counts from the notebook and the lesson's TOML
  directly, so the figure is known before any site is built.

A lesson's stated minutes are computed from the count (``lesson_minutes``): words at
``words_per_minute`` plus a time per explorer task and per quiz question, all kept
in the lesson's TOML under ``[timing]``.

Usage::

    python tools/wordcount.py                 # the main-path words and minutes of every lesson
    python tools/wordcount.py --update        # write the computed minutes into TOML and notebook
    python tools/wordcount.py build/site/*.html   # the words of built pages
"""

from __future__ import annotations

import argparse
import ast
import json
import math
import re
import sys
import tomllib
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LESSONS = ROOT / "lessons"
LESSON_DATA = ROOT / "assets" / "lessons"

MAX_MAIN_PATH_WORDS = 2000
#: Headings where the main path ends (lesson 00 has the whole glossary instead of key terms).
STOP_HEADINGS = ("key terms", "glossary of the whole course")
_WORD = re.compile(r"[^\W_]")


def count_words(text: str) -> int:
    """Whitespace-separated tokens that hold at least one letter or digit."""
    return sum(1 for token in text.split() if _WORD.search(token))


class _MainPathText(HTMLParser):
    """Collects the text of an HTML page outside folds, up to the key terms heading."""

    SKIP = frozenset({"script", "style", "details", "template", "noscript"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0
        self.heading: list[str] | None = None
        self.stopped = False
        self.summary = 0  # inside the <summary> of an outermost fold: shown while closed

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.stopped:
            return
        if tag in self.SKIP:
            self.skipping += 1
        elif tag == "summary" and self.skipping == 1:
            self.summary += 1
            self.parts.append(" ")
        elif re.fullmatch(r"h[1-6]", tag) and not self.skipping:
            self.heading = []
        if tag in {"br", "p", "li", "div", "tr", "td", "th", "dt", "dd"}:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if self.stopped:
            return
        if tag in self.SKIP and self.skipping:
            self.skipping -= 1
        elif tag == "summary" and self.summary:
            self.summary -= 1
            self.parts.append(" ")
        elif re.fullmatch(r"h[1-6]", tag) and self.heading is not None:
            text = " ".join("".join(self.heading).split())
            self.heading = None
            if text.lower().strip(" :·¶#") in STOP_HEADINGS:
                self.stopped = True
                return
            self.parts.append(" " + text + " ")
        if tag in {"p", "li", "div", "td", "th"}:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if self.stopped or (self.skipping and not self.summary):
            return
        if self.heading is not None:
            self.heading.append(data)
        else:
            self.parts.append(data)


def main_path_text_html(page: str) -> str:
    """The text of an HTML page outside ``<details>`` folds, up to the key terms heading."""
    parser = _MainPathText()
    parser.feed(page)
    parser.close()
    return " ".join("".join(parser.parts).split())


def main_path_words_html(page: str) -> int:
    """The words of an HTML page outside ``<details>`` folds, up to the key terms heading."""
    return count_words(main_path_text_html(page))


# -- counting from the notebook and the TOML ----------------------------------------------


def _markdown_text(source: str) -> str:
    """Markdown as a learner reads it: folds, tags, emphasis and table rules removed."""
    # a fold shows only its summary line until it is opened
    source = re.sub(
        r"<details\b[^>]*>\s*(?:<summary>(.*?)</summary>)?.*?</details>",
        lambda m: " " + (m.group(1) or "") + " ",
        source,
        flags=re.S | re.I,
    )
    source = re.sub(r"<[^>]+>", " ", source)
    source = re.sub(r"^\s*\|?\s*:?-{3,}.*$", " ", source, flags=re.M)  # table rules
    source = re.sub(r"[*_`#>|]", " ", source)
    return source


@dataclass
class MainPath:
    """A lesson's main path: its words by kind, and what takes time besides reading."""

    lesson_id: str
    words: dict[str, int] = field(default_factory=dict)
    explorers: int = 0
    quiz_questions: int = 0

    @property
    def total(self) -> int:
        return sum(self.words.values())


def _call(source: str) -> ast.Call | None:
    try:
        tree = ast.parse(source.strip())
    except SyntaxError:
        return None
    if len(tree.body) != 1 or not isinstance(tree.body[0], ast.Expr):
        return None
    value = tree.body[0].value
    return value if isinstance(value, ast.Call) else None


def _explorer_text(module: str, name: str, lesson: dict[str, Any]) -> str:
    """An explorer's title, caption (the TOML's, else the class's) and opening sentence."""
    import importlib

    cls = getattr(importlib.import_module(f"widgets.{module}"), name)
    explorer = cls()
    caption = cls.caption
    return " ".join([cls.title, caption, explorer.readout_text])


def lesson_main_path(lesson_id: str, *, explorers: bool = True) -> MainPath:
    """Count a lesson's main path from ``lessons/<id>.ipynb`` and its TOML.

    Markdown outside ``<details>``; guiding questions (not their model answers, which
    sit behind a click); quiz questions and choices (not the feedback, shown only
    after an answer); each explorer's title, caption and the sentence under its
    figure at start-up (``explorers=False`` skips building them); the stored output of
    checked cells. Everything from the key terms heading on is left out.
    """
    sys.path.insert(0, str(ROOT))
    from widgets import course

    nb = json.loads((LESSONS / f"{lesson_id}.ipynb").read_text(encoding="utf-8"))
    data = tomllib.loads((LESSON_DATA / f"{lesson_id}.toml").read_text(encoding="utf-8"))
    lesson = course.Lesson(lesson_id)
    path = MainPath(lesson_id, {"text": 0, "questions": 0, "quiz": 0, "explorers": 0, "outputs": 0})
    for cell in nb["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            first = source.strip().splitlines()[0] if source.strip() else ""
            if first.lstrip("#").strip().lower() in STOP_HEADINGS:
                break
            path.words["text"] += count_words(_markdown_text(source))
            continue
        # Helper code is off the main path; a checked cell is off the slides only.
        slide_type = cell.get("metadata", {}).get("slideshow", {}).get("slide_type")
        if slide_type == "skip" and "NBVAL_CHECK_OUTPUT" not in source:
            continue
        call = _call(source.replace("# NBVAL_CHECK_OUTPUT", ""))
        func = call.func if call else None
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            owner, name = func.value.id, func.attr
            args = [a.value for a in call.args if isinstance(a, ast.Constant)]
            if owner == "lesson" and name == "questions":
                path.words["questions"] += count_words(lesson.questions(*args).text)
            elif owner == "lesson" and name == "quiz":
                for q in data["quiz"]:
                    path.quiz_questions += 1
                    path.words["quiz"] += count_words(q["question"])
                    for choice in q.get("choices", []):
                        path.words["quiz"] += count_words(choice["text"])
            elif name.endswith("Explorer") and owner != "lesson":
                path.explorers += 1
                if explorers:
                    path.words["explorers"] += count_words(_explorer_text(owner, name, data))
        for output in cell.get("outputs", []):
            text = output.get("text") or output.get("data", {}).get("text/plain", "")
            path.words["outputs"] += count_words("".join(text))
    return path


def lesson_minutes(
    lesson_id: str,
    words: int | None = None,
    explorers: int | None = None,
    quiz_questions: int | None = None,
) -> int:
    """A lesson's minutes: main-path words at the TOML's reading speed plus its tasks.

    ``[timing]`` in the lesson's TOML holds ``words_per_minute``,
    ``minutes_per_explorer`` (a guiding-question task at each explorer) and
    ``minutes_per_quiz_question``. Rounded up to a whole minute.
    """
    data = tomllib.loads((LESSON_DATA / f"{lesson_id}.toml").read_text(encoding="utf-8"))
    timing = data["timing"]
    if words is None or explorers is None or quiz_questions is None:
        path = lesson_main_path(lesson_id)
        words, explorers, quiz_questions = path.total, path.explorers, path.quiz_questions
    reading = words / timing["words_per_minute"]
    tasks = explorers * timing["minutes_per_explorer"]
    quiz = quiz_questions * timing["minutes_per_quiz_question"]
    return math.ceil(reading + tasks + quiz)


def lesson_ids() -> list[str]:
    return sorted(p.stem for p in LESSONS.glob("*.ipynb"))


#: How a notebook states its minutes: "about **45 minutes**" in the objectives.
STATED_MINUTES = re.compile(r"about \*\*(\d+|\{MINUTES\}) minutes\*\*")


def stated_minutes(lesson_id: str) -> list[str]:
    """Every "about **N minutes**" the lesson's notebook states (as strings)."""
    nb = json.loads((LESSONS / f"{lesson_id}.ipynb").read_text(encoding="utf-8"))
    text = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    return STATED_MINUTES.findall(text)


def update_minutes(lesson_id: str) -> int:
    """Write the computed minutes into the lesson's TOML (``minutes``) and its notebook."""
    minutes = lesson_minutes(lesson_id)
    toml_path = LESSON_DATA / f"{lesson_id}.toml"
    text = toml_path.read_text(encoding="utf-8")
    text, count = re.subn(r"(?m)^minutes = \d+$", f"minutes = {minutes}", text, count=1)
    if count != 1:
        raise ValueError(f"{toml_path.name} has no 'minutes = N' line")
    toml_path.write_text(text, encoding="utf-8")
    nb_path = LESSONS / f"{lesson_id}.ipynb"
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            source = "".join(cell["source"])
            new = STATED_MINUTES.sub(f"about **{minutes} minutes**", source)
            if new != source:
                cell["source"] = new.splitlines(keepends=True)
    nb_path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return minutes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", nargs="*", type=Path, help="built HTML pages to count")
    parser.add_argument(
        "--update", action="store_true", help="write the computed minutes into TOML and notebook"
    )
    args = parser.parse_args(argv)
    if args.update:
        for lesson_id in lesson_ids():
            print(f"{lesson_id}: {update_minutes(lesson_id)} minutes")
        return 0
    if args.pages:
        for page in args.pages:
            print(f"{page}: {main_path_words_html(page.read_text(encoding='utf-8'))} words")
        return 0
    for lesson_id in lesson_ids():
        path = lesson_main_path(lesson_id)
        parts = ", ".join(f"{k} {v}" for k, v in path.words.items())
        try:
            minutes = lesson_minutes(lesson_id, path.total, path.explorers, path.quiz_questions)
        except KeyError:
            minutes = None
        print(
            f"{lesson_id}: {path.total} words ({parts}); {path.explorers} explorers, "
            f"{path.quiz_questions} quiz questions; computed minutes {minutes}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
