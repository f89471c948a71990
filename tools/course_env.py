"""Build and check the course's environments from the one pin file, requirements.txt.

The course runs in two Python environments built from the same pins:

* the *server* environment (``.venv``, on Binder repo2docker's environment):
  JupyterLab, Voila, nbgitpuller, jupyterhub-singleuser: everything in
  requirements.txt. ``make test`` adds the test tools (requirements-test.txt)
  to ``.venv``; Binder's environment never has them.
* the *kernel* environment (``.venv/kernel``): only what a lesson's kernel needs
  (numpy, scipy, ipykernel, ipywidgets, plotly, anywidget, nbformat and the
  ``widgets`` package). It reuses what the server environment has installed:
  each distribution the kernel needs is linked (or copied) file by file, from its
  RECORD, out of the server's site-packages, so nothing is downloaded or built a
  second time and every version is the pinned one. A distribution the server
  lacks is installed with pip, with requirements.txt as constraints.

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
    python tools/course_env.py lock [--upgrade]     # make lock: rewrite the pin files
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PINS = ROOT / "requirements.txt"
TEST_PINS = ROOT / "requirements-test.txt"
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


#: Lab extensions the course's pages must not load. notebook 7's (pinned for Binder's base
#: environment) breaks Voila's page ("The getter for the shared module is not a function")
#: and adds nothing the course uses.
DISABLED_EXTENSIONS = ("@jupyter-notebook/lab-extension",)


def install_page_config(prefix: Path) -> Path:
    """Disable ``DISABLED_EXTENSIONS`` in the environment's ``labconfig/page_config.json``
    (read by JupyterLab and Voila alike), keeping whatever else the file says."""
    target = prefix / "etc" / "jupyter" / "labconfig" / "page_config.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    config = json.loads(target.read_text(encoding="utf-8")) if target.exists() else {}
    disabled = config.setdefault("disabledExtensions", {})
    for name in DISABLED_EXTENSIONS:
        disabled[name] = True
    target.write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    return target


#: JupyterLab settings the course adds (keeping the user's own overrides.json): the slides'
#: key, Alt+R, which starts the slideshow at the first slide, full screen.
LAB_OVERRIDES = ROOT / "share" / "jupyter" / "lab" / "settings" / "overrides.d"


def install_lab_overrides(prefix: Path) -> Path:
    """Copy the course's ``overrides.d`` files into the environment's JupyterLab settings."""
    target = prefix / "share" / "jupyter" / "lab" / "settings" / "overrides.d"
    target.mkdir(parents=True, exist_ok=True)
    for source in LAB_OVERRIDES.glob("*.json"):
        shutil.copy2(source, target / source.name)
    return target


def _canonical(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def kernel_roots(pyproject: Path = ROOT / "pyproject.toml") -> list[str]:
    """The kernel's direct requirements: the course package's runtime dependencies."""
    with pyproject.open("rb") as handle:
        return list(tomllib.load(handle)["project"]["dependencies"])


def kernel_closure(
    site: Path, roots: list[str]
) -> tuple[list[importlib.metadata.Distribution], list[str]]:
    """The distributions in ``site`` that ``roots`` need (no extras), and names missing."""
    from packaging.requirements import Requirement

    installed = {
        _canonical(dist.metadata["Name"]): dist
        for dist in importlib.metadata.distributions(path=[str(site)])
    }
    wanted = [Requirement(root) for root in roots]
    found: dict[str, importlib.metadata.Distribution] = {}
    missing: list[str] = []
    while wanted:
        requirement = wanted.pop()
        name = _canonical(requirement.name)
        if name in found or name in missing:
            continue
        dist = installed.get(name)
        if dist is None:
            missing.append(name)
            continue
        found[name] = dist
        for line in dist.requires or []:
            child = Requirement(line)
            if child.marker is None or child.marker.evaluate({"extra": ""}):
                wanted.append(child)
    return sorted(found.values(), key=lambda d: _canonical(d.metadata["Name"])), missing


def _link_or_copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists() or target.is_symlink():
        target.unlink()
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def reuse_installed(dist: importlib.metadata.Distribution, site: Path, target_site: Path) -> int:
    """Link ``dist``'s files from ``site`` into ``target_site``; return how many.

    Only files inside site-packages are taken: console scripts (their ``#!`` names
    the server's Python) and data files under ``share/`` belong to the server."""
    count = 0
    for file in dist.files or []:
        source = Path(dist.locate_file(file)).resolve()
        try:
            relative = source.relative_to(site.resolve())
        except ValueError:
            continue
        if source.is_file():
            _link_or_copy(source, target_site / relative)
            count += 1
    return count


def editable_course_files(site: Path) -> list[Path]:
    """The course package's editable install in ``site`` (its .pth, finder and dist-info)."""
    names = ("__editable__.stemcell_course", "__editable___stemcell_course", "stemcell_course-")
    return sorted(path for path in site.iterdir() if path.name.startswith(names))


def server_site_packages() -> Path:
    return Path(sysconfig.get_paths()["purelib"])


def build_kernel(venv: Path, prefix: Path) -> None:
    """Create the kernel environment at ``venv`` and register its kernelspec under ``prefix``."""
    site = server_site_packages()
    if venv.exists():
        shutil.rmtree(venv)  # rebuilt whole: no package of an older pin stays behind
    _run([sys.executable, "-m", "venv", str(venv)])
    python = venv / "bin" / "python"
    out = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    )
    target_site = Path(out.stdout.strip())
    dists, missing = kernel_closure(site, kernel_roots())
    files = sum(reuse_installed(dist, site, target_site) for dist in dists)
    print(
        f"+ reused {len(dists)} installed distributions ({files} files) from {site}",
        flush=True,
    )
    course = editable_course_files(site)
    for path in course:
        if path.is_dir():
            shutil.copytree(path, target_site / path.name, dirs_exist_ok=True)
        else:
            shutil.copy2(path, target_site / path.name)
    if missing or not course:
        # Not in the server's environment (a partial setup): pip, with the pins as constraints.
        editable = [] if course else ["-e", str(ROOT)]
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
                *missing,
                *editable,
            ]
        )
    _run([str(python), "-m", "pip", "check", "--disable-pip-version-check"])
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
    print(f"+ lab extensions the pages skip: {install_page_config(prefix)}", flush=True)
    print(f"+ JupyterLab settings of the course: {install_lab_overrides(prefix)}", flush=True)


PIN_HEADER = (
    "# The course's pinned environment: the one source of truth for versions.\n"
    "# Generated by `make lock` from requirements.in; environment.yml (Binder) repeats these pins\n"
    "# and tests/test_environment.py fails if the two drift.\n"
)
TEST_PIN_HEADER = (
    "# The test tools' pins, installed by `make test` on top of requirements.txt (never on\n"
    "# Binder). Generated by `make lock` from requirements-test.in.\n"
)


def _freeze(python: Path) -> list[str]:
    out = subprocess.run(
        [str(python), "-m", "pip", "freeze", "--all", "--disable-pip-version-check"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    skip = ("pip==", "setuptools==", "wheel==")
    return sorted(
        (line for line in out.splitlines() if "==" in line and not line.startswith(skip)),
        key=lambda line: _canonical(line.split("==")[0]),
    )


def lock(upgrade: bool = False) -> None:
    """Resolve requirements.in, then requirements-test.in on top; write both pin files.

    Without ``upgrade`` the current pins are constraints, so only new or changed
    requirements are resolved afresh; ``--upgrade`` takes the newest of everything."""
    venv = ROOT / "build" / "lock-venv"
    if venv.exists():
        shutil.rmtree(venv)
    _run([sys.executable, "-m", "venv", str(venv)])
    python = venv / "bin" / "python"
    pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    current: list[str] = []
    if not upgrade:
        # the current pins as constraints (copied: the pin files are rewritten below)
        old = venv / "current-pins.txt"
        lines = [
            line
            for path in (PINS, TEST_PINS)
            if path.exists()
            for line in pinned_requirements(path)
        ]
        old.write_text("\n".join(lines) + "\n", encoding="utf-8")
        current = ["-c", str(old)]
    _run([*pip, "-r", str(ROOT / "requirements.in"), *current])
    course = _freeze(python)
    PINS.write_text(PIN_HEADER + "\n".join(course) + "\n", encoding="utf-8")
    _run([*pip, "-r", str(ROOT / "requirements-test.in"), "-c", str(PINS), *current])
    _run([str(python), "-m", "pip", "check", "--disable-pip-version-check"])
    tools = [line for line in _freeze(python) if line not in course]
    TEST_PINS.write_text(TEST_PIN_HEADER + "\n".join(tools) + "\n", encoding="utf-8")
    ENVIRONMENT_YML.write_text(environment_yml_text(), encoding="utf-8")
    print(f"+ {len(course)} pins in {PINS.name}, {len(tools)} in {TEST_PINS.name}")


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
    locker = sub.add_parser("lock", help="rewrite requirements.txt and requirements-test.txt")
    locker.add_argument("--upgrade", action="store_true", help="newest versions, not the pins")
    args = parser.parse_args(argv)

    if args.command == "kernel":
        build_kernel(args.venv.resolve(), args.prefix.resolve())
    elif args.command == "environment-yml":
        ENVIRONMENT_YML.write_text(environment_yml_text(), encoding="utf-8")
    elif args.command == "lock":
        lock(upgrade=args.upgrade)
    elif args.command == "check":
        if environment_yml_pins() != pinned_requirements():
            print("environment.yml differs from requirements.txt: run `make environment.yml`")
            return 1
    return 0


if __name__ == "__main__":
    os.chdir(ROOT)
    sys.exit(main())
