"""Print the nbgitpuller link that brings the course to every learner on a JupyterHub.

A learner who opens the link gets the course pulled (git) into ``~/<name>`` on
the hub, or brought up to date if it is there already, with their own edits kept,
and lands in lesson 00. ``make hub-link HUB=https://hub.example.org`` runs this.

Usage::

    python tools/hub_link.py https://hub.example.org
    python tools/hub_link.py https://hub.example.org --app voila --lesson 01
    make hub-link HUB=https://hub.example.org LESSON=01 APP=voila
    python tools/hub_link.py --kernel-pth VENV   # postBuild: VENV finds the pulled copy

The hub's image is built from this repository (repo2docker: environment.yml, then
postBuild), but a hub mounts each learner's home over the image's, so the kernel
cannot rely on the copy baked into the image. ``--kernel-pth`` writes a ``.pth``
file into the kernel environment that puts the learner's pulled copy
(``~/[$NBGITPULLER_PARENTPATH/]<name>``) on ``sys.path`` when it exists: the
lessons then import the ``widgets`` package and read ``assets/`` from the very
copy the learner pulled. On Binder (no pulled copy) nothing changes.
"""

from __future__ import annotations

import argparse
import sys
import sysconfig
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import links

PTH_NAME = "stemcell-course-hub.pth"


def pth_line(name: str) -> str:
    """The one line of the ``.pth`` file (site runs lines that start with ``import``)."""
    return (
        "import os, sys; "
        f"p = os.path.join(os.path.expanduser('~'), os.environ.get('NBGITPULLER_PARENTPATH', ''), "
        f"{name!r}); "
        "os.path.isdir(os.path.join(p, 'widgets')) and p not in sys.path and sys.path.append(p)\n"
    )


def site_packages(venv: Path) -> Path:
    """The site-packages folder of the virtual environment ``venv``."""
    relative = Path(sysconfig.get_path("purelib", vars={"base": ""}).lstrip("/"))
    found = venv / relative
    if not found.is_dir():
        candidates = sorted(venv.glob("lib/python3*/site-packages"))
        if not candidates:
            raise FileNotFoundError(f"no site-packages in {venv}")
        found = candidates[0]
    return found


def write_kernel_pth(venv: Path) -> Path:
    """Write the ``.pth`` file into ``venv`` (see the module docstring); return its path."""
    path = site_packages(venv) / PTH_NAME
    path.write_text(pth_line(links.address().name), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("hub", nargs="?", help="the hub's address, e.g. https://hub.example.org")
    parser.add_argument("--app", choices=links.APPS, default="lab", help="JupyterLab or Voila")
    parser.add_argument(
        "--lesson", help="the lesson to open: 01, 01-aplastic-anemia or its path (default: 00)"
    )
    parser.add_argument("--kernel-pth", type=Path, metavar="VENV", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.kernel_pth:
        print(f"wrote {write_kernel_pth(args.kernel_pth)}")
        return 0
    if not args.hub:
        parser.error("give the hub's address: make hub-link HUB=https://hub.example.org")
    try:
        lesson = links.lesson_path(args.lesson) if args.lesson else None
        print(links.hub_url(args.hub, app=args.app, lesson=lesson))
    except ValueError as error:
        parser.error(str(error))
    return 0


if __name__ == "__main__":
    sys.exit(main())
