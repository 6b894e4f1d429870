"""FilterSets of the coordinators' lists: the action lists (applied in tandems/dashboard.py) and
the mentees of a program (tandems/selectors.py).

Each FilterSet gets the list's `scope` (tandems.dashboard.Scope): the day and the program's
thresholds that its filters compare with. Bad input (letters in a number field, an unknown status)
makes the form invalid; the list then shows the form's message and no rows.
"""

from datetime import date, timedelta

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.sorting import SortedFilterSetMixin, SortFilter, Sorting
from core.text import SingleLineFilter
from core.widgets import DATE_WIDGET

from .models import (
    AgeGroup,
    Application,
    CheckIn,
    Mentee,
    PipelineStage,
    ScreeningRecord,
    Tandem,
    Todo,
)

MAX_DAYS = 3650
MAX_QUERY_LENGTH = 100


class DaysFilter(django_filters.NumberFilter):
    """A whole number of days (or months), 0 to ten years: no decimals, no overflow of a date."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", MAX_DAYS)
        super().__init__(*args, **kwargs)


def _name_search(*paths: str):
    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        condition = Q()
        for path in paths:
            condition |= Q(**{f"{path}__icontains": value})
        return queryset.filter(condition)

    return search


MENTOR_OR_MENTEE = ("mentor__volunteer_profile__name", "mentor__name", "mentee__first_name")


class ActionFilterSet(django_filters.FilterSet):
    def __init__(self, *args, scope, **kwargs):
        self.scope = scope
        super().__init__(*args, **kwargs)


class TandemSearchFilterSet(ActionFilterSet):
    q = SingleLineFilter(
        label=_("Name of mentor or mentee"), method="filter_q", max_length=MAX_QUERY_LENGTH
    )
    filter_q = _name_search(*MENTOR_OR_MENTEE)

    class Meta:
        model = Tandem
        fields = []


class NoContactFilterSet(TandemSearchFilterSet):
    min_days = DaysFilter(
        label=_("At least this many days without a meeting"), method="filter_days"
    )

    def filter_days(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(contact_on__lte=self.scope.today - timedelta(days=value))


class SupportDueFilterSet(TandemSearchFilterSet):
    min_days = DaysFilter(
        label=_("At least this many days without a support contact"), method="filter_days"
    )

    def filter_days(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(support_on__lte=self.scope.today - timedelta(days=value))


class EndingTandemFilterSet(TandemSearchFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[(s, Tandem.Status(s).label) for s in (Tandem.Status.ACTIVE, Tandem.Status.PAUSED)],
        empty_label=_("all"),
    )


NEEDS_CHOICES = [
    ("ohne-treffen", _("no meeting for too long")),
    ("checkins-faellig", _("check-in due")),
    ("begleitung-faellig", _("no support contact for too long")),
    ("endet-bald", _("ends within 30 days")),
]


# The general tandem list's columns (tandems/views/dashboard.py); by default the newest first.
TANDEM_SORTING = Sorting(
    columns={
        "tandem": ("mentor_sort_name", "mentee__first_name"),
        "status": ("status",),
        "started": ("started_on",),
        "end": ("planned_end_on",),
        "met": ("last_contact_on",),
        "days": ("-contact_on",),
        "new": ("-created_at",),
    },
    default="new",
)


class TandemFilterSet(SortedFilterSetMixin, TandemSearchFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Tandem.Status.choices, empty_label=_("all")
    )
    sort = SortFilter(sorting=TANDEM_SORTING, label=_("Sort by"))
    needs = django_filters.ChoiceFilter(
        label=_("Needs action"), choices=NEEDS_CHOICES, empty_label=_("any"), method="filter_needs"
    )

    def filter_needs(self, queryset, name, value):
        if value == "ohne-treffen":
            return queryset.filter(self.scope.no_contact())
        if value == "checkins-faellig":
            return queryset.filter(self.scope.has_due_checkin())
        if value == "begleitung-faellig":
            return queryset.filter(self.scope.support_due())
        if value == "endet-bald":
            return queryset.filter(self.scope.ending_soon())
        return queryset


class DueCheckInFilterSet(ActionFilterSet):
    q = SingleLineFilter(
        label=_("Name of mentor or mentee"), method="filter_q", max_length=MAX_QUERY_LENGTH
    )
    respondent = django_filters.ChoiceFilter(
        label=_("About"), choices=CheckIn.Respondent.choices, empty_label=_("both")
    )
    occasion = django_filters.ChoiceFilter(
        label=_("Occasion"), choices=CheckIn.Occasion.choices, empty_label=_("all")
    )
    filter_q = _name_search(*(f"tandem__{path}" for path in MENTOR_OR_MENTEE))

    class Meta:
        model = CheckIn
        fields = []


class WaitingApplicationFilterSet(ActionFilterSet):
    q = SingleLineFilter(label=_("Name"), method="filter_q", max_length=MAX_QUERY_LENGTH)
    stage = django_filters.ChoiceFilter(
        label=_("Stage"), empty_label=_("all"), method="filter_stage"
    )
    min_days = DaysFilter(label=_("At least this many days in the stage"), method="filter_days")
    filter_q = _name_search("volunteer__volunteer_profile__name", "volunteer__name")

    class Meta:
        model = Application
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["stage"].extra["choices"] = [
            (str(stage.pk), stage.label)
            for stage in PipelineStage.objects.filter(program_id__in=self.scope.program_ids).only(
                "pk", "name", "name_en"
            )
        ]

    def filter_stage(self, queryset, name, value):
        return queryset.filter(stage_id=int(value)) if value else queryset

    def filter_days(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(stage_changed_at__lte=self.scope.now - timedelta(days=value))


class ReinspectionFilterSet(ActionFilterSet):
    OVERDUE, SOON = "ueberfaellig", "bald"

    q = SingleLineFilter(label=_("Name"), method="filter_q", max_length=MAX_QUERY_LENGTH)
    due = django_filters.ChoiceFilter(
        label=_("Re-inspection"),
        choices=[(OVERDUE, _("overdue")), (SOON, _("due within 60 days"))],
        empty_label=_("all"),
        method="filter_due",
    )
    filter_q = _name_search("volunteer__volunteer_profile__name", "volunteer__name")

    class Meta:
        model = ScreeningRecord
        fields = []

    def filter_due(self, queryset, name, value):
        overdue = self.scope.reinspection_due(within_days=0)
        if value == self.OVERDUE:
            return queryset.filter(overdue)
        if value == self.SOON:
            return queryset.exclude(overdue)
        return queryset


TODO_SORTING = Sorting(
    columns={
        "task": ("title",),
        "due": ("due_on",),
        "program": ("program__name", "due_on"),
        "assignee": ("assignee__name", "due_on"),
    },
    default="due",
)


class TodoFilterSet(SortedFilterSetMixin, django_filters.FilterSet):
    """The to-do list: mine or everybody's, one program or all of the user's, sorted by the
    table's column headers."""

    who = django_filters.ChoiceFilter(
        label=_("Assigned to"),
        choices=[("mine", _("me")), ("all", _("anybody"))],
        empty_label=None,
        method="filter_who",
    )
    program = django_filters.ModelChoiceFilter(
        label=_("Program"), queryset=None, empty_label=_("All my programs")
    )
    state = django_filters.ChoiceFilter(
        label=_("State"),
        choices=[("open", _("open")), ("done", _("done"))],
        empty_label=None,
        method="filter_state",
    )
    sort = SortFilter(sorting=TODO_SORTING, label=_("Sort by"))

    class Meta:
        model = Todo
        fields = []

    def __init__(self, *args, user, programs, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.filters["program"].queryset = programs
        self.form.fields["program"].queryset = programs

    def filter_who(self, queryset, name, value):
        if value == "mine":
            return queryset.filter(assignee=self.user)
        return queryset

    def filter_state(self, queryset, name, value):
        return queryset  # applied in `qs`: without a choice the open ones are shown

    @property
    def qs(self):
        queryset = super().qs
        if self.is_bound and self.form.is_valid() and self.form.cleaned_data.get("state") == "done":
            done = queryset.filter(done_at__isnull=False)
            # The ones done last first, unless a column header chose another order.
            return done if self.form.cleaned_data.get("sort") else done.order_by("-done_at", "-pk")
        return queryset.filter(done_at__isnull=True)


# The ages of each group at today's date, as the matching counts them (tandems/matching.py);
# "adults" are 28 to 64 here, so that the groups of the list do not overlap.
MENTEE_AGE_RANGES = {
    AgeGroup.CHILDREN: (0, 12),
    AgeGroup.TEENAGERS: (13, 17),
    AgeGroup.YOUNG_ADULTS: (18, 27),
    AgeGroup.ADULTS: (28, 64),
    AgeGroup.OLDER: (65, 130),
}
MAX_MONTHS = 120


def months_before(day: date, months: int) -> date:
    """The same day `months` months earlier (the month's last day where it is shorter)."""
    total = day.year * 12 + day.month - 1 - months
    year, month = divmod(total, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


# The mentee list's columns; "waiting" is the waiting list's order, the longest waiting on top.
MENTEE_SORTING = Sorting(
    columns={
        "name": ("first_name",),
        "status": ("status",),
        "waiting": ("waiting_since",),
        "days": ("-waiting_since",),
        "age": ("-year_of_birth",),
        "place": ("postcode", "city"),
    },
    default="waiting",
)


class MenteeFilterSet(SortedFilterSetMixin, django_filters.FilterSet):
    """The mentees of a program by status, time waiting and age group (at `today`), sorted by the
    table's column headers."""

    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Mentee.Status.choices, empty_label=_("all")
    )
    waiting_before = django_filters.DateFilter(
        label=_("Waiting since before"),
        field_name="waiting_since",
        lookup_expr="lt",
        widget=DATE_WIDGET,
    )
    min_months = DaysFilter(
        label=_("Waiting for at least (months)"), method="filter_months", max_value=MAX_MONTHS
    )
    age_group = django_filters.ChoiceFilter(
        label=_("Age group"), choices=AgeGroup.choices, empty_label=_("all"), method="filter_age"
    )
    sort = SortFilter(sorting=MENTEE_SORTING, label=_("Sort by"))

    class Meta:
        model = Mentee
        fields = []

    def __init__(self, *args, today: date, **kwargs):
        self.today = today
        super().__init__(*args, **kwargs)

    def filter_months(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(waiting_since__lte=months_before(self.today, int(value)))

    def filter_age(self, queryset, name, value):
        if not value:
            return queryset
        youngest, oldest = MENTEE_AGE_RANGES[value]
        # The age as Mentee.age_on counts it: this year minus the year of birth.
        return queryset.filter(
            year_of_birth__gte=self.today.year - oldest,
            year_of_birth__lte=self.today.year - youngest,
        )
