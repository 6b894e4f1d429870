"""The public page of one event, its .ics file and the subscribable feed of the calendar."""

import gzip
from dataclasses import dataclass, field
from datetime import datetime, time
from functools import cached_property
from time import monotonic

from django.conf import settings
from django.core.cache import cache as django_cache
from django.db.models import Q, QuerySet
from django.http import HttpResponse, HttpResponseNotModified
from django.shortcuts import get_object_or_404
from django.utils import dateformat, timezone
from django.utils.decorators import method_decorator
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from django.views.generic import DetailView

from core.http import accepts_gzip, etag_matches, json_ld
from core.page_cache import register_local_store
from events import cache as events_cache
from events import ics
from events.filters import event_filterset, is_canonical
from events.models import Event
from events.occurrences import Occurrence, occurrences
from events.selectors import public_events
from programs.maps import map_config
from programs.models import Program

NEXT_DATES_SHOWN = 10
OTHER_EVENTS_SHOWN = 5
# Series of one organiser looked at for "other events": more than any organiser runs at once.
OTHER_SERIES_LOOKED_AT = 50
FEED_MAX_AGE = 300
FREE_OF_CHARGE = {"kostenlos", "kostenfrei", "gratis", "frei", "free", "free of charge", "0 €"}

# Day formats per language: (a day in a range without year, a day with year).
DAY_FORMATS = {"de": ("D, d.m.", "D, d.m.Y"), "en": ("D, j M", "D, j M Y")}


# --- Texts -------------------------------------------------------------------------------------


def _day(value, *, year=True) -> str:
    short, full = DAY_FORMATS.get((get_language() or "de")[:2], DAY_FORMATS["de"])
    return dateformat.format(value, full if year else short)


def _clock(value: datetime) -> str:
    return dateformat.format(value, "H:i")


def occurrence_text(occurrence: Occurrence, *, all_day: bool) -> str:
    """When it takes place, in local time: "Mo, 12.05. – Mi, 14.05.2027", "Mi, 12.05.2027,
    18:00–20:00", an event crossing midnight with both days."""
    first, last = occurrence.first_day, occurrence.last_day
    if all_day:
        if first == last:
            return _("%(day)s, all day") % {"day": _day(first)}
        return f"{_day(first, year=first.year != last.year)} – {_day(last)}"
    start, end = occurrence.local_start, occurrence.local_end
    if start.date() == end.date() or (end.time() == time(0, 0) and first == last):
        return f"{_day(start)}, {_clock(start)}–{_clock(end)}"
    return f"{_day(start)}, {_clock(start)} – {_day(end)}, {_clock(end)}"


WEEKDAYS = {
    "MO": lambda: _("Monday"),
    "TU": lambda: _("Tuesday"),
    "WE": lambda: _("Wednesday"),
    "TH": lambda: _("Thursday"),
    "FR": lambda: _("Friday"),
    "SA": lambda: _("Saturday"),
    "SU": lambda: _("Sunday"),
}
ORDINALS = {
    "1": lambda: _("first"),
    "2": lambda: _("second"),
    "3": lambda: _("third"),
    "4": lambda: _("fourth"),
    "-1": lambda: _("last"),
}


def recurrence_text(rule: str) -> str:
    """A simple rule in words ("every month on the first Tuesday"); "" for anything else."""
    try:
        parts = dict(part.split("=", 1) for part in rule.upper().split(";") if part)
    except ValueError:
        return ""
    known = {"FREQ", "INTERVAL", "BYDAY", "COUNT", "UNTIL", "WKST"}
    if set(parts) - known or not parts.get("INTERVAL", "1").isdigit():
        return ""
    interval = int(parts.get("INTERVAL", "1"))
    days = [day for day in parts.get("BYDAY", "").split(",") if day]
    frequency = parts.get("FREQ")
    if frequency == "DAILY" and not days:
        return ngettext("every day", "every %(n)s days", interval) % {"n": interval}
    if frequency == "WEEKLY" and all(day in WEEKDAYS for day in days):
        names = ", ".join(WEEKDAYS[day]() for day in days)
        if not names:
            return ngettext("every week", "every %(n)s weeks", interval) % {"n": interval}
        return ngettext("every week on %(days)s", "every %(n)s weeks on %(days)s", interval) % {
            "n": interval,
            "days": names,
        }
    if frequency == "MONTHLY" and len(days) == 1:
        ordinal, weekday = days[0][:-2].lstrip("+"), days[0][-2:]
        if ordinal in ORDINALS and weekday in WEEKDAYS:
            return ngettext(
                "every month on the %(ordinal)s %(day)s",
                "every %(n)s months on the %(ordinal)s %(day)s",
                interval,
            ) % {"n": interval, "ordinal": ORDINALS[ordinal](), "day": WEEKDAYS[weekday]()}
    if frequency == "MONTHLY" and not days:
        return ngettext("every month", "every %(n)s months", interval) % {"n": interval}
    if frequency == "YEARLY" and not days:
        return ngettext("every year", "every %(n)s years", interval) % {"n": interval}
    return ""


# --- Reads -------------------------------------------------------------------------------------


def organised_by_same(event: Event) -> Q:
    if event.program_id:
        return Q(program_id=event.program_id)
    if event.organization_id:
        return Q(organization_id=event.organization_id)
    return Q(program__isnull=True, organization__isnull=True)


def other_events(event: Event, *, now: datetime) -> list[tuple[Event, Occurrence]]:
    """The organiser's next public events besides this one, each with its next date.

    Two queries whatever the data: the next single events, and the organiser's series (whose
    next dates are found in Python).
    """
    base = (
        Event.objects.published()
        .filter(organised_by_same(event))
        .exclude(pk=event.pk)
        .select_related("event_type")
    )
    singles = list(base.single().filter(ends_at__gt=now).order_by("starts_at", "pk")[:5])
    series = list(base.recurring().order_by("-starts_at", "pk")[:OTHER_SERIES_LOOKED_AT])
    found = [(single, occurrences(single)[0]) for single in singles]
    for item in series:
        upcoming = occurrences(item, start=now)
        if upcoming:
            found.append((item, upcoming[0]))
    found.sort(key=lambda pair: (pair[1].starts_at, pair[0].pk))
    return found[:OTHER_EVENTS_SHOWN]


def places(event: Event) -> dict | None:
    """Places of a portal registration with a limit: taken and free ones."""
    if event.registration != Event.Registration.PORTAL or event.capacity is None:
        return None
    confirmed = event.registrations.places_shown().count()
    return {
        "capacity": event.capacity,
        "confirmed": confirmed,
        "free": max(event.capacity - confirmed, 0),
    }


# --- schema.org --------------------------------------------------------------------------------

ATTENDANCE_MODE = {
    Event.Mode.IN_PERSON: "https://schema.org/OfflineEventAttendanceMode",
    Event.Mode.ONLINE: "https://schema.org/OnlineEventAttendanceMode",
    Event.Mode.HYBRID: "https://schema.org/MixedEventAttendanceMode",
}


def _place(event: Event) -> dict:
    address = {"@type": "PostalAddress", "addressCountry": "DE"}
    for key, value in (
        ("streetAddress", event.street),
        ("postalCode", event.postcode),
        ("addressLocality", event.city),
        ("addressRegion", event.get_state_display() if event.state else ""),
    ):
        if value:
            address[key] = value
    place = {"@type": "Place", "name": event.venue or event.city, "address": address}
    if event.latitude is not None and event.longitude is not None:
        place["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": event.latitude,
            "longitude": event.longitude,
        }
    return place


def event_structured_data(event: Event, *, occurrence: Occurrence) -> dict:
    """schema.org Event of the (next) date, for search engines."""
    if event.all_day:
        start = occurrence.first_day.isoformat()
        end = occurrence.last_day.isoformat()
    else:
        start = occurrence.local_start.isoformat()
        end = occurrence.local_end.isoformat()
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "startDate": start,
        "endDate": end,
        "eventStatus": "https://schema.org/EventCancelled"
        if event.is_cancelled
        else "https://schema.org/EventScheduled",
        "eventAttendanceMode": ATTENDANCE_MODE[event.mode],
        "url": ics.event_url(event),
        "inLanguage": event.language.split("-")[0],
    }
    if event.summary:
        data["description"] = event.summary
    locations = []
    if event.has_venue:
        locations.append(_place(event))
    if event.mode != Event.Mode.IN_PERSON and event.online_url:
        locations.append({"@type": "VirtualLocation", "url": event.online_url})
    if locations:
        data["location"] = locations[0] if len(locations) == 1 else locations
    organizer = {"@type": "Organization", "name": event.organiser_name}
    if event.program_id and event.program.status == Program.Status.PUBLISHED:
        organizer["url"] = settings.SITE_URL + event.program.get_absolute_url()
    data["organizer"] = organizer
    if event.cost.strip().lower() in FREE_OF_CHARGE:
        data["isAccessibleForFree"] = True
    return data


# --- Views -------------------------------------------------------------------------------------


def _no_query(request) -> bool:
    return not request.GET


# Anonymous visitors get the page from the cache until the calendar's data changes (places
# taken included) or a minute passes, since registration closes with the clock.
@method_decorator(events_cache.cache_calendar_page(query_is_canonical=_no_query), name="dispatch")
class EventDetailView(DetailView):
    """Published and cancelled events; drafts and events in review do not exist here."""

    template_name = "events/event_detail.html"
    context_object_name = "event"

    def get_queryset(self):
        return public_events()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        event = self.object
        now = timezone.now()
        ahead = occurrences(event, start=now)
        # The date the page is about: the next (or current) one, else the last that took place.
        if ahead:
            main = ahead[0]
        else:
            every = occurrences(event)
            main = every[-1] if every else Occurrence(event, event.starts_at, event.ends_at)
        upcoming = ahead[:NEXT_DATES_SHOWN] if event.recurrence else []
        context.update(
            when=occurrence_text(main, all_day=event.all_day),
            occurrence=main,
            next_dates=[(o, occurrence_text(o, all_day=event.all_day)) for o in upcoming],
            rule_text=recurrence_text(event.recurrence) if event.recurrence else "",
            is_past=main.ends_at <= now,
            places=places(event) if event.registration_open else None,
            other_events=[
                (other, occurrence_text(o, all_day=other.all_day))
                for other, o in other_events(event, now=now)
            ],
            program_is_public=bool(
                event.program_id and event.program.status == Program.Status.PUBLISHED
            ),
            structured_data=json_ld(event_structured_data(event, occurrence=main)),
            show_map=event.has_venue and event.latitude is not None,
            map_config=map_config(),
            # Its organisers and network staff find the event's edit page from here, also a
            # program's published event, which their lists do not show to staff.
            can_edit=self.request.user.has_perm("events.edit_event", event),
        )
        return context


def _calendar_response(content: bytes, *, request, filename: str | None = None) -> HttpResponse:
    etag = ics.etag_for(content)
    if etag_matches(request.headers.get("If-None-Match", ""), etag):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
        if filename:
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["ETag"] = etag
    # Public data, the same for everyone: shared caches may keep it for a few minutes.
    response["Cache-Control"] = f"public, max-age={FEED_MAX_AGE}"
    return response


@require_safe
def event_ics(request, slug):
    event = get_object_or_404(public_events(), slug=slug)
    return _calendar_response(
        ics.event_calendar([event]), request=request, filename=f"{event.slug}.ics"
    )


def feed_queryset(query) -> QuerySet[Event]:
    """Public events narrowed by the calendar's filters, through the calendar's FilterSet.

    A subscription must never widen: where the page ignores an unknown facet value with a
    notice, the feed has no place for a notice and finds nothing, as for an unknown organiser
    (an empty, valid calendar rather than a 400, which calendar apps show as a broken
    subscription). Unknown parameter names (tracking, `page`, `tag`) are ignored."""
    queryset = Event.objects.published().select_related("event_type")
    filterset = event_filterset(query, queryset=queryset, language=settings.LANGUAGE_CODE)
    if filterset.has_unknown_values():
        return queryset.none()
    return filterset.qs


@dataclass(frozen=True)
class FeedPayload:
    etag: str
    gzipped: bytes
    created: float = field(default_factory=monotonic)

    @cached_property
    def plain(self) -> bytes:
        """The uncompressed feed, made once per process for the rare client without gzip:
        decompressing a megabyte for each such request was most of its cost."""
        return gzip.decompress(self.gzipped)


# Ready feeds of this process, by cache key: a subscribed calendar asks every few minutes, and
# the feed of a busy network is a megabyte before compression. At most a few, for a minute.
_feeds: dict[str, FeedPayload] = {}
MAX_LOCAL_FEEDS = 16


@register_local_store
def _forget_feeds() -> None:
    _feeds.clear()


def feed_payload(query) -> FeedPayload:
    """The feed as gzip bytes with its ETag; for the queries the portal's own links produce,
    built once per change of the calendar (events.cache) and a minute at most, and kept ready
    in each process."""
    canonical = is_canonical(query, language=settings.LANGUAGE_CODE)
    # By language too: the feed's texts (event types, the calendar's name) are in the address's.
    key = events_cache.key("feed", get_language(), query.urlencode()) if canonical else None
    found = _feeds.get(key) if key else None
    if found is not None and monotonic() - found.created < events_cache.PAGE_TIMEOUT:
        return found
    found = django_cache.get(key) if key else None
    if found is None:
        content = ics.event_calendar(ics.feed_events(feed_queryset(query)))
        found = FeedPayload(
            etag=ics.etag_for(content), gzipped=gzip.compress(content, compresslevel=6, mtime=0)
        )
        if key:
            django_cache.set(key, found, events_cache.PAGE_TIMEOUT)
    if key:
        if len(_feeds) >= MAX_LOCAL_FEEDS:
            _feeds.clear()
        _feeds[key] = found
    return found


@require_safe
def events_feed(request):
    payload = feed_payload(request.GET)
    gzip_ok = accepts_gzip(request.headers.get("Accept-Encoding", ""))
    # Each representation has its own validator, as for the GeoJSON.
    etag = payload.etag if gzip_ok else payload.etag[:-1] + '-identity"'
    if etag_matches(request.headers.get("If-None-Match", ""), etag):
        response = HttpResponseNotModified()
    elif gzip_ok:
        response = HttpResponse(payload.gzipped, content_type="text/calendar; charset=utf-8")
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(payload.plain, content_type="text/calendar; charset=utf-8")
    response["ETag"] = etag
    response["Vary"] = "Accept-Encoding"
    response["Cache-Control"] = f"public, max-age={FEED_MAX_AGE}"
    return response
