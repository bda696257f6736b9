"""``python manage.py serve [--host 127.0.0.1 --port 8000]``: the web server and the Huey
consumer together, as ``make run`` starts them.

The web server is gunicorn (``wuye.wsgi``, a few workers with threads; static files through
WhiteNoise); the consumer is ``manage.py run_huey``. Both run as child processes in their own
session, so that Ctrl-C or SIGTERM reaches only this command, which then stops both cleanly
(SIGTERM to gunicorn, SIGINT to Huey so that running tasks finish), and kills what is left
after a grace period. If either child dies, the other is stopped too and the command fails.
"""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

# How each child is asked to stop gracefully.
GUNICORN_STOP = signal.SIGTERM  # graceful: finish the requests in flight
HUEY_STOP = signal.SIGINT  # graceful: finish the running tasks


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Linux: the child gets SIGTERM if this command is killed outright (no orphans)."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


@dataclass
class Child:
    name: str
    argv: list[str]
    stop_signal: int
    process: object = None


@dataclass
class Supervisor:
    """Runs a few child processes; stops all of them when asked or when one of them exits."""

    children: list[Child]
    env: dict[str, str] | None = None
    cwd: str | None = None
    grace_seconds: float = 15.0
    say: Callable[[str], None] = print
    _stop_requested: int | None = field(default=None, init=False)

    def start(self) -> None:
        for child in self.children:
            child.process = subprocess.Popen(
                child.argv, env=self.env, cwd=self.cwd, start_new_session=True,
                preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
            )

    def request_stop(self, signum: int = signal.SIGTERM, frame=None) -> None:
        self._stop_requested = signum

    def wait(self, poll: float = 0.2) -> Child | None:
        """Block until a stop is requested (returns None) or a child exits (returns it)."""
        while self._stop_requested is None:
            for child in self.children:
                if child.process.poll() is not None:
                    return child
            time.sleep(poll)
        return None

    def stop(self) -> None:
        alive = [c for c in self.children if c.process.poll() is None]
        for child in alive:
            try:
                os.kill(child.process.pid, child.stop_signal)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + self.grace_seconds
        for child in alive:
            try:
                child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.say(f"{child.name}未在 {self.grace_seconds:.0f} 秒内退出，强制结束。")
                try:
                    os.killpg(child.process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                child.process.wait()
        # Whatever the children left behind in their sessions (gunicorn workers, for one).
        for child in self.children:
            try:
                os.killpg(child.process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass

    @property
    def stopping(self) -> bool:
        return self._stop_requested is not None

    def run(self, on_started: Callable[[], None] | None = None) -> Child | None:
        """Start, wait, stop. Returns the child that died on its own, or None after a clean stop."""
        previous = {s: signal.signal(s, self.request_stop) for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            self.start()
            if on_started is not None:
                on_started()
            died = self.wait()
        finally:
            try:
                self.stop()
            finally:
                for s, handler in previous.items():
                    signal.signal(s, handler)
        return died


def port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def wait_for_port(host: str, port: int, *, timeout: float, alive: Callable[[], bool]) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and alive():
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.2)
    return False


class Command(BaseCommand):
    help = "启动网站（gunicorn）和后台任务进程（Huey），按 Ctrl-C 同时停止两者。"
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1）")
        parser.add_argument("--port", type=int, default=8000, help="监听端口（默认 8000）")
        parser.add_argument("--workers", type=int, default=min(4, max(2, os.cpu_count() or 1)),
                            help="gunicorn 工作进程数（默认按 CPU 核数，2–4 个）")
        parser.add_argument("--threads", type=int, default=4, help="每个工作进程的线程数（默认 4）")
        parser.add_argument("--huey-workers", type=int, default=2, help="后台任务线程数（默认 2）")
        parser.add_argument("--access-log", action="store_true", help="在终端输出访问日志")

    def handle(self, *args, host, port, workers, threads, huey_workers, access_log, **options):
        try:
            import gunicorn  # noqa: F401  (here: an optional dependency, checked with a clear message)
        except ImportError:
            raise CommandError("未安装 gunicorn，请先执行 make install。") from None
        if not port_is_free(host, port):
            raise CommandError(f"端口 {host}:{port} 已被占用。请先停止占用该端口的程序，或换一个端口（make run PORT=8001）。")
        base = Path(settings.BASE_DIR)
        python = sys.executable
        web = [
            python, "-m", "gunicorn", "wuye.wsgi:application",
            "--bind", f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
            "--workers", str(workers), "--threads", str(threads), "--worker-class", "gthread",
            "--timeout", "120", "--graceful-timeout", "10", "--error-logfile", "-", "--log-level", "warning",
        ]
        if access_log:
            web += ["--access-logfile", "-"]
        consumer = [python, str(base / "manage.py"), "run_huey", "--workers", str(huey_workers), "--worker-type", "thread",
                    "--quiet"]
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "wuye.settings"),
               "PYTHONUNBUFFERED": "1"}
        supervisor = Supervisor(
            children=[Child("网站进程（gunicorn）", web, GUNICORN_STOP), Child("后台任务进程（Huey）", consumer, HUEY_STOP)],
            env=env, cwd=str(base), say=self.stdout.write,
        )
        self.stdout.write(f"正在启动网站（{workers} 个工作进程 × {threads} 线程）和后台任务进程……")

        def started() -> None:
            web_child, huey_child = supervisor.children
            local = "127.0.0.1" if host in ("0.0.0.0", "::") else host
            alive = lambda: web_child.process.poll() is None and not supervisor.stopping  # noqa: E731
            if wait_for_port(local, port, timeout=60, alive=alive):
                self._announce(host, port, web_child.process.pid, huey_child.process.pid)

        died = supervisor.run(on_started=started)
        if died is not None:
            raise CommandError(f"{died.name}意外退出（退出码 {died.process.returncode}），已停止其余进程。")
        self.stdout.write("已停止。")

    def _announce(self, host: str, port: int, web_pid: int, huey_pid: int) -> None:
        shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
        url = f"http://[{shown}]:{port}/" if ":" in shown else f"http://{shown}:{port}/"
        self.stdout.write(self.style.SUCCESS(f"物业服务监管平台已启动：{url}"))
        self.stdout.write(f"网站进程 PID {web_pid}，后台任务进程 PID {huey_pid}。按 Ctrl-C 停止。")
        hint = demo_login_hint()
        if hint:
            self.stdout.write(hint)


def demo_login_hint() -> str:
    """One line naming the demo logins, when the database has them."""
    try:
        names = set(
            get_user_model().objects.filter(username__in=settings.WUYE_DEMO_USERNAMES, is_active=True)
            .values_list("username", flat=True)
        )
    except DatabaseError:
        return ""
    if not names:
        return ""
    from wuye.demo.generator import DEMO_PASSWORD  # here: the demo generator is heavy and rarely needed

    ordered = [n for n in settings.WUYE_DEMO_USERNAMES if n in names]
    return f"演示账号：{'、'.join(ordered)}，密码均为 {DEMO_PASSWORD}（完整列表：python manage.py demo --if-empty）。"
