"""iCalendar files of the event calendar: one event (with its series) and the subscribable feed.

Built with the `icalendar` library, as the tandems' meeting files are. Every event keeps one UID
for its whole life and carries its SEQUENCE, which the services raise with every change a calendar
should pick up, so calendar apps update or cancel the entry instead of adding another. DTSTAMP is
the time of the last change: the same data gives the same bytes, which lets the feed answer
conditional requests.
"""

import hashlib
from datetime import date, datetime, time, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, vRecur
from icalendar import Event as VEvent

from core.ical import add_berlin_timezone, line, paragraphs

from .models import Event, series_running_after
from .occurrences import occurrences

BERLIN = ZoneInfo("Europe/Berlin")
UTC = ZoneInfo("UTC")
PRODID = "-//Mentoring-Portal//Veranstaltungen//DE"
# Events that ended a little while ago stay in the feed, so a subscriber still finds last week's
# meeting in their calendar.
FEED_DAYS_BACK = 30
# How often subscribed calendars should look again (most apps decide for themselves).
REFRESH_INTERVAL = timedelta(hours=6)

ICAL_STATUS = {
    Event.Status.PUBLISHED: "CONFIRMED",
    Event.Status.CANCELLED: "CANCELLED",
}


def event_uid(event: Event) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"event-{event.pk}@{host}"


def event_url(event: Event) -> str:
    return f"{settings.SITE_URL}{event.get_absolute_url()}"


def event_location(event: Event) -> str:
    """Venue and address for an event in person; the online link for one online; both if hybrid."""
    parts = []
    if event.has_venue:
        town = " ".join(part for part in (event.postcode, event.city) if part)
        parts = [part for part in (event.venue, event.street, town) if part]
    if event.mode in (Event.Mode.ONLINE, Event.Mode.HYBRID) and event.online_url:
        parts.append(event.online_url)
    return ", ".join(parts)


def _recurrence(event: Event) -> vRecur:
    """The stored RRULE for a calendar app.

    The portal expands rules in local time (see occurrences.py), so a local UNTIL is turned into
    the UTC instant RFC 5545 asks for next to a DTSTART with TZID; for an all-day event it stays
    a date, like its DTSTART.
    """
    rule = vRecur.from_ical(event.recurrence)
    if "UNTIL" in rule:
        until = rule["UNTIL"][0]
        if isinstance(until, datetime):
            local = until if until.tzinfo is None else timezone.localtime(until, BERLIN)
            local = local.replace(tzinfo=None)
        else:
            # dateutil reads a bare date as its midnight: occurrences later that day do not count.
            local = datetime.combine(until, time(0, 0))
        if event.all_day:
            rule["UNTIL"] = [local.date()]
        else:
            aware = timezone.make_aware(local, BERLIN)
            rule["UNTIL"] = [aware.astimezone(UTC)]
    return rule


def _exdates(event: Event) -> list:
    """Left-out dates at the series' local start time (dates alone for an all-day series)."""
    start = timezone.localtime(event.starts_at, BERLIN)
    days = []
    for value in event.exdates or []:
        try:
            days.append(date.fromisoformat(str(value)))
        except ValueError:
            continue
    if event.all_day:
        return sorted(days)
    return [
        timezone.make_aware(datetime.combine(day, start.time().replace(tzinfo=None)), BERLIN)
        for day in sorted(days)
    ]


def event_component(event: Event) -> VEvent:
    """One event as a VEVENT; `event.event_type` should be loaded."""
    component = VEvent()
    component.add("uid", event_uid(event))
    component.add("sequence", event.sequence)
    component.add("dtstamp", (event.updated_at or timezone.now()).astimezone(UTC))
    start = timezone.localtime(event.starts_at, BERLIN)
    end = timezone.localtime(event.ends_at, BERLIN)
    if event.all_day:
        # DTEND of a date is exclusive: the day after the last day.
        last_day = end.date() if end.time() != time(0, 0) else end.date() - timedelta(days=1)
        first_day = start.date()
        component.add("dtstart", first_day)
        component.add("dtend", max(last_day, first_day) + timedelta(days=1))
    else:
        component.add("dtstart", start)
        component.add("dtend", end)
    if event.recurrence:
        component.add("rrule", _recurrence(event))
        exdates = _exdates(event)
        if exdates:
            component.add("exdate", exdates)
    summary = event.title
    if event.is_cancelled:
        # Not every calendar app shows STATUS: the title says it too.
        summary = _("Cancelled: %(title)s") % {"title": event.title}
    component.add("summary", line(summary))
    url = event_url(event)
    description = "\n\n".join(part for part in (event.summary, url) if part)
    component.add("description", paragraphs(description))
    location = event_location(event)
    if location:
        component.add("location", line(location))
    if event.has_venue and event.latitude is not None and event.longitude is not None:
        component.add("geo", (event.latitude, event.longitude))
    component.add("categories", [line(event.event_type.label)])
    component.add("url", url)
    component.add("status", ICAL_STATUS.get(event.status, "TENTATIVE"))
    component.add("transp", "OPAQUE")
    return component


def _last_end(event: Event) -> datetime:
    if not event.recurrence:
        return event.ends_at
    found = occurrences(event)
    return found[-1].ends_at if found else event.ends_at


def _calendar(events: list[Event], *, name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", line(name))
    calendar.add("x-wr-timezone", "Europe/Berlin")
    calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT6H")
    for event in events:
        calendar.add_component(event_component(event))
    # Rules of Europe/Berlin only for the years the events need, not from 1970.
    if events:
        first = min(timezone.localtime(e.starts_at, BERLIN).year for e in events)
        last = max(timezone.localtime(_last_end(e), BERLIN).year for e in events)
    else:
        first = last = timezone.localdate().year
    add_berlin_timezone(calendar, first_year=first, last_year=last)
    return calendar


def event_calendar(events, *, name: str | None = None) -> bytes:
    """The events (each with its whole series) as one iCalendar file.

    Also what the confirmation e-mail of a registration attaches. Texts are in the active
    language, as a calendar file has only one: the page's (/en/…ics), the mail's recipient's.
    """
    events = list(events)
    if name is None:
        name = events[0].title if len(events) == 1 else _("Events of the mentoring network")
    return _calendar(events, name=name).to_ical()


def _window(queryset: QuerySet[Event], *, since: datetime) -> QuerySet[Event]:
    """Public events ending after `since`, and series whose last occurrence does (a series can
    have later occurrences than its first; `feed_events` keeps those with one left)."""
    return (
        queryset.filter(status__in=list(ICAL_STATUS))
        .filter(Q(ends_at__gt=since) | (~Q(recurrence="") & series_running_after(since)))
        .select_related("event_type")
        .order_by("starts_at", "pk")
    )


def feed_events(queryset: QuerySet[Event], *, now: datetime | None = None) -> list[Event]:
    since = (now or timezone.now()) - timedelta(days=FEED_DAYS_BACK)
    return [
        event
        for event in _window(queryset, since=since)
        if not event.recurrence or occurrences(event, start=since)
    ]


def etag_for(content: bytes) -> str:
    return '"' + hashlib.blake2b(content, digest_size=16).hexdigest() + '"'
