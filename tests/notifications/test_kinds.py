"""What each kind of notification does, end to end in one process: a scan (or the service that
notifies) makes a row, the eager task sends it through the locmem backend as text with an HTML
alternative, in the recipient's language, with the links the mail must carry.

Changes between the scan and the sending end a row as "skipped"; bad addresses and refusing mail
servers end it as "failed" or try it again later, never forever and never twice. The mailer's
two-phase DATA is tested against a real SMTP server (aiosmtpd) in this process.
"""

from __future__ import annotations

import re
import smtplib
import socket
import threading
from datetime import date, datetime, time, timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from events import services as event_services
from events.forms.registration import REGISTRATION_PRIVACY_VERSION
from events.models import Registration
from notifications import sending, services
from notifications.mailer import Mailer, Session, mailer
from notifications.models import Notification, NotificationSettings
from notifications.sending import deliver
from notifications.tokens import unsubscribe_read
from programs.models import TargetGroup
from programs.selectors import programs_coordinated_by
from programs.services import program_mark_reviewed
from tandems import dashboard
from tandems import services as tandem_services
from tandems.models import (
    CHECKIN_ITEMS,
    Application,
    Concern,
    ConsentRecord,
    Meeting,
    Mentee,
    Tandem,
)
from tandems.selectors import open_concern_counts
from tandems.services import lifecycle
from tests.factories import EventFactory, ProgramCoordinatorFactory, ProgramFactory, UserFactory
from tests.factories.tandems import applicant, make_ready, profile_for

BERLIN = timezone.get_default_timezone()
pytestmark = pytest.mark.django_db
Kind = Notification.Kind
State = Notification.State


def at(*args) -> datetime:
    return datetime(*args, tzinfo=BERLIN)


# The tandems of these tests are made on 1 February 2027 and started on 4 January: their first
# check-ins are more than 30 days old by March, so meeting tests see no check-in reminders.
MADE_AT = at(2027, 2, 1, 9, 0)
STARTED = date(2027, 1, 4)
MEETING_DAY = date(2027, 3, 10)  # a Wednesday
REMINDER_AT = at(2027, 3, 9, 18, 0)  # 24 hours before 18:00
MENTEE = "Zoraida"


# --- Helpers -----------------------------------------------------------------------------------


@pytest.fixture
def scan(django_capture_on_commit_callbacks):
    """scan(moment): a scan at that moment whose queued rows are sent (eager tasks) at once;
    scan(moment, send=False) makes and queues the rows, and the queue message is lost."""

    def run(moment: datetime, *, send: bool = True):
        with time_machine.travel(moment, tick=False):
            if not send:
                return services.scan()
            with django_capture_on_commit_callbacks(execute=True):
                return services.scan()

    return run


def deliver_at(moment: datetime, notification: Notification) -> str:
    with time_machine.travel(moment, tick=False):
        return deliver(notification.pk)


def row_of(message) -> Notification:
    """The outbox row a mail was sent for, found by its Message-ID."""
    found = re.fullmatch(r"<notification-(\d+)@[^>]+>", message.extra_headers["Message-ID"])
    return Notification.objects.get(pk=int(found.group(1)))


def mentor_first(message) -> tuple[int, int]:
    """Sort key: the mails to users (mentors) before those to mentees."""
    row = row_of(message)
    return (0 if row.user_id else 1, row.pk)


def mails(mailoutbox, kind: str) -> list:
    return [message for message in mailoutbox if row_of(message).kind == kind]


def html_of(message) -> str:
    (alternative,) = message.alternatives
    content, mimetype = alternative
    assert mimetype == "text/html"
    return content


def ics_of(message) -> str:
    (found,) = [a for a in message.attachments if a[2] == "text/calendar"]
    content = found[1]
    return content.decode() if isinstance(content, bytes) else content


def unsubscribe_link(message) -> tuple[str, str] | None:
    """(recipient, kind) of the mail's unsubscribe link, or None without one."""
    match = re.search(r"/benachrichtigungen/abbestellen/([^/\s\"]+)/", message.body)
    return unsubscribe_read(match.group(1)) if match else None


def assert_links(message, *, unsubscribe: bool, account: bool) -> None:
    """The footer's links, in the text and in the HTML alternative; the header for mail apps."""
    html = html_of(message)
    with translation.override(lang_of(message)):
        settings_url = settings.SITE_URL + reverse("notifications:settings")
    for part in (message.body, html):
        assert ("/benachrichtigungen/abbestellen/" in part) is unsubscribe
        assert (settings_url in part) is account
        assert settings.SITE_URL in part
    assert ("List-Unsubscribe" in message.extra_headers) is unsubscribe
    if unsubscribe:
        token_url = message.extra_headers["List-Unsubscribe"].strip("<>")
        assert f'href="{token_url}"' in html
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def lang_of(message) -> str:
    return re.search(r'<html lang="([^"]+)">', html_of(message)).group(1)


def said(message: str) -> set[str]:
    """A reason as it may stand on a row: in English or in German."""
    with translation.override("de"):
        return {message, gettext(message)}


def make_tandem(
    program=None,
    *,
    started_on: date = STARTED,
    mentee_email: str = "",
    mentee_language: str = "de",
    mentor_language: str = "de",
) -> Tandem:
    """An active tandem; its mentee (or guardian) gets reminders with `mentee_email`."""
    program = program or ProgramFactory()
    with time_machine.travel(MADE_AT, tick=False):
        by = UserFactory()
        mentor = make_ready(applicant(program)).volunteer
        mentee = tandem_services.mentee_register(
            mentee=Mentee(
                program=program,
                first_name=MENTEE,
                year_of_birth=2018,
                postcode="04109",
                languages="Deutsch, Spanisch",
                guardian_name="Familie R.",
                reminder_email=mentee_email,
                reminder_language=mentee_language,
            ),
            target_groups=TargetGroup.objects.filter(slug="kinder"),
            guardian_consent_version="eltern-2026",
            reminder_consent_version="erinnerungen-2027" if mentee_email else "",
        )
        tandem = tandem_services.tandem_propose(mentee=mentee, volunteer=mentor, by=by)
        tandem = lifecycle.tandem_start(tandem=tandem, by=by, started_on=started_on)
    type(mentor).objects.filter(pk=mentor.pk).update(language=mentor_language)
    # The application mails of the set-up are not what these tests look at.
    Notification.objects.filter(kind=Kind.APPLICATION_STATUS, user=mentor).delete()
    return Tandem.objects.select_related("mentor", "mentee", "program").get(pk=tandem.pk)


def plan(tandem, day=MEETING_DAY, clock=time(18, 0), **fields) -> Meeting:
    with time_machine.travel(at(2027, 3, 1, 10, 0), tick=False):
        return lifecycle.meeting_plan(
            tandem=tandem,
            by=tandem.mentor,
            day=day,
            start=clock,
            end=time(clock.hour + 1, clock.minute),
            **fields,
        )


def rows(kind: str):
    return Notification.objects.filter(kind=kind).order_by("pk")


# --- Meeting reminders -------------------------------------------------------------------------


@pytest.mark.clock
def test_meeting_reminder_to_the_mentor_and_the_consenting_mentee(scan, mailoutbox):
    tandem = make_tandem(mentee_email="familie.r@example.org", mentee_language="en")
    meeting = plan(tandem, place="Stadtbibliothek")

    assert scan(REMINDER_AT - timedelta(minutes=1)).created.get(Kind.MEETING_REMINDER, 0) == 0
    result = scan(REMINDER_AT)
    again = scan(REMINDER_AT + timedelta(minutes=1))

    assert result.created[Kind.MEETING_REMINDER] == 2
    assert again.created.get(Kind.MEETING_REMINDER, 0) == 0
    made = list(rows(Kind.MEETING_REMINDER))
    assert {(row.recipient, row.state, row.occurrence) for row in made} == {
        (f"user:{tandem.mentor_id}", State.SENT, "0"),
        (f"mentee:{tandem.mentee_id}", State.SENT, "0"),
    }
    assert {row.object_id for row in made} == {meeting.pk}
    assert {row.due_at for row in made} == {REMINDER_AT}
    to_mentor, to_mentee = sorted(mails(mailoutbox, Kind.MEETING_REMINDER), key=mentor_first)
    tandem_url = settings.SITE_URL + reverse("tandems:mentor_tandem", kwargs={"pk": tandem.pk})

    # The mentor: German (the account's language), with the tandem's page and the settings.
    assert to_mentor.to == [tandem.mentor.email]
    assert lang_of(to_mentor) == "de"
    assert "Mittwoch, 10. März" in to_mentor.subject and "18:00" in to_mentor.subject
    assert tandem_url in to_mentor.body and f'href="{tandem_url}"' in html_of(to_mentor)
    assert "Stadtbibliothek" in html_of(to_mentor)
    assert_links(to_mentor, unsubscribe=True, account=True)
    assert unsubscribe_link(to_mentor) == (f"user:{tandem.mentor_id}", Kind.MEETING_REMINDER)
    mentor_ics = ics_of(to_mentor)
    assert MENTEE in mentor_ics and tandem_url in mentor_ics.replace("\r\n ", "")

    # The guardian: English (the mentee's reminder language), no way into the mentor's area.
    assert to_mentee.to == ["familie.r@example.org"]
    assert lang_of(to_mentee) == "en"
    assert to_mentee.subject == "Reminder: meeting on Wednesday, March 10, 2027 at 6 p.m."
    assert "Wednesday, March 10, 2027, 6 p.m. – 7 p.m." in to_mentee.body
    assert_links(to_mentee, unsubscribe=True, account=False)
    assert unsubscribe_link(to_mentee) == (f"mentee:{tandem.mentee_id}", Kind.MEETING_REMINDER)
    mentee_ics = ics_of(to_mentee)
    assert MENTEE not in mentee_ics
    assert "URL" not in mentee_ics and "/mein-bereich/" not in mentee_ics
    for part in (to_mentee.body, html_of(to_mentee)):
        assert "/mein-bereich/" not in part and tandem_url not in part
    assert "BEGIN:VEVENT" in mentee_ics and tandem.program.name in mentee_ics


@pytest.mark.clock
def test_no_mentee_reminder_without_address_or_with_withdrawn_consent(scan, mailoutbox):
    program = ProgramFactory()
    without_address = make_tandem(program)
    withdrawn = make_tandem(program, mentee_email="familie@example.org")
    ConsentRecord.objects.filter(mentee=withdrawn.mentee).update(withdrawn_at=MADE_AT)
    for tandem in (without_address, withdrawn):
        plan(tandem)

    scan(REMINDER_AT)

    assert {row.recipient for row in rows(Kind.MEETING_REMINDER)} == {
        f"user:{without_address.mentor_id}",
        f"user:{withdrawn.mentor_id}",
    }
    assert sorted(m.to[0] for m in mails(mailoutbox, Kind.MEETING_REMINDER)) == sorted(
        [without_address.mentor.email, withdrawn.mentor.email]
    )


@pytest.mark.clock
@pytest.mark.parametrize(
    ("lead", "due"),
    [
        (2, at(2027, 3, 10, 16, 0)),
        (24, at(2027, 3, 9, 18, 0)),
        (48, at(2027, 3, 8, 18, 0)),
    ],
)
def test_meeting_reminder_at_the_mentors_lead_time(scan, mailoutbox, lead, due):
    tandem = make_tandem()
    NotificationSettings.objects.create(user=tandem.mentor, meeting_lead_hours=lead)
    plan(tandem)

    scan(due - timedelta(minutes=1))
    assert not rows(Kind.MEETING_REMINDER).exists()
    scan(due)

    (row,) = rows(Kind.MEETING_REMINDER)
    assert (row.due_at, row.state, row.user_id) == (due, State.SENT, tandem.mentor_id)
    assert [m.to for m in mails(mailoutbox, Kind.MEETING_REMINDER)] == [[tandem.mentor.email]]


@pytest.mark.clock
def test_no_meeting_reminder_with_the_lead_time_off(scan, mailoutbox):
    tandem = make_tandem()
    NotificationSettings.objects.create(
        user=tandem.mentor, meeting_lead_hours=NotificationSettings.Lead.OFF
    )
    plan(tandem)

    for moment in (
        at(2027, 3, 8, 18, 0),
        at(2027, 3, 9, 18, 0),
        at(2027, 3, 10, 16, 0),
        at(2027, 3, 10, 17, 59),
    ):
        scan(moment)

    assert not rows(Kind.MEETING_REMINDER).exists()
    assert mails(mailoutbox, Kind.MEETING_REMINDER) == []


def _cancel(tandem, meeting):
    lifecycle.meeting_cancel(meeting=meeting, by=tandem.mentor)


def _pause(tandem, meeting):
    lifecycle.tandem_pause(tandem=tandem, by=UserFactory())


def _end(tandem, meeting):
    lifecycle.tandem_end(
        tandem=tandem,
        by=UserFactory(),
        ended_on=timezone.localdate(),
        reason=Tandem.EndReason.COMPLETED,
    )


def _opt_out(tandem, meeting):
    # What the links in the mails do: the mentor's setting off, the mentee's consent withdrawn.
    assert services.unsubscribe(f"user:{tandem.mentor_id}", Kind.MEETING_REMINDER)
    assert services.unsubscribe(f"mentee:{tandem.mentee_id}", Kind.MEETING_REMINDER)


CHANGES = {
    "cancelled-meeting": (_cancel, "The meeting is no longer planned."),
    "paused-tandem": (_pause, "The tandem is not active."),
    "ended-tandem": (_end, "The meeting is no longer planned."),
    "opted-out": (_opt_out, "The recipient switched this notification off."),
}


@pytest.mark.clock
@pytest.mark.parametrize("change", CHANGES)
def test_no_meeting_reminder_after_a_change_before_the_scan(scan, mailoutbox, change):
    tandem = make_tandem(mentee_email="familie@example.org")
    meeting = plan(tandem)
    with time_machine.travel(at(2027, 3, 5, 12, 0), tick=False):
        CHANGES[change][0](tandem, meeting)

    for moment in (REMINDER_AT, at(2027, 3, 10, 16, 0), at(2027, 3, 10, 17, 59)):
        scan(moment)

    assert not rows(Kind.MEETING_REMINDER).exists()
    assert mails(mailoutbox, Kind.MEETING_REMINDER) == []


@pytest.mark.clock
@pytest.mark.parametrize("change", CHANGES)
def test_meeting_reminder_skipped_after_a_change_between_row_and_sending(scan, mailoutbox, change):
    tandem = make_tandem(mentee_email="familie@example.org")
    meeting = plan(tandem)
    # The scan made and queued both rows; the change comes before a worker takes them.
    assert scan(REMINDER_AT, send=False).created[Kind.MEETING_REMINDER] == 2
    with time_machine.travel(REMINDER_AT + timedelta(seconds=20), tick=False):
        make_change, reason = CHANGES[change]
        make_change(tandem, meeting)

    states = [
        deliver_at(REMINDER_AT + timedelta(minutes=1), row) for row in rows(Kind.MEETING_REMINDER)
    ]
    scan(REMINDER_AT + timedelta(hours=1))

    assert states == [State.SKIPPED, State.SKIPPED]
    for row in rows(Kind.MEETING_REMINDER):
        assert row.state == State.SKIPPED
        assert row.error in said(reason)
        assert row.sent_at is None
    assert mails(mailoutbox, Kind.MEETING_REMINDER) == []


@pytest.mark.clock
def test_rescheduled_meeting_gets_a_new_reminder_and_the_old_one_is_skipped(scan, mailoutbox):
    tandem = make_tandem()
    meeting = plan(tandem)
    scan(REMINDER_AT, send=False)
    (old,) = rows(Kind.MEETING_REMINDER)
    # Moved to 20:00 the same day: a changed meeting raises its SEQUENCE (as the .ics does).
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=at(2027, 3, 10, 20, 0), sequence=F("sequence") + 1
    )

    assert deliver_at(REMINDER_AT + timedelta(minutes=1), old) == State.SKIPPED
    scan(at(2027, 3, 9, 19, 59))
    assert rows(Kind.MEETING_REMINDER).count() == 1
    scan(at(2027, 3, 9, 20, 0))

    old.refresh_from_db()
    assert (old.state, old.occurrence) == (State.SKIPPED, "0")
    assert old.error in said("The meeting was changed; a new reminder follows.")
    new = rows(Kind.MEETING_REMINDER).exclude(pk=old.pk).get()
    assert (new.state, new.occurrence, new.due_at) == (State.SENT, "1", at(2027, 3, 9, 20, 0))
    (message,) = mails(mailoutbox, Kind.MEETING_REMINDER)
    assert "20:00" in message.subject
    assert "SEQUENCE:1" in ics_of(message)


# --- Check-ins due ----------------------------------------------------------------------------


@pytest.mark.clock
def test_checkin_reminder_once_per_tandem_and_due_date_at_nine(scan, mailoutbox):
    tandem = make_tandem(started_on=date(2027, 3, 1), mentor_language="en")
    checkins = list(tandem.checkins.filter(due_on=date(2027, 3, 1)).order_by("respondent"))
    assert len(checkins) == 2  # the mentor's and the mentee's, answered by the mentor

    scan(at(2027, 3, 1, 8, 59))
    assert not rows(Kind.CHECKIN_DUE).exists()
    scan(at(2027, 3, 1, 9, 0))
    scan(at(2027, 3, 2, 9, 0))
    scan(at(2027, 3, 20, 9, 0))

    (row,) = rows(Kind.CHECKIN_DUE)
    assert (row.object_id, row.user_id, row.occurrence) == (
        tandem.pk,
        tandem.mentor_id,
        "2027-03-01",
    )
    assert (row.due_at, row.state) == (at(2027, 3, 1, 9, 0), State.SENT)
    (message,) = mails(mailoutbox, Kind.CHECKIN_DUE)
    assert message.to == [tandem.mentor.email]
    assert message.subject == f"Check-in due: your tandem with {MENTEE}"
    assert lang_of(message) == "en"
    html = html_of(message)
    for checkin in checkins:
        with translation.override("en"):
            path = reverse("tandems:mentor_checkin", kwargs={"pk": checkin.pk})
        url = settings.SITE_URL + path
        assert url in message.body and f'href="{url}"' in html
    assert "Answer your check-in" in html
    assert f"Answer the check-in of {MENTEE} together" in html
    assert_links(message, unsubscribe=True, account=True)
    assert unsubscribe_link(message) == (f"user:{tandem.mentor_id}", Kind.CHECKIN_DUE)


@pytest.mark.clock
def test_no_checkin_reminder_for_checkins_due_more_than_30_days_ago(scan, mailoutbox):
    tandem = make_tandem(started_on=date(2027, 1, 4))

    scan(at(2027, 2, 4, 9, 0))  # 31 days after the due date: too late for a reminder
    assert not rows(Kind.CHECKIN_DUE).exists()
    scan(at(2027, 2, 3, 9, 0))  # 30 days after: still reminded

    assert [m.to for m in mails(mailoutbox, Kind.CHECKIN_DUE)] == [[tandem.mentor.email]]


@pytest.mark.clock
def test_checkin_reminder_switched_off(scan, mailoutbox):
    program = ProgramFactory()
    off_before = make_tandem(program, started_on=date(2027, 3, 1))
    off_after = make_tandem(program, started_on=date(2027, 3, 1))
    NotificationSettings.objects.create(user=off_before.mentor, checkin_reminders=False)

    scan(at(2027, 3, 1, 9, 0), send=False)
    (row,) = rows(Kind.CHECKIN_DUE)
    assert row.user_id == off_after.mentor_id
    assert services.unsubscribe(f"user:{off_after.mentor_id}", Kind.CHECKIN_DUE)
    assert deliver_at(at(2027, 3, 1, 9, 1), row) == State.SKIPPED
    scan(at(2027, 3, 2, 9, 0))

    assert rows(Kind.CHECKIN_DUE).count() == 1
    assert mails(mailoutbox, Kind.CHECKIN_DUE) == []


def answer(checkin):
    answered_by = "mentor" if checkin.respondent == "mentor" else "mentee_mentor"
    lifecycle.checkin_submit(
        checkin=checkin,
        answers=dict.fromkeys(CHECKIN_ITEMS, 4),
        answered_by=answered_by,
        by=checkin.tandem.mentor,
    )


@pytest.mark.clock
def test_checkin_reminder_only_for_what_is_still_open(scan, mailoutbox):
    program = ProgramFactory()
    both = make_tandem(program, started_on=date(2027, 3, 1))
    one = make_tandem(program, started_on=date(2027, 3, 1))
    scan(at(2027, 3, 1, 9, 0), send=False)
    with time_machine.travel(at(2027, 3, 1, 9, 0, 30), tick=False):
        for checkin in both.checkins.filter(due_on=date(2027, 3, 1)):
            answer(checkin)
        answer(one.checkins.get(due_on=date(2027, 3, 1), respondent="mentor"))

    states = {
        row.object_id: deliver_at(at(2027, 3, 1, 9, 1), row) for row in rows(Kind.CHECKIN_DUE)
    }

    assert states == {both.pk: State.SKIPPED, one.pk: State.SENT}
    skipped = rows(Kind.CHECKIN_DUE).get(object_id=both.pk)
    assert skipped.error in said("The check-ins were answered or are no longer due.")
    (message,) = mails(mailoutbox, Kind.CHECKIN_DUE)
    assert message.to == [one.mentor.email]
    open_one = one.checkins.get(due_on=date(2027, 3, 1), respondent="mentee")
    assert reverse("tandems:mentor_checkin", kwargs={"pk": open_one.pk}) in message.body
    assert "Ihren Check-in beantworten" not in html_of(message)
    assert f"Check-in von {MENTEE} gemeinsam beantworten" in html_of(message)


# --- Event reminders --------------------------------------------------------------------------

EVENT_AT = at(2027, 3, 10, 18, 0)
EVENT_REMINDER_AT = at(2027, 3, 9, 10, 0)


def register(event, email, *, language="de", name="Hanna Huber"):
    """A registration whose address's owner confirmed it (double opt-in)."""
    registration = event_services.registration_create(
        event=event,
        name=name,
        email=email,
        consent_version=REGISTRATION_PRIVACY_VERSION,
        language=language,
    )
    return event_services.registration_confirm(registration=registration)


def make_event(**fields):
    with time_machine.travel(at(2027, 3, 1, 10, 0), tick=False):
        return EventFactory(starts_at=EVENT_AT, ends_at=EVENT_AT + timedelta(hours=2), **fields)


@pytest.mark.clock
def test_event_reminder_the_day_before_at_ten_for_confirmed_places(scan, mailoutbox):
    event = make_event(capacity=4, title="Netzwerktreffen Sachsen")
    with time_machine.travel(at(2027, 3, 1, 11, 0), tick=False):
        english = register(event, "ann@example.org", language="en", name="Ann Lee")
        german = register(event, "bea@example.org")
        no_reminder = register(event, "cem@example.org")
    assert services.unsubscribe(f"registration:{no_reminder.pk}", Kind.EVENT_REMINDER)

    scan(EVENT_REMINDER_AT - timedelta(minutes=1))
    assert not rows(Kind.EVENT_REMINDER).exists()
    scan(EVENT_REMINDER_AT)
    with time_machine.travel(at(2027, 3, 9, 11, 0), tick=False):
        late = register(event, "dan@example.org")  # the last place, after the reminder time
        waiting = register(event, "eva@example.org")
    assert (late.status, waiting.status) == (Registration.Status.CONFIRMED, "waiting")
    scan(at(2027, 3, 9, 11, 30))
    scan(at(2027, 3, 10, 9, 0))

    made = list(rows(Kind.EVENT_REMINDER))
    assert {row.registration_id for row in made} == {english.pk, german.pk}
    assert {(row.object_id, row.due_at, row.state) for row in made} == {
        (event.pk, EVENT_REMINDER_AT, State.SENT)
    }
    sent = {m.to[0]: m for m in mails(mailoutbox, Kind.EVENT_REMINDER)}
    assert sorted(sent) == ["ann@example.org", "bea@example.org"]
    to_ann = sent["ann@example.org"]
    assert to_ann.subject == "Tomorrow: “Netzwerktreffen Sachsen”"
    assert lang_of(to_ann) == "en"
    assert "Wednesday, March 10, 2027, 6 p.m." in to_ann.body
    assert "Hello Ann Lee," in html_of(to_ann)
    with translation.override("en"):
        event_url = settings.SITE_URL + event.get_absolute_url()
    cancel = re.search(r"\S*/veranstaltungen/abmelden/\S+/", to_ann.body).group(0)
    for part in (to_ann.body, html_of(to_ann)):
        assert event_url in part and cancel in part
    assert_links(to_ann, unsubscribe=True, account=False)
    assert unsubscribe_link(to_ann) == (f"registration:{english.pk}", Kind.EVENT_REMINDER)
    to_bea = sent["bea@example.org"]
    assert lang_of(to_bea) == "de"
    assert "Mittwoch, 10. März 2027, 18:00" in to_bea.body


@pytest.mark.clock
def test_no_event_reminder_for_a_cancelled_event(scan, mailoutbox):
    before = make_event()
    after = make_event()
    with time_machine.travel(at(2027, 3, 1, 11, 0), tick=False):
        register(before, "ann@example.org")
        register(after, "ann@example.org")
        event_services.event_cancel(event=before, by=UserFactory(is_staff=True))

    scan(EVENT_REMINDER_AT, send=False)
    (row,) = rows(Kind.EVENT_REMINDER)
    assert row.object_id == after.pk
    with time_machine.travel(EVENT_REMINDER_AT, tick=False):
        event_services.event_cancel(event=after, by=UserFactory(is_staff=True))

    assert deliver_at(EVENT_REMINDER_AT + timedelta(minutes=1), row) == State.SKIPPED
    row.refresh_from_db()
    assert row.error in said("The event is no longer published.")
    assert mails(mailoutbox, Kind.EVENT_REMINDER) == []


@pytest.mark.clock
@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ("unsubscribed", "The recipient switched this notification off."),
        ("cancelled", "The registration holds no place."),
    ],
)
def test_event_reminder_skipped_when_the_registration_changed(scan, mailoutbox, change, reason):
    event = make_event()
    with time_machine.travel(at(2027, 3, 1, 11, 0), tick=False):
        registration = register(event, "ann@example.org")
    scan(EVENT_REMINDER_AT, send=False)
    (row,) = rows(Kind.EVENT_REMINDER)
    with time_machine.travel(EVENT_REMINDER_AT + timedelta(seconds=10), tick=False):
        if change == "unsubscribed":
            services.unsubscribe(f"registration:{registration.pk}", Kind.EVENT_REMINDER)
        else:
            event_services.registration_cancel(registration=registration)

    assert deliver_at(EVENT_REMINDER_AT + timedelta(minutes=1), row) == State.SKIPPED
    row.refresh_from_db()
    assert row.error in said(reason)
    assert mails(mailoutbox, Kind.EVENT_REMINDER) == []


@pytest.mark.clock
def test_series_event_gets_one_reminder_per_date(scan, mailoutbox):
    event = make_event(recurrence="FREQ=WEEKLY;COUNT=3", title="Stammtisch")
    with time_machine.travel(at(2027, 3, 1, 11, 0), tick=False):
        registration = register(event, "ann@example.org", language="en")

    for day in (9, 16, 23):
        scan(at(2027, 3, day, 9, 59))
        scan(at(2027, 3, day, 10, 0))
        scan(at(2027, 3, day, 17, 0))
    scan(at(2027, 3, 30, 10, 0))

    made = list(rows(Kind.EVENT_REMINDER))
    assert [row.due_at for row in made] == [at(2027, 3, day, 10, 0) for day in (9, 16, 23)]
    assert [datetime.fromisoformat(row.occurrence) for row in made] == [
        at(2027, 3, day, 18, 0) for day in (10, 17, 24)
    ]
    assert {(row.registration_id, row.state) for row in made} == {(registration.pk, State.SENT)}
    bodies = [m.body for m in mails(mailoutbox, Kind.EVENT_REMINDER)]
    assert len(bodies) == 3
    for body, day in zip(bodies, (10, 17, 24), strict=True):
        assert f"Wednesday, March {day}, 2027, 6 p.m." in body


# --- The coordinators' weekly overview --------------------------------------------------------

MONDAY = at(2027, 3, 8, 7, 0)


def english_figures(actions) -> list[str]:
    """The lines of the digest for a program's figures, as the English mail words them."""

    def plural(n, one, many):
        return (one if n == 1 else many).format(n=n)

    lines = []
    if actions.no_contact:
        lines.append(
            plural(
                actions.no_contact,
                "{n} tandem without a meeting for more than %d days",
                "{n} tandems without a meeting for more than %d days",
            )
            % actions.no_contact_days
        )
    if actions.checkins_due:
        lines.append(plural(actions.checkins_due, "{n} check-in due", "{n} check-ins due"))
    if actions.support_due:
        lines.append(
            plural(
                actions.support_due,
                "{n} tandem due for a support contact",
                "{n} tandems due for a support contact",
            )
        )
    if actions.ending_soon:
        lines.append(
            plural(
                actions.ending_soon,
                "{n} tandem ending within 30 days",
                "{n} tandems ending within 30 days",
            )
        )
    if actions.applications_waiting:
        lines.append(
            plural(
                actions.applications_waiting,
                "{n} application waiting for more than 7 days",
                "{n} applications waiting for more than 7 days",
            )
        )
    if actions.reinspections_due:
        lines.append(
            plural(
                actions.reinspections_due,
                "{n} re-inspection of a certificate of conduct (§ 72a) due",
                "{n} re-inspections of certificates of conduct (§ 72a) due",
            )
        )
    return lines


@pytest.mark.clock
def test_coordinator_digest_on_monday_at_seven_once_a_week(scan, mailoutbox):
    program = ProgramFactory(name="Lesepatenschaften Leipzig")
    coordinator = ProgramCoordinatorFactory(program=program).user
    type(coordinator).objects.filter(pk=coordinator.pk).update(language="en")
    # Something needs action: the tandem's first check-ins are due, a tandem ends soon, an
    # application waits.
    make_tandem(program, started_on=date(2027, 3, 1))
    ending = make_tandem(program, started_on=date(2026, 3, 20))
    Tandem.objects.filter(pk=ending.pk).update(planned_end_on=date(2027, 3, 20))
    with time_machine.travel(at(2027, 2, 20, 9, 0), tick=False):
        applicant(program)
    Notification.objects.filter(kind=Kind.APPLICATION_STATUS).delete()

    scan(MONDAY - timedelta(minutes=1))
    assert not rows(Kind.COORDINATOR_DIGEST).exists()
    scan(MONDAY)
    scan(at(2027, 3, 10, 7, 0))
    scan(at(2027, 3, 14, 23, 59))

    (row,) = rows(Kind.COORDINATOR_DIGEST)
    assert (row.user_id, row.occurrence, row.due_at, row.state) == (
        coordinator.pk,
        "2027-W10",
        MONDAY,
        State.SENT,
    )
    (message,) = mails(mailoutbox, Kind.COORDINATOR_DIGEST)
    assert message.to == [coordinator.email]
    assert message.subject == "Your week in the Mentoring-Portal: what needs action"
    assert lang_of(message) == "en"
    assert f"Hello {coordinator.name}," in message.body  # the account's name: no profile
    with time_machine.travel(MONDAY, tick=False):
        (figures,) = dashboard.with_actions(programs_coordinated_by(user=coordinator))
    expected = english_figures(figures.actions)
    assert figures.actions.checkins_due >= 2
    assert figures.actions.ending_soon == 1
    # The ending tandem began less than a year ago without a support contact since: monthly due.
    assert figures.actions.support_due == 1
    assert figures.actions.applications_waiting >= 1
    assert len(expected) >= 4
    html = html_of(message)
    for line in expected:
        assert f"- {line}" in message.body
        assert f"{line}</a>" in html
    assert "<h2" in html and "Lesepatenschaften Leipzig</h2>" in html
    for kind in ("checkins-faellig", "begleitung-faellig", "endet-bald", "bewerbungen-wartend"):
        path = reverse(
            "tandems:coordination_action_list", kwargs={"slug": program.slug, "kind": kind}
        )
        assert path in html
    with translation.override("en"):
        dashboard_url = settings.SITE_URL + reverse("tandems:coordination")
    assert dashboard_url in message.body and f'href="{dashboard_url}"' in html
    assert_links(message, unsubscribe=True, account=True)

    scan(MONDAY + timedelta(days=7))
    assert [row.occurrence for row in rows(Kind.COORDINATOR_DIGEST)] == ["2027-W10", "2027-W11"]


def test_coordinator_digest_skipped_when_nothing_needs_action(scan, mailoutbox):
    quiet = ProgramCoordinatorFactory(program=ProgramFactory()).user
    switched_off = ProgramCoordinatorFactory(program=ProgramFactory()).user
    NotificationSettings.objects.create(user=switched_off, coordinator_digest=False)

    scan(MONDAY)

    (row,) = rows(Kind.COORDINATOR_DIGEST)
    assert (row.user_id, row.state) == (quiet.pk, State.SKIPPED)
    assert row.error in said("Nothing needs action this week.")
    assert mails(mailoutbox, Kind.COORDINATOR_DIGEST) == []


@pytest.mark.clock
def test_coordinator_digest_names_support_due_alone_as_an_action(scan, mailoutbox):
    program = ProgramFactory(name="Lernpaten Jena")
    coordinator = ProgramCoordinatorFactory(program=program).user
    # Begun in January, no support contact since: monthly due. No other figure: no check-in
    # open, a recent meeting, the mentor's application moved on lately.
    tandem = make_tandem(program)
    tandem.checkins.all().delete()
    Tandem.objects.filter(pk=tandem.pk).update(last_contact_on=date(2027, 3, 5))
    Application.objects.filter(program=program).update(stage_changed_at=at(2027, 3, 5, 9, 0))
    with time_machine.travel(MONDAY, tick=False):
        (figures,) = dashboard.with_actions(programs_coordinated_by(user=coordinator))
    assert figures.actions.support_due == 1
    assert english_figures(figures.actions) == ["1 tandem due for a support contact"]

    scan(MONDAY)

    (row,) = rows(Kind.COORDINATOR_DIGEST)
    assert row.state == State.SENT
    (message,) = mails(mailoutbox, Kind.COORDINATOR_DIGEST)
    assert "- 1 Tandem: Begleitung fällig" in message.body
    path = reverse(
        "tandems:coordination_action_list",
        kwargs={"slug": program.slug, "kind": "begleitung-faellig"},
    )
    assert path in html_of(message)


@pytest.mark.clock
def test_coordinator_digest_counts_open_concerns_without_their_text(scan, mailoutbox):
    program = ProgramFactory(name="Lesepaten Gera")
    other = ProgramFactory(name="Lesepaten Suhl")
    coordinator = ProgramCoordinatorFactory(program=program).user
    ProgramCoordinatorFactory(program=other, user=coordinator)
    secret = "Vertraulich: blaue Flecken am Arm"
    with time_machine.travel(MADE_AT, tick=False):
        for _ in range(2):
            Concern.objects.create(program=program, text=secret)
        Concern.objects.create(
            program=program,
            text=secret,
            status=Concern.Status.CLOSED,
            outcome="Gespräch geführt",
            closed_at=MADE_AT,
        )
        # Closed only: the other program needs no action and is left out of the mail.
        Concern.objects.create(
            program=other,
            text=secret,
            status=Concern.Status.CLOSED,
            outcome="Erledigt",
            closed_at=MADE_AT,
        )

    scan(MONDAY)

    (row,) = rows(Kind.COORDINATOR_DIGEST)
    assert row.state == State.SENT
    (message,) = mails(mailoutbox, Kind.COORDINATOR_DIGEST)
    html = html_of(message)
    dashboard_url = settings.SITE_URL + reverse("tandems:coordination")
    assert f"- 2 offene Sorgen-Meldungen: {dashboard_url}" in message.body
    assert f'href="{dashboard_url}"' in html and "2 offene Sorgen-Meldungen</a>" in html
    assert "Lesepaten Gera" in message.body
    assert "Lesepaten Suhl" not in message.body
    for text in (message.subject, message.body, html):
        assert "Flecken" not in text and "Gespräch geführt" not in text


def test_open_concern_counts_in_one_query(django_assert_num_queries):
    programs = [ProgramFactory() for _ in range(3)]
    for program, n in zip(programs, (0, 1, 4), strict=True):
        for _ in range(n):
            Concern.objects.create(program=program, text="x")
    Concern.objects.create(
        program=programs[0], text="x", status="closed", outcome="y", closed_at=timezone.now()
    )
    with django_assert_num_queries(1):
        counts = open_concern_counts(program_ids=[program.pk for program in programs])
    assert counts == {programs[1].pk: 1, programs[2].pk: 4}


# --- The yearly review of a listing -----------------------------------------------------------


@pytest.mark.clock
def test_listing_review_a_year_after_the_last_review_to_every_coordinator(scan, mailoutbox):
    with time_machine.travel(at(2026, 1, 10, 9, 0), tick=False):
        program = ProgramFactory(name="Lesepatenschaften Halle")
        english = ProgramCoordinatorFactory(program=program).user
        german = ProgramCoordinatorFactory(program=program).user
        draft = ProgramFactory(status="draft")
        ProgramCoordinatorFactory(program=draft, user=german)
    type(english).objects.filter(pk=english.pk).update(language="en")

    scan(at(2027, 1, 10, 12, 0))
    assert not rows(Kind.LISTING_REVIEW).exists()
    scan(at(2027, 1, 11, 9, 0))
    scan(at(2027, 6, 1, 9, 0))

    made = list(rows(Kind.LISTING_REVIEW))
    assert {(row.user_id, row.object_id, row.state) for row in made} == {
        (english.pk, program.pk, State.SENT),
        (german.pk, program.pk, State.SENT),
    }
    sent = {m.to[0]: m for m in mails(mailoutbox, Kind.LISTING_REVIEW)}
    assert sorted(sent) == sorted([english.email, german.email])
    message = sent[english.email]
    assert message.subject == "Is the listing of “Lesepatenschaften Halle” still up to date?"
    assert "10. January 2026" in message.body
    with translation.override("en"):
        edit_url = settings.SITE_URL + reverse("programs:edit", kwargs={"slug": program.slug})
        program_url = settings.SITE_URL + program.get_absolute_url()
    for url in (edit_url, program_url):
        assert url in message.body and f'href="{url}"' in html_of(message)
    assert_links(message, unsubscribe=True, account=True)
    assert lang_of(sent[german.email]) == "de"
    assert "10. Januar 2026" in sent[german.email].body

    # Reviewed a few days later: the next reminder a year after that review, not before.
    with time_machine.travel(at(2027, 1, 20, 9, 0), tick=False):
        program_mark_reviewed(program=program)
    scan(at(2028, 1, 15, 9, 0))
    assert rows(Kind.LISTING_REVIEW).count() == 2
    scan(at(2028, 1, 21, 9, 0))
    assert rows(Kind.LISTING_REVIEW).count() == 4
    assert {row.occurrence for row in rows(Kind.LISTING_REVIEW)} == {
        "2026-01-10/1",
        "2027-01-20/1",
    }


@pytest.mark.clock
def test_listing_review_skipped_when_reviewed_before_sending(scan, mailoutbox):
    with time_machine.travel(at(2026, 1, 10, 9, 0), tick=False):
        program = ProgramFactory()
        ProgramCoordinatorFactory(program=program)
    scan(at(2027, 2, 1, 9, 0), send=False)
    (row,) = rows(Kind.LISTING_REVIEW)
    with time_machine.travel(at(2027, 2, 1, 9, 0, 30), tick=False):
        program_mark_reviewed(program=program)

    assert deliver_at(at(2027, 2, 1, 9, 1), row) == State.SKIPPED
    row.refresh_from_db()
    assert row.error in said("The listing was reviewed meanwhile.")
    scan(at(2027, 3, 1, 9, 0))
    assert rows(Kind.LISTING_REVIEW).count() == 1
    assert mailoutbox == []


# --- Mails on the spot: applications and registrations ----------------------------------------


@pytest.mark.clock
def test_application_status_mails_go_through_the_outbox(
    mailoutbox, django_capture_on_commit_callbacks
):
    program = ProgramFactory(name="Lesepatenschaften Dresden")
    volunteer = UserFactory(language="en")
    profile_for(volunteer, name="Jo Smith")

    with django_capture_on_commit_callbacks(execute=True):
        application = tandem_services.application_submit(
            program=program, user=volunteer, privacy_version="2026-11"
        )
    with django_capture_on_commit_callbacks(execute=True):
        tandem_services.application_reject(
            application=application,
            reason="No places this year.\nPlease try again.",
            by=UserFactory(),
        )

    made = list(rows(Kind.APPLICATION_STATUS))
    assert [(row.user_id, row.object_id, row.state) for row in made] == [
        (volunteer.pk, application.pk, State.SENT),
        (volunteer.pk, application.pk, State.SENT),
    ]
    # The occurrence fits its column (SQLite would not complain; PostgreSQL refused it).
    longest = Notification._meta.get_field("occurrence").max_length
    assert all(len(row.occurrence) <= longest for row in made)
    assert [m.to for m in mailoutbox] == [[volunteer.email], [volunteer.email]]
    submitted, rejected = mailoutbox
    assert submitted.subject == "Your application to “Lesepatenschaften Dresden”"
    assert lang_of(submitted) == "en"
    assert "Hello Jo Smith," in html_of(submitted)
    with translation.override("en"):
        my_area = settings.SITE_URL + reverse("tandems:my_area")
    assert my_area in submitted.body and f'href="{my_area}"' in html_of(submitted)
    assert "No places this year.<br>Please try again." in html_of(rejected)
    # Mails about an application under way cannot be switched off; the settings are linked.
    assert_links(submitted, unsubscribe=False, account=True)


@pytest.mark.clock
def test_registration_mails_go_through_the_outbox(mailoutbox, django_capture_on_commit_callbacks):
    event = make_event(capacity=1, title="Fachtag Mentoring")
    with time_machine.travel(at(2027, 3, 1, 11, 0), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            first = register(event, "ann@example.org")
        with django_capture_on_commit_callbacks(execute=True):
            waiting = register(event, "ben@example.org", language="en", name="Ben Bo")
        with django_capture_on_commit_callbacks(execute=True):
            event_services.registration_cancel(registration=first)

    assert [
        (row.kind, row.registration_id, row.state) for row in Notification.objects.order_by("pk")
    ] == [
        # Confirmed before the requests to confirm were sent: those are not needed any more.
        (Kind.REGISTRATION_CONFIRM_REQUEST, first.pk, State.SKIPPED),
        (Kind.REGISTRATION_CONFIRMATION, first.pk, State.SENT),
        (Kind.REGISTRATION_CONFIRM_REQUEST, waiting.pk, State.SKIPPED),
        (Kind.REGISTRATION_CONFIRMATION, waiting.pk, State.SENT),
        (Kind.REGISTRATION_PLACE_FREE, waiting.pk, State.SENT),
    ]
    confirmed, on_the_list, place_free = mailoutbox
    assert confirmed.to == ["ann@example.org"]
    assert confirmed.subject == "Anmeldung bestätigt: „Fachtag Mentoring“"
    assert lang_of(confirmed) == "de"
    assert ics_of(confirmed).count("BEGIN:VEVENT") == 1
    assert on_the_list.subject == "Waiting list: “Fachtag Mentoring”"
    assert "position 1" in html_of(on_the_list)
    assert not [a for a in on_the_list.attachments if a[2] == "text/calendar"]
    assert place_free.to == ["ben@example.org"]
    assert place_free.subject == "A place is free for you: “Fachtag Mentoring”"
    assert lang_of(place_free) == "en"
    assert ics_of(place_free)
    for message in (confirmed, on_the_list, place_free):
        cancel = re.search(r"\S*/veranstaltungen/abmelden/\S+/", message.body).group(0)
        assert f'href="{cancel}"' in html_of(message)
        with translation.override(lang_of(message)):
            assert settings.SITE_URL + event.get_absolute_url() in html_of(message)
        assert_links(message, unsubscribe=False, account=False)


# --- Bad input: addresses and mail servers ----------------------------------------------------


@pytest.mark.clock
def test_missing_or_invalid_address_fails_at_once_and_the_others_are_sent(scan, mailoutbox):
    event = make_event()
    with time_machine.travel(at(2027, 3, 1, 11, 0), tick=False):
        good = register(event, "ann@example.org")
        blanked = register(event, "ben@example.org")
        invalid = register(event, "cem@example.org")
    Registration.objects.filter(pk=blanked.pk).update(email="")
    Registration.objects.filter(pk=invalid.pk).update(email="cem at example.org")
    tandem = make_tandem()
    plan(tandem, day=date(2027, 3, 10), clock=time(10, 0))
    type(tandem.mentor).objects.filter(pk=tandem.mentor_id).update(email="")

    scan(EVENT_REMINDER_AT)
    scan(EVENT_REMINDER_AT + timedelta(hours=1))

    states = {
        row.recipient: (row.state, row.attempts, row.error)
        for row in Notification.objects.filter(
            kind__in=[Kind.EVENT_REMINDER, Kind.MEETING_REMINDER]
        )
    }
    assert states[f"registration:{good.pk}"] == (State.SENT, 1, "")
    for key, reason in (
        (f"registration:{blanked.pk}", "The recipient has no e-mail address."),
        (f"registration:{invalid.pk}", "The e-mail address is not valid."),
        (f"user:{tandem.mentor_id}", "The recipient has no e-mail address."),
    ):
        state, attempts, error = states[key]
        assert (state, attempts) == (State.FAILED, 1)
        assert any(error.endswith(text) for text in said(reason))
    assert [m.to for m in mails(mailoutbox, Kind.EVENT_REMINDER)] == [["ann@example.org"]]
    assert mails(mailoutbox, Kind.MEETING_REMINDER) == []


class FakeMailer:
    """Stands in for notifications.mailer: raises the given errors in turn, then sends."""

    def __init__(self, *errors, finish_errors=()):
        self.errors = list(errors)
        self.finish_errors = list(finish_errors)
        self.started = []
        self.finished = []

    def start(self, message):
        self.started.append(message)
        if self.errors:
            raise self.errors.pop(0)
        fake = self

        class _Session(Session):
            def finish(self):
                if fake.finish_errors:
                    raise fake.finish_errors.pop(0)
                fake.finished.append(message)

        return _Session()


@pytest.fixture
def fake_mailer(monkeypatch):
    def install(*errors, finish_errors=()):
        fake = FakeMailer(*errors, finish_errors=finish_errors)
        monkeypatch.setattr(sending, "mailer", lambda: fake)
        return fake

    return install


T0 = at(2027, 3, 1, 11, 0)


def pending_registration_mail() -> Notification:
    event = make_event()
    with time_machine.travel(T0, tick=False):
        register(event, "ann@example.org")
    (row,) = rows(Kind.REGISTRATION_CONFIRMATION)
    return row


def pending_mail_now() -> Notification:
    """A registration confirmation due now, in real time (the SMTP server runs in a thread)."""
    register(EventFactory(), "ann@example.org")
    (row,) = rows(Kind.REGISTRATION_CONFIRMATION)
    return row


def refused(code: int) -> smtplib.SMTPRecipientsRefused:
    return smtplib.SMTPRecipientsRefused({"ann@example.org": (code, b"5.1.1 mailbox unavailable")})


@pytest.mark.clock
@pytest.mark.parametrize(
    ("error", "state", "described"),
    [
        (refused(550), State.FAILED, "SMTP: 550 5.1.1 mailbox unavailable"),
        (
            smtplib.SMTPDataError(554, b"rejected as spam"),
            State.FAILED,
            "SMTP 554: rejected as spam",
        ),
        (refused(450), State.PENDING, "SMTP: 450 5.1.1 mailbox unavailable"),
        (
            smtplib.SMTPDataError(451, b"try again later"),
            State.PENDING,
            "SMTP 451: try again later",
        ),
        (TimeoutError("timed out"), State.PENDING, "TimeoutError: timed out"),
        (
            ConnectionRefusedError(111, "Connection refused"),
            State.PENDING,
            "ConnectionRefusedError",
        ),
    ],
    ids=["550", "554", "450", "451", "timeout", "refused-connection"],
)
def test_refusing_mail_server(scan, fake_mailer, error, state, described):
    row = pending_registration_mail()
    fake = fake_mailer(error)

    assert deliver_at(T0, row) == state

    row.refresh_from_db()
    assert (row.state, row.attempts, row.sent_at) == (state, 1, None)
    assert row.error.startswith(described)
    if state == State.FAILED:
        scan(T0 + timedelta(hours=3))
        row.refresh_from_db()
        assert (row.state, row.attempts) == (State.FAILED, 1)
        assert fake.finished == []
        return
    # A temporary refusal: tried again after the first delay, not before.
    assert row.next_attempt_at == T0 + timedelta(minutes=sending.RETRY_DELAYS[0])
    assert row.enqueued_at is None
    assert deliver_at(T0 + timedelta(seconds=30), row) == ""
    scan(T0 + timedelta(seconds=59))
    assert len(fake.started) == 1
    scan(T0 + timedelta(minutes=1))
    scan(T0 + timedelta(minutes=30))
    row.refresh_from_db()
    assert (row.state, row.attempts, row.error) == (State.SENT, 2, "")
    assert len(fake.finished) == 1


@pytest.mark.clock
def test_temporary_failures_end_failed_after_the_last_delay(scan, fake_mailer, settings):
    settings.NOTIFICATION_RETRY_DELAYS = (1, 5)
    row = pending_registration_mail()
    fake = fake_mailer(*[TimeoutError("timed out") for _ in range(10)])

    assert deliver_at(T0, row) == State.PENDING
    scan(T0 + timedelta(minutes=1))
    row.refresh_from_db()
    assert (row.state, row.attempts, row.next_attempt_at) == (
        State.PENDING,
        2,
        T0 + timedelta(minutes=6),
    )
    scan(T0 + timedelta(minutes=6))
    for hours in (1, 5, 24):
        scan(T0 + timedelta(hours=hours))

    row.refresh_from_db()
    assert (row.state, row.attempts) == (State.FAILED, 3)
    assert row.error == "TimeoutError: timed out"
    assert len(fake.started) == 3  # and never again
    assert fake.finished == []


@pytest.mark.parametrize(
    ("error", "state"),
    [
        (smtplib.SMTPDataError(451, b"queue full"), State.PENDING),
        (smtplib.SMTPDataError(554, b"message refused"), State.FAILED),
        (smtplib.SMTPServerDisconnected("connection lost"), State.PENDING),
    ],
)
def test_refused_at_the_end_of_data_is_not_counted_as_sent(fake_mailer, error, state):
    row = pending_registration_mail()
    fake_mailer(finish_errors=[error])

    assert deliver_at(T0, row) == state

    row.refresh_from_db()
    assert (row.state, row.attempts, row.sent_at) == (state, 1, None)
    assert row.error


@pytest.mark.clock
def test_staff_retry_makes_a_failed_row_pending_and_it_is_sent_once(scan, fake_mailer):
    row = pending_registration_mail()
    fake = fake_mailer(refused(550))
    deliver_at(T0, row)
    row.refresh_from_db()
    assert row.state == State.FAILED

    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        assert services.retry(Notification.objects.filter(pk=row.pk)) == 1
        assert services.retry(Notification.objects.filter(pk=row.pk)) == 0  # only failed rows
    row.refresh_from_db()
    assert (row.state, row.attempts, row.error, row.enqueued_at) == (State.PENDING, 0, "", None)
    assert row.next_attempt_at == T0 + timedelta(hours=1)
    scan(T0 + timedelta(hours=1, minutes=1))
    scan(T0 + timedelta(hours=2))
    assert deliver_at(T0 + timedelta(hours=3), row) == ""

    row.refresh_from_db()
    assert (row.state, row.attempts) == (State.SENT, 1)
    assert len(fake.finished) == 1


@pytest.mark.clock
def test_a_sent_row_is_never_sent_again(scan, mailoutbox):
    tandem = make_tandem()
    plan(tandem)
    scan(REMINDER_AT)
    (row,) = rows(Kind.MEETING_REMINDER)

    # The same id delivered twice (a message redelivered), later scans, a requeue time passed.
    assert deliver_at(REMINDER_AT, row) == ""
    for minutes in (1, 11, 60, 600):
        scan(REMINDER_AT + timedelta(minutes=minutes))

    assert len(mails(mailoutbox, Kind.MEETING_REMINDER)) == 1


# --- Query counts ------------------------------------------------------------------------------


@pytest.mark.clock
def test_scan_queries_do_not_grow_with_the_number_of_due_meetings(scan):
    program = ProgramFactory()
    few = [make_tandem(program, mentee_email=f"few{i}@example.org") for i in range(2)]
    many = [make_tandem(program, mentee_email=f"many{i}@example.org") for i in range(20)]
    NotificationSettings.objects.create(user=many[0].mentor, meeting_lead_hours=2)
    NotificationSettings.objects.create(user=few[0].mentor, meeting_lead_hours=2)
    for tandem in few:
        plan(tandem, day=date(2027, 3, 10), clock=time(18, 0))
    for tandem in many:
        plan(tandem, day=date(2027, 3, 17), clock=time(18, 0))
    scan(at(2027, 3, 2, 12, 0), send=False)  # warms the caches (content types)

    def queries_of_scan(moment):
        with (
            time_machine.travel(moment, tick=False),
            CaptureQueriesContext(connection) as queries,
        ):
            result = services.scan()
        return len(queries), result

    # Wednesdays 16:30, so the same kinds look (the digest's week has begun both times).
    two, two_result = queries_of_scan(at(2027, 3, 10, 16, 30))
    twenty, twenty_result = queries_of_scan(at(2027, 3, 17, 16, 30))

    assert two_result.created[Kind.MEETING_REMINDER] == 2 + 2  # the mentors and the mentees
    assert twenty_result.created[Kind.MEETING_REMINDER] == 20 + 20
    assert twenty == two


# --- The mailer against a real SMTP server -----------------------------------------------------


class Sink:
    """An aiosmtpd handler that keeps what arrives; `refuse` answers RCPT with that reply."""

    def __init__(self):
        self.messages: list[bytes] = []
        self.refuse = ""
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return self.refuse
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append(envelope.content)
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_sink(settings):
    from aiosmtpd.controller import Controller

    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    # The process's mailer keeps its backend: forget the locmem one, and the SMTP one after.
    mailer().drop()
    yield sink
    mailer().drop()
    controller.stop()


def _message(subject: str):
    from django.core.mail import EmailMessage

    host = urlsplit(settings.SITE_URL).hostname
    return EmailMessage(
        subject,
        "Text\n.\n..a line with leading dots\n",
        None,
        ["ann@example.org"],
        headers={"Message-ID": f"<{subject}@{host}>"},
    )


def test_mailer_message_aborted_mid_data_never_arrives(smtp_sink):
    one = Mailer()

    session = one.start(_message("aborted"))
    session.abort()
    one.start(_message("finished")).finish()
    one.drop()

    assert len(smtp_sink.messages) == 1
    (arrived,) = smtp_sink.messages
    assert b"Subject: finished" in arrived and b"aborted" not in arrived
    # Dot-stuffing undone by the server: the body arrives as it was written.
    assert b"\r\n.\r\n..a line with leading dots" in arrived


def test_deliver_over_smtp_arrives_once_with_its_message_id(smtp_sink):
    row = pending_mail_now()

    assert deliver(row.pk) == State.SENT
    assert deliver(row.pk) == ""

    (arrived,) = smtp_sink.messages
    host = urlsplit(settings.SITE_URL).hostname
    assert f"Message-ID: <notification-{row.pk}@{host}>".encode() in arrived
    assert b"Content-Type: text/html" in arrived and b"Content-Type: text/plain" in arrived
    row.refresh_from_db()
    assert (row.state, row.attempts) == (State.SENT, 1)


def test_worker_dying_before_the_commit_sends_nothing(smtp_sink, monkeypatch):
    row = pending_mail_now()

    def dies(self, *args, **kwargs):
        raise RuntimeError("worker killed before the commit")

    with monkeypatch.context() as patch:
        patch.setattr(Notification, "save", dies)
        with pytest.raises(RuntimeError):
            deliver(row.pk)
    row.refresh_from_db()
    assert (row.state, row.attempts) == (State.PENDING, 0)
    assert deliver(row.pk) == State.SENT

    (arrived,) = smtp_sink.messages
    assert f"<notification-{row.pk}@".encode() in arrived


def test_recipient_refused_by_the_server(smtp_sink):
    smtp_sink.refuse = "550 5.1.1 No such user here"

    other = Mailer()
    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused_error:
        other.start(_message("refused"))
    other.drop()
    assert refused_error.value.recipients == {"ann@example.org": (550, b"5.1.1 No such user here")}

    row = pending_mail_now()
    assert deliver(row.pk) == State.FAILED
    row.refresh_from_db()
    assert row.error == "SMTP: 550 5.1.1 No such user here"
    # The refusal left the connection usable for the next message.
    smtp_sink.refuse = ""
    mailer().start(_message("after")).finish()
    assert len(smtp_sink.messages) == 1


def test_a_kept_connection_closed_by_the_server_is_opened_again(smtp_sink):
    first = pending_mail_now()
    assert deliver(first.pk) == State.SENT
    # The server (or a firewall) closed the idle connection the worker keeps.
    mailer().backend.connection.sock.shutdown(socket.SHUT_RDWR)
    register(EventFactory(), "ben@example.org")
    second = rows(Kind.REGISTRATION_CONFIRMATION).exclude(pk=first.pk).get()

    assert deliver(second.pk) == State.SENT

    assert len(smtp_sink.messages) == 2
    assert f"<notification-{second.pk}@".encode() in smtp_sink.messages[1]


@pytest.mark.clock
def test_a_mail_server_that_does_not_answer_times_out_and_is_tried_later(settings):
    # A port that takes the connection and never greets: the client waits EMAIL_TIMEOUT.
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = silent.getsockname()
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 0.5
    mailer().drop()
    try:
        row = pending_mail_now()
        now = timezone.now()
        assert deliver(row.pk) == State.PENDING
    finally:
        mailer().drop()
        silent.close()

    row.refresh_from_db()
    assert (row.state, row.attempts) == (State.PENDING, 1)
    assert "timed out" in row.error
    assert row.next_attempt_at >= now + timedelta(minutes=sending.RETRY_DELAYS[0])
