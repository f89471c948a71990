"""A real JupyterHub on this machine, and learners sent through the course's nbgitpuller link.

The hub is the one a school would run, scaled down to one computer: JupyterHub
(from the course's pins), configurable-http-proxy (npm, installed by ``make
hub-tools`` from tests/hub/package.json), a local spawner that starts each
learner's single-user server as a process with its own home folder, and a
shared-password authenticator. The learners' servers run the course's
environment: JupyterLab, nbgitpuller, and the ``stemcell-course`` kernel.

The course is served from a local git repository made from this working tree
(the public one cannot be reached from a test), through the very link
``make hub-link`` prints, with its ``repo`` pointing there.

Each learner:

1. opens the link, logs in, gets a server started and the course pulled into
   ``~/stemcell-course``, and lands in the lesson;
2. runs the lesson on the course kernel: *Chromium learners* in JupyterLab in a
   real page (Run All Cells, a ``.js-plotly-plot`` appearing, keyboard steps of
   the first slider, a note typed into a cell and saved); *protocol learners*
   over the Jupyter protocols (contents and sessions REST API, the kernel's
   websocket): every code cell executed, widget views displayed, no error, and
   a note saved into a cell;
3. after the course team pushes new content, opens the link again: the new
   content arrives and the learner's note is still there.

At the end every server is stopped through the hub's API, the hub is stopped,
and no process of the hub's is left. The report holds the time to the first
figure of every learner, the keyboard-step latency in the real pages beside a
floor (a bare slider echoed through the kernel to a label, in the same page,
under the same load), the peak memory of the whole hub, the server-log lines
that report errors, and anything lost.

Usage::

    python tools/hub_rehearsal.py --learners 5 --browsers 2        # what make test runs
    python tools/hub_rehearsal.py --learners 30 --browsers 3 --within 60
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import psutil
import requests
import websocket

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

import links  # noqa: E402

PROXY = ROOT / ".venv" / "hub-proxy" / "node_modules" / ".bin" / "configurable-http-proxy"
KERNEL = "stemcell-course"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
PASSWORD = "rehearsal-" + secrets.token_hex(6)
NOTE = "MY NOTE from {name}: the neutrophils come back first."
UPDATE = "COURSE UPDATE: a new lesson is coming."
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
#: Server-log lines that report a fault; the rehearsal fails on any of them.
LOG_FAULT = re.compile(
    r"(\[E |\[C |\bERROR\b|Traceback|Uncaught exception|Unhandled error|exception was never"
    r"|\[ConfigProxy\] \S*error)"
)
#: Lines that match LOG_FAULT and are not faults, each with its reason.
LOG_ALLOWED: tuple[re.Pattern[str], ...] = (
    # the rehearsal's own stop: the hub logs the SIGTERM it is sent at the critical level
    re.compile(r"\[C .* JupyterHub .*Received signal SIGTERM, initiating shutdown"),
    # configurable-http-proxy 5.3 (http-proxy-3) logs an uncaught EPIPE when a browser closes
    # a websocket while the proxy is writing to it (a learner leaving a page); the proxy keeps
    # serving and no request fails. Known upstream: sagemathinc/http-proxy-3 issue 51. The
    # report still counts these lines (proxy_epipe).
    # (the same for a connection the browser reset: read ECONNRESET)
    re.compile(
        r"\[ConfigProxy\] \S*error\S*: (Uncaught Exception: )?(Error: )?"
        r"(write EPIPE|read ECONNRESET)"
    ),
)
EPIPE = LOG_ALLOWED[-1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=Course team", "-c", "user.email=team@example.org", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def course_upstream(where: Path) -> Path:
    """A git repository holding this working tree's course files, on branch main."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    repo = where / "upstream"
    for name in listed.split("\0"):
        source = ROOT / name
        if name and source.is_file():
            target = repo / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    git(where, "init", "-q", "-b", "main", str(repo))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "The course")
    return repo


def publish_update(repo: Path, lesson: str) -> None:
    """The course team pushes: a new notebook, and a change in the lesson's last cell."""
    import nbformat

    path = repo / lesson
    nb = nbformat.read(path, as_version=4)
    nb.cells[-1].source += f"\n\n{UPDATE}"
    nbformat.write(nb, path)
    extra = repo / "lessons" / "99-new-this-week.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(UPDATE)]), extra)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "New content")


# -- the hub -----------------------------------------------------------------------------------
HUB_CONFIG = """\
# Written by tools/hub_rehearsal.py: a JupyterHub for a class, on one computer.
import sys
c = get_config()  # noqa: F821
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {port}
c.JupyterHub.hub_port = {hub_port}
c.JupyterHub.db_url = "sqlite:///{state}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "{state}/cookie_secret"
c.JupyterHub.pid_file = "{state}/jupyterhub.pid"
c.ConfigurableHTTPProxy.command = ["{proxy}"]
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy_api_port}"
c.ConfigurableHTTPProxy.pid_file = "{state}/proxy.pid"
c.ConfigurableHTTPProxy.auth_token = "{proxy_token}"
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = "{password}"
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = "{homes}/{{username}}"
c.Spawner.cmd = ["{singleuser}"]
c.Spawner.args = {args}
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 180
c.Spawner.environment = {{
    "JUPYTER_PATH": "{jupyter_path}",
    "NBGITPULLER_APP": "lab",
    "PYTHONNOUSERSITE": "1",
    "GIT_CONFIG_NOSYSTEM": "1",
}}
# An nbgitpuller link starts the learner's server by itself (one click for the learner).
c.JupyterHub.implicit_spawn_seconds = 1
# 30 learners arriving in one minute: no hub-side limit below the class.
c.JupyterHub.concurrent_spawn_limit = 0
c.JupyterHub.active_server_limit = 0
c.JupyterHub.services = [{{"name": "rehearsal", "api_token": "{api_token}"}}]
c.JupyterHub.load_roles = [
    {{
        "name": "rehearsal",
        "scopes": ["admin:users", "admin:servers", "list:users", "read:users"],
        "services": ["rehearsal"],
    }}
]
"""


@dataclass
class Hub:
    url: str
    api_token: str
    state: Path
    homes: Path
    log_path: Path
    process: subprocess.Popen
    log_handle: object

    def api(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = {"Authorization": f"token {self.api_token}"}
        return requests.request(
            method, f"{self.url}/hub/api{path}", headers=headers, timeout=60, **kwargs
        )

    def tree(self) -> list[psutil.Process]:
        try:
            root = psutil.Process(self.process.pid)
            return [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []


def start_hub(work: Path, python: Path = Path(sys.executable)) -> Hub:
    if not PROXY.exists():
        raise FileNotFoundError(f"{PROXY} is missing: run `make hub-tools`")
    state, homes = work / "hub", work / "homes"
    state.mkdir(parents=True)
    homes.mkdir()
    port = free_port()
    api_token = secrets.token_hex(24)
    config = state / "jupyterhub_config.py"
    bindir = python.parent
    config.write_text(
        HUB_CONFIG.format(
            port=port,
            hub_port=free_port(),
            state=state,
            proxy=PROXY,
            proxy_api_port=free_port(),
            proxy_token=secrets.token_hex(24),
            password=PASSWORD,
            homes=homes,
            singleuser=bindir / "jupyterhub-singleuser",
            # the servers run as this user; containers and CI machines are often root
            args=["--allow-root"] if os.geteuid() == 0 else [],
            jupyter_path=Path(sys.prefix) / "share" / "jupyter",
            api_token=api_token,
        ),
        encoding="utf-8",
    )
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("JUPYTER", "JPY_", "VIRTUAL_ENV"))
    }
    env["PATH"] = f"{bindir}{os.pathsep}{env.get('PATH', '')}"
    log_path = state / "jupyterhub.log"
    log_handle = log_path.open("w")
    process = subprocess.Popen(
        [str(bindir / "jupyterhub"), "-f", str(config)],
        cwd=state,
        env=env,
        stdout=log_handle,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    hub = Hub(f"http://127.0.0.1:{port}", api_token, state, homes, log_path, process, log_handle)
    deadline = time.monotonic() + 90
    while True:
        # ready when it says so (a request before the proxy has its routes logs a 404)
        if "JupyterHub is now running" in log_path.read_text(encoding="utf-8", errors="replace"):
            return hub
        if process.poll() is not None or time.monotonic() > deadline:
            log_handle.close()
            raise RuntimeError(f"the hub did not start:\n{log_path.read_text()[-4000:]}")
        time.sleep(0.3)


def stop_hub(hub: Hub, users: list[str]) -> list[str]:
    """Stop every learner's server through the API, then the hub; return what was left running."""
    for name in users:
        with contextlib.suppress(requests.RequestException):
            hub.api("DELETE", f"/users/{name}/server")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            listed = hub.api("GET", "/users").json()
        except (requests.RequestException, ValueError):
            break
        if not any(user.get("servers") for user in listed):
            break
        time.sleep(0.5)
    tree = hub.tree()
    hub.process.send_signal(signal.SIGTERM)
    try:
        hub.process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(hub.process.pid, signal.SIGKILL)
        hub.process.wait(timeout=30)
    hub.log_handle.close()
    time.sleep(1)
    left = []
    for process in tree:
        with contextlib.suppress(psutil.NoSuchProcess):
            if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                left.append(" ".join(process.cmdline())[:160])
                process.kill()
    return left


def log_faults(paths: list[Path]) -> list[str]:
    found = []
    for path in paths:
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            if LOG_FAULT.search(line) and not any(p.search(line) for p in LOG_ALLOWED):
                found.append(f"{path.name}: {line.strip()[:300]}")
    return found


# -- memory ------------------------------------------------------------------------------------
class MemorySampler(threading.Thread):
    """The whole hub's resident memory (hub, proxy, servers, kernels), sampled every second."""

    def __init__(self, hub: Hub) -> None:
        super().__init__(daemon=True)
        self.hub = hub
        self.peak_rss = 0
        self.samples: list[tuple[float, int, int]] = []  # time, processes, bytes
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            total, count = 0, 0
            for process in self.hub.tree():
                with contextlib.suppress(psutil.Error):
                    total += process.memory_info().rss
                    count += 1
            self.samples.append((time.monotonic(), count, total))
            self.peak_rss = max(self.peak_rss, total)
            self.stop.wait(1.0)


def proportional_memory(hub: Hub) -> dict[str, int]:
    """Proportional set size (shared pages split fairly) of the hub's processes, by kind."""
    kinds = {"kernels": 0, "servers": 0, "hub and proxy": 0}
    for process in hub.tree():
        with contextlib.suppress(psutil.Error):
            pss = process.memory_full_info().pss
            line = " ".join(process.cmdline())
            if "ipykernel" in line:
                kinds["kernels"] += pss
            elif "jupyterhub-singleuser" in line:
                kinds["servers"] += pss
            else:
                kinds["hub and proxy"] += pss
    return kinds


# -- learners ----------------------------------------------------------------------------------
@dataclass
class Learner:
    name: str
    browser: bool
    link: str
    lesson: str  # path in the repository, lessons/....ipynb
    hub_url: str
    homes: Path
    first_figure_s: float | None = None
    steps_ms: list[float] = field(default_factory=list)
    floor_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    widget_views: int = 0

    @property
    def course(self) -> Path:
        return self.homes / self.name / links.address().name

    @property
    def base(self) -> str:
        return f"{self.hub_url}/user/{self.name}"


def nbgitpuller_link(hub_url: str, repo: Path, lesson: str, app: str = "lab") -> str:
    """``make hub-link``'s link, with ``repo`` pointing at the local course repository."""
    url = links.hub_url(hub_url, app=app, lesson=lesson)
    parts = urlsplit(url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    query["repo"] = repo.as_uri()
    return f"{hub_url}{parts.path}?{urlencode(query)}"


def _xsrf(session: requests.Session, path: str) -> str:
    """The ``_xsrf`` cookie a page at ``path`` sees (what its forms and API calls send)."""
    found = [
        cookie
        for cookie in session.cookies
        if cookie.name == "_xsrf" and path.startswith(cookie.path or "/")
    ]
    found.sort(key=lambda cookie: len(cookie.path or "/"))
    return found[-1].value if found else ""


def _pull(session: requests.Session, learner: Learner, link: str) -> None:
    """What nbgitpuller's page does: its event stream, to the end."""
    query = parse_qs(urlsplit(link).query)
    params = {key: query[key][0] for key in ("repo", "branch", "targetpath")}
    with session.get(f"{learner.base}/git-pull/api", params=params, stream=True, timeout=300) as r:
        r.raise_for_status()
        for raw in r.iter_lines(decode_unicode=True):
            if not raw or not raw.startswith("data:"):
                continue
            event = json.loads(raw[5:])
            if event.get("phase") == "error":
                raise RuntimeError(f"nbgitpuller: {event.get('message')}")
            if event.get("phase") == "finished":
                return
    raise RuntimeError("nbgitpuller's stream ended without finishing")


def _log_in(session: requests.Session, learner: Learner) -> None:
    page = session.get(learner.link, timeout=60)  # the link: the hub asks to log in
    if "/hub/login" not in page.url:
        raise RuntimeError(f"the link did not ask {learner.name} to log in ({page.url})")
    answer = session.post(
        page.url,
        data={"username": learner.name, "password": PASSWORD, "_xsrf": _xsrf(session, "/hub/")},
        allow_redirects=False,
        timeout=60,
    )
    if answer.status_code != 302:
        raise RuntimeError(f"{learner.name} could not log in: {answer.status_code}")


def _open_link(session: requests.Session, learner: Learner) -> None:
    """Follow the link as far as nbgitpuller's page, the server started on the way."""
    deadline = time.monotonic() + 300
    link = urlsplit(learner.link)
    started = False
    while time.monotonic() < deadline:
        page = session.get(learner.link, timeout=120)
        if urlsplit(page.url).path == f"/user/{learner.name}/git-pull" and page.ok:
            return
        if not started and page.status_code == 424:
            # the hub's "server not running" page: after implicit_spawn_seconds its script
            # goes to the spawn page, which starts the server and then follows `next`
            session.get(
                f"{learner.hub_url}/hub/spawn/{learner.name}",
                params={"next": f"{link.path}?{link.query}"},
                timeout=180,
            )
            started = True
            continue
        time.sleep(1.0)
    raise RuntimeError(f"{learner.name}: no server after 300 s")


def _kernel_run(session: requests.Session, learner: Learner, t0: float) -> None:
    """Execute every code cell of the lesson on a course kernel, over its websocket."""
    path = f"{links.address().name}/{learner.lesson}"
    headers = {"X-XSRFToken": _xsrf(session, f"/user/{learner.name}/")}
    model = session.get(f"{learner.base}/api/contents/{path}", headers=headers, timeout=60)
    model.raise_for_status()
    cells = [c for c in model.json()["content"]["cells"] if c["cell_type"] == "code"]
    created = session.post(
        f"{learner.base}/api/sessions",
        json={"path": path, "type": "notebook", "name": "", "kernel": {"name": KERNEL}},
        headers=headers,
        timeout=120,
    )
    created.raise_for_status()
    kernel_id = created.json()["kernel"]["id"]
    cookie = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
    session_id = uuid.uuid4().hex
    ws_url = (
        f"{learner.base.replace('http', 'ws', 1)}/api/kernels/{kernel_id}/channels"
        f"?session_id={session_id}"
    )
    ws = websocket.create_connection(
        ws_url,
        header=[f"Cookie: {cookie}", f"X-XSRFToken: {headers['X-XSRFToken']}"],
        origin=learner.hub_url,
        timeout=300,
    )
    try:
        for cell in cells:
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            msg_id = uuid.uuid4().hex
            ws.send(
                json.dumps(
                    {
                        "header": {
                            "msg_id": msg_id,
                            "msg_type": "execute_request",
                            "username": learner.name,
                            "session": session_id,
                            "version": "5.3",
                            "date": "",
                        },
                        "parent_header": {},
                        "metadata": {},
                        "content": {"code": source, "silent": False, "store_history": True},
                        "channel": "shell",
                        "buffers": [],
                    }
                )
            )
            idle = replied = False
            while not (idle and replied):
                raw = ws.recv()
                if isinstance(raw, bytes):
                    continue  # binary frames: widget buffers
                msg = json.loads(raw)
                if msg.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                kind = msg["header"]["msg_type"]
                content = msg["content"]
                if kind in ("display_data", "execute_result") and WIDGET_VIEW in content.get(
                    "data", {}
                ):
                    learner.widget_views += 1
                    if learner.first_figure_s is None and "Explorer(" in source:
                        learner.first_figure_s = time.monotonic() - t0
                elif kind == "error":
                    learner.errors.append(f"{content['ename']}: {content['evalue']}")
                elif kind == "status" and content["execution_state"] == "idle":
                    idle = True
                elif kind == "execute_reply" and msg["channel"] == "shell":
                    replied = True
                    if content["status"] != "ok":
                        learner.errors.append(f"cell failed: {content.get('ename')}")
    finally:
        ws.close()  # the page's connection; the kernel stays, as with the lesson left open


def _save_note(session: requests.Session, learner: Learner) -> None:
    """The learner writes a note into the lesson's first markdown cell and saves."""
    path = f"{links.address().name}/{learner.lesson}"
    headers = {"X-XSRFToken": _xsrf(session, f"/user/{learner.name}/")}
    url = f"{learner.base}/api/contents/{path}"
    model = session.get(url, headers=headers, timeout=60).json()
    cell = next(c for c in model["content"]["cells"] if c["cell_type"] == "markdown")
    source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
    cell["source"] = source + "\n\n" + NOTE.format(name=learner.name)
    saved = session.put(
        url,
        json={"type": "notebook", "format": "json", "content": model["content"]},
        headers=headers,
        timeout=60,
    )
    saved.raise_for_status()


def protocol_learner(learner: Learner) -> None:
    session = requests.Session()
    t0 = time.monotonic()
    _log_in(session, learner)
    _open_link(session, learner)
    _pull(session, learner, learner.link)
    session.get(f"{learner.base}/lab", timeout=120)  # the page the link lands on
    _kernel_run(session, learner, t0)
    if learner.first_figure_s is None:
        learner.errors.append("no explorer was displayed")
    _save_note(session, learner)
    learner.session = session  # type: ignore[attr-defined]  (kept for the second pull)


def protocol_pull_again(learner: Learner) -> None:
    session: requests.Session = learner.session  # type: ignore[attr-defined]
    _open_link(session, learner)
    _pull(session, learner, learner.link)


# -- Chromium learners -------------------------------------------------------------------------
STEP_PROBE = """
() => {
  window.__steps = [];
  window.__armed = null;
  const watch = (root) => new MutationObserver(() => {
    if (window.__armed === null) return;
    const t0 = window.__armed; window.__armed = null;
    requestAnimationFrame(() => window.__steps.push(performance.now() - t0));
  }).observe(root, {subtree: true, childList: true, attributes: true, characterData: true});
  // the first explorer with a slider: its figure and its main control
  const area = [...document.querySelectorAll('.jp-Cell-outputArea')].find(
      (a) => a.querySelector('.js-plotly-plot') && a.querySelector('input[type="range"]'));
  if (!area) return false;
  area.setAttribute('data-rehearsal', 'main');
  watch(area);
  document.addEventListener('keydown', () => { window.__armed = performance.now(); }, true);
  return true;
}
"""
FLOOR_CELL = """\
import ipywidgets as w
floor_slider = w.IntSlider(value=0, min=0, max=1000, description="floor")
floor_label = w.Label("0")
floor_slider.observe(lambda change: setattr(floor_label, "value", str(change["new"])), "value")
w.VBox([floor_slider, floor_label])
"""


def _wait_idle(page, timeout_ms: int = 120_000) -> None:
    page.wait_for_selector(
        ".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=timeout_ms
    )


def _run_all(page) -> None:
    for _ in range(3):
        page.locator(".jp-Notebook .jp-Cell").first.click()
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
        try:
            page.wait_for_selector(".jp-InputPrompt:has-text('[*]')", timeout=5000)
            return
        except Exception:
            page.keyboard.press("Escape")
    raise RuntimeError("Run All Cells did not start")


def _keyboard_steps(page, handle_selector: str, count: int, settle_ms: int = 400) -> list[float]:
    handle = page.locator(handle_selector).first
    handle.focus()
    page.evaluate("() => { window.__steps = []; }")
    for index in range(count):
        handle.press("ArrowRight" if index % 6 < 3 else "ArrowLeft")
        page.wait_for_timeout(settle_ms)
    return list(page.evaluate("() => window.__steps"))


#: What a hub administrator sets for every learner: JupyterLab asks no news site (no
#: network request at run time) and shows no pop-up over the lesson.
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    }
}


def prepare_home(home: Path) -> None:
    for name, value in LAB_SETTINGS.items():
        path = home / ".jupyter" / "lab" / "user-settings" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value), encoding="utf-8")


def browser_learner(learner: Learner, chromium: str, steps: int, work: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=chromium,
            args=CHROMIUM_FLAGS,  # launch() gives each browser a fresh profile of its own
        )
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            page = context.new_page()
            page.on("pageerror", lambda error: learner.errors.append(f"page: {error}"))
            t0 = time.monotonic()
            page.goto(learner.link, timeout=120_000)
            page.fill("#username_input", learner.name)
            page.fill("#password_input", PASSWORD)
            page.click("#login_submit")
            # the hub starts the server, nbgitpuller pulls, JupyterLab opens the lesson
            page.wait_for_url(re.compile(r".*/lab/tree/.*\.ipynb.*"), timeout=300_000)
            _wait_idle(page)
            _run_all(page)
            page.wait_for_selector(".js-plotly-plot", state="visible", timeout=300_000)
            learner.first_figure_s = time.monotonic() - t0
            _wait_idle(page, 300_000)
            # the main control of the first explorer: its first slider
            if not page.evaluate(STEP_PROBE):
                raise RuntimeError("no explorer with a slider in the lesson")
            learner.steps_ms = _keyboard_steps(
                page, "[data-rehearsal='main'] input[type='range']", steps
            )
            if len(learner.steps_ms) < steps // 2:
                learner.errors.append(
                    f"{steps} keyboard steps redrew the figure {len(learner.steps_ms)} times"
                )
            page.screenshot(path=str(work / f"{learner.name}-steps.png"))
            # the floor, in the same page under the same load: a slider echoed to a label
            page.locator(".jp-Notebook .jp-Cell").last.click()
            page.keyboard.press("Escape")
            page.keyboard.press("b")  # a new cell below
            page.keyboard.press("Enter")
            page.keyboard.insert_text(FLOOR_CELL)
            page.keyboard.press("Shift+Enter")
            page.wait_for_selector(".widget-label:text-is('0')", timeout=120_000)
            page.evaluate(
                """() => {
                  const label = [...document.querySelectorAll('.widget-label')]
                      .find((el) => el.textContent === '0');
                  window.__floor = [];
                  new MutationObserver(() => {
                    if (window.__armed === null) return;
                    const t0 = window.__armed; window.__armed = null;
                    requestAnimationFrame(() => window.__floor.push(performance.now() - t0));
                  }).observe(label, {subtree: true, childList: true, characterData: true});
                }"""
            )
            floor = page.locator(
                ".widget-slider", has=page.locator(".widget-label", has_text="floor")
            )
            floor.locator("[role='slider']").first.focus()
            for index in range(steps):
                page.keyboard.press("ArrowRight" if index % 6 < 3 else "ArrowLeft")
                page.wait_for_timeout(400)
            learner.floor_ms = list(page.evaluate("() => window.__floor"))
            # the learner's note, typed into the new cell and saved
            page.locator(".jp-Notebook .jp-Cell").last.click()
            page.keyboard.press("Escape")
            page.keyboard.press("Enter")
            page.keyboard.press("Control+End")
            page.keyboard.insert_text(f"\n# {NOTE.format(name=learner.name)}")
            page.keyboard.press("Escape")
            page.keyboard.press("Control+s")
            page.wait_for_function(
                "() => !document.querySelector('.jp-mod-current .jp-mod-dirty')", timeout=60_000
            )
            page.wait_for_timeout(500)
            # the learner leaves the page (its websockets close cleanly), then the browser
            page.goto("about:blank")
            page.wait_for_timeout(500)
            context.close()
        except Exception:
            with contextlib.suppress(Exception):
                page.screenshot(path=str(work / f"{learner.name}-failed.png"))
            raise
        finally:
            browser.close()


def browser_pull_again(learner: Learner, chromium: str, work: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=chromium,
            args=CHROMIUM_FLAGS,
        )
        try:
            page = browser.new_page()
            page.goto(learner.link, timeout=120_000)
            page.fill("#username_input", learner.name)
            page.fill("#password_input", PASSWORD)
            page.click("#login_submit")
            page.wait_for_url(re.compile(r".*/lab/tree/.*\.ipynb.*"), timeout=300_000)
            _wait_idle(page)
            page.wait_for_timeout(2000)  # the learner looks at the lesson, then leaves
            page.goto("about:blank")
            page.wait_for_timeout(500)
        finally:
            browser.close()


def check_nothing_lost(learner: Learner) -> None:
    import nbformat

    lesson = learner.course / learner.lesson
    if not lesson.exists():
        learner.lost.append(f"{lesson} is gone")
        return
    nb = nbformat.read(lesson, as_version=4)
    text = "\n".join(cell.source for cell in nb.cells)
    if NOTE.format(name=learner.name) not in text:
        learner.lost.append("the learner's note")
    if UPDATE not in text:
        learner.lost.append("the course update in the lesson")
    if not (learner.course / "lessons" / "99-new-this-week.ipynb").exists():
        learner.lost.append("the new notebook")
    nbformat.validate(nb)


# -- the rehearsal -----------------------------------------------------------------------------
@dataclass
class Report:
    learners: list[Learner]
    within_s: float
    peak_rss: int
    pss: dict[str, int]
    baseline_rss: int
    log_faults: list[str]
    left_running: list[str]
    wall_s: float
    failures: list[str]
    proxy_epipe: int = 0

    @staticmethod
    def _pct(values: list[float], q: float) -> float | None:
        if not values:
            return None
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]

    def summary(self) -> dict[str, object]:
        firsts = [x.first_figure_s for x in self.learners if x.first_figure_s is not None]
        steps = [s for x in self.learners for s in x.steps_ms]
        floor = [s for x in self.learners for s in x.floor_ms]
        ratio = None
        if steps and floor:
            ratio = statistics.median(steps) / statistics.median(floor)
        by_kind = {
            kind: [
                x.first_figure_s
                for x in self.learners
                if x.first_figure_s is not None and x.browser == (kind == "browser")
            ]
            for kind in ("browser", "protocol")
        }
        return {
            # Chromium learners' times include their own page's work on this machine's cores
            # (a real learner's browser runs on the learner's computer); protocol learners'
            # leave out the JupyterLab page: the truth lies between the two
            "first_figure_p50_s_browser": self._pct(by_kind["browser"], 0.5),
            "first_figure_p95_s_browser": self._pct(by_kind["browser"], 0.95),
            "first_figure_p50_s_protocol": self._pct(by_kind["protocol"], 0.5),
            "first_figure_p95_s_protocol": self._pct(by_kind["protocol"], 0.95),
            "learners": len(self.learners),
            "browsers": sum(x.browser for x in self.learners),
            "arrivals_within_s": self.within_s,
            "first_figure_p50_s": self._pct(firsts, 0.5),
            "first_figure_p95_s": self._pct(firsts, 0.95),
            "first_figure_max_s": max(firsts) if firsts else None,
            "step_p50_ms": self._pct(steps, 0.5),
            "step_p95_ms": self._pct(steps, 0.95),
            "floor_p50_ms": self._pct(floor, 0.5),
            "floor_p95_ms": self._pct(floor, 0.95),
            "step_to_floor_p50": ratio,
            "steps_measured": len(steps),
            "peak_hub_rss_mb": self.peak_rss / 2**20,
            "hub_baseline_rss_mb": self.baseline_rss / 2**20,
            "pss_mb": {key: value / 2**20 for key, value in self.pss.items()},
            "memory_per_learner_mb": (sum(self.pss.values()) - self.pss.get("hub and proxy", 0))
            / 2**20
            / max(1, len(self.learners)),
            "errors": [f"{x.name}: {e}" for x in self.learners for e in x.errors] + self.failures,
            "lost": [f"{x.name}: {item}" for x in self.learners for item in x.lost],
            "log_faults": self.log_faults,
            "proxy_epipe": self.proxy_epipe,
            "left_running": self.left_running,
            "wall_s": self.wall_s,
        }

    @property
    def ok(self) -> bool:
        s = self.summary()
        everyone = all(x.first_figure_s is not None for x in self.learners)
        return everyone and not (s["errors"] or s["lost"] or s["log_faults"] or s["left_running"])


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def ensure_chromium() -> str:
    """Debian's Chromium, installed with apt-get where it is missing (as the browser suite)."""
    found = find_chromium()
    if found:
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise FileNotFoundError("Chromium is missing: apt-get install chromium")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", "chromium"]):
        subprocess.run(command, env=env, check=True, capture_output=True, timeout=900)
    found = find_chromium()
    if not found:
        raise FileNotFoundError("apt-get installed chromium, but no executable was found")
    return found


def rehearse(
    learners: int,
    browsers: int,
    within_s: float,
    work: Path,
    lesson: str = "lessons/00-introduction.ipynb",
    steps: int = 12,
    chromium: str | None = None,
    log=print,
) -> Report:
    """Run the hub, send ``learners`` (``browsers`` of them in Chromium) through the link,
    arriving at random within ``within_s`` seconds; push new content; pull again; stop."""
    if not 1 <= learners <= 200:
        raise ValueError(f"learners must be between 1 and 200; got {learners}")
    if not 0 <= browsers <= learners:
        raise ValueError(f"browsers must be between 0 and learners ({learners}); got {browsers}")
    if not 0 <= within_s <= 600:
        raise ValueError(f"within_s must be between 0 and 600; got {within_s}")
    chromium = chromium or (find_chromium() if browsers else None)
    if browsers and not chromium:
        raise FileNotFoundError(
            "Chromium is needed for browser learners (apt-get install chromium)"
        )
    started = time.monotonic()
    repo = course_upstream(work)
    hub = start_hub(work)
    sampler = MemorySampler(hub)
    sampler.start()
    time.sleep(1.5)
    baseline = sampler.samples[-1][2] if sampler.samples else 0
    link = nbgitpuller_link(hub.url, repo, lesson)
    people = [
        Learner(f"learner{index:02d}", index < browsers, link, lesson, hub.url, hub.homes)
        for index in range(learners)
    ]
    for person in people:
        prepare_home(hub.homes / person.name)
    rng = random.Random(15)
    delays = sorted(rng.uniform(0, within_s) for _ in people)
    failures: list[str] = []
    pss: dict[str, int] = {}

    def arrive(person: Learner, delay: float) -> None:
        time.sleep(delay)
        try:
            if person.browser:
                browser_learner(person, chromium, steps, work)
            else:
                protocol_learner(person)
        except Exception as error:
            person.errors.append(f"{type(error).__name__}: {str(error)[:300]}")

    try:
        log(f"hub at {hub.url}; {learners} learners ({browsers} in Chromium) within {within_s} s")
        with concurrent.futures.ThreadPoolExecutor(max_workers=learners) as pool:
            list(pool.map(arrive, people, delays))
        pss = proportional_memory(hub)
        log("first round done; the course team pushes new content")
        publish_update(repo, lesson)

        def again(person: Learner) -> None:
            try:
                if person.browser:
                    browser_pull_again(person, chromium, work)
                else:
                    protocol_pull_again(person)
            except Exception as error:
                person.errors.append(f"second pull: {type(error).__name__}: {str(error)[:300]}")
            check_nothing_lost(person)

        with concurrent.futures.ThreadPoolExecutor(max_workers=min(learners, 10)) as pool:
            list(pool.map(again, people))
    except Exception as error:
        failures.append(f"{type(error).__name__}: {error}")
    finally:
        sampler.stop.set()
        sampler.join(timeout=5)
        left = stop_hub(hub, [person.name for person in people])
    logs = [hub.log_path]
    return Report(
        learners=people,
        within_s=within_s,
        peak_rss=sampler.peak_rss,
        pss=pss,
        baseline_rss=baseline,
        log_faults=log_faults(logs),
        proxy_epipe=sum(
            bool(EPIPE.search(line))
            for line in hub.log_path.read_text(encoding="utf-8", errors="replace").splitlines()
        ),
        left_running=left,
        wall_s=time.monotonic() - started,
        failures=failures,
    )


def print_report(report: Report, out=print) -> None:
    s = report.summary()

    def fmt(value, unit="", digits=1):
        return "-" if value is None else f"{value:.{digits}f}{unit}"

    out(
        f"{s['learners']} learners ({s['browsers']} in Chromium) arriving within "
        f"{s['arrivals_within_s']:.0f} s"
    )
    out(
        f"  time to first figure: p50 {fmt(s['first_figure_p50_s'], ' s')}, "
        f"p95 {fmt(s['first_figure_p95_s'], ' s')}, max {fmt(s['first_figure_max_s'], ' s')}"
    )
    out(
        f"    in Chromium pages: p50 {fmt(s['first_figure_p50_s_browser'], ' s')}, p95 "
        f"{fmt(s['first_figure_p95_s_browser'], ' s')}; over the protocols: p50 "
        f"{fmt(s['first_figure_p50_s_protocol'], ' s')}, p95 "
        f"{fmt(s['first_figure_p95_s_protocol'], ' s')}"
    )
    out(
        f"  main-control step (real pages): p50 {fmt(s['step_p50_ms'], ' ms')}, "
        f"p95 {fmt(s['step_p95_ms'], ' ms')}; floor p50 {fmt(s['floor_p50_ms'], ' ms')}, "
        f"p95 {fmt(s['floor_p95_ms'], ' ms')}; ratio p50 {fmt(s['step_to_floor_p50'], 'x', 2)}"
        f" ({s['steps_measured']} steps)"
    )
    out(
        f"  peak memory of the whole hub: {s['peak_hub_rss_mb']:.0f} MB resident "
        f"(idle hub {s['hub_baseline_rss_mb']:.0f} MB); proportional: "
        + ", ".join(f"{k} {v:.0f} MB" for k, v in s["pss_mb"].items())
        + f"; per learner {s['memory_per_learner_mb']:.0f} MB"
    )
    out(
        f"  errors {len(s['errors'])}, lost {len(s['lost'])}, server-log faults "
        f"{len(s['log_faults'])} (and {s['proxy_epipe']} proxy lines on dropped sockets, "
        "known upstream), "
        f"left running {len(s['left_running'])}; {s['wall_s']:.0f} s"
    )
    for key in ("errors", "lost", "log_faults", "left_running"):
        for line in s[key][:10]:
            out(f"    {key}: {line}")


@contextlib.contextmanager
def workdir(keep: Path | None = None) -> Iterator[Path]:
    import tempfile

    if keep:
        keep.mkdir(parents=True, exist_ok=True)
        yield keep
        return
    with tempfile.TemporaryDirectory(prefix="hub-rehearsal-") as folder:
        yield Path(folder)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=5)
    parser.add_argument("--browsers", type=int, default=2)
    parser.add_argument("--within", type=float, default=10.0, help="seconds of arrivals")
    parser.add_argument("--lesson", default="00", help="the lesson the link opens")
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (logs)")
    args = parser.parse_args(argv)
    # stopped from outside (a timeout, CI): still stop the hub and every server
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        lesson = links.lesson_path(args.lesson)
    except ValueError as error:
        parser.error(str(error))
    with workdir(args.keep) as work:
        report = rehearse(args.learners, args.browsers, args.within, work, lesson=lesson)
    print_report(report)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report.summary(), indent=2) + "\n", encoding="utf-8")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
