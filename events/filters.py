"""The one FilterSet behind the calendar's grid, its lists, the archive and the .ics feed.

Parameters (German, as the paths): `typ` and `zielgruppe` (vocabulary slugs, several allowed),
`bundesland` (state codes), `format` (`vor-ort` includes hybrid events, `online` too, `hybrid`
only those), and the organiser: `programm` (a program's slug), `organisation` (an organisation's
slug: its own events and its programs'), `netzwerk=1` (the network's own events). Several
organisers are alternatives. Unknown facet values are dropped with a notice; an unknown
organiser finds nothing, with a notice, so a feed of "program X" never turns into all events.
"""

import django_filters
from django import forms
from django.core.cache import cache as django_cache
from django.db.models import Q
from django.http import QueryDict
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from programs.models import Organization, Program, State

from . import cache
from .models import Audience, Event, EventType
from .selectors import public_events

FORMAT_MODES = {
    "vor-ort": (Event.Mode.IN_PERSON, Event.Mode.HYBRID),
    "online": (Event.Mode.ONLINE, Event.Mode.HYBRID),
    "hybrid": (Event.Mode.HYBRID,),
}
FORMAT_CHOICES = [
    ("vor-ort", _("in person (and hybrid)")),
    ("online", _("online (and hybrid)")),
    ("hybrid", _("hybrid only")),
]
NETWORK_CHOICES = [("1", _("the network itself"))]
FACETS = ("typ", "zielgruppe", "bundesland", "format", "netzwerk")
ORGANISERS = ("programm", "organisation")
PARAMETERS = (*FACETS, *ORGANISERS)
SELECTS = ("bundesland", *ORGANISERS)


def filter_choices(*, language: str) -> dict[str, list[tuple[str, str]]]:
    """Vocabularies and the organisers that have public events, cached until they can change
    (cache.choices_key).

    The organisers come from one pass over the public events joined to their programs, then
    the organisations by primary key: the two subqueries this replaces scanned the events once
    more each (24 ms with 5,000 events on the bench machine, now about 8)."""
    key = cache.choices_key("choices", language)
    choices = django_cache.get(key)
    if choices is None:
        label = "name_en" if language == "en" else "name_de"
        organisers = (
            Event.objects.published()
            .order_by("program__name", "program__slug")
            .values_list(
                "organization_id",
                "program__organization_id",
                "program__slug",
                "program__name",
                "program__status",
            )
            .distinct()
        )
        programs, organisation_ids = {}, set()
        for organisation, program_organisation, slug, name, status in organisers:
            organisation_ids.update((organisation, program_organisation))
            if status == Program.Status.PUBLISHED:
                programs.setdefault(slug, name)
        organisation_ids.discard(None)
        choices = {
            "typ": list(EventType.objects.order_by("position", label).values_list("slug", label)),
            "zielgruppe": list(
                Audience.objects.order_by("position", label).values_list("slug", label)
            ),
            "programm": list(programs.items()),
            "organisation": list(
                Organization.objects.filter(pk__in=organisation_ids)
                .order_by("name")
                .values_list("slug", "name")
            ),
        }
        django_cache.set(key, choices, cache.PAGE_TIMEOUT)
    return choices


class LenientMultipleChoiceField(forms.MultipleChoiceField):
    """Keeps the known values and drops unknown ones: an old or hand-made URL still works."""

    def clean(self, value):
        return [v for v in self.to_python(value) if self.valid_value(v)]


class FacetFilter(django_filters.MultipleChoiceFilter):
    field_class = LenientMultipleChoiceField

    def __init__(self, *args, lookup=None, **kwargs):
        self.lookup = lookup
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        return self.lookup(qs, value)


def _audience(qs, value):
    # A subquery instead of a join: no duplicate rows, no DISTINCT.
    through = Event.audiences.through
    return qs.filter(pk__in=through.objects.filter(audience__slug__in=value).values("event_id"))


def _format(qs, value):
    modes = {mode for v in value for mode in FORMAT_MODES[v]}
    return qs.filter(mode__in=modes)


class EventFilterSet(django_filters.FilterSet):
    typ = FacetFilter(label=_("Type"), lookup=lambda qs, v: qs.filter(event_type__slug__in=v))
    zielgruppe = FacetFilter(label=_("Audience"), lookup=_audience)
    bundesland = FacetFilter(
        label=_("Federal state"), choices=State.choices, lookup=lambda qs, v: qs.filter(state__in=v)
    )
    format = FacetFilter(label=_("Format"), choices=FORMAT_CHOICES, lookup=_format)
    # The organisers combine with OR in filter_queryset; each filter alone does nothing.
    netzwerk = FacetFilter(label=_("Organiser"), choices=NETWORK_CHOICES, lookup=lambda qs, v: qs)
    programm = django_filters.ChoiceFilter(label=_("Program"), method="filter_noop")
    organisation = django_filters.ChoiceFilter(label=_("Organisation"), method="filter_noop")

    class Meta:
        model = Event
        fields = []

    def __init__(self, data=None, *args, choices: dict, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.choices = choices
        for name in ("typ", "zielgruppe", "programm", "organisation"):
            self.filters[name].extra["choices"] = choices[name]
        self.notices: list[str] = []
        self._known_values: dict[str, set[str]] = {}

    def filter_noop(self, qs, name, value):
        return qs

    def _known(self, name) -> set[str]:
        # Asked once per value given: the sets of thousands of organisers are built once.
        if name not in self._known_values:
            self._known_values[name] = {
                str(value) for value, _label in self.filters[name].extra.get("choices", [])
            }
        return self._known_values[name]

    def _unknown_values(self) -> list[str]:
        if not self.is_bound:
            return []
        return [
            v
            for name in FACETS
            for v in self.data.getlist(name)
            if v and v not in self._known(name)
        ]

    def has_unknown_values(self) -> bool:
        """Whether a facet was given a value it does not know (the page ignores it with a
        notice; the feed, which can show no notice, answers an empty calendar instead)."""
        return bool(self._unknown_values())

    def selected(self) -> dict[str, list[str]]:
        """The valid values given, per parameter (what the form shows as chosen)."""
        if not self.is_bound:
            return {name: [] for name in PARAMETERS}
        self.form.is_valid()
        data = self.form.cleaned_data
        chosen = {name: list(data.get(name) or []) for name in FACETS}
        for name in ORGANISERS:
            chosen[name] = [data[name]] if data.get(name) else []
        return chosen

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if self._unknown_values():
            self.notices.append(_("Some filter values are unknown and were ignored."))
        unknown_organiser = [
            name for name in ORGANISERS if name in self.form.errors and self.data.get(name)
        ]
        if unknown_organiser:
            self.notices.append(
                _("There are no public events of this organiser; please choose another one.")
            )
            return queryset.none()
        chosen = self.selected()
        organisers = Q()
        if chosen["netzwerk"]:
            organisers |= Q(program__isnull=True, organization__isnull=True)
        if chosen["programm"]:
            organisers |= Q(program__slug=chosen["programm"][0])
        if chosen["organisation"]:
            slug = chosen["organisation"][0]
            organisers |= Q(organization__slug=slug) | Q(program__organization__slug=slug)
        return queryset.filter(organisers) if organisers else queryset

    @property
    def is_filtered(self) -> bool:
        return any(self.selected().values())

    def canonical_query(self) -> QueryDict:
        """The valid filter values as a query: what the portal's own links and form produce."""
        query = QueryDict(mutable=True)
        for name, values in self.selected().items():
            if values:
                query.setlist(name, values)
        return query


def event_filterset(data=None, *, queryset=None, language: str | None = None) -> EventFilterSet:
    """The FilterSet over public events (or `queryset`); its `.qs` is the filtered queryset.

    Always bound (an empty query too), so its notices and `.selected()` always work."""
    return EventFilterSet(
        data if data is not None else QueryDict(),
        queryset=queryset if queryset is not None else public_events(),
        choices=filter_choices(language=language or get_language()),
    )


def is_canonical(query, *, language: str, extra=()) -> bool:
    """Whether a query holds only known parameters with valid values, each once: only such
    queries are cached. `extra` maps further parameter names to a validating function."""
    extra = dict(extra)
    choices = filter_choices(language=language)
    known = {
        "typ": {v for v, _ in choices["typ"]},
        "zielgruppe": {v for v, _ in choices["zielgruppe"]},
        "programm": {v for v, _ in choices["programm"]},
        "organisation": {v for v, _ in choices["organisation"]},
        "bundesland": set(State.values),
        "format": set(FORMAT_MODES),
        "netzwerk": {"1"},
    }
    for name, values in query.lists():
        if name in SELECTS:
            # The form's selects send an empty value for "any".
            values = [v for v in values if v]
        if len(set(values)) != len(values):
            return False
        if name in extra:
            if len(values) != 1 or not extra[name](values[0]):
                return False
        elif name not in known or not all(v in known[name] for v in values):
            return False
        if name in ORGANISERS and len(values) > 1:
            return False
    return True
