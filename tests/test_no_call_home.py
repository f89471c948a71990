"""No call home: the server `make lab` starts connects to no other host while a lesson runs.

The test starts the server exactly as a learner does (``make lab``, with its own
Jupyter and home folders and a token of its own), opens lesson 00 in Debian's
Chromium, runs every cell and opens the extension manager, and meanwhile watches
every socket of the server's process tree (the server and the kernels it starts)
with psutil: any connection to an address that is not loopback fails the test.
A client that would go through a proxy is caught too: the server's proxy
variables point at a listener of the test's own, and any connection to it fails.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil
import pytest

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "tests" / "browser"))

from browser_harness import (
    KERNEL_IDLE,
    BrowserUnavailable,
    ensure_chromium,
    ensure_playwright,
    jupyter_home,
    launch_browser,
    run_all_cells,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LESSON = "lessons/00-introduction.ipynb"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ProxyTrap:
    """A listener the server's proxy variables point at: every connection to it is recorded."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.hits: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(1)
                with contextlib.suppress(OSError):
                    self.hits.append(conn.recv(200).decode("latin-1").splitlines()[0])

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.sock.close()


class ConnectionWatch:
    """Every non-loopback connection of a process and its descendants, polled in a thread."""

    def __init__(self, pid: int) -> None:
        self.root = psutil.Process(pid)
        self.outbound: set[str] = set()
        self.polls = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _processes(self) -> list[psutil.Process]:
        try:
            return [self.root, *self.root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def _watch(self) -> None:
        while not self._stop.is_set():
            for process in self._processes():
                try:
                    connections = process.net_connections(kind="inet")
                    name = process.name()
                except (psutil.NoSuchProcess, psutil.AccessDenied):
                    continue
                for c in connections:
                    if c.raddr and not ipaddress.ip_address(c.raddr.ip).is_loopback:
                        self.outbound.add(
                            f"{name} (pid {process.pid}) -> {c.raddr.ip}:{c.raddr.port}"
                        )
            self.polls += 1
            time.sleep(0.05)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


def _environment(home: Path, token: str, trap: ProxyTrap) -> dict[str, str]:
    """The learner's environment, with every Jupyter folder in ``home`` and proxies trapped."""
    folders = jupyter_home(home)
    # No autosave: the server serves the repository's own lessons (make lab's root).
    plugin = folders["JUPYTERLAB_SETTINGS_DIR"] / "@jupyterlab" / "docmanager-extension"
    plugin.mkdir(parents=True)
    (plugin / "plugin.jupyterlab-settings").write_text(json.dumps({"autosave": False}))
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("JUPYTER", "XDG_")) and "proxy" not in k.lower()
    }
    env.update({k: str(v) for k, v in folders.items()})
    proxy = f"http://127.0.0.1:{trap.port}"
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        env[name] = env[name.lower()] = proxy
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    env["JUPYTER_TOKEN"] = token  # make lab keeps a token; the test chooses it
    env["BROWSER"] = "true"  # make lab opens a browser window: here, none
    env.pop("MAKEFLAGS", None)
    return env


@pytest.fixture(scope="module")
def chromium() -> str:
    try:
        path = ensure_chromium(log=lambda *_: None)
        ensure_playwright(log=lambda *_: None)
    except BrowserUnavailable as error:
        pytest.skip(f"needs Debian's chromium: {error}")
    return path


def test_make_labs_server_connects_to_no_other_host_while_a_lesson_runs(chromium, tmp_path):
    from playwright.sync_api import sync_playwright

    checkpoints = ROOT / "lessons" / ".ipynb_checkpoints"
    had_checkpoints = checkpoints.exists()
    token = secrets.token_hex(16)
    port = _free_port()
    trap = ProxyTrap()
    log_path = tmp_path / "make-lab.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            ["make", "--no-print-directory", "lab", f"PORT={port}", f"LESSON={LESSON}"],
            cwd=ROOT,
            env=_environment(tmp_path / "home", token, trap),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    watch = ConnectionWatch(server.pid)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, log_path.read_text()
            with contextlib.suppress(OSError, urllib.error.URLError):
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2):
                    break
            assert time.monotonic() < deadline, "make lab did not answer:\n" + log_path.read_text()
            time.sleep(0.25)
        with sync_playwright() as playwright:
            browser = launch_browser(playwright, chromium)
            try:
                page = browser.new_page()
                page.goto(f"{base}/lab/tree/{LESSON}?token={token}")
                page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=120_000)
                page.wait_for_selector(KERNEL_IDLE, timeout=120_000)
                run_all_cells(page)
                # The extension manager's panel: with the default manager it asks PyPI.
                manager = page.locator("[data-id='extensionmanager.main-view']")
                if manager.count():
                    manager.first.click()
                page.wait_for_timeout(5_000)  # news, update check and manager run at start
            finally:
                browser.close()
    finally:
        watch.stop()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)  # a kernel left in the group
        trap.close()
        if not had_checkpoints:
            for stale in checkpoints.glob("*"):
                stale.unlink()
            with contextlib.suppress(OSError):
                checkpoints.rmdir()
    assert watch.polls > 20, "the connections were hardly watched"
    assert not watch.outbound, "make lab's server connected to other hosts: " + ", ".join(
        sorted(watch.outbound)
    )
    assert not trap.hits, f"make lab's server tried to go out through a proxy: {trap.hits}"
