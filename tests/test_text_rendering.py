"""Whatever text an event, a meeting or the people around them hold, everything made of it
renders: the event's .ics, the calendar feed, the meeting's .ics and the mentor's feed, the CSV
lists (participants, tandems) and the mails about them (one-line subject, .ics attached).

The texts are written straight into the rows (QuerySet.update, past the cleaning of forms and
models), as rows stored before the cleaning or by any other way would be. Only NUL and lone
surrogates are left out: PostgreSQL cannot store them at all.
"""

import csv
import io
from datetime import time, timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from core.page_cache import forget_local_state
from events import services as event_services
from events.models import Event, Registration
from notifications.models import Notification
from notifications.sending import _prepare
from notifications.services import notify
from programs.models import Program
from tandems.models import ConsentRecord, Meeting, Mentee
from tandems.services import lifecycle
from tests.factories import EventFactory, ProgramCoordinatorFactory, running_tandem

pytestmark = pytest.mark.django_db

# Every text field of an event that people type, and of its registration, the meeting, and the
# names shown with them. The event's recurrence is left out: it is a rule in RFC 5545 syntax that
# the form builds and checks, not free text.
TEXT_FIELDS = {
    Event: ["title", "summary", "description", "venue", "street", "postcode", "city",
            "accessibility_note", "cost"],
    Registration: ["name", "accessibility_needs"],
    Meeting: ["place", "note"],
    Mentee: ["first_name"],
    Program: ["name"],
}  # fmt: skip
TRICKY = [
    "\r\n", "\n", "\r", "\t", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\u2028", "\u2029",
    "\u202a", "\u202e", "\u2066", "\u2069", "\u200b", "\u200d", "\ufeff", ";", ",", ":", "\\",
    "=", "+", "-", "@", '"', "<script>", "&amp;", " ", "ü", "\u0645",
]  # fmt: skip
characters = st.one_of(
    st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), st.sampled_from(TRICKY)
)


def text_for(model, name):
    limit = model._meta.get_field(name).max_length or 400
    # Code points: a tricky piece of two characters may make one too long, so join and cut.
    return st.lists(characters, max_size=limit).map(lambda parts: "".join(parts)[:limit])


texts = st.fixed_dictionaries(
    {(model, name): text_for(model, name) for model, names in TEXT_FIELDS.items() for name in names}
)


@pytest.fixture
def scene(mailoutbox, django_capture_on_commit_callbacks):
    """A published event with a confirmed registration, and a running tandem with a planned
    meeting whose mentee takes reminders; the notifications about both, not yet sent."""
    membership = ProgramCoordinatorFactory()
    program = membership.program
    event = EventFactory(program=program, mode=Event.Mode.HYBRID, online_url="https://x.example")
    tandem = running_tandem(program, by=membership.user)
    mentee = tandem.mentee
    Mentee.objects.filter(pk=mentee.pk).update(reminder_email="eltern@example.org")
    ConsentRecord.objects.create(
        mentee=mentee, program=program, scope=ConsentRecord.Scope.REMINDERS, text_version="1"
    )
    meeting = lifecycle.meeting_plan(
        tandem=tandem,
        by=tandem.mentor,
        day=timezone.localdate() + timedelta(days=3),
        start=time(16, 0),
        end=time(17, 0),
    )
    with django_capture_on_commit_callbacks(execute=False):
        registration = event_services.registration_create(
            event=event, name="Anna", email="anna@example.org", consent_version="1"
        )
        # Confirmed by the mailed link (double opt-in): the confirmation with the .ics follows.
        registration = event_services.registration_confirm(registration=registration)
        rows = [
            Notification.objects.get(
                registration=registration, kind=Notification.Kind.REGISTRATION_CONFIRMATION
            ),
            notify(
                Notification.Kind.EVENT_REMINDER,
                about=event,
                to=registration,
                occurrence=event.starts_at.isoformat(),
                due_at=event.starts_at,
            ),
            *(
                notify(
                    Notification.Kind.MEETING_REMINDER,
                    about=meeting,
                    to=person,
                    occurrence=str(meeting.sequence),
                    due_at=meeting.starts_at,
                )
                for person in (tandem.mentor, mentee)
            ),
        ]
    coordinator, mentor = Client(), Client()
    coordinator.force_login(membership.user)
    mentor.force_login(tandem.mentor)
    feed = lifecycle.calendar_feed_for(user=tandem.mentor)
    return {
        "rows": {Event: event, Registration: registration, Meeting: meeting, Mentee: mentee,
                 Program: program},
        "notifications": rows,
        "coordinator": coordinator,
        "mentor": mentor,
        "paths": {
            "event": f"/veranstaltungen/{event.slug}.ics",
            "feed": "/veranstaltungen/kalender.ics",
            "meeting": f"/mein-bereich/treffen/{meeting.pk}.ics",
            "mentor_feed": f"/mein-bereich/kalender/{feed.token}.ics",
            "participants": f"/koordination/veranstaltungen/{event.slug}/teilnehmende.csv",
            "tandems": f"/koordination/programme/{program.slug}/tandems.csv",
        },
    }  # fmt: skip


def _calendar(response) -> Calendar:
    assert response.status_code == 200
    content = response.content
    # Every line ends in CRLF: no bare line break, no control character but the fold's tab.
    assert b"\n" not in content.replace(b"\r\n", b"")
    assert not any(byte < 32 and byte != 9 for byte in content.replace(b"\r\n", b""))
    return Calendar.from_ical(content)


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200
    content = response.content.decode("utf-8").removeprefix("\ufeff")
    return list(csv.reader(io.StringIO(content), delimiter=";"))


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(values=texts)
def test_events_meetings_and_their_mails_render_whatever_text_they_hold(scene, values):
    for model, row in scene["rows"].items():
        fields = {name: value for (owner, name), value in values.items() if owner is model}
        model.objects.filter(pk=row.pk).update(**fields)
    cache.clear()
    forget_local_state()
    paths, coordinator, mentor = scene["paths"], scene["coordinator"], scene["mentor"]

    [vevent] = _calendar(Client().get(paths["event"])).walk("VEVENT")
    assert "\n" not in str(vevent["summary"])
    feed = _calendar(Client().get(paths["feed"]))
    assert len(feed.walk("VEVENT")) == 1
    assert len(_calendar(mentor.get(paths["meeting"])).walk("VEVENT")) == 1
    assert len(_calendar(mentor.get(paths["mentor_feed"])).walk("VEVENT")) == 1
    assert len(_csv(coordinator.get(paths["participants"]))) == 2  # the header and Anna
    assert len(_csv(coordinator.get(paths["tandems"]))) == 2  # the header and the tandem
    for row in scene["notifications"]:
        prepared = _prepare(Notification.objects.get(pk=row.pk), None)
        assert not isinstance(prepared, Exception), prepared
        message = prepared.message()  # what Django refuses (BadHeaderError) is refused here
        assert "\n" not in prepared.subject and "\r" not in prepared.subject
        assert message.as_bytes()
        for _filename, content, _mimetype in prepared.attachments:
            assert len(Calendar.from_ical(content).walk("VEVENT")) == 1
