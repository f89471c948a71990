"""Shared test settings: hypothesis profiles, the repository's paths, no silent skips in CI."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent
LESSONS = ROOT / "lessons"

settings.register_profile(
    "course",
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "course"))


# -- the slowest files first, so that `pytest -n 2 --dist loadfile` ends both workers together --
#: Files of minutes, longest first (seconds each took on 2 cores, measured with --durations;
#: a file not listed here follows them in its usual order). pytest-xdist hands whole files to
#: its workers in the order collected; left to itself it sorts them by their number of tests,
#: which put the one-test Binder rehearsal last, alone on one worker for its 2.5 minutes.
SLOWEST_FIRST = (
    "tests/test_binder_build.py",  # 155 s: repo2docker's base, environment.yml, nbval
    "tests/test_poisoned_assets.py",  # 140 s: JupyterLab, Voila and the site, poisoned
    "tests/test_hub.py",  # 110 s: a real JupyterHub and its learners
    "tests/test_tables.py",  # 70 s: every table entry against the kernel's figure
    "tests/test_binder.py",  # 45 s: Voila renders every lesson
    "tests/test_site.py",  # 40 s: the static site built with both editions
    "tests/test_launch.py",  # 30 s: make lab, make app
    "tests/test_no_call_home.py",  # 22 s: make lab watched for connections
    "tests/test_no_silent_skips.py",  # 24 s: pytest run three times
)


def pytest_configure(config: pytest.Config) -> None:
    """pytest-xdist takes the files in the order below instead of by their number of tests."""
    if hasattr(config.option, "loadscopereorder"):
        config.option.loadscopereorder = False


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The slowest files first (a stable sort: the tests of a file keep their order)."""
    rank = {path: index for index, path in enumerate(SLOWEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(rank)))


# -- no silent skips: with CI=true a skipped browser test fails the run ------------------------
_BROWSER_REASON = re.compile(r"chromium|browser|playwright", re.IGNORECASE)


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes", "on"}


def is_browser_test(report: pytest.TestReport) -> bool:
    """A test that needs the browser: in tests/browser, marked ``browser``, or skipped for it."""
    reason = str(report.longrepr[-1]) if isinstance(report.longrepr, tuple) else ""
    return (
        report.nodeid.startswith("tests/browser/")
        or "browser" in report.keywords
        or bool(_BROWSER_REASON.search(reason))
    )


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """With ``CI=true`` a skipped browser test is reported as failed (with why it was skipped)."""
    if report.skipped and _in_ci() and is_browser_test(report) and not hasattr(report, "wasxfail"):
        reason = report.longrepr[-1] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"CI=true: a browser test may not be skipped; it was skipped: {reason}"
        _SKIPPED_IN_CI.append(report.nodeid)


_SKIPPED_IN_CI: list[str] = []


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """The run fails whatever else passed (the counters may have seen the skip first)."""
    if _SKIPPED_IN_CI and session.exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
