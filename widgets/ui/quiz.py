"""Self-check quizzes: multiple-choice and numeric questions read from ``assets/lessons``.

Every answer gets feedback that says why. A numeric question has an answer, a
stated tolerance and a unit, and feedback for too low, right and too high.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import anywidget

__all__ = ["Feedback", "Quiz", "choice_index", "grade", "read_number", "validate_question"]


@dataclass(frozen=True)
class Feedback:
    """The verdict on one answer and the reason for it."""

    correct: bool
    text: str
    choice_id: str | None = None


def validate_question(question: Mapping[str, Any]) -> None:
    """Raise ``ValueError`` (naming the question and the field) if a quiz entry is incomplete."""
    qid = question.get("id", "?")
    kind = question.get("kind")
    if not str(question.get("question", "")).strip():
        raise ValueError(f"quiz question {qid}: 'question' text is missing")
    if kind == "choice":
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
            if not str(c.get("text", "")).strip():
                raise ValueError(f"quiz question {qid}: choice {number} has no text")
            if not str(c.get("feedback", "")).strip():
                raise ValueError(f"quiz question {qid}: choice {number} has no feedback")
    elif kind == "numeric":
        for field in ("answer", "tolerance"):
            value = question.get(field)
            if not isinstance(value, int | float) or not math.isfinite(value):
                raise ValueError(f"quiz question {qid}: '{field}' must be a number")
        if question["tolerance"] < 0:
            raise ValueError(f"quiz question {qid}: 'tolerance' must be >= 0")
        for field in ("unit", "feedback_low", "feedback_right", "feedback_high"):
            if not str(question.get(field, "")).strip():
                raise ValueError(f"quiz question {qid}: '{field}' is missing")
    else:
        raise ValueError(f"quiz question {qid}: 'kind' must be 'choice' or 'numeric'; got {kind!r}")


_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']")
_THOUSANDS = re.compile(r"\d{1,3}(,\d{3})+(\.\d*)?")
_DECIMAL_COMMA = re.compile(r"\d*,\d+")
_DOTS_AND_COMMA = re.compile(r"\d{1,3}(\.\d{3})+,\d+")


def read_number(text: str, unit: str = "") -> float:
    """A number as a learner types it: ``"1.5"``, ``"1,5"`` (decimal comma) or ``"1,500"``,
    followed or not by the question's ``unit`` (singular or plural, any case): ``"9 days"``.

    A comma followed by exactly three digits groups thousands (``"1,500"`` and
    ``"12,345,678.5"``); any other single comma is a decimal comma (``"1,5"``,
    ``"0,25"``), as written in most languages other than English; ``"1.500,5"`` is
    1500.5. Spaces between digit groups are ignored; a typographic minus is a minus.
    ``ValueError`` if the text is not a number.
    """
    cleaned = _without_unit(str(text), unit)
    cleaned = _SPACES.sub("", cleaned).replace("\u2212", "-")
    sign = ""
    if cleaned[:1] in "+-" and cleaned:
        sign, cleaned = cleaned[0], cleaned[1:]
    if "," in cleaned:
        if _THOUSANDS.fullmatch(cleaned):
            cleaned = cleaned.replace(",", "")
        elif _DOTS_AND_COMMA.fullmatch(cleaned):
            cleaned = cleaned.replace(".", "").replace(",", ".")
        elif _DECIMAL_COMMA.fullmatch(cleaned):
            cleaned = cleaned.replace(",", ".")
        else:
            raise ValueError(_not_a_number(text, unit))
    try:
        return float(sign + cleaned)
    except ValueError:
        raise ValueError(_not_a_number(text, unit)) from None


def _not_a_number(text: str, unit: str) -> str:
    return f"not a number: {text!r}" + (f"; type a number in {unit}" if unit else "")


def _without_unit(text: str, unit: str) -> str:
    """``text`` without the unit a learner typed after the number (``"9 days"`` -> ``"9"``)."""
    wanted = unit.strip().lower()
    stripped = text.strip()
    forms = sorted({wanted, wanted.rstrip("s"), wanted.rstrip("s") + "s"} - {""}, key=len)
    for form in reversed(forms):
        if stripped.lower().endswith(form):
            return stripped[: -len(form)]
    return stripped


def choice_index(question: Mapping[str, Any], choice_id: str) -> int:
    """The position of the choice whose ``id`` is ``choice_id``; ``ValueError`` if none."""
    ids = [c.get("id") for c in question["choices"]]
    if choice_id not in ids:
        listed = ", ".join(str(i) for i in ids if i)
        raise ValueError(f"answer must be a choice id among {listed}; got {choice_id!r}")
    return ids.index(choice_id)


def grade(question: Mapping[str, Any], answer: Any) -> Feedback:
    """The feedback for ``answer`` (a choice's index or id, or a number) to ``question``."""
    if question["kind"] == "choice":
        choices = question["choices"]
        if isinstance(answer, str) and any("id" in c for c in choices):
            answer = choice_index(question, answer)
        if isinstance(answer, bool) or not isinstance(answer, int):
            raise ValueError(f"answer must be a choice number from 0 to {len(choices) - 1}")
        if not 0 <= answer < len(choices):
            raise ValueError(f"answer must be a choice number from 0 to {len(choices) - 1}")
        chosen = choices[answer]
        return Feedback(bool(chosen.get("correct")), chosen["feedback"], chosen.get("id"))
    if isinstance(answer, bool) or not isinstance(answer, int | float) or not math.isfinite(answer):
        raise ValueError(f"answer must be a number in {question['unit']}")
    target, tolerance = question["answer"], question["tolerance"]
    if answer < target - tolerance:
        return Feedback(False, question["feedback_low"])
    if answer > target + tolerance:
        return Feedback(False, question["feedback_high"])
    return Feedback(True, question["feedback_right"])


#: Marks each field of the quiz it is in, once focused, so that JupyterLab's notebook
#: shortcuts (ArrowDown to the next cell, and the like) leave it alone, as explorer.js does
#: for its inputs (Lumino skips a target that has ``data-lm-suppress-shortcuts``), names each
#: question's radio buttons as one group (ipywidgets leaves them unnamed), so that the arrow
#: keys move the choice; and gives the quiz's fields a visible focus ring.
_KEEP_KEYS_ESM = """
export default { render({ el }) {
  let tries = 60;
  const mark = () => {
    const quiz = el.closest(".course-quiz");
    if (!quiz) return --tries > 0 && requestAnimationFrame(mark);
    quiz.addEventListener("focusin", ({ target }) => {
      target.setAttribute("data-lm-suppress-shortcuts", "true"); // Lumino looks at the target
      const question = target.type === "radio" && target.closest(".course-quiz-question");
      const group = `quiz-${Math.random().toString(36).slice(2)}`;
      const radios = question ? question.querySelectorAll("input[type=radio]") : [];
      radios.forEach((radio) => (radio.name ||= group));
    });
  };
  mark();
} };
"""
_KEEP_KEYS_CSS = """
.course-quiz input:focus-visible, .course-quiz button:focus-visible {
  outline: 3px solid #0b57d0 !important; outline-offset: 2px;
}
"""


class KeysStayInTheQuiz(anywidget.AnyWidget):
    """Nothing to see: keeps JupyterLab's notebook shortcuts out of its quiz."""

    _esm = _KEEP_KEYS_ESM
    _css = _KEEP_KEYS_CSS


class Quiz:
    """A lesson's quiz as widgets: each question answers with feedback at once."""

    def __init__(self, questions: Sequence[Mapping[str, Any]], *, title: str = "Check yourself"):
        import ipywidgets as w

        for question in questions:
            validate_question(question)
        self.questions = list(questions)
        # No heading when the lesson's own heading already says "Check yourself".
        boxes = [w.HTML(f"<h3>{html.escape(title)}</h3>")] if title else []
        self.feedback: list[w.HTML] = []
        self.inputs: list[w.Widget] = []
        for number, question in enumerate(self.questions, 1):
            feedback = w.HTML("")
            feedback.add_class("quiz-feedback")
            prompt = w.HTML(f"<p><b>{number}.</b> {html.escape(question['question'])}</p>")
            if question["kind"] == "choice":
                control = w.RadioButtons(
                    options=[(c["text"], i) for i, c in enumerate(question["choices"])],
                    value=None,
                    layout=w.Layout(width="auto"),
                )
                control.observe(self._answer(number - 1), names="value")
                row: w.Widget = control
            else:
                control = w.Text(
                    value="",
                    placeholder="type a number",
                    description=f"Answer ({question['unit']})",
                    style={"description_width": "initial"},
                    continuous_update=False,
                )
                check = w.Button(description="Check", layout=w.Layout(width="80px"))
                check.on_click(lambda _b, i=number - 1, c=control: self._show(i, c.value))
                control.observe(self._answer(number - 1), names="value")
                row = w.HBox([control, check])
            control.add_class("quiz-input")
            self.inputs.append(control)
            self.feedback.append(feedback)
            box = w.VBox([prompt, row, feedback])
            box.add_class("course-quiz-question")
            boxes.append(box)
        self.widget = w.VBox([*boxes, KeysStayInTheQuiz(layout={"display": "none"})])
        self.widget.add_class("course-quiz")

    def _answer(self, index: int):
        def on_change(change: dict[str, Any]) -> None:
            self._show(index, change["new"])

        return on_change

    def _show(self, index: int, answer: Any) -> None:
        if answer is None or answer == "":
            return
        question = self.questions[index]
        try:
            if isinstance(answer, str):
                try:
                    answer = read_number(answer, question["unit"])
                except ValueError:
                    raise ValueError(f"type a number in {question['unit']}") from None
            result = grade(question, answer)
        except ValueError as error:
            self.feedback[index].value = f"<p style='color:#B00020'>{html.escape(str(error))}</p>"
            return
        verdict = "Right." if result.correct else "Not quite."
        mark = "✔" if result.correct else "✘"
        self.feedback[index].value = (
            f"<p role='status' aria-live='polite'><b>{mark} {verdict}</b> "
            f"{html.escape(result.text)}</p>"
        )

    def answer(self, number: int, answer: Any) -> str:
        """Answer question ``number`` (from 1) as a learner would; return the feedback shown."""
        control = self.inputs[number - 1]
        control.value = str(answer) if self.questions[number - 1]["kind"] == "numeric" else answer
        return self.feedback[number - 1].value

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)
