"""The public page "Mentoring wirkt!": network-wide figures that identify nobody.

A figure that rests on fewer than MIN_TANDEMS tandems is not shown (nor any point of a chart),
so no single tandem can be recognised from it. Only the figures left after that rule are cached,
so small counts never sit in the cache either. Anonymous visitors are then served without a
database query until the entry expires.
"""

from django.core.cache import cache
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.generic import TemplateView

from tandems import reports
from tandems.charts import Series, line_chart
from tandems.models import CheckIn

MIN_TANDEMS = 5
CACHE_KEY = "mentoring:impact:v1"
CACHE_TIMEOUT = 10 * 60
ITEMS = ("wellbeing", "self_efficacy", "satisfaction")


def _shown(value, tandems: int):
    return value if tandems >= MIN_TANDEMS else None


def public_figures(raw: dict) -> dict:
    """The raw network figures without those resting on too few tandems; plain numbers only."""
    trends = {}
    for respondent in CheckIn.Respondent.values:
        points = [raw["checkins"][(respondent, occasion)] for occasion in CheckIn.Occasion.values]
        trends[respondent] = {
            item: [
                None
                if getattr(point, item) is None
                else _shown(float(getattr(point, item)), point.tandems)
                for point in points
            ]
            for item in ITEMS
        }
    return {
        "year": raw["year"],
        "running_tandems": _shown(raw["running_tandems"], raw["running_tandems"]),
        "meetings_held": _shown(raw["meetings_held"], raw["meetings_tandems"]),
        "published_programs": raw["published_programs"],
        "programs_with_tandems": _shown(raw["programs_with_tandems"], raw["started_tandems"]),
        "average_duration_months": _shown(raw["average_duration_months"], raw["completed_tandems"]),
        "trends": trends,
    }


def impact_figures() -> dict:
    figures = cache.get(CACHE_KEY)
    if figures is None:
        figures = public_figures(reports.network_figures())
        cache.set(CACHE_KEY, figures, CACHE_TIMEOUT)
    return figures


def trend_charts(figures: dict) -> list:
    # Short labels: the last one sits at the chart's right edge.
    occasions = [
        pgettext("check-in occasion", "Start"),
        pgettext("check-in occasion", "During"),
        pgettext("check-in occasion", "End"),
    ]
    labels = {
        "wellbeing": _("Well-being"),
        "self_efficacy": _("Self-efficacy"),
        "satisfaction": _("Satisfaction with the tandem"),
    }
    titles = {
        CheckIn.Respondent.MENTEE: _("Mentees"),
        CheckIn.Respondent.MENTOR: _("Mentors"),
    }
    return [
        line_chart(
            title=title,
            x_labels=occasions,
            series=[Series(labels[item], figures["trends"][respondent][item]) for item in ITEMS],
        )
        for respondent, title in titles.items()
    ]


def figure_list(figures: dict) -> list[dict]:
    """Label and shown value (None: hidden) of each figure, in the page's order."""
    months = figures["average_duration_months"]
    return [
        {"label": _("Tandems running now"), "value": figures["running_tandems"]},
        {
            "label": _("Meetings held in %(year)s") % {"year": figures["year"]},
            "value": figures["meetings_held"],
        },
        {"label": _("Programs in the directory"), "value": figures["published_programs"]},
        {
            "label": _("Programs with tandems on the portal"),
            "value": figures["programs_with_tandems"],
        },
        {
            "label": _("Average duration of completed tandems"),
            "value": None if months is None else number_format(months, decimal_pos=1),
            "unit": _("months"),
        },
    ]


class ImpactView(TemplateView):
    template_name = "mentoring/impact.html"

    def get_context_data(self, **kwargs):
        figures = impact_figures()
        return {
            **super().get_context_data(**kwargs),
            "figures": figures,
            "figure_list": figure_list(figures),
            "charts": trend_charts(figures),
            "min_tandems": MIN_TANDEMS,
        }
