"""Real processes for the outbox tests: an SMTP sink, Celery workers and beats (the private Redis
and the process helpers are in tests/support/processes.py).

Each test gets its own redis-server on a free port (so restarting it disturbs no other test, also
under xdist), an aiosmtpd server in this process that counts every message by its Message-ID, and
Celery worker and beat processes in process groups of their own, killed with SIGKILL at the end
whatever happened. A Supervisor starts a process again when it exits, as systemd's Restart= does
for the units in deploy/systemd.
"""

from __future__ import annotations

import email.parser
import logging
import os
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from tests.support.processes import RedisServer, free_port, kill_group, tail, wait_until

ROOT = Path(__file__).resolve().parents[2]
CELERY = [sys.executable, "-m", "celery", "-A", "mentoring"]


# --- SMTP sink --------------------------------------------------------------------------------


class SMTPSink:
    """An SMTP server in this process that accepts everything and counts it by Message-ID."""

    def __init__(self):
        self.port = free_port()
        self.lock = threading.Lock()
        self.counts: Counter[str] = Counter()
        self.recipients: dict[str, list[str]] = {}
        self.controller = None

    async def handle_DATA(self, server, session, envelope):
        headers = email.parser.BytesHeaderParser().parsebytes(envelope.original_content)
        message_id = str(headers.get("Message-ID", "")).strip()
        with self.lock:
            self.counts[message_id] += 1
            self.recipients[message_id] = list(envelope.rcpt_tos)
        return "250 Message accepted for delivery"

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        # aiosmtpd logs every command at INFO; the counts are what the tests look at.
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def total(self) -> int:
        with self.lock:
            return sum(self.counts.values())

    def snapshot(self) -> Counter[str]:
        with self.lock:
            return Counter(self.counts)


# --- Celery -----------------------------------------------------------------------------------


def celery_env(*, database: str, redis: RedisServer, sink: SMTPSink, **extra) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mentoring.settings",
        "DATABASE_URL": database,
        "REDIS_URL": redis.url,
        "EMAIL_URL": sink.url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "NOTIFICATION_REQUEUE_SECONDS": "3",
        "NOTIFICATION_SCAN_SECONDS": "1",
        "SECRET_KEY": "only-for-tests",
        "DEBUG": "true",
        "SITE_URL": "http://portal.test",
        "LOG_LEVEL": "WARNING",
        **extra,
    }


class Processes:
    """Celery workers and beats of one test; every one is SIGKILLed (its group) at the end."""

    def __init__(self, directory: Path, env: dict):
        self.directory = directory
        self.env = env
        self.started: list[tuple[subprocess.Popen, Path]] = []
        self.worker: subprocess.Popen | None = None
        self.worker_log: Path | None = None
        self.beats: list[tuple[subprocess.Popen, Path]] = []
        self.supervisors: list[Supervisor] = []

    def _start(self, name: str, args: list[str]) -> tuple[subprocess.Popen, Path]:
        log = self.directory / f"{name}-{len(self.started) + 1}.log"
        with log.open("w") as out:
            process = subprocess.Popen(
                [*CELERY, *args],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.started.append((process, log))
        return process, log

    def start_worker(
        self, concurrency: int = 2, queues: str = "celery,mail", *, beat: bool = False
    ) -> subprocess.Popen:
        """A worker; with `beat`, beat embedded in it as `make worker` runs it."""
        assert self.worker is None or self.worker.poll() is not None, "worker still running"
        embedded = [
            "--beat",
            "--schedule",
            str(self.directory / f"worker-beat-{len(self.started)}"),
        ]
        self.worker, self.worker_log = self._start(
            "worker",
            ["worker", "--queues", queues, "--concurrency", str(concurrency),
             "--pool", "prefork", "--loglevel", "WARNING", "--without-heartbeat",
             "--without-gossip", "--without-mingle",
             "--hostname", f"outbox-{os.getpid()}-{len(self.started)}@localhost",
             *(embedded if beat else [])],
        )  # fmt: skip
        return self.worker

    def embedded_beat_pid(self) -> int:
        """The beat child of `worker --beat`: the one child without a pipe. Celery's beat process
        closes what it inherited but stdio and log files; the pool's processes keep their pipes
        to the worker."""

        def beat_children():
            children = []
            for task in Path(f"/proc/{self.worker.pid}/task").iterdir():
                children += (task / "children").read_text().split()
            return [pid for pid in children if not _has_pipe(pid)]

        found = wait_until(
            lambda: len(beat_children()) == 1,
            timeout=60,
            interval=0.2,
            describe=lambda: f"no single beat child of the worker:\n{self.logs()}",
        )
        assert found
        return int(beat_children()[0])

    def supervise(self, start: Callable[[], subprocess.Popen]) -> Supervisor:
        supervisor = Supervisor(start)
        self.supervisors.append(supervisor)
        return supervisor

    def kill_worker(self) -> None:
        """The worker's process group killed with SIGKILL: main process and pool children."""
        kill_group(self.worker)

    def start_beat(self, loglevel: str = "WARNING") -> subprocess.Popen:
        schedule = self.directory / f"beat-{len(self.beats) + 1}"
        beat = self._start("beat", ["beat", "--schedule", str(schedule), "--loglevel", loglevel])
        self.beats.append(beat)
        return beat[0]

    def stop_all(self) -> None:
        for supervisor in self.supervisors:
            supervisor.stop()
        for process, _log in self.started:
            kill_group(process)

    def check_alive(self) -> None:
        """Fail at once with the log of a worker or beat that died on its own (unless a
        supervisor is there to start it again)."""
        supervised = {supervisor.process for supervisor in self.supervisors}
        for process, log in [(self.worker, self.worker_log), *self.beats]:
            if process is None or any(process is other for other in supervised):
                continue
            if process.poll() is not None and process.returncode >= 0:
                raise AssertionError(
                    f"celery process exited with {process.returncode}:\n{tail(log)}"
                )

    def logs(self) -> str:
        parts = []
        for process, log in self.started:
            parts.append(f"--- {log.name} (exit {process.returncode}):\n{tail(log, 15)}")
        return "\n".join(parts)


def _has_pipe(pid: str) -> bool:
    try:
        return any(os.readlink(fd).startswith("pipe:") for fd in Path(f"/proc/{pid}/fd").iterdir())
    except OSError:  # gone meanwhile
        return True


class Supervisor:
    """Starts a process again when it exits, whatever its exit code, as systemd's Restart=always
    does (RestartSec shortened); records each exit code."""

    def __init__(self, start: Callable[[], subprocess.Popen], restart_after: float = 0.2):
        self.start = start
        self.restart_after = restart_after
        self.exits: list[int] = []
        self.process = start()
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stopping.wait(0.05):
            if self.process.poll() is None:
                continue
            self.exits.append(self.process.returncode)
            if self.stopping.wait(self.restart_after):
                return
            self.process = self.start()

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=10)
