"""Every lesson as a learner uses it: in JupyterLab, in Voila and on the static site, in Chromium.

Each lesson is opened once per surface and every check reuses that page. Lessons are
found by listing ``lessons/`` and their explorers through the explorer registry, so a
new lesson is covered with no edit here. Each check names the lesson and the explorer
it failed on; all of a lesson's problems are reported together.
"""

from __future__ import annotations

import contextlib
import json
import sys
import time
from pathlib import Path

import pytest
from browser_harness import (
    CELL_PROBLEMS_JS,
    KERNEL_IDLE,
    PAGE_FIGURES_JS,
    ROOT,
    VIEWPORT,
    control_names,
    control_selector,
    drop_nulls,
    explorer_selector,
    explorer_state,
    kernel_figures,
    kernel_ids,
    lesson_paths,
    open_notebook_in_lab,
    press_reset,
    run_all_cells,
    save_notebook,
    scroll_height,
    shut_down_kernels,
    step_control,
    step_main_control,
    step_other_control,
    wait_for_change,
    wait_for_explorers,
    wait_for_tables,
)
from browser_harness import PageWatch as _PageWatch

sys.path.insert(0, str(ROOT / "tools"))
import wordcount
from accessibility import (
    NOTEBOOK,
    audit,
    check_screen_reader,
    check_text_at_200_percent,
    keyboard_walk,
)

pytestmark = pytest.mark.browser

LESSONS = lesson_paths()
#: What must change when the main control moves: the figure's data, the drawn figure, the
#: values it shows. Another control may leave the figure as it is (a biopsy count that is
#: not used while the box beside it is unticked): there the values shown must change.
CHANGES = ("data", "drawn", "key")
MOVED = ("key",)
STEP_TIMEOUT_MS = 20_000
TABLES_TIMEOUT_MS = 30_000
#: How long the page and the kernel may take to agree after quick steps: 20 x 0.5 s.
AGREE_ATTEMPTS = 20
AGREE_WAIT_MS = 500
#: The screen a teacher projects and many learners' laptops have.
SCREEN = {"width": 1280, "height": 720}
#: How long a page may take to notice that its kernel is gone (explorer.js: 9 s).
LOST_TIMEOUT_MS = 20_000
#: The lesson walked by keyboard alone, start to end, on every surface (and read at 200 %).
KEYBOARD_LESSON = "00-introduction"
#: Where the keyboard walk goes on each surface: what the course renders.
WALKED = {
    "jupyterlab": f"{NOTEBOOK} .jp-MarkdownOutput, {NOTEBOOK} .jp-OutputArea-output",
    "voila": "#rendered_cells",
    "site": "main",
}


#: Two animation frames, then every running CSS transition or animation finished: what the
#: last step changed is painted.
PAINTED_JS = """
() => {
  const frames = () => new Promise(
    (done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  const finite = () => document.getAnimations().filter(
    (a) => a.effect && a.effect.getComputedTiming().endTime !== Infinity);
  return frames().then(() => Promise.race([
    Promise.all(finite().map((a) => a.finished.catch(() => null))),
    new Promise((done) => setTimeout(done, 2000)),
  ])).then(frames);
}
"""


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


#: Text of an explorer that does not fit: cut in its own box, or running past its column;
#: and scenario names wider than their menu.
CUT_JS = """
(selector) => {
  const root = document.querySelector(selector);
  const cut = [];
  const column = root.querySelector('.cx-controls').getBoundingClientRect();
  const texts = '.cx-label, .cx-value, .cx-option, .cx-check, .cx-sentence';
  root.querySelectorAll(texts).forEach((n) => {
    if (n.offsetParent === null || !n.textContent.trim()) return;
    const box = n.getBoundingClientRect();
    const inControls = !!n.closest('.cx-controls');
    if (n.scrollWidth > n.clientWidth + 1 || (inControls && box.right > column.right + 1))
      cut.push(n.textContent.trim().slice(0, 60));
  });
  const menu = root.querySelector('.cx-scenario');
  if (menu) {
    const ctx = document.createElement('canvas').getContext('2d');
    ctx.font = getComputedStyle(menu).font;
    const room = menu.clientWidth - 28;  // the arrow and padding
    for (const option of menu.options)
      if (ctx.measureText(option.text).width > room) cut.push('scenario: ' + option.text);
  }
  return cut;
}
"""

#: Each explorer's box, and the room the surface gives it on a 1280x720 screen.
FIT_JS = """
([selector, surface]) => {
  const root = document.querySelector(selector);
  const box = root.getBoundingClientRect();
  let room = {width: window.innerWidth, height: window.innerHeight};
  if (surface === 'jupyterlab') {
    const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook');
    const area = root.closest('.jp-OutputArea-output') || root;
    room = {width: area.getBoundingClientRect().width, height: panel.clientHeight};
  }
  const controls = root.querySelector('.cx-controls').getBoundingClientRect();
  const plot = root.querySelector('.cx-plot').getBoundingClientRect();
  return {width: box.width, height: box.height, room,
          beside: controls.right <= plot.left + 1 && controls.top < plot.bottom,
          overflowX: root.scrollWidth > root.clientWidth + 1};
}
"""


def check_explorers_render(page, explorer_ids, problems) -> dict:
    """Every registered explorer shows its controls and a drawn plotly figure, once each."""
    shown = page.evaluate("() => document.querySelectorAll('.course-explorer').length")
    problems.check(
        shown == len(explorer_ids),
        f"{shown} explorers on the page, the registry declares {len(explorer_ids)}",
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
        problems.check(bool(state["readout"].strip()), f"{explorer_id}: its sentence is empty")
        states[explorer_id] = state
    return states


def check_fit(page, explorer_ids, problems, surface: str) -> None:
    """At 1280x720 each explorer (controls, figure, sentence) fits the screen, nothing cut."""
    set_screen(page, SCREEN)
    try:
        for explorer_id in explorer_ids:
            selector = explorer_selector(explorer_id)
            page.locator(selector).scroll_into_view_if_needed()
            settle(page)
            fit = page.evaluate(FIT_JS, [selector, surface])
            room = fit["room"]
            problems.check(
                fit["height"] <= room["height"] and fit["width"] <= room["width"] + 1,
                f"{explorer_id}: {fit['width']:.0f}x{fit['height']:.0f} px does not fit the "
                f"{room['width']:.0f}x{room['height']:.0f} px a 1280x720 screen gives it",
            )
            problems.check(fit["beside"], f"{explorer_id}: the controls are not beside the figure")
            problems.check(not fit["overflowX"], f"{explorer_id}: runs off to the right")
            cut = page.evaluate(CUT_JS, selector)
            problems.check(not cut, f"{explorer_id}: text cut short on screen: {cut}")
    finally:
        page.set_viewport_size(VIEWPORT)


def check_controls_answer(page, explorer_ids, problems, *, every_control: bool) -> dict:
    """A keyboard step of each main control (or of every control) is drawn from the page's
    table at once: the figure, the drawing and the sentence change with no kernel trip."""
    after = {}
    for explorer_id in explorer_ids:
        page.locator(explorer_selector(explorer_id)).scroll_into_view_if_needed()
        names = control_names(page, explorer_id)
        main = page.get_attribute(explorer_selector(explorer_id), "data-main")
        for name in names if every_control else [main]:
            try:
                wait_for_tables(page, [explorer_id], TABLES_TIMEOUT_MS)
            except Exception:
                problems.append(f"{explorer_id}: no table reached the page before moving {name}")
                break
            before = explorer_state(page, explorer_id)
            pressed = step_control(page, explorer_id, name)
            expected = CHANGES if name == main else MOVED
            try:
                wait_for_change(page, explorer_id, before, expected, STEP_TIMEOUT_MS)
            except Exception:
                problems.append(f"{explorer_id}: {pressed} did not change the {expected}")
                continue
            now = explorer_state(page, explorer_id)
            answered = page.evaluate(
                "([s, n]) => { const t = document.querySelector(s); return t ? t.dataset.answered"
                " && JSON.parse(t.dataset.answered)[n] : null; }",
                [explorer_selector(explorer_id), name],
            )
            if answered is not False:  # a control past the table's limits goes to the kernel
                problems.check(
                    now["from"] == "table",
                    f"{explorer_id}: {pressed} was drawn by the kernel, not from the page's table",
                )
        after[explorer_id] = explorer_state(page, explorer_id)
    return after


def check_kernel_agrees(page, server, explorer_ids, problems) -> None:
    """Quick keyboard steps of the main and another control and Reset: the page ends as the
    kernel is (same values, same figure), within a few seconds of the last key."""
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
        differences = {}
        for explorer_id in explorer_ids:
            expected, shown = in_kernel.get(explorer_id), in_page.get(explorer_id)
            if not expected or not shown:
                differences[explorer_id] = f"kernel {bool(expected)}, page {bool(shown)}"
            elif expected["key"] != shown["key"]:
                differences[explorer_id] = f"values {expected['key']} in the kernel, {shown['key']}"
            elif drop_nulls(expected["data"]) != shown["data"]:
                differences[explorer_id] = _first_difference(
                    drop_nulls(expected["data"]), shown["data"]
                )
        if not differences:
            return
    for explorer_id, difference in differences.items():
        problems.append(
            f"{explorer_id}: {AGREE_ATTEMPTS * AGREE_WAIT_MS / 1000:g} s after quick steps, the "
            f"page shows other than the kernel: {difference}"
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


def check_graft_switching(page, problems) -> None:
    """Lesson 01: switching the graft moves the dose's range and value in one step, every pair,
    slowly (one switch at a time) and quickly (switches with no pause), and the figure follows."""
    from widgets.aplastic import EngraftmentExplorer
    from widgets.science.aplastic import GRAFT_CD34_DOSES
    from widgets.science.published import GRAFT_SOURCES

    explorer_id = "aplastic.engraftment"
    graft = page.locator(f"{control_selector(explorer_id, 'graft_source')} select")
    dose = page.locator(f"{control_selector(explorer_id, 'dose')} input[type=range]")
    graft.scroll_into_view_if_needed()
    menu = EngraftmentExplorer.controls[0].options
    index = {value: str(i) for i, (_text, value) in enumerate(menu)}

    def expect(source: str, how: str) -> None:
        want = GRAFT_CD34_DOSES[source]
        try:
            page.wait_for_function(
                "([sel, value]) => { const p = document.querySelector(sel + ' .cx-plot');"
                " return p && p.dataset.key && p.dataset.key.endsWith('|' + value); }",
                arg=[explorer_selector(explorer_id), f"{want.typical:.2f}"],
                timeout=STEP_TIMEOUT_MS,
            )
        except Exception:
            problems.append(f"{explorer_id}: {how}: the figure did not follow to {source}")
        got = dose.evaluate("(d) => [Number(d.min), Number(d.max), Number(d.value)]")
        problems.check(
            got == [want.minimum, want.maximum, want.typical],
            f"{explorer_id}: {how}: dose slider {got}, expected "
            f"[{want.minimum}, {want.maximum}, {want.typical}] for {source}",
        )

    for a in GRAFT_SOURCES:
        for b in GRAFT_SOURCES:
            if a == b:
                continue
            graft.select_option(index[a])
            expect(a, f"slowly to {a}")
            graft.select_option(index[b])
            expect(b, f"slowly from {a} to {b}")
    for b in GRAFT_SOURCES:  # quickly: every switch with no pause, then the last must hold
        for a in GRAFT_SOURCES:
            graft.select_option(index[a])
        graft.select_option(index[b])
        expect(b, f"quickly through every graft to {b}")


def check_restart(page, explorer_ids, problems) -> None:
    """After a kernel restart every explorer says so and stops answering from its old tables."""
    # The notebook toolbar's "Restart the kernel", then the dialog's Restart.
    page.locator(".jp-NotebookPanel-toolbar [data-command='notebook:restart-kernel']").click()
    page.locator(".jp-Dialog .jp-Dialog-button.jp-mod-accept").click()
    try:
        page.wait_for_function(
            "(selectors) => selectors.every((s) => document.querySelector(s)"
            ".classList.contains('cx-lost'))",
            arg=[explorer_selector(e) for e in explorer_ids],
            timeout=LOST_TIMEOUT_MS,
        )
    except Exception:
        problems.append("after a kernel restart the explorers did not say their kernel is gone")
        return
    for explorer_id in explorer_ids:
        before = explorer_state(page, explorer_id)
        problems.check(
            page.locator(f"{explorer_selector(explorer_id)} .cx-status").is_visible(),
            f"{explorer_id}: no visible message after a kernel restart",
        )
        page.locator(explorer_selector(explorer_id)).scroll_into_view_if_needed()
        step_main_control(page, explorer_id)
        page.wait_for_timeout(300)
        problems.check(
            explorer_state(page, explorer_id)["key"] == before["key"],
            f"{explorer_id}: after a kernel restart it still answers from its old tables",
        )


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


#: The lesson whose sessions also show that a learner's answers are kept (one lesson: a second
#: run and a reopening take time), and what its learner writes.
ANSWERS_LESSON = "00-introduction"
WRITTEN = "Blood stem cells, sooner: about 12,5 days"
KEPT_MS = 20_000
RECORD_JSON = 'id="stemcell-course-answers">'
STORAGE = f"stemcell-course:answers:{ANSWERS_LESSON}"


def write_an_answer(page, problems) -> str:
    """Write under the first guiding question: its model answer opens only then."""
    item = page.locator(".course-questions .ca-item").first
    item.scroll_into_view_if_needed()
    model = item.locator(".ca-model")
    problems.check(model.is_hidden(), "a model answer shows before anything was written")
    item.locator("textarea").fill(WRITTEN)
    item.locator("textarea").press("Tab")
    try:
        model.wait_for(state="visible", timeout=5_000)
    except Exception:
        problems.append("the model answer did not open once an answer was written")
    return item.get_attribute("data-question")


def check_answers_kept(page, question_id: str, problems, when: str, quiz: bool = True) -> None:
    """The written answer is back in its box, and the first quiz answer with its feedback."""
    try:
        page.wait_for_function(
            "([q, text]) => { const b = document.querySelector("
            "`.ca-item[data-question='${q}'] textarea`); return !!b && b.value === text; }",
            arg=[question_id, WRITTEN],
            timeout=KEPT_MS,
        )
    except Exception:
        problems.append(f"{when}: the learner's written answer is not in its box")
    if quiz:  # the quiz is a widget of its own: it may be drawn after the questions' box
        with contextlib.suppress(Exception):  # the checks below say what is missing
            page.wait_for_function(
                "() => { const q = document.querySelector('.course-quiz .course-quiz-question');"
                " return !!q && !!q.querySelector('input[type=radio]:checked')"
                " && !!q.querySelector('.quiz-feedback').textContent.trim(); }",
                timeout=KEPT_MS,
            )
    first = page.locator(".course-quiz .course-quiz-question").first
    if quiz and not first.locator("input[type=radio]:checked").count():
        problems.append(f"{when}: the first quiz answer is not kept")
    if quiz and not (first.locator(".quiz-feedback").text_content() or "").strip():
        problems.append(f"{when}: the first quiz answer shows no feedback")


def check_record(page, question_id: str, problems, where: str) -> None:
    """Download my answers: an HTML page whose JSON names the chosen option by its id."""
    from widgets.ui.assets import lesson_data

    page.locator(".ca-name").fill("Ada")
    page.locator(".ca-name").press("Tab")
    try:
        with page.expect_download(timeout=KEPT_MS) as download:
            page.locator(".ca-download").click()
        text = Path(download.value.path()).read_text(encoding="utf-8")
        data = json.loads(text.split(RECORD_JSON)[1].split("</script>")[0])
    except Exception as error:
        problems.append(f"{where}: no learner's record downloaded: {error}")
        return
    first = lesson_data(ANSWERS_LESSON)["quiz"][0]
    problems.check(
        (data["answers"].get(question_id) or {}).get("text") == WRITTEN
        and data["learner"] == "Ada",
        f"{where}: the record lacks the written answer or the name: {data['answers']}",
    )
    problems.check(
        data["quiz"][0]["answer"] == first["choices"][0]["id"],
        f"{where}: the record names the first quiz answer {data['quiz'][0]['answer']!r}, not "
        f"its option's id {first['choices'][0]['id']!r}",
    )
    problems.check(bool(data["course_version"].get("package")), f"{where}: no course version")


def check_teachers_switch(page, path: Path, problems) -> None:
    """?model-answers=hide hides even the model answer of a written answer, for the tab;
    ?model-answers=show shows every one."""
    models = page.locator(".course-questions .ca-model")
    for asked, shown in (("hide", 0), ("", 0), ("show", None)):
        page.goto(path.as_uri() + (f"?model-answers={asked}" if asked else ""))
        page.wait_for_selector("body[data-figures-ready=yes]", timeout=60_000)
        visible = sum(models.nth(i).is_visible() for i in range(models.count()))
        expected = models.count() if shown is None else shown
        problems.check(
            visible == expected and models.count() > 1,
            f"the teacher's switch {asked or '(kept from hide)'}: {visible} model answers shown "
            f"of {models.count()}, expected {expected}",
        )


def answers_file_holds(server, question_id: str) -> bool:
    path = server.root / "lessons" / "answers" / f"{ANSWERS_LESSON}.json"
    for _ in range(40):
        with contextlib.suppress(OSError, ValueError):
            kept = json.loads(path.read_text(encoding="utf-8"))["answers"]
            if (kept.get(question_id) or {}).get("text") == WRITTEN:
                return True
        time.sleep(0.25)
    return False


def screenshot_answers(page, folder: Path, prefix: str) -> None:
    set_screen(page, SCREEN)
    try:
        page.locator(".course-questions").first.evaluate("(e) => e.scrollIntoView()")
        settle(page)
        page.screenshot(path=str(folder / f"{ANSWERS_LESSON}-{prefix}-answers.png"))
        page.locator(".ca-record").evaluate("(e) => e.scrollIntoView({block: 'center'})")
        settle(page)
        page.screenshot(path=str(folder / f"{ANSWERS_LESSON}-{prefix}-record.png"))
    finally:
        page.set_viewport_size(VIEWPORT)


#: Glossary rows whose term and definition do not start on the same line (JupyterLab's
#: styling of a definition list once put a definition beside the next term).
GLOSSARY_ROWS_JS = """
() => Array.from(document.querySelectorAll('table.course-glossary tbody tr')).filter((row) => {
  const [term, definition] = row.children;
  return Math.abs(term.getBoundingClientRect().top - definition.getBoundingClientRect().top) > 2;
}).map((row) => row.textContent.trim().slice(0, 40))
"""


def check_glossary_rows(page, problems) -> None:
    """Every glossary term and its definition share a row, on screen."""
    rows = page.locator("table.course-glossary tbody tr").count()
    if rows:
        page.locator("table.course-glossary").scroll_into_view_if_needed()
        apart = page.evaluate(GLOSSARY_ROWS_JS)
        problems.check(not apart, f"glossary terms beside another term's definition: {apart}")


def check_page_clean(watch, problems, where: str) -> None:
    for error in watch.errors:
        problems.append(f"{where}: JavaScript error logged: {error}")
    for url in watch.foreign_requests():
        problems.append(f"{where}: request to a host other than the local server: {url}")


def settle(page) -> None:
    """Let the page paint what scrolling brought into view: two animation frames, then until
    no CSS transition or animation runs (the page's own state, no fixed wait)."""
    page.evaluate(PAINTED_JS)


#: After a change of the window's size: JupyterLab lays its panels out again and plotly's
#: responsive figures redraw 100 ms after the resize event (plotly's own debounce).
RESIZED_MS = 300


def set_screen(page, size) -> None:
    """Set the window's size and let the page lay itself out and redraw for it."""
    page.set_viewport_size(size)
    page.evaluate(PAINTED_JS)
    page.wait_for_timeout(RESIZED_MS)


def screenshot_lesson(page, lesson, explorer_ids, folder: Path, prefix: str) -> None:
    """Each explorer as a 1280x720 screen shows it, and the quiz."""
    set_screen(page, SCREEN)
    try:
        for explorer_id in explorer_ids:
            page.locator(explorer_selector(explorer_id)).scroll_into_view_if_needed()
            page.locator(explorer_selector(explorer_id)).evaluate(
                "(e) => e.scrollIntoView({block: 'start'})"
            )
            settle(page)
            page.screenshot(path=str(folder / f"{lesson}-{prefix}-{explorer_id}.png"))
        quiz = page.locator(".course-quiz")
        if quiz.count() == 1:
            quiz.scroll_into_view_if_needed()
            settle(page)
            page.screenshot(path=str(folder / f"{lesson}-{prefix}-quiz.png"))
    finally:
        page.set_viewport_size(VIEWPORT)


#: The slideshow (jupyterlab-slideshow): the key the README and the teacher guide give.
SLIDES_KEY = "Alt+r"
PRESENTING = "body[data-jp-deck-mode='presenting']"
SLIDE_TEXT_PX = 24
#: What the slide on screen shows: its cells, code or prompts, text under 24 px, whether it
#: runs past the screen, its explorers and quiz.
SLIDE_JS = (
    """
() => {
  const SMALLEST = 24;
  const notebook = document.querySelector('.jp-Deck .jp-Notebook');
  const cells = Array.from(notebook.querySelectorAll('.jp-Cell'));
  const shown = cells.filter((c) => c.matches('.jp-deck-mod-onscreen.jp-deck-mod-visible'));
  const visible = (n) => {
    const r = n.getBoundingClientRect();
    return r.height > 0 && r.width > 0;
  };
  const inShown = (selector) => shown.flatMap((c) => Array.from(c.querySelectorAll(selector)));
  const code = inShown('.jp-CodeCell .jp-InputArea, .jp-InputPrompt, .jp-OutputPrompt')
    .filter(visible).length;
  const small = inShown('p, li, td, th, summary, h1, h2, h3, label, .widget-html-content')
    .filter((n) => !n.closest('.course-explorer') && visible(n) && n.textContent.trim()
      && parseFloat(getComputedStyle(n).fontSize) < SMALLEST)
    .map((n) => n.textContent.trim().slice(0, 30) + ' (' + getComputedStyle(n).fontSize + ')');
  const boxes = shown.map((c) => c.getBoundingClientRect());
  const top = Math.min(...boxes.map((r) => r.top));
  const span = boxes.length ? Math.max(...boxes.map((r) => r.bottom)) - top : 0;
  const wide = shown.filter((c) => c.scrollWidth > c.clientWidth + 1).length;
  return {
    cells: shown.map((c) => cells.indexOf(c)),
    active: cells.findIndex((c) => c.classList.contains('jp-mod-active')),
    code, small: small.slice(0, 3), span: Math.round(span), room: notebook.clientHeight, wide,
    explorers: inShown('.course-explorer').map((e) => e.dataset.explorer),
    quiz: inShown('.course-quiz').length,
    // This slide's fragments still to come: on screen, not yet shown (jupyterlab-slideshow).
    hidden: cells.filter((c) => c.matches('.jp-deck-mod-onscreen:not(.jp-deck-mod-visible)'))
      .length,
  };
}
"""
).replace("SMALLEST = 24", f"SMALLEST = {SLIDE_TEXT_PX}")


#: What the slideshow shows now: the active cell and the cells shown (a step changes it).
SLIDE_SHOWN_JS = """
() => Array.from(document.querySelectorAll('.jp-Deck .jp-Notebook .jp-Cell')).map((c) =>
  (c.classList.contains('jp-mod-active') ? 'a' : '')
  + (c.matches('.jp-deck-mod-onscreen.jp-deck-mod-visible') ? 'v' : '-')).join()
"""
#: How long a step of the slideshow may take to show.
SLIDE_STEP_MS = 5_000


def _next_slide(page) -> bool:
    """The slideshow's next step (down, else forward) with its on-screen remote, once the
    step shows (its active cell or shown cells changed); False at the end. (The keyboard's
    Space does the same; after a key in an explorer's control the focus is the control's, as
    it should be.)"""
    for direction in ("down", "forward"):
        button = page.locator(
            f".jp-Deck-Remote .jp-deck-mod-direction-{direction}:not(.jp-mod-disabled)"
        )
        if button.count():
            before = page.evaluate(SLIDE_SHOWN_JS)
            button.first.click()
            with contextlib.suppress(Exception):  # no change: the walk's checks see it
                page.wait_for_function(
                    f"(before) => ({SLIDE_SHOWN_JS})() !== before",
                    arg=before,
                    timeout=SLIDE_STEP_MS,
                    polling="raf",
                )
            return True
    return False


def check_quiz_on_slide(page, problems) -> bool:
    """The quiz's first choice question on its slide takes another answer with the keyboard
    (ArrowDown in its radio group), and its feedback changes."""
    question = page.locator(".course-quiz .course-quiz-question:has(input[type=radio])").first
    qid = question.get_attribute("data-question")
    feedback = f".course-quiz .course-quiz-question[data-question='{qid}'] .quiz-feedback"
    before = page.locator(feedback).inner_text()
    checked = question.locator("input[type=radio]:checked")
    (checked if checked.count() else question.locator("input[type=radio]")).first.focus()
    page.keyboard.press("ArrowDown")
    try:
        page.wait_for_function(
            "([s, b]) => { const f = document.querySelector(s);"
            " return !!f && f.textContent.trim() && f.textContent !== b; }",
            arg=[feedback, before],
            timeout=STEP_TIMEOUT_MS,
        )
    except Exception:
        problems.append("the quiz on its slide gave no new feedback for another answer")
    return True


def check_slides(page, lesson, explorer_ids, problems, folder: Path) -> int:
    """Present the lesson with the slides key at 1280x720 and walk every slide: no code or
    execution count, text at 24 px, nothing past the screen; each explorer answers a
    keyboard step on its slide; the quiz answers. Every step is checked; each slide's
    screenshot is taken once, at its last step (every fragment shown). Returns the number of
    slides."""
    steps, slides, shown_explorers, quiz_answered = 0, 0, set(), False
    photographed = 0  # the last slide whose screenshot was taken, all of it shown
    set_screen(page, SCREEN)
    try:
        page.locator(".jp-NotebookPanel .jp-Cell").nth(2).click()
        page.keyboard.press("Escape")
        page.keyboard.press(SLIDES_KEY)
        page.wait_for_selector(PRESENTING, state="attached", timeout=10_000)
        settle(page)
        seen = None
        for _step in range(200):
            now = page.evaluate(SLIDE_JS)
            if _step == 0:
                problems.check(now["active"] == 0, f"the slideshow starts at cell {now['active']}")
            if now["cells"] != seen:
                if not seen or not set(seen) <= set(now["cells"]):  # a new slide, not a fragment
                    problems.check(
                        photographed == slides,
                        f"slide {slides} (cells {seen}): the slideshow moved on before showing "
                        "all of it (fragments still hidden)",
                    )
                    slides += 1
                seen = now["cells"]
                steps += 1
                where = f"slide {slides}, step {steps} (cells {now['cells']})"
                problems.check(not now["code"], f"{where}: shows code or an execution count")
                problems.check(not now["small"], f"{where}: text under 24 px: {now['small']}")
                problems.check(
                    now["span"] <= now["room"] and not now["wide"],
                    f"{where}: {now['span']} px tall (room {now['room']} px) or too wide",
                )
                for explorer_id in now["explorers"]:
                    shown_explorers.add(explorer_id)
                    before = explorer_state(page, explorer_id)
                    problems.check(before["hasFigure"], f"{where}: {explorer_id} not drawn")
                    pressed = step_main_control(page, explorer_id)
                    try:
                        wait_for_change(page, explorer_id, before, CHANGES, STEP_TIMEOUT_MS)
                    except Exception:
                        problems.append(f"{where}: {explorer_id}: {pressed} changed nothing")
                if now["quiz"] and not quiz_answered:
                    quiz_answered = check_quiz_on_slide(page, problems)
                if not now["hidden"]:  # all of the slide shown: its screenshot, once painted
                    page.evaluate(PAINTED_JS)
                    page.screenshot(path=str(folder / f"{lesson}-slide-{slides:02d}.png"))
                    photographed = slides
            if not _next_slide(page):
                break
        problems.check(
            photographed == slides,
            f"slide {slides}, the last: the slideshow ended before showing all of it",
        )
        missing = sorted(set(explorer_ids) - shown_explorers)
        problems.check(not missing, f"explorers on no slide: {missing}")
        problems.check(quiz_answered, "the quiz is on no slide")
    finally:
        page.evaluate("() => document.querySelector('.jp-Deck .jp-Cell.jp-mod-active')?.focus()")
        page.keyboard.press("Escape")  # the slideshow's own key to stop
        page.wait_for_selector(PRESENTING, state="detached", timeout=10_000)
        page.set_viewport_size(VIEWPORT)
    print(f"{lesson}: {slides} slides in {steps} steps")
    return slides


#: In the projector look: lesson text size, text wider than its box, and per explorer the
#: figure's title cut at the figure's edge.
PROJECTOR_JS = """
(ids) => {
  const text = document.querySelector('.jp-RenderedMarkdown p, #rendered_cells p, main p');
  const wide = Array.from(document.querySelectorAll(
      '.jp-RenderedHTMLCommon, .site-markdown, .course-quiz, main table'))
    .filter((n) => n.offsetParent !== null && n.scrollWidth > n.clientWidth + 1)
    .map((n) => n.textContent.trim().slice(0, 40));
  const titles = ids.filter((id) => {
    const plot = document.querySelector(".course-explorer[data-explorer='" + id + "'] .cx-plot");
    const title = plot && plot.querySelector('.gtitle');
    if (!title) return false;
    const p = plot.getBoundingClientRect(), t = title.getBoundingClientRect();
    return t.left < p.left - 1 || t.right > p.right + 1;
  });
  return {on: document.documentElement.classList.contains('course-projector'),
          text: text ? parseFloat(getComputedStyle(text).fontSize) : 0, wide, titles};
}
"""


def check_projector(
    page, lesson, explorer_ids, problems, folder: Path, prefix: str, *, switch: bool = True
) -> None:
    """The projector look (the switch in an explorer, or ?projector=1 already in the address):
    lesson text at 24 px, figures redrawn larger, nothing cut, each explorer's figure and
    main control on one 1280x720 screen."""
    set_screen(page, SCREEN)
    try:
        first = explorer_selector(explorer_ids[0])
        if switch:
            page.locator(first).scroll_into_view_if_needed()
            page.locator(f"{first} .cx-projector input").click()
        page.wait_for_function(
            "(ss) => ss.every((s) => document.querySelector(s + ' .cx-plot')"
            "?.dataset.projector === 'yes')",
            arg=[explorer_selector(e) for e in explorer_ids],
            timeout=STEP_TIMEOUT_MS,
        )
        found = page.evaluate(PROJECTOR_JS, explorer_ids)
        problems.check(found["on"], "projector look: the page did not switch")
        problems.check(found["text"] >= SLIDE_TEXT_PX, f"projector look: text {found['text']} px")
        problems.check(not found["wide"], f"projector look: text cut or too wide: {found['wide']}")
        problems.check(not found["titles"], f"projector look: titles cut: {found['titles']}")
        for explorer_id in explorer_ids:
            selector = explorer_selector(explorer_id)
            page.locator(selector).evaluate("(e) => e.scrollIntoView({block: 'start'})")
            settle(page)
            one_screen = page.evaluate(
                "(s) => { const r = document.querySelector(s); const m = r.querySelector("
                "'[data-control=\"' + r.dataset.main + '\"]').getBoundingClientRect();"
                " const p = r.querySelector('.cx-plot').getBoundingClientRect();"
                " return Math.max(m.bottom, p.bottom) - Math.min(m.top, p.top); }",
                selector,
            )
            problems.check(
                one_screen <= SCREEN["height"],
                f"projector look: {explorer_id}: figure and main control span {one_screen:.0f} px",
            )
            cut = page.evaluate(CUT_JS, selector)
            problems.check(not cut, f"projector look: {explorer_id}: text cut: {cut}")
            page.screenshot(path=str(folder / f"{lesson}-{prefix}-projector-{explorer_id}.png"))
        if switch:
            page.locator(first).scroll_into_view_if_needed()
            page.locator(f"{first} .cx-projector input").click()
            problems.check(
                not page.evaluate(PROJECTOR_JS, [])["on"], "projector look: did not switch off"
            )
    except Exception as error:  # a time-out: say so, and let the rest of the lesson run
        problems.append(f"projector look: {str(error).splitlines()[0]}")
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


def close_file_browser(page) -> None:
    """Collapse JupyterLab's left side bar (a learner presenting or on a laptop does)."""
    if page.locator("#jp-left-stack").is_visible():
        page.keyboard.press("Control+b")
        page.wait_for_selector("#jp-left-stack", state="hidden", timeout=5_000)


def in_jupyterlab(page, watch, lab_server, notebook, lesson, explorer_ids, screenshots):
    """Open, run all, use every explorer and quiz, reload, restart, close the tab."""
    problems = Problems()
    try:
        with step(page, watch, problems, "opening the lesson in JupyterLab"):
            open_notebook_in_lab(page, lab_server, notebook.name, workspace=f"test-{lesson}")
        with step(page, watch, problems, "Run > Run All Cells"):
            run_all_cells(page)
        with step(page, watch, problems, f"the explorers {explorer_ids} to draw"):
            wait_for_explorers(page, explorer_ids)
        problems.extend(page.evaluate(CELL_PROBLEMS_JS))
        page.locator(".jp-NotebookPanel .jp-Cell").first.click()
        close_file_browser(page)

        first = check_explorers_render(page, explorer_ids, problems)
        audit(page, "jupyterlab", lesson, "after run", problems)
        check_fit(page, explorer_ids, problems, "jupyterlab")
        current = check_controls_answer(page, explorer_ids, problems, every_control=False)
        audit(page, "jupyterlab", lesson, "after a step", problems)
        if lesson == "01-aplastic-anemia":
            check_graft_switching(page, problems)
            current["aplastic.engraftment"] = explorer_state(page, "aplastic.engraftment")
        check_quizzes(page, problems)
        keeps = lesson == ANSWERS_LESSON
        if keeps:
            question = write_an_answer(page, problems)
            problems.check(
                answers_file_holds(lab_server, question),
                "the written answer is not in the lesson's answers file (answers/)",
            )
            check_record(page, question, problems, "JupyterLab")
            screenshot_answers(page, screenshots, "lab")
        check_glossary_rows(page, problems)
        check_screen_reader(page, explorer_ids, explorer_selector, step_main_control, problems)
        if lesson == KEYBOARD_LESSON:
            ring = screenshots / f"{lesson}-lab-focus.png"
            keyboard_walk(page, "jupyterlab", WALKED["jupyterlab"], problems, screenshot=ring)
            page.wait_for_timeout(2_000)  # the walk's last steps reach the kernel first
        current = {explorer_id: explorer_state(page, explorer_id) for explorer_id in explorer_ids}
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
        if keeps:
            check_answers_kept(page, question, problems, "after a page reload")
        check_projector(page, lesson, explorer_ids, problems, screenshots, "lab")
        check_slides(page, lesson, explorer_ids, problems, screenshots)
        check_kernel_agrees(page, lab_server, explorer_ids, problems)
        check_restart(page, explorer_ids, problems)
        # Close the notebook's tab: nothing may log an error on the way out.
        page.locator(".jp-NotebookPanel .jp-Cell").first.click()
        page.keyboard.press("Escape")
        page.locator(
            ".lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current .lm-TabBar-tabCloseIcon"
        ).click()
        with contextlib.suppress(Exception):  # JupyterLab may ask to save or keep the kernel
            page.locator(".jp-Dialog").get_by_role("button", name="Discard").click(timeout=3_000)
        page.wait_for_timeout(1_500)
        check_page_clean(watch, problems, "JupyterLab")
        if keeps:  # reopened after the kernel restart and run again: the answers come back
            watch.clear()
            with step(page, watch, problems, "reopening the lesson"):
                open_notebook_in_lab(page, lab_server, notebook.name, workspace=f"again-{lesson}")
            # The saved outputs name widgets the restarted kernel no longer has: JupyterLab
            # logs "widget model not found" for each as it draws them, until the lesson's
            # run replaces them (as for any widget); every other error counts, and every
            # output must display once the lesson ran again.
            with step(page, watch, problems, "running the reopened lesson again"):
                run_all_cells(page)
            problems.extend(page.evaluate(CELL_PROBLEMS_JS))
            stale = [e for e in watch.errors if "widget model not found" in e]
            watch.errors[:] = [e for e in watch.errors if e not in stale]
            check_answers_kept(page, question, problems, "after a restart, closing and reopening")
            check_page_clean(watch, problems, "JupyterLab, the reopened lesson")
    except _Stop:
        pass
    finally:
        page.close()
        shut_down_kernels(lab_server)
    problems.raise_if_any(lesson, "JupyterLab")


def check_reloaded(page, first, current, problems) -> None:
    """After a reload each figure, sentence and main control shows the current state."""
    for explorer_id, expected in current.items():
        if expected is None:
            continue
        reloaded = explorer_state(page, explorer_id)
        if not problems.check(reloaded is not None, f"{explorer_id}: gone after a reload"):
            continue
        if reloaded["key"] == first[explorer_id]["key"] != expected["key"]:
            problems.append(f"{explorer_id}: after a page reload the figure shows its first state")
        for what in ("key", "data", "readout", "value"):
            problems.check(
                reloaded[what] == expected[what],
                f"{explorer_id}: after a reload its {what} differs from before the reload",
            )


def in_voila(page, watch, lab_server, notebook, lesson, explorer_ids, screenshots):
    """Voila renders every explorer, each fits the screen and answers every control."""
    problems = Problems()
    try:
        with step(page, watch, problems, "Voila to render the lesson"):
            page.goto(lab_server.voila_url(notebook.name), timeout=180_000)
            page.wait_for_selector("#rendered_cells", state="visible", timeout=180_000)
            wait_for_explorers(page, explorer_ids, timeout_ms=90_000)
        problems.extend(page.evaluate(CELL_PROBLEMS_JS))
        check_explorers_render(page, explorer_ids, problems)
        audit(page, "voila", lesson, "after run", problems)
        check_fit(page, explorer_ids, problems, "voila")
        check_controls_answer(page, explorer_ids, problems, every_control=True)
        audit(page, "voila", lesson, "after a step", problems)
        check_glossary_rows(page, problems)
        check_screen_reader(page, explorer_ids, explorer_selector, step_main_control, problems)
        if lesson == KEYBOARD_LESSON:
            ring = screenshots / f"{lesson}-voila-focus.png"
            keyboard_walk(page, "voila", WALKED["voila"], problems, screenshot=ring)
        screenshot_lesson(page, lesson, explorer_ids, screenshots, "voila")
        if lesson == ANSWERS_LESSON:  # kept in the browser: a reload brings them back
            question = write_an_answer(page, problems)
            screenshot_answers(page, screenshots, "voila")
            page.reload()
            with step(page, watch, problems, "Voila to render the lesson again after a reload"):
                page.wait_for_selector(".course-questions textarea", timeout=180_000)
            check_answers_kept(page, question, problems, "Voila, after a reload", quiz=False)
            # Leaving the page asks the server to shut its kernel down; Jupyter's server
            # answers 403 here (make app sets the cookie it lacks: tools/voila_class.py).
            watch.errors[:] = [e for e in watch.errors if "/voila/api/shutdown/" not in e]
            kept = page.evaluate(f"() => localStorage.getItem('{STORAGE}')") or ""
            problems.check(WRITTEN in kept, "Voila: the answer is not kept in the browser")
        check_projector(page, lesson, explorer_ids, problems, screenshots, "voila")
        set_screen(page, {"width": VIEWPORT["width"], "height": scroll_height(page)})
        page.screenshot(path=str(screenshots / f"{lesson}-voila-page.png"), full_page=True)
        page.set_viewport_size(VIEWPORT)
        check_page_clean(watch, problems, "Voila")
    except _Stop:
        pass
    finally:
        page.close()
        shut_down_kernels(lab_server)
    problems.raise_if_any(lesson, "Voila")


MAIN_PATH_ONLY_JS = """
() => document.querySelectorAll(
  'nav, footer, .site-banner, .cx-controls, .cx-plot, .cx-announce, .cx-status,'
  + ' option:not(:checked), [hidden], .ca-record'
).forEach((node) => node.remove())
"""


@pytest.mark.parametrize("notebook", LESSONS, ids=_lesson_id)
def test_lesson_on_the_static_site(notebook, browser, static_site, screenshots):
    """The static site's page of each lesson: every explorer drawn by its own front end, its
    main control answered from the page's grid with no kernel, fitting a 1280x720 screen."""
    lesson = _lesson_id(notebook)
    explorer_ids = registered_explorers(lesson)
    ctx = browser.new_context(viewport=VIEWPORT)
    watch = _PageWatch(ctx, "")
    page = ctx.new_page()
    problems = Problems()
    try:
        page.goto((static_site / f"{lesson}.html").as_uri())
        page.wait_for_selector("body[data-figures-ready=yes]", timeout=60_000)
        wait_for_explorers(page, explorer_ids, timeout_ms=60_000)
        check_explorers_render(page, explorer_ids, problems)
        audit(page, "site", lesson, "after run", problems)
        check_fit(page, explorer_ids, problems, "site")
        for explorer_id in explorer_ids:
            page.locator(explorer_selector(explorer_id)).scroll_into_view_if_needed()
            before = explorer_state(page, explorer_id)
            pressed = step_main_control(page, explorer_id)
            try:
                wait_for_change(page, explorer_id, before, CHANGES, STEP_TIMEOUT_MS)
                problems.check(
                    explorer_state(page, explorer_id)["from"] == "table",
                    f"{explorer_id}: {pressed} on the static site was not drawn from its grid",
                )
            except Exception:
                problems.append(f"{explorer_id}: {pressed} on the static site changed nothing")
        audit(page, "site", lesson, "after a step", problems)
        check_screen_reader(page, explorer_ids, explorer_selector, step_main_control, problems)
        if lesson == KEYBOARD_LESSON:
            ring = screenshots / f"{lesson}-site-focus.png"
            keyboard_walk(page, "site", WALKED["site"], problems, screenshot=ring)
            check_text_at_200_percent(page, problems, screenshots / f"{lesson}-site-200pc.png")
        screenshot_lesson(page, lesson, explorer_ids, screenshots, "site")
        # The main path as the issue counts it: text, questions, quiz, captions and sentences
        # under the figures, shown without opening a fold, up to the key terms (the page's
        # navigation, banner and footer, the controls' labels, the text drawn inside a
        # figure, the screen reader's copy of the sentence, what is hidden (a model answer
        # before the learner has written) and the record's controls are not counted).
        page.evaluate(MAIN_PATH_ONLY_JS)
        words = wordcount.main_path_words_html(page.content())
        print(f"{lesson}: {words} words on the static site's main path")
        most = wordcount.MAX_MAIN_PATH_WORDS
        problems.check(words <= most, f"{words} words outside the folds (at most {most})")
        if lesson == ANSWERS_LESSON:  # kept in the browser; the record downloads
            page.reload()  # the count above took the hidden model answers out of the page
            page.wait_for_selector("body[data-figures-ready=yes]", timeout=60_000)
            question = write_an_answer(page, problems)
            radio = page.locator(".course-quiz .quiz-input input[type=radio]").first
            radio.check()
            page.reload()
            page.wait_for_selector("body[data-figures-ready=yes]", timeout=60_000)
            check_answers_kept(page, question, problems, "static site, after a reload")
            screenshot_answers(page, screenshots, "site")
            check_record(page, question, problems, "the static site")
            check_teachers_switch(page, static_site / f"{lesson}.html", problems)
        # The projector look from the address, as a teacher links it.
        page.goto((static_site / f"{lesson}.html").as_uri() + "?projector=1")
        page.wait_for_selector("body[data-figures-ready=yes]", timeout=60_000)
        check_projector(page, lesson, explorer_ids, problems, screenshots, "site", switch=False)
        problems.extend(f"static site: JavaScript error: {e}" for e in watch.errors)
        foreign = [u for u in watch.requests if not u.startswith(("file:", "data:", "blob:"))]
        problems.check(not foreign, f"static site: requests beyond the files: {foreign[:3]}")
    finally:
        ctx.close()
    problems.raise_if_any(lesson, "the static site")


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


#: A JupyterLab page in miniature: a nameless button in the chrome and one in an output.
FAKE_LAB = (
    "<html lang='en'><title>t</title><body><div class='jp-Toolbar'><button id='in-chrome'>"
    "</button></div><div class='jp-NotebookPanel'><div class='jp-Notebook'>"
    "<div class='jp-MarkdownOutput'><p>text</p></div><div class='jp-OutputArea-output'>"
    "<button id='in-output'></button></div></div></div></body></html>"
)


def test_the_audit_sees_what_the_course_renders_not_the_chrome(browser):
    """axe reports a nameless button in an output area and leaves JupyterLab's toolbar alone."""
    page = browser.new_page()
    try:
        page.set_content(FAKE_LAB)
        problems = Problems()
        counts = audit(page, "jupyterlab", "self-check", "made to fail", problems, record=False)
    finally:
        page.close()
    assert counts["critical"] == 1 and any("in-output" in p for p in problems), problems
    assert not any("in-chrome" in p for p in problems), problems
