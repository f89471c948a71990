"""Read the course's data files in ``assets/`` (TOML, so teachers can edit them)."""

from __future__ import annotations

import functools
import os
import tomllib
from pathlib import Path
from typing import Any

__all__ = ["assets_dir", "bibliography", "glossary", "lesson_data", "lesson_ids", "load_toml"]


def assets_dir() -> Path:
    """The folder of the course's data files (``COURSE_ASSETS_DIR`` overrides it)."""
    override = os.environ.get("COURSE_ASSETS_DIR")
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[2] / "assets"


@functools.cache
def load_toml(relative_path: str) -> dict[str, Any]:
    """Parse one TOML file below ``assets/``; the error names the file and line."""
    path = assets_dir() / relative_path
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise FileNotFoundError(f"course data file missing: {path}") from None
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"{path} is not valid TOML: {error}") from None


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
    return load_toml(f"lessons/{lesson_id}.toml")
