"""A small load generator and a gunicorn in production mode, for the fault tests.

The load is a few threads with http.client against 127.0.0.1 (wrk is not installed everywhere and
cannot POST a form per request): public pages, /healthz (and /healthz/ready where asked for)
and event registrations, each with a new e-mail address, recorded with start and end time,
status and, for the health checks, the body.
Bounded in requests and seconds whatever the test does.
"""

from __future__ import annotations

import http.client
import itertools
import json
import os
import secrets
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from tests.support.processes import free_port, kill_group, tail, wait_until

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable

# The CSRF cookie holds a secret of 32 letters and digits, and Django accepts the same secret,
# unmasked, as the form's token: a made-up pair passes the check as a browser's would.
CSRF_SECRET = secrets.token_hex(16)


def server_env(*, database: str, redis_url: str, static_root: Path, port: int) -> dict:
    """Production settings as an operator sets them, on plain HTTP (no proxy in front)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE") and not k.startswith("PG")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="mentoring.settings",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        DATABASE_URL=database,
        REDIS_URL=redis_url,
        STATIC_ROOT=str(static_root),
        CELERY_TASK_ALWAYS_EAGER="false",
        EMAIL_URL="consolemail://",
        LOG_FORMAT="json",
        LOG_LEVEL="WARNING",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="2",
    )
    return env


def manage(env: dict, *args: str, timeout: float = 300) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)}:\n{result.stderr[-3000:]}"
    return result.stdout


class Gunicorn:
    """`gunicorn -c gunicorn.conf.py mentoring.wsgi`, as in production, in its own process group."""

    def __init__(self, directory: Path, env_for_port):
        self.port = free_port()
        self.env = env_for_port(self.port)
        self.log = directory / "gunicorn.log"
        self.process = None

    def start(self) -> None:
        with self.log.open("w") as out:
            self.process = subprocess.Popen(
                [PYTHON, "-m", "gunicorn", "-c", "gunicorn.conf.py", "mentoring.wsgi"],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_until(
            lambda: self.get("/healthz")[0] == 200,
            timeout=90,
            interval=0.2,
            describe=lambda: f"gunicorn does not answer /healthz with 200:\n{self.tail()}",
        )

    def get(self, path: str) -> tuple[int | None, bytes]:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
            connection.request("GET", path)
            response = connection.getresponse()
            return response.status, response.read()
        except OSError:
            return None, b""

    def tail(self) -> str:
        """The last lines of gunicorn's log other than the access log."""
        lines = [
            line for line in tail(self.log, 100_000).splitlines() if "gunicorn.access" not in line
        ]
        return "\n".join(lines[-30:])

    def stop(self) -> None:
        kill_group(self.process)


@dataclass
class Result:
    kind: str  # "page", "healthz", "ready" or "register"
    path: str
    started: float
    ended: float
    status: int | None  # None: no HTTP answer (connection refused or reset, time-out)
    body: bytes = b""
    email: str = ""
    error: str = ""


class Load:
    """Threads that cycle through the public pages, /healthz and a registration until stopped."""

    def __init__(
        self,
        port: int,
        *,
        pages: list[str],
        register_path: str,
        threads: int = 4,
        max_requests: int = 40_000,
        max_seconds: float = 300,
        ready: bool = False,
    ):
        self.port = port
        self.plan = [("page", path) for path in pages] + [
            ("healthz", "/healthz"),
            ("register", register_path),
        ]
        if ready:
            self.plan.append(("ready", "/healthz/ready"))
        self.threads = [threading.Thread(target=self._run, daemon=True) for _ in range(threads)]
        self.max_requests = max_requests
        self.deadline = time.monotonic() + max_seconds
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.results: list[Result] = []
        self.numbers = itertools.count()

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def stop(self) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=30)

    def snapshot(self) -> list[Result]:
        with self.lock:
            return list(self.results)

    def _run(self) -> None:
        offset = secrets.randbelow(len(self.plan))
        for step in itertools.count(offset):
            if self.stopping.is_set() or time.monotonic() > self.deadline:
                return
            number = next(self.numbers)
            if number >= self.max_requests:
                return
            kind, path = self.plan[step % len(self.plan)]
            result = self._request(kind, path, number)
            with self.lock:
                self.results.append(result)
            # A breath between requests: a load, not a flood of a 2-core machine.
            time.sleep(0.005)

    def _request(self, kind: str, path: str, number: int) -> Result:
        method, body, headers, email = "GET", None, {}, ""
        if kind == "register":
            email = f"last-{os.getpid()}-{number}@example.org"
            method = "POST"
            body = urlencode(
                {
                    "name": f"Teilnehmerin {number}",
                    "email": email,
                    "accessibility_needs": "",
                    "consent": "on",
                    "csrfmiddlewaretoken": CSRF_SECRET,
                }
            )
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"csrftoken={CSRF_SECRET}",
            }
        started = time.monotonic()
        try:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
            connection.close()
        except OSError as error:
            return Result(
                kind, path, started, time.monotonic(), None, email=email, error=repr(error)
            )
        kept = content if kind in ("healthz", "ready") else b""
        return Result(kind, path, started, time.monotonic(), response.status, kept, email)


def healthz_body(result: Result) -> dict:
    return json.loads(result.body)


def describe(results: list[Result], since: float = 0.0) -> str:
    """Counts of (kind, status) per second since `since`: what a failing assertion shows."""
    lines: dict[int, dict] = {}
    for result in results:
        second = int(result.started - since)
        key = f"{result.kind}:{result.status if result.status is not None else 'no answer'}"
        lines.setdefault(second, {}).setdefault(key, 0)
        lines[second][key] += 1
    return "\n".join(f"{second:+4d} s: {counts}" for second, counts in sorted(lines.items()))
