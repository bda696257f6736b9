"""``manage.py serve``: gunicorn and the Huey consumer start together and stop together."""

from __future__ import annotations

import os
import re
import select
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

MANAGE = str(Path(settings.BASE_DIR) / "manage.py")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    # A zombie still answers kill(0); it is gone once its parent has reaped it.
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().split(")")[-1].split()[0] == "Z"


class Serve:
    def __init__(self, tmp_path: Path, port: int):
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
               "WUYE_HUEY_FILE": str(tmp_path / "huey.sqlite3"), "PYTHONUNBUFFERED": "1"}
        self.port = port
        self.output = ""
        self.proc = subprocess.Popen(
            [sys.executable, MANAGE, "serve", "--port", str(port), "--workers", "1", "--threads", "2"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
        )
        self._fd = self.proc.stdout.fileno()
        self._raw = b""

    def read_until(self, pattern: str, timeout: float = 60) -> re.Match:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = re.search(pattern, self.output)
            if found:
                return found
            # Raw reads on the descriptor: a buffered readline() could keep a second line in
            # Python's buffer where select() no longer sees it.
            ready, _, _ = select.select([self._fd], [], [], 0.5)
            if ready:
                chunk = os.read(self._fd, 65536)
                if not chunk and self.proc.poll() is not None:
                    break
                self._raw += chunk
                self.output = self._raw.decode("utf-8", errors="replace")
        raise AssertionError(f"未见到 {pattern!r}：\n{self.output}")

    def finish(self, timeout: float = 40) -> int:
        rest, _ = self.proc.communicate(timeout=timeout)
        self._raw += rest or b""
        self.output = self._raw.decode("utf-8", errors="replace")
        return self.proc.returncode

    def kill(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


@pytest.fixture
def serve(tmp_path):
    started = []

    def start(port: int | None = None) -> Serve:
        s = Serve(tmp_path, port or free_port())
        started.append(s)
        return s

    yield start
    for s in started:
        s.kill()


def test_serve_runs_web_and_worker_and_stops_both_on_sigterm(serve):
    s = serve()
    found = s.read_until(r"网站进程 PID (\d+)，后台任务进程 PID (\d+)")
    web_pid, huey_pid = int(found.group(1)), int(found.group(2))
    assert f"http://127.0.0.1:{s.port}/" in s.output
    css = f"http://127.0.0.1:{s.port}/static/vendor/bootstrap/css/bootstrap.min.css"
    with urllib.request.urlopen(css, timeout=20) as response:  # static files through WhiteNoise
        assert response.status == 200 and b"Bootstrap" in response.read(2000)
    assert not gone(web_pid) and not gone(huey_pid)

    s.proc.send_signal(signal.SIGTERM)
    assert s.finish() == 0
    assert "已停止" in s.output
    assert gone(web_pid) and gone(huey_pid)


def test_serve_stops_the_worker_when_the_web_server_dies(serve):
    s = serve()
    found = s.read_until(r"网站进程 PID (\d+)，后台任务进程 PID (\d+)")
    web_pid, huey_pid = int(found.group(1)), int(found.group(2))
    os.kill(web_pid, signal.SIGKILL)
    assert s.finish() != 0
    assert "意外退出" in s.output
    assert gone(huey_pid)


def test_serve_refuses_a_port_in_use(serve):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        s = serve(busy.getsockname()[1])
        assert s.finish() != 0
    assert "已被占用" in s.output
