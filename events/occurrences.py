"""The dates an event takes place on: once, or every occurrence of its repetition rule.

Rules are expanded in local time (Europe/Berlin), so a monthly Stammtisch at 19:00 stays at
19:00 in summer and winter; the stored UTC times follow.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property
from itertools import islice

from dateutil.rrule import rrulestr
from django.utils import timezone

from .models import Event

# A safety net against rules without end in data that skipped the services' validation.
MAX_OCCURRENCES = 1000


@dataclass(frozen=True)
class Occurrence:
    """One date of an event. `event` is an Event, or in the grid a light row of calendar.lean()
    with the attributes it needs."""

    event: Event
    starts_at: datetime
    ends_at: datetime

    # Cached: the grid asks each occurrence for its local days many times (frozen dataclasses
    # allow it, cached_property writes to the instance's __dict__ directly).
    @cached_property
    def local_start(self) -> datetime:
        return timezone.localtime(self.starts_at)

    @cached_property
    def local_end(self) -> datetime:
        return timezone.localtime(self.ends_at)

    @cached_property
    def first_day(self) -> date:
        return self.local_start.date()

    @cached_property
    def last_day(self) -> date:
        """The last calendar day it touches (an all-day event ends at the next midnight)."""
        end = self.local_end
        if end.time() == datetime.min.time() and end.date() > self.first_day:
            return end.date() - timedelta(days=1)
        return end.date()


def _rule(event: Event):
    """The event's rule in local time, with the local start it counts from."""
    local_start = timezone.localtime(event.starts_at).replace(tzinfo=None)
    return rrulestr(event.recurrence, dtstart=local_start)


def occurrences(event: Event, *, start: datetime | None = None, end: datetime | None = None):
    """The event's occurrences that overlap [start, end), in order."""
    if not event.recurrence:
        found = [Occurrence(event, event.starts_at, event.ends_at)]
    else:
        tz = timezone.get_default_timezone()
        duration = event.ends_at - event.starts_at
        skipped = set(event.exdates or [])
        rule = _rule(event)
        if start is None:
            moments = iter(rule)
        else:
            # Begin just before the window: an occurrence that started up to its duration
            # earlier still overlaps it (an hour more covers a change of the clocks).
            after = timezone.localtime(start - duration - timedelta(hours=1)).replace(tzinfo=None)
            moments = rule.xafter(after, inc=True)
        found = []
        for count, moment in enumerate(moments):
            if count >= MAX_OCCURRENCES:
                break
            starts_at = timezone.make_aware(moment, tz)
            if end is not None and starts_at >= end:
                break
            if moment.date().isoformat() in skipped:
                continue
            found.append(Occurrence(event, starts_at, starts_at + duration))
    return [
        occurrence
        for occurrence in found
        if (end is None or occurrence.starts_at < end)
        and (start is None or occurrence.ends_at > start)
    ]


def last_end(event: Event) -> datetime | None:
    """When the event's last occurrence ends (dates left out still count: an upper bound).

    None where it is unknown: a rule that does not parse or runs past MAX_OCCURRENCES."""
    if not event.recurrence:
        return event.ends_at
    try:
        moments = list(islice(_rule(event), MAX_OCCURRENCES + 1))
    except (TypeError, ValueError):
        return None
    if not moments or len(moments) > MAX_OCCURRENCES:
        return None
    last_start = timezone.make_aware(moments[-1], timezone.get_default_timezone())
    return last_start + (event.ends_at - event.starts_at)


def occurrences_between(events, *, start: datetime, end: datetime) -> list[Occurrence]:
    """All occurrences of the events overlapping [start, end), by start time."""
    found = [o for event in events for o in occurrences(event, start=start, end=end)]
    return sorted(found, key=lambda o: (o.starts_at, o.event.title, o.event.pk))
