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

import contextlib
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


def audit(
    page, surface: str, lesson: str, moment: str, problems, *, record: bool = True
) -> dict[str, int]:
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
    if not record:
        return counts
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


# -- the keyboard, start to end -------------------------------------------------------------
#: What the keyboard must reach in the course's area (one stop per group of radio buttons),
#: each marked with its place in the page's order.
MARK_STOPS_JS = """
(area) => {
  const groups = new Set();
  const stops = [];
  const scope = area ? Array.from(document.querySelectorAll(area)) : [document.body];
  const wanted = 'input:not([disabled]):not([type=hidden]), select:not([disabled]),'
    + ' button:not([disabled]), summary, textarea, a[href]';
  for (const root of scope) for (const node of root.querySelectorAll(wanted)) {
    if (node.closest('.jp-InputArea-editor, nav, footer')) continue;
    if (!node.checkVisibility({visibilityProperty: true})) continue;
    if (node.type === 'radio') { if (groups.has(node.name)) continue; groups.add(node.name); }
    node.dataset.kbStop = String(stops.length);
    const name = node.getAttribute('aria-label') || node.textContent || node.name || '';
    const type = node.type ? '[' + node.type + ']' : '';
    stops.push(node.tagName.toLowerCase() + type + ': ' + name.trim().slice(0, 40));
  }
  return stops;
}
"""

#: The focused element: its stop, kind, whether a focus ring shows, and its value.
FOCUSED_JS = """
() => {
  const a = document.activeElement;
  if (!a || a === document.body) return null;
  const radio = a.type === 'radio';
  const stop = radio ? document.querySelector(`[data-kb-stop][name="${a.name}"]`) || a : a;
  const ring = (n) => { const s = getComputedStyle(n);
    return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 1)
      || s.boxShadow !== 'none'; };
  const hidden = a.getBoundingClientRect().width < 4;  // a radio drawn as a button: its label rings
  return {stop: stop && stop.dataset.kbStop !== undefined ? Number(stop.dataset.kbStop) : null,
          tag: a.tagName.toLowerCase(), type: a.type || '', name: a.name || '',
          ring: ring(hidden ? a.closest('label') || a : a),
          value: a.type === 'checkbox' ? String(a.checked) : radio
            ? Array.from(document.getElementsByName(a.name)).map((r) => r.checked).join()
            : a.tagName === 'SUMMARY' ? String(a.parentElement.open) : String(a.value),
          atEnd: a.type === 'range' ? Number(a.value) >= Number(a.max)
            : a.tagName === 'SELECT' ? a.selectedIndex >= a.options.length - 1 : false};
}
"""


#: The feedback under the focused quiz question (None outside a quiz).
FEEDBACK_JS = """() => {
  const question = document.activeElement.closest('.course-quiz-question');
  const feedback = question && question.querySelector('.quiz-feedback');
  return feedback ? feedback.textContent : null;
}"""


#: How long a control may take to change after its key (the walk used to wait this long).
OPERATED_MS = 120
#: Two animation frames.
FRAMES_JS = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"


def _operate(page, focused) -> str | None:
    """Operate the focused control with its keys; the key pressed, or None to leave it."""
    kind = focused["type"] if focused["tag"] == "input" else focused["tag"]
    keys = {
        "range": "ArrowLeft" if focused["atEnd"] else "ArrowRight",
        "select": "ArrowUp" if focused["atEnd"] else "ArrowDown",
        "radio": "ArrowDown",
        "checkbox": "Space",
        "summary": "Enter",
    }
    key = keys.get(kind)
    if key:
        page.keyboard.press(key)
    return key


def keyboard_walk(
    page, surface: str, area: str | None, problems, *, screenshot=None, limit: int = 400
) -> int:
    """Tab through the lesson from its start to its end, operating every control on the way.

    Every control, scenario menu, fold and quiz answer of ``area`` must be reached by Tab, in
    the page's order, show a focus ring, and change when its key is pressed (a slider's
    arrow, a drop-down's and a radio group's ArrowDown, a box's Space, a fold's Enter), with
    the focus still on it (JupyterLab must not take ArrowDown to the next cell).
    """
    stops = page.evaluate(MARK_STOPS_JS, area)
    if surface == "jupyterlab":  # the notebook in command mode, as a learner reading it
        page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell").first.click()
        page.keyboard.press("Escape")
    reached: list[int] = []
    page.locator("[data-kb-stop='0']").focus()  # the lesson's first stop, then Tab only
    for press in range(limit):
        if press:
            page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED_JS)
        if focused is None or focused["stop"] is None:
            if reached and reached[-1] == len(stops) - 1:
                break  # past the last stop of the lesson
            continue
        stop = focused["stop"]
        if stop in reached:
            continue
        if reached and stop < reached[-1]:
            problems.append(
                f"keyboard ({surface}): Tab went back from {stops[reached[-1]]} to {stops[stop]}"
            )
        reached.append(stop)
        problems.check(focused["ring"], f"keyboard ({surface}): no focus ring on {stops[stop]}")
        if screenshot and focused["type"] == "range":  # the first slider, its focus ring shown
            page.screenshot(path=str(screenshot))
            screenshot = None
        feedback = page.evaluate(FEEDBACK_JS)
        key = _operate(page, focused)
        if key is None:
            continue
        with contextlib.suppress(Exception):  # at most as long as before: 120 ms
            page.wait_for_function(
                f"(before) => {{ const a = ({FOCUSED_JS})();"
                " return !a || a.stop !== before.stop || a.value !== before.value; }",
                arg=focused,
                timeout=OPERATED_MS,
                polling="raf",
            )
        page.evaluate(FRAMES_JS)  # what else the key set off (JupyterLab's keys) has run
        if feedback is not None:  # a quiz answer: the kernel hears of it and answers
            try:
                changed = f"() => ({FEEDBACK_JS})() !== {json.dumps(feedback)}"
                page.wait_for_function(changed, timeout=5_000)
            except Exception:
                problems.append(f"keyboard ({surface}): {key} on {stops[stop]}: no feedback")
        after = page.evaluate(FOCUSED_JS)
        if after is None or after["stop"] != stop:
            problems.append(f"keyboard ({surface}): {key} on {stops[stop]} moved the focus away")
        elif after["value"] == focused["value"]:
            problems.append(f"keyboard ({surface}): {key} on {stops[stop]} changed nothing")
        if focused["tag"] == "summary" and after and after["stop"] == stop:
            page.keyboard.press("Enter")  # close the fold again
    # Each explorer's Projector box switches the whole page's look (Space on each, an odd
    # number of times): the walk leaves the page in the look it found.
    page.evaluate(
        "() => document.documentElement.classList.contains('course-projector')"
        " && document.querySelector('.cx-projector input').click()"
    )
    missed = [stops[i] for i in range(len(stops)) if i not in reached]
    problems.check(not missed, f"keyboard ({surface}): Tab never reached {missed[:5]}")
    print(f"keyboard {surface}: {len(reached)} of {len(stops)} stops reached and operated")
    return len(reached)


# -- what a screen reader hears ----------------------------------------------------------------
#: Per explorer: controls without a name (or a slider's name without its unit, or a value read
#: otherwise than shown), and whether the figure is named and described by the sentence.
SCREEN_READER_JS = """
(root) => {
  const found = [];
  const spec = (name) => root.querySelector(`[data-control="${name}"]`);
  for (const input of root.querySelectorAll('input, select')) {
    const set = input.closest('fieldset');
    const label = input.getAttribute('aria-label') || (input.labels[0] || {}).textContent
      || (set && set.querySelector('legend').textContent);
    if (!label || !label.trim()) found.push(`${input.id || input.name}: no accessible name`);
    if (input.type === 'range') {
      const shown = input.closest('[data-control]').querySelector('.cx-value').textContent;
      const unit = shown.replace(/^[-0-9.]+\\s*/, '');
      if (unit && !label.includes(unit)) found.push(`${label}: the name lacks its unit ${unit}`);
      if (input.getAttribute('aria-valuetext') !== shown)
        found.push(`${label}: read as ${input.getAttribute('aria-valuetext')}, shown as ${shown}`);
    }
  }
  const figure = root.querySelector('figure');
  const sentence = document.getElementById(figure.getAttribute('aria-describedby') || '-');
  if (!figure.getAttribute('aria-label')) found.push('the figure has no name');
  if (!sentence || sentence.textContent !== root.querySelector('.cx-sentence').textContent)
    found.push('the figure is not described by the sentence under it');
  const live = root.querySelector('[aria-live=polite]');
  if (!live) found.push('no polite live region');
  return found;
}
"""


#: How long the controls rest before the live region must have spoken (explorer.js: 0.7 s).
REST_MS = 1_200


def check_screen_reader(page, explorer_ids, selector, step, problems) -> None:
    """Names with units, values read as shown, each figure named and described by its sentence;
    the sentence is announced once the controls rest, not on every step of a quick run."""
    for explorer_id in explorer_ids:
        root = page.locator(selector(explorer_id))
        for problem in root.evaluate(SCREEN_READER_JS):
            problems.append(f"{explorer_id}: screen reader: {problem}")
    explorer_id = explorer_ids[0]
    root = page.locator(selector(explorer_id))
    before = root.locator("[aria-live=polite]").text_content()
    for _ in range(3):
        step(page, explorer_id)
        page.wait_for_timeout(60)
    during = root.locator("[aria-live=polite]").text_content()
    with contextlib.suppress(Exception):  # at most as long as before: 1.2 s of rest
        root.evaluate(
            "(r, most) => new Promise((done, fail) => { const t0 = performance.now();"
            " const look = () => r.querySelector('[aria-live=polite]').textContent"
            " === r.querySelector('.cx-sentence').textContent ? done()"
            " : performance.now() - t0 > most ? fail() : setTimeout(look, 50); look(); })",
            REST_MS,
        )
    rested = root.locator("[aria-live=polite]").text_content()
    sentence = root.locator(".cx-sentence").text_content()
    problems.check(
        during == before, f"{explorer_id}: the live region spoke during quick steps ({during!r})"
    )
    problems.check(
        rested == sentence, f"{explorer_id}: the live region did not announce the sentence at rest"
    )


# -- text at 200 % ---------------------------------------------------------------------------
#: At 200 % a 1280x720 screen is 640x360 CSS pixels. Text that runs past the page's right
#: edge, or is cut inside its own box, is lost.
ZOOM = {"width": 640, "height": 360}
LOST_TEXT_JS = """
() => {
  const lost = [];
  const width = document.documentElement.clientWidth;
  if (document.scrollingElement.scrollWidth > width + 1) lost.push('the page scrolls sideways');
  const texts = 'p, li, summary, label, h1, h2, h3, h4, td, th, output, .cx-value, legend, a';
  for (const node of document.querySelectorAll(texts)) {
    const box = node.getBoundingClientRect();
    if (node.offsetParent === null || !node.textContent.trim() || box.width <= 1) continue;
    const style = getComputedStyle(node);
    const cut = ['hidden', 'clip'].includes(style.overflowX)
      && node.scrollWidth > node.clientWidth + 1;
    const scroller = node.parentElement.closest('[tabindex="0"]');
    if ((box.right > width + 1 && !scroller) || cut)
      lost.push(`${node.className || node.tagName} ${Math.round(box.right)} px: `
        + node.textContent.trim().slice(0, 40));
  }
  return lost.slice(0, 8);
}
"""


def check_text_at_200_percent(page, problems, screenshot) -> None:
    """The page as a 1280x720 screen shows it at 200 % zoom: no text lost or cut sideways."""
    size = page.viewport_size
    page.set_viewport_size(ZOOM)
    try:
        page.wait_for_timeout(600)  # the explorers stack and the figures redraw
        lost = page.evaluate(LOST_TEXT_JS)
        problems.check(not lost, f"at 200 % zoom text is lost sideways: {lost}")
        page.locator(".course-explorer").first.evaluate("(e) => e.scrollIntoView()")
        page.wait_for_timeout(300)
        page.screenshot(path=str(screenshot))
    finally:
        page.set_viewport_size(size)
