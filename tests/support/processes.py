"""Real processes for tests against real services: free ports, polling, process groups, and a
private redis-server that a test may stop and restart without disturbing any other test.

Used by the outbox tests (tests/notifications/worker_support.py adds Celery and an SMTP sink) and
the fault tests (tests/ops/).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import quote


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url(settings_dict: dict) -> str:
    """The URL of the database this test runs on (the test database), for the subprocesses."""
    user = quote(settings_dict.get("USER") or "")
    password = settings_dict.get("PASSWORD") or ""
    auth = f"{user}:{quote(password)}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{auth}{host}:{port}/{quote(settings_dict['NAME'])}"


def tail(path: Path, lines: int = 30) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return f"({path} unreadable)"
    return "\n".join(text.splitlines()[-lines:])


def wait_until(condition, *, timeout: float, describe, interval: float = 0.02):
    """Poll `condition()` until it is true; on timeout fail with `describe()`."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s: {describe()}")
        time.sleep(interval)


def kill_group(process: subprocess.Popen | None) -> None:
    """SIGKILL the process group of a process started with start_new_session=True."""
    if process is None or process.returncode is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


# --- Redis ------------------------------------------------------------------------------------


class RedisServer:
    """A redis-server of this test alone, without persistence: a restart starts it empty."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None
        self.starts = 0

    def start(self) -> None:
        self.starts += 1
        log = self.directory / f"redis-{self.starts}.log"
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--save", "", "--appendonly", "no",
             "--bind", "127.0.0.1", "--dir", str(self.directory), "--logfile", str(log)],
            start_new_session=True,
        )  # fmt: skip
        wait_until(
            self.answers, timeout=10, describe=lambda: f"redis-server does not answer: {tail(log)}"
        )

    def client(self):
        import redis

        return redis.Redis(port=self.port, socket_connect_timeout=1, socket_timeout=2)

    def answers(self) -> bool:
        import redis

        try:
            return bool(self.client().ping())
        except redis.RedisError:
            return False

    def queue_length(self, queue: str) -> int:
        return self.client().llen(queue)

    def shutdown_nosave(self) -> None:
        subprocess.run(
            ["redis-cli", "-p", str(self.port), "shutdown", "nosave"],
            capture_output=True,
            timeout=10,
        )
        self.process.wait(timeout=10)

    def stop(self) -> None:
        kill_group(self.process)
