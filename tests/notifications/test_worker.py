"""The outbox with a real Celery worker, real beat and a real Redis (docs/quality.md, Reliability).

Every test starts its own redis-server, an SMTP sink that counts messages by Message-ID (each
row's mail carries `<notification-PK@host>`), and Celery worker and beat processes against the
test database. The claims: killed workers, a restarted Redis and two beats neither lose a
reminder nor send one twice. PostgreSQL only: the worker must see the test's committed rows.

The last tests look in this process at what makes a kill harmless: the message's final dot is
written while the COMMIT is on its way to PostgreSQL (notifications/mailer.py, commit_then).
"""

import configparser
import os
import shutil
import signal
import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import IntegrityError, connection
from django.db.models import Count
from django.utils import timezone

from notifications import mailer as mailer_module
from notifications import services
from notifications.mailer import mailer
from notifications.models import Notification, NotificationSettings, ScanHeartbeat
from notifications.sending import deliver
from tandems.models import Meeting
from tests.conftest import require_redis, require_service
from tests.factories import ProgramFactory, running_tandem
from tests.notifications.worker_support import ROOT, Processes, SMTPSink, celery_env
from tests.support.processes import RedisServer, database_url, kill_group, tail, wait_until

pytestmark = pytest.mark.django_db(transaction=True)

HOST = "portal.test"  # SITE_URL's host: the Message-IDs end with it


@pytest.fixture
def outbox(tmp_path):
    """Redis, SMTP sink and a (not yet started) set of Celery processes for this test."""
    require_service(
        connection.vendor == "postgresql", "a real Celery worker needs PostgreSQL (DATABASE_URL)"
    )
    require_redis("real Celery workers on a private redis-server")
    require_service(shutil.which("redis-server") is not None, "redis-server is not installed")
    require_service(shutil.which("redis-cli") is not None, "redis-cli is not installed")
    sink = SMTPSink()
    redis = RedisServer(tmp_path)
    processes = None
    try:
        sink.start()
        redis.start()
        env = celery_env(database=database_url(connection.settings_dict), redis=redis, sink=sink)
        processes = Processes(tmp_path, env)
        yield SimpleNamespace(sink=sink, redis=redis, processes=processes)
    finally:
        if processes is not None:
            processes.stop_all()
        redis.stop()
        sink.stop()


def active_tandems(count: int) -> list:
    program = ProgramFactory()
    tandems = [running_tandem(program, mentee_name=f"Kind {n}") for n in range(count)]
    # Only meeting reminders here: no check-in reminders (the first check-in is due at the
    # start), and none of the mails that setting the tandems up wrote (sent in this process).
    NotificationSettings.objects.bulk_create(
        NotificationSettings(user_id=tandem.mentor_id, checkin_reminders=False)
        for tandem in tandems
    )
    Notification.objects.all().delete()
    return tandems


def plan_meetings(tandems: list, starts: list) -> list[Meeting]:
    return Meeting.objects.bulk_create(
        Meeting(tandem=tandems[n % len(tandems)], starts_at=starts_at)
        for n, starts_at in enumerate(starts)
    )


def describe(outbox) -> str:
    states = dict(
        Notification.objects.values_list("state").annotate(n=Count("pk")).order_by("state")
    )
    return (
        f"rows by state {states}, sink {outbox.sink.total()} messages, "
        f"redis queue 'mail' {outbox.redis.queue_length('mail') if outbox.redis.answers() else '?'}"
        f"\n{outbox.processes.logs()}"
    )


def wait_for_sink(outbox, count: int, *, timeout: float = 30) -> None:
    def reached():
        outbox.processes.check_alive()
        return outbox.sink.total() >= count

    wait_until(
        reached,
        timeout=timeout,
        interval=0.005,
        describe=lambda: f"waiting for {count} mails; {describe(outbox)}",
    )


def wait_until_sent(outbox, count: int, *, timeout: float = 90) -> None:
    """All `count` rows sent and their mails in the sink; then a scan interval more, in which a
    second copy would show up."""

    def done():
        outbox.processes.check_alive()
        sent = Notification.objects.filter(state=Notification.State.SENT).count()
        return sent >= count and outbox.sink.total() >= count

    wait_until(
        done,
        timeout=timeout,
        interval=0.1,
        describe=lambda: f"waiting for {count} rows sent; {describe(outbox)}",
    )
    time.sleep(1.5)
    outbox.processes.stop_all()


def assert_each_sent_once(outbox, count: int) -> None:
    rows = list(Notification.objects.select_related("user"))
    assert len(rows) == count
    assert {row.state for row in rows} == {Notification.State.SENT}
    assert all(row.sent_at and row.attempts == 1 and row.error == "" for row in rows)
    expected = {f"<notification-{row.pk}@{HOST}>": [row.user.email] for row in rows}
    counts = outbox.sink.snapshot()
    twice = {message_id: n for message_id, n in counts.items() if n > 1}
    missing = set(expected) - set(counts)
    unknown = set(counts) - set(expected)
    assert (twice, missing, unknown) == ({}, set(), set()), describe(outbox)
    assert sum(counts.values()) == count
    assert outbox.sink.recipients == expected


def test_worker_group_killed_three_times_each_of_500_reminders_sent_once(outbox):
    tandems = active_tandems(10)
    now = timezone.now()
    meetings = plan_meetings(tandems, [now + timedelta(hours=2, minutes=n) for n in range(500)])
    processes = outbox.processes
    processes.start_beat()
    processes.start_worker()

    for count in (100, 250, 400):
        wait_for_sink(outbox, count)
        processes.kill_worker()
        assert processes.worker.returncode == -9
        processes.start_worker()
    wait_until_sent(outbox, 500)

    assert_each_sent_once(outbox, 500)
    assert set(Notification.objects.values_list("object_id", flat=True)) == {
        meeting.pk for meeting in meetings
    }
    assert len(processes.started) == 5  # one beat, four workers: the kills really happened


def test_redis_restarted_mid_run_nothing_lost(outbox):
    tandems = active_tandems(6)
    now = timezone.now()
    plan_meetings(tandems, [now + timedelta(hours=3, minutes=n) for n in range(300)])
    processes = outbox.processes
    processes.start_beat()
    # Supervised as deploy/systemd's Restart=always does: kombu may ack on a channel its
    # reconnection has just closed and end the worker with 1 (celery/kombu#582); nothing may
    # be lost or sent twice either way.
    processes.supervise(processes.start_worker)

    wait_for_sink(outbox, 60)
    queued = outbox.redis.queue_length("mail")
    # The queued ids go with the old Redis (no persistence). (Not checked on the new one: a
    # scan publishing at this moment retries and may already have put ids there.)
    outbox.redis.shutdown_nosave()
    restarted_at = timezone.now()
    outbox.redis.start()
    assert queued > 2, "Redis held no queued mail when it was shut down: nothing was tested"
    wait_until_sent(outbox, 300, timeout=60)

    assert_each_sent_once(outbox, 300)
    # The lost ids came back through the scan, not through Redis.
    assert Notification.objects.filter(enqueued_at__gt=restarted_at).exists()
    assert Notification.objects.filter(sent_at__gt=restarted_at).exists()


def test_redis_restarted_with_production_intervals_the_first_scan_queues_the_lost_rows(outbox):
    """The production defaults: a scan a minute, a requeue after ten. Sending stood still for
    588 s after a restart; now the worker's reconnection queues a scan, which sees the new
    server and queues every row that waited in the old one's queue."""
    tandems = active_tandems(6)
    now = timezone.now()
    plan_meetings(tandems, [now + timedelta(hours=3, minutes=n) for n in range(300)])
    processes = outbox.processes
    processes.env.update(NOTIFICATION_SCAN_SECONDS="60", NOTIFICATION_REQUEUE_SECONDS="600")
    processes.start_beat()
    processes.supervise(lambda: processes.start_worker(concurrency=1))  # as above

    # On main the first scan came with beat's first tick, a minute after its start.
    wait_for_sink(outbox, 40, timeout=100)
    queued = outbox.redis.queue_length("mail")
    outbox.redis.shutdown_nosave()
    restarted_at = timezone.now()
    outbox.redis.start()
    back_at = timezone.now()
    assert queued > 2, "Redis held no queued mail when it was shut down: nothing was tested"
    # Far less than the requeue's 600 s: only a requeue that knows of the restart sends them.
    wait_until_sent(outbox, 300, timeout=90)

    assert_each_sent_once(outbox, 300)
    heartbeat = ScanHeartbeat.objects.get()
    assert heartbeat.broker_run_id == outbox.redis.client().info("server")["run_id"]
    assert heartbeat.broker_seen_since > restarted_at
    # The rows queued again after the restart were queued by one scan: the first that saw the
    # new server, right after it saw it.
    requeued = Notification.objects.filter(enqueued_at__gt=restarted_at)
    (requeued_at,) = set(requeued.values_list("enqueued_at", flat=True))
    assert (
        heartbeat.broker_seen_since
        <= requeued_at
        < heartbeat.broker_seen_since + timedelta(seconds=5)
    )
    first_sent = min(requeued.values_list("sent_at", flat=True))
    print(
        f"\nRedis restart, production intervals: {requeued.count()} rows queued again "
        f"{(heartbeat.broker_seen_since - back_at).total_seconds():.1f} s after Redis was back, "
        f"the first of them sent after {(first_sent - back_at).total_seconds():.1f} s"
    )


def test_two_beats_for_several_scan_intervals_no_duplicate(outbox):
    tandems = active_tandems(6)
    # Reminders 2 hours before: by the clock, also on the eve of a change of the clocks.
    NotificationSettings.objects.update(meeting_lead_hours=NotificationSettings.Lead.HOURS_2)
    now = timezone.now()
    plan_meetings(tandems, [now + timedelta(hours=1, minutes=n) for n in range(40)])
    processes = outbox.processes
    processes.start_worker()
    processes.start_beat(loglevel="INFO")
    processes.start_beat(loglevel="INFO")
    wait_for_sink(outbox, 40)

    # Reminders that come due one after the other over the next six scan intervals (1 s each).
    start = timezone.now() + timedelta(hours=2)
    later = plan_meetings(tandems, [start + timedelta(seconds=0.5 + n * 0.1) for n in range(60)])
    time.sleep(7)
    wait_until_sent(outbox, 100, timeout=30)

    assert_each_sent_once(outbox, 100)
    # The later rows were made by many scans, one after the other, as they came due.
    made = Notification.objects.filter(object_id__in=[meeting.pk for meeting in later])
    made_at = sorted(made.values_list("created_at", flat=True))
    assert made_at[-1] - made_at[0] >= timedelta(seconds=4)
    per_occurrence = (
        Notification.objects.values("kind", "object_id", "recipient", "occurrence")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    assert list(per_occurrence) == []
    for _beat, log in processes.beats:
        sent_scans = tail(log, 1000).count("Sending due task notification-scan")
        assert sent_scans >= 6, f"{log.name} sent {sent_scans} scans:\n{tail(log)}"


def forty_reminders_due_now() -> list:
    """The tandems of 40 reminders due at once (2 hours ahead, by the clock)."""
    tandems = active_tandems(6)
    NotificationSettings.objects.update(meeting_lead_hours=NotificationSettings.Lead.HOURS_2)
    plan_meetings(tandems, [timezone.now() + timedelta(hours=1, minutes=n) for n in range(40)])
    return tandems


def sixty_reminders_due_soon(tandems) -> list[Meeting]:
    """Meetings whose reminders come due over the next seconds: only a scan from now on can
    create them."""
    start = timezone.now() + timedelta(hours=2)
    return plan_meetings(tandems, [start + timedelta(seconds=1 + n * 0.1) for n in range(60)])


def assert_made_and_sent_after(later: list[Meeting], killed_at) -> None:
    made = Notification.objects.filter(object_id__in=[meeting.pk for meeting in later])
    assert made.count() == 60
    assert min(made.values_list("created_at", flat=True)) > killed_at
    assert ScanHeartbeat.objects.get().completed_at > killed_at


def test_beat_killed_inside_make_worker_stops_the_worker_and_its_restart_sends_all_once(outbox):
    """`make worker` runs beat embedded in the worker. SIGKILLed, beat left a healthy-looking
    worker behind that created no reminder from then on; now the worker exits with 1, loudly,
    and its supervisor (here the test, as systemd's Restart= would) starts it again."""
    tandems = forty_reminders_due_now()
    processes = outbox.processes
    supervisor = processes.supervise(lambda: processes.start_worker(beat=True))
    first = supervisor.process
    wait_for_sink(outbox, 40, timeout=60)

    os.kill(processes.embedded_beat_pid(), signal.SIGKILL)
    killed_at = timezone.now()
    later = sixty_reminders_due_soon(tandems)
    wait_until_sent(outbox, 100, timeout=90)

    assert_each_sent_once(outbox, 100)
    assert_made_and_sent_after(later, killed_at)
    assert first.returncode == 1
    assert supervisor.exits[0] == 1
    (first_log,) = [log for process, log in processes.started if process is first]
    assert "CRITICAL" in tail(first_log, 1000)
    assert "the beat process embedded in this worker" in tail(first_log, 1000)


def test_beat_unit_killed_and_started_again_by_its_supervisor_sends_all_once(outbox):
    """deploy/systemd's shape: beat is a unit of its own (Restart=always), the worker another."""
    tandems = forty_reminders_due_now()
    processes = outbox.processes
    processes.start_worker()
    supervisor = processes.supervise(processes.start_beat)
    wait_for_sink(outbox, 40, timeout=60)

    kill_group(supervisor.process)
    killed_at = timezone.now()
    later = sixty_reminders_due_soon(tandems)
    wait_until_sent(outbox, 100, timeout=90)

    assert_each_sent_once(outbox, 100)
    assert_made_and_sent_after(later, killed_at)
    assert supervisor.exits[0] == -signal.SIGKILL


def test_systemd_restarts_worker_and_beat_whatever_ended_them():
    """With Restart=on-failure a beat or worker that exits cleanly (a stray SIGTERM, exit 0)
    stays down for good; and systemd must never give up restarting them."""
    for name in ("mentoring-beat.service", "mentoring-worker.service"):
        unit = configparser.ConfigParser(interpolation=None)
        unit.optionxform = str
        unit.read(ROOT / "deploy" / "systemd" / name)

        assert unit["Service"]["Restart"] == "always", name
        assert unit["Unit"]["StartLimitIntervalSec"] == "0", name
    beat = configparser.ConfigParser(interpolation=None)
    beat.read(ROOT / "deploy" / "systemd" / "mentoring-beat.service")
    assert " beat " in beat["Service"]["ExecStart"]


def test_due_rows_go_onto_the_queue_twenty_ids_to_a_message(outbox, tmp_path):
    import base64
    import json

    tandems = active_tandems(5)
    now = timezone.now()
    plan_meetings(tandems, [now + timedelta(hours=2, minutes=n) for n in range(45)])
    # The scans run, but nobody takes the mail queue; no requeue while the test reads it.
    processes = Processes(tmp_path, {**outbox.processes.env, "NOTIFICATION_REQUEUE_SECONDS": "600"})
    processes.start_worker(concurrency=1, queues="celery")
    processes.start_beat()
    try:
        wait_until(
            lambda: Notification.objects.exclude(enqueued_at=None).count() == 45,
            timeout=30,
            describe=lambda: f"waiting for 45 queued rows; {describe(outbox)}",
        )
        wait_until(
            lambda: outbox.redis.queue_length("mail") == 3,
            timeout=10,
            describe=lambda: f"waiting for 3 messages; {describe(outbox)}",
        )
    finally:
        processes.stop_all()

    messages = [json.loads(raw) for raw in outbox.redis.client().lrange("mail", 0, -1)]
    batches = [json.loads(base64.b64decode(m["body"]))[0][0] for m in messages]
    assert {m["headers"]["task"] for m in messages} == {"notifications.send"}
    assert sorted(len(batch) for batch in batches) == [5, 20, 20]
    assert sorted(pk for batch in batches for pk in batch) == sorted(
        Notification.objects.values_list("pk", flat=True)
    )


# --- The commit and the final dot, in this process ---------------------------------------------


@pytest.fixture
def smtp(settings):
    """The SMTP sink as this process's mail server (Django's SMTP backend, the mailer's path)."""
    require_service(connection.vendor == "postgresql", "the pipelined commit needs PostgreSQL")
    sink = SMTPSink()
    sink.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    settings.SITE_URL = f"http://{HOST}"
    mailer().drop()  # the process's mailer keeps its backend
    yield sink
    mailer().drop()
    sink.stop()


def due_reminder() -> Notification:
    (tandem,) = active_tandems(1)
    plan_meetings([tandem], [timezone.now() + timedelta(hours=2)])
    services.create_due(timezone.now())
    return Notification.objects.get()


def test_the_final_dot_is_written_while_the_commit_is_on_its_way(smtp, monkeypatch):
    from psycopg import pq

    row = due_reminder()
    seen = []
    send_end = mailer_module._SMTPSession.send_end

    def recording(session):
        seen.append(connection.connection.pgconn.transaction_status)
        send_end(session)

    monkeypatch.setattr(mailer_module._SMTPSession, "send_end", recording)

    assert deliver(row.pk) == Notification.State.SENT

    # The COMMIT had left and not been answered yet: a worker killed now has both on their way.
    assert seen == [pq.TransactionStatus.ACTIVE]
    row.refresh_from_db()
    assert (row.state, row.attempts) == (Notification.State.SENT, 1)
    assert smtp.snapshot()[f"<notification-{row.pk}@{HOST}>"] == 1
    assert not connection.in_atomic_block and connection.get_autocommit()
    assert deliver(row.pk) == ""


def test_a_commit_that_fails_after_the_dot_leaves_the_row_due(smtp, monkeypatch):
    row = due_reminder()
    save = Notification.save

    def save_then_break_a_deferred_key(notification, *args, **kwargs):
        save(notification, *args, **kwargs)
        # The foreign key is checked at the COMMIT (DEFERRABLE INITIALLY DEFERRED).
        Notification.objects.filter(pk=notification.pk).update(user_id=10**12)

    with monkeypatch.context() as patch:
        patch.setattr(Notification, "save", save_then_break_a_deferred_key)
        with pytest.raises(IntegrityError):
            deliver(row.pk)

    row.refresh_from_db()
    assert (row.state, row.attempts, row.sent_at) == (Notification.State.PENDING, 0, None)
    # The connection works on, and the row goes out when tried again. The mail had gone out
    # with the dot before the COMMIT failed: the one case of a second copy (see mailer.py).
    assert deliver(row.pk) == Notification.State.SENT
    assert smtp.snapshot()[f"<notification-{row.pk}@{HOST}>"] == 2
