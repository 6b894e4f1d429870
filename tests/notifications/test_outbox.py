"""The outbox in one process: due rows made once, sent once, skipped when no longer wanted."""

from datetime import datetime, time
from urllib.parse import urlsplit

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from notifications import registry, sending, services
from notifications.models import Notification, NotificationSettings
from notifications.sending import deliver
from tandems.models import Meeting
from tandems.services import lifecycle
from tests.factories import ProgramFactory, UserFactory, running_tandem

BERLIN = timezone.get_default_timezone()
pytestmark = pytest.mark.django_db


def at(*args) -> datetime:
    return datetime(*args, tzinfo=BERLIN)


@pytest.fixture
def tandem():
    with time_machine.travel(at(2027, 3, 1, 9, 0), tick=False):
        return running_tandem(ProgramFactory(), started_on=at(2027, 3, 1).date())


def plan(tandem, day, clock=time(18, 0)):
    return lifecycle.meeting_plan(
        tandem=tandem, by=tandem.mentor, day=day, start=clock, end=time(clock.hour + 1, 0)
    )


@pytest.mark.clock
def test_meeting_reminder_once_at_the_lead_time(
    tandem, mailoutbox, django_capture_on_commit_callbacks
):
    with time_machine.travel(at(2027, 3, 1, 10, 0), tick=False):
        meeting = plan(tandem, at(2027, 3, 10).date())
    with time_machine.travel(at(2027, 3, 9, 17, 59), tick=False):
        assert services.scan().created.get("meeting_reminder", 0) == 0
    with (
        time_machine.travel(at(2027, 3, 9, 18, 0), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        result = services.scan()
        assert result.created["meeting_reminder"] == 1
        again = services.scan()
    assert again.created.get("meeting_reminder", 0) == 0
    row = Notification.objects.get(kind="meeting_reminder")
    assert (row.object_id, row.user_id, row.state) == (meeting.pk, tandem.mentor_id, "sent")
    assert row.due_at == at(2027, 3, 9, 18, 0)
    reminders = [
        m
        for m in mailoutbox
        if m.extra_headers["Message-ID"].startswith(f"<notification-{row.pk}@")
    ]
    assert [m.to for m in reminders] == [[tandem.mentor.email]]
    mail = reminders[0]
    assert mail.attachments[0][0] == "treffen.ics"
    assert "List-Unsubscribe" in mail.extra_headers
    assert deliver(row.pk) == ""  # a second delivery of the id does nothing


@pytest.mark.clock
def test_no_reminder_when_switched_off(tandem, mailoutbox, django_capture_on_commit_callbacks):
    with time_machine.travel(at(2027, 3, 1, 10, 0), tick=False):
        plan(tandem, at(2027, 3, 10).date())
    NotificationSettings.objects.create(user=tandem.mentor, meeting_lead_hours=0)
    with (
        time_machine.travel(at(2027, 3, 9, 18, 30), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.scan()
    assert not Notification.objects.filter(kind="meeting_reminder").exists()


@pytest.mark.clock
def test_deliver_many_sends_each_due_row_once_and_passes_over_the_rest(tandem, mailoutbox):
    with time_machine.travel(at(2027, 3, 1, 10, 0), tick=False):
        meetings = [plan(tandem, at(2027, 3, 12).date(), time(hour, 0)) for hour in (18, 19, 20)]
        plan(tandem, at(2027, 3, 20).date())
    with time_machine.travel(at(2027, 3, 11, 20, 0), tick=False):
        services.create_due(timezone.now())
    rows = Notification.objects.filter(kind="meeting_reminder").order_by("due_at")
    cancelled, sent_before, due = rows
    assert [row.object_id for row in rows] == [meeting.pk for meeting in meetings]
    Meeting.objects.filter(pk=cancelled.object_id).update(status=Meeting.Status.CANCELLED)
    Notification.objects.filter(pk=sent_before.pk).update(state=Notification.State.SENT)
    mailoutbox.clear()

    with time_machine.travel(at(2027, 3, 11, 20, 1), tick=False):
        states = sending.deliver_many([cancelled.pk, sent_before.pk, due.pk, 10**9])
        again = sending.deliver_many([cancelled.pk, sent_before.pk, due.pk])

    assert states == {cancelled.pk: "skipped", due.pk: "sent"}
    assert again == {}
    assert [m.extra_headers["Message-ID"] for m in mailoutbox] == [
        f"<notification-{due.pk}@{urlsplit(settings.SITE_URL).hostname}>"
    ]


@pytest.mark.clock
def test_scan_creates_the_soonest_due_first_when_a_batch_is_full(tandem, monkeypatch):
    monkeypatch.setattr(registry, "BATCH", 2)
    with time_machine.travel(at(2027, 3, 1, 10, 0), tick=False):
        # Made first, so that an unordered batch would meet them first: inside the hour the
        # scan looks ahead, but not due yet (reminders at 18:20, 18:40, 18:50).
        for clock in (time(18, 20), time(18, 40), time(18, 50)):
            plan(tandem, at(2027, 3, 10).date(), clock)
        due = [plan(tandem, at(2027, 3, 10).date(), clock) for clock in (time(17, 0), time(18, 0))]

    with time_machine.travel(at(2027, 3, 9, 18, 0), tick=False):
        created = services.create_due(timezone.now())

    assert created["meeting_reminder"] == 2
    reminders = Notification.objects.filter(kind="meeting_reminder")
    assert set(reminders.values_list("object_id", flat=True)) == {m.pk for m in due}


@pytest.mark.clock
def test_a_big_scan_refreshes_the_outbox_statistics(tandem, monkeypatch):
    from django.db import connection

    from tests.conftest import require_service

    require_service(connection.vendor == "postgresql", "table statistics are PostgreSQL's")
    monkeypatch.setattr(services, "ANALYZE_AFTER", 2)
    with time_machine.travel(at(2027, 3, 1, 10, 0), tick=False):
        for hour in (17, 18):
            plan(tandem, at(2027, 3, 10).date(), time(hour, 0))

    with time_machine.travel(at(2027, 3, 9, 18, 0), tick=False):
        created = services.create_due(timezone.now())

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples FROM pg_class WHERE relname = %s", [Notification._meta.db_table]
        )
        (counted,) = cursor.fetchone()
    assert created["meeting_reminder"] == 2
    # The planner's row count is the table's, not the zero it had before.
    # (Seven: the mentor's mails of the tandem's proposal and start are rows too.)
    assert counted == Notification.objects.count() == 7


def test_notify_held_back_records_a_skipped_row_and_queues_nothing(
    django_capture_on_commit_callbacks,
):
    user = UserFactory()

    with django_capture_on_commit_callbacks() as callbacks:
        with services.held_back("demo data: not sent"):
            held = services.notify(
                Notification.Kind.APPLICATION_STATUS, about=user, to=user, occurrence="held"
            )
        after = services.notify(
            Notification.Kind.APPLICATION_STATUS, about=user, to=user, occurrence="after"
        )

    assert (held.state, held.error) == ("skipped", "demo data: not sent")
    assert (after.state, after.error) == ("pending", "")
    assert len(callbacks) == 1
