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
