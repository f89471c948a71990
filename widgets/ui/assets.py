"""Read the course's data files in ``assets/`` (TOML, so teachers can edit them).

Every file is checked when it is read, so that nothing a teacher writes can turn
into markup or script where the text is shown:

* **Names** (the name of every table and key, glossary ids, citation keys, lesson,
  question and section ids, the cells of the family tree, and every reference to
  them) become HTML ids, links and CSS hooks. They are refused unless they are made
  of letters, digits, ``-`` and ``_`` (``NAME_PATTERN``).
* **Fixed fields** are refused unless they have their type: a year and the minutes
  are whole numbers, a quiz answer is a finite number, ``correct`` is true or
  false, a DOI looks like ``10.1234/...`` with no spaces, quotes or angle brackets,
  a PMID is digits.
* **Text** (titles, terms, definitions, questions, feedback, teacher notes, ...) is
  kept as written (a teacher may write "ANC < 500") and must be a string without
  control characters; every place that shows it as HTML escapes it
  (``widgets.course``, ``widgets.ui.quiz``, the explorers, the static site, the
  teacher guide). ``tests/test_poisoned_assets.py`` puts markup in every field of a
  copy of the assets and renders it on every surface.

A refused file raises ``ValueError`` naming the file, the field and what it allows.
"""

from __future__ import annotations

import functools
import math
import os
import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = [
    "NAME_PATTERN",
    "assets_dir",
    "bibliography",
    "check_assets",
    "glossary",
    "lesson_data",
    "lesson_ids",
    "load_toml",
]

#: What a name in the assets may be: it becomes an HTML id, a link and a CSS hook.
NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,79}")
#: An explorer's id: its lesson module and its name ("aplastic.engraftment").
EXPLORER_ID = re.compile(r"[a-z][a-z0-9_]{0,39}\.[a-z][a-z0-9_]{0,39}")
_NAME_RULE = "1 to 80 letters, digits, '-' or '_' (starting with a letter or digit)"
_DOI = re.compile(r"10\.\d{4,9}/[^\s\"'<>&\\]+")
_PMID = re.compile(r"\d{1,9}")
#: Control characters other than tab and newline have no place in a text.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
STAGES = ("predict", "explore", "explain")
QUIZ_KINDS = ("choice", "numeric")


def assets_dir() -> Path:
    """The folder of the course's data files (``COURSE_ASSETS_DIR`` overrides it)."""
    override = os.environ.get("COURSE_ASSETS_DIR")
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[2] / "assets"


def load_toml(relative_path: str) -> dict[str, Any]:
    """Parse and check one TOML file below ``assets/``; the error names the file and field."""
    return _load(assets_dir(), relative_path)


@functools.cache
def _load(folder: Path, relative_path: str) -> dict[str, Any]:
    """One file, read once per folder (``COURSE_ASSETS_DIR`` may point at another copy)."""
    path = folder / relative_path
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise FileNotFoundError(f"course data file missing: {path}") from None
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"{path} is not valid TOML: {error}") from None
    check_assets(relative_path, data)
    return data


def bibliography() -> dict[str, dict[str, Any]]:
    """The course's one bibliography: citation key -> entry."""
    return load_toml("bibliography.toml")


def glossary() -> dict[str, dict[str, Any]]:
    """The whole-course glossary: term id -> {term, definition, lessons}."""
    return load_toml("glossary.toml")


def lesson_ids() -> list[str]:
    """Ids of the lessons that have a data file, in course order."""
    return sorted(p.stem for p in (assets_dir() / "lessons").glob("*.toml"))


def lesson_data(lesson_id: str) -> dict[str, Any]:
    """A lesson's data: title, timing, references, guiding questions, quiz, teacher notes."""
    known = lesson_ids()
    if lesson_id not in known:
        raise ValueError(f"lesson must be one of {', '.join(known)}; got {lesson_id!r}")
    if not NAME_PATTERN.fullmatch(lesson_id):
        raise ValueError(f"assets/lessons/{lesson_id}.toml: the file name must be {_NAME_RULE}")
    return load_toml(f"lessons/{lesson_id}.toml")


# -- the checks -------------------------------------------------------------------------------


class _Checker:
    """Checks one file; every error names the file and the field."""

    def __init__(self, relative_path: str) -> None:
        self.file = f"assets/{relative_path}"

    def fail(self, where: str, rule: str, value: Any) -> None:
        shown = repr(value)
        if len(shown) > 80:
            shown = shown[:60] + "..."
        raise ValueError(f"{self.file}: {where} must be {rule}; got {shown}")

    def name(self, where: str, value: Any) -> str:
        if not isinstance(value, str) or not NAME_PATTERN.fullmatch(value):
            self.fail(where, f"a name of {_NAME_RULE}", value)
        return value

    def choice(self, where: str, value: Any, allowed: tuple[str, ...]) -> str:
        if value not in allowed:
            self.fail(where, "one of " + ", ".join(repr(a) for a in allowed), value)
        return value

    def text(self, where: str, value: Any) -> str:
        if not isinstance(value, str) or _CONTROL.search(value):
            self.fail(where, "text (a string without control characters)", value)
        return value

    def whole(self, where: str, value: Any, low: int, high: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.fail(where, f"a whole number from {low} to {high}", value)
        return value

    def number(self, where: str, value: Any) -> float:
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or abs(value) > 1e12
        ):
            self.fail(where, "a finite number (at most 1e12 in size)", value)
        return value

    def flag(self, where: str, value: Any) -> bool:
        if not isinstance(value, bool):
            self.fail(where, "true or false", value)
        return value

    def table(self, where: str, value: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(where, "a table", value)
        return value

    def names(self, where: str, value: Any) -> list[str]:
        if not isinstance(value, list):
            self.fail(where, "a list of names", value)
        return [self.name(f"{where}[{i}]", item) for i, item in enumerate(value)]

    def anything(self, where: str, value: Any) -> None:
        """A field the course does not know: names for keys, clean text, numbers, tables."""
        if isinstance(value, dict):
            for key, item in value.items():
                self.name(f"{where} key", key)
                self.anything(f"{where}.{key}", item)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                self.anything(f"{where}[{i}]", item)
        elif isinstance(value, str):
            self.text(where, value)
        elif isinstance(value, float) and not math.isfinite(value):
            self.fail(where, "a finite number", value)

    def fields(
        self, where: str, entry: dict[str, Any], known: dict[str, Callable[[str, Any], Any]]
    ) -> None:
        """Check the known fields with their checks and the others as ``anything``."""
        for key, value in entry.items():
            self.name(f"{where} key", key)
            check = known.get(key, self.anything)
            check(f"{where}.{key}", value)


def _check_bibliography(c: _Checker, data: dict[str, Any]) -> None:
    def doi(where: str, value: Any) -> None:
        if not isinstance(value, str) or not _DOI.fullmatch(value):
            c.fail(where, "a DOI such as 10.1056/NEJMoa2031054 (no spaces, quotes or <>)", value)

    def pmid(where: str, value: Any) -> None:
        if isinstance(value, bool) or not _PMID.fullmatch(str(value)):
            c.fail(where, "a PubMed id (digits)", value)

    known = {
        "authors": c.text,
        "title": c.text,
        "journal": c.text,
        "volume": c.text,
        "pages": c.text,
        "year": lambda where, value: c.whole(where, value, 1800, 2100),
        "doi": doi,
        "pmid": pmid,
    }
    for key, entry in data.items():
        c.name("citation key", key)
        c.fields(key, c.table(key, entry), known)


def _check_glossary(c: _Checker, data: dict[str, Any]) -> None:
    known = {"term": c.text, "definition": c.text, "lessons": c.names}
    for key, entry in data.items():
        c.name("glossary id", key)
        entry = c.table(key, entry)
        for field in ("term", "definition"):
            if field not in entry:
                c.fail(f"{key}.{field}", "present (text)", None)
        c.fields(key, entry, known)


def _check_lineage(c: _Checker, data: dict[str, Any]) -> None:
    known = {
        "label": c.text,
        "name": c.text,
        "line": c.text,
        "does": c.text,
        "disorders": c.text,
        "parent": c.name,
    }
    for key, entry in data.items():
        c.name("cell id", key)
        c.fields(key, c.table(key, entry), known)


def _check_lesson(c: _Checker, data: dict[str, Any]) -> None:
    def guiding(where: str, value: Any) -> None:
        if not isinstance(value, list):
            c.fail(where, "a list of [[guiding]] tables", value)
        for i, g in enumerate(value):
            c.fields(
                f"{where}[{i}]",
                c.table(f"{where}[{i}]", g),
                {
                    "id": c.name,
                    "section": c.name,
                    "stage": lambda w, v: c.choice(w, v, STAGES),
                    "question": c.text,
                    "model_answer": c.text,
                },
            )

    def choices(where: str, value: Any) -> None:
        if not isinstance(value, list):
            c.fail(where, "a list of choices", value)
        for i, choice in enumerate(value):
            c.fields(
                f"{where}[{i}]",
                c.table(f"{where}[{i}]", choice),
                {"id": c.name, "text": c.text, "correct": c.flag, "feedback": c.text},
            )

    def quiz(where: str, value: Any) -> None:
        if not isinstance(value, list):
            c.fail(where, "a list of [[quiz]] tables", value)
        for i, q in enumerate(value):
            c.fields(
                f"{where}[{i}]",
                c.table(f"{where}[{i}]", q),
                {
                    "id": c.name,
                    "kind": lambda w, v: c.choice(w, v, QUIZ_KINDS),
                    "question": c.text,
                    "choices": choices,
                    "answer": c.number,
                    "tolerance": c.number,
                    "unit": c.text,
                    "feedback_low": c.text,
                    "feedback_right": c.text,
                    "feedback_high": c.text,
                },
            )

    def explorers(where: str, value: Any) -> None:
        """Per explorer (its id, "<topic>.<name>"): caption, about, scenarios (name, values)."""
        for explorer_id, entry in c.table(where, value).items():
            if not isinstance(explorer_id, str) or not EXPLORER_ID.fullmatch(explorer_id):
                c.fail(f"{where} key", "an explorer id such as 'aplastic.engraftment'", explorer_id)

            def setting(w: str, v: Any) -> None:
                """Control name -> value: a number, true or false, or a menu value (a name)."""
                for key, item in c.table(w, v).items():
                    c.name(f"{w} key", key)
                    if isinstance(item, str):
                        c.name(f"{w}.{key}", item)
                    elif not isinstance(item, bool):
                        c.number(f"{w}.{key}", item)

            def scenarios(w: str, v: Any) -> None:
                if not isinstance(v, list):
                    c.fail(w, "a list of [[...scenarios]] tables", v)
                for i, scenario in enumerate(v):
                    c.fields(
                        f"{w}[{i}]",
                        c.table(f"{w}[{i}]", scenario),
                        {"name": c.text, "values": setting},
                    )

            c.fields(
                f"{where}.{explorer_id}",
                c.table(f"{where}.{explorer_id}", entry),
                {"caption": c.text, "about": c.text, "scenarios": scenarios},
            )

    c.fields(
        "lesson",
        data,
        {
            "explorers": explorers,
            "timing": lambda w, v: c.fields(
                w,
                c.table(w, v),
                {
                    "words_per_minute": c.number,
                    "minutes_per_explorer": c.number,
                    "minutes_per_quiz_question": c.number,
                },
            ),
            "id": c.name,
            "title": c.text,
            "minutes": lambda w, v: c.whole(w, v, 1, 1000),
            "references": c.names,
            "glossary": c.names,
            "guiding": guiding,
            "quiz": quiz,
        },
    )


_CHECKS: dict[str, Callable[[_Checker, dict[str, Any]], None]] = {
    "bibliography.toml": _check_bibliography,
    "glossary.toml": _check_glossary,
    "lineage.toml": _check_lineage,
}


def check_assets(relative_path: str, data: dict[str, Any]) -> None:
    """Check one parsed file of ``assets/`` (``relative_path`` as below ``assets/``).

    Raise ``ValueError`` naming the file, the field and what it allows.
    """
    checker = _Checker(relative_path)
    parts = Path(relative_path).parts
    if len(parts) == 2 and parts[0] == "lessons":
        _check_lesson(checker, data)
    elif relative_path in _CHECKS:
        _CHECKS[relative_path](checker, data)
    else:
        checker.anything("file", data)
