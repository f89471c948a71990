"""A learner's answers, kept: written answers to the guiding questions, and the quiz.

The page (``answers.js``) draws the questions with a box under each, grades the quiz and
keeps every answer. In JupyterLab the kernel writes them to ``answers/<lesson>.json``
beside the lesson (``AnswerStore``: written atomically; a damaged file is set aside,
never overwritten) and gives them back when the lesson runs again. In Voila and on the
static site the page keeps them in the browser's storage under the lesson's id (a Voila
server's folder is shared by the whole class). The quiz's *Download my answers* gives the
learner's record: an HTML page with its JSON inside, read by ``tools/collect.py``.
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
    """The teacher's switch: ``"hide"`` every model answer (during class), ``"show"`` them
    all, or ``"after"`` (the default) a learner has written an answer; returns the setting.
    Without ``when``: the one set, else ``COURSE_MODEL_ANSWERS`` (for a whole server). The
    page's address overrides both: ``?model-answers=hide``."""
    allowed = ", ".join(REVEAL)
    if when is not None:
        if when not in REVEAL:
            raise ValueError(f"model answers must be one of {allowed}; got {when!r}")
        _reveal["now"] = when
    now = _reveal.get("now") or os.environ.get("COURSE_MODEL_ANSWERS", "after")
    if now not in REVEAL:
        raise ValueError(f"COURSE_MODEL_ANSWERS must be one of {allowed}; got {now!r}")
    return now


@functools.cache
def course_version() -> dict[str, str]:
    """The course's version: its package version and git commit (where there is one)."""
    root = _HERE.parents[1]
    version = {"package": "unknown"}
    with contextlib.suppress(importlib.metadata.PackageNotFoundError):
        version["package"] = importlib.metadata.version("stemcell-course")
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        done = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5
        )
        if done.returncode == 0:
            version["commit"] = done.stdout.strip()
    return version


class AnswerStore:
    """One lesson's answers in ``<folder>/<lesson>.json`` (folder: ``COURSE_ANSWERS_DIR`` or
    ``answers/`` beside the lesson, the kernel's working folder)."""

    def __init__(self, lesson_id: str, folder: str | Path | None = None) -> None:
        folder = folder or os.environ.get("COURSE_ANSWERS_DIR") or Path.cwd() / "answers"
        self.lesson = lesson_id
        self.path = Path(folder) / f"{lesson_id}.json"
        #: What went wrong with the file, for the page to say ("" when nothing).
        self.problem = ""

    def load(self) -> dict[str, dict[str, Any]]:
        """The kept answers ({} for none); a damaged or foreign file is set aside and said."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if data.get("format") != FORMAT or data.get("lesson") != self.lesson:
                raise ValueError("not this lesson's answers")
            return {k: clean(v) for k, v in dict(data["answers"]).items() if isinstance(v, dict)}
        except FileNotFoundError:
            return {}
        except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError) as error:
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
        text = json.dumps({**data, "answers": answers}, ensure_ascii=False, indent=1)
        handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text + "\n")
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise

    def update(self, answers: dict[str, Any]) -> dict[str, dict[str, Any]]:
        """Add answers to what the file holds (read again: another cell may have written)."""
        kept = {**self.load(), **{k: clean(v) for k, v in answers.items()}}
        self.save(kept)
        return kept


def clean(answer: Any) -> dict[str, Any]:
    """An answer as kept: its known fields only, each text at most ``LONGEST`` characters."""
    if not isinstance(answer, dict):
        return {}
    return {k: str(v)[:LONGEST] for k, v in answer.items() if k in FIELDS and v is not None}


def newest(kept: dict[str, Any], page: dict[str, Any]) -> dict[str, Any]:
    """Each question's newer answer of two sets (an answer says when it was written: "at")."""
    out = dict(kept)
    for key, answer in page.items():
        if key not in out or str(answer.get("at", "")) > str(out[key].get("at", "")):
            out[key] = answer
    return out


class AnswersWidget(anywidget.AnyWidget):
    """Questions with a box under each, or the quiz, drawn by ``answers.js``."""

    _esm = _HERE / "answers.js"
    _css = _HERE / "answers.css"
    #: lesson, kind ("guiding" or "quiz"), title, items, reveal, version; the quiz also
    #: carries every question of the lesson for the learner's record.
    spec = traitlets.Dict().tag(sync=True)
    #: This widget's answers by question id ({"text"}, {"choice"} or {"typed"}, and "at").
    answers = traitlets.Dict().tag(sync=True)
    #: Where the page keeps them: "file" (JupyterLab: the kernel writes) or "page".
    keep = traitlets.Unicode("").tag(sync=True)
    #: What the kernel says about the file (where it is kept, or what went wrong).
    status = traitlets.Unicode("").tag(sync=True)

    def __init__(self, store: AnswerStore | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("spec", {})
        kwargs["spec"] = {**kwargs["spec"], "reveal": model_answers(), "version": course_version()}
        super().__init__(**kwargs)
        self.store = store
        self.restoring = False
        self.observe(self.kept, names=["keep", "answers"])
        self.on_msg(self.message)

    def kept(self, change: dict[str, Any]) -> None:
        if self.keep != "file" or self.store is None or self.restoring:
            return
        ids = {item["id"] for item in self.spec.get("items", [])} | {"learner"}
        try:
            if change["name"] == "keep":
                saved = {k: v for k, v in self.store.load().items() if k in ids}
                merged = newest(saved, self.answers)
                self.restoring = True
                self.answers = merged
                if merged != saved:
                    self.store.update(merged)
            else:
                new = {k: v for k, v in self.answers.items() if k in ids}
                if new != {k: v for k, v in change["old"].items() if k in ids}:
                    self.store.update(new)
            where = f"{self.store.path.parent.name}/{self.store.path.name}"
            self.status = self.store.problem or f"Your answers are kept in {where}."
        except OSError as error:
            self.status = (
                f"Your answers could not be written to {self.store.path} ({error.strerror}); "
                "they stay in this page until the kernel stops: download them below."
            )
        finally:
            self.restoring = False

    def message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        """The page asks for every kept answer of the lesson (for the learner's record)."""
        if isinstance(content, dict) and content.get("type") == "all":
            kept = self.store.load() if self.keep == "file" and self.store else {}
            self.send({"type": "all", "answers": {**kept, **self.answers}})
