"""Keep the lesson notebooks clean, and refresh the outputs that nbval checks.

Notebooks are stored without outputs, execution counts or widget state, except
for cells whose metadata says ``"keep_output": true``: those keep the outputs
of a fresh run, and their execution counts, so nbval (``--nbval-lax``, cells
marked ``# NBVAL_CHECK_OUTPUT``) compares real results.

Usage::

    python tools/notebooks.py refresh lessons/*.ipynb   # execute, keep only kept outputs
    python tools/notebooks.py check lessons/*.ipynb     # list hygiene problems, exit 1 if any
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

KERNEL_NAME = "stemcell-course"
MAX_KEPT_OUTPUT_BYTES = 20_000
SLIDE_TYPES = {"slide", "subslide", "fragment", "skip", "notes", "-"}


def hygiene_problems(path: Path) -> list[str]:
    """What is wrong with a stored notebook, as sentences (empty when it is clean)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    problems = []
    if "widgets" in nb.get("metadata", {}):
        problems.append("saved widget state in the notebook metadata")
    kernel = nb.get("metadata", {}).get("kernelspec", {}).get("name")
    if kernel != KERNEL_NAME:
        problems.append(f"kernelspec is {kernel!r}, not {KERNEL_NAME!r}")
    for index, cell in enumerate(nb.get("cells", [])):
        slide = cell.get("metadata", {}).get("slideshow", {}).get("slide_type")
        if slide not in SLIDE_TYPES:
            problems.append(f"cell {index} has no explicit slide type")
        if cell.get("cell_type") != "code":
            if cell.get("attachments"):
                problems.append(f"cell {index} has attachments")
            continue
        keep = cell.get("metadata", {}).get("keep_output", False)
        outputs = cell.get("outputs", [])
        if keep:
            if not outputs or not cell.get("execution_count"):
                problems.append(f"cell {index} is keep_output but has no outputs or count")
            if "NBVAL_CHECK_OUTPUT" not in "".join(cell.get("source", "")):
                problems.append(f"cell {index} is keep_output but not marked NBVAL_CHECK_OUTPUT")
            if len(json.dumps(outputs)) > MAX_KEPT_OUTPUT_BYTES:
                problems.append(f"cell {index} keeps more than {MAX_KEPT_OUTPUT_BYTES} bytes")
            for output in outputs:
                if "application/vnd.jupyter.widget-view+json" in output.get("data", {}):
                    problems.append(f"cell {index} keeps a widget view (random id)")
        else:
            if outputs:
                problems.append(f"cell {index} has stored outputs but no keep_output")
            if cell.get("execution_count") is not None:
                problems.append(f"cell {index} has an execution count but no keep_output")
    return problems


def strip(nb: dict[str, Any]) -> dict[str, Any]:
    """Drop outputs, counts and widget state, except the kept cells' outputs and counts."""
    nb.get("metadata", {}).pop("widgets", None)
    for cell in nb.get("cells", []):
        cell.get("metadata", {}).pop("execution", None)
        if cell.get("cell_type") != "code":
            continue
        if not cell.get("metadata", {}).get("keep_output", False):
            cell["outputs"] = []
            cell["execution_count"] = None
        else:
            for output in cell.get("outputs", []):
                output.get("metadata", {}).clear()
    return nb


def refresh(path: Path, timeout: int = 300) -> None:
    """Execute a notebook on a fresh kernel and store it clean with its kept outputs."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name=KERNEL_NAME,
        resources={"metadata": {"path": str(path.parent)}},
        store_widget_state=False,
    )
    client.execute()
    data = json.loads(nbformat.writes(nb))
    path.write_text(json.dumps(strip(data), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def markdown(text: str, slide: str = "-") -> dict[str, Any]:
    """A markdown cell with an explicit slide type (for scripts that write lessons)."""
    return {
        "cell_type": "markdown",
        "metadata": {"slideshow": {"slide_type": slide}},
        "source": text.strip("\n"),
    }


def code(source: str, slide: str = "-", *, keep_output: bool = False) -> dict[str, Any]:
    """A code cell with an explicit slide type; ``keep_output`` for a cell nbval checks."""
    metadata: dict[str, Any] = {"slideshow": {"slide_type": slide}}
    source = source.strip("\n")
    if keep_output:
        metadata["keep_output"] = True
        if "NBVAL_CHECK_OUTPUT" not in source:
            source = "# NBVAL_CHECK_OUTPUT\n" + source
    return {
        "cell_type": "code",
        "execution_count": None,
        "metadata": metadata,
        "outputs": [],
        "source": source,
    }


def write_notebook(path: Path, cells: list[dict[str, Any]], title: str) -> None:
    """Write a lesson notebook for the course kernel (then run ``refresh`` on it)."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {
            "name": KERNEL_NAME,
            "display_name": "Stem cell course (Python 3)",
            "language": "python",
        },
        "language_info": {"name": "python"},
        "title": title,
    }
    nb.cells = [nbformat.from_dict(cell) for cell in cells]
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{index:03d}"
    path.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["refresh", "check"])
    parser.add_argument("notebooks", nargs="+", type=Path)
    args = parser.parse_args(argv)
    status = 0
    for path in args.notebooks:
        if args.command == "refresh":
            refresh(path)
            print(f"refreshed {path}")
        for problem in hygiene_problems(path):
            print(f"{path}: {problem}")
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
