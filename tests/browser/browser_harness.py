"""Drive the course as a learner does: JupyterLab and Voila in Debian's Chromium via Playwright.

Shared by the browser suite (``tests/browser``) and the latency benchmark
(``benchmarks/latency.py``):

* ``ensure_chromium`` finds Debian's Chromium, installing it with apt-get where it
  is missing and the machine allows it (never ``playwright install``);
* ``ensure_playwright`` imports the Python ``playwright`` package, installing the
  version pinned in requirements.txt if it is missing;
* ``LabServer`` runs JupyterLab (with Voila's server extension, using the course's
  offline Voila template from ``share/jupyter``) on 127.0.0.1 with a token, on a
  throw-away copy of the lessons, with its own Jupyter, IPython and XDG folders in
  a temporary directory, and stops it by its process id;
* ``launch_browser`` starts Chromium with the flags that work on this machine;
* ``LabPage`` / ``VoilaPage`` open a lesson, run it, and find its explorers.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
LESSONS_DIR = ROOT / "lessons"
VENV = Path(sys.prefix)
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 900}
HOW_TO_GET_CHROMIUM = (
    "install Debian's Chromium with `sudo apt-get update && sudo apt-get install -y chromium` "
    "(or set COURSE_CHROMIUM=/path/to/chromium), then rerun"
)
#: How Voila must run the lessons: with the course's offline template (Voila's own
#: "lab" template asks cdn.jsdelivr.net for an icon font).
#: The slideshow and its fonts extension are JupyterLab's only: in Voila's page they fail.
VOILA_SETTINGS = {
    "template": "stemcell-course",
    "extension_denylist": json.loads((ROOT / "voila.json").read_text(encoding="utf-8"))[
        "VoilaConfiguration"
    ]["extension_denylist"],
}
COURSE_DATA_DIR = ROOT / "share" / "jupyter"
#: JupyterLab user settings for a test run: no news or update pop-ups, no autosave.
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
}


class BrowserUnavailable(RuntimeError):
    """The browser or Playwright is missing and could not be installed here."""


# -- what the suite needs -------------------------------------------------------------
def lesson_paths() -> list[Path]:
    """Every lesson notebook, found by listing ``lessons/``."""
    return sorted(LESSONS_DIR.glob("*.ipynb"))


def find_chromium() -> str | None:
    """The path of a Chromium executable, or None."""
    override = os.environ.get("COURSE_CHROMIUM")
    if override:
        return override if Path(override).exists() else None
    for candidate in CHROMIUM_CANDIDATES:
        if Path(candidate).exists():
            return candidate
    return shutil.which("chromium")


def _may_use_apt() -> list[str] | None:
    """The command prefix that may run apt-get here (root, or passwordless sudo), or None.

    ``COURSE_BROWSER_INSTALL=0`` forbids installing (the suite then only looks).
    """
    if os.environ.get("COURSE_BROWSER_INSTALL", "1") == "0" or not shutil.which("apt-get"):
        return None
    if os.geteuid() == 0:
        return []
    if shutil.which("sudo"):
        probe = subprocess.run(["sudo", "-n", "true"], capture_output=True, check=False)
        if probe.returncode == 0:
            return ["sudo", "-n"]
    return None


def ensure_chromium(log=print) -> str:
    """Debian's Chromium, installed with apt-get if missing and allowed; else BrowserUnavailable."""
    found = find_chromium()
    if found:
        return found
    prefix = _may_use_apt()
    if prefix is None:
        raise BrowserUnavailable(
            f"Chromium is not installed and this machine does not let the suite install it: "
            f"{HOW_TO_GET_CHROMIUM}"
        )
    log("browser suite: Chromium is missing; installing Debian's chromium with apt-get ...")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", "chromium"]):
        result = subprocess.run(
            prefix + command, env=env, capture_output=True, text=True, timeout=900, check=False
        )
        if result.returncode != 0:
            raise BrowserUnavailable(
                f"`{' '.join(command)}` failed ({result.returncode}): "
                f"{result.stderr.strip()[-400:]}; {HOW_TO_GET_CHROMIUM}"
            )
    found = find_chromium()
    if not found:
        raise BrowserUnavailable(
            f"apt-get installed chromium but no executable was found; {HOW_TO_GET_CHROMIUM}"
        )
    return found


def _pinned(package: str) -> str:
    for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        name = line.split("==", 1)[0].strip()
        if name.lower() == package.lower() and "==" in line:
            return line.split("#", 1)[0].strip()
    return package


def ensure_playwright(log=print):
    """Playwright's sync API, installing the pinned package into this environment if missing."""
    try:
        from playwright import sync_api
    except ImportError:
        requirement = _pinned("playwright")
        log(f"browser suite: the Python package playwright is missing; pip install {requirement}")
        result = subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", requirement],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise BrowserUnavailable(
                f"could not pip install {requirement}: {result.stderr.strip()[-400:]}"
            ) from None
        from playwright import sync_api
    return sync_api


def launch_browser(playwright, executable: str):
    """Chromium, headless, with a fresh profile and no background traffic."""
    return playwright.chromium.launch(
        executable_path=executable, headless=True, args=CHROMIUM_FLAGS
    )


# -- the JupyterLab server --------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def jupyter_home(home: Path) -> dict[str, Path]:
    """Every folder Jupyter, IPython, JupyterLab and XDG write to, made inside ``home``."""
    folders = {"HOME": home}
    for name, sub in (
        ("JUPYTER_CONFIG_DIR", "jupyter-config"),
        ("JUPYTER_DATA_DIR", "jupyter-data"),
        ("JUPYTER_RUNTIME_DIR", "jupyter-runtime"),
        ("IPYTHONDIR", "ipython"),
        ("XDG_CONFIG_HOME", "xdg-config"),
        ("XDG_DATA_HOME", "xdg-data"),
        ("XDG_CACHE_HOME", "xdg-cache"),
        ("XDG_STATE_HOME", "xdg-state"),
        ("XDG_RUNTIME_DIR", "xdg-runtime"),
        ("JUPYTERLAB_SETTINGS_DIR", "lab-settings"),
        ("JUPYTERLAB_WORKSPACES_DIR", "lab-workspaces"),
    ):
        folders[name] = home / sub
    for folder in folders.values():
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folders


class LabServer:
    """JupyterLab on 127.0.0.1 with a token, on a throw-away copy of the lessons.

    Every folder it writes (Jupyter config, data and runtime, IPython, XDG,
    JupyterLab settings and workspaces) is inside ``workdir``; the kernel spec
    ``stemcell-course`` is found in the course's environment (``JUPYTER_PATH``).
    """

    def __init__(self, workdir: Path, lessons: list[Path] | None = None) -> None:
        self.workdir = Path(workdir)
        self.lessons = lessons if lessons is not None else lesson_paths()
        self.root = self.workdir / "course"
        self.port = _free_port()
        self.token = secrets.token_hex(16)
        self.process: subprocess.Popen | None = None
        self.log_path = self.workdir / "jupyterlab.log"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    def environment(self) -> dict[str, str]:
        folders = jupyter_home(self.workdir / "home")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "XDG_"))}
        env.update({k: str(v) for k, v in folders.items()})
        # The course's Voila template and the course's kernel spec.
        env["JUPYTER_PATH"] = os.pathsep.join(
            [str(COURSE_DATA_DIR), str(VENV / "share" / "jupyter")]
        )
        env["PYTHONNOUSERSITE"] = "1"
        return env

    def _write_settings(self, env: dict[str, str]) -> None:
        settings = Path(env["JUPYTERLAB_SETTINGS_DIR"])
        for relative, values in LAB_SETTINGS.items():
            path = settings / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values), encoding="utf-8")

    def start(self, timeout: float = 90) -> LabServer:
        lessons = self.root / "lessons"
        lessons.mkdir(parents=True, exist_ok=True)
        for notebook in self.lessons:
            shutil.copy2(notebook, lessons / notebook.name)
        env = self.environment()
        self._write_settings(env)
        command = [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            f"--port={self.port}",
            "--ServerApp.port_retries=0",
            "--ServerApp.ip=127.0.0.1",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root}",
            *(
                f"--VoilaConfiguration.{key}={item}"
                for key, value in VOILA_SETTINGS.items()
                for item in (value if isinstance(value, list) else [value])
            ),
            # The server asks no other host either: no news feed, no extension index.
            "--LabApp.news_url=None",
            "--LabApp.extension_manager=readonly",
        ]
        if os.geteuid() == 0:  # containers and CI runners often run as root
            command.append("--allow-root")
        log = self.log_path.open("w", encoding="utf-8")
        self.process = subprocess.Popen(
            command,
            cwd=self.root,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + timeout
        url = f"{self.base_url}/api/status?token={self.token}"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterLab exited at start:\n{self.log_tail()}")
            with contextlib.suppress(OSError, urllib.error.URLError):
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        return self
            time.sleep(0.25)
        self.stop()
        raise RuntimeError(f"JupyterLab did not answer within {timeout:g} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(encoding="utf-8").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        """Stop the server (and the kernels it started) by its process id."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)  # the server shuts its kernels down
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        # Anything the server left in its own process group (a kernel that hung).
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)

    def lab_url(self, notebook: str, workspace: str) -> str:
        return (
            f"{self.base_url}/lab/workspaces/{workspace}/tree/lessons/{notebook}"
            f"?reset&token={self.token}"
        )

    def voila_url(self, notebook: str) -> str:
        return f"{self.base_url}/voila/render/lessons/{notebook}?token={self.token}"

    def __enter__(self) -> LabServer:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()


# -- what the page logs and asks for ---------------------------------------------------
class PageWatch:
    """Every request and every JavaScript error of a browser context, recorded (never blocked)."""

    def __init__(self, context, allowed_host: str) -> None:
        self.allowed_host = allowed_host
        self.requests: list[str] = []
        self.errors: list[str] = []
        context.on("request", lambda request: self.requests.append(request.url))
        context.on("page", self.watch_page)
        for page in context.pages:
            self.watch_page(page)

    def watch_page(self, page) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(f"uncaught: {error}"))
        page.on("websocket", lambda socket_: self.requests.append(socket_.url))

    def _console(self, message) -> None:
        if message.type == "error":
            location = message.location or {}
            where = location.get("url", "")
            self.errors.append(f"console.error: {message.text} ({where})")

    def foreign_requests(self) -> list[str]:
        from urllib.parse import urlsplit

        foreign = []
        for url in self.requests:
            parts = urlsplit(url)
            if parts.scheme in ("data", "blob", "about"):
                continue
            if parts.netloc != self.allowed_host:
                foreign.append(url)
        return foreign

    def clear(self) -> None:
        self.requests.clear()
        self.errors.clear()


# -- in the page ------------------------------------------------------------------------
#: A figure's data as plain JSON: typed arrays as lists, keys sorted, plotly's own flags
#: (uid, _...) and unset (null) properties dropped.
PLAIN_JS = """
const plain = (value) => {
  if (ArrayBuffer.isView(value)) return Array.from(value);
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object') {
    const out = {};
    for (const key of Object.keys(value).sort()) {
      if (key === 'uid' || key.startsWith('_') || value[key] === null
          || value[key] === undefined) continue;
      out[key] = plain(value[key]);
    }
    return out;
  }
  return value;
};
"""

#: The state of one explorer as the learner sees it: the figure's data (what plotly
#: holds), its drawn SVG (hover layer dropped), the sentence, the main control's value,
#: the values' key the figure shows and whether the page's table or the kernel drew it.
EXPLORER_STATE_JS = (
    """
(selector) => {
  const root = document.querySelector(selector);
  if (!root) return null;
"""
    + PLAIN_JS
    + """
  const figure = root.querySelector('.cx-plot.js-plotly-plot');
  const svgs = figure ? Array.from(figure.querySelectorAll('svg.main-svg')) : [];
  const drawn = svgs.map((svg) => {
    const copy = svg.cloneNode(true);
    copy.querySelectorAll('.hoverlayer').forEach((node) => node.remove());
    return copy.innerHTML;
  }).join('');
  const main = root.querySelector('[data-control="' + root.dataset.main + '"]');
  let value = null;
  if (main) {
    const input = main.querySelector('input[type=range], select');
    const radio = main.querySelector('input[type=radio]:checked');
    const box = main.querySelector('input[type=checkbox]');
    if (input) value = input.value;
    else if (radio) value = radio.value;
    else if (box) value = String(box.checked);
  }
  return {
    hasFigure: !!figure && svgs.length > 0,
    hasControls: !!root.querySelector('.cx-controls') && !!main,
    traces: figure && figure.data ? figure.data.length : 0,
    data: figure && figure.data ? JSON.stringify(plain(figure.data)) : '',
    drawn,
    readout: (root.querySelector('.cx-sentence') || {}).textContent || '',
    value,
    key: figure ? figure.dataset.key || '' : '',
    from: figure ? figure.dataset.from || '' : '',
    lost: root.classList.contains('cx-lost'),
  };
}
"""
)

#: Whether the explorer's state differs from ``before`` in every one of ``keys``.
EXPLORER_CHANGED_JS = (
    "([selector, before, keys]) => { const now = (" + EXPLORER_STATE_JS + ")(selector);"
    " return !!now && keys.every((key) => now[key] !== before[key]); }"
)


def explorer_selector(explorer_id: str) -> str:
    """The CSS selector of an explorer's root box (the package's DOM hook)."""
    return f".course-explorer[data-explorer='{explorer_id}']"


def explorer_state(page, explorer_id: str) -> dict[str, Any] | None:
    return page.evaluate(EXPLORER_STATE_JS, explorer_selector(explorer_id))


def control_selector(explorer_id: str, name: str) -> str:
    return f"{explorer_selector(explorer_id)} [data-control='{name}']"


def step_control(page, explorer_id: str, name: str, *, backwards: bool | None = None) -> str:
    """Move one control a keyboard step, as a learner does; say what was pressed.

    A slider: focus it, ArrowRight (ArrowLeft at the top of its range). A drop-down:
    focus it, ArrowDown (ArrowUp on its last option): the explorer keeps JupyterLab's
    notebook shortcuts out of its controls. Buttons: ArrowRight on the chosen one.
    A check box: Space.
    """
    control = page.locator(control_selector(explorer_id, name))
    slider = control.locator("input[type=range]")
    if slider.count():
        at_top = slider.evaluate("(s) => Number(s.value) >= Number(s.max)")
        key = "ArrowLeft" if (backwards if backwards is not None else at_top) else "ArrowRight"
        slider.focus()
        page.keyboard.press(key)
        return f"{name}: slider {key}"
    select = control.locator("select")
    if select.count():
        at_end = select.evaluate("(s) => s.selectedIndex >= s.options.length - 1")
        key = "ArrowUp" if (backwards if backwards is not None else at_end) else "ArrowDown"
        select.focus()
        page.keyboard.press(key)
        return f"{name}: drop-down {key}"
    radios = control.locator("input[type=radio]")
    if radios.count():
        at_end = radios.last.is_checked()
        key = "ArrowLeft" if (backwards if backwards is not None else at_end) else "ArrowRight"
        control.locator("input[type=radio]:checked").focus()
        page.keyboard.press(key)
        return f"{name}: buttons {key}"
    control.locator("input[type=checkbox]").focus()
    page.keyboard.press("Space")
    return f"{name}: check box Space"


def control_names(page, explorer_id: str) -> list[str]:
    """The explorer's controls in the order shown (the page's own list)."""
    return page.eval_on_selector_all(
        f"{explorer_selector(explorer_id)} [data-control]",
        "(nodes) => nodes.map((n) => n.dataset.control)",
    )


def main_control(page, explorer_id: str) -> str:
    return page.get_attribute(explorer_selector(explorer_id), "data-main")


def step_main_control(page, explorer_id: str, *, backwards: bool | None = None) -> str:
    return step_control(page, explorer_id, main_control(page, explorer_id), backwards=backwards)


def step_other_control(page, explorer_id: str) -> str | None:
    """Move the first control other than the main one a keyboard step (None if none)."""
    main = main_control(page, explorer_id)
    others = [name for name in control_names(page, explorer_id) if name != main]
    return step_control(page, explorer_id, others[0]) if others else None


def press_reset(page, explorer_id: str) -> str:
    """Press the explorer's Reset button with the keyboard (focus it, Space)."""
    page.locator(f"{explorer_selector(explorer_id)} .cx-reset").first.focus()
    page.keyboard.press("Space")
    return "Reset Space"


def wait_for_change(page, explorer_id: str, before: dict[str, Any], keys, timeout_ms: float):
    """Wait until each of ``keys`` of the explorer's state differs from ``before``."""
    page.wait_for_function(
        EXPLORER_CHANGED_JS,
        arg=[explorer_selector(explorer_id), before, list(keys)],
        timeout=timeout_ms,
        polling=50,
    )


def wait_for_tables(page, explorer_ids, timeout_ms: float = 30_000) -> None:
    """Wait until the page holds a table for each explorer (its first move is a table's)."""
    page.wait_for_function(
        """(selectors) => selectors.every((selector) => {
            const root = document.querySelector(selector);
            return !!root && root.dataset.tables === 'yes';
        })""",
        arg=[explorer_selector(explorer_id) for explorer_id in explorer_ids],
        timeout=timeout_ms,
        polling=100,
    )


# -- JupyterLab --------------------------------------------------------------------------
KERNEL_IDLE = ".jp-Notebook-ExecutionIndicator[data-status='idle']"
ALL_PROMPTS_DONE_JS = """
() => {
  const prompts = Array.from(document.querySelectorAll(
    '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputPrompt'));
  return prompts.length > 0 && prompts.every((p) => /\\[\\d+\\]/.test(p.textContent));
}
"""
CELL_PROBLEMS_JS = """
() => {
  const problems = [];
  document.querySelectorAll('.jp-OutputArea-output').forEach((node) => {
    const mime = node.getAttribute('data-mime-type') || '';
    const text = node.innerText || '';
    if (mime.includes('stderr') || mime.includes('error'))
      problems.push('a cell printed an error: ' + text.slice(0, 300));
    else if (/Error displaying widget|Loading widget\\.\\.\\.|Model not found/i.test(text))
      problems.push('a widget did not display: ' + text.slice(0, 200));
  });
  return problems;
}
"""


def open_notebook_in_lab(page, server: LabServer, notebook: str, workspace: str, timeout_ms=90_000):
    page.goto(server.lab_url(notebook, workspace))
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=timeout_ms)
    page.wait_for_selector(KERNEL_IDLE, timeout=timeout_ms)


def run_all_cells(page, timeout_ms=180_000) -> None:
    """Run > Run All Cells from the menu, as the lesson tells a learner; wait until all ran."""
    for attempt in range(3):
        page.locator(".jp-NotebookPanel .jp-Cell").first.click()
        page.locator("#jp-MainMenu").get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
        try:
            page.wait_for_function(
                "() => Array.from(document.querySelectorAll('.jp-InputPrompt'))"
                ".some((p) => p.textContent.includes('*') || /\\[\\d+\\]/.test(p.textContent))",
                timeout=10_000,
            )
            break
        except Exception:
            if attempt == 2:
                raise
    page.wait_for_function(ALL_PROMPTS_DONE_JS, timeout=timeout_ms, polling=250)
    page.wait_for_selector(KERNEL_IDLE, timeout=timeout_ms)


def wait_for_explorers(page, explorer_ids, timeout_ms=60_000) -> None:
    """Wait until each of these explorers shows its main control and a drawn plotly figure."""
    page.wait_for_function(
        """(selectors) => selectors.every((selector) => {
            const root = document.querySelector(selector);
            const figure = root && root.querySelector('.cx-plot.js-plotly-plot');
            return !!figure && !!figure.dataset.key && !!figure.querySelector('svg.main-svg');
        })""",
        arg=[explorer_selector(explorer_id) for explorer_id in explorer_ids],
        timeout=timeout_ms,
        polling=100,
    )


def save_notebook(page, timeout_ms=30_000) -> None:
    """File > Save (Ctrl+S on the notebook); wait until the tab is no longer dirty."""
    page.locator(".jp-NotebookPanel .jp-Cell").first.click()
    page.keyboard.press("Escape")
    page.keyboard.press("Control+s")
    page.wait_for_function(
        "() => !document.querySelector("
        "'.jp-NotebookPanel.jp-mod-dirty, .lm-TabBar-tab.jp-mod-dirty')",
        timeout=timeout_ms,
    )


def _api(server: LabServer, method: str, path: str) -> bytes:
    request = urllib.request.Request(
        f"{server.base_url}{path}",
        method=method,
        headers={"Authorization": f"token {server.token}"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read()


def kernel_ids(server: LabServer) -> list[str]:
    """The ids of the kernels the server runs now."""
    return sorted(kernel["id"] for kernel in json.loads(_api(server, "GET", "/api/kernels")))


def shut_down_kernels(server: LabServer) -> None:
    """Shut every kernel of this server down through its REST API (frees the CPU)."""
    for kernel_id in kernel_ids(server):
        with contextlib.suppress(urllib.error.URLError):
            _api(server, "DELETE", f"/api/kernels/{kernel_id}")


#: Run in a lesson's kernel: every explorer a page shows, its figure's data and values' key.
KERNEL_FIGURES_CODE = """
import gc as _gc, json as _json
from widgets.ui.explorer import Explorer as _Explorer
from widgets.ui.tables import values_key as _key
print(_json.dumps({_e.explorer_id: {"data": _e.figure["data"],
                                    "key": _key(_e.controls_by_name, _e.values)}
                   for _e in _gc.get_objects()
                   if isinstance(_e, _Explorer) and _e.builder.wanted}))
"""


def kernel_figures(server: LabServer, kernel_id: str, timeout: float = 60) -> dict[str, Any]:
    """The figures' data as the kernel holds them (a second client asks the lesson's kernel)."""
    return kernel_json(server, kernel_id, KERNEL_FIGURES_CODE, timeout)


def kernel_json(server: LabServer, kernel_id: str, code: str, timeout: float = 60) -> Any:
    """What ``code`` prints as JSON in one of the server's kernels (asked by a second client)."""
    from jupyter_client import BlockingKernelClient

    runtime = Path(server.environment()["JUPYTER_RUNTIME_DIR"])
    client = BlockingKernelClient(connection_file=str(runtime / f"kernel-{kernel_id}.json"))
    client.load_connection_file()
    client.start_channels()
    printed: list[str] = []
    try:
        client.wait_for_ready(timeout=timeout)

        def hook(message) -> None:
            if message["msg_type"] == "stream":
                printed.append(message["content"]["text"])
            elif message["msg_type"] == "error":
                printed.append("ERROR " + "\n".join(message["content"]["traceback"]))

        reply = client.execute_interactive(
            code, output_hook=hook, timeout=timeout, store_history=False
        )
    finally:
        client.stop_channels()
    if reply["content"]["status"] != "ok":
        raise RuntimeError(f"the kernel could not run the code: {''.join(printed)[-2000:]}")
    return json.loads("".join(printed))


#: The figures' data as the page holds it, by explorer id (null-valued keys dropped).
PAGE_FIGURES_JS = (
    """
(ids) => {
"""
    + PLAIN_JS
    + """
  const out = {};
  for (const id of ids) {
    const selector = ".course-explorer[data-explorer='" + id + "']";
    const figure = document.querySelector(selector + ' .cx-plot.js-plotly-plot');
    out[id] = figure && figure.data ? {data: plain(figure.data), key: figure.dataset.key} : null;
  }
  return out;
}
"""
)


def drop_nulls(value: Any) -> Any:
    """A JSON value with null-valued object keys (and trace uids) dropped, as the page's copy."""
    if isinstance(value, dict):
        return {k: drop_nulls(v) for k, v in sorted(value.items()) if v is not None and k != "uid"}
    if isinstance(value, list):
        return [drop_nulls(v) for v in value]
    return value


def scroll_height(page) -> int:
    """The height of the page's scrolling content (Voila scrolls the body)."""
    return page.evaluate(
        "() => Math.max(document.documentElement.scrollHeight, document.body.scrollHeight,"
        " ...Array.from(document.querySelectorAll('#rendered_cells, .jp-Notebook'))"
        ".map((e) => e.scrollHeight))"
    )
