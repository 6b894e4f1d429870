"""A broker that is down when a notification is queued: the write that made it still succeeds,
and the row waits in the outbox for the scan (tests/ops/test_faults.py shows it through gunicorn
with a stopped Redis)."""

import logging

import pytest
from kombu.exceptions import OperationalError

from events.models import Registration
from events.services import registration_create
from mentoring.celery import app
from notifications.models import Notification
from notifications.tasks import send
from tests.factories import EventFactory


@pytest.mark.django_db
def test_registration_with_the_broker_down_is_stored_and_left_to_the_scan(
    monkeypatch, caplog, django_capture_on_commit_callbacks
):
    event = EventFactory()
    app.conf.task_always_eager = False  # put back by conftest's _eager_tasks

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(send, "apply_async", broker_down)
    caplog.set_level(logging.WARNING, logger="notifications.services")

    with django_capture_on_commit_callbacks(execute=True):
        registration = registration_create(
            event=event, name="Ada", email="ada@example.org", consent_version="2026-12"
        )

    assert Registration.objects.get().pk == registration.pk
    row = Notification.objects.get()
    assert (row.kind, row.state) == (
        Notification.Kind.REGISTRATION_CONFIRM_REQUEST,
        Notification.State.PENDING,
    )
    assert row.enqueued_at is None  # not on the queue: the next scan takes it, not one 600 s on
    assert [r.getMessage() for r in caplog.records if r.name == "notifications.services"] == [
        "broker unavailable, 1 of 1 notifications left to the next scan: "
        "Error 111 connecting to 127.0.0.1:6379. Connection refused."
    ]
