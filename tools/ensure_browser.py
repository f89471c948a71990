"""Get Debian's Chromium and Playwright before the first test that needs them.

``make test`` runs this first, so that no browser test (the static site's, the
no-call-home check, the poisoned-assets check, the browser suite) meets a missing
browser. Chromium is installed with apt-get where it is missing and the machine
allows it (``tests/browser/browser_harness.py``). With ``CI=true`` a browser that
cannot be had fails the run here; elsewhere a warning says that the browser tests
will be skipped and how to get the browser.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "browser"))

from browser_harness import BrowserUnavailable, ensure_chromium, ensure_playwright


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes", "on"}


def main() -> int:
    try:
        chromium = ensure_chromium()
        ensure_playwright()
    except BrowserUnavailable as error:
        if in_ci():
            message = f"make test: no browser for the browser tests (CI=true): {error}"
            print(message, file=sys.stderr)
            return 1
        print(f"WARNING: the browser tests will be skipped: {error}", file=sys.stderr)
        return 0
    print(f"browser tests: Chromium at {chromium}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
