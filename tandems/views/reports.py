"""Reports for funders: a program's figures for its coordinators, the network's for its staff.

Both as a printable page and as CSV (semicolons, UTF-8 with BOM, so spreadsheet programs in
German settings open it as it is). A period that cannot be read is explained on the page and
the current year is shown instead: never an error page.
"""

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View

from core.spreadsheet import csv_response
from programs.permissions import ProgramPeopleMixin
from programs.rules import is_network_staff
from tandems.charts import Series, line_chart
from tandems.forms.coordination import DATE_WIDGET
from tandems.models import CheckIn
from tandems.reports import (
    MAX_PERIOD_YEARS,
    MAX_YEAR,
    MIN_YEAR,
    Period,
    period_is_too_long,
    period_report,
)

ITEMS = (
    ("wellbeing", gettext_lazy("Well-being")),
    ("self_efficacy", gettext_lazy("Self-efficacy (mean of three items)")),
    ("satisfaction", gettext_lazy("Satisfaction with the tandem")),
)
RESPONDENT_LABELS = {
    CheckIn.Respondent.MENTOR: gettext_lazy("Mentors"),
    CheckIn.Respondent.MENTEE: gettext_lazy("Mentees"),
}


class PeriodForm(forms.Form):
    """A calendar year, or a period from one day to another (which wins when both are given)."""

    jahr = forms.IntegerField(
        label=gettext_lazy("Calendar year"), required=False, min_value=MIN_YEAR, max_value=MAX_YEAR
    )
    von = forms.DateField(label=gettext_lazy("From"), required=False, widget=DATE_WIDGET)
    bis = forms.DateField(label=gettext_lazy("To"), required=False, widget=DATE_WIDGET)

    def clean(self):
        data = super().clean()
        start, end = data.get("von"), data.get("bis")
        if "von" in self.errors or "bis" in self.errors or not (start or end):
            return data
        if not (start and end):
            raise forms.ValidationError(_("Please give both the first and the last day."))
        for name, day in (("von", start), ("bis", end)):
            if not MIN_YEAR <= day.year <= MAX_YEAR:
                self.add_error(
                    name,
                    _("Please choose a day between %(first)s and %(last)s.")
                    % {"first": MIN_YEAR, "last": MAX_YEAR},
                )
        if self.errors:
            return data
        if end < start:
            self.add_error("bis", _("The last day cannot lie before the first day."))
        elif period_is_too_long(start, end):
            self.add_error(
                "bis",
                _("A report covers at most %(years)s years.") % {"years": MAX_PERIOD_YEARS},
            )
        return data

    def period(self) -> Period:
        """The period asked for; the current year when nothing (valid) was asked for."""
        if not self.is_bound or not self.is_valid():
            return Period.current_year()
        data = self.cleaned_data
        if data.get("von") and data.get("bis"):
            return Period(data["von"], data["bis"])
        if data.get("jahr"):
            return Period.year(data["jahr"])
        return Period.current_year()


def period_form(request) -> PeriodForm:
    if not any(name in request.GET for name in PeriodForm.base_fields):
        return PeriodForm(initial={"jahr": Period.current_year().start.year})
    return PeriodForm(request.GET)


def quarter_label(year: int, quarter: int) -> str:
    if quarter == 0:
        return str(year)
    return _("Q%(quarter)s %(year)s") % {"quarter": quarter, "year": year}


def quarter_chart(report):
    """Check-in averages per quarter of the period (per year in periods over three years)."""
    quarters = report.period.chart_steps()
    lines = [
        (_("Mentors: well-being"), CheckIn.Respondent.MENTOR, "wellbeing"),
        (_("Mentees: well-being"), CheckIn.Respondent.MENTEE, "wellbeing"),
        (_("Mentees: self-efficacy"), CheckIn.Respondent.MENTEE, "self_efficacy"),
        (_("Mentors: satisfaction"), CheckIn.Respondent.MENTOR, "satisfaction"),
    ]

    def value(year, quarter, respondent, item):
        averages = report.by_quarter.get((year, quarter, respondent))
        figure = getattr(averages, item) if averages else None
        return None if figure is None else float(figure)

    by_year = quarters[0][1] == 0
    return line_chart(
        title=_("Check-in averages per year") if by_year else _("Check-in averages per quarter"),
        x_labels=[quarter_label(year, quarter) for year, quarter in quarters],
        series=[
            Series(label, [value(year, quarter, respondent, item) for year, quarter in quarters])
            for label, respondent, item in lines
        ],
    )


def checkin_table(averages_of) -> list[dict]:
    """Rows of items, one column per respondent (and occasion): for the page's tables."""
    return [
        {"label": label, "values": [getattr(averages, item) for averages in averages_of]}
        for item, label in ITEMS
    ]


def _number(value) -> str:
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    return number_format(value, decimal_pos=1)


def report_rows(report, program=None) -> list[tuple[str, str]]:
    """(figure, value) for the CSV: program and period first, then the figures."""
    rows = []
    if program is not None:
        rows.append((_("Program"), program.name))
    rows += [
        (_("First day"), report.period.start.isoformat()),
        (_("Last day"), report.period.end.isoformat()),
        (_("Tandems started"), report.tandems_started),
        (_("Tandems active"), report.tandems_active),
        (_("Tandems completed"), report.tandems_completed),
        (_("Tandems ended early"), report.tandems_ended_early),
        (_("of which did not start"), report.tandems_not_started),
        (_("Average duration of the tandems that ended (days)"), report.average_duration_days),
    ]
    if program is None:
        rows.append((_("Programs with active tandems"), report.programs_active))
    rows += [
        (_("Meetings held"), report.meetings_held),
        (_("Hours of meetings held"), report.meeting_hours),
        (_("Meetings cancelled"), report.meetings_cancelled),
        (_("Meetings missed"), report.meetings_missed),
        (_("Support contacts of the coordinators"), report.support_contacts),
        (_("Tandems with at least one support contact"), report.support_tandems),
    ]
    for respondent, who in RESPONDENT_LABELS.items():
        averages = report.checkins[respondent]
        rows.append((_("%(who)s: check-ins answered") % {"who": who}, averages.checkins))
        for item, label in ITEMS:
            rows.append((f"{who}: {label}", getattr(averages, item)))
    for respondent, who in RESPONDENT_LABELS.items():
        for occasion, occasion_label in CheckIn.Occasion.choices:
            averages = report.by_occasion[(respondent, occasion)]
            for item, label in ITEMS:
                rows.append((f"{who}, {occasion_label}: {label}", getattr(averages, item)))
    for year, quarter in report.period.chart_steps():
        for respondent, who in RESPONDENT_LABELS.items():
            averages = report.by_quarter.get((year, quarter, respondent))
            for item, label in ITEMS:
                value = getattr(averages, item) if averages else None
                rows.append((f"{quarter_label(year, quarter)}, {who}: {label}", value))
    return [
        (str(name), value if isinstance(value, str) else _number(value)) for name, value in rows
    ]


class ReportMixin:
    """The period asked for and the report of it; `program` is None for the whole network."""

    program = None

    def report_context(self) -> dict:
        form = period_form(self.request)
        period = form.period()
        report = period_report(period=period, program=self.program)
        return {
            "form": form,
            "period_invalid": form.is_bound and not form.is_valid(),
            "period": period,
            "report": report,
            "chart": quarter_chart(report),
            "respondents": [
                {"label": who, "averages": report.checkins[respondent]}
                for respondent, who in RESPONDENT_LABELS.items()
            ],
            "overall_rows": checkin_table(
                [report.checkins[respondent] for respondent in RESPONDENT_LABELS]
            ),
            "occasions": CheckIn.Occasion.choices,
            "occasion_tables": [
                {
                    "label": who,
                    "rows": checkin_table(
                        [report.by_occasion[(respondent, o)] for o in CheckIn.Occasion.values]
                    ),
                }
                for respondent, who in RESPONDENT_LABELS.items()
            ],
        }


class ProgramReportView(ProgramPeopleMixin, ReportMixin, TemplateView):
    template_name = "tandems/reports/program_report.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **self.report_context()}


class ProgramReportCsvView(ProgramPeopleMixin, ReportMixin, View):
    def get(self, request, *args, **kwargs):
        period = period_form(request).period()
        report = period_report(period=period, program=self.program)
        filename = f"bericht-{self.program.slug}-{period.start}-{period.end}.csv"
        return csv_response(
            filename=filename,
            header=[_("Figure"), _("Value")],
            rows=report_rows(report, program=self.program),
        )


class NetworkStaffMixin(LoginRequiredMixin, UserPassesTestMixin):
    """Network staff only: others signed in get 403, as on the review queue."""

    def test_func(self):
        return is_network_staff(self.request.user)


class NetworkReportView(NetworkStaffMixin, ReportMixin, TemplateView):
    template_name = "tandems/reports/network_report.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **self.report_context()}


class NetworkReportCsvView(NetworkStaffMixin, ReportMixin, View):
    def get(self, request, *args, **kwargs):
        period = period_form(request).period()
        report = period_report(period=period)
        return csv_response(
            filename=f"bericht-netzwerk-{period.start}-{period.end}.csv",
            header=[_("Figure"), _("Value")],
            rows=report_rows(report),
        )
