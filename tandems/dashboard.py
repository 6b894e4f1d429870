"""Reads of the coordinator dashboard: what needs action in the programs a user coordinates.

Every figure is one grouped query over all of the user's programs (`values("program")` with a
count), attached to the programs in Python afterwards, so the dashboard costs the same number of
queries for one program with one tandem as for ten programs with thousands. The per-program
thresholds (days without contact, years until a § 72a re-inspection) are read in one query; a
program without a settings row uses the model's defaults.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from django.core.cache import cache
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Window
from django.db.models.functions import Coalesce, RowNumber
from django.http import QueryDict
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext, ngettext

from core.figures import ACTION, INFO, URGENT, Tile, TileRow, tile_row
from programs.models import Program

from . import figures_cache, filters
from .charts import Sparkline, SparkTable, week_starts
from .models import (
    Application,
    CheckIn,
    Meeting,
    Mentee,
    ProgramTandemSettings,
    ScreeningRecord,
    SupportContact,
    Tandem,
)


def _default(name: str) -> int:
    return ProgramTandemSettings._meta.get_field(name).default


DEFAULT_NO_CONTACT_DAYS = _default("no_contact_days")
DEFAULT_REINSPECTION_YEARS = _default("reinspection_years")
DEFAULT_SUPPORT_FIRST_YEAR = _default("support_interval_first_year_months")
DEFAULT_SUPPORT_LATER = _default("support_interval_later_months")
# A tandem's first year, in which the program's shorter support interval applies.
SUPPORT_FIRST_PERIOD_MONTHS = 12
ENDING_WITHIN_DAYS = 30
APPLICATION_WAITING_DAYS = 7
REINSPECTION_WITHIN_DAYS = 60
MENTEES_SHOWN = 5
RUNNING = (Tandem.Status.ACTIVE, Tandem.Status.PAUSED)


@dataclass(frozen=True)
class Thresholds:
    no_contact_days: int = DEFAULT_NO_CONTACT_DAYS
    reinspection_years: int = DEFAULT_REINSPECTION_YEARS
    support_first_year_months: int = DEFAULT_SUPPORT_FIRST_YEAR
    support_later_months: int = DEFAULT_SUPPORT_LATER

    @property
    def support_intervals(self) -> tuple[int, int]:
        return (self.support_first_year_months, self.support_later_months)


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def reinspection_cutoff(limit: date, *, years: int) -> date:
    """The latest inspection date whose re-inspection (ScreeningRecord.reinspection_due_on) falls
    on or before `limit`; one day later can still fit because 29 February maps to the 28th."""
    cutoff = _years_before(limit, years)
    following = cutoff + timedelta(days=1)
    if ScreeningRecord(inspected_on=following).reinspection_due_on(years=years) <= limit:
        return following
    return cutoff


@dataclass(frozen=True)
class Scope:
    """Programs with their thresholds and the moment the figures are computed for.

    The conditions are Q objects with one branch per distinct threshold (not per program), so
    one query answers for all programs however their settings differ.
    """

    thresholds: dict[int, Thresholds]
    today: date
    now: datetime

    @classmethod
    def of(cls, program_ids, *, today: date | None = None, now: datetime | None = None) -> Scope:
        program_ids = list(program_ids)
        found = {
            program_id: Thresholds(
                no_contact_days=days,
                reinspection_years=years,
                support_first_year_months=first,
                support_later_months=later,
            )
            for program_id, days, years, first, later in ProgramTandemSettings.objects.filter(
                program_id__in=program_ids
            ).values_list(
                "program_id",
                "no_contact_days",
                "reinspection_years",
                "support_interval_first_year_months",
                "support_interval_later_months",
            )
        }
        return cls(
            thresholds={pk: found.get(pk, Thresholds()) for pk in program_ids},
            today=today or timezone.localdate(),
            now=now or timezone.now(),
        )

    @property
    def program_ids(self) -> list[int]:
        return list(self.thresholds)

    def _grouped(self, attribute: str) -> dict[int, list[int]]:
        groups = defaultdict(list)
        for program_id, thresholds in self.thresholds.items():
            groups[getattr(thresholds, attribute)].append(program_id)
        return groups

    def no_contact(self) -> Q:
        """Active tandems (of a queryset annotated with `contact_on`) past their program's limit."""
        branches = [
            Q(program_id__in=ids, contact_on__lt=self.today - timedelta(days=days))
            for days, ids in self._grouped("no_contact_days").items()
        ]
        return Q(status=Tandem.Status.ACTIVE) & _any(branches)

    def support_due(self) -> Q:
        """Active tandems (of a queryset annotated with `support_on`: the last support contact,
        or the start) whose last contact is older than their program's interval for their age:
        the first-year interval while the start lies less than 12 months back, then the later."""
        first_year_began = self.today - relativedelta(months=SUPPORT_FIRST_PERIOD_MONTHS)
        branches = []
        for (first, later), ids in self._grouped("support_intervals").items():
            branches.append(
                Q(program_id__in=ids)
                & (
                    Q(
                        started_on__gt=first_year_began,
                        support_on__lt=self.today - relativedelta(months=first),
                    )
                    | Q(
                        started_on__lte=first_year_began,
                        support_on__lt=self.today - relativedelta(months=later),
                    )
                )
            )
        return Q(status=Tandem.Status.ACTIVE) & _any(branches)

    def ending_soon(self) -> Q:
        return Q(
            status__in=RUNNING,
            planned_end_on__gte=self.today,
            planned_end_on__lte=self.today + timedelta(days=ENDING_WITHIN_DAYS),
        )

    def checkin_due(self) -> Q:
        """On CheckIn: open and due, of a running tandem, or the closing one of an ended tandem."""
        return Q(completed_at__isnull=True, due_on__lte=self.today) & (
            Q(tandem__status__in=RUNNING)
            | Q(tandem__status__in=Tandem.ENDED, occasion=CheckIn.Occasion.CLOSURE)
        )

    def has_due_checkin(self) -> Exists:
        """On Tandem: at least one check-in that counts as due."""
        return Exists(CheckIn.objects.filter(self.checkin_due(), tandem=OuterRef("pk")))

    def reinspection_due(self, *, within_days: int = REINSPECTION_WITHIN_DAYS) -> Q:
        """On ScreeningRecord: the re-inspection falls on or before today + `within_days`."""
        limit = self.today + timedelta(days=within_days)
        branches = [
            Q(program_id__in=ids, inspected_on__lte=reinspection_cutoff(limit, years=years))
            for years, ids in self._grouped("reinspection_years").items()
        ]
        return _any(branches)

    def application_waiting(self) -> Q:
        return Q(
            status=Application.Status.OPEN,
            stage_changed_at__lt=self.now - timedelta(days=APPLICATION_WAITING_DAYS),
        )


def _any(branches: list[Q]) -> Q:
    if not branches:
        return Q(pk__in=[])
    combined = branches[0]
    for branch in branches[1:]:
        combined |= branch
    return combined


# --- Base querysets: every row of a program that a list or a figure may show ------------------


def program_tandems(scope: Scope) -> QuerySet[Tandem]:
    return (
        Tandem.objects.filter(program_id__in=scope.program_ids)
        .annotate(
            contact_on=Coalesce("last_contact_on", "started_on"),
            support_on=Coalesce("last_support_on", "started_on"),
        )
        .select_related("program", "mentee", "mentor", "mentor__volunteer_profile")
    )


def no_contact_tandems(scope: Scope) -> QuerySet[Tandem]:
    return program_tandems(scope).filter(scope.no_contact()).order_by("contact_on", "pk")


def support_due_tandems(scope: Scope) -> QuerySet[Tandem]:
    return program_tandems(scope).filter(scope.support_due()).order_by("support_on", "pk")


def ending_tandems(scope: Scope) -> QuerySet[Tandem]:
    return program_tandems(scope).filter(scope.ending_soon()).order_by("planned_end_on", "pk")


def due_checkins(scope: Scope) -> QuerySet[CheckIn]:
    return (
        CheckIn.objects.filter(scope.checkin_due(), tandem__program_id__in=scope.program_ids)
        .select_related("tandem", "tandem__mentee", "tandem__mentor__volunteer_profile")
        .order_by("due_on", "pk")
    )


def waiting_applications(scope: Scope) -> QuerySet[Application]:
    return (
        Application.objects.filter(scope.application_waiting(), program_id__in=scope.program_ids)
        .select_related("stage", "volunteer", "volunteer__volunteer_profile")
        .order_by("stage_changed_at", "pk")
    )


def due_reinspections(scope: Scope) -> QuerySet[ScreeningRecord]:
    """The latest record per volunteer and program, of volunteers with an open application or a
    current tandem there, whose re-inspection is due within 60 days or already past."""
    latest = ScreeningRecord.objects.filter(
        program=OuterRef("program"), volunteer=OuterRef("volunteer")
    ).order_by("-inspected_on", "-pk")
    open_applications = Application.objects.open().filter(
        program=OuterRef("program"), volunteer=OuterRef("volunteer")
    )
    current_tandems = Tandem.objects.current().filter(
        program=OuterRef("program"), mentor=OuterRef("volunteer")
    )
    return (
        ScreeningRecord.objects.filter(program_id__in=scope.program_ids)
        .annotate(
            latest_pk=Subquery(latest.values("pk")[:1]),
            application_pk=Subquery(open_applications.values("pk")[:1]),
        )
        .filter(pk=F("latest_pk"))
        .filter(Exists(open_applications) | Exists(current_tandems))
        .filter(scope.reinspection_due())
        .select_related("volunteer", "volunteer__volunteer_profile")
        .order_by("inspected_on", "pk")
    )


# --- The dashboard -----------------------------------------------------------------------------


@dataclass(frozen=True)
class WaitingMentee:
    """What the dashboard shows of a waiting mentee: the link and the first name, nothing else
    (the figures are kept in the shared cache, figures_cache.py)."""

    pk: int
    first_name: str


@dataclass
class ProgramActions:
    """What needs action in one program; each figure links to its list."""

    no_contact_days: int = DEFAULT_NO_CONTACT_DAYS
    no_contact: int = 0
    checkins_due: int = 0
    support_due: int = 0
    ending_soon: int = 0
    applications_waiting: int = 0
    reinspections_due: int = 0
    mentees_waiting: int = 0
    longest_waiting: list[tuple[WaitingMentee, int]] = field(default_factory=list)


def _counts(queryset: QuerySet, by: str = "program_id") -> dict[int, int]:
    return dict(queryset.order_by().values(by).annotate(n=Count("pk")).values_list(by, "n"))


def _tandem_counts(scope: Scope) -> dict[int, dict[str, int]]:
    """The figures over running tandems in one pass: a conditional count (FILTER) each."""
    rows = (
        Tandem.objects.filter(program_id__in=scope.program_ids, status__in=RUNNING)
        .alias(
            contact_on=Coalesce("last_contact_on", "started_on"),
            support_on=Coalesce("last_support_on", "started_on"),
        )
        .order_by()
        .values("program_id")
        .annotate(
            no_contact=Count("pk", filter=scope.no_contact()),
            support=Count("pk", filter=scope.support_due()),
            ending=Count("pk", filter=scope.ending_soon()),
        )
    )
    return {row["program_id"]: row for row in rows}


def program_actions(scope: Scope) -> dict[int, ProgramActions]:
    """The figures of every program of the scope: one query per table (the tandems' figures in
    one pass), not per program."""
    if not scope.program_ids:
        return {}
    tandems = _tandem_counts(scope)
    no_contact = {pk: row["no_contact"] for pk, row in tandems.items()}
    support = {pk: row["support"] for pk, row in tandems.items()}
    ending = {pk: row["ending"] for pk, row in tandems.items()}
    # COUNT(*): the covering index of open check-ins answers without reading the table.
    checkins = dict(
        due_checkins(scope)
        .order_by()
        .values("tandem__program_id")
        .annotate(n=Count("*"))
        .values_list("tandem__program_id", "n")
    )
    applications = _counts(waiting_applications(scope))
    reinspections = _counts(due_reinspections(scope))
    actions = {
        pk: ProgramActions(
            no_contact_days=thresholds.no_contact_days,
            no_contact=no_contact.get(pk, 0),
            checkins_due=checkins.get(pk, 0),
            support_due=support.get(pk, 0),
            ending_soon=ending.get(pk, 0),
            applications_waiting=applications.get(pk, 0),
            reinspections_due=reinspections.get(pk, 0),
        )
        for pk, thresholds in scope.thresholds.items()
    }
    # The longest waiting mentees of every program at once: ranked within each program.
    longest = (
        Mentee.objects.filter(program_id__in=scope.program_ids, status=Mentee.Status.WAITING)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("program_id")],
                order_by=[F("waiting_since").asc(), F("pk").asc()],
            ),
            waiting_total=Window(Count("pk"), partition_by=[F("program_id")]),
        )
        .filter(rank__lte=MENTEES_SHOWN)
        .order_by("program_id", "rank")
        .only("pk", "program_id", "first_name", "waiting_since")
    )
    for mentee in longest:
        program_actions_ = actions[mentee.program_id]
        program_actions_.mentees_waiting = mentee.waiting_total
        program_actions_.longest_waiting.append(
            (WaitingMentee(mentee.pk, mentee.first_name), (scope.today - mentee.waiting_since).days)
        )
    return actions


# --- Activity: meetings held and support contacts per week -------------------------------------


@dataclass
class Activity:
    """Counts per week (the Mondays of `weeks`, the oldest first) of one program."""

    weeks: list[date]
    meetings: list[int]
    support: list[int]


# The finished weeks change only when a meeting is logged late: they are kept this long per
# program and week (a late entry shows within the half hour); this week is always counted afresh.
PAST_WEEKS_SECONDS = 30 * 60
BY_PROGRAM = "tandem__program_id"


def _weekly(
    queryset: QuerySet, *, field_name: str, bounds: list, whole: list[int], recent: list[int]
) -> dict[int, list]:
    """One grouped query: per program a conditional count for every week (FILTER on PostgreSQL);
    for the programs in `whole` over all weeks, for those in `recent` over the last week only
    (their other weeks come from the cache and read 0 here)."""
    weeks = {
        f"w{n}": Count(
            field_name, filter=Q(**{f"{field_name}__gte": start, f"{field_name}__lt": end})
        )
        for n, (start, end) in enumerate(itertools.pairwise(bounds))
    }
    rows = (
        queryset.filter(
            Q(**{f"{BY_PROGRAM}__in": whole, f"{field_name}__gte": bounds[0]})
            | Q(**{f"{BY_PROGRAM}__in": recent, f"{field_name}__gte": bounds[-2]}),
            **{f"{field_name}__lt": bounds[-1]},
        )
        .order_by()
        .values(BY_PROGRAM)
        .annotate(**weeks)
    )
    return {row[BY_PROGRAM]: [row[f"w{n}"] for n in range(len(weeks))] for row in rows}


def _past_weeks_key(program_id: int, monday: date) -> str:
    return f"tandems:activity:{program_id}:{monday.isoformat()}"


def weekly_activity(program_ids, *, today: date | None = None) -> dict[int, Activity]:
    """The meetings held and the support contacts of each program in the last 12 weeks (this
    week so far the last): two queries for all programs, whatever the cache holds. A week runs
    from Monday 0:00 local. The finished weeks of a program are cached (PAST_WEEKS_SECONDS), so
    a repeated visit counts one week of meetings instead of twelve."""
    program_ids = list(program_ids)
    today = today or timezone.localdate()
    weeks = week_starts(today)
    days = [*weeks, weeks[-1] + timedelta(weeks=1)]
    moments = [timezone.make_aware(datetime.combine(day, time.min)) for day in days]
    keys = {pk: _past_weeks_key(pk, weeks[-1]) for pk in program_ids}
    found = cache.get_many(list(keys.values())) if program_ids else {}
    past = {pk: found[key] for pk, key in keys.items() if key in found}
    whole = [pk for pk in program_ids if pk not in past]
    recent = list(past)
    meetings = _weekly(
        Meeting.objects.held(), field_name="starts_at", bounds=moments, whole=whole, recent=recent
    )
    support = _weekly(
        SupportContact.objects.all(),
        field_name="contacted_on",
        bounds=days,
        whole=whole,
        recent=recent,
    )
    empty = [0] * len(weeks)
    activity = {}
    for pk in program_ids:
        counted_meetings, counted_support = meetings.get(pk, empty), support.get(pk, empty)
        if pk in past:
            counted_meetings = [*past[pk]["meetings"], counted_meetings[-1]]
            counted_support = [*past[pk]["support"], counted_support[-1]]
        activity[pk] = Activity(weeks=weeks, meetings=counted_meetings, support=counted_support)
    if whole:
        cache.set_many(
            {
                keys[pk]: {
                    "meetings": activity[pk].meetings[:-1],
                    "support": activity[pk].support[:-1],
                }
                for pk in whole
            },
            PAST_WEEKS_SECONDS,
        )
    return activity


@dataclass(frozen=True)
class ProgramFigures:
    actions: ProgramActions
    activity: Activity


def program_figures(program_ids, *, today: date | None = None) -> dict[int, ProgramFigures]:
    """The figures and the activity of each program, counted where the program's data changed
    since they were last counted (or on another day), otherwise as kept (figures_cache.py): a
    visit without a change reads them with one round trip to the cache."""
    program_ids = list(program_ids)
    today = today or timezone.localdate()
    versions = figures_cache.versions(program_ids)
    figures = figures_cache.kept(program_ids, versions=versions, today=today)
    missing = [pk for pk in program_ids if pk not in figures]
    if missing:
        actions = program_actions(Scope.of(missing, today=today))
        activity = weekly_activity(missing, today=today)
        counted = {pk: ProgramFigures(actions[pk], activity[pk]) for pk in missing}
        figures_cache.keep(counted, versions=versions, today=today)
        figures.update(counted)
    return figures


def with_actions(programs, *, today: date | None = None) -> list[Program]:
    """The programs (of programs_coordinated_by), each with `.actions` (ProgramActions)."""
    programs = list(programs)
    scope = Scope.of([program.pk for program in programs], today=today)
    actions = program_actions(scope)
    for program in programs:
        program.actions = actions[program.pk]
    return programs


# --- The lists behind the figures ------------------------------------------------------------

# kind -> (base queryset, FilterSet). "tandems" is the general list of all of a program's tandems.
LISTS = {
    "ohne-treffen": (no_contact_tandems, filters.NoContactFilterSet),
    "checkins-faellig": (due_checkins, filters.DueCheckInFilterSet),
    "begleitung-faellig": (support_due_tandems, filters.SupportDueFilterSet),
    "endet-bald": (ending_tandems, filters.EndingTandemFilterSet),
    "bewerbungen-wartend": (waiting_applications, filters.WaitingApplicationFilterSet),
    "nachpruefung-72a": (due_reinspections, filters.ReinspectionFilterSet),
    "tandems": (
        lambda scope: program_tandems(scope).alias(
            mentor_sort_name=Coalesce("mentor__volunteer_profile__name", "mentor__name")
        ),
        filters.TandemFilterSet,
    ),
}
ACTION_KINDS = tuple(kind for kind in LISTS if kind != "tandems")


@dataclass
class ActionList:
    scope: Scope
    filterset: filters.ActionFilterSet
    queryset: QuerySet
    data: QueryDict

    @property
    def sort(self):
        """The state of the header links where the list sorts by them (the general list)."""
        sort = self.filterset.filters.get("sort")
        return sort.sorting.bind(self.data) if sort is not None else None

    @property
    def thresholds(self) -> Thresholds:
        return next(iter(self.scope.thresholds.values()))


def action_list(
    *, kind: str, program: Program, data: QueryDict | None, today: date | None = None
) -> ActionList:
    """One program's rows of a list, filtered by its FilterSet; invalid filters give no rows
    (the form carries the messages)."""
    base, filterset_class = LISTS[kind]
    scope = Scope.of([program.pk], today=today)
    filterset = filterset_class(
        data if data is not None else QueryDict(), queryset=base(scope), scope=scope
    )
    queryset = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    return ActionList(
        scope=scope,
        filterset=filterset,
        queryset=queryset,
        data=data if data is not None else QueryDict(),
    )


# --- Figure tiles (templates/includes/figure_tiles.html) ----------------------------------------

# The figures a coordinator acts on, summed over programs for the summary (ProgramActions' names).
SUMMED = (
    "no_contact",
    "checkins_due",
    "support_due",
    "ending_soon",
    "applications_waiting",
    "reinspections_due",
    "mentees_waiting",
)


def _action_url(program: Program | None, kind: str) -> str:
    if program is None:
        return ""
    return reverse("tandems:coordination_action_list", kwargs={"slug": program.slug, "kind": kind})


def action_tiles(
    actions: ProgramActions,
    *,
    program: Program | None = None,
    todos: int = 0,
    todos_overdue: int = 0,
) -> TileRow:
    """The tiles of one program (each links to the list it counts), or without a program the
    sums of several (no link: no list spans programs)."""
    days = actions.no_contact_days if program is not None else None
    no_contact_hint = (
        gettext("active, for more than %(days)s days") % {"days": days}
        if days is not None
        else gettext("active, past the program's limit")
    )
    tiles = [
        Tile(
            actions.no_contact,
            ngettext("tandem without a meeting", "tandems without a meeting", actions.no_contact),
            _action_url(program, "ohne-treffen"),
            URGENT,
            no_contact_hint,
        ),
        Tile(
            todos,
            ngettext("to-do due", "to-dos due", todos),
            (
                f"{reverse('tandems:coordination_todos')}?program={program.pk}"
                if program is not None
                else reverse("tandems:coordination_todos")
            ),
            URGENT if todos_overdue else ACTION,
            (
                ngettext("%(count)s overdue", "%(count)s overdue", todos_overdue)
                % {"count": todos_overdue}
                if todos_overdue
                else gettext("within a week")
            ),
        ),
        Tile(
            actions.checkins_due,
            ngettext("check-in due", "check-ins due", actions.checkins_due),
            _action_url(program, "checkins-faellig"),
            ACTION,
        ),
        Tile(
            actions.support_due,
            ngettext("support contact due", "support contacts due", actions.support_due),
            _action_url(program, "begleitung-faellig"),
            ACTION,
        ),
        Tile(
            actions.reinspections_due,
            ngettext(
                "§ 72a re-inspection due", "§ 72a re-inspections due", actions.reinspections_due
            ),
            _action_url(program, "nachpruefung-72a"),
            ACTION,
            gettext("within %(days)s days or overdue") % {"days": REINSPECTION_WITHIN_DAYS},
        ),
        Tile(
            actions.applications_waiting,
            ngettext("application waiting", "applications waiting", actions.applications_waiting),
            _action_url(program, "bewerbungen-wartend"),
            ACTION,
            gettext("for more than %(days)s days") % {"days": APPLICATION_WAITING_DAYS},
        ),
        Tile(
            actions.ending_soon,
            ngettext("tandem ending soon", "tandems ending soon", actions.ending_soon),
            _action_url(program, "endet-bald"),
            ACTION,
            gettext("within %(days)s days") % {"days": ENDING_WITHIN_DAYS},
        ),
        Tile(
            actions.mentees_waiting,
            ngettext("mentee waiting", "mentees waiting", actions.mentees_waiting),
            (
                reverse("tandems:coordination_mentees", kwargs={"slug": program.slug})
                + "?status=waiting"
                if program is not None
                else ""
            ),
            INFO,
            gettext("on the waiting list"),
        ),
    ]
    return tile_row(tiles)


def program_tiles(program: Program) -> TileRow:
    """The tiles of a program of with_actions() that has its `due_todos` attached."""
    todos = getattr(program, "due_todos", [])
    return action_tiles(
        program.actions,
        program=program,
        todos=len(todos),
        todos_overdue=sum(1 for todo in todos if todo.overdue),
    )


def summary_tiles(programs: list[Program]) -> TileRow:
    """The sums over several programs of with_actions() (with their `due_todos`)."""
    total = ProgramActions()
    for program in programs:
        for name in SUMMED:
            setattr(total, name, getattr(total, name) + getattr(program.actions, name))
    todos = [todo for program in programs for todo in getattr(program, "due_todos", [])]
    return action_tiles(
        total, todos=len(todos), todos_overdue=sum(1 for todo in todos if todo.overdue)
    )


def week_labels(weeks: list[date]) -> list[str]:
    return [formats.date_format(day, "SHORT_DATE_FORMAT") for day in weeks]


def activity_lines(activity: Activity, labels: list[str] | None = None) -> SparkTable:
    """The two sparklines of a program's activity and their table; `labels` of the weeks (the
    same for every program of a page, so formatted once)."""
    labels = labels or week_labels(activity.weeks)
    return SparkTable(
        caption=gettext("Meetings held and support contacts per week, the last 12 weeks"),
        period_header=gettext("Week from"),
        lines=[
            Sparkline(gettext("Meetings held"), labels, activity.meetings, "spark-meetings"),
            Sparkline(gettext("Support contacts"), labels, activity.support, "spark-support"),
        ],
    )


def network_tiles(counts: dict[str, int]) -> list[Tile]:
    """The anonymous figures of the whole network (selectors.network_counts), as plain tiles:
    how many, never who, and no links (staff see no program's people). A zero here is a fact,
    not something done, so it stays a tile."""
    tiles = [
        Tile(
            counts["open_applications"],
            ngettext("open application", "open applications", counts["open_applications"]),
        ),
        Tile(
            counts["ready_volunteers"],
            ngettext(
                "volunteer ready for a tandem",
                "volunteers ready for a tandem",
                counts["ready_volunteers"],
            ),
        ),
        Tile(
            counts["waiting_mentees"],
            ngettext("mentee waiting", "mentees waiting", counts["waiting_mentees"]),
        ),
        Tile(
            counts["proposed_tandems"],
            ngettext("proposed tandem", "proposed tandems", counts["proposed_tandems"]),
        ),
        Tile(
            counts["active_tandems"],
            ngettext("active tandem", "active tandems", counts["active_tandems"]),
        ),
    ]
    return [replace(tile, zero_is_done=False) for tile in tiles]


def mentor_tiles(tandem: Tandem, *, today: date) -> TileRow:
    """The mentor's figures of one current tandem (of MyAreaView: with `due` check-ins and the
    `meetings_held` count): what is due, and how the tandem goes."""
    due = list(getattr(tandem, "due", []))
    tandem_url = reverse("tandems:mentor_tandem", kwargs={"pk": tandem.pk})
    tiles = [
        Tile(
            len(due),
            ngettext("check-in due", "check-ins due", len(due)),
            (
                reverse("tandems:mentor_checkin", kwargs={"pk": due[0].pk})
                if len(due) == 1
                else f"{tandem_url}#checkins-title"
                if due
                else ""
            ),
            ACTION,
        ),
        Tile(
            tandem.meetings_held,
            ngettext("meeting held", "meetings held", tandem.meetings_held),
            tandem_url,
            INFO,
            gettext("since the start"),
            zero_is_done=False,
        ),
    ]
    if tandem.last_contact_on:
        days = (today - tandem.last_contact_on).days
        tiles.append(
            Tile(
                days,
                ngettext("day since the last meeting", "days since the last meeting", days),
                urgency=INFO,
                zero_is_done=False,
            )
        )
    return tile_row(tiles)
