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
#: A text: no control characters but tab and newline.
_TEXT = re.compile(r"[^\x00-\x08\x0b-\x1f\x7f]*")
STAGES = ("predict", "explore", "explain")
QUIZ_KINDS = ("choice", "numeric")


def assets_dir() -> Path:
    """The folder of the course's data files (``COURSE_ASSETS_DIR`` overrides it)."""
    course = Path(__file__).resolve().parents[2] / "assets"
    return Path(os.environ.get("COURSE_ASSETS_DIR") or course)


def load_toml(relative_path: str) -> dict[str, Any]:
    """Parse and check one TOML file below ``assets/``; the error names the file and field."""
    return _load(assets_dir(), relative_path)


@functools.cache
def _load(folder: Path, relative_path: str) -> dict[str, Any]:
    """One file, read once per folder (``COURSE_ASSETS_DIR`` may point at another copy)."""
    path = folder / relative_path
    try:
        data = tomllib.loads(path.read_bytes().decode())  # as tomllib.load reads it
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


# -- the checks: each file's schema, as data -------------------------------------------------


def _finite(value: Any) -> bool:
    number = isinstance(value, int | float) and not isinstance(value, bool)
    return number and math.isfinite(value) and abs(value) <= 1e12


def _matches(pattern: re.Pattern[str]) -> Callable[[Any], Any]:
    return lambda v: isinstance(v, str) and pattern.fullmatch(v)


#: Leaf kinds: (the test a value passes, what the error says it must be).
_LEAVES: dict[str, tuple[Callable[[Any], Any], str]] = {
    "text": (_matches(_TEXT), "text (a string without control characters)"),
    "name": (_matches(NAME_PATTERN), f"a name of {_NAME_RULE}"),
    "number": (_finite, "a finite number (at most 1e12 in size)"),
    "flag": (lambda v: isinstance(v, bool), "true or false"),
    "doi": (_matches(_DOI), "a DOI such as 10.1056/NEJMoa2031054 (no spaces, quotes or <>)"),
    "pmid": (lambda v: not isinstance(v, bool) and _PMID.fullmatch(str(v)), "a PubMed id (digits)"),
    "explorer id": (_matches(EXPLORER_ID), "an explorer id such as 'aplastic.engraftment'"),
    "setting": (  # a scenario's value for one control
        lambda v: isinstance(v, bool) or _finite(v) or _matches(NAME_PATTERN)(v),
        "a number, true or false, or a menu value (a name)",
    ),
}


def _whole(low: int, high: int) -> tuple[Callable[[Any], Any], str]:
    test = lambda v: isinstance(v, int) and not isinstance(v, bool) and low <= v <= high  # noqa: E731
    return test, f"a whole number from {low} to {high}"


#: A schema is a leaf kind, a (test, rule) pair, a tuple of allowed words, ``[item schema]``
#: or a table ``{field: schema}``: unknown fields are checked as ``None`` (names for keys,
#: clean text, finite numbers). In a table, ``"*"`` is the schema of every entry of a keyed
#: table (``"*key"`` names its keys), ``"+required"`` lists the fields it must have.
_SCHEMAS: dict[str, Any] = {
    "bibliography.toml": {
        "*key": "citation key",
        "*": dict.fromkeys(("authors", "title", "journal", "volume", "pages"), "text")
        | {"year": _whole(1800, 2100), "doi": "doi", "pmid": "pmid"},
    },
    "glossary.toml": {
        "*key": "glossary id",
        "*": {
            "+required": ("term", "definition"),
            "term": "text",
            "definition": "text",
            "lessons": ["name"],
        },
    },
    "lineage.toml": {
        "*key": "cell id",
        "*": dict.fromkeys(("label", "name", "line", "does", "disorders"), "text")
        | {"parent": "name"},
    },
    "lessons": {
        "id": "name",
        "title": "text",
        "minutes": _whole(1, 1000),
        "references": ["name"],
        "glossary": ["name"],
        "timing": dict.fromkeys(
            ("words_per_minute", "minutes_per_explorer", "minutes_per_quiz_question"), "number"
        ),
        "guiding": [
            {
                "id": "name",
                "section": "name",
                "stage": STAGES,
                "question": "text",
                "model_answer": "text",
            }
        ],
        "quiz": [
            {
                "id": "name",
                "kind": QUIZ_KINDS,
                "choices": [{"id": "name", "text": "text", "correct": "flag", "feedback": "text"}],
                "answer": "number",
                "tolerance": "number",
            }
            | dict.fromkeys(
                ("question", "unit", "feedback_low", "feedback_right", "feedback_high"), "text"
            )
        ],
        "explorers": {
            "*key": "explorer id",
            "*": {
                "title": "text",
                "sources": ["name"],
                "caption": "text",
                "about": "text",
                "scenarios": [{"name": "text", "values": {"*": "setting"}}],
            },
        },
    },
}


def _check(file: str, where: str, value: Any, schema: Any) -> None:
    """Check ``value`` at ``where`` against ``schema``; a ValueError names the file and field."""

    def fail(rule: str, got: Any, at: str = where) -> None:
        shown = repr(got)
        shown = shown[:60] + "..." if len(shown) > 80 else shown
        raise ValueError(f"{file}: {at} must be {rule}; got {shown}")

    if schema is None:  # a field the course does not know
        kinds = ((dict, {}), (list, [None]), (str, "text"), (float, "number"))
        schema = next((schema for kind, schema in kinds if isinstance(value, kind)), None)
        if schema is None:
            return
    if isinstance(schema, str):
        schema = _LEAVES[schema]
    if isinstance(schema, tuple) and callable(schema[0]):
        if not schema[0](value):
            fail(schema[1], value)
    elif isinstance(schema, tuple):
        if value not in schema:
            fail("one of " + ", ".join(map(repr, schema)), value)
    elif isinstance(schema, list):
        if not isinstance(value, list):
            fail("a list", value)
        for i, item in enumerate(value):
            _check(file, f"{where}[{i}]", item, schema[0])
    else:
        if not isinstance(value, dict):
            fail("a table", value)
        for field in schema.get("+required", ()):
            if field not in value:
                fail("present (text)", None, f"{where}.{field}")
        label, key_kind = schema.get("*key", "{where} key"), "name"
        if label == "explorer id":
            label, key_kind = "{where} key", label
        for key, item in value.items():
            _check(file, label.format(where=where), key, key_kind)
            _check(file, f"{where}.{key}" if where else key, item, schema.get("*", schema.get(key)))


def check_assets(relative_path: str, data: dict[str, Any]) -> None:
    """Check one parsed file (``relative_path`` below ``assets/``): see the module's docstring."""
    parts = Path(relative_path).parts
    lesson = len(parts) == 2 and parts[0] == "lessons"
    schema = _SCHEMAS["lessons"] if lesson else _SCHEMAS.get(relative_path)
    where = "lesson" if lesson else ("" if schema else "file")
    _check(f"assets/{relative_path}", where, data, schema)
