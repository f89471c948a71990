"""What the course says, checked as content: quiz choices, abbreviations, main-path words,
computed minutes, explorer captions, key terms, and the words of the built site pages.
"""

from __future__ import annotations

import html
import json
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from widgets import course
from widgets.ui.assets import glossary, lesson_data, lesson_ids
from widgets.ui.explorer import all_explorers
from widgets.ui.quiz import feedback, grade, read_number

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import teacher_guide  # noqa: E402
import wordcount  # noqa: E402

LESSONS = lesson_ids()
CHOICE_QUESTIONS = [
    (lesson, q) for lesson in LESSONS for q in lesson_data(lesson)["quiz"] if q["kind"] == "choice"
]


# -- quiz choices -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lesson", "question"), CHOICE_QUESTIONS, ids=[q["id"] for _, q in CHOICE_QUESTIONS]
)
def test_every_choice_has_its_own_id(lesson, question):
    ids = [c.get("id") for c in question["choices"]]
    assert all(ids) and len(set(ids)) == len(ids), f"{lesson} {question['id']}: {ids}"
    for choice in question["choices"]:
        assert grade(question, choice["id"]).choice_id == choice["id"]
        assert grade(question, choice["id"]).correct == bool(choice["correct"])


def test_right_answers_are_spread_over_the_positions():
    positions = Counter(
        [c["correct"] for c in q["choices"]].index(True) for _, q in CHOICE_QUESTIONS
    )
    total = sum(positions.values())
    assert total >= 15
    # no position holds more than 40 % of the right answers, and the first three each
    # hold at least a fifth (a learner who always picks one position scores poorly)
    assert max(positions.values()) <= 0.4 * total, positions
    assert all(positions[p] >= 0.2 * total for p in (0, 1, 2)), positions


def test_the_right_answer_is_not_usually_the_longest():
    longest = sum(
        len(q["choices"][[c["correct"] for c in q["choices"]].index(True)]["text"])
        == max(len(c["text"]) for c in q["choices"])
        for _, q in CHOICE_QUESTIONS
    )
    assert longest <= len(CHOICE_QUESTIONS) // 2, f"{longest} of {len(CHOICE_QUESTIONS)}"


VERDICT_START = re.compile(r"^(right|correct|yes|wrong|not quite)\b", re.I)


@pytest.mark.parametrize("lesson", LESSONS)
def test_feedback_does_not_repeat_the_verdict(lesson):
    """The quiz prints 'Right.' or 'Not quite.' itself; feedback must not say it again."""
    for q in lesson_data(lesson)["quiz"]:
        texts = [c["feedback"] for c in q.get("choices", [])]
        texts += [q[k] for k in ("feedback_low", "feedback_right", "feedback_high") if k in q]
        for text in texts:
            assert not VERDICT_START.match(text), f"{q['id']}: {text[:40]}"


@pytest.mark.parametrize(
    ("typed", "unit", "value"),
    [
        ("9", "days", 9.0),
        ("9 days", "days", 9.0),
        ("9 Days", "days", 9.0),
        ("1 day", "days", 1.0),
        ("21 day", "day", 21.0),
        ("58%", "%", 58.0),
        (" 58 % ", "%", 58.0),
        ("1,500", "mL", 1500.0),
        ("14.9 %", "%", 14.9),
        ("7.1 months", "months", 7.1),
        ("3 criteria", "criteria", 3.0),
    ],
)
def test_a_number_may_carry_its_unit(typed, unit, value):
    assert read_number(typed, unit) == pytest.approx(value)


@pytest.mark.parametrize(("typed", "unit"), [("nine", "days"), ("9 weeks", "days"), ("", "%")])
def test_anything_else_is_refused_with_what_to_type(typed, unit):
    with pytest.raises(ValueError, match=f"type a number in {re.escape(unit)}"):
        read_number(typed, unit)


def test_the_quiz_widget_reads_a_unit_and_says_right_once():
    lesson = course.Lesson("00-introduction")
    quiz = lesson.quiz()
    assert quiz.spec["kind"] == "quiz" and quiz.spec["items"] == lesson.data["quiz"]
    question = next(q for q in quiz.spec["items"] if q["id"] == "q-cord-delay")
    shown = feedback(question, "9 days")
    assert "Right." in shown and shown.count("Right") == 1
    assert "type a number" not in shown
    # the notebook's own heading says "Check yourself": the widget adds no second one
    assert quiz.spec["title"] == ""


# -- abbreviations ------------------------------------------------------------------------

#: A word of two or more capitals (digits allowed, a plural 's' allowed): HR, FEV1, TRECs.
ABBREVIATION = re.compile(r"^([A-Z0-9]*[A-Z][A-Z0-9]*[A-Z][A-Z0-9]*)s?$")
#: Units written in capitals are not abbreviations a learner must look up.
UNITS: set[str] = set()


def abbreviations(text: str) -> set[str]:
    """The abbreviations in a text; hyphenated words count part by part (II-IV, HCT-CI)."""
    text = re.sub(r"<[^>]+>", " ", text)  # HTML tags
    text = re.sub(r"https?://\S+", " ", text)
    found = set()
    for token in re.findall(r"[A-Za-z0-9]+(?:[-/][A-Za-z0-9]+)*", text):
        for part in re.split(r"[-/]", token):
            match = ABBREVIATION.match(part)
            if match and match.group(1) not in UNITS:
                found.add(match.group(1))
    return found


def known_abbreviations() -> set[str]:
    """Abbreviations the glossary explains, and glossary words written in capitals (AUTOLOGOUS)."""
    known: set[str] = set()
    for entry in glossary().values():
        known |= abbreviations(entry["term"])
        known |= set(entry.get("abbreviations", []))
        known |= {word.upper() for word in re.findall(r"[A-Za-z]{4,}", entry["term"])}
    return known


def _strings(value: Any):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _notebook_markdown(lesson: str) -> str:
    nb = json.loads((ROOT / "lessons" / f"{lesson}.ipynb").read_text(encoding="utf-8"))
    return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")


def test_the_abbreviation_finder_reads_the_issue_examples():
    text = "HR 0.35; GI stage; FEV1 and DLCO; CML; grades II-IV; 3 TRECs; 20 mL of HbF."
    assert abbreviations(text) == {"HR", "GI", "FEV1", "DLCO", "CML", "II", "IV", "TREC"}


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_abbreviation_is_in_the_glossary(lesson):
    texts = [_notebook_markdown(lesson), *_strings(lesson_data(lesson))]
    used = set().union(*(abbreviations(t) for t in texts))
    missing = sorted(used - known_abbreviations())
    assert not missing, f"{lesson}: abbreviations without a glossary entry: {missing}"


@pytest.mark.parametrize("explorer_id", sorted(cls.explorer_id for cls in all_explorers()))
def test_explorers_sentences_use_only_abbreviations_in_the_glossary(explorer_id):
    """The title and the sentence under the figure, at start-up and in every scenario."""
    cls = next(c for c in all_explorers() if c.explorer_id == explorer_id)
    explorer = cls()
    texts = [cls.title, explorer.readout_text]
    for name in explorer.scenarios:
        explorer.apply_scenario(name)
        texts.append(explorer.readout_text)
    used = set().union(*(abbreviations(t) for t in texts))
    missing = sorted(used - known_abbreviations())
    assert not missing, f"{explorer_id}: abbreviations without a glossary entry: {missing}"


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_key_term_exists(lesson):
    assert set(lesson_data(lesson)["glossary"]) <= set(glossary())


# -- key terms and glossary: a term and its definition together ---------------------------


@pytest.mark.parametrize("lesson", LESSONS)
def test_key_terms_open_in_place(lesson):
    body = course.Lesson(lesson).key_terms()._repr_html_()
    assert "<dl" not in body and "href" not in body  # no link to another notebook
    terms = re.findall(r"<details class='course-term'[^>]*>(.*?)</details>", body)
    assert len(terms) == len(lesson_data(lesson)["glossary"])
    for item in terms:
        assert re.fullmatch(r"<summary><b>[^<]+</b></summary><p[^>]*>[^<]+</p>", item), item


def test_the_whole_glossary_is_one_row_per_term():
    body = course.Lesson("00-introduction").glossary()._repr_html_()
    assert "<dl" not in body
    row = r"<tr id='glossary-([\w-]+)'><th[^>]*>([^<]+)</th><td[^>]*>([^<]+)</td>"
    rows = re.findall(row, body)
    assert len(rows) == len(glossary())
    for term_id, term, definition in rows:
        entry = glossary()[term_id]
        assert term == html.escape(entry["term"])
        assert definition == html.escape(entry["definition"])


# -- explorers' captions and "About this model" -------------------------------------------

EXPLORERS = {cls.explorer_id: cls for cls in all_explorers()}


@pytest.mark.parametrize("explorer_id", sorted(EXPLORERS))
def test_every_explorer_has_a_short_caption_and_an_about_text(explorer_id):
    cls = EXPLORERS[explorer_id]
    tables = lesson_data(cls.lesson).get("explorers", {})
    assert explorer_id in tables, f"{cls.lesson}.toml has no [explorers.{explorer_id!r}]"
    texts = tables[explorer_id]
    fields = {"title", "sources", "caption", "about", "scenarios"}
    fields |= {"nodes"}  # words on lesson 00's decision tree
    fields |= {"donors", "conditions", "karnofsky_levels"}  # words on lesson 04's controls
    assert {"title", "caption", "about"} <= set(texts) <= fields
    assert 0 < wordcount.count_words(texts["caption"]) <= 60
    assert wordcount.count_words(texts["about"]) > wordcount.count_words(texts["caption"])
    if "teaching model" in cls.caption.lower():
        assert "teaching model" in texts["caption"].lower()


@pytest.mark.parametrize("lesson", LESSONS)
def test_explorer_tables_name_only_explorers_of_the_lesson(lesson):
    for explorer_id in lesson_data(lesson).get("explorers", {}):
        assert explorer_id in EXPLORERS and EXPLORERS[explorer_id].lesson == lesson


# -- main-path words and computed minutes -------------------------------------------------


@pytest.fixture(scope="module")
def main_paths() -> dict[str, wordcount.MainPath]:
    return {lesson: wordcount.lesson_main_path(lesson) for lesson in LESSONS}


@pytest.mark.parametrize("lesson", LESSONS)
def test_the_main_path_is_at_most_2000_words(lesson, main_paths):
    path = main_paths[lesson]
    assert path.total <= wordcount.MAX_MAIN_PATH_WORDS, path.words


@pytest.mark.parametrize("lesson", LESSONS)
def test_stated_minutes_are_the_computed_minutes(lesson, main_paths):
    path = main_paths[lesson]
    computed = wordcount.lesson_minutes(lesson, path.total, path.explorers, path.quiz_questions)
    data = lesson_data(lesson)
    assert data["minutes"] == computed, "run `python tools/wordcount.py --update`"
    assert wordcount.stated_minutes(lesson) == [str(computed)]
    teacher = data["teacher"]
    assert teacher_guide.timing_minutes(teacher["timing"]) == computed
    guide = teacher_guide.GUIDE.read_text(encoding="utf-8")
    assert f"*About {computed} minutes.* Notebook: [`lessons/{lesson}.ipynb`]" in guide
    # a 50-minute class fits the lesson and its start-up
    assert computed + teacher_guide.STARTUP_MINUTES <= teacher_guide.CLASS_MINUTES
    assert teacher["skip_when_short"]


def test_minutes_follow_the_formula():
    data = lesson_data("01-aplastic-anemia")["timing"]
    minutes = wordcount.lesson_minutes("01-aplastic-anemia", 1500, 3, 8)
    expected = 1500 / data["words_per_minute"] + 3 * data["minutes_per_explorer"]
    expected += 8 * data["minutes_per_quiz_question"]
    assert minutes == -(-expected // 1)


PAGE = """<html><head><style>p {color: red}</style><script>var a = "hidden words";</script></head>
<body><h1>Lesson</h1><p>One two three.</p>
<details><summary>Go deeper</summary><p>four five six seven</p>
<details><summary>inner</summary>eight</details></details>
<ul><li>nine ten</li></ul><h2>Key terms</h2><p>not counted at all</p></body></html>"""


def test_the_html_count_skips_folds_and_stops_at_the_key_terms():
    text = wordcount.main_path_text_html(PAGE)
    assert text == "Lesson One two three. Go deeper nine ten"
    assert wordcount.main_path_words_html(PAGE) == 8


def test_the_notebook_count_sees_only_a_folds_summary():
    md = "Seen words.\n\n<details><summary>Go deeper</summary>\n\nhidden hidden\n\n</details>"
    assert wordcount.count_words(wordcount._markdown_text(md)) == 4


SITE = ROOT / "build" / "site"


@pytest.mark.parametrize("lesson", LESSONS)
def test_built_site_pages_show_at_most_2000_words_outside_folds(lesson):
    """Measured on `make site`'s pages when they have been built (the site test builds them)."""
    pages = sorted(SITE.glob(f"**/{lesson}*.html")) if SITE.exists() else []
    if not pages:
        pytest.skip("build/site has no page for this lesson: run `make site` first")
    for page in pages:
        words = wordcount.main_path_words_html(page.read_text(encoding="utf-8"))
        assert words <= wordcount.MAX_MAIN_PATH_WORDS, f"{page.name}: {words} words"


# -- bibliography and borrowed thresholds ---------------------------------------------------

#: What a bibliography field must not hold: a bracketed placeholder, or a note that the
#: field was not found ("[Authors not shown ...]").
PLACEHOLDER = re.compile(r"\[[^\]]*\]|not shown", re.IGNORECASE)


def test_the_placeholder_finder_reads_the_kinds_it_must_refuse():
    assert PLACEHOLDER.search("[Authors not shown in the abstract read]")
    assert PLACEHOLDER.search("Title not shown")
    assert PLACEHOLDER.search("Cell doses [see PMID 32057614]")
    assert not PLACEHOLDER.search("Kharfan-Dabaja MA, Kumar A, Ayala E, et al.")
    assert not PLACEHOLDER.search("volume 27(8), pages 642-649")


def test_no_bibliography_field_is_a_placeholder():
    from widgets.ui.assets import bibliography

    bad = [
        f"{key}.{field}: {value!r}"
        for key, entry in bibliography().items()
        for field, value in entry.items()
        if isinstance(value, str) and PLACEHOLDER.search(value)
    ]
    assert not bad, bad


# A low-dose warning whose threshold was measured on other grafts than the slider's says
# so: (graft source, the words that label the borrowed threshold).
BORROWED_THRESHOLDS = [
    # Brunstein 2010: < 1.7 x10^5/kg was linked to poor engraftment of a single cord unit;
    # the slider is the two-unit total
    ("double_cord_blood", ("single cord unit", "total of two units", "single-unit threshold")),
    # Bittencourt 2002 studied HLA-identical sibling marrow, not haploidentical marrow
    ("haploidentical_marrow", ("sibling-marrow threshold", "borrowed", "haploidentical")),
]


@pytest.mark.parametrize(("source", "labels"), BORROWED_THRESHOLDS)
def test_a_borrowed_low_dose_threshold_is_labelled_as_borrowed(source, labels):
    from widgets import science

    g = science.GRAFT_CD34_DOSES[source]
    warning = science.low_dose_warning(source, g.minimum)
    assert warning is not None
    for words in labels:
        assert words in warning, (source, words, warning)
    about = lesson_data("01-aplastic-anemia")["explorers"]["aplastic.engraftment"]["about"]
    assert "single-unit threshold" in about and "borrows the sibling-marrow threshold" in about
