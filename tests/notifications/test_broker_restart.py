"""A restarted broker (a new Redis run id) makes the next scan queue at once every row that was
queued before it, instead of after NOTIFICATION_REQUEUE_SECONDS; in one process, with the
broker's identity set by the test (tests/notifications/test_worker.py restarts a real Redis)."""

import logging
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
import time_machine

from mentoring.celery import app
from notifications import broker, services
from notifications.models import Notification, ScanHeartbeat
from tests.factories import NotificationFactory, UserFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
def redis(monkeypatch):
    """The broker's run id as the test sets it; the ids queued are recorded, not sent."""
    app.conf.task_always_eager = False  # put back by conftest's _eager_tasks
    server = SimpleNamespace(run_id="run-1", queued=[])
    monkeypatch.setattr(broker, "run_id", lambda: server.run_id)
    monkeypatch.setattr(services, "_queue", server.queued.extend)
    return server


def queued_row(user, *, queued_ago: timedelta, state="pending") -> Notification:
    return NotificationFactory(
        user=user, due_at=NOW - timedelta(hours=1), enqueued_at=NOW - queued_ago, state=state
    )


def scan_at(moment: datetime, django_capture_on_commit_callbacks):
    with (
        time_machine.travel(moment, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        return services.scan()


@pytest.mark.clock
def test_a_new_broker_run_id_queues_every_queued_unsent_row_at_once(
    redis, caplog, django_capture_on_commit_callbacks
):
    ScanHeartbeat.objects.create(broker_run_id="run-1", broker_seen_since=NOW - timedelta(hours=1))
    user = UserFactory()
    waiting = [queued_row(user, queued_ago=timedelta(seconds=30 + n)) for n in range(3)]
    queued_row(user, queued_ago=timedelta(seconds=30), state="sent")
    caplog.set_level(logging.WARNING, logger="notifications.services")

    same_server = scan_at(NOW, django_capture_on_commit_callbacks)
    redis.run_id = "run-2"  # Redis restarted: its queue is gone
    restarted = scan_at(NOW + timedelta(seconds=1), django_capture_on_commit_callbacks)
    later = scan_at(NOW + timedelta(seconds=60), django_capture_on_commit_callbacks)

    assert (same_server.queued, restarted.queued, later.queued) == (0, 3, 0)
    assert sorted(redis.queued) == sorted(row.pk for row in waiting)
    assert set(
        Notification.objects.filter(state="pending").values_list("enqueued_at", flat=True)
    ) == {NOW + timedelta(seconds=1)}
    heartbeat = ScanHeartbeat.objects.get()
    assert (heartbeat.broker_run_id, heartbeat.broker_seen_since) == (
        "run-2",
        NOW + timedelta(seconds=1),
    )
    assert heartbeat.completed_at == NOW + timedelta(seconds=60)
    assert [r.getMessage() for r in caplog.records] == [
        "the broker is another server run than at the last scan (run id run-2, was run-1): its"
        " queue may be lost, queueing every queued, unsent notification again"
    ]


@pytest.mark.clock
def test_the_first_scan_records_the_broker_and_queues_the_queued_rows_once(
    redis, django_capture_on_commit_callbacks
):
    row = queued_row(UserFactory(), queued_ago=timedelta(seconds=10))

    first = scan_at(NOW, django_capture_on_commit_callbacks)
    second = scan_at(NOW + timedelta(seconds=60), django_capture_on_commit_callbacks)

    assert (first.queued, second.queued, redis.queued) == (1, 0, [row.pk])
    assert ScanHeartbeat.objects.get().broker_run_id == "run-1"


@pytest.mark.clock
def test_a_broker_that_does_not_answer_leaves_the_plain_requeue(
    redis, django_capture_on_commit_callbacks
):
    ScanHeartbeat.objects.create(broker_run_id="run-1", broker_seen_since=NOW - timedelta(hours=1))
    user = UserFactory()
    recent = queued_row(user, queued_ago=timedelta(seconds=30))
    old = queued_row(user, queued_ago=services.REQUEUE_AFTER)
    redis.run_id = ""

    result = scan_at(NOW, django_capture_on_commit_callbacks)

    assert (result.queued, redis.queued) == (1, [old.pk])
    recent.refresh_from_db()
    assert recent.enqueued_at == NOW - timedelta(seconds=30)
    assert ScanHeartbeat.objects.get().broker_run_id == "run-1"


@pytest.mark.clock
def test_with_eager_tasks_the_scan_asks_no_broker(monkeypatch):
    def no_broker():
        raise AssertionError("asked the broker")

    monkeypatch.setattr(broker, "run_id", no_broker)

    with time_machine.travel(NOW, tick=False):
        services.scan()

    heartbeat = ScanHeartbeat.objects.get()
    assert (heartbeat.broker_run_id, heartbeat.completed_at) == ("", NOW)
