"""Keyboard-step latency of every control of every explorer, beside the floor and the naive way.

Run by ``make bench`` (after ``benchmarks/bench.py``); prints tables and writes
``build/latency.json``. It is a benchmark, not a timed test: it never fails on a
slow figure.

What is timed, inside the page (JupyterLab in Debian's Chromium): from
``performance.now()`` at the keydown that moves a control (an init script listening
on the window) to the next animation frame after a MutationObserver saw the figure
redrawn (the plot's ``data-key``, the values it shows, changed), which is what the
learner sees. Each step also records whether the page drew it from its table
(``data-from`` = "table") or waited for the kernel ("kernel"), the time to the
sentence under the figure changing, and the bytes the page received. Two references
are built in the same page and measured in the same run, interleaved with the
explorers' series:

* the floor: a bare ``IntSlider`` echoed to a ``Label`` through the kernel, the
  round trip no widget can beat;
* the naive way most teaching notebooks use: ``ipywidgets.interactive`` (what
  ``interact`` displays) re-creating a whole plotly figure (two 400-point lines in
  the course look) and displaying it on every change.

Every control of every explorer (slider, menu, buttons, check box) is stepped N
times, one step and back, after a warm-up, once the page holds the table for the
current values (``data-tables`` = "yes"). The table's build cost per explorer
(``TableBuilder.build_seconds``) and weight are asked of the notebook's kernel by a
second client. A second run puts a delaying proxy (about 50 ms each way, WebSocket
frames included) between Chromium and the server, as a learner on Binder has, and
measures the main controls, the floor and the naive way again.

Goal (issue 12): every control within 2.0x the floor and at most 0.5x the naive way;
the sentence within 1.5x the floor (both timed to the DOM change).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "browser"))

import browser_harness as harness  # noqa: E402

GOAL_FLOOR = 2.0
GOAL_NAIVE = 0.5
GOAL_SENTENCE = 1.5
FLOOR = "floor (slider -> Label)"
NAIVE = "naive (interact + new go.Figure)"
STEP_TIMEOUT_MS = 10_000
SETTLE_MS = 100
DELAY_S = 0.05

#: Installed before any page script: timestamps keydowns and kernel messages while armed,
#: and measures one step from the keydown to the frame after the output changed.
MEASURE_JS = r"""
(() => {
  const L = (window.__latency = { armed: false, start: null, messages: [] });
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (event) => {
        if (!L.armed) return;
        const data = event.data;
        const size = typeof data === 'string' ? data.length : (data.byteLength || data.size || 0);
        L.messages.push([performance.now(), size]);
      });
    }
  };
  // The step starts at the keydown (a slider's arrow, a menu's arrow, a radio's arrow,
  // the check box's Space: its change follows the keyup).
  window.addEventListener('keydown', () => {
    if (L.armed && L.start === null) L.start = performance.now();
  }, true);
  const frame = () => new Promise((r) => requestAnimationFrame(() => r(performance.now())));
  L.arm = (kind, rootSelector) => {
    const root = document.querySelector(rootSelector);
    L.messages = [];
    L.start = null;
    L.armed = true;
    const what = { subtree: true, childList: true, attributes: true, characterData: true };
    let target, done;
    if (kind === 'explorer') {
      target = root.querySelector('.cx-plot');
      const key = target.dataset.key;
      done = () => target.dataset.key && target.dataset.key !== key;
    } else if (kind === 'floor') {
      target = root.querySelector('.bench-output');
      const text = target.textContent;
      done = () => target.textContent !== text;
    } else {
      target = root.querySelector('.bench-output');
      const before = target.querySelector('.js-plotly-plot');
      done = () => {
        const plot = target.querySelector('.js-plotly-plot');
        return !!plot && plot !== before && !!plot.querySelector('.scatterlayer .trace');
      };
    }
    // The sentence under an explorer's figure: keydown to its text changing.
    const sentence = kind === 'explorer' ? root.querySelector('.cx-sentence') : null;
    L.sentenceAt = null;
    if (sentence) {
      const text = sentence.textContent;
      const watch = new MutationObserver(() => {
        if (L.start === null || sentence.textContent === text) return;
        watch.disconnect();
        L.sentenceAt = performance.now();
      });
      watch.observe(sentence, what);
      L.stopSentence = () => watch.disconnect();
    } else {
      L.stopSentence = () => {};
    }
    L.result = new Promise((resolve) => {
      const observer = new MutationObserver(async () => {
        if (L.start === null || !done()) return;
        observer.disconnect();
        const changed = performance.now();
        const drawn = await frame();
        L.armed = false;
        L.stopSentence();
        const start = L.start;
        resolve({
          total: drawn - start,
          changed: changed - start,
          sentence: L.sentenceAt === null ? null : L.sentenceAt - start,
          from: kind === 'explorer' ? target.dataset.from || '' : 'kernel',
          bytes: L.messages.filter(([t]) => t >= start).reduce((sum, [, n]) => sum + n, 0),
        });
      });
      observer.observe(target, what);
      L.stopResult = () => observer.disconnect();
    });
  };
  L.disarm = () => {
    L.armed = false;
    if (L.stopResult) L.stopResult();
    if (L.stopSentence) L.stopSentence();
  };
})();
"""

#: What the page says of an explorer's controls: kind, whether the table answers it.
CONTROLS_JS = """
(selector) => {
  const root = document.querySelector(selector);
  let answered = {};
  try { answered = JSON.parse(root.dataset.answered || '{}'); } catch (e) {}
  return Array.from(root.querySelectorAll('[data-control]')).map((node) => {
    const kind = node.querySelector('input[type=range]') ? 'slider'
      : node.querySelector('select') ? 'menu'
      : node.querySelector('input[type=radio]') ? 'buttons' : 'checkbox';
    const name = node.dataset.control;
    return {name, kind, main: name === root.dataset.main,
            answered: name in answered ? answered[name] : null};
  });
}
"""

#: Run in the benchmark's kernel: each explorer's table build cost, weight and limits.
KERNEL_TABLES_CODE = """
import gc as _gc, json as _json
from widgets.ui.explorer import Explorer as _Explorer
from widgets.ui import tables as _t
_out = {}
for _e in _gc.get_objects():
    if not isinstance(_e, _Explorer) or not _e.builder.wanted:
        continue
    _tab = _e.widget.tables or {}
    _why = {}
    for _name, _ok in (_tab.get("answered") or {}).items():
        if _ok or _name not in _e.controls_by_name:
            continue
        _n = len(_e.controls_by_name[_name].settings(_e.values))
        _why[_name] = (f"{_n} settings > MAX_SETTINGS {_t.MAX_SETTINGS}" if _n > _t.MAX_SETTINGS
                       else f"table past MAX_TABLE_BYTES {_t.MAX_TABLE_BYTES} B")
    _out[_e.explorer_id] = {
        "build_s": list(_e.builder.build_seconds),
        "table_bytes": len(_json.dumps(_tab)),
        "entries": len(_tab.get("entries", {})),
        "settings": {_n: len(_c.settings(_e.values)) for _n, _c in _e.controls_by_name.items()},
        "answered": _tab.get("answered", {}),
        "why_kernel": _why,
    }
print(_json.dumps(_out))
"""


def benchmark_notebook(explorer_ids: list[str]):
    """A notebook with the floor, the naive way and every explorer, each in its own cell."""
    import nbformat

    cells = [
        nbformat.v4.new_code_cell(
            "import ipywidgets as w\n"
            "import numpy as np\n"
            "import plotly.graph_objects as go\n"
            "from widgets.ui import theme\n"
            "from widgets.ui.explorer import all_explorers\n"
            "EXPLORERS = {cls.explorer_id: cls for cls in all_explorers()}"
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


# -- a delaying proxy between Chromium and the server --------------------------------------
class DelayProxy:
    """A TCP proxy on 127.0.0.1 that forwards to ``target_port``, every chunk held
    ``delay`` seconds each way (in order), WebSocket frames included."""

    def __init__(self, target_port: int, delay: float) -> None:
        self.target_port = target_port
        self.delay = delay
        self.port = harness._free_port()
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.writers: set = set()

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.server = self.loop.run_until_complete(
            asyncio.start_server(self._client, "127.0.0.1", self.port)
        )
        self.ready.set()
        self.loop.run_forever()

    async def _pipe(self, reader, writer) -> None:
        queue: asyncio.Queue = asyncio.Queue()

        async def send() -> None:
            while True:
                due, chunk = await queue.get()
                if chunk is None:
                    break
                wait = due - self.loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                writer.write(chunk)
                await writer.drain()

        sender = self.loop.create_task(send())
        try:
            while chunk := await reader.read(65536):
                queue.put_nowait((self.loop.time() + self.delay, chunk))
        finally:
            queue.put_nowait((0, None))
            with contextlib.suppress(Exception):
                await sender
            with contextlib.suppress(Exception):
                writer.close()

    async def _client(self, reader, writer) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.close()
            return
        self.writers.update((writer, up_writer))
        try:
            await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))
        except (Exception, asyncio.CancelledError):  # a connection closed or the proxy stops
            pass
        finally:
            self.writers.difference_update((writer, up_writer))

    def __enter__(self) -> DelayProxy:
        self.thread.start()
        self.ready.wait(10)
        return self

    def __exit__(self, *exc) -> None:
        async def stop() -> None:
            self.server.close()
            for writer in list(self.writers):  # every open connection ends (EOF both ways)
                writer.close()
            await asyncio.sleep(0.3)
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(stop(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


# -- measuring -----------------------------------------------------------------------------
def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


class Bench:
    """One page of the benchmark notebook: steps controls and records each step."""

    def __init__(self, page) -> None:
        self.page = page
        self.last: dict[str, bool | None] = {}

    def _step_reference(self, root: str, backwards: bool) -> None:
        handle = self.page.locator(f"{root} .main-control .noUi-handle").first
        handle.focus()
        self.page.keyboard.press("ArrowLeft" if backwards else "ArrowRight")

    def step(self, kind: str, name: str, explorer_id: str | None = None) -> dict | None:
        """One keyboard step (one way, then back on the next call); the page's timings."""
        page = self.page
        root = harness.explorer_selector(explorer_id) if explorer_id else f".bench-{kind}"
        page.locator(root).first.scroll_into_view_if_needed()
        page.evaluate(
            "() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))"
        )
        page.evaluate(
            "([kind, root]) => window.__latency.arm(kind, root)",
            ["explorer" if explorer_id else kind, root],
        )
        label = f"{explorer_id}/{name}" if explorer_id else name
        previous = self.last.get(label)
        backwards = None if previous is None else not previous
        try:
            if explorer_id:
                pressed = harness.step_control(page, explorer_id, name, backwards=backwards)
                self.last[label] = any(k in pressed for k in ("ArrowLeft", "ArrowUp")) or (
                    "check box" in pressed and backwards is True
                )
            else:
                self._step_reference(root, bool(backwards))
                self.last[label] = bool(backwards)
            result = page.evaluate(
                "(ms) => Promise.race([window.__latency.result,"
                " new Promise((r) => setTimeout(() => r(null), ms))])",
                STEP_TIMEOUT_MS,
            )
        except Exception as error:  # a page error: record a miss, keep going
            print(f"  {label}: step failed: {error}", file=sys.stderr)
            result = None
        page.evaluate("() => window.__latency.disarm()")
        if result is None:
            print(f"  {label}: no redraw within {STEP_TIMEOUT_MS} ms", file=sys.stderr)
        page.wait_for_timeout(SETTLE_MS)
        with contextlib.suppress(Exception):
            page.wait_for_selector(harness.KERNEL_IDLE, timeout=30_000)
        return result


def open_bench_page(context, url: str, explorer_ids: list[str]):
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=90_000)
    page.wait_for_selector(harness.KERNEL_IDLE, timeout=90_000)
    harness.run_all_cells(page, timeout_ms=300_000)
    harness.wait_for_explorers(page, explorer_ids, timeout_ms=180_000)
    harness.wait_for_tables(page, explorer_ids, timeout_ms=300_000)
    page.wait_for_selector(".bench-naive .bench-output .js-plotly-plot .main-svg", state="attached")
    return page


def measure(page, explorer_ids, *, steps: int, warmup: int, main_only: bool, log) -> dict:
    """Every control's series (the floor and the naive way stepped between the series)."""
    bench = Bench(page)
    refs: dict[str, list[dict]] = {FLOOR: [], NAIVE: []}

    def reference_round() -> None:
        for kind, name in (("floor", FLOOR), ("naive", NAIVE)):
            result = bench.step(kind, name)
            if result is not None:
                refs[name].append(result)

    for _ in range(warmup):  # warm-up of the references (not recorded)
        for kind, name in (("floor", FLOOR), ("naive", NAIVE)):
            bench.step(kind, name)
    controls: list[dict] = []
    for explorer_id in explorer_ids:
        described = page.evaluate(CONTROLS_JS, harness.explorer_selector(explorer_id))
        for control in described:
            if main_only and not control["main"]:
                continue
            waited = time.monotonic()
            try:
                harness.wait_for_tables(page, [explorer_id], timeout_ms=60_000)
            except Exception:
                log(f"  {explorer_id}: no table for the current values within 60 s")
            waited = time.monotonic() - waited
            # What the page says now of this control (the table for the current values).
            now = page.evaluate(CONTROLS_JS, harness.explorer_selector(explorer_id))
            answered = next(c["answered"] for c in now if c["name"] == control["name"])
            samples = []
            for index in range(warmup + steps):
                result = bench.step("explorer", control["name"], explorer_id)
                if result is not None and index >= warmup:
                    samples.append(result)
            controls.append(
                {
                    "explorer": explorer_id,
                    **control,
                    "answered": answered,
                    "waited_for_table_s": round(waited, 2),
                    "samples": samples,
                }
            )
            log(f"  {explorer_id}/{control['name']}: {_brief(samples)}")
            reference_round()
    while min(len(refs[FLOOR]), len(refs[NAIVE])) < steps:
        reference_round()
    return {"floor": refs[FLOOR], "naive": refs[NAIVE], "controls": controls}


def _brief(samples: list[dict]) -> str:
    totals = [s["total"] for s in samples]
    if not totals:
        return "no step drawn"
    share = sum(s["from"] == "table" for s in samples) / len(samples)
    return f"median {statistics.median(totals):.0f} ms, {share:.0%} from the table"


def _median(values) -> float | None:
    present = [v for v in values if v is not None]
    return round(statistics.median(present), 1) if present else None


def stats(samples: list[dict]) -> dict:
    totals = [s["total"] for s in samples]
    if not totals:
        return {"median_ms": None, "p95_ms": None, "steps": 0}
    return {
        "median_ms": round(statistics.median(totals), 1),
        "p95_ms": round(percentile(totals, 0.95), 1),
        "changed_ms": _median(s["changed"] for s in samples),
        "sentence_ms": _median(s.get("sentence") for s in samples),
        "sentence_p95_ms": (
            round(percentile(present, 0.95), 1)
            if (present := [s["sentence"] for s in samples if s.get("sentence") is not None])
            else None
        ),
        "from_table": round(sum(s["from"] == "table" for s in samples) / len(samples), 2),
        "received_kb": round(statistics.median(s["bytes"] for s in samples) / 1024, 1),
        "steps": len(totals),
    }


def summarise_run(raw: dict) -> dict:
    floor, naive = stats(raw["floor"]), stats(raw["naive"])
    rows = []
    for control in raw["controls"]:
        row = {k: v for k, v in control.items() if k != "samples"}
        row.update(stats(control["samples"]))
        median, sentence = row["median_ms"], row.get("sentence_ms")
        if median is not None and floor["median_ms"] and naive["median_ms"]:
            row["x_floor"] = round(median / floor["median_ms"], 2)
            row["x_naive"] = round(median / naive["median_ms"], 2)
            # The sentence is timed to its DOM change: against the floor's DOM change.
            row["sentence_x_floor"] = (
                round(sentence / floor["changed_ms"], 2) if sentence is not None else None
            )
            row["meets_goal"] = (
                row["x_floor"] <= GOAL_FLOOR
                and row["x_naive"] <= GOAL_NAIVE
                and (row["sentence_x_floor"] is None or row["sentence_x_floor"] <= GOAL_SENTENCE)
            )
        else:
            row["x_floor"] = row["x_naive"] = row["sentence_x_floor"] = None
            row["meets_goal"] = False
        rows.append(row)
    return {"floor": floor, "naive": naive, "controls": rows}


def print_run(title: str, run: dict, tables: dict | None = None) -> None:
    def cell(value, width, fmt="{:.0f}"):
        return ("-" if value is None else fmt.format(float(value))).rjust(width)

    header = (
        f"{'explorer':26} {'control':28} {'kind':8} {'median':>6} {'p95':>6} {'xfloor':>6} "
        f"{'xnaive':>6} {'sent.':>6} {'s/flr':>5} {'table':>5}  goal"
    )
    print(f"\n{title}")
    print(header)
    print("-" * len(header))
    for name, row in ((FLOOR, run["floor"]), (NAIVE, run["naive"])):
        print(
            f"{name:55} {'':8} {cell(row['median_ms'], 6)} {cell(row['p95_ms'], 6)}"
            f"{'':29}(DOM change {cell(row.get('changed_ms'), 0)} ms)"
        )
    for row in run["controls"]:
        goal = "yes" if row["meets_goal"] else "MISS"
        control = row["name"] + (" *" if row["main"] else "")
        print(
            f"{row['explorer']:26} {control[:28]:28} {row['kind']:8} "
            f"{cell(row['median_ms'], 6)} {cell(row['p95_ms'], 6)} "
            f"{cell(row['x_floor'], 6, '{:.2f}')} {cell(row['x_naive'], 6, '{:.2f}')} "
            f"{cell(row.get('sentence_ms'), 6)} {cell(row.get('sentence_x_floor'), 5, '{:.2f}')} "
            f"{cell(row.get('from_table'), 5, '{:.0%}')}  {goal}"
        )
    met = sum(row["meets_goal"] for row in run["controls"])
    print(
        f"\n{met} of {len(run['controls'])} controls meet the goal (within {GOAL_FLOOR}x the floor,"
        f" at most {GOAL_NAIVE}x the naive way, the sentence within {GOAL_SENTENCE}x the floor's"
        " DOM change).\n* main control; median/p95: keydown -> frame after the figure redrew (ms);"
        " sent.: keydown -> sentence changed (ms); table: share of steps drawn from the page's"
        " table."
    )
    kernel = [row for row in run["controls"] if row.get("answered") is False]
    if kernel:
        print("\nControls answered through the kernel (data-answered false):")
        for row in kernel:
            why = ((tables or {}).get(row["explorer"], {}).get("why_kernel", {})).get(
                row["name"], "past the table's limits"
            )
            print(f"  {row['explorer']}/{row['name']}: {why}")
    else:
        print("\nNo control is answered through the kernel: every table holds every control.")


def print_tables(tables: dict) -> None:
    print("\nTables built by the kernel (TableBuilder.build_seconds; widget.tables as JSON)")
    print(f"{'explorer':26} {'builds':>6} {'median s':>8} {'max s':>6} {'entries':>7} {'KB':>7}")
    for explorer_id, info in tables.items():
        builds = info["build_s"]
        median = statistics.median(builds) if builds else None
        print(
            f"{explorer_id:26} {len(builds):6d} "
            f"{('-' if median is None else f'{median:.2f}'):>8} "
            f"{(f'{max(builds):.2f}' if builds else '-'):>6} {info['entries']:7d} "
            f"{info['table_bytes'] / 1024:7.0f}"
        )


def kernel_json(server, code: str) -> dict:
    kernels = harness.kernel_ids(server)
    if len(kernels) != 1:
        raise RuntimeError(f"expected one kernel, found {len(kernels)}")
    return harness.kernel_json(server, kernels[0], code)


def run(args) -> dict:
    from widgets.ui.explorer import all_explorers

    log = lambda text: print(text, file=sys.stderr, flush=True)  # noqa: E731
    explorer_ids = [cls.explorer_id for cls in all_explorers()]
    if args.only:
        explorer_ids = [e for e in explorer_ids if any(o in e for o in args.only)]
    sync_api = harness.ensure_playwright()
    chromium = harness.ensure_chromium()
    report: dict = {
        "goal": {
            "x_floor_at_most": GOAL_FLOOR,
            "x_naive_at_most": GOAL_NAIVE,
            "sentence_x_floor_at_most": GOAL_SENTENCE,
        },
        "steps": args.steps,
        "warmup": args.warmup,
    }
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="course-latency-") as tmp:
        import nbformat

        notebook_path = Path(tmp) / "latency.ipynb"
        nbformat.write(benchmark_notebook(explorer_ids), notebook_path)
        server = harness.LabServer(Path(tmp) / "server", lessons=[notebook_path])
        server.start()
        try:
            with sync_api.sync_playwright() as playwright:
                browser = harness.launch_browser(playwright, chromium)
                context = browser.new_context(viewport={"width": 1280, "height": 1200})
                context.add_init_script(MEASURE_JS)
                log("direct run: opening the benchmark notebook ...")
                url = server.lab_url(notebook_path.name, "latency")
                page = open_bench_page(context, url, explorer_ids)
                log(f"direct run: {args.steps} steps per control after {args.warmup} warm-up")
                raw = measure(
                    page, explorer_ids, steps=args.steps, warmup=args.warmup,
                    main_only=False, log=log,
                )  # fmt: skip
                report["direct"] = summarise_run(raw)
                try:
                    report["tables"] = kernel_json(server, KERNEL_TABLES_CODE)
                except Exception as error:  # keep the figures measured so far
                    log(f"the kernel's table costs could not be read: {error}")
                    report["tables"] = {}
                save(report, args.out)
                context.close()
                report["direct_minutes"] = round((time.monotonic() - started) / 60, 1)
                try:
                    delayed(args, browser, server, url, explorer_ids, report, log)
                except Exception as error:  # keep the direct run's figures
                    log(f"the delayed run failed: {error!r}")
                    report["delayed_error"] = repr(error)
                browser.close()
        finally:
            server.stop()
    report["minutes"] = round((time.monotonic() - started) / 60, 1)
    return report


def save(report: dict, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


def delayed(args, browser, server, url, explorer_ids, report, log) -> None:
    """The main controls, the floor and the naive way again, through the delaying proxy."""
    if args.delay_ms <= 0:
        return
    harness.shut_down_kernels(server)
    with DelayProxy(server.port, args.delay_ms / 2000) as proxy:
        context = browser.new_context(viewport={"width": 1280, "height": 1200})
        context.add_init_script(MEASURE_JS)
        log(f"delayed run: +{args.delay_ms} ms round trip via :{proxy.port}")
        url = url.replace(f":{server.port}/", f":{proxy.port}/")
        url = url.replace("/workspaces/latency/", "/workspaces/latency-delay/")
        page = open_bench_page(context, url, explorer_ids)
        raw = measure(
            page,
            explorer_ids,
            steps=args.delay_steps,
            warmup=args.warmup,
            main_only=not args.delay_all,
            log=log,
        )
        report["delayed"] = summarise_run(raw)
        report["delayed"]["added_round_trip_ms"] = args.delay_ms
        report["delayed"]["steps"] = args.delay_steps
        context.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=15, help="measured steps per control")
    parser.add_argument("--warmup", type=int, default=2, help="warm-up steps (not measured)")
    parser.add_argument("--delay-ms", type=int, default=100, help="added round trip (0: none)")
    parser.add_argument("--delay-steps", type=int, default=10, help="steps per control, delayed")
    parser.add_argument(
        "--delay-all", action="store_true", help="every control under delay, not the main ones"
    )
    parser.add_argument("--only", nargs="*", help="explorer ids (substrings) to measure")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "latency.json")
    args = parser.parse_args(argv)
    try:
        report = run(args)
    except harness.BrowserUnavailable as error:
        print(f"latency benchmark skipped: {error}", file=sys.stderr)
        return 1
    save(report, args.out)
    if report.get("tables"):
        print_tables(report["tables"])
    print_run(
        "Keyboard step -> redraw in JupyterLab (Chromium), every control (ms)",
        report["direct"],
        report["tables"],
    )
    if "delayed" in report:
        print_run(
            f"The same with +{report['delayed']['added_round_trip_ms']} ms round trip"
            " (delaying proxy between Chromium and the server)",
            report["delayed"],
            report["tables"],
        )
    print(f"\nwritten to {args.out} ({report['minutes']} min)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
