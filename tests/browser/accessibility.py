"""Accessibility checks of the browser suite: axe-core, the keyboard, text at 200 %.

axe-core is the copy that ``axe-playwright-python`` (pinned in requirements-test.txt)
bundles: it is injected into the page the suite already has open, so nothing is fetched.
It runs over everything the course renders on a surface, not over a list of known
elements, so markup added later (slides, answer boxes) is audited with no edit here:

* JupyterLab: every rendered markdown cell and every output area of the open notebook.
  **Excluded**: JupyterLab's own chrome (menus, side bars, tab bar, toolbars, status bar,
  the code editors, prompts and collapsers), which the course does not make.
* Voila: the whole page (the course's template renders only the lesson).
* The static site: the whole page.

A critical or serious violation fails the lesson; moderate and minor ones are printed and
kept in ``build/accessibility/axe.jsonl`` (one line per lesson, surface and moment).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from browser_harness import ROOT

REPORTS = ROOT / "build" / "accessibility"
BLOCKING = ("critical", "serious")
IMPACTS = ("critical", "serious", "moderate", "minor")

NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook"
#: What axe audits on each surface (None: the whole page).
AREAS: dict[str, dict[str, Any] | None] = {
    "jupyterlab": {
        "include": [[f"{NOTEBOOK} .jp-MarkdownOutput"], [f"{NOTEBOOK} .jp-OutputArea-output"]],
    },
    "voila": None,
    "site": None,
}
#: What is left out on each surface, and why (DEVELOPING.md repeats it).
EXCLUDED = {
    "jupyterlab": "JupyterLab's own chrome (menus, side bars, tab bar, toolbars, status bar, "
    "code editors, prompts, collapsers): axe audits only the rendered markdown and the outputs",
}


def axe_script() -> str:
    """axe-core as bundled by axe-playwright-python (no network)."""
    from axe_playwright_python.sync_playwright import Axe

    return Axe().axe_script


def audit(page, surface: str, lesson: str, moment: str, problems) -> dict[str, int]:
    """Run axe over what the course renders; a critical or serious violation is a problem.

    Returns the count of violating elements per impact, also printed and recorded.
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_script())
    context = AREAS[surface]
    result = page.evaluate(
        "([context]) => axe.run(context || document, {resultTypes: ['violations'], preload: false})"
        ".then((r) => r.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.map((n) => ({target: n.target.join(' '), html: n.html.slice(0, 160),"
        " summary: n.failureSummary}))})))",
        [context],
    )
    counts = {impact: 0 for impact in IMPACTS}
    rules: dict[str, int] = {}
    for violation in result:
        counts[violation["impact"]] += len(violation["nodes"])
        rules[f"{violation['id']} ({violation['impact']})"] = len(violation["nodes"])
        if violation["impact"] in BLOCKING:
            for node in violation["nodes"][:3]:
                problems.append(
                    f"axe {violation['impact']} {violation['id']} ({moment}): {violation['help']}:"
                    f" {node['target']}: {node['html']}"
                )
    print(f"axe {lesson} {surface} {moment}: {counts} {rules}")
    REPORTS.mkdir(parents=True, exist_ok=True)
    line = {"lesson": lesson, "surface": surface, "moment": moment, "counts": counts}
    with (REPORTS / "axe.jsonl").open("a", encoding="utf-8") as out:
        out.write(json.dumps({**line, "rules": rules}) + "\n")
    return counts


def summary(path: Path = REPORTS / "axe.jsonl") -> str:
    """The counts of the run, summed over the lessons, per surface and moment."""
    if not path.exists():
        return "no axe results"
    totals: dict[str, dict[str, int]] = {}
    for row in map(json.loads, path.read_text(encoding="utf-8").splitlines()):
        where = f"{row['surface']} {row['moment']}"
        surface = totals.setdefault(where, {impact: 0 for impact in IMPACTS})
        for impact, count in row["counts"].items():
            surface[impact] += count
    return "; ".join(f"{s}: {c}" for s, c in sorted(totals.items()))
