"""Read paths of the event calendar: what is public, what overlaps a period, whose events."""

from datetime import datetime

from django.db.models import Q, QuerySet

from programs.models import Program

from .models import Event, series_running_after
from .occurrences import Occurrence, occurrences_between


def public_events() -> QuerySet[Event]:
    """Published and cancelled events with what lists and pages show of them."""
    return (
        Event.objects.published()
        .select_related("event_type", "program", "organization")
        .prefetch_related("audiences")
    )


def overlapping(queryset: QuerySet[Event], *, start: datetime, end: datetime) -> QuerySet[Event]:
    """Events that may have an occurrence in [start, end): single events overlapping it, and
    series that begin before its end and are not over at its start (their occurrences are
    expanded in Python)."""
    return queryset.filter(
        Q(recurrence="", starts_at__lt=end, ends_at__gt=start)
        | (~Q(recurrence="") & Q(starts_at__lt=end) & series_running_after(start))
    )


def occurrences_in(
    queryset: QuerySet[Event], *, start: datetime, end: datetime
) -> list[Occurrence]:
    return occurrences_between(overlapping(queryset, start=start, end=end), start=start, end=end)


def events_organised_by(*, user) -> QuerySet[Event]:
    """Events of the programs the user coordinates and of those programs' organisations."""
    if not user.is_authenticated:
        return Event.objects.none()
    programs = Program.objects.filter(memberships__user=user)
    return Event.objects.filter(
        Q(program__in=programs.values("pk"))
        | Q(organization__in=programs.values("organization_id"))
    ).select_related("event_type", "program", "organization")
