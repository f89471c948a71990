"""`make lab` serves the course on 127.0.0.1 only, with JupyterLab's token kept."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request

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
