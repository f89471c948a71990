"""Every lesson notebook: stored clean, on the course kernel, with the course skeleton."""

from __future__ import annotations

import json
import sys

import pytest

from tests.conftest import LESSONS, ROOT

sys.path.insert(0, str(ROOT / "tools"))
import notebooks

NOTEBOOKS = sorted(LESSONS.glob("*.ipynb"))


def test_the_lessons_are_there():
    names = [p.name for p in NOTEBOOKS]
    assert "00-introduction.ipynb" in names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_hygiene(path):
    assert notebooks.hygiene_problems(path) == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_checks_real_values(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    kept = [c for c in nb["cells"] if c.get("metadata", {}).get("keep_output")]
    assert 1 <= len(kept) <= 6, "keep a few deterministic result cells for nbval to compare"
    for cell in kept:
        text = json.dumps(cell["outputs"])
        assert "-0.0" not in text


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_lesson_skeleton(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    markdown = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    lower = markdown.lower()
    assert "not medical advice" in lower
    assert "minutes" in lower, "objectives state an estimated time"
    assert "## summary" in lower
    for call in ("lesson.quiz()", "lesson.references()"):
        assert call in code


def test_hygiene_check_finds_problems(tmp_path):
    nb = json.loads(NOTEBOOKS[0].read_text(encoding="utf-8"))
    nb["metadata"]["widgets"] = {"state": {}}
    code_cell = next(c for c in nb["cells"] if c["cell_type"] == "code")
    code_cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "x"}]
    code_cell["execution_count"] = 3
    del nb["cells"][0]["metadata"]["slideshow"]
    bad = tmp_path / "bad.ipynb"
    bad.write_text(json.dumps(nb), encoding="utf-8")
    problems = " | ".join(notebooks.hygiene_problems(bad))
    assert "saved widget state" in problems
    assert "stored outputs but no keep_output" in problems
    assert "no explicit slide type" in problems
