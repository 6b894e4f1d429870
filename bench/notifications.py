"""Benchmark of the reminder outbox with 100,000 active tandems (docs/quality.md, issue 7).

Creates its data set on PostgreSQL in a database of its own (`load_demo --programs 10000
--tandems 172500`, idempotent: 58% of the generated tandems are active, so about 100,000), gives
every active tandem a planned meeting in the next 48 hours, a tenth of the mentors a lead time of
2 hours and a tenth one of 48 hours, and a tenth of the mentees a guardian's address with consent
to reminders. Then, in one run:

- the due-reminder scan (`notifications.services.create_due`, then the whole scan task with
  `enqueue_due` putting the ids on a private Redis): the first scan on an empty outbox, the
  scans that work off the backlog (at most `registry.BATCH` new rows per kind, recipient and scan),
  and a steady-state scan that finds nothing new; time and SQL query count of each;
- e-mails per second through one real Celery worker (prefork, concurrency = cores) into an
  aiosmtpd SMTP sink in this process: BENCH_MAILS (default 3,000) due meeting reminders, timed
  from `enqueue_due` until the sink holds every message, each Message-ID once.

Bars: one scan <= 2 s with a bounded number of queries; >= 200 e-mails/s.
Run: `make bench` (or `.venv/bin/python bench/notifications.py`). Needs PostgreSQL
(BENCH_DATABASE_URL; this script uses that URL's database name + "_reminders", or
BENCH_REMINDERS_DATABASE_URL) and the redis-server binary. The outbox is emptied before and after.
"""

import importlib.util
import os
import secrets
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

# The shared set-up of bench/programs.py (bench/ is a folder of scripts, not a package).
_spec = importlib.util.spec_from_file_location(
    "bench_programs", Path(__file__).with_name("programs.py")
)
common = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(common)

TANDEMS = int(os.environ.get("BENCH_REMINDER_TANDEMS", "172500"))
MAILS = int(os.environ.get("BENCH_MAILS", "3000"))
WARM_UP = 20
IN_PROCESS = 200
DATABASE_URL = os.environ.get("BENCH_REMINDERS_DATABASE_URL", common.DATABASE_URL + "_reminders")
# The planned meetings this script adds carry this note; each run replaces those of the last.
MARK = "bench: reminder scan"


def ensure_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        if not connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def wait_until(condition, *, timeout: float, what: str, interval: float = 0.01) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def start_redis(directory: Path) -> tuple[subprocess.Popen, str]:
    """A redis-server of this run alone (no persistence), so no queue outlives the bench."""
    import redis

    port = common.free_port()
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no",
         "--bind", "127.0.0.1", "--dir", str(directory), "--logfile", str(directory / "redis.log")],
        start_new_session=True,
    )  # fmt: skip
    client = redis.Redis(port=port, socket_connect_timeout=1)

    def answers():
        try:
            return client.ping()
        except redis.RedisError:
            return False

    wait_until(answers, timeout=10, what="redis-server")
    return process, f"redis://127.0.0.1:{port}/0"


def group_cpu_seconds(pgid: int) -> float:
    """User and system CPU time of every live process in a process group."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


class Sink:
    """aiosmtpd handler: counts every message by its Message-ID."""

    def __init__(self):
        import threading

        self.lock = threading.Lock()
        self.counts = {}

    async def handle_DATA(self, server, session, envelope):
        import email.parser

        headers = email.parser.BytesHeaderParser().parsebytes(envelope.original_content)
        message_id = str(headers.get("Message-ID", ""))
        with self.lock:
            self.counts[message_id] = self.counts.get(message_id, 0) + 1
        return "250 OK"

    def total(self) -> int:
        with self.lock:
            return sum(self.counts.values())


# --- Inside Django (`bench/notifications.py --measure`) ----------------------------------------

PREPARE = [
    # An empty outbox, and the planned meetings of the last run replaced.
    "DELETE FROM notifications_notification",
    "DELETE FROM tandems_meeting WHERE note = %(mark)s",
    # Every active tandem meets within the next 48 hours (spread over the hours).
    """INSERT INTO tandems_meeting (tandem_id, status, starts_at, duration_minutes, place, online,
           activity, note, sequence, created_at)
       SELECT t.id, 'planned', date_trunc('hour', now()) + (t.id %% 47 + 1) * interval '1 hour',
              60, '', false, '', %(mark)s, 0, now()
       FROM tandems_tandem t
       WHERE t.status = 'active' AND NOT EXISTS (
           SELECT 1 FROM tandems_meeting m WHERE m.tandem_id = t.id AND m.status = 'planned'
           AND m.starts_at > now() AND m.starts_at <= now() + interval '48 hours')""",
    # A tenth of the mentors are reminded 2 hours before, a tenth 2 days before.
    """INSERT INTO notifications_notificationsettings (user_id, meeting_lead_hours,
           checkin_reminders, coordinator_digest, listing_reminders)
       SELECT mentor_id, CASE WHEN id %% 10 = 0 THEN 2 ELSE 48 END, true, true, true
       FROM tandems_tandem WHERE status = 'active' AND id %% 10 IN (0, 1)
       ON CONFLICT (user_id) DO NOTHING""",
    # A tenth of the mentees' guardians consented to reminders by e-mail.
    """UPDATE tandems_mentee SET reminder_email = 'eltern-' || id || '@generated.example.org'
       WHERE reminder_email = '' AND id IN (
           SELECT mentee_id FROM tandems_tandem WHERE status = 'active' AND id %% 10 = 2)""",
    """INSERT INTO tandems_consentrecord (scope, text_version, given_at, mentee_id)
       SELECT 'reminders', 'bench', now(), t.mentee_id FROM tandems_tandem t
       WHERE t.status = 'active' AND t.id %% 10 = 2 AND NOT EXISTS (
           SELECT 1 FROM tandems_consentrecord c WHERE c.mentee_id = t.mentee_id
           AND c.scope = 'reminders' AND c.withdrawn_at IS NULL)""",
    "ANALYZE tandems_meeting, tandems_tandem, tandems_mentee, tandems_consentrecord,"
    " tandems_checkin, notifications_notification, notifications_notificationsettings",
]


def measure() -> int:
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from notifications import services
    from notifications.models import Notification
    from tandems.models import Meeting, Tandem

    with connection.cursor() as cursor:
        for statement in PREPARE:
            cursor.execute(statement, {"mark": MARK})
    now = timezone.now()
    window = Meeting.objects.filter(
        status=Meeting.Status.PLANNED,
        tandem__status=Tandem.Status.ACTIVE,
        starts_at__gt=now,
        starts_at__lte=now + timedelta(hours=48),
    )
    print(
        f"data: {Tandem.objects.count()} tandems, "
        f"{Tandem.objects.filter(status=Tandem.Status.ACTIVE).count()} active, {window.count()} "
        f"planned meetings of active tandems in the next 48 h; PostgreSQL; load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )

    def timed(function):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            result = function()
            elapsed = (time.perf_counter() - started) * 1000
        return result, elapsed, len(queries)

    def made(created: dict) -> str:
        return ", ".join(f"{kind} {n}" for kind, n in created.items() if n) or "nothing"

    # 1. create_due: the first scan, the backlog, the steady state.
    created, ms, queries = timed(lambda: services.create_due(now))
    print(
        f"scan create_due, first on an empty outbox: {ms:.0f} ms, {queries} queries, created "
        f"{made(created)}; bar <= 2000 ms"
    )
    times, most_queries, total = [], 0, sum(created.values())
    while sum(created.values()) and len(times) < 100:
        created, ms, queries = timed(lambda: services.create_due(now))
        times.append(ms)
        total += sum(created.values())
        most_queries = max(most_queries, queries)
    print(
        f"scan create_due, working off the backlog: {len(times)} more scans until nothing new, "
        f"{total} rows in all; slowest {max(times):.0f} ms, at most {most_queries} queries "
        f"(each: {', '.join(f'{ms:.0f}' for ms in times)} ms); bar <= 2000 ms"
    )
    # Autovacuum would analyze the grown outbox soon; do it now for a repeatable plan.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE notifications_notification")
    created, ms, queries = timed(lambda: services.create_due(now))
    assert not sum(created.values()), created
    print(
        f"scan create_due, steady state ({total} rows in the outbox, nothing new): {ms:.0f} ms, "
        f"{queries} queries; bar <= 2000 ms"
    )

    # 2. The whole scan task: create_due and enqueue_due (ids onto Redis, 10,000 at most).
    scans, slowest, most_queries, queued = 0, 0.0, 0, 0
    while True:
        result, ms, queries = timed(lambda: services.scan(now))
        if not result.queued:
            break
        scans += 1
        queued += result.queued
        slowest, most_queries = max(slowest, ms), max(most_queries, queries)
    print(
        f"scan task (create_due + enqueue_due): {scans} scans queued {queued} ids onto Redis, "
        f"at most {services.ENQUEUE_LIMIT} each; slowest {slowest:.0f} ms, at most "
        f"{most_queries} queries; bar <= 2000 ms"
    )
    print(
        f"scan task, steady state (nothing to create or queue): {ms:.0f} ms, {queries} queries; "
        "bar <= 2000 ms"
    )
    Notification.objects.all().delete()
    from mentoring.celery import app

    with app.connection_for_write() as broker:
        broker.default_channel.client.flushdb()

    # 3. E-mails per second through one worker.
    # A scan makes at most registry.BATCH reminders: as many scans as the mails need.
    created = {}
    while (
        Notification.objects.filter(kind=Notification.Kind.MEETING_REMINDER).count()
        < WARM_UP + MAILS + IN_PROCESS
    ):
        created = services.create_due(timezone.now())
        assert sum(created.values()), "the scans found too few due meeting reminders"
    rows = list(
        Notification.objects.filter(kind=Notification.Kind.MEETING_REMINDER)
        .order_by("pk")
        .values_list("pk", flat=True)[: WARM_UP + MAILS + IN_PROCESS]
    )
    assert len(rows) == WARM_UP + MAILS + IN_PROCESS, (len(rows), created)
    Notification.objects.exclude(pk__in=rows).delete()
    # The in-process rows wait until the worker is done.
    later = timezone.now() + timedelta(days=1)
    Notification.objects.filter(pk__in=rows[-IN_PROCESS:]).update(next_attempt_at=later)
    mails_per_second(rows[: WARM_UP + MAILS])
    Notification.objects.filter(pk__in=rows[-IN_PROCESS:]).update(next_attempt_at=timezone.now())
    one_mail_in_process(rows[-IN_PROCESS:])
    Notification.objects.all().delete()
    return 0


def mails_per_second(rows: list[int]) -> None:
    import logging

    from aiosmtpd.controller import Controller
    from django.conf import settings
    from django.utils import timezone

    from notifications import services
    from notifications.models import Notification

    logging.getLogger("mail.log").setLevel(logging.WARNING)
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=settings.EMAIL_PORT)
    controller.start()
    concurrency = os.cpu_count()
    log = Path(tempfile.mkdtemp(prefix="mentoring-bench-worker-")) / "worker.log"
    with log.open("w") as out:
        worker = subprocess.Popen(
            [common.PYTHON, "-m", "celery", "-A", "mentoring", "worker", "--queues", "mail",
             "--concurrency", str(concurrency), "--pool", "prefork", "--loglevel", "WARNING",
             "--without-heartbeat", "--without-gossip", "--without-mingle",
             "--hostname", f"bench-{os.getpid()}@localhost"],
            cwd=common.ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        # Worker started, each pool process with its database and SMTP connections open.
        services.enqueue_due(timezone.now(), limit=WARM_UP)
        wait_until(lambda: sink.total() >= WARM_UP, timeout=60, what="the warm-up mails")
        cpu_before, sink_cpu_before = group_cpu_seconds(worker.pid), time.process_time()
        started = time.perf_counter()
        queued = services.enqueue_due(timezone.now())
        wait_until(lambda: sink.total() >= WARM_UP + queued, timeout=600, what=f"{queued} mails")
        elapsed = time.perf_counter() - started
        worker_cpu = group_cpu_seconds(worker.pid) - cpu_before
        sink_cpu = time.process_time() - sink_cpu_before
    finally:
        os.killpg(worker.pid, 9)
        worker.wait()
        controller.stop()
    sent = Notification.objects.filter(pk__in=rows, state=Notification.State.SENT).count()
    twice = sum(1 for n in sink.counts.values() if n > 1)
    assert queued == MAILS and sent == len(rows) and twice == 0, (queued, sent, twice)
    print(
        f"mails through one worker (prefork, concurrency {concurrency}) into aiosmtpd: {queued} "
        f"in {elapsed:.1f} s = {queued / elapsed:.0f} e-mails/s, each once; CPU per mail: "
        f"worker {worker_cpu / queued * 1000:.1f} ms, sink {sink_cpu / queued * 1000:.1f} ms; "
        "bar >= 200/s"
    )


def one_mail_in_process(rows: list[int]) -> None:
    """The same mails sent by `deliver_many()` in this process, in the batches the scan queues,
    without Celery: what one costs."""
    from aiosmtpd.controller import Controller
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from notifications.mailer import mailer
    from notifications.sending import deliver_many
    from notifications.services import SEND_BATCH

    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=settings.EMAIL_PORT)
    controller.start()
    batches = [rows[start : start + SEND_BATCH] for start in range(0, len(rows), SEND_BATCH)]
    try:
        deliver_many(batches[0])
        started, cpu = time.perf_counter(), time.process_time()
        with CaptureQueriesContext(connection) as queries:
            for batch in batches[1:]:
                deliver_many(batch)
        sent = len(rows) - len(batches[0])
        elapsed = (time.perf_counter() - started) / sent * 1000
        cpu = (time.process_time() - cpu) / sent * 1000
    finally:
        mailer().drop()
        controller.stop()
    assert sink.total() == len(rows), sink.total()
    print(
        f"one mail by deliver_many() in one process, batches of {SEND_BATCH}, no Celery, sink in "
        f"the same process: {elapsed:.1f} ms ({cpu:.1f} ms CPU with the sink's), "
        f"{len(queries) / sent:.1f} queries"
    )


# --- Set-up -------------------------------------------------------------------------------------


def main() -> int:
    ensure_database(DATABASE_URL)
    base = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mentoring.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": DATABASE_URL,
        "SITE_URL": "https://mentoring.example.org",
        "LOG_LEVEL": "WARNING",
    }
    # Loading the data runs its mails eagerly into nowhere; the outbox is emptied anyway.
    setup = {**base, "REDIS_URL": "", "EMAIL_URL": "dummymail://"}
    manage = [common.PYTHON, "manage.py"]
    common.run(*manage, "migrate", "-v0", env=setup)
    common.run(
        *manage, "load_demo", "--programs", str(common.PROGRAMS), "--tandems", str(TANDEMS),
        env=setup, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    common.run(*manage, "compile_translations", env=setup, stdout=subprocess.DEVNULL)
    directory = Path(tempfile.mkdtemp(prefix="mentoring-bench-redis-"))
    redis, redis_url = start_redis(directory)
    try:
        env = {
            **base,
            "REDIS_URL": redis_url,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "EMAIL_URL": f"smtp://127.0.0.1:{common.free_port()}",
        }
        subprocess.run([common.PYTHON, __file__, "--measure"], cwd=common.ROOT, env=env, check=True)
    finally:
        os.killpg(redis.pid, 9)
        redis.wait()
    return 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--measure"]:
        sys.path.insert(0, str(common.ROOT))
        sys.exit(measure())
    sys.exit(main())
