"""repo2docker's own base environment, read from the lock file inside the repo2docker package.

Binder (repo2docker) does not start from an empty Python: it first creates its
base environment from a conda lock file that ships inside the ``repo2docker``
package (``buildpacks/conda/environment.py-<X.Y>-linux-64.lock``: JupyterLab,
notebook, jupyterhub-singleuser, ipywidgets, ...), then runs ``mamba env update``
with the repository's ``environment.yml`` (whose ``pip:`` pins go on top with
``pip install -U``), then ``postBuild``. The course's rehearsal
(tests/test_binder_build.py) does the same in a virtual environment: conda-forge
cannot be reached here, so the base's Python packages are installed from PyPI
at the very versions of the lock file; what cannot be reproduced that way is
listed (system libraries, Node.js, conda metapackages, the interpreter's own
version, a version PyPI lacks).

Usage::

    python tools/binder_base.py              # the base's pip requirements, and what is left out
    python tools/binder_base.py --lock PATH  # another lock file
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import sys
from dataclasses import dataclass
from pathlib import Path

#: conda-forge names whose PyPI distribution is named differently.
PYPI_NAMES = {
    "brotli-python": "Brotli",
    "python-fastjsonschema": "fastjsonschema",
    "jupyterhub-base": "jupyterhub",
    "nbconvert-core": "nbconvert",
    "matplotlib-base": "matplotlib",
}
#: conda-forge metapackages: they install nothing of their own, only other packages
#: (which are in the lock file too), so pip has nothing to install for them.
METAPACKAGES = {
    "jupyterhub-singleuser": "jupyterhub (its single-user server) is installed from PyPI",
    "bleach-with-css": "bleach and tinycss2 are installed from PyPI",
    "jsonschema-with-format-nongpl": "jsonschema and its format checkers are installed",
    "cached-property": "cached_property is installed from PyPI",
    "typing-extensions": "typing_extensions is installed from PyPI",
}


@dataclass(frozen=True)
class CondaPackage:
    name: str
    version: str
    build: str

    @property
    def is_python(self) -> bool:
        """A Python package: conda-forge builds them as ``py...`` (noarch or per Python)."""
        return self.build.startswith("py") and self.name not in METAPACKAGES


@dataclass(frozen=True)
class Left:
    """A package of the base that the rehearsal does not reproduce, and why."""

    package: CondaPackage
    reason: str

    def __str__(self) -> str:
        return f"{self.package.name} {self.package.version}: {self.reason}"


def repo2docker_lock(python_version: str = "3.11", platform: str = "linux-64") -> Path:
    """The base-environment lock file inside the installed repo2docker package."""
    spec = importlib.util.find_spec("repo2docker")
    if spec is None or spec.origin is None:
        raise FileNotFoundError("repo2docker is not installed (pip install jupyter-repo2docker)")
    folder = Path(spec.origin).parent / "buildpacks" / "conda"
    path = folder / f"environment.py-{python_version}-{platform}.lock"
    if not path.is_file():
        raise FileNotFoundError(f"repo2docker has no lock file {path.name} in {folder}")
    return path


def read_lock(path: Path) -> list[CondaPackage]:
    """The packages of a conda ``@EXPLICIT`` lock file (one package URL a line)."""
    packages = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", "@")):
            continue
        filename = line.split("#", 1)[0].rsplit("/", 1)[-1]
        stem = re.sub(r"\.(conda|tar\.bz2)$", "", filename)
        name, version, build = stem.rsplit("-", 2)
        packages.append(CondaPackage(name, version, build))
    if not packages:
        raise ValueError(f"{path}: no packages in the lock file")
    return packages


def pypi_name(package: CondaPackage) -> str:
    return PYPI_NAMES.get(package.name, package.name)


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def base_requirements(packages: list[CondaPackage]) -> tuple[list[str], list[Left]]:
    """pip requirements (``name==version``) for the base's Python packages, and what is left."""
    requirements: dict[str, str] = {}
    left: list[Left] = []
    python = f"{sys.version_info[0]}.{sys.version_info[1]}.{sys.version_info[2]}"
    for package in packages:
        if package.name == "python":
            left.append(Left(package, f"the interpreter: this machine's Python {python} is used"))
        elif package.name in METAPACKAGES:
            left.append(Left(package, f"conda metapackage; {METAPACKAGES[package.name]}"))
        elif package.is_python:
            requirements.setdefault(
                _canonical(pypi_name(package)), f"{pypi_name(package)}=={package.version}"
            )
        else:
            left.append(
                Left(package, "not a Python package (conda's own build of a library or tool)")
            )
    return sorted(requirements.values(), key=str.lower), left


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lock", type=Path, help="a conda lock file (default: repo2docker's)")
    args = parser.parse_args(argv)
    path = args.lock or repo2docker_lock()
    requirements, left = base_requirements(read_lock(path))
    print(f"# repo2docker's base environment, from {path}")
    print("\n".join(requirements))
    print(f"\n# not reproduced with pip ({len(left)}):")
    print("\n".join(f"#   {item}" for item in left))
    return 0


if __name__ == "__main__":
    sys.exit(main())
