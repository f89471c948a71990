"""Every lesson can be shown as slides (jupyterlab-slideshow): the slide metadata of every cell.

The lessons are found by listing ``lessons/``, so a lesson added later is checked
with no edit here. The rules (course standard, "Teachers"):

* every cell carries an explicit ``slideshow.slide_type`` that jupyterlab-slideshow
  shows as meant (it never shows a ``-`` cell: ``tools/slides.py``), and the notebook
  carries the slides' look (code inputs hidden, text at 24 px, scrolling boxes);
* the first cell opens a slide;
* an explorer is on its own slide: its cell opens a ``slide``, holds that explorer
  and nothing else, and no other visible code shares the slide;
* every explorer the lesson registers is shown that way;
* helper code (imports, loading the lesson's data) is ``skip``, off the slides.
"""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

import pytest

from widgets.ui.explorer import all_explorers, explorers_for

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
import slides

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted((ROOT / "lessons").glob("*.ipynb"))
SLIDE_TYPES = {"slide", "subslide", "fragment", "skip", "notes", "-"}
#: Slide types that start a new slide (a horizontal or a vertical one).
NEW_SLIDE = {"slide", "subslide"}


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _slide_type(cell: dict) -> str | None:
    return cell.get("metadata", {}).get("slideshow", {}).get("slide_type")


def _called_names(tree: ast.AST) -> list[str]:
    """The functions a cell calls, but not an explorer built only to read its sentence
    (``Explorer(...).readout_text``, as a checked cell prints it): that one is never shown."""
    read = {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr == "readout_text"
    }
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and id(node) not in read:
            func = node.func
            if isinstance(func, ast.Attribute):
                names.append(func.attr)
            elif isinstance(func, ast.Name):
                names.append(func.id)
    return names


def _explorer_names() -> set[str]:
    return {cls.__name__ for cls in all_explorers()}


def _explorers_in(cell: dict, known: set[str]) -> list[str]:
    """The explorer classes a code cell creates (registered ones, or any *Explorer call)."""
    if cell["cell_type"] != "code":
        return []
    tree = ast.parse(_source(cell))
    return [n for n in _called_names(tree) if n in known or n.endswith("Explorer")]


def _is_helper(cell: dict) -> bool:
    """Helper code: a code cell that imports or is labelled as helper code."""
    if cell["cell_type"] != "code":
        return False
    source = _source(cell)
    tree = ast.parse(source)
    imports = any(isinstance(node, ast.Import | ast.ImportFrom) for node in tree.body)
    return imports or source.lstrip().lower().startswith("# helper")


def _slides(cells: list[dict]) -> list[list[int]]:
    """Cell indexes grouped by the slide they show on (skip and notes cells left out)."""
    slides: list[list[int]] = []
    for index, cell in enumerate(cells):
        kind = _slide_type(cell)
        if kind in NEW_SLIDE or not slides:
            slides.append([])
        if kind not in {"skip", "notes"}:
            slides[-1].append(index)
    return slides


def test_the_lessons_folder_has_lessons():
    assert LESSONS, "no lessons/*.ipynb found"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_every_cell_has_an_explicit_slide_type(path: Path):
    missing = [i for i, cell in enumerate(_cells(path)) if _slide_type(cell) not in SLIDE_TYPES]
    assert not missing, f"{path.name}: cells {missing} have no explicit slide type"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_the_first_cell_opens_a_slide(path: Path):
    assert _slide_type(_cells(path)[0]) == "slide"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_each_explorer_is_alone_on_its_own_slide(path: Path):
    cells = _cells(path)
    known = _explorer_names()
    problems = []
    for index, cell in enumerate(cells):
        found = _explorers_in(cell, known)
        if not found:
            continue
        if len(found) > 1:
            problems.append(f"cell {index} creates {len(found)} explorers ({', '.join(found)})")
        if _slide_type(cell) != "slide":
            problems.append(f"cell {index} ({found[0]}) is {_slide_type(cell)!r}, not 'slide'")
    for slide in _slides(cells):
        explorer_cells = [i for i in slide if _explorers_in(cells[i], known)]
        if not explorer_cells:
            continue
        other_code = [
            i for i in slide if cells[i]["cell_type"] == "code" and i not in explorer_cells
        ]
        if len(explorer_cells) > 1:
            problems.append(f"cells {explorer_cells} put several explorers on one slide")
        if other_code:
            problems.append(
                f"cells {other_code} show code on the slide of the explorer in cell "
                f"{explorer_cells[0]}: give them their own slide or subslide"
            )
    assert not problems, f"{path.name}:\n" + "\n".join(problems)


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_every_registered_explorer_of_the_lesson_is_on_a_slide(path: Path):
    cells = _cells(path)
    known = _explorer_names()
    shown = {
        name
        for cell in cells
        if _slide_type(cell) == "slide"
        for name in _explorers_in(cell, known)
    }
    declared = {cls.__name__ for cls in explorers_for(path.stem)}
    assert declared <= shown, f"{path.name}: not shown on a slide: {sorted(declared - shown)}"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_helper_code_is_kept_off_the_slides(path: Path):
    cells = _cells(path)
    known = _explorer_names()
    on_slides = [
        i
        for i, cell in enumerate(cells)
        if _is_helper(cell) and not _explorers_in(cell, known) and _slide_type(cell) != "skip"
    ]
    assert not on_slides, f"{path.name}: helper code cells {on_slides} are not 'skip'"
    mixed = [i for i, cell in enumerate(cells) if _is_helper(cell) and _explorers_in(cell, known)]
    assert not mixed, f"{path.name}: cells {mixed} import and show an explorer: split them"


def test_the_rules_catch_a_crowded_slide():
    """The checks themselves: a slide with two explorers and an unmarked cell fails."""
    cells = [
        {"cell_type": "markdown", "metadata": {"slideshow": {"slide_type": "slide"}}, "source": ""},
        {"cell_type": "code", "metadata": {"slideshow": {"slide_type": "slide"}}, "source": "A()"},
        {"cell_type": "code", "metadata": {}, "source": "intro.JourneyExplorer()"},
        {"cell_type": "code", "metadata": {"slideshow": {"slide_type": "-"}}, "source": "import x"},
    ]
    known = {"JourneyExplorer"}
    assert _slide_type(cells[2]) not in SLIDE_TYPES
    assert _explorers_in(cells[2], known) == ["JourneyExplorer"]
    # counted: a widget shown, an explorer kept in a name; not: one built to print its sentence
    counted = [
        "intro.JourneyExplorer().widget",
        "j = intro.JourneyExplorer()\nprint(j.readout_text)",
    ]
    for source in counted:
        cell = {"cell_type": "code", "metadata": {}, "source": source}
        assert _explorers_in(cell, known) == ["JourneyExplorer"], source
    printed = "print(intro.JourneyExplorer(day=5).readout_text)"
    assert _explorers_in({"cell_type": "code", "metadata": {}, "source": printed}, known) == []
    assert _slides(cells) == [[0], [1, 2, 3]]
    assert _is_helper(cells[3])


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_the_lesson_is_laid_out_for_the_slideshow(path: Path):
    """Check cells and their lead-ins skipped, predict questions on their own slide, no
    ``-`` cell (never shown), the slides' look in the notebook: `tools/slides.py apply`."""
    problems = slides.layout_problems(json.loads(path.read_text(encoding="utf-8")))
    assert not problems, f"{path.name} (run `python tools/slides.py apply`):\n" + "\n".join(
        problems
    )


def test_the_layout_rules_catch_what_the_slideshow_would_hide_or_show():
    cells = [
        {
            "cell_type": "markdown",
            "metadata": {"slideshow": {"slide_type": "slide"}},
            "source": "# T",
        },
        {"cell_type": "markdown", "metadata": {"slideshow": {"slide_type": "-"}}, "source": "x"},
        {"cell_type": "markdown", "metadata": {"slideshow": {"slide_type": "-"}}, "source": "## S"},
        {
            "cell_type": "markdown",
            "metadata": {"slideshow": {"slide_type": "slide"}},
            "source": "y",
        },
        {
            "cell_type": "code",
            "metadata": {"slideshow": {"slide_type": "-"}},
            "source": "# NBVAL_CHECK_OUTPUT\nf()",
        },
        {
            "cell_type": "code",
            "metadata": {"slideshow": {"slide_type": "fragment"}},
            "source": 'lesson.questions("a", "predict")',
        },
    ]
    assert slides.wanted_types(cells) == ["slide", "fragment", "slide", "skip", "skip", "subslide"]
    problems = slides.layout_problems({"cells": cells, "metadata": {}})
    assert "cell 1 has slide type '-': the slideshow never shows it" in problems
    assert any("jupyterlab-fonts" in p for p in problems)
