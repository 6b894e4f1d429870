"""The filters of a program's audit trail (applied in audit/selectors.py).

Bad input (a date that is no date, an unknown action) makes the form invalid; the page then shows
the form's message and no entries.
"""

from datetime import date, datetime, time, timedelta

import django_filters
from auditlog.models import LogEntry
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.text import SingleLineFilter
from core.widgets import DATE_WIDGET

from .services import ERASED, EXPORTED, VIEWED

MAX_QUERY_LENGTH = 100
# Entries exist only from the portal's start; far-off years would overflow the day's bounds.
DAY_RANGE = [MinValueValidator(date(2000, 1, 1)), MaxValueValidator(date(2999, 12, 31))]
Action = LogEntry.Action

# URL value -> (label, condition). auditlog's entries of changes carry no "what"; ours always do.
ACTIONS = {
    "angelegt": (pgettext_lazy("audit", "created"), Q(action=Action.CREATE)),
    "geaendert": (pgettext_lazy("audit", "changed"), Q(action=Action.UPDATE)),
    "geloescht": (
        pgettext_lazy("audit", "deleted"),
        Q(action=Action.DELETE) & ~Q(additional_data__has_key="what"),
    ),
    "angesehen": (
        pgettext_lazy("audit", "viewed"),
        Q(action=Action.ACCESS, additional_data__what=VIEWED),
    ),
    "exportiert": (
        pgettext_lazy("audit", "exported"),
        Q(action=Action.ACCESS, additional_data__what=EXPORTED),
    ),
    "anonymisiert": (
        pgettext_lazy("audit", "erased"),
        Q(action=Action.DELETE, additional_data__what=ERASED),
    ),
}

# URL value -> model label: the kinds of record a program's trail can hold.
RECORD_TYPES = {
    "mentee": "tandems.mentee",
    "bewerbung": "tandems.application",
    "notiz": "tandems.applicationnote",
    "fuehrungszeugnis": "tandems.screeningrecord",
    "schulung": "tandems.training",
    "verhaltenskodex": "tandems.codeofconductsignature",
    "einwilligung": "tandems.consentrecord",
    "tandem": "tandems.tandem",
    "ziel": "tandems.goal",
    "checkin": "tandems.checkin",
    "profil": "tandems.volunteerprofile",
    "konto": "accounts.user",
    "veranstaltung": "events.event",
    "programm": "programs.program",
}


def record_type_choices() -> list[tuple[str, str]]:
    from django.apps import apps

    return [(key, apps.get_model(label)._meta.verbose_name) for key, label in RECORD_TYPES.items()]


class AuditTrailFilterSet(django_filters.FilterSet):
    aktion = django_filters.ChoiceFilter(
        label=_("What was done"),
        choices=[(key, label) for key, (label, _condition) in ACTIONS.items()],
        empty_label=_("all"),
        method="filter_action",
    )
    datensatz = django_filters.ChoiceFilter(
        label=_("Kind of record"), empty_label=_("all"), method="filter_record"
    )
    person = SingleLineFilter(
        label=_("Who (name or e-mail address)"),
        method="filter_person",
        max_length=MAX_QUERY_LENGTH,
    )
    von = django_filters.DateFilter(
        label=_("From"), widget=DATE_WIDGET, method="filter_from", validators=DAY_RANGE
    )
    bis = django_filters.DateFilter(
        label=_("To"), widget=DATE_WIDGET, method="filter_to", validators=DAY_RANGE
    )

    class Meta:
        model = LogEntry
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["datensatz"].extra["choices"] = record_type_choices()

    def filter_action(self, queryset, name, value):
        return queryset.filter(ACTIONS[value][1]) if value else queryset

    def filter_record(self, queryset, name, value):
        if not value:
            return queryset
        app_label, model = RECORD_TYPES[value].split(".")
        return queryset.filter(content_type__app_label=app_label, content_type__model=model)

    def filter_person(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(actor__name__icontains=value) | Q(actor__email__icontains=value))

    # Days are Berlin days; comparing the stored time with their bounds keeps the index usable.
    def filter_from(self, queryset, name, value):
        return queryset.filter(timestamp__gte=_start_of(value)) if value else queryset

    def filter_to(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(timestamp__lt=_start_of(value + timedelta(days=1)))


def _start_of(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))
