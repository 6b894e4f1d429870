"""The one FilterSet behind the program list, the map and the GeoJSON; the staff's lists of
organisations and programs (/netzwerk/)."""

import math

import django_filters
from django import forms
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Case, F, FloatField, Func, Q, TextField, Value, When
from django.db.models.functions import ACos, Coalesce, Cos, Least, Radians, Sin
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from core import search
from core.sorting import SortedFilterSetMixin, SortFilter, Sorting
from core.text import SingleLineFilter

from . import gazetteer
from .models import Organization, Program, State

DEFAULT_RADIUS_KM = 25
MAX_RADIUS_KM = 500
MAX_PROGRAM_REACH_KM = 100
MAX_QUERY_LENGTH = 200
MAX_QUERY_WORDS = 10
EARTH_RADIUS_KM = 6371.0


class LenientMultipleChoiceField(forms.MultipleChoiceField):
    """Keeps the known values of a facet and drops unknown ones, so an old or hand-made URL
    still shows results instead of an error."""

    def clean(self, value):
        values = self.to_python(value)
        return [v for v in values if self.valid_value(v)]


class LenientChoiceFilter(django_filters.MultipleChoiceFilter):
    field_class = LenientMultipleChoiceField


class FacetFilter(LenientChoiceFilter):
    """A facet: several values are alternatives (OR); facets combine with AND."""

    def __init__(self, *args, relation: str, **kwargs):
        self.relation = relation
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        if self.relation == "state":
            return qs.filter(state__in=value)
        # A subquery instead of a join: no duplicate rows, no DISTINCT.
        through = getattr(Program, self.relation).through
        target = getattr(Program, self.relation).field.m2m_reverse_field_name()
        program_ids = through.objects.filter(**{f"{target}__slug__in": value}).values("program_id")
        return qs.filter(pk__in=program_ids)


class Ungendered(Func):
    """The text without gender colons and stars: "Lesepat:innen" reads "Lesepatinnen", which
    "Lesepatinnen" and "Lesepatinen" find by trigrams. Literal SQL, no parameters, so that the
    expression is the very one of the index (migration 0007) on both databases."""

    template = "replace(replace(%(expressions)s, ':', ''), '*', '')"
    output_field = TextField()


def program_search_key():
    """The folded search text: the very expression of the trigram index (migration 0007)."""
    return search.search_key(Ungendered(F("search_text")))


def distance_expression(lat: float, lon: float):
    """Great-circle distance in km (spherical law of cosines), on PostgreSQL and SQLite alike."""
    lat_r, lon_r = math.radians(lat), math.radians(lon)
    cosine = Cos(Radians(F("latitude"))) * Value(math.cos(lat_r)) * Cos(
        Radians(F("longitude")) - Value(lon_r)
    ) + Sin(Radians(F("latitude"))) * Value(math.sin(lat_r))
    # Rounding can push the cosine a hair above 1 for the same point.
    return ACos(Least(cosine, Value(1.0)), output_field=FloatField()) * Value(EARTH_RADIUS_KM)


class ProgramFilterSet(django_filters.FilterSet):
    q = SingleLineFilter(label=_("Search"), method="filter_text", max_length=MAX_QUERY_LENGTH)
    ort = SingleLineFilter(label=_("Postcode or place"), method="filter_noop")
    umkreis = django_filters.NumberFilter(label=_("Radius (km)"), method="filter_noop")
    zielgruppe = FacetFilter(label=_("Target group"), relation="target_groups")
    thema = FacetFilter(label=_("Topic"), relation="topics")
    format = FacetFilter(label=_("Format"), relation="formats")
    foerderung = FacetFilter(label=_("Funding"), relation="funding_badges")
    bundesland = FacetFilter(label=_("Federal state"), relation="state", choices=State.choices)
    plaetze = LenientChoiceFilter(
        label=_("Seeking volunteers"),
        field_name="availability",
        choices=Program.Availability.choices,
    )
    alter = django_filters.NumberFilter(label=_("Age of the mentee"), method="filter_age")

    FACETS = ("zielgruppe", "thema", "format", "foerderung", "bundesland")
    VOCABULARY_FACETS = ("zielgruppe", "thema", "format", "foerderung")

    class Meta:
        model = Program
        fields = []

    def __init__(self, data=None, *args, vocabularies: dict, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.vocabularies = vocabularies
        for name in self.VOCABULARY_FACETS:
            self.filters[name].extra["choices"] = vocabularies[name]
        self.place: gazetteer.Place | None = None
        self.suggestions: list[gazetteer.Place] = []
        self.notices: list[str] = []
        self.radius_km = DEFAULT_RADIUS_KM
        self.search_words: list[str] = []

    def filter_noop(self, qs, name, value):
        return qs

    def filter_text(self, qs, name, value):
        """Every word must be found in the program's search text, as a substring or (a typo,
        another spelling of an umlaut) by trigram word similarity over the folded text (core/
        search.py; on PostgreSQL the trigram index of migration 0007). On PostgreSQL the German
        full-text search is an alternative too (stems: "Familien" finds "Familie")."""
        value = value.strip()
        if not value:
            return qs
        words = [word for word in search.words(value) if len(word) > 1] or search.words(value)
        self.search_words = words[:MAX_QUERY_WORDS]
        if not self.search_words:
            self.notices.append(_("Please search with letters or digits."))
            return qs
        key = program_search_key()
        match = Q()
        for word in self.search_words:
            match &= Q(search.Matches(key, word))
        if connection.vendor == "postgresql":
            vector = SearchVector("search_text", config="german")
            query = SearchQuery(value, config="german", search_type="websearch")
            # German joins words: "Senioren" should find "Seniorenbegleitung". Prefix terms of
            # the stemmed words catch compounds; \w+ leaves no tsquery syntax to inject.
            prefixes = " & ".join(f"{word}:*" for word in self.search_words)
            query |= SearchQuery(prefixes, config="german", search_type="raw")
            return qs.annotate(search=vector).filter(Q(search=query) | match)
        return qs.filter(match)

    def filter_age(self, qs, name, value):
        age = int(value)
        if not 0 <= age <= 120:
            return qs
        return qs.filter(Q(age_min__isnull=True) | Q(age_min__lte=age)).filter(
            Q(age_max__isnull=True) | Q(age_max__gte=age)
        )

    def _unknown_values(self) -> list[str]:
        if not self.is_bound:
            return []
        unknown = []
        for name in (*self.FACETS, "plaetze"):
            known = {str(value) for value, _label in self.filters[name].extra.get("choices", [])}
            unknown += [v for v in self.data.getlist(name) if v not in known]
        return unknown

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        if self._unknown_values():
            self.notices.append(_("Some filter values are unknown and were ignored."))
        if "umkreis" in self.form.errors or (
            data.get("umkreis") is not None and not 1 <= data["umkreis"] <= MAX_RADIUS_KM
        ):
            self.notices.append(
                _("Please give a radius between 1 and %(max)s km; showing %(default)s km.")
                % {"max": MAX_RADIUS_KM, "default": DEFAULT_RADIUS_KM}
            )
        elif data.get("umkreis") is not None:
            self.radius_km = int(data["umkreis"])
        if "q" in self.form.errors:
            if self.form.has_error("q", "max_length"):
                self.notices.append(
                    _("The search text is too long; it may have at most %(max)s characters.")
                    % {"max": MAX_QUERY_LENGTH}
                )
            else:
                self.notices.append(_("The search text contains characters we cannot search for."))
        place_query = (self.data.get("ort") or "").strip() if self.is_bound else ""
        if place_query:
            self.place = gazetteer.lookup(place_query)
            if self.place is None:
                self.suggestions = gazetteer.suggest(place_query)
                self.notices.append(
                    _("We do not know the place “%(place)s”. Please check the postcode or name.")
                    % {"place": place_query[:100]}
                )
        return self.near_place(queryset)

    def near_place(self, queryset):
        if self.place is None:
            return queryset.annotate(distance=Value(None, output_field=FloatField()))
        lat, lon, radius = self.place.lat, self.place.lon, self.radius_km
        # A local program also reaches visitors within its own radius (counted up to
        # MAX_PROGRAM_REACH_KM, which bounds the cheap box prefilter).
        box_radius = radius + MAX_PROGRAM_REACH_KM
        min_lat, max_lat, min_lon, max_lon = gazetteer.bounding_box(lat, lon, box_radius)
        in_box = Q(latitude__range=(min_lat, max_lat), longitude__range=(min_lon, max_lon))
        # Programs for the whole Land or the whole country are near everybody there.
        wide = Q(reach=Program.Reach.NATIONAL) | Q(
            reach=Program.Reach.STATE, state=self.place.state
        )
        reach = Least(Coalesce(F("radius_km"), Value(0)), Value(MAX_PROGRAM_REACH_KM))
        # Online and nationwide programs are as near to everybody: no distance to their seat,
        # which would read as "148 km away" inside a 25 km search.
        distance = Case(
            When(reach=Program.Reach.NATIONAL, then=Value(None, output_field=FloatField())),
            default=distance_expression(lat, lon),
            output_field=FloatField(),
        )
        return (
            queryset.filter(in_box | wide)
            .annotate(distance=distance)
            .filter(Q(distance__lte=Value(float(radius)) + reach) | wide)
        )

    def canonical_query(self) -> QueryDict:
        """The query reduced to what changes the result: known parameters with valid, sorted
        values. Cache keys are built from it, so junk parameters cannot multiply entries."""
        self.form.is_valid()
        data = self.form.cleaned_data
        canonical = QueryDict(mutable=True)
        text = (data.get("q") or "").strip()
        if text:
            canonical["q"] = text
        place = (data.get("ort") or "").strip()[:100]
        if place:
            canonical["ort"] = place
            radius = data.get("umkreis")
            if radius is not None and 1 <= radius <= MAX_RADIUS_KM:
                canonical["umkreis"] = str(int(radius))
        for name in (*self.FACETS, "plaetze"):
            values = sorted(set(data.get(name) or []))
            if values:
                canonical.setlist(name, values)
        age = data.get("alter")
        if age is not None and 0 <= age <= 120:
            canonical["alter"] = str(int(age))
        return canonical


# --- The network staff's lists (/netzwerk/) ----------------------------------------------------


STAFF_ORGANIZATION_SORTING = Sorting(
    columns={"name": ("name",), "place": ("city", "name"), "programs": ("program_count",)},
    default="name",
)
STAFF_PROGRAM_SORTING = Sorting(
    columns={
        "name": ("name",),
        "status": ("status", "name"),
        "coordinators": ("coordinator_count",),
    },
    default="name",
)


class StaffOrganizationFilterSet(SortedFilterSetMixin, django_filters.FilterSet):
    q = SingleLineFilter(method="filter_text", label=_("Search"), max_length=MAX_QUERY_LENGTH)
    sort = SortFilter(sorting=STAFF_ORGANIZATION_SORTING, label=_("Sort by"))

    class Meta:
        model = Organization
        fields = []

    def filter_text(self, qs, name, value):
        value = value.strip()
        if not value:
            return qs
        return qs.filter(Q(name__icontains=value) | Q(city__icontains=value))


class StaffProgramFilterSet(SortedFilterSetMixin, django_filters.FilterSet):
    """Every program whatever its status: by name, organisation or place, status and Land."""

    q = SingleLineFilter(method="filter_text", label=_("Search"), max_length=MAX_QUERY_LENGTH)
    status = django_filters.ChoiceFilter(
        choices=Program.Status.choices, label=_("Status"), empty_label=_("all")
    )
    state = django_filters.ChoiceFilter(
        choices=State.choices, label=_("federal state"), empty_label=_("all")
    )
    sort = SortFilter(sorting=STAFF_PROGRAM_SORTING, label=_("Sort by"))

    class Meta:
        model = Program
        fields = []

    def filter_text(self, qs, name, value):
        value = value.strip()
        if not value:
            return qs
        return qs.filter(
            Q(name__icontains=value)
            | Q(organization__name__icontains=value)
            | Q(city__icontains=value)
            | Q(postcode__startswith=value)
        )
