"""The teacher guide (docs/teacher-guide.md) is rendered from assets/lessons/*.toml and current.

It fails if the committed guide is stale (run `make guide`), if a guiding question
has no model answer, or if a lesson (a notebook in lessons/ or a data file in
assets/lessons/) is missing from the guide.
"""

from __future__ import annotations

import copy
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import teacher_guide  # noqa: E402

DATA_FILES = teacher_guide.lesson_files()
NOTEBOOKS = sorted((ROOT / "lessons").glob("*.ipynb"))


def _load(path: Path) -> dict:
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    data.setdefault("id", path.stem)
    return data


@pytest.fixture(scope="module")
def guide() -> str:
    return teacher_guide.GUIDE.read_text(encoding="utf-8")


def test_the_committed_guide_is_what_make_guide_writes(guide: str):
    assert guide == teacher_guide.render(), "docs/teacher-guide.md is stale: run `make guide`"


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: p.stem)
def test_every_guiding_question_has_a_model_answer(path: Path):
    lesson = _load(path)
    assert lesson.get("guiding"), f"{path.name} has no guiding questions"
    missing = [
        g.get("id", "?") for g in lesson["guiding"] if not str(g.get("model_answer", "")).strip()
    ]
    assert not missing, f"{path.name}: guiding questions without a model answer: {missing}"


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: p.stem)
def test_the_lesson_data_have_everything_the_guide_shows(path: Path):
    assert teacher_guide.problems(_load(path)) == []


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: p.stem)
def test_the_timing_adds_up_to_the_lesson_length(path: Path):
    lesson = _load(path)
    total = teacher_guide.timing_minutes(lesson["teacher"]["timing"])
    assert total is not None, f"{path.name}: every timing line starts with 'N min'"
    assert total == lesson["minutes"], f"{path.name}: timing adds up to {total} min"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_lesson_notebook_has_its_data_and_its_chapter(path: Path, guide: str):
    data = ROOT / "assets" / "lessons" / f"{path.stem}.toml"
    assert data.exists(), f"{path.name} has no assets/lessons/{path.stem}.toml"
    lesson = _load(data)
    assert f"## Lesson {path.stem.split('-')[0]} · {lesson['title']}\n" in guide


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: p.stem)
def test_the_guide_shows_every_answer_and_note_of_the_lesson(path: Path, guide: str):
    lesson = _load(path)
    number = path.stem.split("-")[0]
    start = guide.index(f"## Lesson {number} · {lesson['title']}\n")
    end = guide.find("\n## Lesson ", start + 1)
    chapter = guide[start : end if end > 0 else None]
    expected = [f"About {lesson['minutes']} minutes"]
    for g in lesson["guiding"]:
        expected += [g["question"], g["model_answer"]]
    for q in lesson["quiz"]:
        expected.append(q["question"])
        if q["kind"] == "choice":
            for c in q["choices"]:
                expected += [c["text"], c["feedback"]]
        else:
            expected += [f"**Answer: {q['answer']:g} {q['unit']}**", q["feedback_right"]]
    teacher = lesson["teacher"]
    for field in teacher_guide.TEACHER_FIELDS:
        expected += teacher[field]
    absent = [text for text in expected if text not in chapter]
    assert not absent, f"lesson {number}'s chapter lacks:\n" + "\n".join(absent)


def test_a_missing_model_answer_stops_the_guide():
    lesson = _load(ROOT / "assets" / "lessons" / "00-introduction.toml")
    broken = copy.deepcopy(lesson)
    broken["guiding"][0]["model_answer"] = "  "
    with pytest.raises(teacher_guide.GuideError, match="has no model answer"):
        teacher_guide.render([broken])
    broken = copy.deepcopy(lesson)
    del broken["teacher"]["misconceptions"]
    with pytest.raises(teacher_guide.GuideError, match="misconceptions"):
        teacher_guide.render([broken])


def test_check_mode_reports_a_stale_guide(tmp_path: Path):
    stale = tmp_path / "guide.md"
    stale.write_text(teacher_guide.render().replace("Teacher guide", "Old guide"), "utf-8")
    assert teacher_guide.main(["--check", "--out", str(stale)]) == 1
    assert teacher_guide.main(["--out", str(stale)]) == 0
    assert teacher_guide.main(["--check", "--out", str(stale)]) == 0
