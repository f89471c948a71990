"""Every lesson as a learner uses it: in JupyterLab and in Voila, in Debian's Chromium.

Lessons are found by listing ``lessons/`` and their explorers through the
explorer registry, so a new lesson is covered with no edit here. Each check
names the lesson and the explorer it failed on; all of a lesson's problems are
reported together.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pytest
from browser_harness import (
    CELL_PROBLEMS_JS,
    KERNEL_IDLE,
    PAGE_FIGURES_JS,
    VIEWPORT,
    drop_nulls,
    explorer_selector,
    explorer_state,
    frame_marks,
    kernel_figures,
    kernel_ids,
    lesson_paths,
    open_notebook_in_lab,
    press_reset,
    run_all_cells,
    save_notebook,
    scroll_height,
    shut_down_kernels,
    step_main_control,
    step_other_control,
    wait_for_change,
    wait_for_explorers,
    wait_for_frames,
)
from browser_harness import PageWatch as _PageWatch

pytestmark = pytest.mark.browser

LESSONS = lesson_paths()
#: What must change when the main control moves: the figure's data, the drawn figure,
#: and the readout sentence.
CHANGES = ("data", "drawn", "readout")
STEP_TIMEOUT_MS = 20_000
FRAMES_TIMEOUT_MS = 30_000
#: How long the page and the kernel may take to agree after quick steps: 20 x 0.5 s.
AGREE_ATTEMPTS = 20
AGREE_WAIT_MS = 500
TALL_VIEWPORT_HEIGHT = 1500


def _lesson_id(path: Path) -> str:
    return path.stem


def registered_explorers(lesson_id: str) -> list[str]:
    """The explorer ids the registry declares for a lesson."""
    from widgets.ui.explorer import explorers_for

    return [cls.explorer_id for cls in explorers_for(lesson_id)]


class Problems(list):
    """A lesson's problems, reported together at the end of its test."""

    def check(self, condition: bool, message: str) -> bool:
        if not condition:
            self.append(message)
        return condition

    def raise_if_any(self, lesson: str, where: str) -> None:
        if self:
            listing = "\n  - ".join(self)
            pytest.fail(f"{lesson} in {where}: {len(self)} problem(s):\n  - {listing}", False)


@pytest.fixture
def context(browser, lab_server):
    """A fresh browser context (cookies, storage) whose requests and errors are recorded."""
    ctx = browser.new_context(viewport=VIEWPORT)
    watch = _PageWatch(ctx, lab_server.host)
    try:
        yield ctx, watch
    finally:
        ctx.close()


#: The visible labels of an explorer's controls that do not fit: cut with "..." in their
#: own box, or running past the control that holds them (which hides the rest).
LABELS_CUT_JS = """
(selector) => Array.from(document.querySelectorAll(selector + ' .course-controls .widget-label'))
  .filter((label) => {
    if (label.offsetParent === null || !label.textContent.trim()) return false;
    const box = label.getBoundingClientRect();
    const holder = label.parentElement.getBoundingClientRect();
    return label.scrollWidth > label.clientWidth + 1 || box.right > holder.right + 1;
  })
  .map((label) => label.textContent.trim())
"""


def check_explorers_render(page, lesson, explorer_ids, problems) -> dict:
    """Every registered explorer shows its controls and a drawn plotly figure, once each."""
    shown = page.evaluate(
        "() => Array.from(document.querySelectorAll('.course-explorer')).map((e) => e.className)"
    )
    problems.check(
        len(shown) == len(explorer_ids),
        f"{len(shown)} explorers on the page, the registry declares {len(explorer_ids)} "
        f"({', '.join(explorer_ids) or 'none'})",
    )
    states = {}
    for explorer_id in explorer_ids:
        count = page.locator(explorer_selector(explorer_id)).count()
        if not problems.check(count == 1, f"{explorer_id}: shown {count} times, expected once"):
            continue
        state = explorer_state(page, explorer_id)
        problems.check(state["hasControls"], f"{explorer_id}: its main control is missing")
        problems.check(state["hasFigure"], f"{explorer_id}: its plotly figure is not drawn")
        problems.check(state["traces"] > 0, f"{explorer_id}: its figure has no data")
        problems.check(bool(state["readout"]), f"{explorer_id}: its readout is empty")
        cut = page.evaluate(LABELS_CUT_JS, explorer_selector(explorer_id))
        problems.check(not cut, f"{explorer_id}: control labels cut short on screen: {cut}")
        states[explorer_id] = state
    return states


def check_main_controls_answer(page, states, problems) -> dict:
    """A keyboard step of each main control changes the figure's data, drawing and readout.

    The figure must answer from the frames the page holds (issue 3: the main control is
    off the kernel's round trip); the readout comes from the kernel.
    """
    try:
        wait_for_frames(page, list(states), FRAMES_TIMEOUT_MS)
    except Exception:
        missing = [e for e in states if not (frame_marks(page, e) or {}).get("frames")]
        problems.append(
            f"no frames reached the page within {FRAMES_TIMEOUT_MS / 1000:g} s for "
            f"{', '.join(missing)}: their main controls go through the kernel"
        )
    after = {}
    for explorer_id, before in states.items():
        page.locator(explorer_selector(explorer_id)).scroll_into_view_if_needed()
        marks = frame_marks(page, explorer_id) or {}
        pressed = step_main_control(page, explorer_id)
        try:
            wait_for_change(page, explorer_id, before, CHANGES, STEP_TIMEOUT_MS)
        except Exception:
            now = explorer_state(page, explorer_id) or {}
            unchanged = [key for key in CHANGES if now.get(key) == before.get(key)]
            problems.append(
                f"{explorer_id}: {pressed} moved the main control from {before['value']!r} to "
                f"{now.get('value')!r} but did not change the figure's "
                f"{' or '.join(unchanged)} within {STEP_TIMEOUT_MS / 1000:g} s"
            )
        now_marks = frame_marks(page, explorer_id) or {}
        problems.check(
            bool(now_marks.get("frame")) and now_marks.get("frame") != marks.get("frame"),
            f"{explorer_id}: {pressed} was not answered from the frames in the page "
            f"(frame drawn before {marks.get('frame')!r}, after {now_marks.get('frame')!r})",
        )
        after[explorer_id] = explorer_state(page, explorer_id)
    return after


def check_kernel_agrees(page, server, explorer_ids, problems) -> None:
    """Quick keyboard steps of the main and another control: the page ends as the kernel is.

    Main, other, main, main, Reset, main, with no waiting in between, so the page may
    step the main control while its frames are stale, and while the kernel is setting
    every control back (Reset). Then, within a few seconds of the last key, each
    figure in the page must hold exactly the data the kernel's copy holds (the kernel may
    still be building frames when it first reports idle: compare until both agree).
    """
    for explorer_id in explorer_ids:
        page.locator(explorer_selector(explorer_id)).scroll_into_view_if_needed()
        step_main_control(page, explorer_id)
        step_other_control(page, explorer_id)
        step_main_control(page, explorer_id)
        step_main_control(page, explorer_id)
        press_reset(page, explorer_id)
        step_main_control(page, explorer_id)
    (kernel,) = kernel_ids(server)
    differences: dict[str, str] = {}
    for _attempt in range(AGREE_ATTEMPTS):
        page.wait_for_timeout(AGREE_WAIT_MS)
        page.wait_for_selector(KERNEL_IDLE, timeout=STEP_TIMEOUT_MS)
        in_kernel = kernel_figures(server, kernel)
        in_page = page.evaluate(PAGE_FIGURES_JS, explorer_ids)
        differences = {
            explorer_id: _first_difference(expected, in_page.get(explorer_id))
            for explorer_id in explorer_ids
            if (expected := drop_nulls(in_kernel.get(explorer_id))) != in_page.get(explorer_id)
        }
        if not differences:
            return
    for explorer_id, difference in differences.items():
        problems.append(
            f"{explorer_id}: {AGREE_ATTEMPTS * AGREE_WAIT_MS / 1000:g} s after quick steps of "
            "its main and another control and Reset, the page still shows other data than the "
            f"kernel holds: {difference}"
        )


def _first_difference(expected, shown, where="data") -> str:
    if isinstance(expected, dict) and isinstance(shown, dict):
        for key in sorted(set(expected) | set(shown)):
            if expected.get(key) != shown.get(key):
                return _first_difference(expected.get(key), shown.get(key), f"{where}.{key}")
    if isinstance(expected, list) and isinstance(shown, list) and len(expected) == len(shown):
        for index, (a, b) in enumerate(zip(expected, shown, strict=True)):
            if a != b:
                return _first_difference(a, b, f"{where}[{index}]")
    return f"{where}: kernel {str(expected)[:120]}, page {str(shown)[:120]}"


def check_quizzes(page, problems) -> None:
    """Every quiz question accepts an answer and shows feedback."""
    questions = page.locator(".course-quiz .course-quiz-question")
    for index in range(questions.count()):
        question = questions.nth(index)
        question.scroll_into_view_if_needed()
        radios = question.locator(".quiz-input input[type=radio]")
        if radios.count():
            radios.first.focus()
            page.keyboard.press("Space")
            how = "choosing its first answer with the keyboard"
        else:
            question.locator(".quiz-input input").fill("14")
            question.get_by_role("button", name="Check").click()
            how = "typing 14 and pressing Check"
        try:
            page.wait_for_function(
                "(i) => { const q = document.querySelectorAll("
                "'.course-quiz .course-quiz-question')[i];"
                " const f = q && q.querySelector('.quiz-feedback');"
                " return !!f && f.textContent.trim().length > 0; }",
                arg=index,
                timeout=STEP_TIMEOUT_MS,
            )
        except Exception:
            problems.append(f"quiz question {index + 1}: no feedback after {how}")


def check_page_clean(watch, problems, where: str) -> None:
    for error in watch.errors:
        problems.append(f"{where}: JavaScript error logged: {error}")
    for url in watch.foreign_requests():
        problems.append(f"{where}: request to a host other than the local server: {url}")


def settle(page) -> None:
    """Let the page paint what scrolling brought into view (two animation frames)."""
    page.evaluate(
        "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"
    )
    page.wait_for_timeout(300)


def screenshot_lesson(page, lesson, explorer_ids, folder: Path, prefix: str) -> None:
    """The first explorer as the learner's screen shows it, then each explorer and the quiz.

    The window is made tall enough for a whole explorer, so JupyterLab's notebook
    panel (which scrolls inside the page) shows it whole.
    """
    page.set_viewport_size({"width": VIEWPORT["width"], "height": TALL_VIEWPORT_HEIGHT})
    try:
        if explorer_ids:
            page.locator(explorer_selector(explorer_ids[0])).scroll_into_view_if_needed()
        settle(page)
        page.screenshot(path=str(folder / f"{lesson}-{prefix}.png"))
        boxes = [(explorer_id, explorer_selector(explorer_id)) for explorer_id in explorer_ids]
        boxes.append(("quiz", ".course-quiz"))
        for name, selector in boxes:
            box = page.locator(selector)
            if box.count() == 1:
                box.scroll_into_view_if_needed()
                settle(page)
                box.screenshot(path=str(folder / f"{lesson}-{prefix}-{name}.png"))
    finally:
        page.set_viewport_size(VIEWPORT)


class _Stop(Exception):
    """A step the rest of a lesson's test depends on did not complete."""


@contextlib.contextmanager
def step(page, watch, problems: Problems, what: str):
    """Run a step the rest depends on; on a time-out, record what the page showed and stop."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        yield
    except PlaywrightTimeout:
        problems.append(f"timed out: {what}")
        with contextlib.suppress(Exception):
            problems.extend(page.evaluate(CELL_PROBLEMS_JS))
        problems.extend(f"JavaScript error logged: {error}" for error in watch.errors)
        raise _Stop from None


@pytest.mark.parametrize("notebook", LESSONS, ids=_lesson_id)
@pytest.mark.parametrize("where", ["jupyterlab", "voila"])
def test_lesson(where, notebook, context, lab_server, screenshots):
    """Every lesson as a learner uses it, in JupyterLab and in Voila."""
    lesson = _lesson_id(notebook)
    explorer_ids = registered_explorers(lesson)
    ctx, watch = context
    page = ctx.new_page()
    check = in_jupyterlab if where == "jupyterlab" else in_voila
    check(page, watch, lab_server, notebook, lesson, explorer_ids, screenshots)


def in_jupyterlab(page, watch, lab_server, notebook, lesson, explorer_ids, screenshots):
    """Open, run all, use every explorer and quiz, reload: the figures keep their state."""
    problems = Problems()
    try:
        with step(page, watch, problems, "opening the lesson in JupyterLab"):
            open_notebook_in_lab(page, lab_server, notebook.name, workspace=f"test-{lesson}")
        with step(page, watch, problems, "Run > Run All Cells"):
            run_all_cells(page)
        with step(page, watch, problems, f"the explorers {explorer_ids} to draw"):
            wait_for_explorers(page, explorer_ids)
        problems.extend(page.evaluate(CELL_PROBLEMS_JS))

        first = check_explorers_render(page, lesson, explorer_ids, problems)
        current = check_main_controls_answer(page, first, problems)
        check_quizzes(page, problems)

        screenshot_lesson(page, lesson, explorer_ids, screenshots, "lab")

        # Reload the page (same kernel): every figure shows its current state.
        with step(page, watch, problems, "saving the notebook before a reload"):
            save_notebook(page)
        kernels = kernel_ids(lab_server)
        page.reload()
        with step(page, watch, problems, "the explorers to draw again after a page reload"):
            page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=90_000)
            wait_for_explorers(page, explorer_ids)
        problems.check(
            kernel_ids(lab_server) == kernels,
            f"the page reload did not keep the kernel: {kernels} before, "
            f"{kernel_ids(lab_server)} after",
        )
        check_reloaded(page, first, current, problems)
        check_kernel_agrees(page, lab_server, explorer_ids, problems)
        check_page_clean(watch, problems, "JupyterLab")
    except _Stop:
        pass
    finally:
        page.close()
        shut_down_kernels(lab_server)
    problems.raise_if_any(lesson, "JupyterLab")


def check_reloaded(page, first, current, problems) -> None:
    """After a reload each figure, readout and main control shows the current state."""
    for explorer_id, expected in current.items():
        if expected is None:
            continue
        reloaded = explorer_state(page, explorer_id)
        if not problems.check(reloaded is not None, f"{explorer_id}: gone after a reload"):
            continue
        if reloaded["data"] == first[explorer_id]["data"]:
            problems.append(
                f"{explorer_id}: after a page reload the figure shows its first state, "
                f"not the current one (main control {expected['value']!r})"
            )
        elif reloaded["data"] != expected["data"]:
            problems.append(
                f"{explorer_id}: after a page reload the figure's data differs from "
                "what it showed before the reload"
            )
        problems.check(
            reloaded["readout"] == expected["readout"],
            f"{explorer_id}: after a reload the readout reads {reloaded['readout']!r}, "
            f"not {expected['readout']!r}",
        )
        problems.check(
            reloaded["value"] == expected["value"],
            f"{explorer_id}: after a reload the main control shows {reloaded['value']!r}, "
            f"not {expected['value']!r}",
        )


def in_voila(page, watch, lab_server, notebook, lesson, explorer_ids, screenshots):
    """Voila renders every explorer, and each answers its main control."""
    problems = Problems()
    try:
        with step(page, watch, problems, "Voila to render the lesson"):
            page.goto(lab_server.voila_url(notebook.name), timeout=180_000)
            page.wait_for_selector("#rendered_cells", state="visible", timeout=180_000)
            wait_for_explorers(page, explorer_ids, timeout_ms=90_000)
        problems.extend(page.evaluate(CELL_PROBLEMS_JS))
        first = check_explorers_render(page, lesson, explorer_ids, problems)
        check_main_controls_answer(page, first, problems)

        screenshot_lesson(page, lesson, explorer_ids, screenshots, "voila")
        page.set_viewport_size({"width": VIEWPORT["width"], "height": scroll_height(page)})
        settle(page)
        page.screenshot(path=str(screenshots / f"{lesson}-voila-page.png"), full_page=True)
        page.set_viewport_size(VIEWPORT)
        check_page_clean(watch, problems, "Voila")
    except _Stop:
        pass
    finally:
        page.close()
        shut_down_kernels(lab_server)
    problems.raise_if_any(lesson, "Voila")


def test_course_voila_settings_match_the_suite():
    """The course's voila.json runs Voila as this suite does (offline template)."""
    from browser_harness import ROOT, VOILA_SETTINGS

    path = ROOT / "voila.json"
    if not path.exists():
        pytest.skip("the course has no voila.json")
    settings = json.loads(path.read_text(encoding="utf-8")).get("VoilaConfiguration", {})
    wrong = {key: settings.get(key) for key in VOILA_SETTINGS}
    wrong = {key: value for key, value in wrong.items() if value != VOILA_SETTINGS[key]}
    assert not wrong, (
        f"voila.json runs Voila unlike the browser suite: {wrong}; the suite uses "
        f"{VOILA_SETTINGS} (Voila's own 'lab' template asks cdn.jsdelivr.net for an icon font; "
        "the course's template, share/jupyter/voila/templates/stemcell-course, does not)"
    )
