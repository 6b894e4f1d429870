"""What the e-mails of registrations say, each in the language the person registered in.

The first mail asks the owner of the address to confirm the registration (double opt-in) and
carries nothing else. Once confirmed, a place comes with the event as an .ics file and every mail
carries the signed link to cancel. The mails go through the outbox (events/notifications.py)
once the registration committed.
"""

from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone

from .models import Event, Registration
from .registration_selectors import waiting_position
from .tokens import cancel_token, confirm_token

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


def confirm_url(registration: Registration) -> str:
    path = reverse("events:confirm", kwargs={"token": confirm_token(registration)})
    return f"{settings.SITE_URL}{path}"


def event_ics(event: Event) -> bytes:
    # Imported here: the calendar files are another part of the app and need nothing of this one.
    from .ics import event_calendar

    return event_calendar([event])


def _about(registration: Registration) -> dict:
    event = registration.event
    return {
        "registration": registration,
        "event": event,
        "when": event_when(event),
        "place": event_place(event),
        "event_url": f"{settings.SITE_URL}{event.get_absolute_url()}",
        "SITE_URL": settings.SITE_URL,
    }


def context(registration: Registration) -> dict:
    """What the registration mails say; call it with the person's language active."""
    return {
        **_about(registration),
        "position": waiting_position(registration),
        "cancel_url": cancel_url(registration),
    }


def confirm_request_context(registration: Registration) -> dict:
    """What the request to confirm says: the event and the link, no cancel link (the address's
    owner may not have registered at all) and no waiting-list position."""
    return {
        **_about(registration),
        "confirm_url": confirm_url(registration),
        "confirm_by": timezone.localtime(registration.confirm_by),
    }
