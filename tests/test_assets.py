"""The course's data: one bibliography that every citation resolves in, glossary, lessons."""

from __future__ import annotations

import re

import pytest

from tests.conftest import LESSONS, ROOT
from widgets import course
from widgets.science import published
from widgets.ui.assets import bibliography, glossary, lesson_data, lesson_ids
from widgets.ui.explorer import all_explorers, explorers_for
from widgets.ui.quiz import validate_question

LESSON_IDS = sorted(p.stem for p in LESSONS.glob("*.ipynb"))


def test_every_lesson_notebook_has_its_data_file_and_back():
    assert LESSON_IDS == lesson_ids()


@pytest.mark.parametrize("key", sorted(bibliography()))
def test_every_bibliography_entry_is_complete(key):
    entry = bibliography()[key]
    for field in ("authors", "title", "journal", "year"):
        assert str(entry.get(field, "")).strip(), f"{key} has no {field}"
    assert isinstance(entry["year"], int) and 1900 < entry["year"] <= 2026
    assert entry.get("doi") or entry.get("pmid") or entry.get("pages"), f"{key}: nowhere to find it"


def _cited_keys() -> set[str]:
    keys: set[str] = set()
    for lesson in lesson_ids():
        keys.update(lesson_data(lesson)["references"])
    for cls in all_explorers():
        keys.update(cls.sources)
    for value in vars(published).values():
        items = value.values() if isinstance(value, dict) else [value]
        for item in items:
            if isinstance(item, published.Sourced):
                keys.add(item.source)
    keys.update(p.source for p in published.INFECTION_PHASES)
    return keys


def test_every_citation_key_resolves():
    missing = sorted(_cited_keys() - set(bibliography()))
    assert not missing, f"citation keys not in assets/bibliography.toml: {missing}"


def test_short_citation_names_first_author_and_year():
    assert course.short_citation("champlin2000") == "Champlin 2000"
    assert course.short_citation("vanlaar2014") == "van Laar 2014"
    with pytest.raises(ValueError, match="'nobody1999'"):
        course.short_citation("nobody1999")


def test_an_unknown_key_is_reported():
    with pytest.raises(ValueError, match=r"'nobody1999' is not in assets/bibliography\.toml"):
        course.format_reference("nobody1999")


@pytest.mark.parametrize("lesson", LESSON_IDS)
def test_a_lesson_lists_the_sources_of_what_its_explorers_show(lesson):
    refs = set(lesson_data(lesson)["references"])
    for cls in explorers_for(lesson):
        assert set(cls.sources) <= refs, f"{cls.__name__} shows {set(cls.sources) - refs}"


@pytest.mark.parametrize("lesson", LESSON_IDS)
def test_lesson_data_is_complete(lesson):
    data = lesson_data(lesson)
    assert data["id"] == lesson
    assert data["title"] and data["minutes"] > 0 and data["references"]
    unknown_terms = set(data.get("glossary", [])) - set(glossary())
    assert not unknown_terms, f"glossary terms missing: {unknown_terms}"
    quiz = data["quiz"]
    assert len(quiz) >= (5 if lesson.startswith("00") else 6)
    kinds = {q["kind"] for q in quiz}
    assert kinds == {"choice", "numeric"}, "quizzes mix multiple choice and numeric read-offs"
    for question in quiz:
        validate_question(question)
    assert len({q["id"] for q in quiz}) == len(quiz)
    sections: dict[str, set[str]] = {}
    for g in data["guiding"]:
        assert g["stage"] in course.STAGES
        assert g["question"].strip() and g["model_answer"].strip(), g["id"]
        sections.setdefault(g["section"], set()).add(g["stage"])
    for section, stages in sections.items():
        assert stages == set(course.STAGES), f"{section} lacks {set(course.STAGES) - stages}"
    teacher = data["teacher"]
    for field in ("timing", "misconceptions", "discussion", "class_plan"):
        assert teacher[field], f"[teacher] {field} is empty"


@pytest.mark.parametrize("lesson", LESSON_IDS)
def test_every_guiding_section_is_shown_in_the_notebook(lesson):
    text = (LESSONS / f"{lesson}.ipynb").read_text(encoding="utf-8")
    shown = set(re.findall(r'lesson\.questions\(\\"([\w-]+)\\"', text))
    wanted = {g["section"] for g in lesson_data(lesson)["guiding"]}
    assert shown == wanted


def test_rendered_blocks():
    lesson = course.Lesson("00-introduction")
    refs = lesson.references()
    assert "Champlin RE" in refs.text and "doi:" in refs.text
    questions = lesson.questions("journey", "predict")
    assert questions.text.startswith("Predict.") and questions.spec["items"][0]["model_answer"]
    with pytest.raises(ValueError, match="section must be one of"):
        lesson.questions("nowhere")
    with pytest.raises(ValueError, match="stages must be among"):
        lesson.questions("journey", "guess")
    assert "glossary-engraftment" in lesson.glossary()._repr_html_()
    with pytest.raises(ValueError, match="lesson must be one of"):
        course.Lesson("99-missing")


def test_glossary_entries_have_terms_and_definitions():
    for term_id, entry in glossary().items():
        assert entry["term"].strip() and entry["definition"].strip(), term_id


def test_asset_files_parse():
    for path in (ROOT / "assets").rglob("*.toml"):
        assert path.stat().st_size > 0
