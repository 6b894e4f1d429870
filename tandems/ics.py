"""iCalendar files of meetings: one planned meeting, and a mentor's private feed.

Built with the `icalendar` library. Every meeting keeps one UID for its whole life and raises its
SEQUENCE with each change, so calendar apps update or cancel the event instead of adding another.
Events carry no notes: the feed is reachable by anyone who knows its address.
"""

from datetime import timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from core.ical import add_berlin_timezone, line

from .models import Meeting, Tandem

BERLIN = ZoneInfo("Europe/Berlin")
PRODID = "-//Mentoring-Portal//Treffen//DE"
# Past meetings in the feed: a year back is plenty for a calendar and keeps the file small.
FEED_DAYS_BACK = 366

ICAL_STATUS = {
    Meeting.Status.PLANNED: "CONFIRMED",
    Meeting.Status.HELD: "CONFIRMED",
    # Neither took place; calendars show both as cancelled.
    Meeting.Status.CANCELLED: "CANCELLED",
    Meeting.Status.MISSED: "CANCELLED",
}


def _site_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def meeting_uid(meeting: Meeting) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"meeting-{meeting.pk}@{host}"


def meeting_event(meeting: Meeting, *, stamp) -> Event:
    """One meeting as a VEVENT; `meeting.tandem` with its program and mentee must be loaded."""
    tandem = meeting.tandem
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", stamp)
    event.add("dtstart", timezone.localtime(meeting.starts_at, BERLIN))
    event.add("dtend", timezone.localtime(meeting.ends_at, BERLIN))
    # The mentee is known to the portal by first name or pseudonym only.
    event.add(
        "summary",
        line(
            _("Meeting with %(mentee)s (%(program)s)")
            % {"mentee": tandem.mentee.first_name, "program": tandem.program.name}
        ),
    )
    location = _("online") if meeting.online and not meeting.place else meeting.place
    if meeting.online and meeting.place:
        location = f"{meeting.place} ({_('online')})"
    if location:
        event.add("location", line(location))
    event.add("url", _site_url(reverse("tandems:mentor_tandem", kwargs={"pk": tandem.pk})))
    event.add("status", ICAL_STATUS[meeting.status])
    return event


def _calendar(meetings: list[Meeting], *, name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", line(name))
    calendar.add("x-wr-timezone", "Europe/Berlin")
    stamp = timezone.now()
    for meeting in meetings:
        calendar.add_component(meeting_event(meeting, stamp=stamp))
    # Rules of Europe/Berlin only for the years the events need, not from 1970.
    years = [timezone.localtime(m.starts_at, BERLIN).year for m in meetings] or [stamp.year]
    add_berlin_timezone(calendar, first_year=min(years), last_year=max(years))
    return calendar


def meeting_calendar(meeting: Meeting, *, for_mentee: bool = False, language: str = "") -> Calendar:
    """One meeting; for the mentee (or guardian) titled without their own name and without the
    link into the mentor's area."""
    with translation.override(language or settings.LANGUAGE_CODE):
        calendar = _calendar([meeting], name=_("Mentoring meeting"))
        if for_mentee:
            for event in calendar.walk("VEVENT"):
                event.pop("url", None)
                event.pop("summary", None)
                event.add(
                    "summary",
                    line(
                        _("Mentoring meeting (%(program)s)")
                        % {"program": meeting.tandem.program.name}
                    ),
                )
    return calendar


def feed_meetings(*, user) -> QuerySet[Meeting]:
    """All meetings of the user's current tandems as mentor, from a year back on."""
    since = timezone.now() - timedelta(days=FEED_DAYS_BACK)
    return (
        Meeting.objects.filter(
            tandem__mentor=user,
            tandem__status__in=[Tandem.Status.ACTIVE, Tandem.Status.PAUSED],
            starts_at__gte=since,
        )
        .select_related("tandem__program", "tandem__mentee")
        .order_by("starts_at", "pk")
    )


def feed_calendar(*, user, language: str = "") -> Calendar:
    with translation.override(language or settings.LANGUAGE_CODE):
        return _calendar(list(feed_meetings(user=user)), name=_("My mentoring meetings"))


def ics_response(calendar: Calendar, *, filename: str | None = None) -> HttpResponse:
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Personal data: no shared cache may keep it.
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
