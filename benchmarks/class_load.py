"""A class on this machine: load figures for the hub and for Voila (``make bench`` runs this).

Prints, never asserts (the rehearsal in ``make test`` is the check):

* **JupyterHub** (tools/hub_rehearsal.py): classes of growing size arrive through
  the nbgitpuller link within one minute, one learner in a real Chromium page
  (``--browsers``; each page runs on this machine's cores, which a real learner's
  browser does not), the rest over the Jupyter protocols. For each size: time to the first figure
  (p50, p95), keyboard-step latency of the main control in the real pages and its
  ratio to the floor measured in the same pages, peak memory of the whole hub,
  memory per learner, errors and anything lost. The capacity is the largest
  class whose p95 time to first figure stays within 20 s with no error and
  nothing lost; from it, the cores and memory a class of 30 needs. A class of
  30 is always run and reported.
* **Voila** (tools/voila_class.py, ``make app``): memory per kernel after a
  lesson has run, and the time to the first figure with the lesson of the day
  pre-heated and without, for learners arriving together.

Figures go to build/class-load.json. This machine is shared (other work may run
beside the benchmark): read the figures as this machine's on this day.

Usage::

    python benchmarks/class_load.py                   # the whole search (minutes)
    python benchmarks/class_load.py --sizes 5,30      # chosen class sizes only
    python benchmarks/class_load.py --no-voila
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import math
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import hub_rehearsal  # noqa: E402

GOAL_P95_S = 20.0
STEP_RATIO_GOAL = 2.0
CLASS = 30


def hub_runs(sizes: list[int] | None, browsers: int, within: float, lesson: str) -> dict:
    """Rehearse growing classes; stop growing at the first that misses the goal."""
    runs: list[dict] = []
    searched = sizes is None
    plan = sizes or [5, 10, 15, 20, 25, 30]
    capacity = 0
    for size in plan:
        with tempfile.TemporaryDirectory(prefix="class-load-") as folder:
            report = hub_rehearsal.rehearse(
                size, min(browsers, size), within, Path(folder), lesson=lesson, log=lambda *_: None
            )
        figures = report.summary()
        figures["ok"] = report.ok
        p95 = figures["first_figure_p95_s"]
        figures["within_goal"] = bool(report.ok and p95 is not None and p95 <= GOAL_P95_S)
        runs.append(figures)
        print(f"\n-- a class of {size} --")
        hub_rehearsal.print_report(report)
        if figures["within_goal"]:
            capacity = max(capacity, size)
        elif searched:
            break
    if searched and not any(run["learners"] == CLASS for run in runs):
        with tempfile.TemporaryDirectory(prefix="class-load-") as folder:
            report = hub_rehearsal.rehearse(
                CLASS, browsers, within, Path(folder), lesson=lesson, log=lambda *_: None
            )
        figures = report.summary()
        figures["ok"] = report.ok
        p95 = figures["first_figure_p95_s"]
        figures["within_goal"] = bool(report.ok and p95 is not None and p95 <= GOAL_P95_S)
        runs.append(figures)
        print(f"\n-- a class of {CLASS} (past the capacity, as asked) --")
        hub_rehearsal.print_report(report)
    return {"runs": runs, "capacity": capacity}


def sizing(hub: dict) -> dict:
    """From the runs on this machine: what a class of 30 needs (stated assumptions)."""
    cores = os.cpu_count() or 1
    per_learner = [run["memory_per_learner_mb"] for run in hub["runs"] if run["learners"] >= 5]
    baseline = [run["hub_baseline_rss_mb"] for run in hub["runs"]]
    per = max(per_learner) if per_learner else None
    capacity = hub["capacity"]
    result = {"machine_cores": cores, "capacity_on_this_machine": capacity}
    if per is not None:
        memory = (max(baseline) + CLASS * per) * 1.25  # a quarter more for the peaks
        result["memory_per_learner_mb"] = per
        result["memory_for_30_gb"] = memory / 1024
    if capacity:
        # time to first figure is CPU-bound (every learner's kernel runs the lesson at once):
        # cores scale with the class, from the largest class this machine served in the goal
        result["cores_for_30"] = math.ceil(cores * CLASS / capacity)
    return result


# -- Voila -------------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _kernels(pid: int) -> list[psutil.Process]:
    found = []
    for child in psutil.Process(pid).children(recursive=True):
        try:
            if child.status() != psutil.STATUS_ZOMBIE and "ipykernel" in " ".join(child.cmdline()):
                found.append(child)
        except psutil.Error:
            continue
    return found


def voila_load(learners: int, lesson: str, preheat: bool) -> dict:
    """``learners`` page loads of ``lesson`` at once; seconds until each page is whole (every
    cell run, the figures' data in the page), and the memory of each kernel afterwards."""
    port = _free_port()
    folder = tempfile.mkdtemp(prefix="voila-load-")
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": folder, "JUPYTER_CONFIG_DIR": folder}
    argv = [sys.executable, str(ROOT / "tools" / "voila_class.py"), "--port", str(port)]
    argv += ["--class-size", str(learners), "--max-kernels", str(learners * 2 + 2)]
    if preheat:
        argv += ["--lesson", lesson, "--pool", str(learners)]
    log = Path(folder) / "voila.log"
    with log.open("w") as out:
        server = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while "running at" not in log.read_text():
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError(log.read_text()[-2000:])
            time.sleep(0.3)
        if preheat:  # wait for the pool to be full: the teacher starts before the class
            while f"filled with {learners} kernel" not in log.read_text():
                if time.monotonic() > deadline + 300:
                    raise RuntimeError("the pool did not fill")
                time.sleep(0.5)
        name = hub_rehearsal.links.lesson_path(lesson).split("/")[-1]
        page = f"http://127.0.0.1:{port}/voila/render/{name}"

        def load(_: int) -> float:
            opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
            start = time.monotonic()
            with opener.open(page, timeout=600) as answer:
                body = answer.read().decode("utf-8")
            if "application/vnd.jupyter.widget-view+json" not in body:
                raise RuntimeError("a page without its explorers")
            return time.monotonic() - start

        with concurrent.futures.ThreadPoolExecutor(max_workers=learners) as pool:
            times = sorted(pool.map(load, range(learners)))
        kernels = _kernels(server.pid)
        pss = [k.memory_full_info().pss for k in kernels]
        rss = [k.memory_info().rss for k in kernels]
        return {
            "learners": learners,
            "preheated": preheat,
            "page_p50_s": statistics.median(times),
            "page_p95_s": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))],
            "kernels_alive": len(kernels),
            "kernel_pss_mb": statistics.median(pss) / 2**20 if pss else None,
            "kernel_rss_mb": statistics.median(rss) / 2**20 if rss else None,
            "log_faults": len(re.findall(r"Traceback|\[E ", log.read_text())),
        }
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", help="class sizes to run, e.g. 5,30 (default: the search)")
    parser.add_argument("--browsers", type=int, default=1, help="learners in Chromium pages")
    parser.add_argument("--within", type=float, default=60.0, help="arrivals within (s)")
    parser.add_argument("--lesson", default="00", help="the lesson the class opens")
    parser.add_argument("--voila-learners", type=int, default=10)
    parser.add_argument("--no-voila", action="store_true")
    parser.add_argument("--no-hub", action="store_true")
    args = parser.parse_args(argv)
    # stopped from outside (a timeout): the rehearsal still stops its hub and servers
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sizes = [int(x) for x in args.sizes.split(",")] if args.sizes else None
    try:
        lesson = hub_rehearsal.links.lesson_path(args.lesson)
    except ValueError as error:
        parser.error(str(error))
    cores = os.cpu_count()
    memory = psutil.virtual_memory().total / 2**30
    print(f"A class on this machine: {cores} cores, {memory:.0f} GiB (shared with other work)")
    results: dict[str, object] = {"cores": cores, "memory_gib": memory}
    if not args.no_voila:
        print(f"\nVoila (make app): {args.voila_learners} learners loading lesson {args.lesson}")
        voila = [voila_load(args.voila_learners, args.lesson, preheat) for preheat in (False, True)]
        for row in voila:
            kind = "pre-heated pool" if row["preheated"] else "no pool        "
            print(
                f"  {kind}: page whole p50 {row['page_p50_s']:.1f} s, p95 "
                f"{row['page_p95_s']:.1f} s; per kernel {row['kernel_pss_mb']:.0f} MB "
                f"proportional ({row['kernel_rss_mb']:.0f} MB resident), "
                f"{row['kernels_alive']} kernels alive; log faults {row['log_faults']}"
            )
        results["voila"] = voila
    if not args.no_hub:
        print(
            f"\nJupyterHub: classes arriving within {args.within:.0f} s through the nbgitpuller "
            f"link, {args.browsers} learners in Chromium; goal p95 first figure <= {GOAL_P95_S} s"
        )
        hub = hub_runs(sizes, args.browsers, args.within, lesson)
        results["hub"] = hub
        size = sizing(hub)
        results["sizing"] = size
        print(f"\nCapacity on this machine: {hub['capacity'] or 'none'} learners within the goal")
        for run in hub["runs"]:
            ratio = run["step_to_floor_p50"]
            if run["learners"] == hub["capacity"] and ratio is not None:
                verdict = "within" if ratio <= STEP_RATIO_GOAL else "NOT within"
                print(
                    f"  main-control step at the capacity: {ratio:.2f}x the floor ({verdict} 2.0x)"
                )
        if "memory_for_30_gb" in size:
            print(
                f"A class of {CLASS}: about {size['memory_for_30_gb']:.1f} GB of memory "
                f"({size['memory_per_learner_mb']:.0f} MB per learner + the hub, +25%)"
                + (f" and {size['cores_for_30']} cores" if "cores_for_30" in size else "")
            )
    out = ROOT / "build" / "class-load.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
    print(f"\nFigures in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
