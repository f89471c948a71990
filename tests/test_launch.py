"""`make lab` serves the course on 127.0.0.1 only, with JupyterLab's token kept; `make app`
serves the lessons as apps to a class: kernels capped, freed on page close, culled when idle,
a token asked beyond 127.0.0.1."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

import psutil
import pytest

from tests.conftest import ROOT


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


def _listening_addresses(port: int) -> set[str]:
    """IPv4/IPv6 addresses with a listening socket on ``port``, read from /proc/net."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as handle:
            for line in handle.readlines()[1:]:
                local, state = line.split()[1], line.split()[3]
                address, port_hex = local.split(":")
                if state == "0A" and int(port_hex, 16) == port:
                    if len(address) == 8:
                        found.add(socket.inet_ntop(socket.AF_INET, bytes.fromhex(address)[::-1]))
                    else:
                        found.add(f"ipv6:{address}")
    return found


def test_make_lab_binds_to_localhost_and_requires_the_token(tmp_path):
    port = _free_port()
    env = {
        **os.environ,
        "BROWSER": "true",  # do not try to open a browser window
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
    }
    log = tmp_path / "lab.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            ["make", "--no-print-directory", "lab", f"PORT={port}"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        token = None
        for _ in range(120):
            match = re.search(rf"http://127\.0\.0\.1:{port}/lab\?token=(\w+)", log.read_text())
            if match:
                token = match.group(1)
                break
            assert process.poll() is None, log.read_text()[-2000:]
            time.sleep(0.5)
        assert token, "JupyterLab printed no address with a token"
        assert "00-introduction.ipynb" in log.read_text()
        status, _ = _get(f"http://127.0.0.1:{port}/api/kernelspecs")
        assert status == 403, "the server answered without the token"
        status, body = _get(f"http://127.0.0.1:{port}/api/kernelspecs?token={token}")
        assert status == 200
        assert "stemcell-course" in json.loads(body)["kernelspecs"]
        assert _listening_addresses(port) == {"127.0.0.1"}
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


# -- make app: the lessons as apps for a class (tools/voila_class.py) ---------------------------
sys.path.insert(0, str(ROOT / "tools"))
import voila_class  # noqa: E402


def test_a_class_size_sets_the_pool_and_the_cap():
    argv, token = voila_class.voila_argv(class_size=30, lesson="04")
    assert token is None, "no token on 127.0.0.1"
    assert "--Voila.ip=127.0.0.1" in argv
    assert "--VoilaConfiguration.preheat_kernel=True" in argv
    pool = voila_class.pool_size_for(30)
    assert pool == 10
    assert f"--ClassroomKernelManager.max_kernels={30 + pool}" in argv
    pools = next(a for a in argv if a.startswith("--VoilaKernelManager.kernel_pools_config="))
    config = json.loads(pools.split("=", 1)[1])
    assert config == {"default": {"pool_size": 0}, "04-risks.ipynb": {"pool_size": pool}}
    assert "--MappingKernelManager.cull_connected=False" in argv
    assert any(a.startswith("--MappingKernelManager.cull_idle_timeout=") for a in argv)


def test_beyond_this_computer_a_token_is_always_asked():
    argv, token = voila_class.voila_argv(ip="0.0.0.0", class_size=5)
    assert token and len(token) >= 16 and f"--Voila.token={token}" in argv
    argv, token = voila_class.voila_argv(ip="0.0.0.0", token="our-class-token-1234")
    assert token == "our-class-token-1234"
    assert voila_class.page_address("0.0.0.0", 8866, "01", token).endswith(
        "/voila/render/01-aplastic-anemia.ipynb?token=our-class-token-1234"
    )


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("class_size", {"class_size": 0, "lesson": "00"}),
        ("port", {"port": 70000}),
        ("cull_after", {"cull_after": 1}),
        ("pool", {"pool": -1}),
        ("max_kernels", {"max_kernels": 0}),
        ("lesson", {"lesson": "09", "pool": 2}),
    ],
)
def test_bad_class_settings_name_the_field(field: str, kwargs: dict):
    with pytest.raises(ValueError, match=field):
        voila_class.voila_argv(**kwargs)


def test_learners_see_a_plain_message_not_a_traceback():
    settings = json.loads((ROOT / "voila.json").read_text(encoding="utf-8"))
    assert settings["VoilaConfiguration"]["show_tracebacks"] is False
    message = settings["VoilaExecutor"]["cell_error_instruction"]
    assert "teacher" in message and "Voil" not in message and "--" not in message
    page = ROOT / "share/jupyter/voila/templates/stemcell-course/503.html"
    assert voila_class.CLASS_FULL in page.read_text(encoding="utf-8")


def _kernels_of(pid: int) -> list[psutil.Process]:
    try:
        children = psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []
    found = []
    for child in children:
        try:  # a kernel just stopped is a zombie until its parent reaps it: not alive
            if child.status() != psutil.STATUS_ZOMBIE and "ipykernel" in " ".join(child.cmdline()):
                found.append(child)
        except psutil.Error:
            continue
    return found


def _wait_for(predicate, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, what
        time.sleep(0.3)


@pytest.fixture
def class_server(tmp_path):
    """tools/voila_class.py for a class of one with a cap of two kernels, culling after 10 s."""
    port = _free_port()
    env = {
        **os.environ,
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
        "JUPYTER_DATA_DIR": str(tmp_path / "data"),
    }
    log = tmp_path / "voila.log"
    argv = [sys.executable, "tools/voila_class.py", "--port", str(port), "--max-kernels", "2"]
    with log.open("w") as out:
        process = subprocess.Popen(
            [*argv, "--cull-after", "10"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for(lambda: "Voil" in log.read_text() and "running at" in log.read_text(), 60, log)
        yield url, process, log
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def _open(url: str, jar: CookieJar) -> tuple[int, str]:
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    try:
        with opener.open(url, timeout=120) as answer:
            return answer.status, answer.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def test_make_app_caps_frees_and_culls_kernels(class_server):
    url, process, log = class_server
    page = f"{url}/voila/render/00-introduction.ipynb"
    jars = [CookieJar(), CookieJar(), CookieJar()]
    first = _open(page, jars[0])
    second = _open(page, jars[1])
    assert first[0] == second[0] == 200
    assert len(_kernels_of(process.pid)) == 2
    # past the cap: a plain page, no kernel started, no traceback
    status, body = _open(page, jars[2])
    assert status == 503 and voila_class.CLASS_FULL in body
    assert "Traceback" not in body and len(_kernels_of(process.pid)) == 2
    # closing a page: what Voila's page sends on `beforeunload` frees its kernel
    kernel_id = re.search(r'"kernelId": "([0-9a-f-]+)"', first[1]).group(1)
    xsrf = next(c.value for c in jars[0] if c.name == "_xsrf")
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jars[0]))
    form = urllib.parse.urlencode({"_xsrf": xsrf}).encode()
    with opener.open(f"{url}/voila/api/shutdown/{kernel_id}", data=form, timeout=30) as answer:
        assert answer.status == 204
    _wait_for(lambda: len(_kernels_of(process.pid)) == 1, 30, "the closed page's kernel stayed")
    # the same request from another site (no cookie) is refused
    request = urllib.request.Request(f"{url}/voila/api/shutdown/x", data=b"_xsrf=", method="POST")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)
    assert refused.value.code == 403
    # a place is free again
    assert _open(page, jars[2])[0] == 200
    # idle kernels with no page open (these fetches never opened one) are culled
    _wait_for(lambda: not _kernels_of(process.pid), 60, "idle kernels were not culled")
    assert "Traceback" not in log.read_text()


def test_served_to_the_classroom_it_asks_for_the_token(tmp_path):
    port = _free_port()
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path / "rt")}
    log = tmp_path / "voila.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            ["make", "--no-print-directory", "app", f"APP_PORT={port}", "APP_IP=0.0.0.0"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_for(lambda: "running at" in log.read_text(), 90, "make app did not start")
        token = re.search(r"\?token=([\w-]+)", log.read_text()).group(1)
        assert _listening_addresses(port) == {"0.0.0.0"}
        page = f"http://127.0.0.1:{port}/voila/render/00-introduction.ipynb"
        status, body = _open(page, CookieJar())
        assert status in (200, 302, 403) and "kernelId" not in body, "a page without the token"
        status, body = _open(f"{page}?token={token}", CookieJar())
        assert status == 200 and "kernelId" in body
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
