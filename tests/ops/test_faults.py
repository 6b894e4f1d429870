"""Faults under load, against real services (docs/quality.md, Reliability; issue "Operations").

gunicorn runs as in production (`gunicorn -c gunicorn.conf.py mentoring.wsgi`, DEBUG off, JSON
logs) with a few threads of load: public pages, /healthz, and event registrations, each a POST
that commits a row (tests/ops/load.py).

- PostgreSQL restarted: a private cluster of this test (initdb in a temporary directory, a free
  port, run as the `postgres` user), never the shared one on 5432 that other work and CI use.
  It is stopped with `-m immediate` (a crash: its last commits come back from the WAL) and
  started again.
- Redis restarted: a private redis-server; the portal's cache (core/cache.py) then answers
  as a miss and pages come from PostgreSQL.

Covered elsewhere: queued reminders resume after a Redis restart and a killed worker loses and
duplicates nothing (tests/notifications/test_worker.py: test_redis_restarted_mid_run_nothing_lost,
test_worker_group_killed_three_times_each_of_500_reminders_sent_once).
"""

from __future__ import annotations

import glob
import json
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from django.utils import timezone

from events.models import Registration
from notifications.models import Notification, ScanHeartbeat
from tests.conftest import require_postgres, require_redis, require_service
from tests.factories import EventFactory, ProgramFactory
from tests.ops.load import PYTHON, ROOT, Gunicorn, Load, healthz_body, manage, server_env
from tests.ops.load import describe as describe_results
from tests.support.processes import RedisServer, database_url, free_port, tail, wait_until

# Seconds after the service is back from which no request may fail (the bar).
RECOVERY_SECONDS = 5


def pages(program_slug: str, event_slug: str) -> list[str]:
    return [
        "/",
        "/programme/",
        f"/programme/{program_slug}/",
        "/karte/",
        "/karte/programme.geojson",
        "/veranstaltungen/",
        f"/veranstaltungen/{event_slug}/",
        "/aktuelles/",
    ]


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    """collectstatic once for the module: production serves hashed, compressed files."""
    # Set up before the tests' own fixtures (module scope): skip before the work, not after it.
    require_redis("gunicorn with a private redis-server")
    root = tmp_path_factory.mktemp("static")
    env = server_env(database="sqlite://:memory:", redis_url="", static_root=root, port=0)
    manage(env, "collectstatic", "--noinput", "-v0")
    return root


@pytest.fixture
def redis_server(tmp_path):
    require_redis("a private redis-server restarted under load")
    require_service(shutil.which("redis-server") is not None, "redis-server is not installed")
    require_service(shutil.which("redis-cli") is not None, "redis-cli is not installed")
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


def wait_for(load: Load, condition, *, timeout: float, what: str, since: float = 0.0):
    return wait_until(
        lambda: condition(load.snapshot()),
        timeout=timeout,
        interval=0.05,
        describe=lambda: (
            f"{what}; requests per second:\n{describe_results(load.snapshot(), since)}"
        ),
    )


# --- PostgreSQL -------------------------------------------------------------------------------


class PrivatePostgres:
    """A PostgreSQL cluster of this test alone: a data directory in /tmp, a free port, trust
    authentication on 127.0.0.1 only. PostgreSQL refuses to run as root, so its programs run as
    the `postgres` user (runuser when the test runs as root)."""

    def __init__(self, bindir: Path):
        self.bindir = bindir
        self.port = free_port()
        # Not under pytest's tmp_path: its parent is private to root, and postgres must enter.
        self.directory = Path(tempfile.mkdtemp(prefix="mentoring-pg-"))
        self.data = self.directory / "data"
        self.log = self.directory / "postgresql.log"
        self.owner = pwd.getpwnam("postgres")
        os.chown(self.directory, self.owner.pw_uid, self.owner.pw_gid)

    def _run(self, program: str, *args: str, timeout: float = 120) -> None:
        command = [str(self.bindir / program), *args]
        if os.geteuid() != self.owner.pw_uid:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        assert result.returncode == 0, (
            f"{program} failed: {result.stdout}{result.stderr}\n{tail(self.log)}"
        )

    def init(self) -> None:
        self._run(
            "initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
            "--locale=C.UTF-8", "--no-sync",
        )  # fmt: skip

    def start(self) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1"
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "-t", "60",
            "start",
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.stop("immediate")
        shutil.rmtree(self.directory, ignore_errors=True)


@pytest.fixture
def private_postgres():
    require_postgres("a private PostgreSQL cluster restarted under load")
    initdbs = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    require_service(bool(initdbs), "PostgreSQL server binaries missing (/usr/lib/postgresql/*/bin)")
    try:
        pwd.getpwnam("postgres")
        has_user = True
    except KeyError:
        has_user = False
    require_service(has_user, "no `postgres` OS user to run a private PostgreSQL cluster as")
    require_service(
        os.geteuid() == 0 or os.geteuid() == pwd.getpwnam("postgres").pw_uid,
        "a private PostgreSQL cluster needs root (runuser) or the postgres user",
    )
    cluster = PrivatePostgres(Path(initdbs[-1]).parent)
    try:
        cluster.init()
        cluster.start()
        with psycopg.connect(cluster.url("postgres"), autocommit=True) as admin:
            admin.execute("CREATE DATABASE mentoring")
        yield cluster
    finally:
        cluster.remove()


DATA = """
import json
import django

django.setup()
from tests.factories import EventFactory, ProgramFactory

program = ProgramFactory()
event = EventFactory(program=program)
print(json.dumps({"program": program.slug, "event": event.slug}))
"""


def test_postgres_restarted_during_load_recovers_and_loses_no_committed_row(
    private_postgres, redis_server, static_root, tmp_path
):
    def env_for(port):
        return {
            **server_env(
                database=private_postgres.url("mentoring"),
                redis_url=redis_server.url,
                static_root=static_root,
                port=port,
            ),
            # The load comes from one address.
            "REGISTRATION_RATE_LIMIT": "100000/m/ip",
        }

    server = Gunicorn(tmp_path, env_for)
    manage(server.env, "migrate", "-v0")
    made = subprocess.run(
        [PYTHON, "-c", DATA], cwd=ROOT, env=server.env, capture_output=True, text=True, timeout=120
    )
    assert made.returncode == 0, made.stderr
    slugs = json.loads(made.stdout.strip().splitlines()[-1])
    server.start()
    load = Load(
        server.port,
        pages=pages(slugs["program"], slugs["event"]),
        register_path=f"/veranstaltungen/{slugs['event']}/anmelden/",
    )
    try:
        load.start()
        wait_for(
            load,
            lambda rs: sum(r.kind == "register" and r.status == 302 for r in rs) >= 10,
            timeout=90,
            what="10 registrations before the restart",
        )

        private_postgres.stop("immediate")
        stopped = time.monotonic()
        # Down for two seconds at least, and long enough for /healthz and a few writes to meet
        # the closed port.
        wait_for(
            load,
            lambda rs: (
                time.monotonic() - stopped >= 2
                and sum(r.kind == "healthz" and r.started > stopped for r in rs) >= 3
                and sum(r.kind == "register" and r.started > stopped for r in rs) >= 3
            ),
            timeout=60,
            what="requests while PostgreSQL is down",
            since=stopped,
        )
        starting = time.monotonic()
        private_postgres.start()
        back = time.monotonic()
        wait_for(
            load,
            lambda rs: (
                sum(r.started > back + RECOVERY_SECONDS for r in rs) >= 40
                and sum(
                    r.kind == "register" and r.status == 302 and r.started > back + RECOVERY_SECONDS
                    for r in rs
                )
                >= 3
            ),
            timeout=120,
            what=f"requests from {RECOVERY_SECONDS} s after the restart on",
            since=back,
        )
    finally:
        load.stop()
        server.stop()

    results = load.snapshot()
    report = f"requests per second after the restart:\n{describe_results(results, back)}\n"
    report += f"gunicorn:\n{server.tail()}"
    # While it was down (from the stop until the start began), /healthz said so, every time.
    down = [r for r in results if r.started > stopped and r.ended < starting]
    down_health = [(r.status, healthz_body(r)) for r in down if r.kind == "healthz"]
    assert down_health, report
    assert set(map(json.dumps, down_health)) == {
        json.dumps([503, {"status": "unavailable", "database": "down"}])
    }, report
    # A write while the database is down is never answered as a success.
    assert {r.status for r in down if r.kind == "register"} == {500}, report
    # From 5 s after PostgreSQL is back: every request answered, none with a 5xx.
    late = [r for r in results if r.started > back + RECOVERY_SECONDS]
    failed = [
        (r.kind, r.path, r.status, r.error) for r in late if r.status is None or r.status >= 500
    ]
    assert failed == [], report
    assert {r.status for r in late if r.kind == "healthz"} == {200}, report
    assert {r.status for r in late if r.kind == "page"} == {200}, report
    # Every registration that was answered with success is in the database afterwards.
    confirmed = {r.email for r in results if r.kind == "register" and r.status == 302}
    with psycopg.connect(private_postgres.url("mentoring")) as database:
        stored = {row[0] for row in database.execute("SELECT email FROM events_registration")}
    assert confirmed - stored == set()
    assert len(confirmed) >= 13


# --- Redis ------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_redis_restarted_during_load_web_serves_from_the_database(
    redis_server, static_root, tmp_path
):
    require_service(
        connection.vendor == "postgresql", "gunicorn must see the test's rows: PostgreSQL needed"
    )
    program = ProgramFactory()
    event = EventFactory(program=program)
    # A scan has just completed: the scheduler is fresh for the test's few minutes (no beat here).
    ScanHeartbeat.objects.create(completed_at=timezone.now())

    def env_for(port):
        return {
            **server_env(
                database=database_url(connection.settings_dict),
                redis_url=redis_server.url,
                static_root=static_root,
                port=port,
            ),
            # The load comes from one address; the limiter still counts (and must let
            # registrations through while it cannot reach Redis).
            "REGISTRATION_RATE_LIMIT": "100000/m/ip",
        }

    server = Gunicorn(tmp_path, env_for)
    server.start()
    load = Load(
        server.port,
        pages=pages(program.slug, event.slug),
        register_path=f"/veranstaltungen/{event.slug}/anmelden/",
        ready=True,
    )
    try:
        load.start()
        # Pages cached in Redis before it goes away.
        wait_for(
            load,
            lambda rs: (
                sum(r.kind == "page" and r.status == 200 for r in rs) >= 40
                and any(r.kind == "register" and r.status == 302 for r in rs)
            ),
            timeout=90,
            what="pages and a registration before the restart",
        )
        cached = redis_server.client().dbsize()

        redis_server.shutdown_nosave()
        stopped = time.monotonic()
        wait_for(
            load,
            lambda rs: (
                sum(r.kind == "page" and r.started > stopped for r in rs) >= 40
                and sum(r.kind == "healthz" and r.started > stopped for r in rs) >= 3
                and sum(r.kind == "ready" and r.started > stopped for r in rs) >= 3
                and sum(r.kind == "register" and r.started > stopped for r in rs) >= 3
            ),
            timeout=60,
            what="requests while Redis is down",
            since=stopped,
        )
        starting = time.monotonic()
        redis_server.start()
        back = time.monotonic()
        wait_for(
            load,
            lambda rs: (
                sum(r.kind == "page" and r.started > back for r in rs) >= 40
                and sum(r.kind == "healthz" and r.started > back for r in rs) >= 3
                and sum(r.kind == "ready" and r.started > back for r in rs) >= 3
            ),
            timeout=60,
            what="requests after Redis is back",
            since=back,
        )
    finally:
        load.stop()
        server.stop()

    results = load.snapshot()
    report = f"requests per second after the stop:\n{describe_results(results, stopped)}\n"
    report += f"gunicorn:\n{server.tail()}"
    assert cached > 5, "nothing was cached in Redis: the test would prove nothing"
    # Public pages and registrations answered all along: before, during and after.
    assert {r.status for r in results if r.kind == "page"} == {200}, report
    assert {r.status for r in results if r.kind == "register"} == {302}, report
    # Liveness stayed 200 all along: a balancer keeps the web in while it serves every page.
    assert {json.dumps([r.status, healthz_body(r)]) for r in results if r.kind == "healthz"} == {
        json.dumps([200, {"status": "ok", "database": "ok"}])
    }, report
    # Readiness told monitoring that the broker was down, and then that it was back.
    down = [r for r in results if r.started > stopped and r.ended < starting]
    ready = {"database": "ok", "broker": "ok", "scheduler": "ok"}
    assert {json.dumps([r.status, healthz_body(r)]) for r in down if r.kind == "ready"} == {
        json.dumps([503, {"status": "unavailable", **ready, "broker": "down"}])
    }, report
    after = [r for r in results if r.started > back and r.kind == "ready"]
    assert {json.dumps([r.status, healthz_body(r)]) for r in after} == {
        json.dumps([200, {"status": "ok", **ready}])
    }, report
    # Each registration is stored with its request to confirm in the outbox; those made while
    # Redis was down wait there for the scan (no worker runs here: see test_worker.py for the
    # sending).
    confirmed = {r.email for r in results if r.kind == "register"}
    assert set(Registration.objects.values_list("email", flat=True)) == confirmed
    assert Notification.objects.filter(
        kind=Notification.Kind.REGISTRATION_CONFIRM_REQUEST
    ).count() == len(confirmed)
