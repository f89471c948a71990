"""Keyboard-step latency of every explorer's main control, beside the floor and the naive way.

Run by ``make bench`` (after ``benchmarks/bench.py``); prints a table and writes
``build/latency.json``. It is a benchmark, not a timed test: it never fails on a
slow figure.

What is timed, inside the page (JupyterLab in Debian's Chromium): from
``performance.now()`` at the keydown that moves the main control (an init script
listening on the window) to the next animation frame after a MutationObserver on
the output saw it redrawn, which is what the learner sees. Two references are
built in the same page and measured in the same run:

* the floor: a bare ``IntSlider`` echoed to a ``Label`` through the kernel, the
  round trip no widget can beat;
* the naive way most teaching notebooks use: ``ipywidgets.interactive`` (what
  ``interact`` displays) re-creating a whole plotly figure (two 400-point lines in
  the course look) and displaying it on every change (``display(fig)``: the
  course's kernel has no nbformat, which ``fig.show()`` needs).

Steps run one at a time, interleaved across all variants, after a warm-up. Each
step also records where the time went: keydown to the last kernel message before
the redraw (kernel and wire), that message to the DOM change (the browser applying
the update: plotly's redraw), the DOM change to the next frame, the bytes the page
received, and the kernel's CPU time for everything the step caused (plotly's
replies from the browser included). The model's ``compute`` alone is timed again in
this process.

Every explorer answers its main control from *frames* held in the page
(``widgets.ui.frames``): the figure at every setting, computed once by the kernel
and switched by ``figure.js`` without a round trip. The benchmark waits until every
figure holds its frames, then records for each step whether the page drew it from
them ("frames": the share of steps that did), and also times the readout sentence
under the figure, which still comes from the kernel. It also reports, measured in
this process, what a table of frames costs to build and to send (once per change of
the other controls, in the background).

Goal (issue 3): every explorer within 2.0x the floor and at most 0.5x the naive way.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "browser"))

import browser_harness as harness  # noqa: E402

GOAL_FLOOR = 2.0
GOAL_NAIVE = 0.5
FLOOR = "floor (slider -> Label)"
NAIVE = "naive (interact + new go.Figure)"
STEP_TIMEOUT_MS = 15_000
SETTLE_MS = 120

#: Installed before any page script: timestamps keydowns and kernel messages while armed,
#: and measures one step from the keydown to the frame after the output changed.
MEASURE_JS = r"""
(() => {
  const L = (window.__latency = { armed: false });
  const decoder = new TextDecoder();
  const FIGURE_UPDATE = /"_py2js_(update|restyle|relayout)": \{/;
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (event) => {
        if (!L.armed) return;
        const now = performance.now();
        const data = event.data;
        const size = typeof data === 'string' ? data.length : (data.byteLength || data.size || 0);
        L.messages.push([now, size]);
        if (L.figureMessage === null && L.start !== null && size < 262144) {
          const text = typeof data === 'string' ? data : decoder.decode(data);
          if (FIGURE_UPDATE.test(text)) L.figureMessage = now;
        }
      });
    }
  };
  // The step starts when the control changes: the keydown on a slider's handle, the
  // click that Space makes on a toggle button, the change a drop-down's list commits.
  const begin = (event) => {
    if (!L.armed || L.start !== null) return;
    const target = event.target;
    if (!(target instanceof Element)) return;
    const slider = event.type === 'keydown' && target.closest('[role=slider]');
    const button = event.type === 'click' && target.closest('button');
    const select = event.type === 'change' && target.closest('select');
    if (slider || button || select) L.start = performance.now();
  };
  for (const type of ['keydown', 'click', 'change']) window.addEventListener(type, begin, true);
  L.arm = (rootSelector, outputSelector, naive) => {
    const root = document.querySelector(rootSelector);
    const output = root.querySelector(outputSelector);
    const before = naive ? output.querySelector('.js-plotly-plot') : null;
    const frameMark = () => (output.dataset ? output.dataset.courseFrame || '' : '');
    const markBefore = frameMark();
    L.messages = [];
    L.start = null;
    L.figureMessage = null;
    L.armed = true;
    // The readout sentence (explorers only): from the keydown to its text changing.
    const readout = root.querySelector('.explorer-readout');
    L.readout = readout ? new Promise((resolve) => {
      const text = readout.textContent;
      const watch = new MutationObserver(() => {
        if (L.start === null || readout.textContent === text) return;
        watch.disconnect();
        resolve(performance.now() - L.start);
      });
      watch.observe(readout, { subtree: true, childList: true, characterData: true });
    }) : Promise.resolve(null);
    L.result = new Promise((resolve) => {
      const drawn = () => {
        if (!naive) return true;
        const plot = output.querySelector('.js-plotly-plot');
        return !!plot && plot !== before && !!plot.querySelector('.scatterlayer .trace');
      };
      const observer = new MutationObserver(() => {
        if (L.start === null || !drawn()) return;
        observer.disconnect();
        const changed = performance.now();
        requestAnimationFrame(() => {
          const frame = performance.now();
          L.armed = false;
          const start = L.start;
          const inbound = L.messages.filter(([t]) => t >= start && t <= changed);
          const last = inbound.length ? inbound[inbound.length - 1][0] : start;
          const update = L.figureMessage !== null ? L.figureMessage : last;
          resolve({
            total: frame - start,
            wire: update - start,
            browser: changed - update,
            frame: frame - changed,
            bytes: L.messages.filter(([t]) => t >= start).reduce((sum, [, n]) => sum + n, 0),
            fromFrames: frameMark() !== markBefore,
          });
        });
      });
      const what = { subtree: true, childList: true, attributes: true, characterData: true };
      observer.observe(output, what);
    });
  };
})();
"""


def benchmark_notebook(explorer_ids: list[str]):
    """A notebook with every explorer, the floor and the naive way, each in its own cell."""
    import nbformat

    cells = [
        nbformat.v4.new_code_cell(
            "import ipywidgets as w\n"
            "import numpy as np\n"
            "import plotly.graph_objects as go\n"
            "import plotly.io as pio\n"
            "from widgets.ui import theme\n"
            "from widgets.ui.explorer import all_explorers\n"
            "EXPLORERS = {cls.explorer_id: cls for cls in all_explorers()}\n"
            "print('plotly renderer:', pio.renderers.default)"
        ),
        nbformat.v4.new_code_cell(
            "floor = w.IntSlider(value=50, min=0, max=100, description='floor')\n"
            "floor.add_class('main-control')\n"
            "echo = w.Label('50')\n"
            "echo.add_class('bench-output')\n"
            "floor.observe(lambda change: setattr(echo, 'value', str(change['new'])), 'value')\n"
            "bench_floor = w.VBox([floor, echo])\n"
            "bench_floor.add_class('bench-floor')\n"
            "bench_floor"
        ),
        nbformat.v4.new_code_cell(
            "x = np.linspace(0, 10, 400)\n\n\n"
            "def naive(k=50):\n"
            "    layout = theme.figure_layout('The naive way', x_title='x', y_title='y')\n"
            "    display(go.Figure(\n"
            "        [go.Scatter(x=x, y=np.sin(x + k / 10), name='sine'),\n"
            "         go.Scatter(x=x, y=np.cos(x + k / 10), name='cosine')],\n"
            "        layout=layout,\n"
            "    ))\n\n\n"
            "bench_naive = w.interactive(naive, k=w.IntSlider(value=50, min=0, max=100))\n"
            "bench_naive.children[0].add_class('main-control')\n"
            "bench_naive.children[-1].add_class('bench-output')\n"
            "bench_naive.add_class('bench-naive')\n"
            "bench_naive"
        ),
    ]
    cells += [
        nbformat.v4.new_code_cell(f"EXPLORERS[{explorer_id!r}]()") for explorer_id in explorer_ids
    ]
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {
        "name": "stemcell-course",
        "display_name": "Stem cell course (Python 3)",
        "language": "python",
    }
    return notebook


def model_compute_ms(explorer_classes, repeats: int) -> dict[str, float]:
    """Median ms of each explorer's ``compute`` (the model alone) for a main-control step."""
    costs = {}
    for cls in explorer_classes:
        explorer = cls()
        values = _two_values(explorer.main)
        samples = []
        for i in range(repeats):
            controls = {**explorer.panel.values(), explorer.main_control: values[i % 2]}
            started = time.perf_counter()
            explorer.compute(**controls)
            samples.append(1000 * (time.perf_counter() - started))
        costs[cls.explorer_id] = statistics.median(samples)
    return costs


def _two_values(control):
    """Two neighbouring values of a control: its value and one step away."""
    options = getattr(control, "options", None)
    if options is not None:
        values = [o[1] if isinstance(o, tuple) else o for o in options]
        index = values.index(control.value)
        other = values[index + 1] if index + 1 < len(values) else values[index - 1]
        return [control.value, other]
    step = control.step
    other = control.value + step if control.value + step <= control.max else control.value - step
    return [control.value, other]


def frame_table_costs(explorer_classes, repeats: int = 3) -> dict[str, dict[str, float]]:
    """Per explorer: ms to build its table of frames (median), its settings, KB sent."""
    from widgets.ui.frames import MAX_FRAMES, control_steps

    costs = {}
    for cls in explorer_classes:
        explorer = cls()
        steps = control_steps(explorer.main, MAX_FRAMES)
        samples, table = [], None
        for _ in range(repeats):
            explorer.frames.invalidate()
            started = time.perf_counter()
            table = explorer.frames.build()
            samples.append(1000 * (time.perf_counter() - started))
        message = table.message if table else {}
        size = len(json.dumps(message, default=lambda buffer: "x" * buffer.nbytes))
        costs[cls.explorer_id] = {
            "table_ms": round(statistics.median(samples), 1),
            "settings": len(steps.values) if steps else 0,
            "table_kb": round(size / 1024, 1),
        }
    return costs


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def run(steps: int, warmup: int, out: Path) -> dict:
    from widgets.ui.explorer import all_explorers

    classes = all_explorers()
    explorer_ids = [cls.explorer_id for cls in classes]
    sync_api = harness.ensure_playwright()
    chromium = harness.ensure_chromium()

    with tempfile.TemporaryDirectory(prefix="course-latency-") as tmp:
        notebook_path = Path(tmp) / "latency.ipynb"
        import nbformat

        nbformat.write(benchmark_notebook(explorer_ids), notebook_path)
        server = harness.LabServer(Path(tmp) / "server", lessons=[notebook_path])
        server.start()
        try:
            with sync_api.sync_playwright() as playwright:
                browser = harness.launch_browser(playwright, chromium)
                context = browser.new_context(viewport={"width": 1280, "height": 1200})
                context.add_init_script(MEASURE_JS)
                page = context.new_page()
                harness.open_notebook_in_lab(page, server, notebook_path.name, "latency")
                harness.run_all_cells(page)
                harness.wait_for_explorers(page, explorer_ids, timeout_ms=180_000)
                harness.wait_for_frames(page, explorer_ids, timeout_ms=120_000)
                page.wait_for_selector(
                    ".bench-naive .bench-output .js-plotly-plot .main-svg", state="attached"
                )
                variants = [
                    (FLOOR, ".bench-floor", ".bench-output", False, None),
                    (NAIVE, ".bench-naive", ".bench-output", True, None),
                    *(
                        (eid, harness.explorer_selector(eid), ".explorer-figure", False, eid)
                        for eid in explorer_ids
                    ),
                ]
                kernel = kernel_process(server)
                samples = measure(page, variants, kernel, steps=steps, warmup=warmup)
                browser.close()
        finally:
            server.stop()

    costs = model_compute_ms(classes, repeats=21)
    tables = frame_table_costs(classes)
    return summarise(samples, costs, tables, classes, steps, out)


def _step(page, root: str, explorer_id: str | None, backwards: bool | None) -> bool:
    """One keyboard step of a variant's main control; whether it went backwards."""
    if explorer_id is not None:
        pressed = harness.step_main_control(page, explorer_id, backwards=backwards)
        return any(key in pressed for key in ("ArrowLeft", "ArrowUp")) or (
            backwards is True and "toggle" in pressed
        )
    handle = page.locator(f"{root} .main-control .noUi-handle").first
    handle.focus()
    page.keyboard.press("ArrowLeft" if backwards else "ArrowRight")
    return bool(backwards)


def kernel_process(server):
    """The one kernel the benchmark's server runs (to read its CPU time per step)."""
    import psutil

    for child in psutil.Process(server.process.pid).children(recursive=True):
        if any("ipykernel_launcher" in part for part in child.cmdline()):
            return child
    raise RuntimeError("the benchmark's kernel process was not found")


def _cpu_seconds(process) -> float:
    times = process.cpu_times()
    return times.user + times.system


def measure(page, variants, kernel, *, steps: int, warmup: int) -> dict[str, list[dict]]:
    """Interleaved rounds: every variant steps once per round; warm-up rounds are dropped.

    Each control goes one step and back, so it stays where it started. After each
    step the kernel is left to finish everything the step caused (plotly's replies
    from the browser included), and its CPU time over the step is recorded.
    """
    samples: dict[str, list[dict]] = {name: [] for name, *_ in variants}
    last: dict[str, bool | None] = {name: None for name, *_ in variants}
    for round_number in range(warmup + steps):
        for name, root, output, naive, explorer_id in variants:
            page.locator(root).first.scroll_into_view_if_needed()
            page.evaluate(
                "() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))"
            )
            page.wait_for_selector(harness.KERNEL_IDLE)
            cpu_before = _cpu_seconds(kernel)
            page.evaluate(
                "([root, output, naive]) => window.__latency.arm(root, output, naive)",
                [root, output, naive],
            )
            backwards = None if last[name] is None else not last[name]
            last[name] = _step(page, root, explorer_id, backwards)
            try:
                result = page.evaluate(
                    "(ms) => Promise.race([window.__latency.result,"
                    " new Promise((r) => setTimeout(() => r(null), ms))])",
                    STEP_TIMEOUT_MS,
                )
                if result is not None:
                    result["readout"] = page.evaluate(
                        "(ms) => Promise.race([window.__latency.readout,"
                        " new Promise((r) => setTimeout(() => r(null), ms))])",
                        STEP_TIMEOUT_MS,
                    )
            except Exception as error:  # a page error: record a miss, keep going
                print(f"  {name}: step failed: {error}", file=sys.stderr)
                result = None
            page.evaluate("() => { window.__latency.armed = false; }")
            # Let the kernel finish what the step caused before the next one starts.
            for _ in range(2):
                page.wait_for_timeout(SETTLE_MS)
                page.wait_for_selector(harness.KERNEL_IDLE)
            if result is None:
                print(f"  {name}: no redraw within {STEP_TIMEOUT_MS} ms", file=sys.stderr)
            elif round_number >= warmup:
                result["kernel_cpu"] = 1000 * (_cpu_seconds(kernel) - cpu_before)
                samples[name].append(result)
        if round_number == warmup - 1:
            print(f"warm-up done ({warmup} rounds); measuring {steps} rounds", file=sys.stderr)
    return samples


def summarise(samples, costs, tables, classes, steps, out: Path) -> dict:
    def stats(name: str) -> dict:
        rows = samples[name]
        totals = [r["total"] for r in rows]
        if not totals:
            return {"median_ms": None, "p95_ms": None, "steps": 0}
        return {
            "median_ms": round(statistics.median(totals), 1),
            "p95_ms": round(percentile(totals, 0.95), 1),
            "kernel_and_wire_ms": round(statistics.median(r["wire"] for r in rows), 1),
            "browser_redraw_ms": round(statistics.median(r["browser"] for r in rows), 1),
            "to_frame_ms": round(statistics.median(r["frame"] for r in rows), 1),
            "received_kb": round(statistics.median(r["bytes"] for r in rows) / 1024, 1),
            # Mean, not median: the kernel's CPU clock ticks in 10 ms steps.
            "kernel_cpu_ms": round(statistics.fmean(r["kernel_cpu"] for r in rows), 1),
            "from_frames": round(sum(bool(r.get("fromFrames")) for r in rows) / len(rows), 2),
            "readout_ms": _median([r.get("readout") for r in rows]),
            "steps": len(totals),
        }

    floor, naive = stats(FLOOR), stats(NAIVE)
    explorers = []
    for cls in classes:
        entry = {
            "explorer": cls.explorer_id,
            "lesson": cls.lesson,
            "main_control": cls.main_control,
        }
        entry.update(stats(cls.explorer_id))
        entry["compute_ms"] = round(costs[cls.explorer_id], 2)
        entry.update(tables[cls.explorer_id])
        median = entry["median_ms"]
        if median is not None and floor["median_ms"] and naive["median_ms"]:
            entry["ratio_to_floor"] = round(median / floor["median_ms"], 2)
            entry["ratio_to_naive"] = round(median / naive["median_ms"], 2)
            entry["meets_goal"] = (
                entry["ratio_to_floor"] <= GOAL_FLOOR and entry["ratio_to_naive"] <= GOAL_NAIVE
            )
        else:
            entry["ratio_to_floor"] = entry["ratio_to_naive"] = entry["meets_goal"] = None
        explorers.append(entry)
    report = {
        "goal": {"ratio_to_floor_at_most": GOAL_FLOOR, "ratio_to_naive_at_most": GOAL_NAIVE},
        "steps_per_variant": steps,
        "floor": floor,
        "naive": naive,
        "explorers": explorers,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print_table(report)
    print(f"\nwritten to {out}")
    return report


def _median(values) -> float | None:
    present = [v for v in values if v is not None]
    return round(statistics.median(present), 1) if present else None


def print_table(report: dict) -> None:
    def cell(value, width, fmt="{:.1f}"):
        return ("-" if value is None else fmt.format(float(value))).rjust(width)

    header = (
        f"{'explorer':34} {'median':>7} {'p95':>7} {'xfloor':>7} {'xnaive':>7} "
        f"{'frames':>6} {'redraw':>7} {'readout':>7} {'kernel':>7} {'model':>6} "
        f"{'table':>6} {'KB':>6}  goal"
    )
    print("\nKeyboard step -> redraw in JupyterLab (Chromium), ms (medians unless p95)")
    print(header)
    print("-" * len(header))
    rows = [(FLOOR, report["floor"]), (NAIVE, report["naive"])]
    rows += [(row["explorer"], row) for row in report["explorers"]]
    for name, row in rows:
        goal = {True: "yes", False: "MISS", None: ""}[row.get("meets_goal")]
        print(
            f"{name:34} {cell(row['median_ms'], 7)} {cell(row['p95_ms'], 7)} "
            f"{cell(row.get('ratio_to_floor'), 7, '{:.2f}')} "
            f"{cell(row.get('ratio_to_naive'), 7, '{:.2f}')} "
            f"{cell(row.get('from_frames'), 6, '{:.0%}')} {cell(row.get('browser_redraw_ms'), 7)} "
            f"{cell(row.get('readout_ms'), 7)} {cell(row.get('kernel_cpu_ms'), 7)} "
            f"{cell(row.get('compute_ms'), 6, '{:.2f}')} {cell(row.get('table_ms'), 6, '{:.0f}')} "
            f"{cell(row.get('table_kb'), 6)}  {goal}"
        )
    print(
        f"\ngoal: within {GOAL_FLOOR}x the floor and at most {GOAL_NAIVE}x the naive way.\n"
        "frames: share of steps the page drew from its frames (no kernel round trip);"
        " redraw: the update (a frame, or the kernel's message) to the figure's DOM change;\n"
        "readout: keydown to the sentence under the figure changing (it comes from the kernel);"
        " kernel: the kernel's CPU time for everything the step caused (mean);\n"
        "model: the explorer's compute() alone; table: ms to build its frames (all settings),"
        " KB: their size; both in this process, once per change of the other controls."
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=30, help="measured steps per variant")
    parser.add_argument("--warmup", type=int, default=3, help="warm-up rounds (not measured)")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "latency.json")
    args = parser.parse_args(argv)
    try:
        run(args.steps, args.warmup, args.out)
    except harness.BrowserUnavailable as error:
        print(f"latency benchmark skipped: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
