"""The public calendar: month grid with the upcoming list, any month, the archive."""

from dataclasses import replace
from datetime import date
from html import escape

from django.conf import settings
from django.core.cache import cache as django_cache
from django.core.paginator import Paginator
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.formats import time_format
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, override
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from events import cache
from events.calendar import (
    MAX_YEAR,
    MIN_YEAR,
    Entry,
    Month,
    OccurrenceList,
    day_bounds,
    entries_on,
    lean,
    month_grid,
    valid_month,
    weekday_names,
)
from events.filters import event_filterset, is_canonical
from events.selectors import occurrences_in, public_events

PAGE_SIZE = 20


def parse_day(value: str) -> date | None:
    try:
        day = date.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    return day if len(value) == 10 and MIN_YEAR <= day.year <= MAX_YEAR else None


def options(choices, selected) -> str:
    """The <option> elements of a select, the selected values marked.

    Built with html.escape rather than format_html_join: a network lists hundreds of programs,
    and Django's lazy-aware escaping cost 4 ms of each first calendar render after a change."""
    html = "".join(
        f'<option value="{escape(str(value))}"{" selected" if value in selected else ""}>'
        f"{escape(str(label))}</option>"
        for value, label in choices
    )
    return mark_safe(html)  # noqa: S308  # nosec B308 B703: every value and label escaped above


def feed_url(filter_query: str) -> str:
    """The full address of the feed with the page's filters (never its day or page): always
    the German, unprefixed path, which a subscription keeps for years."""
    with override(settings.LANGUAGE_CODE):
        path = reverse("events:feed")
    return f"{settings.SITE_URL}{path}" + (f"?{filter_query}" if filter_query else "")


def _page_number_is_plain(value: str) -> bool:
    return value.isdigit() and len(value) <= 4


def calendar_query_is_canonical(request) -> bool:
    """Cache calendar pages only for queries the portal's own links and form produce."""
    return is_canonical(
        request.GET,
        language=get_language(),
        extra={"tag": lambda v: parse_day(v) is not None, "page": _page_number_is_plain},
    )


cache_page = method_decorator(
    cache.cache_calendar_page(query_is_canonical=calendar_query_is_canonical), name="dispatch"
)


class FilteredEventsMixin:
    def get_filterset(self):
        if not hasattr(self, "_filterset"):
            self._filterset = event_filterset(self.request.GET)
        return self._filterset

    def paginate(self, object_list):
        """A page number out of range or not a number shows the nearest page, never a 404.

        The occurrences carry lean events (calendar.lean); the page's events are fetched in
        full, with their audiences: two queries, whatever the amount of data."""
        page = Paginator(object_list, PAGE_SIZE).get_page(self.request.GET.get("page"))
        ids = {occurrence.event.pk for occurrence in page.object_list}
        if ids:
            # The cards show the summary: the long description stays in the database.
            events = public_events().defer("description", "description_html")
            full = {event.pk: event for event in events.filter(pk__in=ids)}
            page.object_list = [
                replace(occurrence, event=full[occurrence.event.pk])
                for occurrence in page.object_list
                if occurrence.event.pk in full  # unless it went away in between
            ]
        return page

    def options(self, name: str, choices, selected) -> str:
        """The select's options; with nothing chosen (most visits) kept as long as the choices."""
        if selected:
            return options(choices, selected)
        key = cache.choices_key("options", get_language(), name)
        html = django_cache.get(key)
        if html is None:
            html = options(choices, selected)
            django_cache.set(key, html, cache.PAGE_TIMEOUT)
        return html

    def filter_context(self) -> dict:
        filterset = self.get_filterset()
        filters = filterset.canonical_query()
        selected = filterset.selected()
        return {
            "filterset": filterset,
            "selected": selected,
            "filters_chosen": sum(len(values) for values in selected.values()),
            "choices": filterset.choices,
            "format_choices": filterset.filters["format"].extra["choices"],
            "network_choices": filterset.filters["netzwerk"].extra["choices"],
            "notices": filterset.notices,
            "filter_query": filters.urlencode(),
            # Built here, not in a template loop: a network may list thousands of organisers.
            "options": {
                name: self.options(name, choices, selected[name])
                for name, choices in (
                    ("bundesland", filterset.filters["bundesland"].extra["choices"]),
                    ("organisation", filterset.choices["organisation"]),
                    ("programm", filterset.choices["programm"]),
                )
            },
        }


@cache_page
class CalendarView(FilteredEventsMixin, TemplateView):
    """`/veranstaltungen/`: this month's grid and the upcoming list; with a year and month in the
    path, that month's grid and its events. `?tag=YYYY-MM-DD` lists one day's events instead
    (the grid's "+N more" links)."""

    template_name = "events/calendar.html"

    def get_month(self) -> Month:
        year, month = self.kwargs.get("year"), self.kwargs.get("month")
        if year is None:
            return Month.of(timezone.localdate())
        if not valid_month(year, month):
            raise Http404(_("There is no such month in the calendar."))
        return Month(year, month)

    def get(self, request, *args, **kwargs):
        """The page's main part (filters, grid and list) is the same for everyone: visitors with
        a session get it from the cache too, per data generation, URL, language and day, where
        the query is one the portal's links produce. Only the layout around it is theirs."""
        month = self.get_month()
        if not calendar_query_is_canonical(request):
            main = self.render_main(**kwargs)
        else:
            key = cache.key(
                "main", get_language(), request.get_full_path(), timezone.localdate().isoformat()
            )
            main = django_cache.get(key)
            if main is None:
                main = self.render_main(**kwargs)
                django_cache.set(key, main, cache.PAGE_TIMEOUT)
        return self.render_to_response({"month": month, "main": main})

    def render_main(self, **kwargs) -> str:
        return render_to_string(
            "events/_calendar_main.html", self.get_context_data(**kwargs), self.request
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.filter_context())
        month = self.get_month()
        filterset = self.get_filterset()
        queryset = filterset.qs
        today = timezone.localdate()
        start, end = month.bounds()
        # The grid shows no audiences: no prefetch for the month's many events.
        month_occurrences = occurrences_in(lean(queryset), start=start, end=end)
        grid = month_grid(month, month_occurrences, today=today)
        # Hundreds of links: the detail path is reversed once and filled in per event.
        prefix, suffix = reverse("events:detail", kwargs={"slug": "0"}).rsplit("0", 1)
        for grid_day in grid.days:
            for entry in grid_day.shown:
                entry.url = f"{prefix}{entry.event.slug}{suffix}"
                entry.time_label = time_format(entry.local_start, "TIME_FORMAT")

        day = None
        if "tag" in self.request.GET:
            day = parse_day(self.request.GET["tag"])
            if day is None:
                filterset.notices.append(_("Please give a day as YYYY-MM-DD; showing all."))
        if day is not None:
            if month.first_day <= day <= month.last_day:
                day_occurrences = month_occurrences
            else:
                day_start, day_end = day_bounds(day)
                day_occurrences = occurrences_in(lean(queryset), start=day_start, end=day_end)
            listed = [entry.occurrence for entry in entries_on(day_occurrences, day)]
            list_kind = "day"
        elif self.kwargs.get("year") is None:
            listed = OccurrenceList(queryset, now=timezone.now())
            list_kind = "upcoming"
        else:
            listed = [entry.occurrence for entry in self._month_entries(grid)]
            list_kind = "month"
        page = self.paginate(listed)
        list_query = context["filter_query"]
        if day is not None:
            list_query = "&".join(q for q in (list_query, f"tag={day.isoformat()}") if q)
        context.update(
            month=month,
            grid=grid,
            weekdays=weekday_names(),
            today=today,
            is_current_month=month == Month.of(today),
            month_url=reverse("events:month", args=[month.year, month.month]),
            this_month=Month.of(today),
            day=day,
            list_kind=list_kind,
            page_obj=page,
            occurrences=page.object_list,
            query_string=list_query,
            feed_url=feed_url(context["filter_query"]),
        )
        return context

    @staticmethod
    def _month_entries(grid) -> list[Entry]:
        """Each occurrence of the month once, on the first day it shows in this month."""
        seen, found = set(), []
        for day in grid.days:
            for entry in day.entries:
                key = (entry.occurrence.event.pk, entry.occurrence.starts_at)
                if key not in seen:
                    seen.add(key)
                    found.append(entry)
        found.sort(key=lambda e: (e.occurrence.starts_at, e.occurrence.event.pk))
        return found


@cache_page
class ArchiveView(FilteredEventsMixin, TemplateView):
    """Past occurrences, newest first, with the calendar's filters."""

    template_name = "events/archive.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.filter_context())
        page = self.paginate(OccurrenceList(self.get_filterset().qs, now=timezone.now(), past=True))
        context.update(
            page_obj=page,
            occurrences=page.object_list,
            query_string=context["filter_query"],
            this_month=Month.of(timezone.localdate()),
        )
        return context
