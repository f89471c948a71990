"""A learner's answers, kept: written answers to the guiding questions, and the quiz.

``answers.js`` draws them and grades the quiz. In JupyterLab the kernel keeps them in
``answers/<lesson>.json`` beside the lesson and gives them back when it runs again; in Voila
and on the static site the page keeps them in the browser (a Voila server's folder is shared
by the whole class). *Download my answers* saves the record ``tools/collect.py`` reads.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.metadata
import json
import os
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import anywidget
import traitlets

__all__ = ["FORMAT", "AnswerStore", "AnswersWidget", "course_version", "model_answers"]

FORMAT = "stemcell-course answers"
_HERE = Path(__file__).parent
#: What an answer may hold (anything else the page sends is dropped), and its longest text.
FIELDS = {"text", "choice", "typed", "at"}
LONGEST = 20_000
REVEAL = ("after", "hide", "show")
_reveal: dict[str, str] = {}


def model_answers(when: str | None = None) -> str:
    """The teacher's switch: ``"hide"`` every model answer, ``"show"`` them all, or ``"after"``
    (the default) a learner has written; without ``when``: the one set, else
    ``COURSE_MODEL_ANSWERS``. The page's address overrides both: ``?model-answers=hide``."""
    must = f"must be one of {', '.join(REVEAL)}"
    if when is not None:
        if when not in REVEAL:
            raise ValueError(f"model answers {must}; got {when!r}")
        _reveal["now"] = when
    now = _reveal.get("now") or os.environ.get("COURSE_MODEL_ANSWERS", "after")
    if now not in REVEAL:
        raise ValueError(f"COURSE_MODEL_ANSWERS {must}; got {now!r}")
    return now


@functools.cache
def course_version() -> dict[str, str]:
    """The course's version: its package version and git commit (where there is one)."""
    version = {"package": "unknown"}
    with contextlib.suppress(importlib.metadata.PackageNotFoundError):
        version["package"] = importlib.metadata.version("stemcell-course")
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        git = ["git", "-C", str(_HERE.parents[1]), "rev-parse", "HEAD"]
        done = subprocess.run(git, capture_output=True, text=True, timeout=5, check=True)
        version["commit"] = done.stdout.strip()
    return version


class AnswerStore:
    """One lesson's answers in ``<folder>/<lesson>.json`` (folder: ``COURSE_ANSWERS_DIR`` or
    ``answers/`` in the kernel's working folder, which is the lesson's)."""

    def __init__(self, lesson_id: str, folder: str | Path | None = None) -> None:
        folder = folder or os.environ.get("COURSE_ANSWERS_DIR") or Path.cwd() / "answers"
        self.lesson = lesson_id
        self.path = Path(folder) / f"{lesson_id}.json"
        self.problem = ""  # what went wrong with the file, for the page to say

    def load(self) -> dict[str, dict[str, Any]]:
        """The kept answers ({} for none); a damaged or foreign file is set aside and said."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if data.get("format") != FORMAT or data.get("lesson") != self.lesson:
                raise ValueError("not this lesson's answers")
            return {k: clean(v) for k, v in dict(data["answers"]).items() if isinstance(v, dict)}
        except FileNotFoundError:
            return {}
        except (ValueError, KeyError, TypeError, AttributeError) as error:  # a decoding error too
            stamp = time.strftime("%Y%m%d-%H%M%S")
            aside = self.path.with_name(f"{self.path.stem}.damaged-{stamp}.json")
            os.replace(self.path, aside)
            self.problem = (
                f"{self.path.name} could not be read ({error}); it is kept as {aside.name} "
                "and your answers start a new file"
            )
            return {}

    def save(self, answers: dict[str, dict[str, Any]]) -> None:
        """Write every answer atomically: a temporary file beside it, flushed, renamed over."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {"format": FORMAT, "lesson": self.lesson, "course_version": course_version()}
        handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump({**data, "answers": answers}, out, ensure_ascii=False, indent=1)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, self.path)
        finally:
            Path(temporary).unlink(missing_ok=True)

    def update(self, answers: dict[str, Any]) -> None:
        """Add answers to what the file holds (read again: another cell may have written)."""
        self.save({**self.load(), **{k: clean(v) for k, v in answers.items()}})


def clean(answer: Any) -> dict[str, Any]:
    """An answer as kept: its known fields only, each text at most ``LONGEST`` characters."""
    if not isinstance(answer, dict):
        return {}
    return {k: str(v)[:LONGEST] for k, v in answer.items() if k in FIELDS and v is not None}


class AnswersWidget(anywidget.AnyWidget):
    """Questions with a box under each, or the quiz, drawn by ``answers.js``."""

    _esm = _HERE / "answers.js"
    _css = _HERE / "answers.css"
    #: lesson, kind ("guiding" or "quiz"), title, items, reveal, version (and the quiz's
    #: "record": the lesson's every question, for the learner's record).
    spec = traitlets.Dict().tag(sync=True)
    #: Answers by question id ({"text"}, {"choice"} or {"typed"}, and "at": when written).
    answers = traitlets.Dict().tag(sync=True)
    #: Where answers are kept: "file" (JupyterLab: the kernel writes) or "page".
    keep = traitlets.Unicode("").tag(sync=True)
    #: Where the file is, or what went wrong with it.
    status = traitlets.Unicode("").tag(sync=True)

    def __init__(self, store: AnswerStore | None = None, **kwargs: Any) -> None:
        spec = {**kwargs.pop("spec", {}), "reveal": model_answers(), "version": course_version()}
        super().__init__(spec=spec, **kwargs)
        self.store = store
        self.observe(self.kept, names=["keep", "answers"])

    def kept(self, change: dict[str, Any]) -> None:
        """In JupyterLab: the page's answers to this widget's questions go to the file, and
        every answer the file holds to the page (for the learner's record); when the page
        opens, each question's newer answer of the page's and the file's."""
        if self.keep != "file" or self.store is None:
            return
        ids = {item["id"] for item in self.spec.get("items", [])} | {"learner"}
        page = {k: clean(v) for k, v in self.answers.items() if k in ids}
        filed: dict[str, dict[str, Any]] = {}
        try:
            filed = self.store.load()
            if change["name"] == "keep":
                page |= {
                    k: v
                    for k, v in filed.items()
                    if k in ids and v.get("at", "") >= page.get(k, v).get("at", "")
                }
            if any(filed.get(k) != v for k, v in page.items()):
                self.store.update(page)
            where = f"{self.store.path.parent.name}/{self.store.path.name}"
            self.status = self.store.problem or f"Your answers are kept in {where}."
        except OSError as error:
            self.status = (
                f"Your answers could not be written to {self.store.path} ({error.strerror}); "
                "they stay in this page until the kernel stops: download them below."
            )
        self.answers = {**filed, **self.answers, **page}
