"""Lesson 03's data and notebook: numeric quiz answers equal what the science shows."""

from __future__ import annotations

import json

import pytest

from tests.conftest import LESSONS
from widgets import course, gene_editing, science
from widgets.ui.assets import bibliography, glossary, lesson_data
from widgets.ui.explorer import explorers_for
from widgets.ui.quiz import grade

LESSON_ID = "03-gene-editing"
NOTEBOOK = LESSONS / f"{LESSON_ID}.ipynb"


@pytest.fixture(scope="module")
def lesson() -> course.Lesson:
    return course.Lesson(LESSON_ID)


def _quiz(lesson: course.Lesson, qid: str) -> dict:
    return next(q for q in lesson.data["quiz"] if q["id"] == qid)


# What each numeric question asks the learner to read off, computed by the science layer.
READ_OFFS = {
    "q-both-edited": lambda: 100 * science.edited_allele_distribution(0.80)[2],
    "q-red-cells-20": lambda: 100 * science.donor_red_cell_fraction(0.20),
    "q-scid-month12": lambda: 100 * science.corrected_share(0.05, 0.50, 12),
    "q-climb121": lambda: 100 * science.CLIMB121_FREE_OF_CRISES.value,
}


def test_every_numeric_question_is_checked(lesson):
    numeric = {q["id"] for q in lesson.data["quiz"] if q["kind"] == "numeric"}
    assert numeric == set(READ_OFFS)


@pytest.mark.parametrize("qid", sorted(READ_OFFS))
def test_numeric_answers_equal_what_the_science_shows(lesson, qid):
    question = _quiz(lesson, qid)
    shown = READ_OFFS[qid]()
    assert abs(shown - question["answer"]) <= min(question["tolerance"], 1.0)
    assert grade(question, shown).correct
    assert not grade(question, shown - 3 * question["tolerance"] - 1).correct


def test_the_explorers_show_the_numeric_answers(lesson):
    alleles = gene_editing.EditedAllelesExplorer(alleles_edited_percent=80)
    assert f"{_quiz(lesson, 'q-both-edited')['answer']} % have both" in alleles.readout_text
    red = gene_editing.RedCellChimerismExplorer(myeloid_chimerism_percent=20)
    assert f"{_quiz(lesson, 'q-red-cells-20')['answer']} % of the red cells" in red.readout_text
    scid = gene_editing.SelectiveAdvantageExplorer()
    scid.apply_scenario(next(name for name in scid.scenarios if "ADA-SCID" in name))
    scid.set(month=12)
    answer = _quiz(lesson, "q-scid-month12")["answer"]
    assert f"{answer} % of all lymphocytes at month 12" in scid.readout_text


def test_quiz_is_long_enough_and_mixed(lesson):
    kinds = [q["kind"] for q in lesson.data["quiz"]]
    assert len(kinds) >= 6 and kinds.count("choice") >= 3 and kinds.count("numeric") >= 3


def test_every_choice_has_one_right_answer_with_feedback(lesson):
    for question in lesson.data["quiz"]:
        if question["kind"] != "choice":
            continue
        right = [i for i, c in enumerate(question["choices"]) if c["correct"]]
        assert len(right) == 1
        assert grade(question, right[0]).correct
        for i in range(len(question["choices"])):
            assert grade(question, i).text.strip()


def test_references_cover_the_explorers_and_resolve(lesson):
    refs = set(lesson.data["references"])
    assert refs <= set(bibliography())
    for cls in explorers_for(LESSON_ID):
        assert set(cls.sources) <= refs, cls.__name__
    for step in science.ex_vivo_workflow():
        assert set(step.sources) <= refs, step.name
    assert {"franco1998", "magnani2020", "fitzhugh2017", "frangoul2024"} <= refs


def test_three_explorers_are_registered_for_the_lesson():
    ids = [cls.explorer_id for cls in explorers_for(LESSON_ID)]
    assert ids == ["gene_editing.alleles", "gene_editing.red_cells", "gene_editing.advantage"]


def test_glossary_terms_exist(lesson):
    assert set(lesson.data["glossary"]) <= set(glossary())


def test_guiding_sections_have_all_three_stages(lesson):
    for section in ("alleles", "enough", "advantage"):
        stages = [g["stage"] for g in lesson.guiding_questions(section)]
        assert stages == ["predict", "explore", "explain"]


# -- the notebook ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def notebook() -> dict:
    return json.loads(NOTEBOOK.read_text(encoding="utf-8"))


def test_every_cell_has_a_slide_type_and_each_explorer_its_own_slide(notebook):
    for cell in notebook["cells"]:
        assert cell["metadata"]["slideshow"]["slide_type"]
    explorer_cells = [
        c
        for c in notebook["cells"]
        if "Explorer()" in "".join(c["source"]) and c["cell_type"] == "code"
    ]
    assert len(explorer_cells) == 3
    assert all(c["metadata"]["slideshow"]["slide_type"] == "slide" for c in explorer_cells)


def test_kept_outputs_are_what_the_lesson_teaches(notebook):
    kept = [c for c in notebook["cells"] if c["metadata"].get("keep_output")]
    assert 2 <= len(kept) <= 4
    text = "".join("".join(o.get("text", "")) for c in kept for o in c["outputs"])
    assert "day 27 | Neutrophils engraft" in text
    assert "80 % |            4 % |     32 % |        64 % |         96 %" in text
    assert "20 % myeloid chimerism -> 68 % healthy red cells" in text


def test_skeleton(notebook):
    markdown = "\n".join(
        "".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "markdown"
    )
    lower = markdown.lower()
    for needle in (
        "not medical advice",
        f"about **{lesson_data(LESSON_ID)['minutes']} minutes**",
        "## summary",
        "## key terms",
        "## references",
        "teaching model",
        "climb-121",
        "climb-111",
        "strimvelis",
        "november 2023",
        "december 2023",
        "what is still open",
    ):
        assert needle in lower, needle
