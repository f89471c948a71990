"""The lessons as slides in jupyterlab-slideshow: slide types and the slides' look.

jupyterlab-slideshow (the notebook's *Deck* button, or Alt+R: see
``share/jupyter/lab/settings/overrides.d``) presents a notebook inside JupyterLab
itself, so the explorers stay live. It reads each cell's ``slideshow.slide_type``:

* ``slide`` / ``subslide`` start a slide, ``fragment`` adds a cell to the slide on
  the next key, ``skip`` and ``notes`` keep a cell off the slides;
* ``-`` (nbconvert's "continue the slide") is *not* shown by jupyterlab-slideshow
  0.3: a cell that belongs with the one above is a ``fragment`` here.

It hides execution counts itself; everything else about the slides' look comes from
the notebook's ``@deathbeds/jupyterlab-fonts`` metadata, which it applies only while
presenting (``SLIDE_STYLES``): code inputs hidden, lesson text at 24 px, and the quiz,
key terms and references in boxes that scroll within a 1280x720 slide.

Usage::

    python tools/slides.py apply lessons/*.ipynb   # set slide types and the slides' look
    python tools/slides.py check lessons/*.ipynb   # exit 1 if a lesson is not laid out so
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

FONTS_KEY = "@deathbeds/jupyterlab-fonts"
PRESENTING = "body[data-jp-deck-mode='presenting'] &"
#: Lesson text on a slide, in px (a projector at 1280x720).
SLIDE_TEXT_PX = 24
#: The tallest a scrolling box (quiz, key terms, references) may be on a slide, in px.
SCROLL_BOX_PX = 540
SCROLL_BOXES = (
    "& .course-quiz, & .course-key-terms, & .course-references,"
    " & .jp-OutputArea-output:has(> .course-glossary)"
)
SLIDE_STYLES: dict[str, Any] = {
    "styles": {
        ":root": {
            PRESENTING: {
                "--jp-content-font-size1": f"{SLIDE_TEXT_PX}px",
                "--jp-content-font-size2": "1.1em",
                "--jp-content-font-size3": "1.2em",
                "--jp-content-font-size4": "1.35em",
                "--jp-content-font-size5": "1.5em",
                "--jp-ui-font-size1": f"{SLIDE_TEXT_PX}px",
                "--jp-widgets-font-size": f"{SLIDE_TEXT_PX}px",
                "& .jp-CodeCell .jp-Cell-inputWrapper": {"display": "none"},
                "& .jp-RenderedHTMLCommon": {"line-height": "1.35"},
                SCROLL_BOXES: {
                    "max-height": f"{SCROLL_BOX_PX}px",
                    "overflow-y": "auto",
                    "overscroll-behavior": "contain",
                },
            }
        }
    }
}
#: The slide types jupyterlab-slideshow shows or hides as the course means them.
SLIDE_TYPES = ("slide", "subslide", "fragment", "skip", "notes")
CHECK_MARK = "NBVAL_CHECK_OUTPUT"
#: A section's guiding questions (each with its answer box) have a slide of their own: the
#: predict question between the text and the explorer, the others after it.
QUESTIONS_CALL = ".questions("
#: A markdown cell this short just before an nbval check cell only introduces it: it goes
#: off the slides with it.
LEAD_IN_CHARS = 200


def _source(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _slide_type(cell: dict[str, Any]) -> str | None:
    return cell.get("metadata", {}).get("slideshow", {}).get("slide_type")


def is_check_cell(cell: dict[str, Any]) -> bool:
    return cell["cell_type"] == "code" and CHECK_MARK in _source(cell)


def wanted_types(cells: list[dict[str, Any]]) -> list[str]:
    """The slide type each cell should have (the lesson's own choice where it is valid)."""
    wanted = []
    for index, cell in enumerate(cells):
        kind = _slide_type(cell) or "-"
        following = cells[index + 1] if index + 1 < len(cells) else None
        if is_check_cell(cell):
            kind = "skip"
        elif cell["cell_type"] == "code" and QUESTIONS_CALL in _source(cell):
            kind = "subslide"
        elif (
            cell["cell_type"] == "markdown"
            and following is not None
            and is_check_cell(following)
            and len(_source(cell)) < LEAD_IN_CHARS
        ):
            kind = "skip"
        elif kind == "-":
            starts_section = cell["cell_type"] == "markdown" and _source(cell).startswith("## ")
            kind = "slide" if starts_section else "fragment"
        wanted.append(kind)
    return wanted


def layout_problems(nb: dict[str, Any]) -> list[str]:
    """What keeps a notebook from showing as the course's slides, as sentences."""
    cells = nb.get("cells", [])
    problems = []
    for index, (cell, kind) in enumerate(zip(cells, wanted_types(cells), strict=True)):
        have = _slide_type(cell)
        if have not in SLIDE_TYPES:
            problems.append(f"cell {index} has slide type {have!r}: the slideshow never shows it")
        elif have != kind:
            problems.append(f"cell {index} is {have!r}, should be {kind!r}")
    if nb.get("metadata", {}).get(FONTS_KEY) != SLIDE_STYLES:
        problems.append(f"the notebook's {FONTS_KEY} metadata is not the slides' look")
    return problems


def apply(path: Path) -> bool:
    """Lay a lesson out as slides in place; True when the file changed."""
    text = path.read_text(encoding="utf-8")
    nb = json.loads(text)
    for cell, kind in zip(nb["cells"], wanted_types(nb["cells"]), strict=True):
        cell.setdefault("metadata", {}).setdefault("slideshow", {})["slide_type"] = kind
    nb.setdefault("metadata", {})[FONTS_KEY] = SLIDE_STYLES
    new = json.dumps(nb, indent=1, ensure_ascii=False) + "\n"
    if new != text:
        path.write_text(new, encoding="utf-8")
    return new != text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["apply", "check"])
    parser.add_argument("notebooks", nargs="+", type=Path)
    args = parser.parse_args(argv)
    status = 0
    for path in args.notebooks:
        if args.command == "apply" and apply(path):
            print(f"laid out {path} as slides")
        for problem in layout_problems(json.loads(path.read_text(encoding="utf-8"))):
            print(f"{path}: {problem}")
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
