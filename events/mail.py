"""The e-mails of registrations, each in the language the person registered in.

A confirmed place comes with the event as an .ics file; every mail carries the signed link to
cancel. Sent by the tasks in events/tasks.py, after the registration's transaction committed.
"""

from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation

from .models import Event, Registration
from .registration_selectors import waiting_position
from .tokens import cancel_token

ICS_MIMETYPE = "text/calendar"


def event_when(event: Event) -> str:
    """The event's time in words of the active language, in Europe/Berlin."""
    start = timezone.localtime(event.starts_at)
    end = timezone.localtime(event.ends_at)
    day = formats.date_format
    if event.all_day:
        last = timezone.localtime(event.ends_at - timedelta(seconds=1)).date()
        if last == start.date():
            return day(start.date(), "DATE_FORMAT")
        return f"{day(start.date(), 'DATE_FORMAT')} – {day(last, 'DATE_FORMAT')}"
    if start.date() == end.date():
        return (
            f"{day(start, 'DATE_FORMAT')}, {day(start, 'TIME_FORMAT')} – {day(end, 'TIME_FORMAT')}"
        )
    return (
        f"{day(start, 'DATE_FORMAT')}, {day(start, 'TIME_FORMAT')} – "
        f"{day(end, 'DATE_FORMAT')}, {day(end, 'TIME_FORMAT')}"
    )


def event_place(event: Event) -> str:
    if not event.has_venue:
        return ""
    town = " ".join(part for part in (event.postcode, event.city) if part)
    return ", ".join(part for part in (event.venue, event.street, town) if part)


def cancel_url(registration: Registration) -> str:
    path = reverse("events:cancel", kwargs={"token": cancel_token(registration)})
    return f"{settings.SITE_URL}{path}"


def event_ics(event: Event) -> bytes:
    # Imported here: the calendar files are another part of the app and need nothing of this one.
    from .ics import event_calendar

    return event_calendar([event])


def _send(registration: Registration, *, template: str, with_ics: bool) -> None:
    event = registration.event
    with translation.override(registration.language):
        context = {
            "registration": registration,
            "event": event,
            "when": event_when(event),
            "place": event_place(event),
            "position": waiting_position(registration),
            "event_url": f"{settings.SITE_URL}{event.get_absolute_url()}",
            "cancel_url": cancel_url(registration),
            "SITE_URL": settings.SITE_URL,
        }
        subject = render_to_string(f"events/email/{template}_subject.txt", context)
        body = render_to_string(f"events/email/{template}.txt", context)
    message = EmailMessage(" ".join(subject.split()), body, None, [registration.email])
    if with_ics:
        message.attach(f"{event.slug}.ics", event_ics(event), ICS_MIMETYPE)
    message.send()


def send_registration_confirmation(*, registration: Registration) -> None:
    """Confirm a registration: a place (with the .ics) or a position on the waiting list."""
    _send(
        registration,
        template="registration_confirmation",
        with_ics=registration.status == Registration.Status.CONFIRMED,
    )


def send_place_free(*, registration: Registration) -> None:
    """Tell someone from the waiting list that a place became free and is now theirs."""
    _send(registration, template="registration_place_free", with_ics=True)
