"""Build and check the course's environments from the one pin file, requirements.txt.

The course runs in two Python environments built from the same pins:

* the *server* environment (``.venv``): JupyterLab, Voila, the test tools, and
  everything in requirements.txt;
* the *kernel* environment (``.venv/kernel``): only what a lesson's kernel needs
  (numpy, scipy, ipykernel, ipywidgets, plotly, anywidget and the ``widgets``
  package), installed with requirements.txt as pip *constraints*, so every
  version is the pinned one.

Why two: plotly imports nbformat when it is installed, nbformat imports
jsonschema, and jsonschema builds the rfc3987-syntax grammar at import (about
1 s on this kind of machine, the largest part of a kernel's start-up). The
Jupyter server needs that package (jupyter-events requires
``jsonschema[format-nongpl]``); the kernel does not, so the kernel gets an
environment with nbformat and jsonschema but without that optional extra:
jsonschema then skips the grammar by itself. Nothing is stubbed.

Usage::

    python tools/course_env.py kernel [--venv DIR] [--prefix PREFIX]
    python tools/course_env.py environment-yml      # rewrite environment.yml
    python tools/course_env.py check                # exit 1 if environment.yml drifted
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PINS = ROOT / "requirements.txt"
ENVIRONMENT_YML = ROOT / "environment.yml"
KERNEL_NAME = "stemcell-course"
KERNEL_DISPLAY_NAME = "Stem cell course (Python 3)"
PYTHON_VERSION = "3.11"


def pinned_requirements(path: Path = PINS) -> list[str]:
    """The pinned requirement lines of ``path``, comments and blanks dropped."""
    lines = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            lines.append(line)
    return lines


def environment_yml_text() -> str:
    """The environment.yml that Binder (repo2docker) builds: the same pins as make lab."""
    pins = "\n".join(f"      - {line}" for line in pinned_requirements())
    return (
        "# Binder's environment (repo2docker). Generated from requirements.txt by\n"
        "# `make environment.yml`; do not edit by hand: tests/test_environment.py\n"
        "# fails if these pins drift from requirements.txt. postBuild then builds the\n"
        "# course's kernel environment from the same pins.\n"
        "name: stemcell-course\n"
        "channels:\n"
        "  - conda-forge\n"
        "dependencies:\n"
        f"  - python={PYTHON_VERSION}\n"
        "  - pip\n"
        "  - pip:\n"
        f"{pins}\n"
    )


def environment_yml_pins(path: Path = ENVIRONMENT_YML) -> list[str]:
    """The pip entries of environment.yml, read as repo2docker's pip step reads them."""
    pins: list[str] = []
    in_pip = False
    for raw in path.read_text(encoding="utf-8").splitlines():
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped == "- pip:":
            in_pip = True
            continue
        if in_pip:
            if stripped.startswith("- ") and raw.startswith("      "):
                pins.append(stripped[2:].strip())
            else:
                in_pip = False
    return pins


def _run(cmd: list[str]) -> None:
    print("+", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True)


VOILA_TEMPLATE = ROOT / "share" / "jupyter" / "voila" / "templates" / "stemcell-course"


def install_voila_template(prefix: Path) -> Path:
    """Copy the course's Voila template (Voila's lab template, no CDN font) under ``prefix``."""
    target = prefix / "share" / "jupyter" / "voila" / "templates" / VOILA_TEMPLATE.name
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(VOILA_TEMPLATE, target)
    return target


def build_kernel(venv: Path, prefix: Path) -> None:
    """Create the kernel environment at ``venv`` and register its kernelspec under ``prefix``."""
    python = venv / "bin" / "python"
    if not python.exists():
        _run([sys.executable, "-m", "venv", str(venv)])
    _run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-c",
            str(PINS),
            "-e",
            str(ROOT),
        ]
    )
    _run(
        [
            str(python),
            "-m",
            "ipykernel",
            "install",
            "--prefix",
            str(prefix),
            "--name",
            KERNEL_NAME,
            "--display-name",
            KERNEL_DISPLAY_NAME,
        ]
    )
    spec = prefix / "share" / "jupyter" / "kernels" / KERNEL_NAME / "kernel.json"
    data = json.loads(spec.read_text(encoding="utf-8"))
    # Keep the kernel from reading the user's site-packages, so the pins hold.
    data.setdefault("env", {})["PYTHONNOUSERSITE"] = "1"
    spec.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    print(f"+ installed the Voila template at {install_voila_template(prefix)}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    kernel = sub.add_parser(
        "kernel", help="build the kernel environment, its kernelspec and the Voila template"
    )
    kernel.add_argument("--venv", type=Path, default=ROOT / ".venv" / "kernel")
    kernel.add_argument("--prefix", type=Path, default=Path(sys.prefix))
    sub.add_parser("environment-yml", help="rewrite environment.yml from requirements.txt")
    sub.add_parser("check", help="fail if environment.yml's pins differ from requirements.txt")
    args = parser.parse_args(argv)

    if args.command == "kernel":
        build_kernel(args.venv.resolve(), args.prefix.resolve())
    elif args.command == "environment-yml":
        ENVIRONMENT_YML.write_text(environment_yml_text(), encoding="utf-8")
    elif args.command == "check":
        if environment_yml_pins() != pinned_requirements():
            print("environment.yml differs from requirements.txt: run `make environment.yml`")
            return 1
    return 0


if __name__ == "__main__":
    os.chdir(ROOT)
    sys.exit(main())
