"""An event title with a line break: stored as one line when it comes through a form or a
service, and an event stored with one before (or by any other way) still gives its .ics file and
its confirmation mail."""

from datetime import timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from events import services
from events.models import Event, EventType
from notifications.models import Notification
from notifications.sending import deliver
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db
BROKEN_TITLE = "Fachtag\r\nPatenschaften"


def event_form(program, **overrides) -> dict:
    day = timezone.localdate() + timedelta(days=14)
    return {
        "title": "Netzwerktreffen Süd",
        "event_type": EventType.objects.get(slug="netzwerktreffen").pk,
        "organiser": f"program:{program.pk}",
        "start_date": day.isoformat(),
        "start_time": "18:00",
        "end_time": "20:00",
        "mode": "in_person",
        "venue": "Volkshochschule",
        "postcode": "04109",
        "language": "de",
        "registration": "portal",
        **overrides,
    }


def test_event_form_stores_a_title_with_a_line_break_as_one_line(client, coordinator, program):
    client.force_login(coordinator)

    response = client.post(
        "/koordination/veranstaltungen/neu/",
        event_form(program, title=BROKEN_TITLE, venue="Volks\u202ehochschule\t Raum 3"),
    )

    assert response.status_code == 302
    event = Event.objects.get()
    assert (event.title, event.venue) == ("Fachtag Patenschaften", "Volkshochschule Raum 3")


def test_event_form_refuses_a_title_of_invisible_characters_in_german(client, coordinator, program):
    client.force_login(coordinator)

    response = client.post(
        "/koordination/veranstaltungen/neu/", event_form(program, title="\u200b\u200d\u202e")
    )

    assert response.status_code == 200
    assert response.context["form"].errors["title"] == [
        "Dieser Text besteht nur aus unsichtbaren Zeichen oder Steuerzeichen. Bitte geben Sie "
        "sichtbaren Text ein."
    ]
    assert not Event.objects.exists()


def test_registration_through_the_service_stores_one_line(mailoutbox):
    registration = services.registration_create(
        event=EventFactory(),
        name="Anna\r\nSchmidt\u202e",
        email="anna@example.org",
        consent_version="1",
        accessibility_needs="Rampe\r\nGebärdensprache\x00",
    )

    registration.refresh_from_db()
    assert (registration.name, registration.accessibility_needs) == (
        "Anna Schmidt",
        "Rampe\nGebärdensprache",
    )


def test_event_stored_with_a_line_break_in_its_title_gives_its_ics(client):
    event = EventFactory()
    Event.objects.filter(pk=event.pk).update(title=BROKEN_TITLE, venue="Saal\n1")

    response = client.get(f"/veranstaltungen/{event.slug}.ics")

    assert response.status_code == 200
    calendar = Calendar.from_ical(response.content)
    [vevent] = calendar.walk("VEVENT")
    assert str(vevent["summary"]) == "Fachtag Patenschaften"
    assert str(calendar["x-wr-calname"]) == "Fachtag Patenschaften"
    assert str(vevent["location"]).startswith("Saal 1, ")


def test_confirmation_mail_of_an_event_stored_with_a_line_break_is_sent(
    mailoutbox, django_capture_on_commit_callbacks
):
    event = EventFactory()
    Event.objects.filter(pk=event.pk).update(title=BROKEN_TITLE)
    event.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=False):
        registration = services.registration_create(
            event=event, name="Anna Schmidt", email="anna@example.org", consent_version="1"
        )
        # The confirmation with the .ics comes once the address's owner confirmed (double opt-in).
        services.registration_confirm(registration=registration)
    row = Notification.objects.get(
        registration=registration, kind=Notification.Kind.REGISTRATION_CONFIRMATION
    )

    assert deliver(row.pk) == Notification.State.SENT

    [mail] = mailoutbox
    assert "Fachtag Patenschaften" in mail.subject
    assert "\n" not in mail.subject and "\r" not in mail.subject
    [(filename, content, _mimetype)] = mail.attachments
    assert filename == f"{event.slug}.ics"
    [vevent] = Calendar.from_ical(content).walk("VEVENT")
    assert str(vevent["summary"]) == "Fachtag Patenschaften"
