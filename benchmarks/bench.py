"""Start-up and execution figures of the course (``make bench``): prints, never asserts.

* kernel start: from asking for a ``stemcell-course`` kernel to its first reply;
* ``import widgets`` and ``import widgets.intro`` (plotly, ipywidgets, numpy) in the
  kernel's environment, beside an empty interpreter;
* first figure: from kernel start to the first explorer of each lesson displayed,
  running the lesson's cells in order;
* each lesson's headless execution (nbclient, fresh kernel) beside an empty notebook
  executed the same way in the same run.

Medians of several repeats; figures also written to build/bench.json.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import nbformat
from jupyter_client.manager import start_new_kernel
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
KERNEL = "stemcell-course"
#: The kernels' own start-up chatter (a TCP-transport warning per kernel) stays off the table.
QUIET = {"stderr": subprocess.DEVNULL}
REPEATS = 7
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def kernel_python() -> str:
    spec = Path(sys.prefix) / "share" / "jupyter" / "kernels" / KERNEL / "kernel.json"
    return json.loads(spec.read_text(encoding="utf-8"))["argv"][0]


def median_ms(samples: list[float]) -> float:
    return 1000.0 * statistics.median(samples)


def time_command(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, cwd=ROOT, capture_output=True)
    return time.perf_counter() - start


def kernel_start() -> float:
    start = time.perf_counter()
    manager, client = start_new_kernel(kernel_name=KERNEL, cwd=str(ROOT / "lessons"), **QUIET)
    elapsed = time.perf_counter() - start
    client.stop_channels()
    manager.shutdown_kernel(now=True)
    return elapsed


def first_figure(path: Path) -> float:
    """Seconds from asking for a kernel to the lesson's first explorer on screen."""
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    manager, client = start_new_kernel(kernel_name=KERNEL, cwd=str(path.parent), **QUIET)
    try:
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            shown = []

            def hook(msg, shown=shown):
                data = msg["content"].get("data", {})
                if msg["msg_type"] in ("display_data", "execute_result") and WIDGET_VIEW in data:
                    shown.append(True)

            reply = client.execute_interactive(cell.source, output_hook=hook, timeout=120)
            if reply["content"]["status"] != "ok":
                raise RuntimeError(f"{path.name}: a cell failed")
            if shown and "Explorer(" in cell.source:
                return time.perf_counter() - start
        raise RuntimeError(f"{path.name}: no explorer was displayed")
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def execute(nb: nbformat.NotebookNode, cwd: Path) -> float:
    client = NotebookClient(
        nb,
        timeout=300,
        kernel_name=KERNEL,
        resources={"metadata": {"path": str(cwd)}},
        store_widget_state=False,
    )
    start = time.perf_counter()
    client.execute(**QUIET)
    return time.perf_counter() - start


def main() -> int:
    lessons = sorted((ROOT / "lessons").glob("*.ipynb"))
    python = kernel_python()
    results: dict[str, object] = {}
    print(f"Course benchmark: medians of {REPEATS} runs, kernel {KERNEL!r} ({python})\n")

    empty = [time_command([python, "-c", "pass"]) for _ in range(REPEATS)]
    light = [time_command([python, "-c", "import widgets"]) for _ in range(REPEATS)]
    heavy = [time_command([python, "-c", "import widgets.intro"]) for _ in range(REPEATS)]
    # the same import in the server's environment, where nbformat and jsonschema's
    # rfc3987-syntax grammar come with plotly: what the kernel environment saves
    server_empty = [time_command([sys.executable, "-c", "pass"]) for _ in range(REPEATS)]
    server_heavy = [
        time_command([sys.executable, "-c", "import widgets.intro"]) for _ in range(REPEATS)
    ]
    starts = [kernel_start() for _ in range(REPEATS)]
    results["import_widgets_intro_server_env_ms"] = median_ms(server_heavy) - median_ms(
        server_empty
    )
    results["python_empty_ms"] = median_ms(empty)
    results["import_widgets_ms"] = median_ms(light) - median_ms(empty)
    results["import_widgets_intro_ms"] = median_ms(heavy) - median_ms(empty)
    results["kernel_start_ms"] = median_ms(starts)
    print(f"{'kernel start (request -> first reply)':48s} {results['kernel_start_ms']:8.0f} ms")
    label = "import widgets (beyond an empty interpreter)"
    print(f"{label:48s} {results['import_widgets_ms']:8.0f} ms")
    print(
        f"{'import widgets.intro (plotly, ipywidgets, numpy)':48s} "
        f"{results['import_widgets_intro_ms']:8.0f} ms"
    )
    print(
        f"{'  the same in the server env (with nbformat)':48s} "
        f"{results['import_widgets_intro_server_env_ms']:8.0f} ms"
    )

    print(f"\n{'lesson':28s} {'first figure':>13s} {'execute':>9s} {'empty nb':>9s} {'extra':>8s}")
    empty_nb = nbformat.v4.new_notebook()
    empty_nb.cells = [nbformat.v4.new_code_cell("")]
    lesson_rows = []
    for path in lessons:
        firsts, runs, empties = [], [], []
        for _ in range(3):
            # interleave the lesson and the empty notebook so both see the same machine
            empties.append(execute(nbformat.from_dict(json.loads(json.dumps(empty_nb))), ROOT))
            runs.append(execute(nbformat.read(path, as_version=4), path.parent))
            firsts.append(first_figure(path))
        row = {
            "lesson": path.stem,
            "first_figure_ms": median_ms(firsts),
            "execute_ms": median_ms(runs),
            "empty_notebook_ms": median_ms(empties),
        }
        row["extra_ms"] = row["execute_ms"] - row["empty_notebook_ms"]
        lesson_rows.append(row)
        print(
            f"{path.stem:28s} {row['first_figure_ms']:10.0f} ms {row['execute_ms']:6.0f} ms "
            f"{row['empty_notebook_ms']:6.0f} ms {row['extra_ms']:5.0f} ms"
        )
    results["lessons"] = lesson_rows
    out = ROOT / "build" / "bench.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"\nGoal: first figure within 1500 ms of kernel start. Figures in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
