"""Quizzes: every answer gets feedback that says why; bad quiz data is refused."""

from __future__ import annotations

import pytest

from widgets.ui.quiz import Quiz, grade, validate_question

CHOICE = {
    "id": "c",
    "kind": "choice",
    "question": "Which cell carries oxygen?",
    "choices": [
        {"text": "Red cell", "correct": True, "feedback": "It holds haemoglobin."},
        {"text": "Platelet", "correct": False, "feedback": "Platelets clot blood."},
    ],
}
NUMERIC = {
    "id": "n",
    "kind": "numeric",
    "question": "Median day?",
    "answer": 19,
    "tolerance": 1,
    "unit": "days",
    "feedback_low": "too low because",
    "feedback_right": "right because",
    "feedback_high": "too high because",
}


@pytest.mark.parametrize(
    ("answer", "correct", "text"),
    [
        (17.9, False, "too low because"),
        (18, True, "right because"),
        (19, True, "right because"),
        (20, True, "right because"),
        (20.1, False, "too high because"),
    ],
)
def test_numeric_answers_within_the_stated_tolerance(answer, correct, text):
    result = grade(NUMERIC, answer)
    assert (result.correct, result.text) == (correct, text)


def test_choice_feedback_says_why():
    assert grade(CHOICE, 0).text == "It holds haemoglobin."
    assert not grade(CHOICE, 1).correct
    with pytest.raises(ValueError, match="choice number from 0 to 1"):
        grade(CHOICE, 2)


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        (
            {**CHOICE, "choices": [{**c, "correct": False} for c in CHOICE["choices"]]},
            "exactly one choice must be correct",
        ),
        (
            {**CHOICE, "choices": [CHOICE["choices"][0], {"text": "x", "correct": False}]},
            "choice 2 has no feedback",
        ),
        ({**NUMERIC, "tolerance": -1}, "'tolerance' must be >= 0"),
        ({k: v for k, v in NUMERIC.items() if k != "feedback_high"}, "'feedback_high' is missing"),
        ({**NUMERIC, "kind": "essay"}, "'kind' must be 'choice' or 'numeric'"),
    ],
)
def test_incomplete_questions_are_refused(broken, message):
    with pytest.raises(ValueError, match=message):
        validate_question(broken)


def test_the_widget_shows_feedback_for_an_answer():
    quiz = Quiz([CHOICE, NUMERIC])
    assert "Right." in quiz.answer(1, 0) and "haemoglobin" in quiz.answer(1, 0)
    assert "Not quite." in quiz.answer(2, 25)
    assert "too high because" in quiz.feedback[1].value
    assert "type a number in days" in quiz.answer(2, "nineteen")
    assert "course-quiz" in quiz.widget._dom_classes
