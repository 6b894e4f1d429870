"""The coordinators' action lists behind the dashboard's figures, on screen and as CSV.

Each list is one program's rows of one kind (tandems.dashboard.LISTS), filtered by its FilterSet.
The CSV export has the same rows and columns as the screen, unpaginated: UTF-8 with a BOM and `;`
as delimiter, as German Excel expects, and cells that a spreadsheet would read as a formula are
defused with a leading apostrophe.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.core.paginator import Paginator
from django.http import Http404
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from audit import services as audit_services
from audit.mixins import AccessLogMixin
from core.spreadsheet import csv_response
from programs.permissions import ProgramPeopleMixin
from tandems import dashboard
from tandems.models import CheckIn

PAGE_SIZE = 50


@dataclass(frozen=True)
class Column:
    label: str
    value: Callable  # (row, scope) -> str | int | date | None
    link: Callable | None = None  # (row) -> URL
    sort: str | None = None  # the key of the list's Sorting, where its header sorts
    numeric: bool = False  # a count: right-aligned


@dataclass(frozen=True)
class ListKind:
    title: str
    intro: str
    columns: tuple[Column, ...]
    empty: str


def mentor_name(user) -> str:
    profile = getattr(user, "volunteer_profile", None)
    return profile.name if profile else user.name


def tandem_label(tandem) -> str:
    return f"{mentor_name(tandem.mentor)} & {tandem.mentee.first_name}"


def tandem_url(tandem) -> str:
    return reverse("tandems:coordination_tandem", kwargs={"pk": tandem.pk})


def days_since(day: date | None, scope) -> int | None:
    return (scope.today - day).days if day else None


TANDEM = Column(_("Tandem"), lambda t, s: tandem_label(t), tandem_url, sort="tandem")
STATUS = Column(_("Status"), lambda t, s: t.get_status_display(), sort="status")
STARTED = Column(_("Start date"), lambda t, s: t.started_on, sort="started")
PLANNED_END = Column(_("Planned end"), lambda t, s: t.planned_end_on, sort="end")
LAST_MEETING = Column(_("Last meeting held"), lambda t, s: t.last_contact_on, sort="met")
DAYS_WITHOUT = Column(
    _("Days without a meeting"), lambda t, s: days_since(t.contact_on, s), sort="days", numeric=True
)
VOLUNTEER = Column(
    _("Name"),
    lambda r, s: mentor_name(r.volunteer),
    lambda r: reverse("tandems:coordination_application", kwargs={"pk": r.pk}),
)


def _reinspection_due_on(record, scope) -> date:
    years = scope.thresholds[record.program_id].reinspection_years
    return record.reinspection_due_on(years=years)


def _application_link(record) -> str | None:
    if record.application_pk is None:
        return None
    return reverse("tandems:coordination_application", kwargs={"pk": record.application_pk})


KINDS = {
    "ohne-treffen": ListKind(
        title=_("Tandems without a meeting"),
        intro=_(
            "Active tandems without a logged meeting (or since the start, if none yet) for more "
            "than %(days)s days. Paused tandems are not listed."
        ),
        columns=(TANDEM, LAST_MEETING, DAYS_WITHOUT, STARTED),
        empty=_("Every active tandem has met recently."),
    ),
    "checkins-faellig": ListKind(
        title=_("Check-ins due"),
        intro=_(
            "Unanswered check-ins that are due, of running tandems, and the closing check-ins of "
            "ended tandems."
        ),
        columns=(
            Column(
                _("Tandem"), lambda c, s: tandem_label(c.tandem), lambda c: tandem_url(c.tandem)
            ),
            Column(
                _("About"),
                lambda c, s: c.get_respondent_display(),
                # The coordinator answers the mentee's check-ins; the mentor answers their own.
                lambda c: (
                    reverse("tandems:coordination_checkin", kwargs={"pk": c.pk})
                    if c.respondent == CheckIn.Respondent.MENTEE
                    else None
                ),
            ),
            Column(_("Occasion"), lambda c, s: c.get_occasion_display()),
            Column(_("Due on"), lambda c, s: c.due_on),
            Column(_("Days overdue"), lambda c, s: days_since(c.due_on, s), numeric=True),
            Column(_("Status of the tandem"), lambda c, s: c.tandem.get_status_display()),
        ),
        empty=_("No check-in is due."),
    ),
    "begleitung-faellig": ListKind(
        title=_("Support contacts due"),
        intro=_(
            "Active tandems whose last support contact (or the start, if none yet) lies further "
            "back than the program expects: every %(support_first)s month(s) in a tandem's first "
            "year, every %(support_later)s month(s) afterwards. Paused tandems are not listed."
        ),
        columns=(
            Column(
                _("Tandem"),
                lambda t, s: tandem_label(t),
                lambda t: reverse("tandems:coordination_support", kwargs={"pk": t.pk}),
            ),
            Column(_("Last support contact"), lambda t, s: t.last_support_on),
            Column(
                _("Days without a support contact"),
                lambda t, s: days_since(t.support_on, s),
                numeric=True,
            ),
            STARTED,
        ),
        empty=_("Every active tandem has had a support contact recently."),
    ),
    "endet-bald": ListKind(
        title=_("Tandems ending soon"),
        intro=_("Running tandems whose planned end lies within the next %(within)s days."),
        columns=(
            TANDEM,
            STATUS,
            PLANNED_END,
            Column(_("Days left"), lambda t, s: (t.planned_end_on - s.today).days, numeric=True),
            STARTED,
        ),
        empty=_("No tandem ends within the next 30 days."),
    ),
    "bewerbungen-wartend": ListKind(
        title=_("Applications waiting"),
        intro=_("Open applications that have been in their stage for more than %(waiting)s days."),
        columns=(
            VOLUNTEER,
            Column(_("Stage"), lambda a, s: a.stage.label),
            Column(
                _("Days in this stage"),
                lambda a, s: (s.now - a.stage_changed_at).days,
                numeric=True,
            ),
            Column(_("Applied on"), lambda a, s: timezone.localdate(a.created_at)),
        ),
        empty=_("No application has been waiting that long."),
    ),
    "nachpruefung-72a": ListKind(
        title=_("§ 72a re-inspections due"),
        intro=_(
            "Volunteers with an open application or a current tandem whose latest § 72a record "
            "is due for re-inspection within %(reinspection)s days or already overdue."
        ),
        columns=(
            Column(_("Name"), lambda r, s: mentor_name(r.volunteer), _application_link),
            Column(_("Inspected on"), lambda r, s: r.inspected_on),
            Column(_("Re-inspection due on"), _reinspection_due_on),
            Column(
                _("Days left (negative: overdue)"),
                lambda r, s: (_reinspection_due_on(r, s) - s.today).days,
                numeric=True,
            ),
        ),
        empty=_("No re-inspection is due."),
    ),
    "tandems": ListKind(
        title=_("Tandems"),
        intro=_("All tandems of the program, the newest first."),
        columns=(TANDEM, STATUS, STARTED, PLANNED_END, LAST_MEETING, DAYS_WITHOUT),
        empty=_("No tandem matches."),
    ),
}


def display(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


class ActionListMixin(ProgramPeopleMixin):
    """One program's list of one kind; another program, or a kind we do not know, is 404."""

    @cached_property
    def kind_name(self) -> str:
        kind = self.kwargs.get("kind")
        if kind is None:
            return "tandems"  # the general list has its own path
        if kind not in dashboard.ACTION_KINDS:
            raise Http404
        return kind

    @property
    def kind(self) -> ListKind:
        return KINDS[self.kind_name]

    @cached_property
    def action_list(self) -> dashboard.ActionList:
        return dashboard.action_list(
            kind=self.kind_name, program=self.program, data=self.request.GET
        )


class ActionListView(ActionListMixin, TemplateView):
    template_name = "tandems/coordination/action_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        found = self.action_list
        # A page number out of range or not a number shows the nearest page, never an error.
        page = Paginator(found.queryset, PAGE_SIZE).get_page(self.request.GET.get("page"))
        columns = self.kind.columns
        query = self.request.GET.copy()
        query.pop("page", None)
        thresholds = found.thresholds
        context.update(
            kind=self.kind,
            kind_name=self.kind_name,
            intro=self.kind.intro
            % {
                "days": thresholds.no_contact_days,
                "within": dashboard.ENDING_WITHIN_DAYS,
                "waiting": dashboard.APPLICATION_WAITING_DAYS,
                "reinspection": dashboard.REINSPECTION_WITHIN_DAYS,
                "support_first": thresholds.support_first_year_months,
                "support_later": thresholds.support_later_months,
            },
            filterset=found.filterset,
            form=found.filterset.form,
            page_obj=page,
            columns=columns,
            sort=found.sort,
            rows=[
                [
                    (
                        display(column.value(row, found.scope)),
                        column.link(row) if column.link else None,
                        column.numeric,
                    )
                    for column in columns
                ]
                for row in page.object_list
            ],
            query_string=query.urlencode(),
            csv_url=self._csv_url(query.urlencode()),
            filtered=any(value for key, value in query.items() if key != "sort"),
        )
        return context

    def _csv_url(self, query: str) -> str:
        if self.kind_name == "tandems":
            url = reverse(
                "tandems:coordination_tandem_list_csv", kwargs={"slug": self.program.slug}
            )
        else:
            url = reverse(
                "tandems:coordination_action_list_csv",
                kwargs={"slug": self.program.slug, "kind": self.kind_name},
            )
        return f"{url}?{query}" if query else url


class ActionListCsvView(AccessLogMixin, ActionListMixin, View):
    """The list as a file: one "exported" entry in the program's audit trail per download."""

    audit_action = audit_services.EXPORTED

    @property
    def audit_detail(self) -> str:
        if self.kind_name == "tandems":
            return "tandems.csv"
        return f"handlungsbedarf/{self.kind_name}.csv"

    def audit_program(self):
        return self.program

    def get(self, request, *args, **kwargs):
        found = self.action_list
        columns = self.kind.columns
        filename = f"{self.program.slug}-{self.kind_name}-{found.scope.today.isoformat()}.csv"
        return csv_response(
            filename=filename,
            header=[column.label for column in columns],
            rows=(
                [column.value(row, found.scope) for column in columns]
                for row in found.queryset.iterator(chunk_size=1000)
            ),
        )
