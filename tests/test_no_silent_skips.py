"""No silent skips: the browser comes before the tests, and CI never skips a browser test."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from tests.conftest import ROOT

DEMO = """
import pytest

def test_a_site_in_the_browser():
    pytest.skip("needs Debian's chromium")

@pytest.mark.browser
def test_marked_browser():
    pytest.skip("no reason given")

def test_not_about_the_browser():
    pytest.skip("only on macOS")
"""


def _run(tmp_path, ci: str | None) -> subprocess.CompletedProcess:
    (tmp_path / "test_demo.py").write_text(DEMO, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    if ci is not None:
        env["CI"] = ci
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "tests.conftest",
            "-q",
            "-rfs",
            "-p",
            "no:cacheprovider",
            "--rootdir",
            str(tmp_path),
            str(tmp_path / "test_demo.py"),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_with_ci_a_skipped_browser_test_fails_the_run(tmp_path):
    result = _run(tmp_path, "true")
    assert result.returncode == 1, result.stdout
    assert "2 failed, 1 skipped" in result.stdout, result.stdout
    assert "CI=true: a browser test may not be skipped" in result.stdout
    assert "only on macOS" in result.stdout  # a skip that is not about the browser stays one


@pytest.mark.parametrize("ci", [None, "false"])
def test_elsewhere_a_browser_test_may_be_skipped(tmp_path, ci):
    result = _run(tmp_path, ci)
    assert result.returncode == 0, result.stdout
    assert "3 skipped" in result.stdout, result.stdout


def test_make_test_gets_the_browser_before_the_first_test():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^test: setup[^\n]*\n((?:\t.*\n)+)", makefile, re.M)
    assert recipe, "the Makefile has no test target"
    lines = [
        line.strip() for line in recipe.group(1).splitlines() if not line.strip().startswith("@#")
    ]
    first_pytest = next(i for i, line in enumerate(lines) if "pytest" in line)
    ensure = next(i for i, line in enumerate(lines) if "tools/ensure_browser.py" in line)
    assert ensure < first_pytest
