"""The course's public links, all from one place: public-address.toml.

* Binder: a link (and README badge) that opens a lesson in JupyterLab, and one that
  opens it as a Voila app (``?urlpath=voila/render/...``).
* JupyterHub: an nbgitpuller link that pulls the course into a learner's home on a
  hub and opens a lesson (see tools/hub_link.py and ``make hub-link``).
* The README's badge block, between the ``public-links`` markers, is written from
  these (``make links``): two badges for the first lesson and a table that opens
  every lesson on Binder in JupyterLab and as an app; ``--check`` fails when it
  disagrees with the config or the lessons.

Usage::

    python tools/links.py            # print the links
    python tools/links.py readme     # rewrite the README's badge block
    python tools/links.py readme --check
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "public-address.toml"
README = ROOT / "README.md"
BEGIN = (
    "<!-- public-links: written by `make links` from public-address.toml; "
    "edit that file, not these lines -->"
)
END = "<!-- /public-links -->"
APPS = ("lab", "voila")
LESSONS = ROOT / "lessons"
LESSON_DATA = ROOT / "assets" / "lessons"


@dataclass(frozen=True)
class Address:
    """Where the course lives in public."""

    repository: str  # GitHub owner/name
    branch: str
    binder: str
    first_lesson: str

    @property
    def name(self) -> str:
        """The repository's name: the folder nbgitpuller pulls the course into."""
        return self.repository.split("/")[-1]

    @property
    def git_url(self) -> str:
        return f"https://github.com/{self.repository}"


def address(path: Path = CONFIG) -> Address:
    """The public address in ``public-address.toml``; ``ValueError`` if it is malformed."""
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    repository = str(data.get("repository", ""))
    owner, _, name = repository.partition("/")
    if not owner or not name or "/" in name:
        raise ValueError(f"{path.name}: repository must be 'owner/name'; got {repository!r}")
    binder = str(data.get("binder", "https://mybinder.org")).rstrip("/")
    return Address(
        repository=repository,
        branch=str(data.get("branch", "main")),
        binder=binder,
        first_lesson=str(data.get("first_lesson", "lessons/00-introduction.ipynb")),
    )


def lessons(folder: Path = LESSONS) -> list[str]:
    """Every lesson notebook, as a path in the repository (``lessons/00-....ipynb``)."""
    return [f"lessons/{path.name}" for path in sorted(folder.glob("[0-9][0-9]-*.ipynb"))]


def lesson_path(value: str, folder: Path = LESSONS) -> str:
    """The lesson that ``value`` names: ``01``, ``01-aplastic-anemia``, its file or its path.

    ``ValueError`` naming the lessons there are if none matches."""
    known = lessons(folder)
    text = value.strip().removeprefix("./").removeprefix("lessons/").removesuffix(".ipynb")
    found = [path for path in known if Path(path).stem == text or Path(path).stem[:2] == text]
    if len(found) != 1:
        names = ", ".join(Path(path).stem for path in known)
        raise ValueError(f"lesson must be one of {names} (or its number); got {value!r}")
    return found[0]


def lesson_title(path: str, data: Path = LESSON_DATA) -> str:
    """A lesson's title, from its data file in assets/lessons/ (the notebook's name if none)."""
    toml = data / f"{Path(path).stem}.toml"
    if toml.is_file():
        with toml.open("rb") as handle:
            title = tomllib.load(handle).get("title")
        if title:
            return str(title)
    return Path(path).stem


def _urlpath(app: str, path: str) -> str:
    if app not in APPS:
        raise ValueError(f"app must be one of {', '.join(APPS)}; got {app!r}")
    return f"lab/tree/{path}" if app == "lab" else f"voila/render/{path}"


def binder_url(app: str = "lab", lesson: str | None = None, where: Address | None = None) -> str:
    """The Binder link that opens ``lesson`` (a path in the repository) in JupyterLab or Voila."""
    where = where or address()
    path = lesson or where.first_lesson
    return f"{where.binder}/v2/gh/{where.repository}/{where.branch}?urlpath={_urlpath(app, path)}"


def hub_url(
    hub: str, app: str = "lab", lesson: str | None = None, where: Address | None = None
) -> str:
    """The nbgitpuller link: pull the course into ``~/<name>`` on ``hub`` and open a lesson."""
    where = where or address()
    hub = hub.rstrip("/")
    if not hub.startswith(("https://", "http://")):
        raise ValueError(f"the hub must be an address like https://hub.example.org; got {hub!r}")
    path = f"{where.name}/{lesson or where.first_lesson}"
    query = urlencode(
        {
            "repo": where.git_url,
            "branch": where.branch,
            "targetpath": where.name,
            "urlpath": _urlpath(app, path),
        }
    )
    return f"{hub}/hub/user-redirect/git-pull?{query}"


def readme_block(where: Address | None = None) -> str:
    """The README's badge lines, between their markers."""
    where = where or address()
    number = Path(where.first_lesson).stem.split("-")[0]
    lab = binder_url("lab", where=where)
    voila = binder_url("voila", where=where)
    rows = [
        "",
        "Every lesson on Binder:",
        "",
        "| # | Lesson | In JupyterLab | As an app |",
        "|---|---|---|---|",
    ]
    for path in lessons():
        title = lesson_title(path).replace("|", "\\|")
        rows.append(
            f"| {Path(path).stem[:2]} | {title} "
            f"| [open in JupyterLab]({binder_url('lab', path, where)}) "
            f"| [open as an app]({binder_url('voila', path, where)}) |"
        )
    return "\n".join(
        [
            BEGIN,
            f"[![Open lesson {number} in JupyterLab on Binder]"
            f"(https://mybinder.org/badge_logo.svg)]({lab})",
            f"[![Open lesson {number} as an app (Voila) on Binder]"
            f"(https://img.shields.io/badge/Binder-lesson%20{number}%20as%20an%20app-579ACA)]"
            f"({voila})",
            *rows,
            END,
        ]
    )


def readme_with_links(text: str, where: Address | None = None) -> str:
    """``text`` (the README) with its badge block rewritten; ``ValueError`` if it has none."""
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        raise ValueError(f"README.md has no block between {BEGIN!r} and {END!r}")
    return text[:start] + readme_block(where) + text[end + len(END) :]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", nargs="?", choices=["show", "readme"], default="show")
    parser.add_argument("--check", action="store_true", help="with readme: exit 1 if stale")
    args = parser.parse_args(argv)
    if args.command == "show":
        print(f"JupyterLab on Binder: {binder_url('lab')}")
        print(f"Voila app on Binder:  {binder_url('voila')}")
        print(f"Repository:           {address().git_url} ({address().branch})")
        return 0
    text = README.read_text(encoding="utf-8")
    updated = readme_with_links(text)
    if args.check:
        if updated != text:
            print("README.md's badges disagree with public-address.toml: run `make links`")
            return 1
        return 0
    README.write_text(updated, encoding="utf-8")
    print("README.md: badges written from public-address.toml")
    return 0


if __name__ == "__main__":
    sys.exit(main())
