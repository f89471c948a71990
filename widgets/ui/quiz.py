"""Self-check quizzes: multiple-choice and numeric questions read from ``assets/lessons``.

Every answer gets feedback that says why. A numeric question has an answer, a
stated tolerance and a unit, and feedback for too low, right and too high.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "Feedback",
    "feedback",
    "grade",
    "read_number",
    "validate_question",
]


@dataclass(frozen=True)
class Feedback:
    """The verdict on one answer and the reason for it."""

    correct: bool
    text: str
    choice_id: str | None = None


def validate_question(question: Mapping[str, Any]) -> None:
    """Raise ``ValueError`` (naming the question and the field) if a quiz entry is incomplete.

    ``widgets.ui.assets`` has checked each field's type when the lesson was read."""
    qid = question.get("id", "?")
    kind = question.get("kind")
    if kind not in ("choice", "numeric"):
        raise ValueError(f"quiz question {qid}: 'kind' must be 'choice' or 'numeric'; got {kind!r}")
    numeric = ("answer", "tolerance", "unit", "feedback_low", "feedback_right", "feedback_high")
    for field in ("question", *(numeric if kind == "numeric" else ())):
        if not str(question.get(field, "")).strip():
            raise ValueError(f"quiz question {qid}: '{field}' is missing")
    if kind == "numeric":
        if question["tolerance"] < 0:
            raise ValueError(f"quiz question {qid}: 'tolerance' must be >= 0")
        return
    choices = question.get("choices") or []
    if len(choices) < 2:
        raise ValueError(f"quiz question {qid}: needs at least 2 choices")
    if sum(bool(c.get("correct")) for c in choices) != 1:
        raise ValueError(f"quiz question {qid}: exactly one choice must be correct")
    ids = [c.get("id") for c in choices if "id" in c]
    if ids and (len(ids) != len(choices) or len(set(ids)) != len(ids)):
        raise ValueError(f"quiz question {qid}: every choice needs its own 'id'")
    for number, c in enumerate(choices, 1):
        if "id" in c and not re.fullmatch(r"[a-z0-9][a-z0-9-]*", str(c["id"])):
            raise ValueError(
                f"quiz question {qid}: choice {number} 'id' must be lower-case letters, "
                f"digits and hyphens; got {c['id']!r}"
            )
        for field in ("text", "feedback"):
            if not str(c.get(field, "")).strip():
                raise ValueError(f"quiz question {qid}: choice {number} has no {field}")


_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']")
#: Commas that group thousands ("1,500", "12,345,678.5").
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")
#: A decimal comma ("1,5", "0,25"), after dots that group thousands or not ("1.500,5").
_DECIMAL_COMMA = re.compile(r"[+-]?(\d{1,3}(\.\d{3})+|\d*),\d+")
#: A plain decimal (no "inf", "nan" or "1_000", which float() would take): as answers.js reads.
_DECIMAL = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def read_number(text: str, unit: str = "") -> float:
    """A number as a learner types it: ``"1.5"``, ``"1,5"`` (decimal comma) or ``"1,500"``,
    followed or not by the question's ``unit`` (singular or plural, any case): ``"9 days"``.

    A comma followed by exactly three digits groups thousands (``"1,500"`` and
    ``"12,345,678.5"``); any other single comma is a decimal comma (``"1,5"``,
    ``"0,25"``), as written in most languages other than English; ``"1.500,5"`` is
    1500.5. Spaces between digit groups are ignored; a typographic minus is a minus.
    ``ValueError`` if the text is not a number.
    """
    typed, wanted = str(text).strip(), unit.strip().lower()
    forms = {wanted, wanted.rstrip("s"), wanted.rstrip("s") + "s"} - {""}
    form = max((f for f in forms if typed.lower().endswith(f)), key=len, default="")
    cleaned = _SPACES.sub("", typed[: len(typed) - len(form)]).replace("\u2212", "-")
    if _THOUSANDS.fullmatch(cleaned):
        cleaned = cleaned.replace(",", "")
    elif _DECIMAL_COMMA.fullmatch(cleaned):
        cleaned = cleaned.replace(".", "").replace(",", ".")
    if not _DECIMAL.fullmatch(cleaned):
        raise ValueError(f"not a number: {text!r}" + (f"; type a number in {unit}" if unit else ""))
    return float(cleaned)


def grade(question: Mapping[str, Any], answer: Any) -> Feedback:
    """The feedback for ``answer`` to ``question``: a choice's index or id, or a number or the
    text a learner typed; ``ValueError`` saying what to type for text that is not a number,
    or a number this question cannot have (a negative count, more than 100 %, a hundred
    times the answer)."""
    if question["kind"] == "choice":
        choices = question["choices"]
        if isinstance(answer, str) and any("id" in c for c in choices):
            ids = [c.get("id") for c in choices]
            if answer not in ids:
                listed = ", ".join(str(i) for i in ids if i)
                raise ValueError(f"answer must be a choice id among {listed}; got {answer!r}")
            answer = ids.index(answer)
        if type(answer) is not int or not 0 <= answer < len(choices):
            raise ValueError(f"answer must be a choice number from 0 to {len(choices) - 1}")
        chosen = choices[answer]
        return Feedback(bool(chosen.get("correct")), chosen["feedback"], chosen.get("id"))
    unit, target, tolerance = question["unit"], question["answer"], question["tolerance"]
    if isinstance(answer, str):
        try:
            answer = read_number(answer, unit)
        except ValueError:
            raise ValueError(f"type a number in {unit}") from None
        low = min(0.0, target - tolerance)
        high = 100.0 if unit.strip() == "%" else 100.0 * max(abs(target) + tolerance, 1)
        if not low <= answer <= high:
            raise ValueError(
                f"That cannot be right here: type a number from {low:g} to {high:g} {unit}"
            )
    if isinstance(answer, bool) or not isinstance(answer, int | float) or not math.isfinite(answer):
        raise ValueError(f"answer must be a number in {unit}")
    if answer < target - tolerance:
        return Feedback(False, question["feedback_low"])
    if answer > target + tolerance:
        return Feedback(False, question["feedback_high"])
    return Feedback(True, question["feedback_right"])


def feedback(question: Mapping[str, Any], answer: Any) -> str:
    """What the page says to ``answer`` (a choice's id or index, a number or typed text)."""
    try:
        result = grade(question, answer)
    except ValueError as error:
        return str(error)
    return f"{'✔ Right.' if result.correct else '✘ Not quite.'} {result.text}"
