"""Meeting reminders across the changes of the clocks: at the same local time, once each.

A tandem meets every Sunday at 18:00 Europe/Berlin from 7 March to 14 November 2027, across
28 March (clocks forward) and 31 October (clocks back), both Sundays. With the clock frozen, the
test steps from reminder to reminder: a scan a minute early makes nothing, the scan at the time
makes exactly one row at 18:00 (or 16:00) local time, a further scan makes nothing, and each
reminder is mailed once.
"""

from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.utils import timezone

from notifications import services
from notifications.models import Notification, NotificationSettings
from tandems.models import ConsentRecord, Meeting, Mentee
from tandems.services import lifecycle
from tests.factories import ProgramFactory, running_tandem

BERLIN = timezone.get_default_timezone()
FIRST, LAST = date(2027, 3, 7), date(2027, 11, 14)
SUNDAYS = [FIRST + timedelta(weeks=n) for n in range((LAST - FIRST).days // 7 + 1)]

pytestmark = pytest.mark.django_db


def at(*args) -> datetime:
    return datetime(*args, tzinfo=BERLIN)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.clock
def test_the_sundays_cross_both_changes_of_the_clocks():
    assert len(SUNDAYS) == 37
    assert date(2027, 3, 28) in SUNDAYS and date(2027, 10, 31) in SUNDAYS
    # The offsets really change on those days (the test data is what it claims to be).
    assert at(2027, 3, 27, 18, 0).utcoffset() == timedelta(hours=1)
    assert at(2027, 3, 28, 18, 0).utcoffset() == timedelta(hours=2)
    assert at(2027, 10, 30, 18, 0).utcoffset() == timedelta(hours=2)
    assert at(2027, 10, 31, 18, 0).utcoffset() == timedelta(hours=1)


def _tandem(reminders_to: str):
    """A tandem meeting on Sundays at 18:00; the mentee (or guardian) consented to reminders
    when they are the recipient, and the mentor then gets none."""
    program = ProgramFactory()
    with time_machine.travel(at(2027, 3, 1, 9, 0), tick=False):
        tandem = running_tandem(
            program,
            started_on=date(2027, 3, 1),
            preferred_weekday="so",
            preferred_time=time(18, 0),
            planned_end_on=date(2028, 3, 1),
        )
        if reminders_to == "mentee":
            Mentee.objects.filter(pk=tandem.mentee_id).update(reminder_email="mira@example.org")
            ConsentRecord.objects.create(
                scope=ConsentRecord.Scope.REMINDERS,
                program=program,
                mentee_id=tandem.mentee_id,
                text_version="1",
            )
    return tandem


def _plan_sundays(tandem) -> list[Meeting]:
    """The first 26 Sundays from the tandem's rhythm, the rest one by one."""
    with time_machine.travel(at(2027, 3, 6, 12, 0), tick=False):
        meetings = lifecycle.meetings_plan_from_rhythm(
            tandem=tandem, by=tandem.mentor, weeks=lifecycle.MAX_PLAN_WEEKS
        )
        planned = {timezone.localdate(m.starts_at) for m in meetings}
        for day in SUNDAYS:
            if day not in planned:
                lifecycle.meeting_plan(
                    tandem=tandem, by=tandem.mentor, day=day, start=time(18, 0), end=time(19, 0)
                )
    return list(tandem.meetings.order_by("starts_at"))


def _expected_reminder(day: date, lead: int) -> datetime:
    if lead == 2:
        return at(day.year, day.month, day.day, 16, 0)
    before = day - timedelta(days=lead // 24)
    return at(before.year, before.month, before.day, 18, 0)


# (recipient, lead time in hours): the mentor's own lead times; the mentee's is always 1 day.
CASES = [("mentor", 24), ("mentor", 2), ("mentor", 48), ("mentee", 24)]


@pytest.mark.clock
@pytest.mark.parametrize(("reminders_to", "lead"), CASES)
def test_weekly_meeting_reminded_once_at_the_local_time_across_the_clock_changes(
    reminders_to, lead, mailoutbox, django_capture_on_commit_callbacks
):
    tandem = _tandem(reminders_to)
    meetings = _plan_sundays(tandem)
    assert [timezone.localdate(m.starts_at) for m in meetings] == SUNDAYS
    assert {timezone.localtime(m.starts_at).time() for m in meetings} == {time(18, 0)}
    # Stored in UTC: 17:00 in winter, 16:00 in summer time.
    starts = {timezone.localdate(m.starts_at): m.starts_at for m in meetings}
    assert starts[date(2027, 3, 21)] == utc(2027, 3, 21, 17, 0)
    assert starts[date(2027, 3, 28)] == utc(2027, 3, 28, 16, 0)
    assert starts[date(2027, 10, 24)] == utc(2027, 10, 24, 16, 0)
    assert starts[date(2027, 10, 31)] == utc(2027, 10, 31, 17, 0)

    # Only the meeting reminders are under test: no check-in reminders, and the mails of the
    # tandem's set-up (application status) sent and out of the way first.
    NotificationSettings.objects.create(
        user=tandem.mentor,
        meeting_lead_hours=lead if reminders_to == "mentor" else 0,
        checkin_reminders=False,
    )
    with (
        time_machine.travel(at(2027, 3, 1, 9, 30), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.scan()
    assert not Notification.objects.filter(kind="meeting_reminder").exists()
    mailoutbox.clear()

    due = {}
    for number, meeting in enumerate(meetings, start=1):
        day = timezone.localdate(meeting.starts_at)
        reminder_at = _expected_reminder(day, lead)
        rows = Notification.objects.filter(kind="meeting_reminder", object_id=meeting.pk)

        with (
            time_machine.travel(reminder_at - timedelta(minutes=1), tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            services.scan()
        assert not rows.exists(), f"reminder for {day} made a minute early"

        with (
            time_machine.travel(reminder_at, tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            result = services.scan()
        assert result.created.get("meeting_reminder") == 1, day
        row = rows.get()
        assert row.due_at == reminder_at
        assert timezone.localtime(row.due_at).time() == reminder_at.time()
        assert (row.state, row.attempts) == (Notification.State.SENT, 1), (day, row.error)
        due[day] = row.due_at

        with (
            time_machine.travel(reminder_at + timedelta(minutes=1), tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            again = services.scan()
        assert again.created.get("meeting_reminder", 0) == 0
        assert again.queued == 0
        assert rows.count() == 1
        assert len(mailoutbox) == number, day

    recipient = tandem.mentor.email if reminders_to == "mentor" else "mira@example.org"
    assert len(mailoutbox) == len(meetings) == 37
    assert Notification.objects.filter(kind="meeting_reminder").count() == 37
    assert {tuple(mail.to) for mail in mailoutbox} == {(recipient,)}
    # Every mail names the meeting at 18:00 local time, winter and summer alike.
    assert all("18:00" in mail.subject for mail in mailoutbox)
    assert len({mail.extra_headers["Message-ID"] for mail in mailoutbox}) == 37

    # The instants in UTC move by an hour across the changes, so a reminder computed in UTC (or
    # with a fixed offset) would fail here.
    if lead == 2:
        expected_utc = {
            date(2027, 3, 21): utc(2027, 3, 21, 15, 0),
            date(2027, 3, 28): utc(2027, 3, 28, 14, 0),
            date(2027, 10, 24): utc(2027, 10, 24, 14, 0),
            date(2027, 10, 31): utc(2027, 10, 31, 15, 0),
        }
    elif lead == 24:
        expected_utc = {
            date(2027, 3, 21): utc(2027, 3, 20, 17, 0),
            # The day before the change is still winter time: 23 hours before the meeting.
            date(2027, 3, 28): utc(2027, 3, 27, 17, 0),
            date(2027, 4, 4): utc(2027, 4, 3, 16, 0),
            # The day before the change back is still summer time: 25 hours before.
            date(2027, 10, 31): utc(2027, 10, 30, 16, 0),
            date(2027, 11, 7): utc(2027, 11, 6, 17, 0),
        }
    else:
        expected_utc = {
            date(2027, 3, 28): utc(2027, 3, 26, 17, 0),
            date(2027, 4, 4): utc(2027, 4, 2, 16, 0),
            date(2027, 10, 31): utc(2027, 10, 29, 16, 0),
            date(2027, 11, 7): utc(2027, 11, 5, 17, 0),
        }
    assert {day: due[day] for day in expected_utc} == expected_utc
    assert {d.astimezone(UTC).hour for d in due.values()} == {
        2: {14, 15},
        24: {16, 17},
        48: {16, 17},
    }[lead]
