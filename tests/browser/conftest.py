"""Fixtures of the browser suite: one Chromium and one JupyterLab server for every lesson.

With ``CI=true`` a missing browser fails the suite; elsewhere the suite is
skipped with one line saying how to get the browser.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import warnings
from pathlib import Path

import pytest
from browser_harness import (
    ROOT,
    BrowserUnavailable,
    LabServer,
    ensure_chromium,
    ensure_playwright,
    launch_browser,
)

SCREENSHOTS = ROOT / "build" / "browser-screenshots"


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes", "on"}


@pytest.fixture(scope="session")
def sync_api():
    """Playwright's sync API (the pinned package, installed if missing)."""
    try:
        return ensure_playwright()
    except BrowserUnavailable as error:
        _unavailable(str(error))


def _unavailable(message: str):
    if _in_ci():
        pytest.fail(f"browser suite: {message} (CI=true: a missing browser is a failure)")
    pytest.skip(f"BROWSER SUITE SKIPPED: {message}")


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's Chromium (apt-get installs it where it is missing and the machine allows)."""
    try:
        return ensure_chromium()
    except BrowserUnavailable as error:
        _unavailable(str(error))


@pytest.fixture(scope="session")
def browser(sync_api, chromium_path):
    """One headless Chromium for the whole suite."""
    with sync_api.sync_playwright() as playwright:
        instance = launch_browser(playwright, chromium_path)
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture(scope="session")
def lab_server(chromium_path):
    """One JupyterLab server for the whole suite, stopped by its pid at the end, pass or fail."""
    workdir = Path(tempfile.mkdtemp(prefix="course-browser-"))
    server = LabServer(workdir)
    atexit.register(server.stop)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def static_site(chromium_path):
    """The static site, built once for the suite by ``make site``'s own builder (in a process
    of its own: Playwright's sync API holds this one's event loop)."""
    import subprocess
    import sys

    out = Path(tempfile.mkdtemp(prefix="course-site-")) / "site"
    subprocess.run(
        [sys.executable, str(ROOT / "tools" / "static_site.py"), "--out", str(out)],
        check=True,
        cwd=ROOT,
        timeout=900,
    )
    try:
        yield out
    finally:
        shutil.rmtree(out.parent, ignore_errors=True)


@pytest.fixture(scope="session", autouse=True)
def axe_reports():
    """axe's results of this run (tests/browser/accessibility.py), summed up at the end."""
    from accessibility import REPORTS, summary

    (REPORTS / "axe.jsonl").unlink(missing_ok=True)
    yield
    warnings.warn(UserWarning(f"axe violations found: {summary()}"), stacklevel=1)


@pytest.fixture(scope="session")
def screenshots():
    """The folder the lessons' screenshots go to (printed at the end of the run)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob("*.png"):
        old.unlink()
    yield SCREENSHOTS
    # A warning, because pytest-xdist relays warnings from its workers to the summary.
    warnings.warn(
        UserWarning(f"browser suite: screenshots of the lessons are in {SCREENSHOTS}"),
        stacklevel=1,
    )
