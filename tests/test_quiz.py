"""Quizzes: every answer gets feedback that says why; bad quiz data is refused."""

from __future__ import annotations

import pytest

from widgets.ui.quiz import feedback, grade, read_number, validate_question

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


def test_the_page_shows_feedback_for_an_answer():
    assert "Right." in feedback(CHOICE, 0) and "haemoglobin" in feedback(CHOICE, 0)
    assert "Not quite." in feedback(NUMERIC, 25) and "too high because" in feedback(NUMERIC, 25)
    assert "type a number in days" in feedback(NUMERIC, "nineteen")


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("1,5", 1.5),
        ("0,25", 0.25),
        ("12,75", 12.75),
        ("1,500", 1500.0),
        ("1,500,000", 1_500_000.0),
        ("1,500.5", 1500.5),
        ("1.500,5", 1500.5),
        ("19", 19.0),
        (" 19.5 ", 19.5),
        ("1 500", 1500.0),
        ("\u22123,5", -3.5),
        ("-0,5", -0.5),
    ],
)
def test_a_decimal_comma_is_a_decimal_point_and_thousands_stay_thousands(typed, number):
    assert read_number(typed) == number


@pytest.mark.parametrize("typed", ["", "-", "abc", "1,2,3", "1,5,00", "19 days"])
def test_text_that_is_not_a_number_is_refused(typed):
    with pytest.raises(ValueError, match="not a number"):
        read_number(typed)


def test_the_page_reads_a_decimal_comma():
    question = {**NUMERIC, "answer": 1.5, "tolerance": 0.05}
    assert "Right." in feedback(question, "1,5")
    # 1,500 is fifteen hundred (a thousands comma), far past what this question can be
    assert "cannot be right here: type a number from 0 to 155 days" in feedback(question, "1,500")
    assert "too high because" in feedback(question, "1,75")
